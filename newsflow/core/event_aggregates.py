"""Aggregates of a filter's events: timeline buckets and top values, from the kept counts when
they can answer (whole-store or coarse filters), else by scanning the matching events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, select, union_all

from newsflow.core.event_counts import (
    counts_answer_timeline,
    counts_answer_top,
    timeline_from_counts,
    top_from_counts,
)
from newsflow.core.event_filters import EventFilter
from newsflow.core.event_items import counted_events
from newsflow.core.schema import events

TIMELINE_GROUPS: dict[str, ColumnElement[Any]] = {
    "root": events.c.root_code,
    "quad_class": cast(events.c.quad_class, String),
    "plover": events.c.plover,
    "country": events.c.source_country,
}
"""What a timeline's buckets are split by (country: the source actor's, which acts)."""

c = events.c
TOP_KEYS: dict[str, list[tuple[ColumnElement[Any], ...]]] = {
    # Either side: an event counts once per distinct value of its two sides.
    "actor": [(c.source_code,), (c.target_code, c.target_code.is_distinct_from(c.source_code))],
    "source": [(c.source_code,)],
    "target": [(c.target_code,)],
    "dyad": [(c.source_code + "," + c.target_code,)],
    "code": [(c.code,)],
    "place": [(c.location_name,)],
    "country": [
        (c.source_country,),
        (c.target_country, c.target_country.is_distinct_from(c.source_country)),
    ],
    "entity": [
        (c.source_entity,),
        (c.target_entity, c.target_entity.is_distinct_from(c.source_entity)),
    ],
}
"""The values `top` ranks, per `by`, with the conditions that keep an event counted once."""
del c


def counter(count: str) -> ColumnElement[Any]:
    """Return the aggregate that counts mentions, happenings (their faces) or articles."""
    return func.count(func.distinct(events.c.article_id)) if count == "articles" else func.count()


def timeline_statement(wanted: EventFilter, interval: str, by: str, count: str) -> Select[Any]:
    """Return (bucket, group, count, mean Goldstein) rows of a filter's events."""
    if count == "mentions" and counts_answer_timeline(wanted):
        return timeline_from_counts(wanted, interval, by)
    bucket = cast(func.date_trunc(interval, events.c.day), events.c.day.type)
    source, condition = counted_events(wanted, count)
    return (
        select(
            bucket.label("bucket"),
            TIMELINE_GROUPS[by].label("grouped"),
            counter(count),
            func.avg(events.c.goldstein),
        )
        .select_from(source)
        .where(condition)
        .group_by("bucket", "grouped")
        .order_by("bucket", "grouped")
    )


def top_statement(wanted: EventFilter, by: str, limit: int, count: str) -> Select[Any]:
    """Return (key, count, mean Goldstein) rows of the most frequent values of a filter."""
    if count == "mentions" and counts_answer_top(wanted):
        return top_from_counts(by, limit)
    source, condition = counted_events(wanted, count)
    parts = [
        select(key.label("key"), events.c.goldstein, events.c.article_id)
        .select_from(source)
        .where(condition, key.is_not(None), *extra)
        for key, *extra in TOP_KEYS[by]
    ]
    counted = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    number = (
        func.count(func.distinct(counted.c.article_id)) if count == "articles" else func.count()
    )
    return (
        select(counted.c.key, number, func.avg(counted.c.goldstein))
        .group_by(counted.c.key)
        .order_by(number.desc(), counted.c.key)
        .limit(limit)
    )


def mean(value: Any) -> float | None:
    """Return a mean Goldstein score rounded for display (None when no events)."""
    return round(float(value), 2) if value is not None else None
