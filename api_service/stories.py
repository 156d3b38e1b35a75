"""The stories API: reports of one happening grouped across articles, with honest counts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import Response, jsonify
from flask_openapi3 import OpenAPI, Tag
from pydantic import BaseModel, Field

from api_service.events import EventArticle, EventItem
from newsflow.core.event_filters import EventFilter
from newsflow.core.models import ARTICLE_ID_PATTERN
from newsflow.core.story_reads import StoryReader
from newsflow.http.problems import not_found
from newsflow.http.web import problem_responses

STORIES_TAG = Tag(name="stories", description="Articles reporting the same happening, grouped")

MAX_STORIES_LIMIT = 200
"""Largest page of stories a client may ask for."""


class StoriesQuery(EventFilter):
    """A filter (a story matches when one of its events does), an order and a page."""

    sort: Literal["newest", "biggest"] = Field(
        default="newest", description="newest (last seen first) or biggest (most articles first)"
    )
    limit: int = Field(default=20, ge=1, le=MAX_STORIES_LIMIT)
    cursor: str | None = Field(default=None, max_length=600, description="From `next_cursor`.")


class StoryPath(BaseModel):
    """A story id: the smallest id of its articles."""

    story_id: str = Field(pattern=ARTICLE_ID_PATTERN)


class StorySummary(BaseModel):
    """A story: its title (its first article's), when it was seen, and its counts."""

    id: str
    title: str | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    num_articles: int
    num_sources: int = Field(description="Distinct outlets.")
    num_events: int = Field(description="Canonical events (happenings), not mentions.")


class StoryPage(BaseModel):
    """A page of stories and the exact number the filter matches."""

    items: list[StorySummary]
    total: int
    next_cursor: str | None = None


class CanonicalEvent(BaseModel):
    """One happening: its counts, its best-evidenced mention, and every mention."""

    id: str
    num_mentions: int
    num_articles: int
    num_sources: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    face: EventItem | None
    mentions: list[EventItem]


class StoryEntity(BaseModel):
    """An entity of a story and how many of its articles mention it."""

    key: str
    name: str
    label: str
    articles: int


class StoryPlace(BaseModel):
    """A place of a story's events and how many mentions put an event there."""

    name: str
    country: str | None
    mentions: int


class StoryDetail(StorySummary):
    """A story with its articles side by side, its entities, places and canonical events."""

    articles: list[EventArticle]
    entities: list[StoryEntity]
    places: list[StoryPlace]
    events: list[CanonicalEvent]


def add_story_routes(app: OpenAPI, reader: StoryReader) -> None:
    """Add /stories to the app."""

    @app.get(
        "/stories",
        tags=[STORIES_TAG],
        responses={200: StoryPage, **problem_responses(400, 401, 422, 429, 503)},
    )
    def list_stories(query: StoriesQuery) -> Response:
        """List stories matching every filter given, with the exact total (cursor pagination)."""
        items, total, cursor = reader.page(query, query.sort, query.limit, query.cursor)
        return jsonify(items=items, total=total, next_cursor=cursor)

    @app.get(
        "/stories/<story_id>",
        tags=[STORIES_TAG],
        responses={200: StoryDetail, **problem_responses(401, 404, 422, 429, 503)},
    )
    def get_story(path: StoryPath) -> Response:
        """Get one story: its articles side by side, its canonical events and their mentions."""
        found = reader.get(path.story_id)
        if found is None:
            raise not_found(f"story with id '{path.story_id}'")
        return jsonify(found)
