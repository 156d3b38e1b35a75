"""Reading articles wherever they are: in flight in Redis, or analysed in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsflow.core.cursors import pack, unpack
from newsflow.core.models import ArticleDetail, ArticleSummary
from newsflow.core.results import ResultStore
from newsflow.core.store import ArticleStore

Position = tuple[datetime, str]
"""Where a listing stands: an article's acceptance time and id (newest first)."""


def encode_cursor(position: Position) -> str:
    """Return the opaque cursor that continues a listing after this position."""
    return pack([position[0].isoformat(), position[1]])


def decode_cursor(cursor: str) -> Position:
    """Return the position inside a cursor, or raise InvalidCursor."""
    return unpack(cursor, _position)


def _position(values: list[Any]) -> Position:
    moment, article_id = values
    position = (datetime.fromisoformat(moment), str(article_id))
    if position[0].tzinfo is None:
        raise ValueError("a time without its zone")
    return position


def next_cursor(items: list[ArticleSummary], limit: int, more: bool) -> str | None:
    """Return the cursor after the last item when there may be more, else None."""
    if not more or len(items) < limit or not items:
        return None
    return encode_cursor((items[-1].created_at, items[-1].id))


class ArticleReader:
    """Articles by id and newest first, merging Redis (in flight) and PostgreSQL (done)."""

    def __init__(self, store: ArticleStore, results: ResultStore) -> None:
        self.store = store
        self.results = results

    def get(self, article_id: str) -> ArticleDetail | None:
        """Return one article with its analysis (none while it is in flight), or None."""
        # Redis first: a done article leaves Redis only after PostgreSQL committed it.
        article = self.store.get(article_id)
        if article is not None:
            return ArticleDetail(**article.model_dump())
        found = self.results.get(article_id)
        if found is None:
            return None
        return ArticleDetail(**found[0].model_dump(), analysis=found[1])

    def page(
        self, limit: int, cursor: str | None = None
    ) -> tuple[list[ArticleSummary], str | None]:
        """Return a page of articles, newest first, and the cursor of the next page."""
        before = decode_cursor(cursor) if cursor is not None else None
        merged: dict[str, ArticleSummary] = {}
        # In flight first: an article moving to PostgreSQL meanwhile is listed once, as done.
        for article in self.store.in_flight(limit + 1, before):
            merged[article.id] = article
        for article in self.results.page(limit + 1, before):
            merged[article.id] = article
        ordered = sorted(merged.values(), key=lambda a: (a.created_at, a.id), reverse=True)
        items = ordered[:limit]
        return items, next_cursor(items, limit, len(ordered) > limit)
