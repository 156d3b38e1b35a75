"""Timing the read API over a full store: one client, warm, parameters varied across calls."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import requests
from sqlalchemy import Engine, text

from bench.copies import COUNTRIES, EPOCH, SPAN_SECONDS
from bench.load import percentile

WARM_UP_CALLS = 5
"""Untimed calls per endpoint before its timed ones."""

BUDGET_SECONDS = 60.0
"""Most time spent on one endpoint's timed calls: a slow one stops with fewer calls (n says)."""

EXPORT_CALLS = 5
"""Timed exports (each reads tens of thousands of rows)."""

EXPORT_GOAL_ROWS_PER_SECOND = 20_000
"""Issue 9's goal for GET /events/export."""

WORDS = ("drones", "missiles", "sanctions", "troops", "airspace", "submarines", "warships")
"""What an analyst of this news searches with q=: weapons, measures, forces, incursions (each
in 1-4% of the copies' event sentences, bench/rewording.py)."""


@dataclass(frozen=True)
class Values:
    """Parameter values found in the store, for the calls to draw from."""

    article_ids: list[str]
    big_entities: list[str]
    small_entities: list[str]
    name_parts: list[str]
    roots: list[str]
    plovers: list[str]
    countries: list[str]
    dyads: list[tuple[str, str]]


def find_values(engine: Engine, rng: random.Random) -> Values:
    """Read parameter values from the store: keys big and small, codes, countries, names."""
    with engine.connect() as connection:

        def column(query: str) -> list[str]:
            return [str(value) for value in connection.execute(text(query)).scalars()]

        small = column(
            "SELECT key FROM entities WHERE article_count BETWEEN 1 AND 5 "
            "ORDER BY random() LIMIT 400"
        )
        names = column("SELECT name FROM entities ORDER BY random() LIMIT 400")
        dyads = connection.execute(
            text(
                "SELECT source_country, target_country FROM events WHERE source_country IS NOT "
                "NULL AND target_country IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 40"
            )
        ).all()
        return Values(
            article_ids=column("SELECT id FROM articles ORDER BY random() LIMIT 400"),
            big_entities=column("SELECT key FROM entities ORDER BY article_count DESC LIMIT 20"),
            small_entities=small,
            name_parts=[_part(name, rng) for name in names],
            roots=column("SELECT DISTINCT root_code FROM events"),
            plovers=column("SELECT DISTINCT plover FROM events WHERE plover ~ '^[A-Za-z]+$'"),
            countries=[code for code, *_ in COUNTRIES[:20]],
            dyads=[(str(s), str(t)) for s, t in dyads],
        )


def _part(name: str, rng: random.Random) -> str:
    """Return 3-8 letters from inside a name, as someone typing part of it would."""
    letters = "".join(c for c in name.lower() if c.isalpha() or c == " ").strip() or "nato"
    size = rng.randint(3, min(8, max(3, len(letters))))
    start = rng.randint(0, max(0, len(letters) - size))
    return letters[start : start + size].strip() or letters[:3]


def some_day(rng: random.Random) -> date:
    """Return a day inside the store's two years."""
    return (EPOCH + timedelta(seconds=rng.uniform(0, SPAN_SECONDS))).date()


def bbox(rng: random.Random) -> str:
    """Return a 10-degree box around one of the capitals."""
    _, _, lat, lon = rng.choice(COUNTRIES)
    return f"{lon - 5:.1f},{lat - 5:.1f},{lon + 5:.1f},{lat + 5:.1f}"


Path = Callable[[random.Random, Values], str]


def event_paths() -> dict[str, Path]:
    """GET /events with the typical filters of issue 9."""
    return {
        "GET /events?actor=&root=": lambda r, v: (
            f"/events?actor={r.choice(v.countries[:6])}&root={r.choice(v.roots)}"
        ),
        "GET /events?country=": lambda r, v: f"/events?country={r.choice(v.countries)}",
        "GET /events?since=&until=": lambda r, v: (
            f"/events?since={(d := some_day(r))}&until={d + timedelta(days=r.randint(1, 60))}"
        ),
        "GET /events?q=": lambda r, v: f"/events?q={r.choice(WORDS)}",
        "GET /events?plover=": lambda r, v: f"/events?plover={r.choice(v.plovers)}",
        "GET /events?bbox=": lambda r, v: f"/events?bbox={bbox(r)}",
        "GET /events?dyad=": lambda r, v: "/events?dyad={},{}".format(*r.choice(v.dyads)),
    }


def whole_store_paths() -> dict[str, Path]:
    """Timelines and tops over the whole store."""
    paths: dict[str, Path] = {
        "GET /events/timeline?by=root": lambda r, v: "/events/timeline?interval=week&by=root",
        "GET /events/timeline?by=quad_class": lambda r, v: (
            "/events/timeline?interval=week&by=quad_class"
        ),
    }
    for by in ("actor", "dyad", "place", "entity"):
        paths[f"GET /events/top?by={by}"] = lambda r, v, by=by: (  # type: ignore[misc]
            f"/events/top?by={by}&limit={r.choice((10, 20, 50))}"
        )
    return paths


def entity_paths() -> dict[str, Path]:
    """One entity (among the biggest, or the long tail) and a name search."""
    return {
        "GET /entities/{key} big": lambda r, v: f"/entities/{r.choice(v.big_entities)}",
        "GET /entities/{key} small": lambda r, v: f"/entities/{r.choice(v.small_entities)}",
        "GET /entities?q=": lambda r, v: f"/entities?q={r.choice(v.name_parts)}",
    }


def article_paths() -> dict[str, Path]:
    """Articles (issue 9 sets them no goal)."""
    return {
        "GET /articles?limit=20": lambda r, v: "/articles?limit=20",
        "GET /articles/{id}": lambda r, v: f"/articles/{r.choice(v.article_ids)}",
    }


def time_calls(
    session: requests.Session, base_url: str, path: Path, values: Values, calls: int
) -> tuple[list[float], list[str], int]:
    """Call an endpoint (warm-up first); return seconds per call, errors and body bytes read."""
    rng = random.Random(7)
    for _ in range(WARM_UP_CALLS):
        session.get(base_url + path(rng, values), timeout=120).content  # noqa: B018
    seconds: list[float] = []
    errors, size, deadline = [], 0, time.perf_counter() + BUDGET_SECONDS
    while len(seconds) < calls and time.perf_counter() < deadline:
        url = base_url + path(rng, values)
        started = time.perf_counter()
        response = session.get(url, timeout=120)
        body = response.content
        seconds.append(time.perf_counter() - started)
        size += len(body)
        if response.status_code != 200:
            errors.append(f"{response.status_code} {url[len(base_url) :]}")
    return seconds, errors, size


def print_line(name: str, seconds: list[float], errors: list[str], goal_ms: float | None) -> None:
    """Print p50/p99/max of an endpoint and whether its goal holds."""
    p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
    verdict = "holds" if goal_ms and p99 <= goal_ms and not errors else "MISSED"
    goal = f"goal p99 <= {goal_ms:.0f} ms: {verdict}" if goal_ms else "(no goal)"
    print(
        f"{name:<36} n={len(seconds):>4}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
        f"max {max(seconds) * 1000:7.1f} ms  {goal}"
    )
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[0]}")


def export_rate(
    session: requests.Session, base_url: str, root: str, note: str = ""
) -> float | None:
    """Read one CSV export of a root code whole, print and return its rows/s (None when it
    failed)."""
    started = time.perf_counter()
    response = session.get(f"{base_url}/events/export?format=csv&root={root}", timeout=600)
    rows = response.content.count(b"\n") - 1
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        print(f"GET /events/export?format=csv: {response.status_code}")
        return None
    print(
        f"  export root={root}: {rows} rows in {seconds:.2f} s, {rows / seconds:.0f} rows/s{note}"
    )
    return rows / seconds


def time_export(session: requests.Session, base_url: str, values: Values) -> None:
    """Time CSV exports of big filters (one root code each), warm like the other endpoints
    (an untimed export of another root first); print rows/s."""
    roots = sorted(values.roots)
    warm_up = roots[EXPORT_CALLS % len(roots)]
    if export_rate(session, base_url, warm_up, " (warm-up, not counted)") is None:
        return
    rates = []
    for root in roots[:EXPORT_CALLS]:
        if (rate := export_rate(session, base_url, root)) is None:
            return
        rates.append(rate)
    worst = min(rates)
    verdict = "holds" if worst >= EXPORT_GOAL_ROWS_PER_SECOND else "MISSED"
    print(
        f"{'GET /events/export?format=csv':<36} slowest {worst:.0f} rows/s, median "
        f"{sorted(rates)[len(rates) // 2]:.0f} rows/s  goal >= 20000 rows/s: {verdict}"
    )


def time_endpoints(base_url: str, engine: Engine, calls: int) -> None:
    """Time every read endpoint, one client, warm; print a line each with its goal."""
    values = find_values(engine, random.Random(3))
    print(f"api: {calls} calls per endpoint after {WARM_UP_CALLS} warm-up calls, one client")
    with requests.Session() as session:
        goals: list[tuple[dict[str, Path], float | None]] = [
            (event_paths(), 50.0),
            (whole_store_paths(), 300.0),
            (entity_paths(), 50.0),
            (article_paths(), None),
        ]
        for paths, goal_ms in goals:
            for name, path in paths.items():
                if session.get(base_url + path(random.Random(1), values)).status_code == 404:
                    print(f"{name:<36} not served (404)")
                    continue
                print_line(name, *time_calls(session, base_url, path, values, calls)[:2], goal_ms)
        time_export(session, base_url, values)
