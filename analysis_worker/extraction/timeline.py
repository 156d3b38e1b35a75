"""Every event's date: its own clause's, else the one a reader carries over, else publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analysis_worker.extraction.article import Article
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.dates import Resolved, is_past, read_date
from analysis_worker.extraction.document_cache import cached, document_text
from analysis_worker.extraction.mentions import document_mentions
from newsflow.models import DatePrecision, DateSource

UNANCHORED_PREPS = frozenset(
    {"since", "until", "till", "by", "for", "through", "before", "after", "between"}
)
"""Prepositions whose date bounds a span rather than dating a happening ('since 2014')."""


@dataclass(frozen=True)
class TimePhrase:
    """A date phrase of the article that names a calendar date, where it stands."""

    start: int
    """Character offset of the phrase."""
    text: str
    day: date
    precision: DatePrecision
    paragraph: int
    """Character offset where the phrase's paragraph starts."""


@dataclass(frozen=True)
class EventDate:
    """An event's date, where it came from, and the phrase used (if any)."""

    day: date | None
    text: str | None
    source: DateSource | None
    precision: DatePrecision | None


def time_phrases(article: Article) -> list[TimePhrase]:
    """Return the article's date phrases that name a date, in order (once per document)."""
    return cached(article.doc, "time_phrases", lambda _: read_time_phrases(article))


def read_time_phrases(article: Article) -> list[TimePhrase]:
    """Read the date phrases outside boilerplate that anchor a happening."""
    if article.published is None:
        return []
    columns, text, found = article.columns, document_text(article.doc), []
    for ent in document_mentions(article.doc):
        if (
            ent.label_ != "DATE"
            or article.mask.covers(ent.start_char)
            or bounds(columns, ent.start)
        ):
            continue
        phrase = text[ent.start_char : ent.end_char]
        resolved = read_date(
            phrase, article.published, is_past(columns, clause_verb(columns, ent.root.i))
        )
        if resolved is not None:
            paragraph = text.rfind("\n", 0, ent.start_char) + 1
            found.append(TimePhrase(ent.start_char, phrase, *resolved, paragraph))
    return found


def bounds(columns: Columns, first: int) -> bool:
    """Tell whether a date phrase is the object of 'since', 'until', 'for' and their kin."""
    head = columns.head[first]
    before = columns.lower[first - 1] if first > 0 else ""
    return any(
        word in UNANCHORED_PREPS for word in (columns.lower[head], columns.lower[first], before)
    )


def clause_verb(columns: Columns, token: int) -> int:
    """Return the verb whose clause holds the token (the token itself when none is found)."""
    while columns.pos[token] not in {"VERB", "AUX"} and columns.head[token] != token:
        token = columns.head[token]
    return token


def event_date(
    article: Article, start: int, own: Resolved | None, own_text: str | None
) -> EventDate:
    """Return the event's date: its clause's, the context's, or the publication date."""
    if own is not None:
        return EventDate(own[0], own_text, "text", own[1])
    if article.published is None:
        return EventDate(None, None, None, None)
    carried = context_phrase(article, start)
    if carried is not None:
        return EventDate(carried.day, carried.text, "context", carried.precision)
    return EventDate(article.published, None, "published", "day")


def context_phrase(article: Article, start: int) -> TimePhrase | None:
    """Return the nearest date phrase before the event in its paragraph, else the lead's.

    The headline and lead are read as one: their events take the lead's first date phrase.
    """
    text = document_text(article.doc)
    paragraph = text.rfind("\n", 0, start) + 1
    phrases = time_phrases(article)
    same = [p for p in phrases if p.start < start and p.paragraph == paragraph]
    if same:
        return same[-1]
    reach = article.lead_end if start < article.lead_end else start
    lead = [phrase for phrase in phrases if phrase.start < min(reach, article.lead_end)]
    days = [phrase for phrase in lead if phrase.precision == "day"]
    return next(iter(days or lead), None)
