"""Who does what to whom: the source and target noun phrases of a trigger."""

from __future__ import annotations

from collections.abc import Iterator

from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.lexicon import load_lexicon

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
"""Dependencies of an active subject."""

PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
"""Dependencies of a passive subject: the target of the action."""

OBJECT_PREPS = (
    "against",
    "with",
    "to",
    "on",
    "into",
    "over",
    "toward",
    "towards",
    "for",
    "of",
    "from",
)
"""Prepositions of an object whose noun may be the real target ('a part of Syria's city')."""

TARGET_PREPS = ("against", "with", "to", "on", "into", "from", "over", "toward", "towards", "for")
"""Prepositions whose object is the target of an action, in order of preference."""

PLACE_PREPS = frozenset({"in", "near", "inside", "at"})
"""Prepositions whose object is where the action happened (a last-resort target, as PETRARCH)."""

NAMED_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "ORG"})
"""Entity labels a locative object must carry to be taken as a target ('in Zurich', not 'at HQ')."""

TEMPORAL_PREPS = frozenset({"after", "before", "upon", "while", "since", "without"})
"""Prepositions whose verb shares the main clause's subject ('changed his mind after meeting')."""

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "him", "her", "them", "himself", "itself"})
"""Pronouns resolved to the speaker of the reporting verb above them."""

REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves", "ourselves"})
"""Pronouns that stand for their clause's subject ('Iraq had attacked themselves')."""

PLURAL_PRONOUNS = frozenset({"they", "we", "them", "themselves"})
"""Pronouns that stand for every conjoined speaker ('Obama and Putin said they ...')."""

ALLEGING_VERBS = frozenset({"allege", "claim", "accuse", "charge"})
"""Verbs whose reported clause is an allegation: an event (accusation) of their own."""

REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "report",
        "announce",
        "add",
        "note",
        "state",
        "confirm",
        "indicate",
        "insist",
        "assume",
        "believe",
        "think",
        "explain",
        "write",
        "suggest",
        "refer",
        "accord",
        "declare",
        "reiterate",
        "stress",
        "emphasize",
        "emphasise",
        "assert",
        "maintain",
        "contend",
        "remark",
        "mention",
        "conclude",
    }
)
"""Verbs that report someone's words; their subject is a speaker, not an actor of the event."""

SPEAKING_VERBS = REPORTING_VERBS | ALLEGING_VERBS
"""Verbs whose subject is the speaker of the clause they govern."""


def expand_conjuncts(columns: Columns, token: int) -> list[int]:
    """Return a noun and the nouns conjoined with it ('France and Germany')."""
    found = [token]
    for child in columns.children[token]:
        dep = columns.dep[child]
        if (
            dep in {"conj", "appos"}
            and columns.pos[child] in {"PROPN", "NOUN", "PRON"}
            and (dep == "conj" or columns.ent_type[child] in NAMED_PLACE_LABELS)
        ):
            found.extend(expand_conjuncts(columns, child))
    return found


def children_with(columns: Columns, token: int, deps: frozenset[str] | set[str]) -> list[int]:
    """Return a token's children with one of the dependencies, conjuncts expanded."""
    return [
        noun
        for child in columns.children[token]
        if columns.dep[child] in deps
        for noun in expand_conjuncts(columns, child)
    ]


PASSIVE_MARKS = PASSIVE_SUBJECT_DEPS | {"auxpass"}
"""Dependencies of a child that make its verb passive."""


def is_passive(columns: Columns, verb: int) -> bool:
    """Tell whether a verb is in the passive voice."""
    return any(columns.dep[child] in PASSIVE_MARKS for child in columns.children[verb]) or (
        columns.dep[verb] == "acl" and columns.tag[verb] == "VBN"
    )


def agent_nouns(columns: Columns, verb: int) -> list[int]:
    """Return the 'by' agents of a passive verb."""
    return [
        noun
        for child in columns.children[verb]
        if columns.dep[child] == "agent"
        for pobj in columns.children[child]
        if columns.dep[pobj] == "pobj"
        for noun in expand_conjuncts(columns, pobj)
    ]


def source_nouns(columns: Columns, verb: int) -> list[int]:
    """Return the heads of the noun phrases doing the action."""
    if is_passive(columns, verb):
        return agent_nouns(columns, verb)
    own = children_with(columns, verb, SUBJECT_DEPS)
    return own or inherited_subjects(columns, verb)


def inherited_subjects(columns: Columns, verb: int) -> list[int]:
    """Return the subject a verb shares with the verb it depends on ('X plans to launch')."""
    head, dep = columns.head[verb], columns.dep[verb]
    if dep == "xcomp" and columns.dep[head] == "acomp":
        return source_nouns(columns, columns.head[head])
    if dep == "xcomp":
        raised = children_with(columns, head, PASSIVE_SUBJECT_DEPS)
        return children_with(columns, head, {"dobj"}) or raised or source_nouns(columns, head)
    if dep in {"conj", "advcl"} and columns.pos[head] in {"VERB", "AUX"}:
        return source_nouns(columns, head)
    if (
        dep == "pcomp"
        and columns.lower[head] in TEMPORAL_PREPS
        and columns.pos[columns.head[head]] in {"VERB", "AUX"}
    ):
        return source_nouns(columns, columns.head[head])
    if dep == "relcl":
        return [head]
    return []


def target_nouns(columns: Columns, verb: int) -> Iterator[list[int]]:
    """Yield candidate target phrases, best first: passive subject, object, prepositions."""
    if columns.dep[verb] == "acl" and is_passive(columns, verb):
        yield [columns.head[verb]]
        return
    objects = children_with(columns, verb, {"dobj", "dative", "attr"})
    if is_passive(columns, verb):
        objects = children_with(columns, verb, PASSIVE_SUBJECT_DEPS)
    for obj in objects:
        yield [obj]
        yield from nested_objects(columns, obj, OBJECT_PREPS)
        yield from place_objects(columns, obj)
    yield from nested_objects(columns, verb, preferred_preps(columns, verb))
    yield from place_objects(columns, verb)
    for clause in columns.children[verb]:
        if columns.dep[clause] == "ccomp":
            yield children_with(columns, clause, SUBJECT_DEPS)


DEPARTURE_VERBS = frozenset({"withdraw", "retreat", "pull", "evacuate", "flee", "leave"})
"""Verbs whose 'from' object is what they act on ('withdrew from the Syrian sector')."""


def preferred_preps(columns: Columns, verb: int) -> tuple[str, ...]:
    """Return the target prepositions of a verb, 'from' first for verbs of departure."""
    if columns.lemma[verb] in DEPARTURE_VERBS:
        return ("from", *(prep for prep in TARGET_PREPS if prep != "from"))
    return TARGET_PREPS


def nested_objects(columns: Columns, token: int, preps: tuple[str, ...]) -> Iterator[list[int]]:
    """Yield a token's prepositional objects, each followed by its own ('travel to Tunisia')."""
    for nouns in preposition_objects(columns, token, preps):
        yield nouns
        for noun in nouns:
            yield from preposition_objects(columns, noun, TARGET_PREPS)
            yield from place_objects(columns, noun)


def place_objects(columns: Columns, token: int) -> Iterator[list[int]]:
    """Yield named places or roles after locative prepositions ('in Zurich', 'at the army')."""
    for nouns in preposition_objects(columns, token, tuple(PLACE_PREPS)):
        yield [
            noun
            for noun in nouns
            if columns.ent_type[noun] in NAMED_PLACE_LABELS or is_role(columns, noun)
        ]


def is_role(columns: Columns, noun: int) -> bool:
    """Tell whether a noun names a role by itself ('government', 'troops')."""
    return columns.lemma[noun] in load_lexicon().agents


def preposition_objects(
    columns: Columns, token: int, preps: tuple[str, ...]
) -> Iterator[list[int]]:
    """Yield the objects of a token's prepositions, in the order of preps."""
    dep, lower = columns.dep, columns.lower
    found = {
        lower[child]: [
            noun
            for pobj in columns.children[child]
            if dep[pobj] == "pobj"
            for noun in expand_conjuncts(columns, pobj)
        ]
        for child in columns.children[token]
        if dep[child] in {"prep", "dative"} and lower[child] in preps
    }
    for prep in preps:
        if found.get(prep):
            yield found[prep]


def nominal_anchor(columns: Columns, noun: int) -> int:
    """Return the noun that carries a nominal trigger's phrase ('mediation effort')."""
    head = columns.head[noun]
    return head if columns.dep[noun] == "compound" and columns.pos[head] == "NOUN" else noun


def nominal_sources(columns: Columns, noun: int) -> list[int]:
    """Return who performs a nominal event: 'by'/'of' objects, the first of 'between', an owner."""
    noun = nominal_anchor(columns, noun)
    for prep in preposition_objects(columns, noun, ("between",)):
        return prep[:1]
    for prep in preposition_objects(columns, noun, ("by", "of", "from")):
        return prep
    if columns.dep[noun] == "dobj":
        return source_nouns(columns, columns.head[noun])
    owners = {"poss", "compound", "amod"}
    return [child for child in columns.children[noun] if columns.dep[child] in owners][:1]


def nominal_targets(columns: Columns, noun: int) -> Iterator[list[int]]:
    """Yield candidate targets of a nominal event ('incursions ... into Polish airspace')."""
    noun = nominal_anchor(columns, noun)
    for prep in preposition_objects(columns, noun, ("between",)):
        yield prep[1:]
    if columns.dep[noun] == "dobj":
        yield from nested_objects(columns, columns.head[noun], TARGET_PREPS)
        yield from place_objects(columns, columns.head[noun])
    yield from preposition_objects(columns, noun, ("against", "on", "into", "with", "to", "over"))


CLAUSE_LINKS = frozenset({"ccomp", "xcomp", "conj", "advcl", "parataxis", "acomp"})
"""Dependencies that lead from a clause up to the clause that governs it."""


def speakers_of(columns: Columns, verb: int) -> list[int]:
    """Return the subjects of the reporting verb whose clause holds the verb, if any."""
    token = verb
    while columns.dep[token] in CLAUSE_LINKS and columns.head[token] != token:
        head = columns.head[token]
        if columns.lemma[head] in SPEAKING_VERBS and columns.dep[token] in {"ccomp", "parataxis"}:
            return children_with(columns, head, SUBJECT_DEPS)
        token = head
    return []


def speaker_of(columns: Columns, verb: int) -> int | None:
    """Return the (first) speaker of the reported clause holding the verb."""
    speakers = speakers_of(columns, verb)
    return speakers[0] if speakers else None


def resolve_pronoun(columns: Columns, noun: int, verb: int) -> list[int]:
    """Replace a pronoun by the speakers who use it ('Obama said he would ...')."""
    word = columns.lower[noun]
    if word in REFLEXIVES:
        return children_with(columns, verb, SUBJECT_DEPS)[:1] or [noun]
    if word not in PRONOUNS:
        return [noun]
    speakers = speakers_of(columns, verb)
    if word in PLURAL_PRONOUNS:
        return speakers or [noun]
    return speakers[:1] or [noun]
