"""Whether an event happened, is planned, is possible, or did not happen."""

from __future__ import annotations

from spacy.tokens import Token

from newsflow.models import Modality

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


def governing_chain(verb: Token) -> list[Token]:
    """Return the verb and the control words above it ('plans' in 'plans to launch')."""
    chain = [verb]
    token = verb
    while token.dep_ in {"xcomp", "acomp"} and token.head is not token:
        token = token.head
        chain.append(token)
    return chain


def modality_of(verb: Token) -> Modality:
    """Return the modality of the event a verb expresses."""
    chain = governing_chain(verb)
    if any(is_negated(token) for token in chain) or is_reversed(verb):
        return "negated"
    if any(token.lemma_.lower() in NEGATING_HEADS for token in chain[1:]):
        return "negated"
    auxiliaries = {
        child.lower_ for token in chain for child in token.children if child.dep_ == "aux"
    }
    heads = {token.lemma_.lower() for token in chain[1:]} | _adjective_heads(chain)
    if auxiliaries & FUTURE_AUX or heads & PLANNING_HEADS:
        return "planned"
    if auxiliaries & POSSIBLE_AUX or heads & POSSIBLE_HEADS:
        return "possible"
    return "asserted"


def _adjective_heads(chain: list[Token]) -> set[str]:
    return {
        child.lemma_.lower()
        for token in chain
        for child in token.children
        if child.dep_ in {"acomp", "advmod"} and child.lemma_.lower() in POSSIBLE_HEADS
    }


def is_negated(token: Token) -> bool:
    """Tell whether a token carries a negation ('did not', 'never')."""
    return any(child.dep_ == "neg" or child.lower_ in {"never"} for child in token.children)


def is_reversed(verb: Token) -> bool:
    """Tell whether a conjoined later verb undoes this one ('imposed ..., but changed his mind')."""
    anchor = verb
    while anchor.dep_ == "xcomp":
        anchor = anchor.head
    return any(
        _undoes(child) for child in anchor.children if child.dep_ == "conj" and child.i > verb.i
    )


def _undoes(token: Token) -> bool:
    lemma = token.lemma_.lower()
    words = {child.lemma_.lower() for child in token.children}
    return any(lemma == verb and (not other or other in words) for verb, other in REVERSALS)
