"""Values computed once per parsed document and shared by the extractors, then released."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from spacy.tokens import Doc, Span

CACHE_KEY = "newsflow_extraction"
"""Key of our cache in Doc.user_data (released after analysis, so a Doc stays serialisable)."""

Value = TypeVar("Value")


def cached(doc: Doc, name: str, build: Callable[[Doc], Value]) -> Value:
    """Return the document's value for name, building it on first use."""
    cache: dict[str, object] | None = doc.user_data.get(CACHE_KEY)
    if cache is None:  # no setdefault: it would build an empty dict on every call
        cache = doc.user_data[CACHE_KEY] = {}
    if name in cache:
        return cache[name]  # type: ignore[return-value]
    value = cache[name] = build(doc)
    return value


def release(doc: Doc) -> None:
    """Drop the document's cached values."""
    doc.user_data.pop(CACHE_KEY, None)


def remember_text(doc: Doc, text: str) -> None:
    """Record the text a document was parsed from (spaCy's tokenizer keeps every character)."""
    doc.user_data.setdefault(CACHE_KEY, {})["text"] = text


def document_text(doc: Doc) -> str:
    """Return the document's text (Doc.text joins every token each time it is read)."""
    return cached(doc, "text", lambda doc: doc.text)


def span_text(span: Span) -> str:
    """Return a span's text, sliced from the document's text."""
    return document_text(span.doc)[span.start_char : span.end_char]
