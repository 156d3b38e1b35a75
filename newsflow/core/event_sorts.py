"""The orders of an event listing and their keyset cursors (stable under inserts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, literal, tuple_

from newsflow.core.cursors import pack, unpack
from newsflow.core.event_items import iso
from newsflow.core.schema import NEVER, PUBLISHED_SORT_KEY, events

WALK_FROM = 10_000
"""Matches from which a newest-first page walks the newest events for them (common matches: the
walk meets a page soon); fewer are all read through their indexes and the newest kept (a walk
for rare ones could read most of the store)."""


@dataclass(frozen=True)
class Sort:
    """An order of events: a key, its direction, and how a row's key goes into a cursor."""

    key: ColumnElement[Any]
    descending: bool
    dump: Callable[[Row[Any]], Any]
    load: Callable[[Any], Any]


SORTS: dict[str, Sort] = {
    "date": Sort(events.c.day, True, lambda r: r.day.isoformat(), dt.date.fromisoformat),
    "published": Sort(
        PUBLISHED_SORT_KEY,
        True,
        lambda r: iso(r.published_at),
        lambda v: NEVER if v is None else dt.datetime.fromisoformat(v),
    ),
    "confidence": Sort(events.c.confidence, True, lambda r: r.confidence, float),
    "updated": Sort(
        events.c.updated_at, False, lambda r: r.updated_at.isoformat(), dt.datetime.fromisoformat
    ),
}
"""Newest event date first (default), newest article first, most confident first, or oldest
write first (for sync clients following `updated_since`)."""


def encode_cursor(sort: str, row: Any) -> str:
    """Return the cursor that continues a listing after this row."""
    return pack([sort, SORTS[sort].dump(row), row.article_id, row.ordinal])


def after_cursor(
    sort: str, cursor: str, position: Sequence[ColumnElement[Any]] | None = None
) -> ColumnElement[bool]:
    """Return the condition of the rows after a cursor, or raise InvalidCursor; `position` is
    where the rows have the sort's key, article and ordinal (default: in `events`)."""
    order = SORTS[sort]

    def bound(values: list[Any]) -> ColumnElement[Any]:
        name, value, article_id, ordinal = values
        if name != sort or not isinstance(article_id, str) or not isinstance(ordinal, int):
            raise ValueError("cursor of another listing")
        first = literal(order.load(value)) if value is not None else order.load(None)
        return tuple_(first, literal(article_id), literal(ordinal))

    after = unpack(cursor, bound)
    here = tuple_(*(position or (order.key, events.c.article_id, events.c.ordinal)))
    return here < after if order.descending else here > after


def ordered(
    statement: Select[Any], sort: str, position: Sequence[ColumnElement[Any]] | None = None
) -> Select[Any]:
    """Order a statement by a sort, ties broken by article and position; `position` is where
    the rows have the sort's key, article and ordinal (default: in `events`)."""
    order = SORTS[sort]
    keys = position or (order.key, events.c.article_id, events.c.ordinal)
    return statement.order_by(*(k.desc() if order.descending else k.asc() for k in keys))
