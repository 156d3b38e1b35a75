"""The entity index in PostgreSQL: canonical entities by count, label and name, and their articles.

The worker's write (`ResultStore.save`) keeps `entities.article_count` and `article_entities`
exact; this module only reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, select, tuple_

from newsflow.core.models import ArticleSummary, EntitySummary
from newsflow.core.results import SUMMARY_COLUMNS, summaries
from newsflow.core.schema import article_entities, articles, entities

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


NAMED_AT_MOST = 2000
"""Names a search ranks itself; a fragment in more names walks the count order instead."""


def top_statement(
    limit: int, label: str | None, query: str | None, keys: list[str] | None = None
) -> Select[Any]:
    """Return the query of the most mentioned entities, among `keys` if given."""
    statement = (
        select(*ENTITY_COLUMNS)
        .where(entities.c.article_count > 0)
        .order_by(entities.c.article_count.desc(), entities.c.key)
        .limit(limit)
    )
    if label:
        statement = statement.where(entities.c.label == label)
    if keys is not None:
        statement = statement.where(entities.c.key.in_(keys))
    elif query:
        statement = statement.where(entities.c.name.ilike(name_pattern(query)))
    return statement


def named_statement(query: str) -> Select[Any]:
    """Return the keys whose names contain a fragment, found through the trigram index."""
    pattern = name_pattern(query)
    return select(entities.c.key).where(entities.c.name.ilike(pattern)).limit(NAMED_AT_MOST + 1)


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
            keys = None
            if query:
                # A rare fragment: rank its few names. A common one (more than NAMED_AT_MOST
                # names): walk the count order, where matching names come early.
                named = list(connection.scalars(named_statement(query)))
                keys = named if len(named) <= NAMED_AT_MOST else None
            rows = connection.execute(top_statement(limit, label, query, keys)).mappings()
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
