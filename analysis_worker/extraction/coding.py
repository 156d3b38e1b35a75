"""CAMEO codes for event triggers: verb patterns and nominal events on a dependency parse."""

from __future__ import annotations

from dataclasses import dataclass

from analysis_worker.extraction.columns import Columns, child_toward
from analysis_worker.extraction.lexicon import Lexicon, Pattern, Slot, VerbEntry, load_lexicon

CLAUSE_DEPS = frozenset(
    {
        "ccomp",
        "advcl",
        "conj",
        "cc",
        "parataxis",
        "relcl",
        "punct",
        "mark",
        "nsubj",
        "nsubjpass",
        "csubj",
        "aux",
        "auxpass",
        "neg",
        "xcomp",
        "acl",
    }
)
"""Dependents of a trigger that start another clause; their words do not select its code."""

LIGHT_VERBS = frozenset(
    {
        "issue",
        "make",
        "hold",
        "stage",
        "launch",
        "give",
        "express",
        "lodge",
        "deliver",
        "file",
        "conduct",
        "carry",
        "mount",
        "voice",
        "send",
        "organize",
        "organise",
        "undertake",
    }
)
"""Verbs whose object names the event they report ('lodged a protest', 'issued a warning')."""

PATTERN_REACH = 8
"""How many tokens after the trigger a pattern's words may lie (PETRARCH reads the verb phrase)."""


@dataclass(frozen=True)
class Coding:
    """The CAMEO code a trigger takes, and the code of the reversed dyad if any."""

    code: str | None
    reverse: str | None
    matched: bool


def verb_entry(columns: Columns, verb: int, lexicon: Lexicon) -> tuple[str, VerbEntry] | None:
    """Return the lexicon entry of a verb, preferring 'verb + particle/preposition' forms."""
    lemma = columns.lemma[verb]
    if lemma not in lexicon.verb_heads:
        return None
    for child in columns.children[verb]:
        if columns.dep[child] in {"prt", "prep"} and child > verb:
            entry = lexicon.verbs.get(f"{lemma} {columns.lower[child]}")
            if entry is not None:
                return f"{lemma} {columns.lower[child]}", entry
    entry = lexicon.verbs.get(lemma)
    return (lemma, entry) if entry is not None else None


Words = dict[str, int]
"""Words of a trigger's phrase (forms and lemmas) with their distance from the trigger."""


def context_words(columns: Columns, trigger: int) -> tuple[Words, Words]:
    """Return the words of the trigger's own phrase before and after it, with distances."""
    heads, deps, lower, lemma = columns.head, columns.dep, columns.lower, columns.lemma
    before: Words = {}
    after: Words = {}
    start = max(0, trigger - PATTERN_REACH)
    for index in range(start, min(len(heads), trigger + PATTERN_REACH + 1)):
        child = child_toward(heads, trigger, index)
        if child is None:
            continue
        dep = deps[child]
        if dep in CLAUSE_DEPS and dep != "nsubjpass":
            continue
        distance = abs(index - trigger)
        words = after if index > trigger or dep == "nsubjpass" else before
        for word in (lower[index], lemma[index]):
            if word not in words or distance < words[word]:
                words[word] = distance
    return before, after


def slot_distance(slot: Slot, words: Words) -> int | None:
    """Return how far the nearest complete alternative of a slot lies (None: absent)."""
    nearest = None
    for phrase in slot:
        if len(phrase) == 1:  # most alternatives are one word: no generators for them
            distance = words.get(phrase[0])
        elif all(word in words for word in phrase):
            distance = max(words[word] for word in phrase)
        else:
            continue
        if distance is not None and (nearest is None or distance < nearest):
            nearest = distance
    return nearest


def pattern_distance(pattern: Pattern, before: Words, after: Words) -> int | None:
    """Return how far the farthest slot of a matching pattern lies (None: no match)."""
    farthest = 0
    for slots, words in ((pattern.before, before), (pattern.after, after)):
        for slot in slots:
            distance = slot_distance(slot, words)
            if distance is None:  # one missing slot fails the pattern: skip the others
                return None
            farthest = max(farthest, distance)
    return farthest


def best_pattern(patterns: list[Pattern], before: Words, after: Words) -> Pattern | None:
    """Return the most specific matching pattern, the one nearest the trigger among equals."""
    best: tuple[int, int] | None = None
    found = None
    for pattern in patterns:  # most specific first: stop below the size of a match
        if best is not None and pattern.size < best[0]:
            break
        distance = pattern_distance(pattern, before, after)
        if distance is not None and (best is None or distance < best[1]):
            best, found = (pattern.size, distance), pattern
    return found


def code_verb(columns: Columns, verb: int) -> Coding | None:
    """Return the coding of a verb, or None when it is not an event verb."""
    found = verb_entry(columns, verb, load_lexicon())
    if found is None:
        return None
    _, entry = found
    if entry.block.patterns:  # a verb without patterns needs no context words
        before, after = context_words(columns, verb)
        candidates = entry.block.candidates(before.keys() | after.keys())
        pattern = best_pattern(candidates, before, after)
        if pattern is not None:
            return Coding(pattern.code, pattern.reverse, matched=True)
    return object_coding(columns, verb) or Coding(entry.code, entry.reverse, matched=False)


def object_coding(columns: Columns, verb: int) -> Coding | None:
    """Return the coding of a nominal event a light verb only carries ('issued an ultimatum')."""
    if columns.lemma[verb] not in LIGHT_VERBS:
        return None
    for child in columns.children[verb]:
        if columns.dep[child] == "dobj":
            coding = code_noun(columns, child)
            if coding is not None and coding.code is not None:
                return Coding(coding.code, coding.reverse, matched=True)
    return None


def code_noun(columns: Columns, noun: int) -> Coding | None:
    """Return the coding of a nominal event ('a meeting of ministers', 'airspace violations')."""
    entry = load_lexicon().nouns.get(columns.lemma[noun])
    if entry is None:
        return None
    qualifiers = entry.get("with", {})
    if qualifiers:  # most nominal triggers have no qualifying words to look for
        before, after = context_words(columns, noun)
        for word, code in qualifiers.items():
            if word in before or word in after:
                return Coding(code, None, matched=True)
    return Coding(entry["code"], entry.get("reverse"), matched=False)
