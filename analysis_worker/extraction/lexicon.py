"""The package data the extractors read: verb patterns, actors, agents, CAMEO codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DATA_PACKAGE = "analysis_worker.extraction"
"""Package whose data/ folder holds the derived lexicons (see data/README.md)."""


Slot = tuple[tuple[str, ...], ...]
"""Alternative phrases (each a tuple of words, all required) that fill one pattern slot."""


@dataclass(frozen=True)
class Pattern:
    """Words around a verb that select a CAMEO code (None: the phrase is not an event)."""

    before: tuple[Slot, ...]
    after: tuple[Slot, ...]
    code: str | None
    reverse: str | None

    @property
    def size(self) -> int:
        """Return how many word slots the pattern needs (more is more specific)."""
        return len(self.before) + len(self.after)

    @property
    def anchors(self) -> set[str]:
        """Return words of which at least one must be present for the pattern to match."""
        slot = (self.after or self.before)[0]
        return {phrase[0] for phrase in slot if phrase}


@dataclass(frozen=True)
class PatternBlock:
    """A block's patterns, most specific first, indexed by their anchor words."""

    patterns: tuple[Pattern, ...]
    by_anchor: dict[str, tuple[int, ...]]

    def candidates(self, words: set[str]) -> list[Pattern]:
        """Return the patterns that may match these words, most specific first."""
        anchors = self.by_anchor
        positions = {index for word in words & anchors.keys() for index in anchors[word]}
        return [self.patterns[index] for index in sorted(positions)]


@dataclass(frozen=True)
class VerbEntry:
    """A verb (or verb plus particle) with its default code and its block's patterns."""

    code: str | None
    reverse: str | None
    block: PatternBlock


@dataclass(frozen=True)
class CameoCode:
    """One row of the CAMEO code table."""

    code: str
    name: str
    root: str
    quad: int
    goldstein: float
    plover: str | None


@dataclass(frozen=True)
class Lexicon:
    """Everything the coder looks up, loaded once per process."""

    verbs: dict[str, VerbEntry]
    verb_heads: frozenset[str]
    actors: dict[str, list[tuple[str, int, int]]]
    agents: dict[str, str]
    nouns: dict[str, dict[str, Any]]
    aliases: dict[str, dict[str, str]]
    canonical: dict[str, str]
    cameo: dict[str, CameoCode]
    longest_actor: int
    longest_agent: int


def read_data(name: str) -> Any:
    """Read one JSON file of the package data."""
    path = resources.files(DATA_PACKAGE).joinpath("data", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def load_lexicon() -> Lexicon:
    """Load and index the package data (once per process)."""
    actors = {
        name: [(str(code), int(start), int(end)) for code, start, end in periods]
        for name, periods in read_data("actors").items()
    }
    agents: dict[str, str] = read_data("agents")
    verbs = build_verbs(read_data("verbs"), read_data("blocks"))
    return Lexicon(
        verbs=verbs,
        verb_heads=frozenset(verb.split()[0] for verb in verbs),
        actors=actors,
        agents=agents,
        nouns=read_data("nouns"),
        aliases=read_data("aliases"),
        canonical=read_data("canonical"),
        cameo={code: CameoCode(code=code, **row) for code, row in read_data("cameo").items()},
        longest_actor=max(len(name.split()) for name in actors),
        longest_agent=max(len(name.split()) for name in agents),
    )


def build_verbs(verbs: dict[str, Any], blocks: dict[str, Any]) -> dict[str, VerbEntry]:
    """Attach each verb's block of patterns (shared by the verbs of a block)."""
    built = {name: to_block(to_patterns(rows)) for name, rows in blocks.items()}
    empty = to_block(())
    return {
        verb: VerbEntry(row["code"], row["reverse"], built.get(row["block"], empty))
        for verb, row in verbs.items()
    }


def to_block(patterns: tuple[Pattern, ...]) -> PatternBlock:
    """Index patterns by their anchor words."""
    by_anchor: dict[str, list[int]] = {}
    for index, pattern in enumerate(patterns):
        for word in pattern.anchors:
            by_anchor.setdefault(word, []).append(index)
    return PatternBlock(patterns, {word: tuple(found) for word, found in by_anchor.items()})


def to_patterns(rows: list[dict[str, Any]]) -> tuple[Pattern, ...]:
    """Build patterns from their JSON rows, sorted most specific first (stable)."""
    built = [
        Pattern(
            before=tuple(to_slot(slot) for slot in row["before"]),
            after=tuple(to_slot(slot) for slot in row["after"]),
            code=row["code"],
            reverse=row["reverse"],
        )
        for row in rows
        if row["before"] or row["after"]
    ]
    return tuple(sorted(built, key=lambda pattern: -pattern.size))


def to_slot(phrases: list[str]) -> Slot:
    """Split a slot's alternative phrases into words."""
    return tuple(tuple(phrase.split()) for phrase in phrases)
