"""Paragraphs whose entities are not kept: credits, banners, photo galleries and prose in
another language.

The boilerplate mask also takes short English lines for another language (line-ups, results
tables, datelines: `Dan`, `de`, `van`, `Men` are other languages' stop words), which is
harmless for events but loses the entities spaCy found there. Entities are dropped only
from credits and banners, and from paragraphs that read as prose in another language.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from analysis_worker.extraction.boilerplate import (
    BANNER_PATTERN,
    CREDIT_PATTERNS,
    MAX_BOILERPLATE_WORDS,
    BoilerplateMask,
    boilerplate_mask,
    foreign_stop_words,
    gallery_ranges,
)
from analysis_worker.extraction.document_cache import cached, document_text

MIN_FOREIGN_STOP_WORDS = 2
"""Stop words of other languages a paragraph of prose in another language has at least."""

CREDIT_OR_BANNER, FOREIGN_PROSE, FOREIGN_LINE = "credit or banner", "foreign prose", "line"
GALLERY = "photo gallery"
"""What a boilerplate paragraph is; only a foreign line keeps its entities."""

_WORD = re.compile(r"\b[^\W\d_]+(?:['’][^\W\d_]+)?")
"""A word (the boilerplate mask's), but not the letters after digits ('th' of '12th')."""


def entity_mask(doc: Doc) -> BoilerplateMask:
    """Return the ranges whose entities are not kept, computed once per document."""
    return cached(doc, "entity_mask", build_entity_mask)


def build_entity_mask(doc: Doc) -> BoilerplateMask:
    """Keep the boilerplate ranges but short lines taken for another language."""
    mask, text = boilerplate_mask(doc), document_text(doc)
    ranges = list(zip(mask.starts, mask.ends, strict=True))
    galleries = gallery_ranges(text)
    kinds = [
        GALLERY
        if any(s < end and start < e for s, e in galleries)
        else paragraph_kind(text[start:end])
        for start, end in ranges
    ]
    return BoilerplateMask(
        [
            span
            for index, span in enumerate(ranges)
            if kinds[index] != FOREIGN_LINE or next_to_prose(index, ranges, kinds, text)
        ]
    )


def paragraph_kind(paragraph: str) -> str:
    """Tell what a boilerplate paragraph is: a credit or banner, foreign prose, or a line."""
    words = _WORD.findall(paragraph)
    if len(words) <= MAX_BOILERPLATE_WORDS and (
        any(pattern.search(paragraph) for pattern in CREDIT_PATTERNS)
        or BANNER_PATTERN.search(paragraph)
    ):
        return CREDIT_OR_BANNER
    return FOREIGN_PROSE if is_foreign_prose(words) else FOREIGN_LINE


def is_foreign_prose(words: list[str]) -> bool:
    """Tell whether a foreign paragraph's words read as running text, not a list of names.

    Prose is mostly lower-case words, with several stop words; a line-up or results table is
    mostly capitalised names.
    """
    lowered = [word.casefold() for word in words if len(word) > 1]  # 's', 'e', 'U' of 'U.S.'
    foreign = sum(map(foreign_stop_words().__contains__, lowered))
    lower_case = sum(word[0].islower() for word in words)
    return foreign >= MIN_FOREIGN_STOP_WORDS and 2 * lower_case >= len(words)


def next_to_prose(index: int, ranges: list[tuple[int, int]], kinds: list[str], text: str) -> bool:
    """Tell whether a paragraph adjoins foreign prose (a notice's heading or button)."""
    return any(
        kinds[other] == FOREIGN_PROSE
        and adjoin(ranges[min(index, other)], ranges[max(index, other)], text)
        for other in (index - 1, index + 1)
        if 0 <= other < len(ranges)
    )


def adjoin(first: tuple[int, int], second: tuple[int, int], text: str) -> bool:
    """Tell whether only white space separates a range from the next one."""
    return not text[first[1] : second[0]].strip()
