"""Pledged, announced and threatened actions: CAMEO codes them as intents (03) or threats (13)."""

from __future__ import annotations

from analysis_worker.extraction.coding import Coding, code_verb
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.modality import FUTURE_AUX, governing_chain, is_negated

INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
"""Cooperation roots to their 'express intent to ...' code."""

INTENT_SUBCODES = {
    "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "071": "0331", "072": "0332", "073": "0333", "074": "0334",
    "081": "0351", "082": "0352", "084": "0353", "085": "0354", "086": "0355", "087": "0356",
}  # fmt: skip
"""Cooperation codes whose intent has its own code (CAMEO 03 mirrors 06, 07 and 08)."""

REQUEST_CODES = {
    "02": {"04": "026", "05": "022", "06": "021", "07": "023", "08": "025"},
    "10": {"04": "106", "05": "102", "06": "101", "07": "103", "08": "105"},
}
"""Appeal (02) and demand (10) codes by the root of the action asked for."""

THREAT_CODES = {"12": "130", "15": "138", "16": "131", "17": "130", "18": "138", "19": "138"}
"""Conflict roots to the threat of them (mass violence, root 20, is a threat of force too)."""

INTENT_VERBS = frozenset(
    {
        "want",
        "intend",
        "plan",
        "vow",
        "pledge",
        "promise",
        "seek",
        "offer",
        "hope",
        "wish",
        "aim",
        "agree",
        "commit",
        "undertake",
        "willing",
        "ready",
        "prepared",
        "eager",
        "determined",
        "committed",
    }
)
"""Control verbs and adjectives that make the action they govern an intent ('is ready to')."""

THREAT_VERBS = frozenset({"threaten", "warn", "vow"})
"""Control verbs that turn the action they govern into a threat."""

REFUSAL_CODES = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
"""Cooperation roots to the CAMEO code of refusing them ('would not provide', 'refused to')."""

REFUSING_VERBS = frozenset({"refuse", "decline", "reject", "rule"})
"""Control verbs that refuse the action they govern."""

WISH_VERBS = frozenset({"want", "wish", "expect", "need", "encourage", "invite"})
"""Verbs that, with an object and its infinitive, appeal to that object ('wants X to ...')."""

APPEAL = Coding("020", None, matched=True)
"""Wanting someone else to act is, in CAMEO, an appeal to them."""

PLEDGE_VERBS = frozenset({"pledge", "promise", "agree", "commit", "undertake", "offer"})
"""Verbs of commitments made to others: a pledged expulsion stays an expulsion (CAMEO manual)."""

CONDITIONS = frozenset({"unless", "if"})
"""Markers of a condition that makes a future action a threat ('... unless X withdraws')."""


def recoded(columns: Columns, trigger: int, coding: Coding) -> Coding:
    """Return the coding of a trigger once its intent or the action it asks for is read."""
    coding = intended(columns, trigger, coding)
    if (coding.code or "")[:2] in REQUEST_CODES:
        return requested(coding, asked_action(columns, trigger))
    return coding


def asked_action(columns: Columns, trigger: int) -> Coding | None:
    """Return the coding of the action an appeal or demand asks for ('asked X to help')."""
    for clause in columns.children[trigger]:
        if columns.dep[clause] in {"xcomp", "ccomp"} and columns.pos[clause] == "VERB":
            return code_verb(columns, clause)
    return None


def intended(columns: Columns, trigger: int, coding: Coding) -> Coding:
    """Recode an action its actor only threatens, pledges or will do."""
    root = (coding.code or "")[:2]
    code: str | None
    if is_wish_on_other(columns, trigger):
        return APPEAL
    if is_refused(columns, trigger):
        code = REFUSAL_CODES.get(root)
    elif is_threat(columns, trigger) and root not in {"13", "03"}:
        code = THREAT_CODES.get(root, "138" if root == "20" else "130")
    elif is_intent(columns, trigger):
        code = intent_of(coding.code or "")
        if code is None and is_aggressive(columns, trigger):
            code = threat_of(root)
    else:
        return coding
    return Coding(code, None, coding.matched) if code else coding


def is_wish_on_other(columns: Columns, trigger: int) -> bool:
    """Tell whether the actor wants someone else to act ('Obama wants Putin to attack')."""
    if columns.lemma[trigger] not in WISH_VERBS:
        return False
    children = columns.children[trigger]
    deps = {columns.dep[child] for child in children}
    return {"dobj", "xcomp"} <= deps or any(
        is_infinitive_clause(columns, child) for child in children
    )


def is_infinitive_clause(columns: Columns, token: int) -> bool:
    """Tell whether a token heads a 'someone to do' clause ('Putin to attack')."""
    deps = {columns.dep[child]: columns.lower[child] for child in columns.children[token]}
    return columns.dep[token] == "ccomp" and "nsubj" in deps and deps.get("aux") == "to"


def intent_of(code: str) -> str | None:
    """Return the 'express intent to ...' code of a cooperative action."""
    return INTENT_SUBCODES.get(code[:3]) or INTENT_CODES.get(code[:2])


def requested(coding: Coding, asked: Coding | None) -> Coding:
    """Refine an appeal or demand by the action it asks for ('asks X to help' -> 023)."""
    by_root = REQUEST_CODES.get((coding.code or "")[:2], {})
    code = by_root.get((asked.code or "")[:2]) if asked else None
    return Coding(code, coding.reverse, coding.matched) if code else coding


def threat_of(root: str) -> str | None:
    """Return the threat code of a conflict root."""
    return THREAT_CODES.get(root) or ("138" if root == "20" else None)


def is_aggressive(columns: Columns, trigger: int) -> bool:
    """Tell whether the actor itself wants or plans the action (not pledged to others)."""
    chain = governing_chain(columns, trigger)
    return not any(columns.lemma[token] in PLEDGE_VERBS for token in chain[1:])


def is_refused(columns: Columns, trigger: int) -> bool:
    """Tell whether the actor refuses the action ('would not provide', 'refused to deploy')."""
    chain = governing_chain(columns, trigger)
    return any(is_negated(columns, token) for token in chain) or any(
        columns.lemma[token] in REFUSING_VERBS for token in chain[1:]
    )


def is_threat(columns: Columns, trigger: int) -> bool:
    """Tell whether an action is threatened ('threatened to cut', 'will withdraw unless')."""
    chain = governing_chain(columns, trigger)
    if any(columns.lemma[token] in THREAT_VERBS for token in chain[1:]):
        return True
    return is_intent(columns, trigger) and any(
        columns.lower[grandchild] in CONDITIONS
        for child in columns.children[trigger]
        if columns.dep[child] == "advcl"
        for grandchild in columns.children[child]
        if columns.dep[grandchild] == "mark"
    )


def is_intent(columns: Columns, trigger: int) -> bool:
    """Tell whether an action is only pledged or announced ('wants to', 'agreed to', 'will')."""
    chain = governing_chain(columns, trigger)
    if any(columns.lemma[token] in INTENT_VERBS for token in chain[1:]):
        return True
    if columns.lemma[trigger] in INTENT_VERBS:
        return any(columns.dep[child] in {"xcomp", "ccomp"} for child in columns.children[trigger])
    auxiliaries = {
        columns.lower[child]
        for token in chain
        for child in columns.children[token]
        if columns.dep[child] == "aux"
    }
    return bool(auxiliaries & FUTURE_AUX)
