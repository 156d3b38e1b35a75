"""The entity index in PostgreSQL: canonical entities by count, label and name, and their articles.

The worker's write (`ResultStore.save`) keeps `entities.article_count` and `article_entities`
exact; this module only reads them.
"""

from __future__ import annotations

import re
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


HEAD_ROWS = 10_000
"""Most mentioned entities a name search reads first, in count order: when they hold a page of
matches, that page is the answer (every match beyond them ranks lower)."""


EVERY_ROW = 100_000_000
"""A head that holds every entity: still a LIMIT, so the planner walks the count order's index
until a page is found (without one it sorts every entity first)."""


def has_trigram(query: str) -> bool:
    """Tell whether the trigram index can narrow a search for this fragment, as pg_trgm reads a
    LIKE pattern: a run of letters or digits makes trigrams when it is 3 long with its padding
    (two blanks before it when a space precedes it, one after when a space follows). `mp` has
    none (the index would be read whole); `e ea` has (`  e`, ` ea`)."""
    text = " ".join(query.replace("-", " ").split())
    for run in re.finditer(r"[^\W_]+", text):
        padding = (2 if run.start() > 0 else 0) + (1 if run.end() < len(text) else 0)
        if len(run.group()) + padding >= 3:
            return True
    return False


def top_statement(limit: int | None, label: str | None) -> Select[Any]:
    """Return the query of the most mentioned entities, of one label if given."""
    statement = (
        select(*ENTITY_COLUMNS)
        .where(entities.c.article_count > 0)
        .order_by(entities.c.article_count.desc(), entities.c.key)
        .limit(limit)
    )
    return statement.where(entities.c.label == label) if label else statement


def head_statement(
    limit: int, label: str | None, query: str, head_rows: int = HEAD_ROWS
) -> Select[Any]:
    """Return the query of the most mentioned entities whose names contain a fragment, among the
    `head_rows` most mentioned, read in count order until a page is found."""
    head = top_statement(head_rows, label).subquery("head")
    return (
        select(*head.c)
        .where(head.c.name.ilike(name_pattern(query)))
        .order_by(head.c.article_count.desc(), head.c.key)
        .limit(limit)
    )


def named_statement(limit: int, label: str | None, query: str) -> Select[Any]:
    """Return the query of the most mentioned entities whose names contain a fragment: every
    such name found through the trigram index (materialized: never a walk of the count order
    for a rare one), then ranked."""
    found = select(*ENTITY_COLUMNS).where(
        entities.c.name.ilike(name_pattern(query)), entities.c.article_count > 0
    )
    if label:
        found = found.where(entities.c.label == label)
    named = found.cte("named").prefix_with("MATERIALIZED")
    return select(*named.c).order_by(named.c.article_count.desc(), named.c.key).limit(limit)


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
            if not query:
                rows = connection.execute(top_statement(limit, label)).mappings().all()
            else:
                # A common fragment's page is among the most mentioned; a rare one's names are
                # few, found through the trigram index and ranked. Without a trigram the index
                # cannot narrow the names: the count order is read until a page is found.
                indexed = has_trigram(query)
                statement = head_statement(limit, label, query, HEAD_ROWS if indexed else EVERY_ROW)
                rows = connection.execute(statement).mappings().all()
                if len(rows) < limit and indexed:
                    rows = connection.execute(named_statement(limit, label, query)).mappings().all()
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
