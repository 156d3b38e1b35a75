"""The read API: articles with their analyses, and the entities found across them."""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import OpenAPI, Tag
from pydantic import BaseModel, Field
from redis import Redis
from sqlalchemy import Engine, text

from api_service.desk import add_desk_routes
from api_service.events import add_event_routes
from api_service.stories import add_story_routes
from newsflow.core.article_reads import ArticleReader, decode_cursor, next_cursor
from newsflow.core.connection import connect
from newsflow.core.database import connect_database
from newsflow.core.entity_index import EntityIndex
from newsflow.core.event_store import EventStore
from newsflow.core.keys import Keys
from newsflow.core.models import (
    ARTICLE_ID_PATTERN,
    ENTITY_KEY_PATTERN,
    ArticleDetail,
    ArticlePage,
    EntityDetail,
    EntityList,
)
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.core.story_reads import StoryReader
from newsflow.http.problems import not_found
from newsflow.http.web import create_openapi_app, problem_responses

ARTICLES_TAG = Tag(name="articles", description="Articles, their status and analysis")
ENTITIES_TAG = Tag(name="entities", description="People, organisations and places across articles")

MAX_LIMIT = 200
"""Largest page a client may ask for."""


class ArticlesQuery(BaseModel):
    """Paging through articles, newest first."""

    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=400, description="From `next_cursor`.")


class ArticlePath(BaseModel):
    """An article id in the path."""

    article_id: str = Field(pattern=ARTICLE_ID_PATTERN)


class EntitiesQuery(BaseModel):
    """Filtering entities by spaCy label and name."""

    label: str | None = Field(default=None, pattern=r"^[A-Z_]{2,20}$", description="e.g. GPE")
    q: str | None = Field(
        default=None, min_length=1, max_length=200, description="Name contains, e.g. trump"
    )
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)


class EntityPath(BaseModel):
    """A canonical entity key in the path."""

    key: str = Field(pattern=ENTITY_KEY_PATTERN)


def create_app(
    settings: Settings | None = None, redis: Redis | None = None, engine: Engine | None = None
) -> OpenAPI:
    """Build the API app; tests pass their own settings, Redis client and database engine."""
    settings = settings or Settings()
    redis = redis or connect(settings)
    engine = engine or connect_database(settings)
    app = create_openapi_app(
        __name__,
        "Newsflow API",
        settings,
        redis,
        key_required=settings.read_api_requires_key,
        rate_limit=settings.api_rate_limit,
        ready_checks=[lambda: _ping_database(engine)],
    )
    reader = ArticleReader(ArticleStore(redis, Keys(settings.key_prefix)), ResultStore(engine))
    _add_article_routes(app, reader)
    _add_entity_routes(app, EntityIndex(engine))
    add_event_routes(app, EventStore(engine))
    add_story_routes(app, StoryReader(engine))
    add_desk_routes(app, engine)
    return app


def _ping_database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _add_article_routes(app: OpenAPI, reader: ArticleReader) -> None:
    @app.get(
        "/articles",
        tags=[ARTICLES_TAG],
        responses={200: ArticlePage, **problem_responses(400, 401, 422, 429, 503)},
    )
    def list_articles(query: ArticlesQuery) -> Response:
        """List articles, newest first (cursor pagination)."""
        items, cursor = reader.page(query.limit, query.cursor)
        return jsonify(ArticlePage(items=items, next_cursor=cursor).model_dump(mode="json"))

    @app.get(
        "/articles/<article_id>",
        tags=[ARTICLES_TAG],
        responses={200: ArticleDetail, **problem_responses(401, 404, 422, 429, 503)},
    )
    def get_article(path: ArticlePath) -> Response:
        """Get one article with its status and analysis (entities and events)."""
        article = reader.get(path.article_id)
        if article is None:
            raise not_found(f"article with id '{path.article_id}'")
        return jsonify(article.model_dump(mode="json"))


def _add_entity_routes(app: OpenAPI, index: EntityIndex) -> None:
    @app.get(
        "/entities",
        tags=[ENTITIES_TAG],
        responses={200: EntityList, **problem_responses(401, 422, 429, 503)},
    )
    def list_entities(query: EntitiesQuery) -> Response:
        """List canonical entities, most mentioned first, by label and name."""
        items = index.top(query.limit, label=query.label, query=query.q)
        return jsonify(EntityList(items=items).model_dump(mode="json"))

    @app.get(
        "/entities/<key>",
        tags=[ENTITIES_TAG],
        responses={200: EntityDetail, **problem_responses(400, 401, 404, 422, 429, 503)},
    )
    def get_entity(path: EntityPath, query: ArticlesQuery) -> Response:
        """Get one entity and a page of the articles that mention it, newest first."""
        entity = index.get(path.key)
        if entity is None:
            raise not_found(f"entity with key '{path.key}'")
        after = decode_cursor(query.cursor) if query.cursor is not None else None
        found = index.articles(path.key, query.limit + 1, after)
        articles = found[: query.limit]
        detail = EntityDetail(
            **entity.model_dump(),
            articles=articles,
            next_cursor=next_cursor(articles, query.limit, len(found) > query.limit),
        )
        return jsonify(detail.model_dump(mode="json"))
