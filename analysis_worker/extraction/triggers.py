"""Which words trigger an event of their own: coded verbs and nouns, minus their helpers."""

from __future__ import annotations

from bisect import bisect_left

from spacy.symbols import NOUN, VERB
from spacy.tokens import Doc, Span, Token

from analysis_worker.extraction.arguments import ALLEGING_VERBS, REPORTING_VERBS
from analysis_worker.extraction.coding import Coding, code_noun, code_verb
from analysis_worker.extraction.columns import columns_of
from analysis_worker.extraction.document_cache import cached
from analysis_worker.extraction.intents import (
    INTENT_VERBS,
    REFUSING_VERBS,
    THREAT_VERBS,
    WISH_VERBS,
    is_wish_on_other,
)
from analysis_worker.extraction.lexicon import load_lexicon

OBLIGATION_AUX = frozenset({"must", "should"})
"""Modals that make a reported clause a demand ('X said China must drop barriers')."""

DEMAND_ROOTS = frozenset({"02", "08", "10", "17"})
"""Roots of appeals, permissions, demands and coercion: the clause they govern is not done."""

STANDALONE = INTENT_VERBS | THREAT_VERBS | REFUSING_VERBS
"""Control verbs that are events themselves when the verb they govern is not ('refused to')."""

SPECULATIVE_AUX = frozenset({"might", "may", "could"})
"""Modals that make a wish the writer's guess, not an appeal anyone made ('might want')."""

LATER_MARKS = frozenset({"before", "until"})
"""Conjunctions whose present-tense clause is still to come ('a day before X heads to Y')."""

PRESENT_TAGS = frozenset({"VBZ", "VBP"})
"""Tags of present-tense verbs."""

DEMAND = Coding("100", None, matched=True)
"""The coding of a reported obligation: a demand."""


def code_trigger(token: Token) -> Coding | None:
    """Return the coding of a verb or nominal trigger that names an event."""
    if token.pos == VERB:
        if token.lemma_.lower() in REPORTING_VERBS:
            return DEMAND if reports_obligation(token) else None
        coding = code_verb(token)
    elif token.pos == NOUN:
        coding = code_noun(token)
    else:
        return None
    if coding is None or (coding.code is None and coding.reverse is None):
        return None
    return coding


def trigger_candidates(sent: Span) -> list[Token]:
    """Return the sentence's tokens that may be triggers: coded verbs and nouns by lemma."""
    doc = sent.doc
    candidates = cached(doc, "trigger_candidates", find_candidates)
    first, stop = bisect_left(candidates, sent.start), bisect_left(candidates, sent.end)
    return [doc[index] for index in candidates[first:stop]]


def find_candidates(doc: Doc) -> list[int]:
    """Return the indices of the document's verbs and nouns whose lemma the lexicon codes."""
    columns = columns_of(doc)
    lexicon = load_lexicon()
    verbs = lexicon.verb_heads | REPORTING_VERBS
    return [
        index
        for index, (pos, lemma) in enumerate(zip(columns.pos, columns.lemma, strict=True))
        if (pos == VERB and lemma in verbs) or (pos == NOUN and lemma in lexicon.nouns)
    ]


def reports_obligation(verb: Token) -> bool:
    """Tell whether a reporting verb reports what someone must do."""
    return any(
        aux.dep_ == "aux" and aux.lower_ in OBLIGATION_AUX
        for clause in verb.children
        if clause.dep_ == "ccomp"
        for aux in clause.children
    )


def is_own_event(trigger: Token, codings: dict[int, Coding]) -> bool:
    """Drop control verbs, demanded clauses and nouns their verb already codes."""
    return not (
        trigger.lower_ == "according"
        or is_control_verb(trigger, codings)
        or is_controlled(trigger, codings)
        or is_demanded(trigger, codings)
        or is_alleged(trigger)
        or is_speculative_wish(trigger)
        or is_yet_to_come(trigger)
        or (trigger.pos_ == "NOUN" and trigger.dep_ == "dobj" and trigger.head.i in codings)
    )


def is_speculative_wish(trigger: Token) -> bool:
    """Tell whether a wish is only guessed at ('X might want Y to leave')."""
    return trigger.lemma_.lower() in WISH_VERBS and any(
        child.dep_ == "aux" and child.lower_ in SPECULATIVE_AUX for child in trigger.children
    )


def is_yet_to_come(trigger: Token) -> bool:
    """Tell whether the verb names what will happen later, which nobody has done or pledged."""
    return trigger.tag_ in PRESENT_TAGS and any(
        child.dep_ == "mark" and child.lower_ in LATER_MARKS for child in trigger.children
    )


def has_object(token: Token) -> bool:
    """Tell whether a verb has a direct object."""
    return any(child.dep_ == "dobj" for child in token.children)


def is_control_verb(trigger: Token, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb only governs another ('plans to launch'), unless it has an object."""
    xcomps = [child for child in trigger.children if child.dep_ == "xcomp"]
    if not xcomps or has_object(trigger):
        return False
    return any(child.i in codings for child in xcomps) or trigger.lemma_.lower() not in STANDALONE


def is_controlled(trigger: Token, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb is what a coded verb asks of its object ('asks Obama to help')."""
    return trigger.dep_ == "xcomp" and trigger.head.i in codings and has_object(trigger.head)


def is_demanded(trigger: Token, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb is what a demand asks or an allegation claims ('demanded that')."""
    while trigger.dep_ == "conj" and trigger.head is not trigger:
        trigger = trigger.head
    head = trigger.head
    if head.i not in codings or not is_complement(trigger):
        return False
    if head.lemma_.lower() in WISH_VERBS:
        return is_wish_on_other(head)
    if head.lemma_.lower() in ALLEGING_VERBS:
        return trigger.dep_ == "ccomp"
    return (codings[head.i].code or "")[:2] in DEMAND_ROOTS


def is_alleged(trigger: Token) -> bool:
    """Tell whether the verb sits in a clause someone alleges ('alleged that ... and that ...')."""
    token = trigger
    while token.dep_ in {"conj", "xcomp", "ccomp", "advcl"} and token.head is not token:
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in ALLEGING_VERBS:
            return True
        token = token.head
    return False


def is_complement(trigger: Token) -> bool:
    """Tell whether a verb is the clause another verb governs ('that X ...', 'X to ...')."""
    if trigger.dep_ == "ccomp":
        return True
    return trigger.dep_ in {"xcomp", "advcl"} and any(
        child.dep_ == "aux" and child.lower_ == "to" for child in trigger.children
    )
