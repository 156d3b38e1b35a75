"""When the main happening took place, as the lead says it: a day first, a clock time, a year last."""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Span

from analysis_worker.extraction.article import Article
from analysis_worker.extraction.dates import REFERENCE_DAY, Resolved, is_past, read_date
from analysis_worker.extraction.document_cache import document_text
from analysis_worker.extraction.mentions import sentence_mentions
from analysis_worker.extraction.timeline import bounds, clause_verb
from newsflow.core.models import Phrase

TIME_PREPS = frozenset({"on", "at", "in", "during", "around", "about", "overnight", "early"})
"""Prepositions that introduce when something happened; the phrase keeps them ('at around 6am')."""

_CLOCK = re.compile(r"\d\s*(?:[ap]\.?m\b|:\d\d|\.\d\d\s*[ap])|\b(?:midnight|noon|dawn)\b", re.I)
_DAY_PART = re.compile(r"\b(?:morning|afternoon|evening|night|overnight|early hours)\b", re.I)
_WEEK = re.compile(r"\b(?:this|last|next|coming|past) week(?:end)?\b", re.I)
_RELATIVE = re.compile(r"\b\w+ (?:days?|weeks?|months?|years?|hours?) (?:before|after|ago)\b")

RANKS = {"day": 0, "clock": 1, "day part": 2, "month": 3, "year": 4}
"""'day part' also ranks a week ('this week'): vaguer than a day, finer than a month."""
"""Which time phrase names the happening best: its day, its hour, then its month or year."""


def time_phrase(article: Article, sentences: list[Span], main: Span | None) -> Phrase | None:
    """Return the best time phrase of the main sentence, else of the first sentences."""
    ordered = ([main] if main is not None else []) + [s for s in sentences if s != main]
    found = [
        (rank, order, ent)
        for order, sent in enumerate(ordered)
        for rank, ent in ranked(article, sent)
    ]
    if not found:
        return None
    rank, _, ent = min(found, key=lambda item: (item[0] > RANKS["clock"], item[1], item[0]))
    return time_span(article, ent)


def ranked(article: Article, sent: Span) -> list[tuple[int, Span]]:
    """Return the sentence's time phrases with their rank (lower names the happening better)."""
    found = []
    for ent in sentence_mentions(sent):
        if ent.label_ in {"DATE", "TIME"} and not bounds(article.columns, ent.start):
            kind = time_kind(article, ent)
            if kind is not None:
                found.append((RANKS[kind], ent))
    return found


def time_kind(article: Article, ent: Span) -> str | None:
    """Return what a phrase names: a day, a clock time, a month or a year (None: no time)."""
    text = document_text(article.doc)[ent.start_char : ent.end_char]
    if ent.label_ == "TIME":
        return clock_kind(article, text)
    if _RELATIVE.search(text) or is_anchored(article, ent, text):
        return "day"
    if _WEEK.search(text):
        return "day part"
    resolved = read_date(text, article.published or REFERENCE_DAY, True)
    return resolved[1] if resolved else None


def clock_kind(article: Article, text: str) -> str | None:
    """Return what a time of day names: an hour, also its day ('Sunday night'), a day part."""
    if _CLOCK.search(text):
        return "clock"
    if names_day(article, text):
        return "day"
    return "day part" if _DAY_PART.search(text) else None


def names_day(article: Article, text: str) -> bool:
    """Tell whether a time of day names its day too ('Sunday night', 'tonight')."""
    resolved = read_date(text, article.published or REFERENCE_DAY, True)
    return resolved is not None and resolved[1] == "day"


def is_anchored(article: Article, ent: Span, text: str) -> bool:
    """Tell whether a few days or hours are counted from another happening ('two days before
    the election'); years after something tell how long, not when ('108 years after')."""
    anchor = ent.end
    return (
        anchor < len(article.doc)
        and article.columns.lower[anchor] in RELATIVE_PREPS
        and _SHORT_SPAN.search(text) is not None
    )


RELATIVE_PREPS = frozenset({"before", "after"})
"""Words that anchor a span of time to another happening ('two days before the vote')."""

_SHORT_SPAN = re.compile(r"\b(?:days?|hours?|weeks?)$", re.I)


def time_span(article: Article, ent: Span) -> Phrase:
    """Return the time phrase with its preposition, modifiers and an adjoining clock time or
    day ('at around 6am', 'at 6.10am on Wednesday')."""
    columns = article.columns
    start, end = ent.start, ent.end
    for other in sentence_mentions(article.doc[ent.sent.start : ent.sent.end]):
        if other.label_ not in {"DATE", "TIME"} or time_kind(article, other) is None:
            continue
        if 0 < other.start - end <= ADJOINING:
            end = other.end
        elif 0 < start - other.end <= ADJOINING:
            start = other.start
    if end == ent.end and is_anchored(article, ent, ent.text):
        end = max(columns.subtree(end)) + 1
    while end > start + 1 and columns.pos[end - 1] == "SPACE":
        end -= 1
    head = columns.head[ent.root.i]
    if columns.dep[ent.root.i] == "pobj" and columns.lower[head] in TIME_PREPS and head < start:
        start = min(start, *columns.subtree(head))
    span = article.doc[start:end]
    return Phrase(text=span.text, start=span.start_char, end=span.end_char)


ADJOINING = 2
"""How many tokens may part a clock time from its day ('6.10am on Wednesday')."""


def when_date(article: Article, when: Phrase | None) -> date | None:
    """Return the calendar date of the summary's time phrase, if it names one."""
    resolved = when_resolved(article, when)
    return resolved[0] if resolved else None


def is_clock_time(text: str) -> bool:
    """Tell whether a time phrase names an hour ('at around 6am', 'at midnight')."""
    return _CLOCK.search(text) is not None


def when_resolved(article: Article, when: Phrase | None) -> Resolved | None:
    """Return the date and precision the summary's time phrase names, if any."""
    if when is None or article.published is None:
        return None
    span = article.doc.char_span(when.start, when.end, alignment_mode="expand")
    columns = article.columns
    past = is_past(columns, clause_verb(columns, span.root.i)) if span is not None else True
    return read_date(when.text, article.published, past)
