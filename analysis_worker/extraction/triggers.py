"""Which words trigger an event of their own: coded verbs and nouns, minus their helpers."""

from __future__ import annotations

from bisect import bisect_left
from functools import cache

from spacy.tokens import Doc, Span

from analysis_worker.extraction.arguments import ALLEGING_VERBS, REPORTING_VERBS
from analysis_worker.extraction.coding import Coding, code_noun, code_verb
from analysis_worker.extraction.columns import Columns, columns_of
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


def code_trigger(columns: Columns, token: int) -> Coding | None:
    """Return the coding of a verb or nominal trigger that names an event."""
    if columns.pos[token] == "VERB":
        if columns.lemma[token] in REPORTING_VERBS:
            return DEMAND if reports_obligation(columns, token) else None
        coding = code_verb(columns, token)
    elif columns.pos[token] == "NOUN":
        coding = code_noun(columns, token)
    else:
        return None
    if coding is None or (coding.code is None and coding.reverse is None):
        return None
    return coding


def trigger_candidates(sent: Span) -> list[int]:
    """Return the indices of the sentence's possible triggers: coded verbs and nouns by lemma."""
    candidates = cached(sent.doc, "trigger_candidates", find_candidates)
    first, stop = bisect_left(candidates, sent.start), bisect_left(candidates, sent.end)
    return candidates[first:stop]


def find_candidates(doc: Doc) -> list[int]:
    """Return the indices of the document's verbs and nouns whose lemma the lexicon codes."""
    columns = columns_of(doc)
    lexicon = load_lexicon()
    verbs = candidate_verbs()
    return [
        index
        for index, (pos, lemma) in enumerate(zip(columns.pos, columns.lemma, strict=True))
        if (pos == "VERB" and lemma in verbs) or (pos == "NOUN" and lemma in lexicon.nouns)
    ]


@cache
def candidate_verbs() -> frozenset[str]:
    """Return the lemmas of verbs that may trigger an event or report one (built once)."""
    return load_lexicon().verb_heads | REPORTING_VERBS


def reports_obligation(columns: Columns, verb: int) -> bool:
    """Tell whether a reporting verb reports what someone must do."""
    dep, lower = columns.dep, columns.lower
    return any(
        dep[aux] == "aux" and lower[aux] in OBLIGATION_AUX
        for clause in columns.children[verb]
        if dep[clause] == "ccomp"
        for aux in columns.children[clause]
    )


def is_own_event(columns: Columns, trigger: int, codings: dict[int, Coding]) -> bool:
    """Drop control verbs, demanded clauses and nouns their verb already codes."""
    return not (
        columns.lower[trigger] == "according"
        or is_control_verb(columns, trigger, codings)
        or is_controlled(columns, trigger, codings)
        or is_demanded(columns, trigger, codings)
        or is_alleged(columns, trigger)
        or is_speculative_wish(columns, trigger)
        or is_yet_to_come(columns, trigger)
        or (
            columns.pos[trigger] == "NOUN"
            and columns.dep[trigger] == "dobj"
            and columns.head[trigger] in codings
        )
    )


def is_speculative_wish(columns: Columns, trigger: int) -> bool:
    """Tell whether a wish is only guessed at ('X might want Y to leave')."""
    return columns.lemma[trigger] in WISH_VERBS and any(
        columns.dep[child] == "aux" and columns.lower[child] in SPECULATIVE_AUX
        for child in columns.children[trigger]
    )


def is_yet_to_come(columns: Columns, trigger: int) -> bool:
    """Tell whether the verb names what will happen later, which nobody has done or pledged."""
    return columns.tag[trigger] in PRESENT_TAGS and any(
        columns.dep[child] == "mark" and columns.lower[child] in LATER_MARKS
        for child in columns.children[trigger]
    )


def has_object(columns: Columns, token: int) -> bool:
    """Tell whether a verb has a direct object."""
    return any(columns.dep[child] == "dobj" for child in columns.children[token])


def is_control_verb(columns: Columns, trigger: int, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb only governs another ('plans to launch'), unless it has an object."""
    xcomps = [child for child in columns.children[trigger] if columns.dep[child] == "xcomp"]
    if not xcomps or has_object(columns, trigger):
        return False
    return any(child in codings for child in xcomps) or columns.lemma[trigger] not in STANDALONE


def is_controlled(columns: Columns, trigger: int, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb is what a coded verb asks of its object ('asks Obama to help')."""
    head = columns.head[trigger]
    return columns.dep[trigger] == "xcomp" and head in codings and has_object(columns, head)


def is_demanded(columns: Columns, trigger: int, codings: dict[int, Coding]) -> bool:
    """Tell whether the verb is what a demand asks or an allegation claims ('demanded that')."""
    while columns.dep[trigger] == "conj" and columns.head[trigger] != trigger:
        trigger = columns.head[trigger]
    head = columns.head[trigger]
    if head not in codings or not is_complement(columns, trigger):
        return False
    if columns.lemma[head] in WISH_VERBS:
        return is_wish_on_other(columns, head)
    if columns.lemma[head] in ALLEGING_VERBS:
        return columns.dep[trigger] == "ccomp"
    return (codings[head].code or "")[:2] in DEMAND_ROOTS


def is_alleged(columns: Columns, trigger: int) -> bool:
    """Tell whether the verb sits in a clause someone alleges ('alleged that ... and that ...')."""
    token = trigger
    while columns.dep[token] in {"conj", "xcomp", "ccomp", "advcl"} and (
        columns.head[token] != token
    ):
        if columns.dep[token] == "ccomp" and columns.lemma[columns.head[token]] in ALLEGING_VERBS:
            return True
        token = columns.head[token]
    return False


def is_complement(columns: Columns, trigger: int) -> bool:
    """Tell whether a verb is the clause another verb governs ('that X ...', 'X to ...')."""
    if columns.dep[trigger] == "ccomp":
        return True
    return columns.dep[trigger] in {"xcomp", "advcl"} and any(
        columns.dep[child] == "aux" and columns.lower[child] == "to"
        for child in columns.children[trigger]
    )
