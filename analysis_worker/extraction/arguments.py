"""Who does what to whom: the source and target noun phrases of a trigger."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
"""Dependencies of an active subject."""

PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
"""Dependencies of a passive subject: the target of the action."""

TARGET_PREPS = ("against", "with", "to", "on", "into", "over", "toward", "towards", "for")
"""Prepositions whose object is the target of an action, in order of preference."""

PLACE_PREPS = frozenset({"in", "near", "inside", "at"})
"""Prepositions whose object is where the action happened (a last-resort target, as PETRARCH)."""

NAMED_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "ORG"})
"""Entity labels a locative object must carry to be taken as a target ('in Zurich', not 'at HQ')."""

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "him", "her", "them", "himself", "itself"})
"""Pronouns resolved to the speaker of the reporting verb above them."""

REPORTING_VERBS = frozenset(
    {"say", "tell", "report", "announce", "claim", "add", "note", "state", "allege", "confirm",
     "indicate", "insist", "assume", "believe", "think", "explain", "write", "suggest",
     "refer", "accord"}
)
"""Verbs that report someone's words; their subject is a speaker, not an actor of the event."""


def expand_conjuncts(token: Token) -> list[Token]:
    """Return a noun and the nouns conjoined with it ('France and Germany')."""
    found = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in {"PROPN", "NOUN", "PRON"}:
            found.extend(expand_conjuncts(child))
    return found


def children_with(token: Token, deps: frozenset[str] | set[str]) -> list[Token]:
    """Return a token's children with one of the dependencies, conjuncts expanded."""
    return [noun for child in token.children if child.dep_ in deps for noun in expand_conjuncts(child)]


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
    if verb.dep_ == "xcomp":
        return children_with(head, {"dobj"}) or source_nouns(head)
    if verb.dep_ in {"conj", "advcl"} and head.pos_ in {"VERB", "AUX"}:
        return source_nouns(head)
    if verb.dep_ == "pcomp" and head.head.pos_ in {"VERB", "AUX"}:
        return source_nouns(head.head)
    if verb.dep_ == "relcl":
        return [head]
    return []


def target_nouns(verb: Token) -> Iterator[list[Token]]:
    """Yield candidate target phrases, best first: passive subject, object, prepositions."""
    if is_passive(verb):
        own = children_with(verb, PASSIVE_SUBJECT_DEPS)
        yield own or ([verb.head] if verb.dep_ == "acl" else [])
    for obj in children_with(verb, {"dobj", "dative", "attr"}):
        yield [obj]
        for nouns in preposition_objects(obj, TARGET_PREPS):
            yield nouns
            for noun in nouns:
                yield from preposition_objects(noun, TARGET_PREPS)
    yield from preposition_objects(verb, TARGET_PREPS)
    yield from (
        [noun for noun in nouns if noun.ent_type_ in NAMED_PLACE_LABELS]
        for nouns in preposition_objects(verb, tuple(PLACE_PREPS))
    )


def preposition_objects(token: Token, preps: tuple[str, ...]) -> Iterator[list[Token]]:
    """Yield the objects of a token's prepositions, in the order of preps."""
    found = {
        child.lower_: [noun for pobj in child.children if pobj.dep_ == "pobj"
                       for noun in expand_conjuncts(pobj)]
        for child in token.children
        if child.dep_ in {"prep", "dative"} and child.lower_ in preps
    }
    for prep in preps:
        if found.get(prep):
            yield found[prep]


def nominal_sources(noun: Token) -> list[Token]:
    """Return who performs a nominal event: 'by'/'of' objects, the first of 'between', a possessor."""
    for prep in preposition_objects(noun, ("between",)):
        return prep[:1]
    for prep in preposition_objects(noun, ("by", "of", "from")):
        return prep
    possessors = [child for child in noun.children if child.dep_ in {"poss", "compound", "amod"}]
    return possessors[:1] or ([noun.head] if noun.dep_ == "dobj" else [])


def nominal_targets(noun: Token) -> Iterator[list[Token]]:
    """Yield candidate targets of a nominal event ('incursions ... into Polish airspace')."""
    for prep in preposition_objects(noun, ("between",)):
        yield prep[1:]
    yield from preposition_objects(noun, ("against", "on", "into", "with", "to", "over"))


def speaker_of(verb: Token) -> Token | None:
    """Return the subject of the reporting verb whose clause holds the verb, if any."""
    token = verb
    while token.dep_ in {"ccomp", "xcomp", "conj", "advcl", "parataxis"} and token.head is not token:
        if token.head.lemma_.lower() in REPORTING_VERBS and token.dep_ in {"ccomp", "parataxis"}:
            subjects = children_with(token.head, SUBJECT_DEPS)
            return subjects[0] if subjects else None
        token = token.head
    return None


def resolve_pronoun(noun: Token, verb: Token) -> Token:
    """Replace a pronoun by the speaker who uses it ('Obama said he would ...')."""
    if noun.lower_ not in PRONOUNS:
        return noun
    speaker = speaker_of(verb)
    return speaker if speaker is not None else noun
