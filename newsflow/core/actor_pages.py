"""Events found by actor and root alone: the newest page of `actor=&root=` (with `since`/`until`),
read from event_actor_keys' index, then only that page's events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from newsflow.core.event_counts import given, total_from_counts
from newsflow.core.event_filters import EventFilter, days
from newsflow.core.event_items import KEY_COLUMNS
from newsflow.core.event_sorts import after_cursor, ordered
from newsflow.core.schema import event_actor_keys, events

ACTOR_FILTERS = frozenset({"actor", "root", "since", "until"})
"""The filters event_actor_keys answers alone (it holds each event's root and day)."""


def answers_alone(wanted: EventFilter) -> bool:
    """Tell whether event_actor_keys alone holds what this filter asks: an actor of whole CAMEO
    parts (the keys it keeps: RUS, RUSMIL), a root, and days."""
    names = given(wanted)
    return (
        {"actor", "root"} <= names <= ACTOR_FILTERS
        and wanted.actor is not None
        and len(wanted.actor) % 3 == 0
    )


def _within(wanted: EventFilter) -> list[ColumnElement[bool]]:
    k = event_actor_keys.c
    return [k.key == wanted.actor, k.root_code == wanted.root, *days(wanted, k.day)]


def actor_total(wanted: EventFilter) -> Select[Any]:
    """Return the exact count of the events of a filter event_actor_keys answers alone: one
    key count row without days, else its rows in the days (an event has one row per key)."""
    counted = total_from_counts(wanted)
    if counted is not None:
        return counted
    return select(func.count()).select_from(event_actor_keys).where(*_within(wanted))


def actor_page(wanted: EventFilter, limit: int, cursor: str | None) -> Select[Any]:
    """Return the newest-first page of events (KEY_COLUMNS) of a filter event_actor_keys answers
    alone: the first rows of its index after the cursor, then those events read."""
    k = event_actor_keys.c
    position = (k.day, k.article_id, k.ordinal)
    keys = select(*position).where(*_within(wanted))
    if cursor is not None:
        keys = keys.where(after_cursor("date", cursor, position))
    page = keys.order_by(*(p.desc() for p in position)).limit(limit).subquery()
    joined = events.join(
        page, and_(page.c.article_id == events.c.article_id, page.c.ordinal == events.c.ordinal)
    )
    return ordered(select(*KEY_COLUMNS).select_from(joined), "date")
