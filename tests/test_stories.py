"""Stories and canonical events as an analyst reads them: one happening, many reports, counted
once, whatever the order or the number of writers."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from analysis_worker.extraction import Analyzer
from analysis_worker.stories import drain
from newsflow.core.models import Article, ArticleStatus, Entity, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.schema import (
    articles,
    canonical_events,
    canonical_signatures,
    stories,
    story_backlog,
    story_keys,
)
from newsflow.core.settings import Settings
from newsflow.core.story_backlog import FORGET_GROUPED
from newsflow.core.story_counts import refresh
from newsflow.core.story_memory import MemoryStories
from newsflow.core.story_rule import TITLE_KEYS, TOP_ENTITIES, StoryRule
from newsflow.core.story_store import StoryGrouper, article_features
from tests.conftest import truncate_all
from tests.processes import REPO_ROOT, Service, python_module, wait_for

DATA = REPO_ROOT / "tests" / "data"
MIG31 = ["mig31-baltic-wire", "mig31-polar-post", "mig31-arctic-desk"]
"""Three outlets' own reports of three MiG-31 jets violating Estonian airspace."""
UNRELATED = "harvest-festival"
ACCEPTED = datetime(2026, 3, 1, tzinfo=UTC)

Saved = tuple[Article, StoredAnalysis]


@pytest.fixture(scope="module")
def analysed(analyzer: Analyzer, seeds: list[dict[str, Any]]) -> list[Saved]:
    """The seeds, the MiG-31 reports and an unrelated article, analysed once."""
    posted = seeds + json.loads((DATA / "mig31_reports.json").read_text())
    posted.append(json.loads((DATA / "unrelated_report.json").read_text()))
    found = []
    for number, raw in enumerate(posted):
        accepted = ACCEPTED + timedelta(minutes=number)
        article = Article.model_validate(
            {**raw, "status": ArticleStatus.DONE, "created_at": accepted, "updated_at": accepted}
        )
        analysis = analyzer.analyze(article.text, article.published_at)
        found.append(
            (
                article,
                StoredAnalysis(
                    article_id=article.id, model="m", analyzed_at=accepted, **dict(analysis)
                ),
            )
        )
    return found


def backlog(engine: Engine) -> list[str]:
    """Return the ids of the articles waiting for the story grouper."""
    with engine.connect() as connection:
        return list(connection.scalars(select(story_backlog.c.article_id)))


def grouping(engine: Engine) -> dict[str, Any]:
    """Return what the store says: each article's story, stories and canonical events."""
    with engine.connect() as connection:
        return {
            "articles": dict(connection.execute(select(articles.c.id, articles.c.story_id)).all()),
            "stories": sorted(tuple(r) for r in connection.execute(select(stories)).all()),
            "events": sorted(tuple(r) for r in connection.execute(select(canonical_events)).all()),
            "signatures": sorted(
                tuple(r) for r in connection.execute(select(canonical_signatures)).all()
            ),
        }


def save_all(results: ResultStore, items: list[Saved]) -> None:
    for article, analysis in items:
        results.save(article, analysis)


Save = Callable[[list[Saved]], None]


@pytest.fixture
def save(results: ResultStore, group_saved: Callable[[], int]) -> Save:
    """Save articles one by one, as workers do, then group them, as the story grouper does."""

    def save_and_group(items: list[Saved]) -> None:
        save_all(results, items)
        group_saved()

    return save_and_group


def test_reports_of_one_happening_are_one_story_and_one_event(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    story_ids = {api_client.get(f"/articles/{a}").json["story_id"] for a in MIG31}
    assert len(story_ids) == 1
    story = api_client.get(f"/stories/{story_ids.pop()}").json
    assert {a["id"] for a in story["articles"]} >= set(MIG31)
    assert {a["source"] for a in story["articles"]} >= {"Baltic Wire", "Polar Post", "Arctic Desk"}
    estonia = [e for e in story["entities"] if e["key"] == "gpe:estonia"]
    assert estonia and estonia[0]["articles"] >= 3
    violations = [
        e
        for e in story["events"]
        if e["face"]["trigger"]["text"] == "violated"
        and {m["article"]["id"] for m in e["mentions"]} & set(MIG31)
    ]
    assert len(violations) == 1
    assert violations[0]["num_articles"] == 3
    assert violations[0]["num_sources"] == 3
    assert {m["article"]["id"] for m in violations[0]["mentions"]} == set(MIG31)


def test_an_unrelated_article_joins_no_story(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    story_id = api_client.get(f"/articles/{UNRELATED}").json["story_id"]
    story = api_client.get(f"/stories/{story_id}").json
    assert [a["id"] for a in story["articles"]] == [UNRELATED]
    mig_story = api_client.get(f"/articles/{MIG31[0]}").json["story_id"]
    assert UNRELATED not in {
        a["id"] for a in api_client.get(f"/stories/{mig_story}").json["articles"]
    }


def test_posting_in_reverse_order_gives_the_same_stories(
    database: Engine, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    forward = grouping(database)
    truncate_all(database)
    save(analysed[::-1])
    assert grouping(database) == forward


def test_the_store_groups_as_the_rule_does_in_memory(
    database: Engine, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    memory = MemoryStories(StoryRule())
    for article, analysis in analysed:
        memory.add(article_features(article, analysis))
    stored: dict[str, list[str]] = {}
    for article_id, story in sorted(grouping(database)["articles"].items()):
        stored.setdefault(story, []).append(article_id)
    assert sorted(stored.values()) == memory.stories()
    assert len(memory.stories()) < len(analysed)  # the rule did group some articles


def test_concurrent_writers_and_groupers_group_as_one_writer(
    database: Engine, results: ResultStore, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    alone = grouping(database)
    truncate_all(database)
    halves = [analysed[0::2], analysed[1::2][::-1]]
    writers = [threading.Thread(target=save_all, args=(results, half)) for half in halves]
    grouper = StoryGrouper(StoryRule())

    def group_while_saving() -> None:  # two articles a transaction: the groupers interleave
        while any(writer.is_alive() for writer in writers):
            drain(database, grouper, threading.Event(), limit=2)
        drain(database, grouper, threading.Event(), limit=2)

    groupers = [threading.Thread(target=group_while_saving) for _ in range(2)]
    for thread in writers + groupers:
        thread.start()
    for thread in writers + groupers:
        thread.join()
    assert backlog(database) == []
    assert grouping(database) == alone


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_counts_grown_article_by_article_are_the_counts_of_the_rows(
    database: Engine, save: Save, analysed: list[Saved], order: str
) -> None:
    save(analysed if order == "forward" else analysed[::-1])
    grown = grouping(database)
    with database.begin() as connection:
        refresh(connection, set(connection.scalars(select(stories.c.id))))
    assert grouping(database) == grown


def test_saving_again_changes_no_count(
    database: Engine, results: ResultStore, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    before = grouping(database)
    results.save(*analysed[3])  # posted twice, before the grouper ran
    save(analysed[3:5])  # re-analysed
    assert grouping(database) == before
    with database.connect() as connection:
        posted = connection.execute(
            select(story_keys.c.article_id, func.count()).group_by(story_keys.c.article_id)
        ).all()
    assert len(posted) == len(analysed)  # each article posted once under its keys
    assert all(count <= TOP_ENTITIES + TITLE_KEYS for _, count in posted)


def reported(article_id: str, text: str, keys: list[str]) -> Saved:
    """Return an article (its text also its title) analysed as mentioning these places."""
    article = Article(
        id=article_id, title=text, text=text, published_at=ACCEPTED, status=ArticleStatus.DONE,
        created_at=ACCEPTED, updated_at=ACCEPTED,
    )  # fmt: skip
    found = [Entity(text=key, label="GPE", start=0, end=1, key=key) for key in keys]
    return article, StoredAnalysis(
        article_id=article_id, model="m", analyzed_at=ACCEPTED, entities=found, events=[]
    )


def test_an_article_analysed_again_without_what_bridged_two_stories_splits_them(
    database: Engine, save: Save
) -> None:
    jets = "Jets violated airspace over the gulf, the coast guard said."
    envoy = "The envoy was summoned over a protest note."
    left, right = reported("a", jets, ["gpe:estonia"]), reported("c", envoy, ["gpe:russia"])
    save([left, right, reported("b", f"{jets} {envoy}", ["gpe:estonia", "gpe:russia"])])
    assert set(grouping(database)["articles"].values()) == {"a"}  # b bridges a and c
    save([reported("b", "Farmers celebrated the harvest festival.", ["gpe:france"])])
    regrouped = grouping(database)
    assert regrouped["articles"] == {"a": "a", "b": "b", "c": "c"}
    assert [(s[0], s[4]) for s in regrouped["stories"]] == [("a", 1), ("b", 1), ("c", 1)]


def test_stories_list_biggest_first_with_their_counts(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    page = api_client.get("/stories?sort=biggest&limit=1").json
    assert page["items"][0]["num_articles"] >= 3
    assert page["total"] == len({s for s in grouping_ids(api_client, analysed)})
    rest = api_client.get(f"/stories?sort=biggest&limit=50&cursor={page['next_cursor']}").json
    sizes = [s["num_articles"] for s in page["items"] + rest["items"]]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == len(analysed)


def grouping_ids(api_client: Any, analysed: list[Saved]) -> list[str]:
    return [api_client.get(f"/articles/{a.id}").json["story_id"] for a, _ in analysed]


def test_stories_filter_by_entity_and_place(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    mig_story = api_client.get(f"/articles/{MIG31[0]}").json["story_id"]
    by_entity = api_client.get("/stories?entity=gpe:estonia").json["items"]
    assert mig_story in {s["id"] for s in by_entity}
    unrelated = api_client.get(f"/articles/{UNRELATED}").json["story_id"]
    assert unrelated not in {s["id"] for s in by_entity}
    assert api_client.get("/stories?cursor=nonsense").status_code == 400
    assert api_client.get("/stories/no-such-story").status_code == 404


def test_distinct_events_list_each_happening_once_with_its_counts(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    mentions = api_client.get("/events?limit=500").json
    distinct = api_client.get("/events?limit=500&distinct=true").json
    assert distinct["total"] == len({e["canonical_id"] for e in mentions["items"]})
    assert distinct["total"] == len(distinct["items"]) < mentions["total"]
    assert sum(e["num_mentions"] for e in distinct["items"]) == mentions["total"]
    violation = [e for e in distinct["items"] if e["article"]["id"] in MIG31 and e["code"] == "150"]
    assert [(e["num_articles"], e["num_sources"]) for e in violation] == [(3, 3)]


def test_timeline_and_top_say_what_they_count(
    api_client: Any, save: Save, analysed: list[Saved]
) -> None:
    save(analysed)
    totals = {}
    for count in ("events", "mentions", "articles"):
        answer = api_client.get(f"/events/timeline?interval=month&count={count}").json
        assert answer["count"] == count
        totals[count] = answer["total"]
    assert totals["events"] == api_client.get("/events?distinct=true").json["total"]
    assert totals["mentions"] == api_client.get("/events").json["total"]
    assert totals["events"] < totals["mentions"]
    top = api_client.get("/events/top?by=code&count=articles&limit=100").json
    assert top["count"] == "articles"
    every = api_client.get("/events?limit=500").json["items"]
    for ranked in top["items"]:
        reporting = {e["article"]["id"] for e in every if e["code"] == ranked["key"]}
        assert ranked["count"] == len(reporting)


def test_exports_carry_gdelt_counts(api_client: Any, save: Save, analysed: list[Saved]) -> None:
    save(analysed)
    rows = list(csv.DictReader(io.StringIO(api_client.get("/events/export?distinct=true").text)))
    assert {"NumMentions", "NumArticles", "NumSources"} <= rows[0].keys()
    assert ("3", "3") in {(r["NumArticles"], r["NumSources"]) for r in rows}
    assert sum(int(r["NumMentions"]) for r in rows) == api_client.get("/events").json["total"]


def by_id(analysed: list[Saved], ids: list[str]) -> list[Saved]:
    return [saved for saved in analysed if saved[0].id in ids]


def test_a_saved_article_waits_in_the_backlog_until_grouped(
    api_client: Any,
    database: Engine,
    results: ResultStore,
    group_saved: Callable[[], int],
    analysed: list[Saved],
) -> None:
    results.save_all(by_id(analysed, MIG31))
    assert backlog(database) == sorted(MIG31)
    assert {api_client.get(f"/articles/{a}").json["story_id"] for a in MIG31} == {None}
    assert group_saved() == 3
    assert backlog(database) == []
    story_ids = {api_client.get(f"/articles/{a}").json["story_id"] for a in MIG31}
    assert len(story_ids) == 1 and None not in story_ids


def test_an_article_saved_again_while_grouped_stays_in_the_backlog(
    database: Engine, results: ResultStore, analysed: list[Saved]
) -> None:
    results.save(*analysed[0])
    with database.connect() as connection:
        (read,) = connection.execute(select(story_backlog)).all()
    results.save(*analysed[0])  # a worker saves it again while a grouper groups what it read
    with database.begin() as connection:
        connection.execute(FORGET_GROUPED, {"ids": [read.article_id], "queued": [read.queued_at]})
    assert backlog(database) == [read.article_id]


@pytest.mark.e2e
@pytest.mark.slow
def test_the_grouper_process_groups_what_a_crash_left_then_each_new_save(
    settings: Settings,
    database: Engine,
    results: ResultStore,
    analysed: list[Saved],
    tmp_path: Path,
) -> None:
    results.save_all(by_id(analysed, MIG31))  # committed with the rows; no grouper ran
    grouper = Service(
        python_module("analysis_worker", "--stories"),
        {"DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url},
        tmp_path / "grouper.log",
    ).start()
    try:
        wait_for(lambda: not backlog(database), timeout=60, what="the backlog to be grouped")
        assert len(set(grouping(database)["articles"].values())) == 1
        results.save(*by_id(analysed, [UNRELATED])[0])
        wait_for(lambda: not backlog(database), timeout=30, what="the new save to be grouped")
        stories_now = grouping(database)["articles"]
        assert stories_now[UNRELATED] == UNRELATED
        assert len(set(stories_now.values())) == 2
    finally:
        assert grouper.stop() == 0, grouper.log()
