"""CAMEO codes for event triggers: verb patterns and nominal events on a dependency parse."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

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


def verb_entry(verb: Token, lexicon: Lexicon) -> tuple[str, VerbEntry] | None:
    """Return the lexicon entry of a verb, preferring 'verb + particle/preposition' forms."""
    lemma = verb.lemma_.lower()
    if lemma not in lexicon.verb_heads:
        return None
    for child in verb.children:
        if child.dep_ in {"prt", "prep"} and child.i > verb.i:
            entry = lexicon.verbs.get(f"{lemma} {child.lower_}")
            if entry is not None:
                return f"{lemma} {child.lower_}", entry
    entry = lexicon.verbs.get(lemma)
    return (lemma, entry) if entry is not None else None


def context_words(trigger: Token) -> tuple[set[str], set[str]]:
    """Return the words of the trigger's own phrase before and after it (forms and lemmas)."""
    before: set[str] = set()
    after: set[str] = set()
    for child in trigger.children:
        passive_object = child.dep_ == "nsubjpass"
        if child.dep_ in CLAUSE_DEPS and not passive_object:
            continue
        for token in child.subtree:
            if abs(token.i - trigger.i) <= PATTERN_REACH:
                words = after if token.i > trigger.i or passive_object else before
                words.update((token.lower_, token.lemma_.lower()))
    return before, after


def slot_matches(slot: Slot, words: set[str]) -> bool:
    """Tell whether any alternative phrase of a slot has all its words present."""
    return any(all(word in words for word in phrase) for phrase in slot)


def pattern_matches(pattern: Pattern, before: set[str], after: set[str]) -> bool:
    """Tell whether all slots of a pattern are filled by the context words."""
    return all(slot_matches(slot, before) for slot in pattern.before) and all(
        slot_matches(slot, after) for slot in pattern.after
    )


def code_verb(verb: Token) -> Coding | None:
    """Return the coding of a verb, or None when it is not an event verb."""
    found = verb_entry(verb, load_lexicon())
    if found is None:
        return None
    _, entry = found
    before, after = context_words(verb)
    for pattern in entry.block.candidates(before | after):
        if pattern_matches(pattern, before, after):
            return Coding(pattern.code, pattern.reverse, matched=True)
    return object_coding(verb) or Coding(entry.code, entry.reverse, matched=False)


def object_coding(verb: Token) -> Coding | None:
    """Return the coding of a nominal event a light verb only carries ('issued an ultimatum')."""
    if verb.lemma_.lower() not in LIGHT_VERBS:
        return None
    for child in verb.children:
        if child.dep_ == "dobj":
            coding = code_noun(child)
            if coding is not None and coding.code is not None:
                return Coding(coding.code, coding.reverse, matched=True)
    return None


def code_noun(noun: Token) -> Coding | None:
    """Return the coding of a nominal event ('a meeting of ministers', 'airspace violations')."""
    entry = load_lexicon().nouns.get(noun.lemma_.lower())
    if entry is None:
        return None
    before, after = context_words(noun)
    for word, code in entry.get("with", {}).items():
        if word in before or word in after:
            return Coding(code, None, matched=True)
    return Coding(entry["code"], entry.get("reverse"), matched=False)
