"""Resolve date expressions ('on Wednesday', 'in September', 'February 11') to calendar dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from spacy.tokens import Span

from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import span_text
from analysis_worker.extraction.mentions import sentence_mentions
from newsflow.core.models import DatePrecision

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


Resolved = tuple[date, DatePrecision]
"""A calendar date and how much of it the phrase gave."""

RELATIVE_SPANS: dict[str, DatePrecision] = {"month": "month", "year": "year"}
"""'last month/year' and its kin: the precision each unit leaves ('last week' names no day)."""

SHIFTS = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}
"""Words that move a unit ('last month') from the article's date."""

_YEAR = re.compile(r"(?<![\d-])(1[89]\d\d|20\d\d)(?![\d-])")
_AGO = re.compile(r"\b(\w+) (day|week|month|year)s? ago\b")
_COUNTS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def resolve_date(text: str, published: date, past: bool) -> date | None:
    """Return the date a date expression names, read from the article's date and tense."""
    resolved = read_date(text, published, past)
    return resolved[0] if resolved else None


def read_date(text: str, published: date, past: bool) -> Resolved | None:
    """Return the date and precision a phrase names; None when it names no date ('62')."""
    words = _WORD.findall(text.lower())
    for word in words:
        if word in RELATIVE_DAYS:
            return published + timedelta(days=RELATIVE_DAYS[word]), "day"
        if word in WEEKDAYS:
            return resolve_weekday(WEEKDAYS[word], published, past), "day"
    return resolve_calendar(text, published, past) or resolve_relative(text.lower(), published)


def resolve_relative(text: str, published: date) -> Resolved | None:
    """Return the date of 'last month', 'this year', 'two days ago' (None for anything else)."""
    ago = _AGO.search(text)
    count = ago and (int(ago.group(1)) if ago.group(1).isdigit() else _COUNTS.get(ago.group(1)))
    if ago and count and ago.group(2) == "day":
        return published - timedelta(days=count), "day"
    words = _WORD.findall(text)
    for shift, unit in zip(words, words[1:], strict=False):
        if shift in SHIFTS and unit in RELATIVE_SPANS:
            return shifted(published, SHIFTS[shift], unit), RELATIVE_SPANS[unit]
    return None


def shifted(published: date, shift: int, unit: str) -> date:
    """Return the first day of the month or year `shift` units from the article's date."""
    if unit == "month":
        month = published.month - 1 + shift
        return date(published.year + month // 12, month % 12 + 1, 1)
    return date(published.year + shift, 1, 1)


def resolve_weekday(weekday: int, published: date, past: bool) -> date:
    """Return the nearest such weekday before (past tense) or after the article's date."""
    if past:
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    return published + timedelta(days=(weekday - published.weekday()) % 7)


def resolve_calendar(text: str, published: date, past: bool) -> Resolved | None:
    """Return the date of an ISO date, 'February 11', '11 February', 'September 2025', '2016'."""
    iso = _ISO.search(text)
    if iso:
        return _day(_safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
    month_day = _MONTH_DAY.search(text)
    if month_day:
        month, day, year = month_day.groups()
        return _day(_in_year(MONTHS[month.lower()], int(day), year, published, past))
    day_month = _DAY_MONTH.search(text)
    if day_month:
        day, month, year = day_month.groups()
        return _day(_in_year(MONTHS[month.lower()], int(day), year, published, past))
    month_year = _MONTH_YEAR.search(text)
    if month_year and (month_year.group(2) or len(month_year.group(1)) > 3):
        month, year = month_year.groups()
        found = _in_year(MONTHS[month.lower()], 1, year, published, past)
        return (found, "month") if found else None
    year = _YEAR.search(text)
    return (date(int(year.group(1)), 1, 1), "year") if year else None


def _day(found: date | None) -> Resolved | None:
    return (found, "day") if found else None


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


REFERENCE_DAY = date(2000, 1, 1)
"""Stands in for a missing publication date, to tell a date phrase from a number."""

PAST_TAGS = frozenset({"VBD"})
"""Penn tags of a verb (or its auxiliary) in the past tense."""


def date_of(
    columns: Columns, trigger: int, sent: Span, published: date | None
) -> tuple[Resolved | None, str | None]:
    """Return the date of the trigger's own date expression, resolved, with its text.

    A phrase that names no date ('62', '108 years', '42-year-old') is no date phrase.
    """
    span = date_span(columns, trigger, sent)
    if span is None:
        return None, None
    text = span_text(span)
    resolved = read_date(text, published or REFERENCE_DAY, is_past(columns, trigger))
    if resolved is None:
        return None, None
    return (resolved if published else None), text


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
