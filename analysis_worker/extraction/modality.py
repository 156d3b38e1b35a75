"""Whether an event happened, is planned, is possible, or did not happen."""

from __future__ import annotations

from analysis_worker.extraction.columns import Columns
from newsflow.core.models import Modality

PLANNING_HEADS = frozenset(
    {
        "plan",
        "intend",
        "aim",
        "prepare",
        "schedule",
        "expect",
        "want",
        "seek",
        "propose",
        "pledge",
        "promise",
        "vow",
        "decide",
        "set",
        "agree",
        "hope",
        "try",
        "attempt",
        "wish",
        "move",
        "threaten",
        "offer",
        "ready",
        "due",
        "poised",
        "going",
    }
)
"""Words that put the verb they govern in the future ('plans to launch', 'is set to meet')."""

POSSIBLE_HEADS = frozenset(
    {"likely", "unlikely", "possible", "may", "might", "could", "can", "consider"}
)
"""Words that make the verb they govern only possible ('is likely to urge')."""

NEGATING_HEADS = frozenset(
    {"refuse", "fail", "deny", "decline", "reject", "stop", "cancel", "abandon"}
)
"""Words that say the verb they govern did not or will not happen."""

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "would"})
"""Auxiliaries of the future tense ('wo' is spaCy's token for won't)."""

POSSIBLE_AUX = frozenset({"could", "might", "may", "can", "should"})
"""Modal auxiliaries of possibility."""


REVERSALS = (
    ("change", "mind"),
    ("reverse", ""),
    ("backtrack", ""),
    ("back", "down"),
    ("retract", ""),
)
"""Later verbs that undo an earlier one in the same sentence ('... but changed his mind')."""


def governing_chain(columns: Columns, verb: int) -> list[int]:
    """Return the verb and the control words above it ('plans' in 'plans to launch')."""
    chain = [verb]
    token = verb
    while columns.dep[token] in {"xcomp", "acomp"} and columns.head[token] != token:
        token = columns.head[token]
        chain.append(token)
    return chain


def modality_of(columns: Columns, verb: int) -> Modality:
    """Return the modality of the event a verb expresses."""
    chain = governing_chain(columns, verb)
    lemma = columns.lemma
    if any(is_negated(columns, token) for token in chain) or is_reversed(columns, verb):
        return "negated"
    if any(lemma[token] in NEGATING_HEADS for token in chain[1:]):
        return "negated"
    auxiliaries = {
        columns.lower[child]
        for token in chain
        for child in columns.children[token]
        if columns.dep[child] == "aux"
    }
    heads = {lemma[token] for token in chain[1:]} | _adjective_heads(columns, chain)
    if auxiliaries & FUTURE_AUX or heads & PLANNING_HEADS:
        return "planned"
    if auxiliaries & POSSIBLE_AUX or heads & POSSIBLE_HEADS:
        return "possible"
    return "asserted"


def _adjective_heads(columns: Columns, chain: list[int]) -> set[str]:
    return {
        columns.lemma[child]
        for token in chain
        for child in columns.children[token]
        if columns.dep[child] in {"acomp", "advmod"} and columns.lemma[child] in POSSIBLE_HEADS
    }


def is_negated(columns: Columns, token: int) -> bool:
    """Tell whether a token carries a negation ('did not', 'never')."""
    return any(
        columns.dep[child] == "neg" or columns.lower[child] in {"never"}
        for child in columns.children[token]
    )


def is_reversed(columns: Columns, verb: int) -> bool:
    """Tell whether a conjoined later verb undoes this one ('imposed ..., but changed his mind')."""
    anchor = verb
    while columns.dep[anchor] == "xcomp":
        anchor = columns.head[anchor]
    return any(
        _undoes(columns, child)
        for child in columns.children[anchor]
        if columns.dep[child] == "conj" and child > verb
    )


def _undoes(columns: Columns, token: int) -> bool:
    lemma = columns.lemma[token]
    words = {columns.lemma[child] for child in columns.children[token]}
    return any(lemma == verb and (not other or other in words) for verb, other in REVERSALS)
