"""Events in PostgreSQL, queried: pages (keyset cursors), one event, timelines, tops, streams."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    select,
    tuple_,
    union_all,
)

from newsflow.core.cursors import pack, unpack
from newsflow.core.event_counts import (
    counts_answer_timeline,
    counts_answer_top,
    timeline_from_counts,
    top_from_counts,
)
from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.results import event_id, parse_event_id
from newsflow.core.schema import (
    NEVER,
    PUBLISHED_SORT_KEY,
    articles,
    canonical_events,
    event_texts,
    events,
)
from newsflow.core.timeline_buckets import Bucketed, fill_buckets
from newsflow.core.timeline_buckets import TooManyBuckets as TooManyBuckets  # re-exported

SortName = Literal["date", "published", "confidence", "updated"]
Interval = Literal["day", "week", "month"]
TimelineGroup = Literal["root", "quad_class", "plover", "country"]
TopGroup = Literal["actor", "source", "target", "dyad", "code", "place", "country", "entity"]

EXPORT_BATCH = 2000
"""Rows fetched from the server-side cursor at a time while streaming an export."""


@dataclass(frozen=True)
class Sort:
    """An order of events: a key, its direction, and how a row's key goes into a cursor."""

    key: ColumnElement[Any]
    descending: bool
    dump: Callable[[Row[Any]], Any]
    load: Callable[[Any], Any]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


SORTS: dict[str, Sort] = {
    "date": Sort(events.c.day, True, lambda r: r.day.isoformat(), dt.date.fromisoformat),
    "published": Sort(
        PUBLISHED_SORT_KEY,
        True,
        lambda r: _iso(r.published_at),
        lambda v: NEVER if v is None else dt.datetime.fromisoformat(v),
    ),
    "confidence": Sort(events.c.confidence, True, lambda r: r.confidence, float),
    "updated": Sort(
        events.c.updated_at, False, lambda r: r.updated_at.isoformat(), dt.datetime.fromisoformat
    ),
}
"""Newest event date first (default), newest article first, most confident first, or oldest
write first (for sync clients following `updated_since`)."""

KEY_COLUMNS = (
    events.c.article_id,
    events.c.ordinal,
    events.c.day,
    events.c.confidence,
    events.c.updated_at,
    events.c.published_at,
    events.c.canonical_id,
)
"""What places an event in a listing (its key and every sort's value): the narrow part."""

DETAIL_COLUMNS = (
    event_texts.c.evidence,
    articles.c.title,
    articles.c.url,
    articles.c.source,
    canonical_events.c.num_mentions,
    canonical_events.c.num_articles,
    canonical_events.c.num_sources,
)
"""What an event in a list shows besides: its evidence, and where it was reported."""

ITEM_COLUMNS = KEY_COLUMNS + DETAIL_COLUMNS

EVENTS_WITH_ARTICLES = (
    events.join(
        event_texts,
        (event_texts.c.article_id == events.c.article_id)
        & (event_texts.c.ordinal == events.c.ordinal),
    )
    .join(articles, articles.c.id == events.c.article_id)
    .outerjoin(canonical_events, canonical_events.c.id == events.c.canonical_id)
)

IS_FACE = and_(
    canonical_events.c.face_article_id == events.c.article_id,
    canonical_events.c.face_ordinal == events.c.ordinal,
)
"""The mention that stands for its canonical event (one row per happening)."""

EVENTS_WITH_CANONICAL = events.join(
    canonical_events, canonical_events.c.id == events.c.canonical_id
)
"""Where `count=events` and `distinct=true` look: one row per happening, its face."""


def item(row: Mapping[Any, Any]) -> dict[str, Any]:
    """Return an event as the API lists it: the event, its id, and its article."""
    return {
        "id": event_id(row["article_id"], row["ordinal"]),
        **row["evidence"],
        "article": {
            "id": row["article_id"],
            "title": row["title"],
            "url": row["url"],
            "source": row["source"],
            "published_at": _iso(row["published_at"]),
        },
        "updated_at": row["updated_at"].isoformat(),
        "canonical_id": row["canonical_id"] or event_id(row["article_id"], row["ordinal"]),
        "num_mentions": row["num_mentions"] or 1,
        "num_articles": row["num_articles"] or 1,
        "num_sources": row["num_sources"] or 1,
    }


def encode_cursor(sort: str, row: Any) -> str:
    """Return the cursor that continues a listing after this row."""
    return pack([sort, SORTS[sort].dump(row), row.article_id, row.ordinal])


def after_cursor(sort: str, cursor: str) -> ColumnElement[bool]:
    """Return the condition of the rows after a cursor, or raise InvalidCursor."""
    order = SORTS[sort]

    def bound(values: list[Any]) -> ColumnElement[Any]:
        name, value, article_id, ordinal = values
        if name != sort or not isinstance(article_id, str) or not isinstance(ordinal, int):
            raise ValueError("cursor of another listing")
        first = literal(order.load(value)) if value is not None else order.load(None)
        return tuple_(first, literal(article_id), literal(ordinal))

    after = unpack(cursor, bound)
    position = tuple_(order.key, events.c.article_id, events.c.ordinal)
    return position < after if order.descending else position > after


def ordered(statement: Select[Any], sort: str) -> Select[Any]:
    """Order a statement by a sort, ties broken by article and position."""
    order = SORTS[sort]
    keys = (order.key, events.c.article_id, events.c.ordinal)
    return statement.order_by(*(k.desc() if order.descending else k.asc() for k in keys))


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
        source, condition = counted_events(wanted, "events" if distinct else "mentions")
        # The page is chosen on the narrow rows alone; only its events are joined to details.
        statement = ordered(select(*KEY_COLUMNS).select_from(source).where(condition), sort)
        if cursor is not None:
            statement = statement.where(after_cursor(sort, cursor))
        with self.engine.connect() as connection:
            keys = connection.execute(statement.limit(limit + 1)).all()
            total = connection.scalar(select(func.count()).select_from(source).where(condition))
            more = len(keys) > limit
            keys = keys[:limit]
            details = self._details(connection, [(k.article_id, k.ordinal) for k in keys])
        next_cursor = encode_cursor(sort, keys[-1]) if more and keys else None
        rows = [{**k._mapping, **details[(k.article_id, k.ordinal)]} for k in keys]
        return [item(row) for row in rows], int(total or 0), next_cursor

    @staticmethod
    def _details(
        connection: Connection, found: list[tuple[str, int]]
    ) -> dict[tuple[str, int], dict[str, Any]]:
        """Return the evidence and article of each of these events."""
        if not found:
            return {}
        statement = (
            select(event_texts.c.article_id, event_texts.c.ordinal, *DETAIL_COLUMNS)
            .select_from(DETAILS_FROM)
            .where(tuple_(event_texts.c.article_id, event_texts.c.ordinal).in_(found))
        )
        return {
            (row.article_id, row.ordinal): dict(row._mapping)
            for row in connection.execute(statement)
        }

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

    def timeline(
        self, wanted: EventFilter, interval: str, by: str, count: str = "mentions"
    ) -> tuple[list[dict[str, Any]], int]:
        """Return buckets of events (count, mean Goldstein, and per group), empty ones too."""
        if count == "mentions" and counts_answer_timeline(wanted):
            statement = timeline_from_counts(wanted, interval, by)
        else:
            bucket = cast(func.date_trunc(interval, events.c.day), events.c.day.type)
            source, condition = counted_events(wanted, count)
            statement = (
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
        with self.engine.connect() as connection:
            rows = [Bucketed(*row) for row in connection.execute(statement)]
        return fill_buckets(rows, interval, wanted), sum(row.count for row in rows)

    def top(
        self, wanted: EventFilter, by: str, limit: int, count: str = "mentions"
    ) -> list[dict[str, Any]]:
        """Return the most frequent actors, dyads, codes, places... of a filter's events."""
        fast = count == "mentions" and counts_answer_top(wanted)
        statement = top_from_counts(by, limit) if fast else None
        if statement is None:
            source, condition = counted_events(wanted, count)
            parts = [
                select(key.label("key"), events.c.goldstein, events.c.article_id)
                .select_from(source)
                .where(condition, key.is_not(None), *extra)
                for key, *extra in TOP_KEYS[by]
            ]
            counted = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
            number = (
                func.count(func.distinct(counted.c.article_id))
                if count == "articles"
                else func.count()
            )
            statement = (
                select(counted.c.key, number, func.avg(counted.c.goldstein))
                .group_by(counted.c.key)
                .order_by(number.desc(), counted.c.key)
                .limit(limit)
            )
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [
            {"key": key, "count": int(count), "goldstein": _mean(mean)} for key, count, mean in rows
        ]


DETAILS_FROM = (
    event_texts.join(articles, articles.c.id == event_texts.c.article_id)
    .join(
        events,
        (events.c.article_id == event_texts.c.article_id)
        & (events.c.ordinal == event_texts.c.ordinal),
    )
    .outerjoin(canonical_events, canonical_events.c.id == events.c.canonical_id)
)
"""Where a page's details come from: evidence, article, and the happening's counts."""


def counted_events(wanted: EventFilter, count: str) -> tuple[Any, ColumnElement[bool]]:
    """Return the rows to count and their condition: faces only when counting happenings."""
    if count == "events":
        return EVENTS_WITH_CANONICAL, and_(conditions(wanted), IS_FACE)
    return events, conditions(wanted)


def counter(count: str) -> ColumnElement[Any]:
    """Return the aggregate that counts mentions, happenings (their faces) or articles."""
    return func.count(func.distinct(events.c.article_id)) if count == "articles" else func.count()


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


def _mean(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None
