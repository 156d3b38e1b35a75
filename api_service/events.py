"""The events API: filtered pages with their total, one event, timelines, tops and exports."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Literal

from flask import Response, jsonify, stream_with_context
from flask_openapi3 import OpenAPI, Tag
from pydantic import BaseModel, Field

from newsflow.core.event_filters import EventFilter
from newsflow.core.event_store import EventStore
from newsflow.core.exports import FORMATS, ITEM_WRITERS
from newsflow.core.models import Event
from newsflow.http.problems import not_found
from newsflow.http.web import problem_responses

EVENTS_TAG = Tag(name="events", description="CAMEO-coded events across articles, with evidence")

MAX_EVENTS_LIMIT = 500
"""Largest page of events a client may ask for."""

SortName = Literal["date", "published", "confidence", "updated"]


class EventsQuery(EventFilter):
    """A filter, an order and a page."""

    sort: SortName = Field(
        default="date",
        description="date (event date, newest first), published (newest article first), "
        "confidence (highest first), updated (oldest write first, for updated_since feeds)",
    )
    limit: int = Field(default=50, ge=1, le=MAX_EVENTS_LIMIT)
    cursor: str | None = Field(default=None, max_length=600, description="From `next_cursor`.")
    distinct: bool = Field(
        default=False,
        description="true: one row per canonical event (happening), its best-evidenced mention, "
        "with num_mentions, num_articles, num_sources",
    )


CountName = Literal["events", "mentions", "articles"]
COUNT_DESCRIPTION = (
    "What to count: events (happenings: canonical events, each once), mentions (every report "
    "of an event), or articles (distinct articles)"
)


class TimelineQuery(EventFilter):
    """A filter, bucketed by time and split by a category."""

    interval: Literal["day", "week", "month"] = Field(default="week", description="e.g. week")
    by: Literal["root", "quad_class", "plover", "country"] = Field(
        default="quad_class", description="Split each bucket by: e.g. root"
    )
    count: CountName = Field(default="mentions", description=COUNT_DESCRIPTION)


class TopQuery(EventFilter):
    """A filter, ranked by what its events have most."""

    by: Literal["actor", "source", "target", "dyad", "code", "place", "country", "entity"] = Field(
        default="actor", description="What to rank: e.g. dyad"
    )
    limit: int = Field(default=10, ge=1, le=100)
    count: CountName = Field(default="mentions", description=COUNT_DESCRIPTION)


class ExportQuery(EventFilter):
    """A filter and a file format (no limit: the whole filter, streamed)."""

    format: Literal["csv", "ndjson", "geojson"] = Field(default="csv", description="e.g. csv")
    sort: SortName = "date"
    distinct: bool = Field(default=False, description="true: one row per canonical event")


class EventPath(BaseModel):
    """An event id: its article's id, `~`, its position in the article."""

    event_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}~\d{1,5}$")


class EventArticle(BaseModel):
    """The article an event was found in."""

    id: str
    title: str | None = None
    url: str | None = None
    source: str | None = Field(default=None, description="The outlet.")
    published_at: dt.datetime | None = None


class EventItem(Event):
    """An event with its id and the article that reports it."""

    id: str = Field(description="Stable id: the article's id, `~`, the event's position.")
    article: EventArticle
    updated_at: dt.datetime = Field(description="When this event was last written.")
    canonical_id: str = Field(description="The happening this mention reports (its story's).")
    num_mentions: int = Field(description="Mentions of the happening across articles.")
    num_articles: int = Field(description="Articles that report the happening.")
    num_sources: int = Field(description="Distinct outlets that report the happening.")


class EventPage(BaseModel):
    """A page of events and the exact number the filter matches."""

    items: list[EventItem]
    total: int
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page.")


class GroupCount(BaseModel):
    """Events of one group: how many, their mean Goldstein score."""

    key: str | None
    count: int
    goldstein: float | None


class TimelineBucket(BaseModel):
    """One interval: its first day, its events, and those of each group."""

    start: dt.date
    count: int
    goldstein: float | None
    groups: list[GroupCount]


class Timeline(BaseModel):
    """Events per interval, every interval from the first to the last present."""

    interval: str
    by: str
    count: str = Field(
        default="mentions", description="What was counted: events, mentions or articles."
    )
    total: int = Field(description="The sum of the buckets.")
    buckets: list[TimelineBucket]


class TopList(BaseModel):
    """The most frequent values among a filter's events."""

    by: str
    count: str = Field(
        default="mentions", description="What was counted: events, mentions or articles."
    )
    items: list[GroupCount]


def add_event_routes(app: OpenAPI, store: EventStore) -> None:
    """Add /events and its aggregates and exports to the app."""
    errors = problem_responses(400, 401, 422, 429, 503)

    @app.get("/events", tags=[EVENTS_TAG], responses={200: EventPage, **errors})
    def list_events(query: EventsQuery) -> Response:
        """List events matching every filter given, with the exact total (cursor pagination)."""
        items, total, cursor = store.page(
            query, query.sort, query.limit, query.cursor, distinct=query.distinct
        )
        return jsonify(items=items, total=total, next_cursor=cursor)

    @app.get("/events/timeline", tags=[EVENTS_TAG], responses={200: Timeline, **errors})
    def events_timeline(query: TimelineQuery) -> Response:
        """Count events per day, week or month (empty intervals too), split by a category."""
        buckets, total = store.timeline(query, query.interval, query.by, query.count)
        return jsonify(
            interval=query.interval, by=query.by, count=query.count, total=total, buckets=buckets
        )

    @app.get("/events/top", tags=[EVENTS_TAG], responses={200: TopList, **errors})
    def events_top(query: TopQuery) -> Response:
        """Rank actors, dyads, codes, places, countries or entities by their events."""
        items = store.top(query, query.by, query.limit, query.count)
        return jsonify(by=query.by, count=query.count, items=items)

    @app.get("/events/export", tags=[EVENTS_TAG], responses={200: None, **errors})
    def export_events(query: ExportQuery) -> Response:
        """Download every event of a filter as CSV (GDELT column names), NDJSON or GeoJSON."""
        media_type, extension = FORMATS[query.format]
        body: Iterator[str] | Iterator[bytes]
        if query.format in ITEM_WRITERS:
            events = store.stream(query, query.sort, distinct=query.distinct)
            # The query runs here: a PostgreSQL error is a problem answer, not a cut-off download.
            first = next(events, None)
            write = ITEM_WRITERS[query.format]
            body = write(events if first is None else itertools.chain([first], events))
        else:  # CSV, written by PostgreSQL (COPY) and passed on as it comes
            chunks = store.csv(query, query.sort, distinct=query.distinct)
            body = itertools.chain([next(chunks)], chunks)  # the COPY runs here, likewise
        return Response(
            stream_with_context(body),
            mimetype=media_type,
            headers={"Content-Disposition": f'attachment; filename="events.{extension}"'},
        )

    @app.get(
        "/events/<event_id>",
        tags=[EVENTS_TAG],
        responses={200: EventItem, **problem_responses(401, 404, 422, 429, 503)},
    )
    def get_event(path: EventPath) -> Response:
        """Get one event with its evidence and its article."""
        found = store.get(path.event_id)
        if found is None:
            raise not_found(f"event with id '{path.event_id}'")
        return jsonify(found)
