"""How rare a word is in English at large: the story rule's IDF, from a fixed table.

An IDF counted over the store would change as articles arrive, so the grouping would depend on
their order; wordfreq's frequencies (many corpora, news among them) never change. A word's
Zipf value is log10 of its uses per billion words, so `ZIPF_CEILING` minus it is log10 of one
over its frequency: the IDF of a corpus where each word is a document.
"""

from __future__ import annotations

from functools import lru_cache

ZIPF_CEILING = 9.0
"""Zipf value of a word used once per word (none is): the IDF of an unknown word is 9."""

RARITY_POWER = 2.0
"""The IDF is raised to this power: common words shared by related stories weigh little."""

WORDS_REMEMBERED = 200_000
"""Words whose rarity a process keeps (a lookup costs ~10 us, a remembered one ~0.1 us)."""


@lru_cache(maxsize=WORDS_REMEMBERED)
def rarity(phrase: str) -> float:
    """Return how much a word (or phrase) weighs: its IDF in English at large, squared."""
    from wordfreq import zipf_frequency  # on first use: the API and ingest never group

    return float((ZIPF_CEILING - zipf_frequency(phrase, "en")) ** RARITY_POWER)


def load_table() -> None:
    """Load the frequency table now: a worker does at start, so its first job does not wait."""
    rarity("news")
