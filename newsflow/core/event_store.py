"""Events in PostgreSQL, queried: pages (keyset cursors), one event, timelines, tops, streams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, Select, and_, func, select

from newsflow.core import actor_pages, box_pages, country_pages
from newsflow.core.actor_pages import actor_page, actor_total
from newsflow.core.csv_export import csv_stream
from newsflow.core.event_aggregates import mean, timeline_statement, top_statement
from newsflow.core.event_counts import total_from_counts
from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.event_items import (
    EVENTS_WITH_ARTICLES,
    IS_FACE,
    ITEM_COLUMNS,
    KEY_COLUMNS,
    counted_events,
    details,
    item,
)
from newsflow.core.event_sorts import WALK_FROM, after_cursor, encode_cursor, ordered
from newsflow.core.results import parse_event_id
from newsflow.core.schema import events
from newsflow.core.text_search import answers_alone, search_page, search_total
from newsflow.core.timeline_buckets import Bucketed, fill_buckets

EXPORT_BATCH = 2000
"""Rows fetched from the server-side cursor at a time while streaming an export."""


class EventStore:
    """Read events with their evidence, counted, bucketed, ranked and streamed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(
        self,
        wanted: EventFilter,
        sort: str,
        limit: int,
        cursor: str | None = None,
        distinct: bool = False,
    ) -> tuple[list[dict[str, Any]], int, str | None]:
        """Return a page of events (or canonical events), the exact total, the next cursor."""
        # Words alone, or an actor and its root alone: narrow rows give the total and page.
        newest = not distinct and sort == "date"
        words_alone = newest and answers_alone(wanted)
        actor_alone = newest and not words_alone and actor_pages.answers_alone(wanted)
        with self.engine.connect() as connection:
            if words_alone:
                total = search_total(connection, wanted)
            else:
                counted = actor_total(wanted) if actor_alone else total_statement(wanted, distinct)
                total = int(connection.scalar(counted) or 0)
            keys: list[Any] = []
            if total:  # else the page would walk every event looking for one
                args = (wanted, limit + 1, cursor, total)
                if words_alone:
                    statement = search_page(*args)
                elif actor_alone:
                    statement = actor_page(wanted, limit + 1, cursor)
                else:
                    statement = keys_statement(*args, sort, distinct)
                keys = list(connection.execute(statement).all())
            more = len(keys) > limit
            keys = keys[:limit]
            found = details(connection, [(k.article_id, k.ordinal) for k in keys])
        next_cursor = encode_cursor(sort, keys[-1]) if more and keys else None
        rows = [{**k._mapping, **found[(k.article_id, k.ordinal)]} for k in keys]
        return [item(row) for row in rows], total, next_cursor

    def get(self, public_id: str) -> dict[str, Any] | None:
        """Return one event by its public id, or None."""
        parsed = parse_event_id(public_id)
        if parsed is None:
            return None
        statement = (
            select(*ITEM_COLUMNS)
            .select_from(EVENTS_WITH_ARTICLES)
            .where(events.c.article_id == parsed[0], events.c.ordinal == parsed[1])
        )
        with self.engine.connect() as connection:
            row = connection.execute(statement).first()
        return item(row._mapping) if row else None

    def stream(
        self, wanted: EventFilter, sort: str, distinct: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Yield every event of a filter in order, from a server-side cursor (constant memory)."""
        statement = ordered(select(*ITEM_COLUMNS).select_from(EVENTS_WITH_ARTICLES), sort)
        condition = and_(conditions(wanted), IS_FACE) if distinct else conditions(wanted)
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=EXPORT_BATCH).execute(
                statement.where(condition)
            )
            for row in result:
                yield item(row._mapping)

    def csv(self, wanted: EventFilter, sort: str, distinct: bool = False) -> Iterator[bytes]:
        """Yield every event of a filter in order as a CSV file (exports.COLUMNS), written by
        PostgreSQL and streamed in chunks (constant memory)."""
        return csv_stream(self.engine, wanted, sort, distinct)

    def timeline(
        self, wanted: EventFilter, interval: str, by: str, count: str = "mentions"
    ) -> tuple[list[dict[str, Any]], int]:
        """Return buckets of events (count, mean Goldstein, and per group), empty ones too."""
        with self.engine.connect() as connection:
            statement = timeline_statement(wanted, interval, by, count)
            rows = [Bucketed(*row) for row in connection.execute(statement)]
        return fill_buckets(rows, interval, wanted), sum(row.count for row in rows)

    def top(
        self, wanted: EventFilter, by: str, limit: int, count: str = "mentions"
    ) -> list[dict[str, Any]]:
        """Return the most frequent actors, dyads, codes, places... of a filter's events."""
        with self.engine.connect() as connection:
            rows = connection.execute(top_statement(wanted, by, limit, count)).all()
        return [{"key": key, "count": int(n), "goldstein": mean(m)} for key, n, m in rows]


def total_statement(wanted: EventFilter, distinct: bool) -> Select[Any]:
    """Return the statement of a filter's exact total: from the kept counts if they know it."""
    counted = None if distinct else total_from_counts(wanted)
    if counted is None and not distinct:
        counted = box_pages.box_total(wanted)
    if counted is None:
        source, condition = counted_events(wanted, "events" if distinct else "mentions")
        counted = select(func.count()).select_from(source).where(condition)
    return counted


def keys_statement(
    wanted: EventFilter, limit: int, cursor: str | None, total: int, sort: str, distinct: bool
) -> Select[Any]:
    """Return the statement of a page's events (KEY_COLUMNS), knowing the filter's total."""
    if sort == "date" and not distinct and country_pages.answers_alone(wanted):
        return country_pages.country_page(wanted, limit, cursor)
    if sort == "date" and not distinct and box_pages.answers_alone(wanted):
        return box_pages.box_page(wanted, limit, cursor)
    source, condition = counted_events(wanted, "events" if distinct else "mentions")
    if cursor is not None:
        condition = and_(condition, after_cursor(sort, cursor))
    # The page is chosen on the narrow rows alone; only its events are joined to details.
    statement = select(*KEY_COLUMNS).select_from(source).where(condition)
    if sort != "date" or total >= WALK_FROM:
        return ordered(statement, sort).limit(limit)
    # Few matches: all of them, then the newest (a walk newest first could read most events).
    matched = statement.cte("matched").prefix_with("MATERIALIZED").c
    newest = (matched.day.desc(), matched.article_id.desc(), matched.ordinal.desc())
    return select(*matched).order_by(*newest).limit(limit)
