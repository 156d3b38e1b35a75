"""The story backlog: saved articles waiting to be grouped, and a grouper's drain of it.

The worker's save queues its articles in its own transaction (so none is lost: the backlog
commits with the rows) and notifies `story_backlog` at commit. A grouper drains the backlog
under the story lock, oldest first (a save's articles by id, as one saved batch was grouped
before), each grouped from what PostgreSQL holds of it (its row, entity mentions and events)
by StoryGrouper, the one grouping code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select, text

from newsflow.core.models import Article, ArticleStatus, StoredAnalysis
from newsflow.core.row_arrays import insert_rows
from newsflow.core.schema import articles, entity_mentions, events, story_backlog, story_features
from newsflow.core.story_counts import MENTION_COLUMNS, mention_of
from newsflow.core.story_growth import Arrival, seen
from newsflow.core.story_rule import ArticleFeatures, features
from newsflow.core.story_store import StoryGrouper, lock_stories, story_day

CHANNEL = "story_backlog"
"""The PostgreSQL notification channel a save notifies and groupers listen on."""

DRAIN_LIMIT = 32
"""Most articles one drain groups in one transaction (the lock is held that long)."""

NOTIFY = text("SELECT pg_notify(:channel, '')")
"""Wake the groupers; PostgreSQL delivers it at commit, never for a rolled-back save."""

FORGET_GROUPED = text(
    """
    DELETE FROM story_backlog AS b
    USING unnest(CAST(:ids AS text[]), CAST(:queued AS timestamptz[])) AS d(id, queued_at)
    WHERE b.article_id = d.id AND b.queued_at = d.queued_at
    """
)
"""Delete grouped articles from the backlog, unless saved again since they were read."""

ARTICLE_COLUMNS = [
    articles.c[name]
    for name in ("id", "title", "text", "url", "source", "published_at", "language", "created_at",
                 "updated_at", "attempts")
]  # fmt: skip
"""What grouping reads of an article's row: its Article (whose Arrival counts read)."""


def queue(connection: Connection, ordered: Sequence[tuple[Article, StoredAnalysis]]) -> None:
    """Queue saved articles for the grouper and wake it (at commit)."""
    rows = [
        {"article_id": article.id, "day": story_day(article, analysis)}
        for article, analysis in ordered
    ]
    statement = insert_rows(story_backlog, rows, order_by=["article_id"])
    connection.execute(
        statement.on_conflict_do_update(  # saved again: grouped again, by a later drain
            index_elements=[story_backlog.c.article_id],
            set_={"queued_at": func.now(), "day": statement.excluded.day},
        )
    )
    connection.execute(NOTIFY, {"channel": CHANNEL})


@dataclass(frozen=True)
class Queued:
    """A backlog article as grouping needs it: its features, and how it arrives if new."""

    features: ArticleFeatures
    arrival: Arrival | None


def group_backlog(engine: Engine, grouper: StoryGrouper, limit: int = DRAIN_LIMIT) -> int:
    """Group up to `limit` backlog articles in one transaction; return how many."""
    with engine.begin() as connection:
        lock_stories(connection)
        taken = connection.execute(
            select(story_backlog)
            .order_by(story_backlog.c.queued_at, story_backlog.c.article_id.collate("C"))
            .limit(limit)
        ).all()
        if not taken:
            return 0
        for one in load(connection, taken):
            grouper.group(connection, one.features, one.arrival)
        connection.execute(
            FORGET_GROUPED,
            {"ids": [r.article_id for r in taken], "queued": [r.queued_at for r in taken]},
        )
    return len(taken)


def load(connection: Connection, taken: Sequence[Any]) -> list[Queued]:
    """Return the backlog rows' articles as grouping needs them, in the backlog's order."""
    ids = [r.article_id for r in taken]
    rows = {
        r.id: r for r in connection.execute(select(*ARTICLE_COLUMNS).where(articles.c.id.in_(ids)))
    }
    keys = _by_article(
        connection,
        select(entity_mentions.c.article_id, entity_mentions.c.key, entity_mentions.c.label)
        .where(entity_mentions.c.article_id.in_(ids))
        .order_by(entity_mentions.c.article_id, entity_mentions.c.ordinal),
    )
    found = _by_article(
        connection,
        select(*MENTION_COLUMNS)
        .where(events.c.article_id.in_(ids))
        .order_by(events.c.article_id, events.c.ordinal),
    )
    grouped = set(
        connection.scalars(
            select(story_features.c.article_id).where(story_features.c.article_id.in_(ids))
        )
    )
    return [
        queued(
            rows[r.article_id],
            r.day,
            [(m.key, m.label) for m in keys.get(r.article_id, [])],
            None if r.article_id in grouped else found.get(r.article_id, []),
        )
        for r in taken
    ]


def _by_article(connection: Connection, query: Select[Any]) -> dict[str, list[Any]]:
    """Return the query's rows by their article_id, in the query's order."""
    found: dict[str, list[Any]] = {}
    for row in connection.execute(query):
        found.setdefault(row.article_id, []).append(row)
    return found


def queued(row: Any, day: date, keys: list[tuple[str, str]], rows: list[Any] | None) -> Queued:
    """Return one article's features (from the inputs article_features reads), and its Arrival
    if it was never grouped (`rows`: its event rows then)."""
    found = features(row.id, day, row.title, row.text, keys)
    if rows is None:
        return Queued(found, None)
    article = Article.model_validate({**row._mapping, "status": ArticleStatus.DONE})
    when = seen(article)
    return Queued(found, Arrival(article, [mention_of(e, when) for e in rows]))
