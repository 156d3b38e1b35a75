"""Exact counts of events per day and category and per actor, dyad, code, place, country and
entity, moved by the write path in the article's own transaction.

They answer the whole-store timeline and tops without scanning every event; a filtered one
still scans (`event_store`). An event counts once for each distinct value of its two sides
(`actor`, `country`, `entity`), as the scanning queries count it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, String, Table, cast, func, select
from sqlalchemy.dialects.postgresql import Insert

from newsflow.core.event_filters import EventFilter
from newsflow.core.row_arrays import insert_rows
from newsflow.core.schema import event_day_counts, event_key_counts, event_point_counts

SIDES: dict[str, tuple[str, ...]] = {
    "actor": ("source_code", "target_code"),
    "source": ("source_code",),
    "target": ("target_code",),
    "code": ("code",),
    "place": ("location_name",),
    "country": ("source_country", "target_country"),
    "entity": ("source_entity", "target_entity"),
}
"""The columns each kind of top counts (dyad is the pair of actor codes)."""

Tally = dict[tuple[Any, ...], list[float]]
"""Key -> [events, Goldstein sum]."""


FILTER_KINDS = ("actor*", "actor*root", "dyad*", "root*", "plover*", "quad*")
"""Kinds that total filters, not tops: `actor=`, `actor=&root=` and `dyad=` match an actor code's
beginning or its country, so an event counts once under each prefix and country of its sides
(prefixes of whole CAMEO parts, 3, 6, 9... characters: another length is counted by a scan);
`root=`, `plover=` and `quad_class=` alone count under their value."""


CATEGORY_KINDS = {"root": "root*", "plover": "plover*", "quad_class": "quad*"}
"""Filters whose total alone one key count row gives (the day counts would sum ~40,000)."""


def side_keys(code: str | None, country: str | None) -> set[str]:
    """Return what an `actor=` value matches of one side: its code's prefixes of whole
    3-character parts (RUS, RUSMIL) and its country."""
    found = {code[:n] for n in range(3, len(code) + 1, 3)} if code else set()
    if country is not None and len(country) == 3:
        found.add(country)
    return found


def keys_of(event: Mapping[Any, Any]) -> dict[str, set[str]]:
    """Return, per kind, the distinct values an event counts for."""
    found = {
        kind: {event[c] for c in columns if event[c] is not None} for kind, columns in SIDES.items()
    }
    if event["source_code"] is not None and event["target_code"] is not None:
        found["dyad"] = {f"{event['source_code']},{event['target_code']}"}
    source = side_keys(event["source_code"], event["source_country"])
    target = side_keys(event["target_code"], event["target_country"])
    found["actor*"] = source | target
    found["actor*root"] = {f"{key},{event['root_code']}" for key in source | target}
    found["dyad*"] = {f"{first},{second}" for first in source for second in target}
    found["root*"] = {event["root_code"]}
    found["plover*"] = {event["plover"]} if event["plover"] is not None else set()
    found["quad*"] = {str(event["quad_class"])}
    return found


def day_key(event: Mapping[Any, Any]) -> tuple[Any, ...]:
    """Return an event's row of the day counts."""
    return (
        event["day"],
        event["root_code"],
        event["quad_class"],
        event["plover"] or "",
        event["source_country"] or "",
    )


def point_key(event: Mapping[Any, Any]) -> tuple[Any, ...] | None:
    """Return an event's row of the point counts (None when it has no point)."""
    located = event["lon"] is not None and event["lat"] is not None
    return (event["lon"], event["lat"]) if located else None


def tally(
    added: Iterable[Mapping[Any, Any]], removed: Iterable[Mapping[Any, Any]]
) -> tuple[Tally, Tally, Tally]:
    """Return the changes to the day, key and point counts of events added and removed."""
    days: Tally = defaultdict(lambda: [0, 0.0])
    keys: Tally = defaultdict(lambda: [0, 0.0])
    points: Tally = defaultdict(lambda: [0, 0.0])
    for events, sign in ((added, 1), (removed, -1)):
        for event in events:
            goldstein = sign * float(event["goldstein"])
            rows = [days[day_key(event)]]
            if (point := point_key(event)) is not None:
                rows.append(points[point])
            rows += [
                keys[(kind, value)] for kind, values in keys_of(event).items() for value in values
            ]
            for row in rows:
                row[0] += sign
                row[1] += goldstein
    return days, keys, points


def upsert_counts(table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]) -> Insert:
    """Return the statement that adds the rows' events and Goldstein sums to their counts."""
    statement = insert_rows(table, rows, order_by=names)  # key order: see move_counts
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in names],
        set_={
            "events": table.c.events + statement.excluded.events,
            "goldstein_sum": table.c.goldstein_sum + statement.excluded.goldstein_sum,
        },
    )


DAY_NAMES = ("day", "root_code", "quad_class", "plover", "country")
KEY_NAMES = ("kind", "key")
POINT_NAMES = ("lon", "lat")


def move_counts(connection: Connection, days: Tally, keys: Tally, points: Tally) -> None:
    """Apply count changes, rows in key order (two writers lock shared rows in one order)."""
    for table, names, changes in (
        (event_day_counts, DAY_NAMES, days),
        (event_key_counts, KEY_NAMES, keys),
        (event_point_counts, POINT_NAMES, points),
    ):
        rows = [
            {**dict(zip(names, key, strict=True)), "events": int(n), "goldstein_sum": g}
            for key, (n, g) in changes.items()
            if n or g
        ]
        if rows:
            connection.execute(upsert_counts(table, names, rows))


TIMELINE_FILTERS = frozenset({"since", "until", "root", "quad_class", "plover"})
"""The filters the day counts can answer a timeline under."""


def given(wanted: EventFilter) -> set[str]:
    """Return the names of the filters a request sets."""
    return {
        name
        for name, field in EventFilter.model_fields.items()
        if getattr(wanted, name) != field.default
    }


def counts_answer_timeline(wanted: EventFilter) -> bool:
    """Tell whether the day counts can answer this timeline (else the events are scanned)."""
    return given(wanted) <= TIMELINE_FILTERS


def counts_answer_top(wanted: EventFilter) -> bool:
    """Tell whether the key counts can answer this top: the whole store, no filter."""
    return not given(wanted)


def day_bounds(wanted: EventFilter) -> list[ColumnElement[bool]]:
    """Return the day counts' rows of a filter the day counts answer."""
    d = event_day_counts.c
    bounds: list[ColumnElement[bool]] = []
    if wanted.since is not None:
        bounds.append(d.day >= wanted.since)
    if wanted.until is not None:
        bounds.append(d.day <= wanted.until)
    if wanted.root is not None:
        bounds.append(d.root_code == wanted.root)
    if wanted.quad_class is not None:
        bounds.append(d.quad_class == wanted.quad_class)
    if wanted.plover is not None:
        bounds.append(d.plover == wanted.plover)
    return bounds


def timeline_from_counts(wanted: EventFilter, interval: str, by: str) -> Select[Any]:
    """Return (bucket, group, events, mean Goldstein) rows from the day counts."""
    d = event_day_counts.c
    group = {
        "root": d.root_code,
        "quad_class": cast(d.quad_class, String),
        "plover": func.nullif(d.plover, ""),
        "country": func.nullif(d.country, ""),
    }[by]
    total = func.sum(d.events)
    return (
        select(
            cast(func.date_trunc(interval, d.day), d.day.type).label("bucket"),
            group.label("grouped"),
            total,
            func.sum(d.goldstein_sum) / func.nullif(total, 0),
        )
        .where(*day_bounds(wanted))
        .group_by("bucket", "grouped")
        .having(total > 0)
        .order_by("bucket", "grouped")
    )


def top_from_counts(by: str, limit: int) -> Select[Any]:
    """Return (key, events, mean Goldstein) rows of the most counted keys of a kind."""
    k = event_key_counts.c
    return (
        select(k.key, k.events, k.goldstein_sum / k.events)
        .where(k.kind == by, k.events > 0)
        .order_by(k.events.desc(), k.key)
        .limit(limit)
    )


KEY_FILTERS: dict[str, tuple[str, Any]] = {
    "country": ("country", lambda key, value: key == value),
    "entity": ("entity", lambda key, value: key == value),
    "code": ("code", lambda key, value: key.startswith(value, autoescape=True)),
    "place": ("place", lambda key, value: func.lower(key) == value.lower()),
}
"""Filters that one kind of key counts answers alone: the kind, and its keys that match (an
event has one code and one place; `country` and `entity` count either side once)."""


def total_from_counts(wanted: EventFilter) -> Select[Any] | None:
    """Return the statement of a filter's exact event total from the kept counts, or None
    when they cannot answer it (then the matching events are counted)."""
    names = given(wanted)
    k = event_key_counts.c
    if names in ({"actor"}, {"actor", "root"}, {"dyad"}) and _whole_parts(wanted):
        kind, key = _actor_key(wanted)
        return select(func.coalesce(func.sum(k.events), 0)).where(k.kind == kind, k.key == key)
    if len(names) == 1 and (name := next(iter(names))) in CATEGORY_KINDS:
        key = str(getattr(wanted, name))
        return select(func.coalesce(func.sum(k.events), 0)).where(
            k.kind == CATEGORY_KINDS[name], k.key == key
        )
    if names <= TIMELINE_FILTERS:
        d = event_day_counts.c
        return select(func.coalesce(func.sum(d.events), 0)).where(*day_bounds(wanted))
    if len(names) != 1 or (name := names.pop()) not in KEY_FILTERS:
        return None
    value = getattr(wanted, name)
    if name == "place" and re.fullmatch(r"[A-Z]{3}", value):
        return None  # a country code: the place's country, which no count keeps
    kind, matches = KEY_FILTERS[name]
    return select(func.coalesce(func.sum(k.events), 0)).where(k.kind == kind, matches(k.key, value))


def _actor_key(wanted: EventFilter) -> tuple[str, str]:
    """Return the filter kind and key that count the events of an actor, actor and root, or
    directed dyad filter."""
    if wanted.dyad is not None:
        return "dyad*", wanted.dyad
    assert wanted.actor is not None
    if wanted.root is not None:
        return "actor*root", f"{wanted.actor},{wanted.root}"
    return "actor*", wanted.actor


def _whole_parts(wanted: EventFilter) -> bool:
    """Tell whether the actor or dyad values are whole CAMEO parts (what the counts keep)."""
    values = wanted.dyad.split(",") if wanted.dyad else [wanted.actor or ""]
    return all(len(value) % 3 == 0 for value in values)
