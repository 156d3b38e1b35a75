"""Paragraphs that are not the article: photo credits, cookie banners, other languages."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

CREDIT_PATTERN = re.compile(
    r"\((?:[^()]*\b(?:photo|image|picture|credit|illustration)\b[^()]*)\)\s*$"
    r"|^\s*(?:photo|image|picture|credit)s?\s*(?:by)?\s*:"
    r"|/\s*(?:EPA|AFP|Reuters|AP|Getty Images|Shutterstock)\)?\s*$",
    re.IGNORECASE,
)
"""A caption or credit line: '(Illustrative photo: Name / EPA)', 'Photo: ...'."""

BANNER_PATTERN = re.compile(
    r"\b(?:cookies?|privacy (?:policy|settings|statement)|accept all|consent|"
    r"subscribe to our newsletter|sign up for our)\b",
    re.IGNORECASE,
)
"""Words of a cookie, consent or newsletter banner."""

FOREIGN_LETTERS = re.compile(r"[åæøðþßãõąęłńśźżčřšžőű]", re.IGNORECASE)
"""Letters that English text almost never uses."""

MIN_STOPWORD_SHARE = 0.15
"""English prose has a third or more stop words; below this share a paragraph is not English."""

MAX_BOILERPLATE_WORDS = 60
"""Captions and banners are short; a long paragraph that names cookies is an article about them."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PARAGRAPH = re.compile(r"[^\n]+")


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of the text's boilerplate paragraphs."""
    return [
        (match.start(), match.end())
        for match in _PARAGRAPH.finditer(text)
        if is_boilerplate(match.group())
    ]


def is_boilerplate(paragraph: str) -> bool:
    """Tell whether a paragraph is a credit, a banner or not in English."""
    words = _WORD.findall(paragraph)
    if not words:
        return False
    if len(words) <= MAX_BOILERPLATE_WORDS and (
        CREDIT_PATTERN.search(paragraph) or BANNER_PATTERN.search(paragraph)
    ):
        return True
    return is_foreign(words)


def is_foreign(words: list[str]) -> bool:
    """Tell whether words read as another language than English."""
    if any(FOREIGN_LETTERS.search(word) for word in words):
        return stopword_share(words) < MIN_STOPWORD_SHARE * 2
    return len(words) >= 4 and stopword_share(words) < MIN_STOPWORD_SHARE


def stopword_share(words: list[str]) -> float:
    """Return the share of English stop words among words."""
    return sum(word.casefold() in STOP_WORDS for word in words) / len(words)


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
    mask = doc.user_data.get("newsflow_boilerplate")
    if mask is None:
        mask = BoilerplateMask(boilerplate_ranges(doc.text))
        doc.user_data["newsflow_boilerplate"] = mask
    return mask
