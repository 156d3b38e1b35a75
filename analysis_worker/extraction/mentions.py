"""The named-entity spans of a document, read once (Doc.ents and Span.ents build new spans)."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span

from analysis_worker.extraction.document_cache import cached


def document_mentions(doc: Doc) -> list[Span]:
    """Return the document's entity spans in order, computed once per document."""
    return cached(doc, "mentions", lambda doc: list(doc.ents))


def sentence_mentions(sent: Span) -> list[Span]:
    """Return the entity spans that start inside a sentence."""
    mentions = document_mentions(sent.doc)
    first = bisect_left(mentions, sent.start, key=lambda span: span.start)
    last = bisect_left(mentions, sent.end, key=lambda span: span.start)
    return mentions[first:last]
