"""The words of event sentences: written beside each article's events, matched by `q=`.

`event_search` holds each event's key, day and sentence words (a tsvector with a GIN index),
so a word's matches, their exact count and their newest-first order come from narrow rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert, and_, func, insert, literal_column, select, tuple_

from newsflow.core.schema import TEXT_SEARCH_CONFIG, event_search, event_texts, events

CONFIG: ColumnElement[Any] = literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")
"""The text search configuration, as SQL."""


def index_words(article_ids: list[str]) -> Insert:
    """Return the statement that writes the words of these articles' saved events."""
    texts = event_texts.c
    sentences = (
        select(events.c.article_id, events.c.ordinal, events.c.day)
        .add_columns(func.to_tsvector(CONFIG, texts.sentence_text))
        .select_from(
            events.join(
                event_texts,
                and_(texts.article_id == events.c.article_id, texts.ordinal == events.c.ordinal),
            )
        )
        .where(events.c.article_id.in_(article_ids))
    )
    return insert(event_search).from_select(["article_id", "ordinal", "day", "search"], sentences)


def matches(q: str) -> ColumnElement[bool]:
    """Return the condition of the event_search rows whose words match `q` (web search syntax)."""
    return event_search.c.search.op("@@")(func.websearch_to_tsquery(CONFIG, q))


def matching_events(q: str) -> ColumnElement[bool]:
    """Return the condition of the events whose sentence matches `q`."""
    found = select(event_search.c.article_id, event_search.c.ordinal).where(matches(q))
    return tuple_(events.c.article_id, events.c.ordinal).in_(found)
