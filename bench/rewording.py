"""Copies that differ in their words: topical words of an article swapped for others of their kind.

The benchmark's bases are built from three seed articles, so their events share 16 sentences:
without this, one word of `q=` matches a fifth of the store. Each copy swaps the topical words
of its text (weapons, places of incursion, kinds of aid, trade measures...) for one of several
words of the same kind, picked per copy, and moves every offset of its analysis with them, so
the analysis stays that of the copy's text: the swaps are common nouns and modifiers outside
the named entities and the event triggers (the codes' words); inside an actor's phrase they
swap a word for one of the same kind ('Russian fighter jets' -> 'Russian warplanes'), which
keeps its actor code.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

WORD_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("drones", "missiles", "warships", "bombers", "helicopters", "submarines", "rockets",
     "patrol boats", "frigates", "gunboats", "cruise missiles", "artillery shells"),
    ("drone", "missile", "naval", "coastal", "cyber", "rocket", "border", "space"),
    ("airspace", "waters", "borders", "territory", "coastline", "skies", "sea lanes", "frontier"),
    ("jets", "aircraft", "warplanes", "interceptors", "planes", "squadrons"),
    ("deterrence", "readiness", "resilience", "surveillance", "reconnaissance", "coordination",
     "cooperation", "mobilisation"),
    ("ministers", "officials", "envoys", "chiefs", "delegates", "diplomats"),
    ("violations", "incursions", "intrusions", "breaches", "provocations", "overflights"),
    ("kamikaze", "attack", "armed", "surveillance", "long-range", "unmanned"),
    ("tariffs", "sanctions", "export controls", "quotas", "levies", "duties", "embargoes"),
    ("troops", "soldiers", "forces", "marines", "engineers", "paratroopers", "peacekeepers"),
    ("ammunition", "artillery", "shells", "air defence systems", "howitzers"),
    ("weapons", "equipment", "vehicles", "radars", "tanks", "generators"),
    ("military aid", "humanitarian aid", "financial aid", "weapons deliveries",
     "reconstruction aid"),
    ("frontline", "humanitarian", "energy", "border", "supply"),
    ("sovereignty", "fisheries", "minerals", "shipping lanes", "rare earths", "pipelines"),
    ("mission", "operation", "patrol", "deployment", "task force"),
    ("security", "stability", "energy security", "shipping", "climate"),
)  # fmt: skip
"""Words of the same kind, the seeds' word first: a copy uses one of each family."""

WORD_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(sorted((re.escape(f[0]) for f in WORD_FAMILIES), key=len, reverse=True))
    + r")\b"
)
"""The seeds' topical words (lower case, whole words: 'Minister' in a title stays)."""

FAMILY_OF = {family[0]: family for family in WORD_FAMILIES}

KEEP_VERB = re.compile(r"(?:are|were|is) $")
"""A swapped word after these is a verb ('are meeting') and stays."""


@dataclass(frozen=True)
class Swap:
    """One word replaced: its span in the base text and its replacement."""

    start: int
    end: int
    word: str


def pick(family: tuple[str, ...], number: int) -> str:
    """Return the word of a family that copy `number` uses."""
    # blake2b, not crc32: a CRC of texts that differ only in the family is correlated.
    digest = hashlib.blake2b(f"{family[0]}|{number}".encode(), digest_size=8).digest()
    return family[int.from_bytes(digest) % len(family)]


def swaps(text: str, kept: list[tuple[int, int]], number: int) -> list[Swap]:
    """Return the swaps of a base text for copy `number`, outside the kept spans."""
    found = []
    for match in WORD_PATTERN.finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in kept):
            continue
        word = pick(FAMILY_OF[match.group()], number)
        if word != match.group():
            found.append(Swap(start, end, word))
    return found


@dataclass(frozen=True)
class Rewording:
    """A base text with its swaps applied, and the map of its offsets."""

    text: str
    ends: list[int]
    shifts: list[int]

    @classmethod
    def of(cls, text: str, found: list[Swap]) -> Rewording:
        """Apply swaps (in text order) to a text."""
        parts, ends, shifts, at, shift = [], [], [], 0, 0
        for swap in found:
            parts += [text[at : swap.start], swap.word]
            shift += len(swap.word) - (swap.end - swap.start)
            ends.append(swap.end)
            shifts.append(shift)
            at = swap.end
        parts.append(text[at:])
        return cls("".join(parts), ends, shifts)

    def offset(self, old: int) -> int:
        """Return where a base offset is in the reworded text (offsets inside a swap: its end)."""
        before = bisect.bisect_right(self.ends, old)
        return old + (self.shifts[before - 1] if before else 0)


def kept_spans(analysis: dict[str, Any]) -> list[tuple[int, int]]:
    """Return the spans whose words the analysis keys on: named entities and event triggers."""
    spans = [(e["start"], e["end"]) for e in analysis["entities"]]
    spans += [(e["trigger"]["start"], e["trigger"]["end"]) for e in analysis["events"]]
    return spans


def reword(text: str, analysis: dict[str, Any], number: int) -> tuple[str, dict[str, Any]]:
    """Return a base's text and analysis (plain data) with copy `number`'s words swapped."""
    rewording = Rewording.of(text, swaps(text, kept_spans(analysis), number))
    if not rewording.ends:
        return text, analysis
    events = [_event(event, text, rewording) for event in analysis["events"]]
    entities = [_span(entity, rewording) for entity in analysis["entities"]]
    changed = analysis | {"entities": entities, "events": events}
    if analysis.get("summary"):
        summary = dict(analysis["summary"])
        for part in ("who", "what", "where", "when"):
            if summary.get(part):
                summary[part] = _span(summary[part], rewording)
        changed["summary"] = summary
    return rewording.text, changed


def _span(part: dict[str, Any], rewording: Rewording) -> dict[str, Any]:
    start, end = rewording.offset(part["start"]), rewording.offset(part["end"])
    return part | {"start": start, "end": end, "text": rewording.text[start:end]}


def _event(event: dict[str, Any], text: str, rewording: Rewording) -> dict[str, Any]:
    changed = dict(event)
    for role in ("source", "target", "attributed_to", "trigger"):
        if event.get(role):
            changed[role] = _span(event[role], rewording) | _kept(event[role], ("lemma",))
    sentence = _sentence(text, event["sentence_text"], event["trigger"]["start"], rewording)
    changed["sentence_text"] = sentence
    changed["mentions"] = [
        m
        | {"start": rewording.offset(m["start"]), "end": rewording.offset(m["end"])}
        | {"text": _sentence(text, m["text"], m["start"], rewording)}
        for m in event.get("mentions", [])
    ]
    return changed


def _kept(part: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: part[name] for name in names if name in part}


def _sentence(text: str, sentence: str, inside: int, rewording: Rewording) -> str:
    """Return the reworded form of the sentence of the base text that holds offset `inside`."""
    start = text.find(sentence)
    while start >= 0 and not start <= inside <= start + len(sentence):
        start = text.find(sentence, start + 1)
    if start < 0:
        return sentence
    return rewording.text[rewording.offset(start) : rewording.offset(start + len(sentence))]
