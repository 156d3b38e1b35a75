"""The read API as an analyst uses it: articles, their analyses, entities across articles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text

from newsflow.core import entity_index
from newsflow.core.entity_index import head_statement, named_statement


@pytest.fixture
def analysed(
    ingest_client: Any, run_worker: Callable[..., Any], seeds: list[dict[str, Any]]
) -> list[str]:
    """Post the seeds and run a burst worker over them; return their ids in posting order."""
    ids = [ingest_client.post("/articles", json=seed).json["id"] for seed in seeds]
    run_worker()
    return ids


def test_article_has_status_and_entities_with_offsets(
    api_client: Any, analysed: list[str], seeds: list[dict[str, Any]]
) -> None:
    article = api_client.get(f"/articles/{analysed[2]}").json
    assert article["status"] == "done"
    assert article["text"] == seeds[2]["text"]
    analysis = article["analysis"]
    text = article["text"]
    for event in analysis["events"]:
        trigger = event["trigger"]
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
        if event["source"] is not None:
            source = event["source"]
            assert text[source["start"] : source["end"]] == source["text"]
    meeting = analysis["events"][0]  # the headline's happening comes first
    assert (meeting["code"], meeting["source"]["actor_code"]) == ("040", "IGOWSTNAT")
    assert meeting["trigger"]["text"] == "meeting"
    assert analysis["model"].startswith("en_core_web_sm")
    for entity in analysis["entities"]:
        assert article["text"][entity["start"] : entity["end"]] == entity["text"]
    assert ("NATO", "ORG") in {(e["text"], e["label"]) for e in analysis["entities"]}


def test_unknown_article_is_404_problem(api_client: Any) -> None:
    response = api_client.get("/articles/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_articles_are_listed_newest_first_page_by_page(
    api_client: Any, analysed: list[str]
) -> None:
    first = api_client.get("/articles?limit=2").json
    assert [a["id"] for a in first["items"]] == analysed[::-1][:2]
    assert all("text" not in a for a in first["items"])
    second = api_client.get(f"/articles?limit=2&cursor={first['next_cursor']}").json
    assert [a["id"] for a in second["items"]] == [analysed[0]]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=1000", "limit=abc"])
def test_bad_paging_is_422(api_client: Any, query: str) -> None:
    response = api_client.get(f"/articles?{query}")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "limit"


def test_forged_cursor_is_400(api_client: Any, analysed: list[str]) -> None:
    response = api_client.get("/articles?cursor=bm90LWFuLWlk")
    assert response.status_code == 400 and response.json["title"] == "Bad Request"


def test_entities_count_the_articles_that_mention_them(
    api_client: Any, analysed: list[str]
) -> None:
    entities = {e["key"]: e for e in api_client.get("/entities?limit=200").json["items"]}
    assert entities["org:nato"]["article_count"] == 3
    assert entities["org:nato"]["label"] == "ORG"
    counts = [e["article_count"] for e in entities.values()]
    assert counts == sorted(counts, reverse=True)


def test_entities_filter_by_label_and_name(api_client: Any, analysed: list[str]) -> None:
    places = api_client.get("/entities?label=GPE&limit=200").json["items"]
    assert places and {e["label"] for e in places} == {"GPE"}
    assert "gpe:greenland" in {e["key"] for e in places}
    found = api_client.get("/entities?q=trump").json["items"]
    assert "person:donald-trump" in {e["key"] for e in found}


def test_entity_lists_the_articles_that_mention_it(api_client: Any, analysed: list[str]) -> None:
    entity = api_client.get("/entities/gpe:greenland").json
    assert entity["name"] == "Greenland"
    assert {a["id"] for a in entity["articles"]} == {analysed[0], analysed[1]}
    assert entity["article_count"] == 2


def test_unknown_entity_is_404(api_client: Any) -> None:
    assert api_client.get("/entities/gpe:atlantis").status_code == 404


def test_openapi_document_comes_from_the_models(api_client: Any) -> None:
    spec = api_client.get("/openapi/openapi.json").json
    assert {"/articles", "/articles/{article_id}", "/entities", "/entities/{key}"} <= set(
        spec["paths"]
    )
    schemas = spec["components"]["schemas"]
    assert {"ArticleDetail", "Entity", "Event", "EntitySummary"} <= set(schemas)
    assert "events" in schemas["StoredAnalysis"]["properties"]
    assert api_client.get("/docs").status_code == 302
    assert api_client.get("/openapi/swagger").status_code == 200


def test_an_entitys_articles_come_page_by_page_with_their_count(
    api_client: Any, analysed: list[str]
) -> None:
    first = api_client.get("/entities/org:nato?limit=2").json
    assert first["article_count"] == 3 and len(first["articles"]) == 2
    rest = api_client.get(f"/entities/org:nato?limit=2&cursor={first['next_cursor']}").json
    assert rest["next_cursor"] is None
    assert [a["id"] for a in first["articles"] + rest["articles"]] == analysed[::-1]


def test_entity_search_by_name_uses_the_trigram_index_not_a_scan(database: Engine) -> None:
    many = """INSERT INTO entities (key, name, label, article_count)
              SELECT 'person:p' || n, 'Person ' || n, 'PERSON', 1 + n % 7
              FROM generate_series(1, 150000) AS n"""
    statement = named_statement(50, None, "trump")
    compiled = statement.compile(database, compile_kwargs={"literal_binds": True})
    with database.begin() as connection:
        connection.execute(text("SET LOCAL statement_timeout = 0"))
        connection.execute(text(many))
        connection.execute(text("ANALYZE entities"))
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN {compiled}").scalars())
    assert "entities_name_trigram" in plan and "Seq Scan" not in plan


def test_entity_search_reads_the_most_mentioned_names_from_the_index_alone(
    database: Engine,
) -> None:
    many = """INSERT INTO entities (key, name, label, article_count)
              SELECT 'person:p' || n, 'Person ' || n, 'PERSON', 1 + n % 7
              FROM generate_series(1, 20000) AS n"""
    compiled = head_statement(20, None, "son 1").compile(
        database, compile_kwargs={"literal_binds": True}
    )
    with database.begin() as connection:
        connection.execute(text(many))
    with database.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE entities"))  # as autovacuum would
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN {compiled}").scalars())
    assert "Index Only Scan using entities_by_count" in plan, plan


@pytest.mark.parametrize("head_rows", [50, 10_000])
def test_entity_search_ranks_every_matching_name_as_a_scan_does(
    api_client: Any, database: Engine, monkeypatch: pytest.MonkeyPatch, head_rows: int
) -> None:
    # 3,000 names: common words in the most and least mentioned, a rare one only far down the
    # count order (so the first entities hold no page of it), and two-letter fragments.
    many = """INSERT INTO entities (key, name, label, article_count)
              SELECT 'org:o' || n,
                     (ARRAY['North Command', 'Baltic Forum', 'Sea Council'])[1 + n % 3]
                     || CASE WHEN n % 97 = 0 THEN ' Zyxwv' ELSE '' END || ' ' || n,
                     CASE WHEN n % 2 = 0 THEN 'ORG' ELSE 'NORP' END, 1 + (3000 - n) / 40
              FROM generate_series(1, 3000) AS n"""
    with database.begin() as connection:
        connection.execute(text(many))
    monkeypatch.setattr(entity_index, "HEAD_ROWS", head_rows)
    for query in ("command", "zyxwv", "zyxwv 2", "rth co", "ic", "zy", "nothing-like-it"):
        for label in ("", "&label=ORG"):
            found = api_client.get(f"/entities?q={query}&limit=20{label}").json["items"]
            with database.connect() as connection:
                scanned = connection.execute(
                    text(
                        "SELECT key FROM entities WHERE name ILIKE :pattern AND article_count > 0"
                        " AND (:label = '' OR label = :label)"
                        " ORDER BY article_count DESC, key LIMIT 20"
                    ),
                    {"pattern": entity_index.name_pattern(query), "label": label[7:]},
                ).scalars()
                assert [e["key"] for e in found] == list(scanned), (query, label)
