"""Events found by their sentence words alone: the page and exact total of `q=` (with
`since`/`until`), read from event_search's narrow rows before any event is."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, select

from newsflow.core.event_counts import given
from newsflow.core.event_filters import EventFilter
from newsflow.core.event_items import KEY_COLUMNS
from newsflow.core.event_search import matches, one_word
from newsflow.core.event_sorts import WALK_FROM, after_cursor, ordered
from newsflow.core.schema import event_search, event_word_counts, events

SEARCH_FILTERS = frozenset({"q", "since", "until"})
"""The filters event_search answers alone (it holds each event's day)."""


def answers_alone(wanted: EventFilter) -> bool:
    """Tell whether event_search alone holds what this filter asks (words, and days)."""
    return wanted.q is not None and given(wanted) <= SEARCH_FILTERS


def _within(wanted: EventFilter) -> list[ColumnElement[bool]]:
    s = event_search.c
    assert wanted.q is not None
    found = [matches(wanted.q)]
    if wanted.since is not None:
        found.append(s.day >= wanted.since)
    if wanted.until is not None:
        found.append(s.day <= wanted.until)
    return found


def search_total(connection: Connection, wanted: EventFilter) -> int:
    """Return the exact count of the events of a filter event_search answers alone: one word
    alone is one row of the word counts; anything else counts its matches."""
    assert wanted.q is not None
    if given(wanted) == {"q"} and (word := connection.scalar(one_word(wanted.q))) is not None:
        w = event_word_counts.c
        return int(connection.scalar(select(w.events).where(w.word == word)) or 0)
    counted = select(func.count()).select_from(event_search).where(*_within(wanted))
    return int(connection.scalar(counted) or 0)


def search_page(wanted: EventFilter, limit: int, cursor: str | None, total: int) -> Select[Any]:
    """Return the newest-first page of events (KEY_COLUMNS) of a filter event_search answers
    alone, whose exact total is known: its words' matches ordered on the narrow rows, then
    those events read."""
    s = event_search.c
    position: tuple[ColumnElement[Any], ...] = (s.day, s.article_id, s.ordinal)
    keys = select(*position).where(*_within(wanted))
    if cursor is not None:
        keys = keys.where(after_cursor("date", cursor, position))
    if total < WALK_FROM:
        matched = keys.cte("matched").prefix_with("MATERIALIZED")
        keys = select(*matched.c)
        position = (matched.c.day, matched.c.article_id, matched.c.ordinal)
    page = keys.order_by(*(k.desc() for k in position)).limit(limit).subquery()
    joined = events.join(
        page, and_(page.c.article_id == events.c.article_id, page.c.ordinal == events.c.ordinal)
    )
    return ordered(select(*KEY_COLUMNS).select_from(joined), "date")
