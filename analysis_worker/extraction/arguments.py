"""Who does what to whom: the source and target noun phrases of a trigger."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

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


def expand_conjuncts(token: Token) -> list[Token]:
    """Return a noun and the nouns conjoined with it ('France and Germany')."""
    found = [token]
    for child in token.children:
        if (
            child.dep_ in {"conj", "appos"}
            and child.pos_ in {"PROPN", "NOUN", "PRON"}
            and (child.dep_ == "conj" or child.ent_type_ in NAMED_PLACE_LABELS)
        ):
            found.extend(expand_conjuncts(child))
    return found


def children_with(token: Token, deps: frozenset[str] | set[str]) -> list[Token]:
    """Return a token's children with one of the dependencies, conjuncts expanded."""
    return [
        noun for child in token.children if child.dep_ in deps for noun in expand_conjuncts(child)
    ]


def is_passive(verb: Token) -> bool:
    """Tell whether a verb is in the passive voice."""
    return any(child.dep_ in PASSIVE_SUBJECT_DEPS | {"auxpass"} for child in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )


def agent_nouns(verb: Token) -> list[Token]:
    """Return the 'by' agents of a passive verb."""
    return [
        noun
        for child in verb.children
        if child.dep_ == "agent"
        for pobj in child.children
        if pobj.dep_ == "pobj"
        for noun in expand_conjuncts(pobj)
    ]


def source_nouns(verb: Token) -> list[Token]:
    """Return the heads of the noun phrases doing the action."""
    if is_passive(verb):
        return agent_nouns(verb)
    own = children_with(verb, SUBJECT_DEPS)
    return own or inherited_subjects(verb)


def inherited_subjects(verb: Token) -> list[Token]:
    """Return the subject a verb shares with the verb it depends on ('X plans to launch')."""
    head = verb.head
    if verb.dep_ == "xcomp" and head.dep_ == "acomp":
        return source_nouns(head.head)
    if verb.dep_ == "xcomp":
        raised = children_with(head, PASSIVE_SUBJECT_DEPS)
        return children_with(head, {"dobj"}) or raised or source_nouns(head)
    if verb.dep_ in {"conj", "advcl"} and head.pos_ in {"VERB", "AUX"}:
        return source_nouns(head)
    if verb.dep_ == "pcomp" and head.lower_ in TEMPORAL_PREPS and head.head.pos_ in {"VERB", "AUX"}:
        return source_nouns(head.head)
    if verb.dep_ == "relcl":
        return [head]
    return []


def target_nouns(verb: Token) -> Iterator[list[Token]]:
    """Yield candidate target phrases, best first: passive subject, object, prepositions."""
    if verb.dep_ == "acl" and is_passive(verb):
        yield [verb.head]
        return
    objects = children_with(verb, {"dobj", "dative", "attr"})
    if is_passive(verb):
        objects = children_with(verb, PASSIVE_SUBJECT_DEPS)
    for obj in objects:
        yield [obj]
        yield from nested_objects(obj, OBJECT_PREPS)
        yield from place_objects(obj)
    yield from nested_objects(verb, preferred_preps(verb))
    yield from place_objects(verb)
    for clause in verb.children:
        if clause.dep_ == "ccomp":
            yield children_with(clause, SUBJECT_DEPS)


DEPARTURE_VERBS = frozenset({"withdraw", "retreat", "pull", "evacuate", "flee", "leave"})
"""Verbs whose 'from' object is what they act on ('withdrew from the Syrian sector')."""


def preferred_preps(verb: Token) -> tuple[str, ...]:
    """Return the target prepositions of a verb, 'from' first for verbs of departure."""
    if verb.lemma_.lower() in DEPARTURE_VERBS:
        return ("from", *(prep for prep in TARGET_PREPS if prep != "from"))
    return TARGET_PREPS


def nested_objects(token: Token, preps: tuple[str, ...]) -> Iterator[list[Token]]:
    """Yield a token's prepositional objects, each followed by its own ('travel to Tunisia')."""
    for nouns in preposition_objects(token, preps):
        yield nouns
        for noun in nouns:
            yield from preposition_objects(noun, TARGET_PREPS)
            yield from place_objects(noun)


def place_objects(token: Token) -> Iterator[list[Token]]:
    """Yield named places or roles after locative prepositions ('in Zurich', 'at the army')."""
    for nouns in preposition_objects(token, tuple(PLACE_PREPS)):
        yield [noun for noun in nouns if noun.ent_type_ in NAMED_PLACE_LABELS or is_role(noun)]


def is_role(noun: Token) -> bool:
    """Tell whether a noun names a role by itself ('government', 'troops')."""
    return noun.lemma_.lower() in load_lexicon().agents


def preposition_objects(token: Token, preps: tuple[str, ...]) -> Iterator[list[Token]]:
    """Yield the objects of a token's prepositions, in the order of preps."""
    found = {
        child.lower_: [
            noun
            for pobj in child.children
            if pobj.dep_ == "pobj"
            for noun in expand_conjuncts(pobj)
        ]
        for child in token.children
        if child.dep_ in {"prep", "dative"} and child.lower_ in preps
    }
    for prep in preps:
        if found.get(prep):
            yield found[prep]


def nominal_anchor(noun: Token) -> Token:
    """Return the noun that carries a nominal trigger's phrase ('mediation effort')."""
    return noun.head if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" else noun


def nominal_sources(noun: Token) -> list[Token]:
    """Return who performs a nominal event: 'by'/'of' objects, the first of 'between', an owner."""
    noun = nominal_anchor(noun)
    for prep in preposition_objects(noun, ("between",)):
        return prep[:1]
    for prep in preposition_objects(noun, ("by", "of", "from")):
        return prep
    if noun.dep_ == "dobj":
        return source_nouns(noun.head)
    return [child for child in noun.children if child.dep_ in {"poss", "compound", "amod"}][:1]


def nominal_targets(noun: Token) -> Iterator[list[Token]]:
    """Yield candidate targets of a nominal event ('incursions ... into Polish airspace')."""
    noun = nominal_anchor(noun)
    for prep in preposition_objects(noun, ("between",)):
        yield prep[1:]
    if noun.dep_ == "dobj":
        yield from nested_objects(noun.head, TARGET_PREPS)
        yield from place_objects(noun.head)
    yield from preposition_objects(noun, ("against", "on", "into", "with", "to", "over"))


CLAUSE_LINKS = frozenset({"ccomp", "xcomp", "conj", "advcl", "parataxis", "acomp"})
"""Dependencies that lead from a clause up to the clause that governs it."""


def speakers_of(verb: Token) -> list[Token]:
    """Return the subjects of the reporting verb whose clause holds the verb, if any."""
    token = verb
    while token.dep_ in CLAUSE_LINKS and token.head is not token:
        if token.head.lemma_.lower() in SPEAKING_VERBS and token.dep_ in {"ccomp", "parataxis"}:
            return children_with(token.head, SUBJECT_DEPS)
        token = token.head
    return []


def speaker_of(verb: Token) -> Token | None:
    """Return the (first) speaker of the reported clause holding the verb."""
    speakers = speakers_of(verb)
    return speakers[0] if speakers else None


def resolve_pronoun(noun: Token, verb: Token) -> list[Token]:
    """Replace a pronoun by the speakers who use it ('Obama said he would ...')."""
    if noun.lower_ in REFLEXIVES:
        return children_with(verb, SUBJECT_DEPS)[:1] or [noun]
    if noun.lower_ not in PRONOUNS:
        return [noun]
    speakers = speakers_of(verb)
    if noun.lower_ in PLURAL_PRONOUNS:
        return speakers or [noun]
    return speakers[:1] or [noun]
