"""One document as the event coder sees it: its date, sentences, boilerplate and datelines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from analysis_worker.extraction.actors import NO_DATE
from analysis_worker.extraction.boilerplate import BoilerplateMask, boilerplate_mask
from analysis_worker.extraction.columns import Columns, columns_of
from analysis_worker.extraction.document_cache import cached, document_text


@dataclass(frozen=True)
class Article:
    """What every sentence of one document needs: the doc, its date as YYYYMMDD and as a date."""

    doc: Doc
    columns: Columns
    day: int
    published: date | None
    dateline: frozenset[int]
    mask: BoilerplateMask
    lead_end: int
    """Character offset where the lead (headline and first sentences) ends."""
    dateline_place: tuple[int, int] | None
    """Character range of the place of a wire dateline ('WASHINGTON, Nov 6 (Reuters) -')."""
    kicker_end: int
    """Character offset where the headline's label ends ('World Series 2016:'); 0 if none."""


def read_article(doc: Doc, published_at: datetime | None) -> tuple[Article, list[Span | None]]:
    """Return the document's context and its sentences without boilerplate (None: all of it).

    Read once per document and publication date (the events and the summary share it).
    """
    return cached(doc, f"article {published_at}", lambda doc: build_article(doc, published_at))


def build_article(doc: Doc, published_at: datetime | None) -> tuple[Article, list[Span | None]]:
    """Read the document's context and its sentences."""
    published = published_at.date() if published_at else None
    mask = boilerplate_mask(doc)
    columns = columns_of(doc)
    parts = [article_part(sent, columns, mask) for sent in sentences_of(doc)]
    wire = WIRE_DATELINE.search(document_text(doc), 0, DATELINE_SEARCH)
    datelines = [
        index for sent in parts if sent is not None for index in dateline_tokens(columns, sent)
    ]
    if wire is not None:
        datelines += [
            i for i, start in enumerate(columns.idx) if wire.start() <= start < wire.end()
        ]
    article = Article(
        doc,
        columns,
        int(published.strftime("%Y%m%d")) if published else NO_DATE,
        published,
        frozenset(datelines),
        mask,
        lead_end(parts),
        wire.span(1) if wire else None,
        kicker_end(columns, next((sent for sent in parts if sent is not None), None)),
    )
    return article, parts


WIRE_DATELINE = re.compile(
    r"\b([A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+)*)"
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)?(?:, [A-Z][a-z]{2,}\.? \d{1,2})?"
    r"\s*(?:\([A-Za-z .]+\))?\s+(?:-|--|—|–)\s"
)
"""A wire dateline: a place in capitals, maybe its region and date and agency, then a dash."""

DATELINE_SEARCH = 2000
"""How far into the text a wire dateline may stand (after headline, standfirst and byline)."""


KICKER_REACH = 8
"""A headline's label before a colon ('Tram crash: ...') is at most this many tokens long."""


def kicker_colon(columns: Columns, headline: Span) -> int | None:
    """Return the token of the colon that ends a headline's label ('Croydon tram crash: ...')."""
    stop = min(headline.start + KICKER_REACH, headline.end - 1)
    return next((i for i in range(headline.start, stop) if columns.lower[i] == ":"), None)


def kicker_end(columns: Columns, headline: Span | None) -> int:
    """Return the character offset where the headline's label ends (0 when it has none)."""
    colon = kicker_colon(columns, headline) if headline is not None else None
    return columns.idx[colon] if colon is not None else 0


LEAD_SENTENCES = 4
"""How many sentences the lead holds: the headline (or first sentence) and the next three."""


def lead_end(parts: list[Span | None]) -> int:
    """Return the character offset where the article's first sentences end."""
    kept = [sent for sent in parts if sent is not None][:LEAD_SENTENCES]
    return kept[-1].end_char if kept else 0


def sentences_of(doc: Doc) -> list[Span]:
    """Return the document's sentences (read from the parse array: Doc.sents is slow)."""
    starts = [int(index) for index in numpy.flatnonzero(doc.to_array([SENT_START]) == 1)]
    bounds = [0, *(start for start in starts if start > 0), len(doc)]
    return [doc[start:end] for start, end in zip(bounds, bounds[1:], strict=False) if end > start]


def article_part(sent: Span, columns: Columns, mask: BoilerplateMask) -> Span | None:
    """Return the sentence without boilerplate at its edges (a caption the parser glued on)."""
    if not mask.covers(sent.start_char) and not mask.covers(sent.end_char - 1):
        return sent
    kept = [index for index in range(sent.start, sent.end) if not mask.covers(columns.idx[index])]
    return sent.doc[kept[0] : kept[-1] + 1] if kept else None


def dateline_tokens(columns: Columns, sent: Span) -> range:
    """Return the token indices of a sentence's dateline ('Brussels, Belgium – ...')."""
    lower = columns.lower
    stop = min(sent.start + DATELINE_REACH, sent.end)
    dash = next((i for i in range(sent.start, stop) if lower[i] in DATELINE_MARKS), None)
    return range(sent.start, dash) if dash is not None else range(0)


DATELINE_MARKS = frozenset({"–", "—", "--", ":"})
"""Punctuation that ends a dateline ('GAZA CITY, Palestinian Territories:')."""

DATELINE_REACH = 8
"""How many tokens into a sentence a dateline's mark may stand."""
