"""The results store in PostgreSQL: one article's analysis written in one transaction, and read.

Writes are idempotent: the article's row is upserted first, which locks it until commit, so two
writers of one article take turns, and each replaces the article's events and mentions and moves
the entity counts by the difference between the old and new sets of entities. The same
transaction queues the articles for the story grouper (newsflow.core.story_backlog), which
groups them into stories in a process of its own.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    delete,
    func,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.exc import DBAPIError, OperationalError

from newsflow.core.event_counts import move_counts, side_keys, tally
from newsflow.core.event_search import count_words, index_words, saved_words
from newsflow.core.models import (
    Article,
    ArticleStatus,
    ArticleSummary,
    Entity,
    Event,
    StoredAnalysis,
)
from newsflow.core.row_arrays import insert_rows
from newsflow.core.schema import (
    article_entities,
    articles,
    entities,
    entity_mentions,
    event_actor_keys,
    event_texts,
    events,
)
from newsflow.core.story_backlog import queue
from newsflow.core.story_store import story_day

ANALYSIS_COLUMNS = frozenset({"article_id", "model", "analyzed_at", "entities", "events"})
"""Analysis fields that have columns or rows of their own (the rest go to analysis_extra)."""

SUMMARY_COLUMNS = (
    articles.c.id,
    articles.c.title,
    articles.c.url,
    articles.c.source,
    articles.c.published_at,
    articles.c.created_at,
    articles.c.story_id,
)
"""What a list of articles shows."""

SAVE_ATTEMPTS = 3
"""Tries of one save when PostgreSQL breaks a deadlock between two writers by aborting one."""

OUTAGE_FIRST_PAUSE_SECONDS = 0.5
"""First pause of a worker waiting for PostgreSQL to come back (doubling up to the max)."""

OUTAGE_MAX_PAUSE_SECONDS = 5.0
"""Longest pause between two tries while PostgreSQL is down (the job timeout bounds the wait)."""


def upsert_entities(rows: list[dict[str, Any]]) -> Insert:
    """Return the statement that adds entities, or moves their counts (and learns their actor
    codes)."""
    statement = insert_rows(entities, rows, order_by=["key"])  # writers lock in key order
    return statement.on_conflict_do_update(
        index_elements=[entities.c.key],
        set_={
            "actor_code": func.coalesce(statement.excluded.actor_code, entities.c.actor_code),
            "article_count": entities.c.article_count + statement.excluded.article_count,
        },
    )


MAX_ORDINAL = 32767
"""Largest position of an event in its article (the column is a smallint)."""


def event_id(article_id: str, ordinal: int) -> str:
    """Return an event's public id: its article's id and its position (`~` is never in an id)."""
    return f"{article_id}~{ordinal}"


def parse_event_id(value: str) -> tuple[str, int] | None:
    """Return (article id, position) of a public event id, or None if it is not one."""
    article_id, _, ordinal = value.rpartition("~")
    if not (article_id and ordinal.isdigit() and int(ordinal) <= MAX_ORDINAL):
        return None
    return article_id, int(ordinal)


class ResultStore:
    """Analysed articles, their events and entities, in PostgreSQL."""

    def __init__(self, engine: Engine, *, group_stories: bool = True) -> None:
        self.engine = engine
        self.group_stories = group_stories
        """Whether saves queue their articles for the story grouper (story_backlog)."""

    def save(self, article: Article, analysis: StoredAnalysis) -> None:
        """Write one article's analysis in one transaction, replacing any earlier one."""
        self.save_all([(article, analysis)])

    def save_all(self, analysed: Sequence[tuple[Article, StoredAnalysis]]) -> None:
        """Write several articles' analyses in one transaction (all or none), replacing any
        earlier ones, with one multi-row statement per table."""
        ordered = sorted(analysed, key=lambda pair: pair[0].id)
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self.engine.begin() as connection:
                    self._write(connection, ordered)
                return
            except DBAPIError as exc:
                if attempt == SAVE_ATTEMPTS - 1 or not is_deadlock(exc):
                    raise

    def save_waiting_out_outages(self, analysed: Sequence[tuple[Article, StoredAnalysis]]) -> None:
        """Save, waiting while PostgreSQL is unreachable (a job's timeout bounds the wait)."""
        pause = OUTAGE_FIRST_PAUSE_SECONDS
        while True:
            try:
                self.save_all(analysed)
                return
            except OperationalError:
                time.sleep(pause)
                pause = min(pause * 2, OUTAGE_MAX_PAUSE_SECONDS)

    def _write(
        self, connection: Connection, ordered: Sequence[tuple[Article, StoredAnalysis]]
    ) -> None:
        write_analyses(connection, ordered)
        if self.group_stories:  # grouped by the grouper process: serial by nature, off this path
            queue(connection, ordered)

    def get(self, article_id: str) -> tuple[Article, StoredAnalysis] | None:
        """Return one analysed article and its analysis, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                return None
            found_events = connection.scalars(
                select(event_texts.c.evidence)
                .where(event_texts.c.article_id == article_id)
                .order_by(event_texts.c.ordinal)
            ).all()
            mentions = connection.execute(
                select(entity_mentions)
                .where(entity_mentions.c.article_id == article_id)
                .order_by(entity_mentions.c.ordinal)
            ).mappings()
            found_entities = [Entity.model_validate(dict(m)) for m in mentions]
        return _article(row._mapping), StoredAnalysis.model_validate(
            {
                **row.analysis_extra,
                "article_id": row.id,
                "model": row.model,
                "analyzed_at": row.analyzed_at,
                "entities": found_entities,
                "events": found_events,
            }
        )

    def page(self, limit: int, after: tuple[datetime, str] | None = None) -> list[ArticleSummary]:
        """Return up to `limit` analysed articles accepted before `after`, newest first."""
        query = select(*SUMMARY_COLUMNS).order_by(
            articles.c.created_at.desc(), articles.c.id.desc()
        )
        if after is not None:
            query = query.where(tuple_(articles.c.created_at, articles.c.id) < tuple_(*after))
        with self.engine.connect() as connection:
            return summaries(connection.execute(query.limit(limit)).mappings())


def write_analyses(
    connection: Connection, ordered: Sequence[tuple[Article, StoredAnalysis]]
) -> set[str]:
    """Write analyses of articles sorted by id, each table in one statement; return the ids of
    those never saved before.

    Every writer locks rows table by table, each in key order (articles by id, counts and
    entities by key), so two writers never wait on each other in a cycle.
    """
    rows = [article_row(article, analysis) for article, analysis in ordered]
    upsert = insert_rows(articles, rows, order_by=["id"])
    fresh = {
        article_id
        for article_id, is_new in connection.execute(
            upsert.on_conflict_do_update(
                index_elements=[articles.c.id],
                set_={name: upsert.excluded[name] for name in rows[0] if name != "id"},
            ).returning(articles.c.id, literal_column("xmax = 0"))  # inserted, not updated
        )
        if is_new
    }
    replaced = [r["id"] for r in rows if r["id"] not in fresh]
    old_words = saved_words(connection, replaced) if replaced else {}
    old_events, before = forget_rows(connection, replaced)
    added = [row for article, analysis in ordered for row in event_rows(article, analysis)]
    article_ids = [article.id for article, _ in ordered]
    if added:
        connection.execute(insert_rows(events, added))
        connection.execute(
            insert_rows(
                event_texts,
                [row for a, analysis in ordered for row in text_rows(a.id, analysis.events)],
            )
        )
        if keyed := actor_key_rows(added):
            connection.execute(insert_rows(event_actor_keys, keyed))
        connection.execute(index_words(article_ids))
    if added or old_words:
        connection.execute(count_words(article_ids, old_words))
    move_counts(connection, *tally(added, old_events))
    mentions = [row for a, analysis in ordered for row in mention_rows(a.id, analysis.entities)]
    if mentions:
        connection.execute(insert_rows(entity_mentions, mentions))
    post_entities(connection, ordered, before)
    return fresh


def forget_rows(
    connection: Connection, article_ids: list[str]
) -> tuple[list[RowMapping], dict[str, set[str]]]:
    """Delete earlier analyses' rows (texts go with their events); return their events and,
    per article, the entity keys it was posted under."""
    if not article_ids:
        return [], {}
    old_events = (
        connection.execute(
            delete(events).where(events.c.article_id.in_(article_ids)).returning(*events.c)
        )
        .mappings()
        .all()
    )
    connection.execute(delete(entity_mentions).where(entity_mentions.c.article_id.in_(article_ids)))
    before: dict[str, set[str]] = {}
    for article_id, key in connection.execute(
        delete(article_entities)
        .where(article_entities.c.article_id.in_(article_ids))
        .returning(article_entities.c.article_id, article_entities.c.key)
    ):
        before.setdefault(article_id, set()).add(key)
    return list(old_events), before


def post_entities(
    connection: Connection,
    ordered: Sequence[tuple[Article, StoredAnalysis]],
    before: dict[str, set[str]],
) -> None:
    """Post each article under its entities; move counts by what changed since `before`.

    One row per entity for the whole batch: its name and label from the first article that
    has it, its actor code from the last that knows one (as saving them one by one would).
    """
    postings: list[dict[str, Any]] = []
    moved: Counter[str] = Counter()
    meta: dict[str, tuple[str, str, str | None]] = {}
    for article, analysis in ordered:
        found = canonical_entities(analysis.entities)
        was = before.get(article.id, set())
        postings += [{"article_id": article.id, "key": k, "created_at": article.created_at}
                     for k in found]  # fmt: skip
        for key, (name, label, code) in found.items():
            moved[key] += int(key not in was)
            first = meta.setdefault(key, (name, label, code))
            meta[key] = (first[0], first[1], code or first[2])
        moved.subtract(was - found.keys())  # only when a re-analysis lost an entity
    if postings:
        connection.execute(insert_rows(article_entities, postings))
    if meta:
        connection.execute(
            upsert_entities(
                [
                    {"key": k, "name": n, "label": lb, "actor_code": c, "article_count": moved[k]}
                    for k, (n, lb, c) in meta.items()
                ]
            )
        )
    for key in sorted(moved.keys() - meta.keys()):
        if moved[key]:
            connection.execute(
                update(entities)
                .where(entities.c.key == key)
                .values(article_count=entities.c.article_count + moved[key])
            )


def summaries(rows: Iterable[RowMapping]) -> list[ArticleSummary]:
    """Turn article rows (SUMMARY_COLUMNS) into summaries of done articles."""
    return [ArticleSummary.model_validate({**row, "status": ArticleStatus.DONE}) for row in rows]


def article_row(article: Article, analysis: StoredAnalysis) -> dict[str, Any]:
    """Return the article's row: its metadata, text and how it was analysed."""
    extra = analysis.model_dump(mode="json", exclude=set(ANALYSIS_COLUMNS))
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "published_at": article.published_at,
        "language": article.language,
        "text": article.text,
        "created_at": article.created_at,
        "updated_at": analysis.analyzed_at,
        "attempts": article.attempts,
        "model": analysis.model,
        "analyzed_at": analysis.analyzed_at,
        "analysis_extra": extra,
    }


def event_rows(article: Article, analysis: StoredAnalysis) -> list[dict[str, Any]]:
    """Return one row per event, in the analysis's order."""
    fallback_day = story_day(article, analysis)  # published (as dated), else analysed
    return [
        event_row(article, event, ordinal, fallback_day, analysis.analyzed_at)
        for ordinal, event in enumerate(analysis.events)
    ]


def event_row(
    article: Article, event: Event, ordinal: int, fallback_day: date, updated_at: datetime
) -> dict[str, Any]:
    """Return the columns of one event: what filters, sorts and counts read."""
    source, target, location = event.source, event.target, event.location
    return {
        "article_id": article.id,
        "ordinal": ordinal,
        "code": event.code,
        "root_code": event.root_code,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "plover": event.plover,
        "source_code": source.actor_code if source else None,
        "source_country": source.country if source else None,
        "source_entity": source.entity_key if source else None,
        "target_code": target.actor_code if target else None,
        "target_country": target.country if target else None,
        "target_entity": target.entity_key if target else None,
        "day": event.date or fallback_day,
        "location_name": location.name if location else None,
        "location_country": location.country if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "modality": event.modality,
        "confidence": event.confidence,
        "published_at": article.published_at,
        "outlet": article.source,
        "updated_at": updated_at,
    }


def actor_key_rows(added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return each event's rows of event_actor_keys: one per value `actor=` matches of either
    side (the keys the `actor*root` counts count it under), with its root and day."""
    return [
        {
            "article_id": e["article_id"],
            "ordinal": e["ordinal"],
            "key": key,
            "root_code": e["root_code"],
            "day": e["day"],
        }
        for e in added
        for key in sorted(
            side_keys(e["source_code"], e["source_country"])
            | side_keys(e["target_code"], e["target_country"])
        )
    ]


def text_rows(article_id: str, found: list[Event]) -> list[dict[str, Any]]:
    """Return each event's evidence and sentence, in the analysis's order."""
    return [
        {
            "article_id": article_id,
            "ordinal": ordinal,
            "sentence_text": event.sentence_text,
            "evidence": event.model_dump(mode="json"),
        }
        for ordinal, event in enumerate(found)
    ]


def mention_rows(article_id: str, mentions: list[Entity]) -> list[dict[str, Any]]:
    """Return one row per entity mention, in the analysis's order."""
    return [
        {"article_id": article_id, "ordinal": ordinal, **mention.model_dump()}
        for ordinal, mention in enumerate(mentions)
    ]


def _article(row: RowMapping) -> Article:
    fields = {k: row[k] for k in Article.model_fields if k in row}
    return Article.model_validate({**fields, "status": ArticleStatus.DONE})


def canonical_entities(mentions: list[Entity]) -> dict[str, tuple[str, str, str | None]]:
    """Map each entity key to (display name, label, actor code), the name its most used form."""
    forms: dict[str, Counter[str]] = {}
    meta: dict[str, tuple[str, str | None]] = {}
    for mention in mentions:
        forms.setdefault(mention.key, Counter())[mention.text] += 1
        label, code = meta.get(mention.key, (mention.label, None))
        meta[mention.key] = (label, code or mention.actor_code)
    return {
        key: (max(counts, key=lambda form: (counts[form], len(form))), *meta[key])
        for key, counts in forms.items()
    }


def is_deadlock(exc: DBAPIError) -> bool:
    """Say whether PostgreSQL aborted the transaction to break a deadlock (try it again)."""
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")
