"""Paragraphs that are not the article: photo credits, cookie banners, other languages."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from importlib import import_module

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from analysis_worker.extraction.document_cache import cached, document_text

CREDIT_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\((?:[^()]*\b(?:photo|image|picture|credit|illustration)\b[^()]*)\)\s*$",
        r"^\s*(?:photo|image|picture|credit)s?\s*(?:by)?\s*:",
        r"/\s*(?:EPA|AFP|Reuters|AP|Getty Images|Shutterstock)\)?\s*$",
    )
)
"""A caption or credit line: '(Illustrative photo: Name / EPA)', 'Photo: ...'.

Three patterns rather than one alternation: each then starts with a literal or an anchor,
which the regex engine finds without trying every branch at every character.
"""

BANNER_PATTERN = re.compile(
    r"\b(?=[cpas])(?:cookies?|privacy (?:policy|settings|statement)|accept all|consent|"
    r"subscribe to our newsletter|sign up for our)\b",
    re.IGNORECASE,
)
"""Words of a cookie, consent or newsletter banner.

The lookahead (the first letters of the words, matching the same characters as they do
under IGNORECASE, 'ſ' included) spares the branches at most word starts.
"""

FOREIGN_LETTERS = re.compile(r"[åæøðþßãõąęłńśźżčřšžőű]", re.IGNORECASE)
"""Letters that English text almost never uses."""

OTHER_LANGUAGES = (
    "nb",
    "da",
    "sv",
    "fi",
    "de",
    "nl",
    "fr",
    "es",
    "it",
    "pt",
    "pl",
    "cs",
    "ro",
    "tr",
)
"""Languages (spaCy codes) whose stop words betray a paragraph that is not English."""

MAX_BOILERPLATE_WORDS = 60
"""Captions and banners are short; a long paragraph that names cookies is an article about them."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PARAGRAPH = re.compile(r"[^\n]+")


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of boilerplate paragraphs and photo galleries."""
    paragraphs = [
        (match.start(), match.end())
        for match in _PARAGRAPH.finditer(text)
        if is_boilerplate(match.group())
    ]
    return merged(sorted(paragraphs + gallery_ranges(text)))


GALLERY_COUNTER = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/])")
"""A photo gallery's counter before each caption ('3/19 Police officers walk ...')."""

MIN_GALLERY = 3
"""A gallery counts at least this many captions (one '3/4' is a score or a date)."""

_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s")


def gallery_ranges(text: str) -> list[tuple[int, int]]:
    """Return the range of each photo gallery: '1/N caption ... N/N caption' runs.

    A gallery starts after the last sentence end before its first counter (its title and
    'N show all') and ends at the first sentence end after its last counter.
    """
    if text.count("/") < MIN_GALLERY:  # most articles: no regex scan at all
        return []
    runs: dict[int, list[re.Match[str]]] = {}
    for match in GALLERY_COUNTER.finditer(text):
        number, total = int(match.group(1)), int(match.group(2))
        run = runs.setdefault(total, [])
        if number <= total and number == len(run) + 1:
            run.append(match)
    return [gallery_range(text, run) for run in runs.values() if len(run) >= MIN_GALLERY]


def gallery_range(text: str, run: list[re.Match[str]]) -> tuple[int, int]:
    """Return the character range a run of gallery counters covers."""
    before = [end.end() for end in _SENTENCE_END.finditer(text, 0, run[0].start())]
    after = _SENTENCE_END.search(text, run[-1].end())
    return (before[-1] if before else 0), (after.end() if after else len(text))


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return sorted ranges with overlapping ones joined."""
    joined: list[tuple[int, int]] = []
    for start, end in ranges:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def is_boilerplate(paragraph: str) -> bool:
    """Tell whether a paragraph is a credit, a banner or not in English."""
    words = _WORD.findall(paragraph)
    if not words:
        return False
    if len(words) <= MAX_BOILERPLATE_WORDS and (
        any(pattern.search(paragraph) for pattern in CREDIT_PATTERNS)
        or BANNER_PATTERN.search(paragraph)
    ):
        return True
    return is_foreign(words)


def is_foreign(words: list[str]) -> bool:
    """Tell whether words read as another language than English."""
    lowered = [word.casefold() for word in words if len(word) > 1]
    english = sum(map(STOP_WORDS.__contains__, lowered))
    foreign = sum(map(foreign_stop_words().__contains__, lowered))
    if english == 0 and FOREIGN_LETTERS.search(" ".join(words)):
        return True
    return foreign > english and (foreign >= 2 or english == 0)


@cache
def foreign_stop_words() -> frozenset[str]:
    """Return stop words of other languages that are not English words (loaded once)."""
    found: set[str] = set()
    for code in OTHER_LANGUAGES:
        found |= import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    return frozenset(found - STOP_WORDS)


class BoilerplateMask:
    """Answer 'is this offset boilerplate?' for one document, by binary search."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in ranges]
        self.ends = [end for _, end in ranges]

    def covers(self, offset: int) -> bool:
        """Tell whether the character offset lies in boilerplate."""
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def boilerplate_mask(doc: Doc) -> BoilerplateMask:
    """Return the document's boilerplate mask, computed once per document."""
    return cached(
        doc, "boilerplate", lambda doc: BoilerplateMask(boilerplate_ranges(document_text(doc)))
    )
