"""The words of event sentences: written beside each article's events, matched by `q=`.

`event_search` holds each event's key, day and sentence words (a tsvector with a GIN index),
so a word's matches, their exact count and their newest-first order come from narrow rows;
`event_word_counts` keeps how many events have each word (the total of `q=` one word).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert

from newsflow.core.schema import (
    TEXT_SEARCH_CONFIG,
    event_search,
    event_texts,
    event_word_counts,
    events,
)

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


def _words_of(article_ids: list[str]) -> Select[Any]:
    """(word, events) of these articles' saved events."""
    word = func.unnest(event_search.c.search).table_valued("lexeme").alias("word")
    return (
        select(word.c.lexeme, func.count().label("n"))
        .select_from(event_search.join(word, literal_column("true")))
        .where(event_search.c.article_id.in_(article_ids))
        .group_by(word.c.lexeme)
    )


def saved_words(connection: Connection, article_ids: list[str]) -> dict[str, int]:
    """Return how many of these articles' saved events have each word (before they go)."""
    return {word: int(n) for word, n in connection.execute(_words_of(article_ids))}


_word_count = upsert(event_word_counts)
UPSERT_WORDS = _word_count.on_conflict_do_update(
    index_elements=[event_word_counts.c.word],
    set_={"events": event_word_counts.c.events + _word_count.excluded.events},
)
del _word_count


def count_words(article_ids: list[str], gone: Mapping[str, int]) -> Insert:
    """Return the statement that adds these articles' saved events to the word counts and takes
    away `gone` (the words of the events they replaced), in word order (writers lock rows in
    one order), in one statement."""
    changes: Select[Any] = _words_of(article_ids)
    if gone:
        old = (
            func.unnest(
                bindparam("gone_words", list(gone), type_=ARRAY(Text)),
                bindparam("gone_counts", [-n for n in gone.values()], type_=ARRAY(Integer)),
            )
            .table_valued("lexeme", "n")
            .render_derived(name="gone")
        )
        both = union_all(changes, select(old.c.lexeme, old.c.n)).subquery()
        net = func.sum(both.c.n)
        changes = select(both.c.lexeme, net.label("n")).group_by(both.c.lexeme).having(net != 0)
    moved = changes.subquery()
    rows = select(moved.c.lexeme, cast(moved.c.n, Integer)).order_by(moved.c.lexeme)
    return UPSERT_WORDS.from_select(["word", "events"], rows)


def matches(q: str) -> ColumnElement[bool]:
    """Return the condition of the event_search rows whose words match `q` (web search syntax)."""
    return event_search.c.search.op("@@")(func.websearch_to_tsquery(CONFIG, q))


def matching_events(q: str) -> ColumnElement[bool]:
    """Return the condition of the events whose sentence matches `q`."""
    found = select(event_search.c.article_id, event_search.c.ordinal).where(matches(q))
    return tuple_(events.c.article_id, events.c.ordinal).in_(found)


def one_word(q: str) -> Select[Any]:
    """Return the statement of the one word `q` asks for, or NULL when it asks for more (several
    words, a phrase, a negation) or none: its lexeme alone matches exactly what `q` matches."""
    query = func.websearch_to_tsquery(CONFIG, q)
    words = func.tsvector_to_array(func.to_tsvector(CONFIG, q), type_=ARRAY(Text))
    single = and_(
        func.numnode(query) == 1,
        func.cardinality(words) == 1,
        func.array_to_tsvector(words).op("@@")(query),
    )
    return select(case((single, words[1]), else_=None))
