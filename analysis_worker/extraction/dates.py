"""Resolve date expressions ('on Wednesday', 'in September', 'February 11') to calendar dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from spacy.tokens import Span

from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import span_text
from analysis_worker.extraction.mentions import sentence_mentions

WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
"""Weekday names to Python's weekday numbers (Monday is 0)."""

MONTHS = {
    **{name.lower(): index for index, name in enumerate(calendar.month_name) if name},
    **{name.lower(): index for index, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
"""Month names and abbreviations to month numbers."""

RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
"""Words that name a day relative to the article's date."""

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_DAY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:\s+(\d{4}))?", re.IGNORECASE
)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"(?:\s+(\d{4}))?\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD = re.compile(r"[a-z]+")


def resolve_date(text: str, published: date, past: bool) -> date | None:
    """Return the date a date expression names, read from the article's date and tense."""
    words = _WORD.findall(text.lower())
    for word in words:
        if word in RELATIVE_DAYS:
            return published + timedelta(days=RELATIVE_DAYS[word])
        if word in WEEKDAYS:
            return resolve_weekday(WEEKDAYS[word], published, past)
    return resolve_calendar(text, published, past)


def resolve_weekday(weekday: int, published: date, past: bool) -> date:
    """Return the nearest such weekday before (past tense) or after the article's date."""
    if past:
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    return published + timedelta(days=(weekday - published.weekday()) % 7)


def resolve_calendar(text: str, published: date, past: bool) -> date | None:
    """Return the date of an ISO date, 'February 11', '11 February' or 'September 2025'."""
    iso = _ISO.search(text)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    month_day = _MONTH_DAY.search(text)
    if month_day:
        month, day, year = month_day.groups()
        return _in_year(MONTHS[month.lower()], int(day), year, published, past)
    day_month = _DAY_MONTH.search(text)
    if day_month:
        day, month, year = day_month.groups()
        return _in_year(MONTHS[month.lower()], int(day), year, published, past)
    month_year = _MONTH_YEAR.search(text)
    if month_year and (month_year.group(2) or len(month_year.group(1)) > 3):
        month, year = month_year.groups()
        return _in_year(MONTHS[month.lower()], 1, year, published, past)
    return None


def _in_year(month: int, day: int, year: str | None, published: date, past: bool) -> date | None:
    if year:
        return _safe_date(int(year), month, day)
    found = _safe_date(published.year, month, day)
    if found is None:
        return None
    if past and found > published + timedelta(days=1) and month > published.month:
        return _safe_date(published.year - 1, month, day)
    if not past and found < published - timedelta(days=60):
        return _safe_date(published.year + 1, month, day)
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


PAST_TAGS = frozenset({"VBD"})
"""Penn tags of a verb (or its auxiliary) in the past tense."""


def date_of(
    columns: Columns, trigger: int, sent: Span, published: date | None
) -> tuple[date | None, str | None]:
    """Return the date of the trigger's own date expression, resolved, with its text."""
    span = date_span(columns, trigger, sent)
    if span is None:
        return None, None
    text = span_text(span)
    if published is None:
        return None, text
    return resolve_date(text, published, is_past(columns, trigger)), text


def date_span(columns: Columns, trigger: int, sent: Span) -> Span | None:
    """Return the DATE entity that depends on the trigger (or on its governing verb)."""
    anchors = [trigger, columns.head[trigger]] if columns.pos[trigger] == "NOUN" else [trigger]
    for anchor in anchors:
        for ent in sentence_mentions(sent):
            if ent.label_ == "DATE" and _depends_on(columns, ent.root.i, anchor):
                return ent
    return None


CLAUSE_BOUNDARIES = frozenset({"ccomp", "advcl", "relcl", "conj", "ROOT"})
"""Dependencies a date phrase may not cross on its way up to the trigger."""


def _depends_on(columns: Columns, token: int, anchor: int) -> bool:
    """Tell whether a token hangs from the anchor without crossing a clause boundary."""
    while token != anchor:
        head = columns.head[token]
        if columns.dep[token] in CLAUSE_BOUNDARIES or head == token:
            return False
        token = head
    return True


def is_past(columns: Columns, trigger: int) -> bool:
    """Tell whether the trigger's clause is in the past tense."""
    verb = trigger if columns.pos[trigger] in {"VERB", "AUX"} else columns.head[trigger]
    tags = {
        columns.tag[verb],
        *(
            columns.tag[child]
            for child in columns.children[verb]
            if columns.dep[child] in {"aux", "auxpass"}
        ),
    }
    return bool(tags & PAST_TAGS) or (columns.tag[verb] == "VBN" and "VBZ" not in tags)
