"""Every event's date: its own clause's, else the one a reader carries over, else publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analysis_worker.extraction.article import Article
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.dates import Resolved, is_past, read_date
from analysis_worker.extraction.document_cache import cached, document_text
from analysis_worker.extraction.mentions import document_mentions
from newsflow.core.models import DatePrecision, DateSource

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
            or ent.start_char < article.kicker_end  # 'World Series 2016:' names an edition
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


@dataclass(frozen=True)
class Clause:
    """What dating an event needs to know of its clause: where it is, its tense, its sentence."""

    start: int
    """Character offset of the trigger."""
    past: bool
    sentence_start: int
    """Token index where the event's sentence starts."""


def event_date(
    article: Article,
    clause: Clause,
    own: Resolved | None,
    own_text: str | None,
    lead_time: TimePhrase | None = None,
) -> EventDate:
    """Return the event's date: its clause's, the context's, or the publication date.

    lead_time is when the lead says the article's main happening took place.
    """
    if own is not None:
        return EventDate(own[0], own_text, "text", own[1])
    if article.published is None:
        return EventDate(None, None, None, None)
    carried = None if moves_on(article, clause) else context_phrase(article, clause, lead_time)
    if carried is not None:
        return EventDate(carried.day, carried.text, "context", carried.precision)
    return EventDate(article.published, None, "published", "day")


SEQUENCE_WORDS = frozenset(
    {"subsequently", "later", "afterwards", "afterward", "thereafter", "then", "eventually"}
)
"""Sentence openers that move time on from the last date named ('Subsequently, ...')."""

SEQUENCE_REACH = 3
"""How many tokens into its sentence a sequence word may stand."""


def moves_on(article: Article, clause: Clause) -> bool:
    """Tell whether the event's sentence opens with a word that leaves the last date behind."""
    lower = article.columns.lower[clause.sentence_start : clause.sentence_start + SEQUENCE_REACH]
    return any(word in SEQUENCE_WORDS for word in lower)


def context_phrase(
    article: Article, clause: Clause, lead_time: TimePhrase | None = None
) -> TimePhrase | None:
    """Return the nearest date phrase before the event in its paragraph, else the lead's time.

    Only a date on the side of publication the event's tense allows is carried over: a
    past event does not take the coming Wednesday. Headline and lead are read as one; the
    lead's time is the summary's when it has one, else the lead's first day.
    """
    start = clause.start
    paragraph = document_text(article.doc).rfind("\n", 0, start) + 1
    phrases = [p for p in time_phrases(article) if fits_tense(article, p, clause.past)]
    same = [p for p in phrases if p.start < start and p.paragraph == paragraph]
    if same:
        return same[-1]
    if lead_time is not None and fits_tense(article, lead_time, clause.past):
        return lead_time
    reach = article.lead_end if start < article.lead_end else start
    lead = [phrase for phrase in phrases if phrase.start < min(reach, article.lead_end)]
    days = [phrase for phrase in lead if phrase.precision == "day"]
    return next(iter(days or lead), None)


def fits_tense(article: Article, phrase: TimePhrase, past: bool) -> bool:
    """Tell whether a past event may have happened on the phrase's date (not after publication)."""
    return not past or article.published is None or phrase.day <= article.published
