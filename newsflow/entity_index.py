"""The entity index in PostgreSQL: canonical entities by count, label and name, and their articles.

The worker's write (`ResultStore.save`) keeps `entities.article_count` and `article_entities`
exact; this module only reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, select, tuple_

from newsflow.models import ArticleSummary, EntitySummary
from newsflow.results import SUMMARY_COLUMNS, summaries
from newsflow.schema import article_entities, articles, entities

ENTITY_COLUMNS = (
    entities.c.key,
    entities.c.name,
    entities.c.label,
    entities.c.actor_code,
    entities.c.article_count,
)
"""What an entity summary shows."""


def storable(value: str) -> bool:
    """Tell whether PostgreSQL could hold this text (no NUL; no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def name_pattern(query: str) -> str:
    """Return an ILIKE pattern matching names that contain the query (wildcards escaped)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{' '.join(escaped.replace('-', ' ').split())}%"


def top_statement(limit: int, label: str | None, query: str | None) -> Select[Any]:
    """Return the query of the most mentioned entities (a name search uses the trigram index)."""
    statement = (
        select(*ENTITY_COLUMNS)
        .where(entities.c.article_count > 0)
        .order_by(entities.c.article_count.desc(), entities.c.key)
        .limit(limit)
    )
    if label:
        statement = statement.where(entities.c.label == label)
    if query:
        # Names first, through the trigram index, then the count order: walking the count
        # index and testing each name reads most of a large table for a rare fragment.
        named = (
            select(entities.c.key)
            .where(entities.c.name.ilike(name_pattern(query)))
            .cte("named")
            .prefix_with("MATERIALIZED")
        )
        statement = statement.where(entities.c.key.in_(select(named.c.key)))
    return statement


class EntityIndex:
    """Read canonical entities and the articles that mention them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def top(
        self, limit: int, label: str | None = None, query: str | None = None
    ) -> list[EntitySummary]:
        """Return the most mentioned entities, optionally of one label and matching a name."""
        if query and not storable(query):
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(top_statement(limit, label, query)).mappings()
            return [EntitySummary.model_validate(dict(row)) for row in rows]

    def get(self, key: str) -> EntitySummary | None:
        """Return one entity that some article mentions, or None."""
        if not storable(key):
            return None
        statement = select(*ENTITY_COLUMNS).where(
            entities.c.key == key, entities.c.article_count > 0
        )
        with self.engine.connect() as connection:
            row = connection.execute(statement).mappings().first()
        return EntitySummary.model_validate(dict(row)) if row else None

    def articles(
        self, key: str, limit: int, after: tuple[datetime, str] | None = None
    ) -> list[ArticleSummary]:
        """Return up to `limit` articles mentioning the entity accepted before `after`, newest
        first."""
        postings = article_entities
        statement = (
            select(*SUMMARY_COLUMNS)
            .select_from(postings.join(articles, articles.c.id == postings.c.article_id))
            .where(postings.c.key == key)
            .order_by(postings.c.created_at.desc(), postings.c.article_id.desc())
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(
                tuple_(postings.c.created_at, postings.c.article_id) < tuple_(*after)
            )
        with self.engine.connect() as connection:
            return summaries(connection.execute(statement).mappings())
