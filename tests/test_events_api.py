"""The events API as an analyst uses it: every filter, totals, aggregates, exports, paging.

Each filter is checked against the seeds two ways: a named event it must return and one it
must not, and the whole answer against the same question asked of every event in Python.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine

from analysis_worker.extraction import Analyzer
from api_service.app import create_app
from newsflow.core import event_store, text_search
from newsflow.core.connection import connect
from newsflow.core.database import alembic_config, connect_database
from newsflow.core.models import Article, ArticleStatus, Location, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.tools.pg_server import PostgresServer
from tests import csv_reference

Event = dict[str, Any]
OUTLETS = ["Arctic Desk", "Polar Post", "Baltic Wire"]
"""Each seed is filed under an outlet of its own."""
WRITTEN = datetime(2026, 3, 1, tzinfo=UTC)
"""When the first two seeds' analyses are written; the third is written a day later."""


@pytest.fixture(scope="session")
def seed_analyses(analyzer: Analyzer, seeds: list[dict[str, Any]]) -> list[tuple[Article, Any]]:
    """The seeds analysed once for the session (the worker's own analysis)."""
    pairs = []
    for number, seed in enumerate(seeds):
        accepted = WRITTEN - timedelta(hours=len(seeds) - number)
        article = Article.model_validate(
            {
                **seed,
                "source": OUTLETS[number],
                "status": ArticleStatus.DONE,
                "created_at": accepted,
                "updated_at": accepted,
            }
        )
        pairs.append((article, analyzer.analyze(article.text, article.published_at)))
    return pairs


def save(results: ResultStore, article: Article, analysis: Any, written: datetime) -> None:
    stored = StoredAnalysis(article_id=article.id, model="m", analyzed_at=written, **dict(analysis))
    results.save(article, stored)


@pytest.fixture
def events(
    api_client: Any,
    results: ResultStore,
    group_saved: Callable[[], int],
    seed_analyses: list[tuple[Article, Any]],
) -> list[Event]:
    """Store the seeds' analyses and group them as the story grouper does; return every event
    as the API lists it."""
    for number, (article, analysis) in enumerate(seed_analyses):
        save(results, article, analysis, WRITTEN + timedelta(days=1 if number == 2 else 0))
    group_saved()
    return fetch_all(api_client, "")


def fetch_all(api_client: Any, query: str, limit: int = 500) -> list[Event]:
    items, cursor = [], None
    while True:
        after = f"&cursor={cursor}" if cursor else ""
        page = api_client.get(f"/events?limit={limit}&{query}{after}")
        assert page.status_code == 200, page.json
        items += page.json["items"]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return items


def named(events: list[Event], article: str, trigger: str) -> str:
    """The id of the event of a seed whose trigger is this word."""
    found = [
        e["id"]
        for e in events
        if e["article"]["id"].startswith(article) and e["trigger"]["text"] == trigger
    ]
    assert found, f"no '{trigger}' event in {article}"
    return found[0]


def day(e: Event) -> date:
    return date.fromisoformat(e["date"] or e["article"]["published_at"][:10])


def side(e: Event, which: str, actor: str) -> bool:
    found = e[which] or {}
    code, country = found.get("actor_code") or "", found.get("country")
    return code.startswith(actor) or (len(actor) == 3 and country == actor)


def located(e: Event) -> tuple[float, float] | None:
    place = e["location"] or {}
    return (place["lat"], place["lon"]) if place.get("lat") is not None else None


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


MIG = ("seed-002", "violated")
"""Three Russian MiG-31 jets violated Estonian airspace (seed 002)."""
DAVOS = ("seed-001", "meeting")
"""Trump and Rutte's meeting (seed 001)."""
LAUNCH = ("seed-000", "launch")
"""NATO plans to launch Arctic Sentry (seed 000)."""
LAUNCHED = ("seed-001", "launched")
"""Arctic Sentry launched (seed 001)."""
BRUSSELS = ("seed-002", "meeting")
"""Defence ministers meeting in Brussels (seed 002)."""
POLAND = ("seed-002", "contributing")
"""Germany contributing jets to Poland's defence (seed 002)."""

FILTERS: list[tuple[str, Callable[[Event], bool], tuple[str, str], tuple[str, str]]] = [
    ("since=2026-01-01", lambda e: day(e) >= date(2026, 1, 1), LAUNCHED, MIG),
    ("until=2025-12-31", lambda e: day(e) <= date(2025, 12, 31), MIG, LAUNCHED),
    (
        "published_since=2026-02-10T00:00:00Z",
        lambda e: e["article"]["published_at"] >= "2026-02-10",
        LAUNCHED,
        LAUNCH,
    ),
    (
        "published_until=2026-02-10T00:00:00Z",
        lambda e: e["article"]["published_at"] <= "2026-02-10",
        LAUNCH,
        LAUNCHED,
    ),
    ("code=15", lambda e: e["code"].startswith("15"), MIG, DAVOS),
    ("code=150", lambda e: e["code"].startswith("150"), MIG, DAVOS),
    ("code=0312", lambda e: e["code"].startswith("0312"), LAUNCH, POLAND),
    ("root=15", lambda e: e["root_code"] == "15", MIG, DAVOS),
    ("quad_class=4", lambda e: e["quad_class"] == 4, MIG, DAVOS),
    ("plover=mobilize", lambda e: e["plover"] == "MOBILIZE", MIG, LAUNCHED),
    ("actor=RUS", lambda e: side(e, "source", "RUS") or side(e, "target", "RUS"), MIG, DAVOS),
    (
        "actor=IGOWSTNAT",
        lambda e: side(e, "source", "IGOWSTNAT") or side(e, "target", "IGOWSTNAT"),
        DAVOS,
        MIG,
    ),
    ("source=RUSMIL", lambda e: side(e, "source", "RUSMIL"), MIG, POLAND),
    ("target=EST", lambda e: side(e, "target", "EST"), MIG, POLAND),
    ("dyad=RUS,EST", lambda e: side(e, "source", "RUS") and side(e, "target", "EST"), MIG, POLAND),
    (
        "dyad=EST,RUS&undirected=true",
        lambda e: (
            (side(e, "source", "EST") and side(e, "target", "RUS"))
            or (side(e, "source", "RUS") and side(e, "target", "EST"))
        ),
        MIG,
        POLAND,
    ),
    (
        "country=POL",
        lambda e: "POL" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country")),
        POLAND,
        MIG,
    ),
    ("place=Brussels", lambda e: (e["location"] or {}).get("name") == "Brussels", BRUSSELS, MIG),
    ("place=BEL", lambda e: (e["location"] or {}).get("country") == "BEL", BRUSSELS, MIG),
    (
        "bbox=4,50,5,51",
        lambda e: (p := located(e)) is not None and 50 <= p[0] <= 51 and 4 <= p[1] <= 5,
        BRUSSELS,
        MIG,
    ),
    (
        "near=50.85,4.35,50",
        lambda e: (p := located(e)) is not None and km(p, (50.85, 4.35)) <= 50,
        BRUSSELS,
        MIG,
    ),
    (
        "modality=planned&modality=possible",
        lambda e: e["modality"] in ("planned", "possible"),
        LAUNCH,
        MIG,
    ),
    ("min_confidence=0.9", lambda e: e["confidence"] >= 0.9, MIG, BRUSSELS),
    (
        "entity=norp:russian",
        lambda e: (
            "norp:russian"
            in ((e["source"] or {}).get("entity_key"), (e["target"] or {}).get("entity_key"))
        ),
        MIG,
        DAVOS,
    ),
    ("q=airspace", lambda e: "airspace" in e["sentence_text"].lower(), MIG, LAUNCHED),
    (
        "q=airspace&since=2025-10-14&until=2025-10-31",
        lambda e: (
            "airspace" in e["sentence_text"].lower() and "2025-10-14" <= str(day(e)) < "2025-11"
        ),
        MIG,
        LAUNCHED,
    ),
    (
        "q=nato&root=04",
        lambda e: "nato" in e["sentence_text"].lower() and e["root_code"] == "04",
        BRUSSELS,
        MIG,
    ),
    (
        "article=seed-002-eastern-flank-deterrence",
        lambda e: e["article"]["id"] == "seed-002-eastern-flank-deterrence",
        MIG,
        DAVOS,
    ),
    ("outlet=baltic wire", lambda e: e["article"]["source"] == "Baltic Wire", MIG, DAVOS),
    (
        "updated_since=2026-03-01T12:00:00Z",
        lambda e: e["updated_at"] >= "2026-03-01T12:00:00",
        MIG,
        DAVOS,
    ),
    (
        "actor=EST&root=15",
        lambda e: (side(e, "source", "EST") or side(e, "target", "EST")) and e["root_code"] == "15",
        MIG,
        DAVOS,
    ),
    (
        "actor=RUSMIL&root=15&since=2025-10-01&until=2025-12-31",
        lambda e: (
            (side(e, "source", "RUSMIL") or side(e, "target", "RUSMIL"))
            and e["root_code"] == "15"
            and date(2025, 10, 1) <= day(e) <= date(2025, 12, 31)
        ),
        MIG,
        LAUNCHED,
    ),
    (
        "actor=RUS&target=EST&root=15",
        lambda e: side(e, "target", "EST") and e["root_code"] == "15",
        MIG,
        BRUSSELS,
    ),
]


@pytest.mark.parametrize("query, wanted, included, excluded", FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter_returns_exactly_the_events_it_describes(
    api_client: Any,
    events: list[Event],
    query: str,
    wanted: Callable[[Event], bool],
    included: tuple[str, str],
    excluded: tuple[str, str],
) -> None:
    found = fetch_all(api_client, query, limit=3)
    ids = [e["id"] for e in found]
    assert named(events, *included) in ids
    assert named(events, *excluded) not in ids
    assert sorted(ids) == sorted(e["id"] for e in events if wanted(e))
    assert len(ids) == len(set(ids))
    assert api_client.get(f"/events?{query}").json["total"] == len(ids)


@pytest.mark.parametrize("query", ["q=airspace", "q=nato&since=2025-10-14", "actor=RUS", "root=04"])
def test_a_filter_pages_alike_walking_the_newest_or_reading_every_match(
    api_client: Any, events: list[Event], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_all = [e["id"] for e in fetch_all(api_client, query, limit=2)]
    monkeypatch.setattr(text_search, "WALK_FROM", 0)
    monkeypatch.setattr(event_store, "WALK_FROM", 0)
    walked = [e["id"] for e in fetch_all(api_client, query, limit=2)]
    assert walked == read_all and len(read_all) > 2


def test_events_are_listed_newest_event_first_with_their_article(
    api_client: Any, events: list[Event]
) -> None:
    assert [day(e) for e in events] == sorted((day(e) for e in events), reverse=True)
    mig = next(e for e in events if e["id"] == named(events, *MIG))
    assert mig["article"]["title"] == "NATO discusses better deterrence after airspace violations"
    assert mig["article"]["source"] == "Baltic Wire"
    assert mig["source"]["actor_code"] == "RUSMIL" and mig["target"]["actor_code"] == "EST"
    assert api_client.get(f"/events/{mig['id']}").json == mig


@pytest.mark.parametrize("sort", ["published", "confidence", "updated"])
def test_every_sort_pages_through_every_event_once(
    api_client: Any, events: list[Event], sort: str
) -> None:
    found = fetch_all(api_client, f"sort={sort}", limit=4)
    assert sorted(e["id"] for e in found) == sorted(e["id"] for e in events)
    keys = {
        "published": lambda e: e["article"]["published_at"],
        "confidence": lambda e: e["confidence"],
        "updated": lambda e: e["updated_at"],
    }[sort]
    values = [keys(e) for e in found]
    assert values == sorted(values, reverse=sort != "updated")


def test_paging_never_repeats_or_skips_while_articles_arrive(
    api_client: Any,
    events: list[Event],
    results: ResultStore,
    seed_analyses: list[tuple[Article, Any]],
) -> None:
    seen: list[str] = []
    cursor = None
    for copy in range(100):
        after = f"&cursor={cursor}" if cursor else ""
        page = api_client.get(f"/events?limit=3{after}").json
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        article, analysis = seed_analyses[copy % 3]
        twin = article.model_copy(update={"id": f"copy-{copy}"})
        save(results, twin, analysis, WRITTEN + timedelta(days=2))
    assert len(seen) == len(set(seen))
    assert {e["id"] for e in events} <= set(seen)


FORMATS = ["csv", "ndjson", "geojson"]


def exported_ids(api_client: Any, query: str, fmt: str) -> list[str]:
    response = api_client.get(f"/events/export?format={fmt}&{query}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    if fmt == "csv":
        return [row["GLOBALEVENTID"] for row in csv.DictReader(io.StringIO(body))]
    if fmt == "ndjson":
        return [json.loads(line)["id"] for line in body.splitlines()]
    return [feature["id"] for feature in json.loads(body)["features"]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", ["", "actor=RUS", "root=04&sort=confidence", "q=nothing-at-all"])
def test_export_rows_are_the_listed_rows(
    api_client: Any, events: list[Event], fmt: str, query: str
) -> None:
    listed = [e["id"] for e in fetch_all(api_client, query, limit=5)]
    assert exported_ids(api_client, query, fmt) == listed


@pytest.mark.parametrize(
    "query", ["", "actor=RUS", "root=04&sort=confidence", "sort=published", "distinct=true"]
)
def test_csv_export_is_the_listed_events_as_python_writes_them(
    api_client: Any, events: list[Event], query: str
) -> None:
    listed = fetch_all(api_client, query, limit=7)
    body = api_client.get(f"/events/export?format=csv&{query}").get_data()
    assert body.decode() == "".join(csv_reference.csv_chunks(listed)) and len(listed) > 2


def test_csv_export_writes_odd_values_as_python_does(
    api_client: Any, results: ResultStore, seed_analyses: list[tuple[Article, Any]]
) -> None:
    article, analysis = seed_analyses[0]
    first = analysis.events[0]
    odd = first.model_copy(
        update={
            "sentence_text": 'He said "no, never"\nand left; 1,000 more',
            "date_text": "",
            "date": None,
            "goldstein": 1e-05,
            "confidence": 0.0,
            "plover": None,
            "location": Location(name='Près, "here"', lat=-0.00001, lon=179.99999),
        }
    )
    published = datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
    save(
        results,
        article.model_copy(update={"id": "odd", "published_at": published, "url": ""}),
        analysis.model_copy(update={"events": [odd, *analysis.events[1:2]]}),
        WRITTEN,
    )
    listed = fetch_all(api_client, "article=odd")
    body = api_client.get("/events/export?format=csv&article=odd").get_data()
    assert body.decode() == "".join(csv_reference.csv_chunks(listed))
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    row = next(r for r in rows if r["SentenceText"] == odd.sentence_text)
    assert row["PublishedAt"].endswith(".000789+00:00") and row["ActionGeo_Lat"] == "-1e-05"


def test_csv_export_speaks_gdelt(api_client: Any, events: list[Event]) -> None:
    body = api_client.get("/events/export?format=csv&dyad=RUS,EST").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["EventCode"] == "150" and row["EventRootCode"] == "15"
    assert row["Actor1Code"] == "RUSMIL" and row["Actor2CountryCode"] == "EST"
    assert row["QuadClass"] == "4" and float(row["GoldsteinScale"]) == -7.2
    assert row["SQLDATE"] == "20251014"
    mig = next(e for e in events if e["id"] == row["GLOBALEVENTID"])
    assert (int(row["TriggerStart"]), int(row["TriggerEnd"])) == (
        mig["trigger"]["start"],
        mig["trigger"]["end"],
    )


def test_geojson_export_places_located_events(api_client: Any, events: list[Event]) -> None:
    collection = json.loads(api_client.get("/events/export?format=geojson&place=Brussels").data)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert abs(lat - 50.85) < 0.1 and abs(lon - 4.35) < 0.1


@pytest.mark.parametrize("interval", ["day", "week", "month"])
@pytest.mark.parametrize("by", ["root", "quad_class", "plover", "country"])
def test_timeline_buckets_sum_to_the_total(
    api_client: Any, events: list[Event], interval: str, by: str
) -> None:
    timeline = api_client.get(f"/events/timeline?interval={interval}&by={by}").json
    buckets = timeline["buckets"]
    assert sum(b["count"] for b in buckets) == timeline["total"] == len(events)
    assert all(sum(g["count"] for g in b["groups"]) == b["count"] for b in buckets)
    starts = [date.fromisoformat(b["start"]) for b in buckets]
    assert starts == sorted(starts) and len(starts) == len(set(starts))
    if interval == "day":  # every day from the first event's to the last's, empty ones too
        assert (starts[-1] - starts[0]).days + 1 == len(starts)


def test_timeline_counts_match_the_filtered_total(api_client: Any, events: list[Event]) -> None:
    timeline = api_client.get("/events/timeline?interval=week&by=root&actor=RUS").json
    assert timeline["total"] == api_client.get("/events?actor=RUS").json["total"] > 0
    mean = [b["goldstein"] for b in timeline["buckets"] if b["count"]]
    assert mean and all(value == -7.2 for value in mean)  # every Russian event here is 150


def test_top_dyads_and_actors_count_events(api_client: Any, events: list[Event]) -> None:
    dyads = {
        i["key"]: i["count"] for i in api_client.get("/events/top?by=dyad&limit=100").json["items"]
    }
    assert dyads["RUSMIL,EST"] == 1
    actors = {
        i["key"]: i["count"] for i in api_client.get("/events/top?by=actor&limit=100").json["items"]
    }
    for code, count in actors.items():
        assert count == sum(
            1
            for e in events
            if code
            in {(e["source"] or {}).get("actor_code"), (e["target"] or {}).get("actor_code")}
        )
    places = api_client.get("/events/top?by=place&root=04").json["items"]
    assert places[0]["key"] in {(e["location"] or {}).get("name") for e in events}


BAD = [
    ("code=99", "code"),
    ("root=21", "root"),
    ("plover=SHOUT", "plover"),
    ("since=2025-10-01&until=2025-09-01", "until"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=10,60,20,50", "bbox"),
    ("near=91,0,10", "near"),
    ("limit=0", "limit"),
    ("limit=501", "limit"),
    ("modality=rumoured", "modality.0"),
    ("actor=rus", "actor"),
    ("dyad=RUS", "dyad"),
    ("actr=RUS", "actr"),
]


@pytest.mark.parametrize("query, field", BAD, ids=[b[0] for b in BAD])
def test_bad_filters_are_422_naming_the_parameter(api_client: Any, query: str, field: str) -> None:
    response = api_client.get(f"/events?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.json["errors"]]


def test_a_timeline_finer_than_its_dates_allow_is_422_naming_the_interval(
    api_client: Any, events: list[Event]
) -> None:
    response = api_client.get("/events/timeline?interval=day&since=1900-01-01&until=2025-12-31")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.json["errors"]] == ["interval"]
    assert api_client.get("/events/timeline?interval=month&since=1900-01-01").status_code == 200


def test_forged_cursor_is_400(api_client: Any, events: list[Event]) -> None:
    first = api_client.get("/events?limit=1").json["next_cursor"]
    assert api_client.get(f"/events?cursor={first}&sort=confidence").status_code == 400
    assert api_client.get("/events?cursor=bm9wZQ").status_code == 400


def test_unknown_event_is_404(api_client: Any, events: list[Event]) -> None:
    assert api_client.get("/events/seed-002-eastern-flank-deterrence~999").status_code == 404


def test_postgresql_down_is_503_with_retry_after(settings: Settings) -> None:
    dead = settings.model_copy(
        update={"database_url": "postgresql+psycopg://newsflow@127.0.0.1:1/newsflow"}
    )
    engine: Engine = connect_database(dead)
    try:
        client = create_app(dead, connect(dead), engine).test_client()
        for path in ("/events", "/events/timeline", "/entities", "/articles/x", "/readyz"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert int(response.headers["Retry-After"]) > 0
        assert client.get("/healthz").status_code == 200
    finally:
        engine.dispose()


def whole_store_answers(api_client: Any) -> list[Any]:
    """Every whole-store aggregate twice: from the kept counts, and scanning the events
    (min_confidence=0 matches every event but sends the query to the scan)."""
    answers = []
    for scan in ("", "&min_confidence=0"):
        tops = [
            api_client.get(f"/events/top?by={by}&limit=100{scan}").json["items"]
            for by in ("actor", "source", "target", "dyad", "code", "place", "country", "entity")
        ]
        timelines = [
            api_client.get(f"/events/timeline?interval=day&by={by}{scan}").json
            for by in ("root", "quad_class", "plover", "country")
        ]
        answers.append((tops, timelines))
    return answers


COUNTED_TOTALS = (
    "", "actor=RUS", "actor=IGOWSTNAT", "actor=RUSMIL", "actor=RUSMI", "actor=RUS&root=15",
    "actor=USA&root=04",
    "dyad=RUS,EST", "dyad=IGOWSTNAT,RUS", "country=EST", "entity=org:nato", "code=04",
    "place=Brussels", "root=04", "plover=MOBILIZE", "quad_class=4",
    "since=2025-10-01&until=2025-10-31", "bbox=20,55,30,60", "bbox=0,-90,-170,90",
)  # fmt: skip
"""Filters whose total the kept counts give."""


def totals_twice(api_client: Any) -> list[tuple[int, int]]:
    """Each counted filter's total from the kept counts, and scanning (min_confidence=0)."""
    return [
        (
            api_client.get(f"/events?limit=1&{query}").json["total"],
            api_client.get(f"/events?limit=1&{query}&min_confidence=0").json["total"],
        )
        for query in COUNTED_TOTALS
    ]


def test_kept_totals_are_the_scanned_totals_after_saves_and_resaves(
    api_client: Any,
    events: list[Event],
    results: ResultStore,
    seed_analyses: list[tuple[Article, Any]],
) -> None:
    before = totals_twice(api_client)
    assert all(kept == scanned for kept, scanned in before) and before[1][0] > 0
    article, analysis = seed_analyses[2]
    fewer = analysis.model_copy(update={"events": analysis.events[1:]})
    save(results, article, fewer, WRITTEN + timedelta(days=3))  # an event is gone
    save(results, article.model_copy(update={"id": "copy"}), analysis, WRITTEN)
    after = totals_twice(api_client)
    assert all(kept == scanned for kept, scanned in after) and after != before


NARROW_READS = (
    "q=airspace", "q=jets", "q=russian jets", "q=-airspace", "q=the",
    "actor=RUS&root=15", "actor=EST&root=15&until=2025-12-31", "actor=IGOWSTNAT&root=04",
    "actor=USA&root=04&since=2026-01-01",
    "country=RUS", "country=EST&since=2025-10-01", "country=DEU&until=2025-12-31",
    "bbox=-180,-90,180,90", "bbox=20,55,30,60&since=2025-10-01", "bbox=170,-90,30,90",
)  # fmt: skip
"""Filters whose total and page come from narrow rows (word counts, event_actor_keys) or from
each side's own index (country) or each point's (bbox)."""


def read_twice(api_client: Any) -> list[tuple[Any, Any]]:
    """Each narrow filter's total and pages (two events each), and the same scanning the events
    (min_confidence=0 matches every event but sends the query to the scan)."""
    return [
        tuple(  # type: ignore[misc]
            (
                api_client.get(f"/events?limit=1&{query}{scan}").json["total"],
                [e["id"] for e in fetch_all(api_client, query + scan, limit=2)],
            )
            for scan in ("", "&min_confidence=0")
        )
        for query in NARROW_READS
    ]


def test_narrow_totals_and_pages_are_the_scanned_ones_after_saves_and_resaves(
    api_client: Any,
    events: list[Event],
    results: ResultStore,
    seed_analyses: list[tuple[Article, Any]],
) -> None:
    before = read_twice(api_client)
    assert all(narrow == scanned for narrow, scanned in before)
    assert all(narrow[0] > 0 for narrow, _ in before[:2] + before[5:8] + before[9:])
    article, analysis = seed_analyses[2]
    fewer = analysis.model_copy(update={"events": analysis.events[1:]})
    save(results, article, fewer, WRITTEN + timedelta(days=3))  # an event is gone
    save(results, article.model_copy(update={"id": "copy"}), analysis, WRITTEN)
    after = read_twice(api_client)
    assert all(narrow == scanned for narrow, scanned in after) and after != before
    save(results, article, analysis.model_copy(update={"events": []}), WRITTEN)  # none left
    assert all(narrow == scanned for narrow, scanned in read_twice(api_client))


def test_migrations_0008_0009_key_and_count_the_events_saved_before_them(
    api_client: Any, events: list[Event], migrated_postgres: PostgresServer
) -> None:
    config = alembic_config(migrated_postgres.url)
    command.downgrade(config, "0007")  # event_actor_keys and the word counts are gone
    command.upgrade(config, "head")
    read = read_twice(api_client)
    assert all(narrow == scanned for narrow, scanned in read) and read[0][0][0] > 0


def test_migration_0011_counts_the_points_of_the_events_saved_before_it(
    api_client: Any, events: list[Event], migrated_postgres: PostgresServer
) -> None:
    config = alembic_config(migrated_postgres.url)
    command.downgrade(config, "0010")  # the point counts are gone
    command.upgrade(config, "head")
    read = dict(zip(NARROW_READS, read_twice(api_client), strict=True))
    boxes = [read[query] for query in NARROW_READS if query.startswith("bbox")]
    assert all(narrow == scanned for narrow, scanned in boxes) and boxes[0][0][0] > 0


def test_migrations_0005_0006_count_the_events_saved_before_them(
    api_client: Any, events: list[Event], migrated_postgres: PostgresServer
) -> None:
    config = alembic_config(migrated_postgres.url)
    command.downgrade(config, "0004")  # the actor*, dyad*, root*... counts are gone
    try:
        assert api_client.get("/events?limit=1&actor=RUS").json["total"] == 0
    finally:
        command.upgrade(config, "head")
    assert all(kept == scanned for kept, scanned in totals_twice(api_client))


def test_kept_counts_answer_as_the_scan_does_after_saves_and_resaves(
    api_client: Any,
    events: list[Event],
    results: ResultStore,
    seed_analyses: list[tuple[Article, Any]],
) -> None:
    kept, scanned = whole_store_answers(api_client)
    assert kept == scanned and kept[0][0]  # actors were counted
    article, analysis = seed_analyses[2]
    fewer = analysis.model_copy(update={"events": analysis.events[1:]})
    save(results, article, fewer, WRITTEN + timedelta(days=3))  # an event is gone
    save(results, article.model_copy(update={"id": "copy"}), analysis, WRITTEN)
    kept, scanned = whole_store_answers(api_client)
    assert kept == scanned
    total = api_client.get("/events/timeline?interval=month&by=root").json["total"]
    assert total == len(events) - 1 + len(analysis.events)


@pytest.mark.parametrize(
    "bound",
    ["5331-01-12T10:31:33.731469-17:04", "9999-12-31T23:00:00-17:00", "2026-02-10T04:00+05:00"],
)
def test_csv_export_takes_any_offset_the_listing_takes(
    api_client: Any, events: list[Event], bound: str
) -> None:
    query = f"published_until={bound.replace('+', '%2B')}"
    listed = [e["id"] for e in fetch_all(api_client, query)]
    response = api_client.get(f"/events/export?format=csv&{query}")
    assert response.status_code == 200
    assert [row["GLOBALEVENTID"] for row in csv.DictReader(io.StringIO(response.text))] == listed
