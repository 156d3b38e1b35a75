"""Who acts on whom: the coded (source, target) pairs of a trigger."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from analysis_worker.extraction.actors import (
    UNKNOWN_COUNTRY,
    Actor,
    code_actor,
    code_actors,
    phrase_tokens,
)
from analysis_worker.extraction.arguments import (
    ALLEGING_VERBS,
    PRONOUNS,
    is_passive,
    nominal_sources,
    nominal_targets,
    resolve_pronoun,
    source_nouns,
    target_nouns,
)
from analysis_worker.extraction.article import Article
from analysis_worker.extraction.coding import Coding
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.intents import recoded
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.locations import dateline_place, main_place


@dataclass(frozen=True)
class Dyad:
    """One coded action between two (possibly missing) actors."""

    code: str
    source: Actor | None
    target: Actor | None


SYMMETRIC_ROOTS = frozenset({"03", "04", "05", "06"})
"""Roots whose conjoined subjects act on each other ('the US, Russia and Switzerland met')."""


def dyads(trigger: int, coding: Coding, article: Article) -> list[Dyad]:
    """Return the coded (source, target) pairs of a trigger (a source, unless violent).

    A person, company or team the dictionary does not know acts only in what people say and
    ask for (statements, appeals, intents, meetings, criticism, protests): in force, coercion
    and threats a private name is too often a metaphor ('broken up', 'sought to block').
    """
    return [
        dyad
        for dyad in coded_dyads(trigger, coding, article)
        if dyad.code[:2] in PERSON_ROOTS
        or not is_local_person(dyad.source, article)
        and (dyad.code == ARREST or not is_local_person(dyad.target, article))
    ]


PERSON_ROOTS = frozenset({"01", "02", "03", "04", "05", "10", "11", "12", "14"})
"""Roots of the verbal events a private person takes part in (CAMEO quad classes 1 and 3,
without threats)."""


def coded_dyads(trigger: int, coding: Coding, article: Article) -> list[Dyad]:
    """Return every coded (source, target) pair of a trigger."""
    columns = article.columns
    coding = recoded(columns, trigger, coding)
    sources = coded(source_phrases(columns, trigger), article)
    own_deed = claimed_deed(columns, trigger)
    if own_deed is not None:
        coding = CLAIM_OF_RESPONSIBILITY
    if not sources:
        return unattributed(coding, trigger, article)
    targets = first_coded(
        target_phrases(columns, trigger if own_deed is None else own_deed), article
    )
    if not targets and len(sources) > 1 and (coding.code or "")[:2] in SYMMETRIC_ROOTS:
        return mutual(str(coding.code), sources)
    targets = usable_targets(targets, sources, coding, article)
    if not targets and (columns.dep[trigger] == "acl" or (coding.code or "")[:2] in DIRECTED_ROOTS):
        return []
    return [
        dyad
        for source in sources
        for target in ([*targets] if targets else [None])
        if is_political(source, target)
        for dyad in directed(coding, source, target)
    ]


def usable_targets(
    targets: list[Actor], sources: list[Actor], coding: Coding, article: Article
) -> list[Actor]:
    """Drop targets that are the source itself, or an opponent named as a partner."""
    heads = {source.head for source in sources}
    cooperative = (coding.code or "")[:2] in COOPERATIVE_ROOTS
    return [
        target
        for target in targets
        if target.head not in heads and not (cooperative and opposed(article.columns, target.head))
    ]


CLAIM_OF_RESPONSIBILITY = Coding("015", None, matched=True)
"""What claiming one's own act is in CAMEO ('the US claimed that they had attacked Iraq')."""


def claimed_deed(columns: Columns, trigger: int) -> int | None:
    """Return the act a speaker claims as their own ('claimed that they had attacked')."""
    if columns.lemma[trigger] not in ALLEGING_VERBS:
        return None
    for clause in columns.children[trigger]:
        if columns.dep[clause] != "ccomp":
            continue
        subject = columns.child_with(clause, {"nsubj", "nsubjpass"})
        if subject is not None and columns.lower[subject] in PRONOUNS:
            return clause
    return None


DIRECTED_ROOTS = frozenset({"06", "07"})
"""Roots of help given to someone: without a recipient they say nothing an analyst can use."""


COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
"""Roots of cooperation, whose partner is never the object of 'against'."""


def opposed(columns: Columns, noun: int) -> bool:
    """Tell whether a noun is the object of 'against' ('its campaign against the group')."""
    return columns.dep[noun] == "pobj" and columns.lower[columns.head[noun]] == "against"


def mutual(code: str, actors: list[Actor]) -> list[Dyad]:
    """Return the events of conjoined actors acting on each other ('X, Y and Z met')."""
    return [Dyad(code, one, other) for one in actors for other in actors if one is not other]


def directed(coding: Coding, source: Actor, target: Actor | None) -> list[Dyad]:
    """Return the event of a pair and, for symmetric or reversed codes, its converse."""
    if not coding.code:
        return [Dyad(coding.reverse, target, source)] if coding.reverse and target else []
    found = [Dyad(coding.code, source, target)]
    if coding.reverse == coding.code and target:
        found.append(Dyad(coding.reverse, target, source))
    return found


VIOLENT_ROOTS = frozenset({"18", "19", "20"})
"""Roots whose victims make an event even when the perpetrator is unknown."""

ARREST = "173"
"""CAMEO's arrest: news names who was arrested and leaves the police unsaid ('the driver was
arrested'), and the arrested are people, private ones included."""


def unattributed(coding: Coding, trigger: int, article: Article) -> list[Dyad]:
    """Return violent events and arrests whose perpetrator is unknown ('three soldiers were
    killed', 'the driver was arrested')."""
    code = coding.code or ""
    if code[:2] not in VIOLENT_ROOTS and code != ARREST:
        return []
    if code == ARREST and is_background(article.columns, trigger):
        return []
    first = list(islice(target_phrases(article.columns, trigger), 1))
    targets = first_coded(first, article)
    if code == ARREST and is_passive(article.columns, trigger):
        targets = [arrested_person(target, article) for target in targets] or [
            person for nouns in first for noun in nouns if (person := arrested(noun, article))
        ]
    return [
        Dyad(code, None, target)
        for target in targets
        if not target.code.startswith(UNKNOWN_COUNTRY)
    ]


QUALIFYING_CLAUSES = frozenset({"relcl", "acl"})
"""Dependencies of a clause that qualifies a noun ('a member jailed over a year ago')."""


def is_background(columns: Columns, trigger: int) -> bool:
    """Tell whether a clause qualifying a noun dates its act itself ('who had been arrested 15
    months ago'): it says who someone is, not what the news reports."""
    if columns.dep[trigger] not in QUALIFYING_CLAUSES:
        return False
    return any(
        columns.ent_type[token] == "DATE"
        for child in columns.children[trigger]
        for token in columns.subtree(child)
    )


def arrested_person(target: Actor, article: Article) -> Actor:
    """Place a person arrested who has no country in the article's country."""
    country = article_country(article)
    if not target.code.startswith(UNKNOWN_COUNTRY) or country is None:
        return target
    return Actor(country + (target.code[3:] or "CVL"), target.first, target.last, target.head)


def arrested(noun: int, article: Article) -> Actor | None:
    """Code the person a passive arrest names ('the driver', 'who' of 'the driver, who was
    arrested') as a civilian of the article's country."""
    columns = article.columns
    if columns.lower[noun] in RELATIVE_PRONOUNS and columns.dep[columns.head[noun]] == "relcl":
        noun = owner_noun(columns, columns.head[columns.head[noun]])
    country = article_country(article)
    if country is None or columns.pos[noun] not in {"NOUN", "PROPN"} or is_incident(columns, noun):
        return None
    return Actor(country + "CVL", min(phrase_tokens(columns, noun)), noun, noun)


RELATIVE_PRONOUNS = frozenset({"who", "whom", "that"})
"""Pronouns that stand for the noun their relative clause qualifies."""


def owner_noun(columns: Columns, noun: int) -> int:
    """Return the noun an 'of' phrase belongs to ('the driver' of 'the driver of the bus, who')."""
    prep = columns.head[noun]
    if columns.dep[noun] == "pobj" and columns.lower[prep] == "of":
        if columns.pos[columns.head[prep]] in {"NOUN", "PROPN"}:
            return columns.head[prep]
    return noun


def article_country(article: Article) -> str | None:
    """Return the country of the article's place: its dateline's, else its main place's."""
    place = dateline_place(article) or main_place(article)
    return None if place is None else place.country


def is_political(source: Actor, target: Actor | None) -> bool:
    """Tell whether a dyad involves a known country or organisation, not just bare roles."""
    return not source.code.startswith(UNKNOWN_COUNTRY) or (
        target is not None and not target.code.startswith(UNKNOWN_COUNTRY)
    )


def source_phrases(columns: Columns, trigger: int) -> list[int]:
    """Return the source noun heads of a trigger, pronouns resolved."""
    if columns.pos[trigger] == "NOUN":
        nouns = nominal_sources(columns, trigger)
    else:
        nouns = source_nouns(columns, trigger)
    return [found for noun in nouns for found in resolve_pronoun(columns, noun, trigger)]


def target_phrases(columns: Columns, trigger: int) -> Iterator[list[int]]:
    """Yield the candidate target phrases of a trigger, best first (read as far as needed)."""
    if columns.pos[trigger] == "NOUN":
        found = nominal_targets(columns, trigger)
    else:
        found = target_nouns(columns, trigger)
    for nouns in found:
        yield [one for noun in nouns for one in resolve_pronoun(columns, noun, trigger)]


def coded(nouns: list[int], article: Article) -> list[Actor]:
    """Code noun heads as actors; a conjunct without a country borrows its neighbour's."""
    actors: list[Actor] = []
    columns = article.columns
    for noun in nouns:
        if (
            noun in article.dateline
            or article.mask.covers(columns.idx[noun])
            or is_incident(columns, noun)
        ):
            continue
        for actor in code_actors(article.doc, noun, article.day) or local_person(noun, article):
            if actor.code.startswith(UNKNOWN_COUNTRY) and actors and actors[-1].country:
                actor = Actor(
                    actors[-1].country + actor.code[3:], actor.first, actor.last, actor.head
                )
            actors.append(actor)
    return actors


INCIDENTS = frozenset({"crash", "explosion", "blast", "accident", "bomb", "fire", "storm"})
"""Nouns of incidents and devices: what happened, never who acted ('killed by a crash')."""


def is_incident(columns: Columns, noun: int) -> bool:
    """Tell whether a noun names an incident or an event rather than an actor."""
    lemma = columns.lemma[noun]
    return lemma in INCIDENTS or lemma in load_lexicon().nouns


def first_coded(candidates: Iterable[list[int]], article: Article) -> list[Actor]:
    """Return the actors of the first phrase naming a country or body, else a bare role."""
    fallback: list[Actor] = []
    for nouns in candidates:
        actors = coded(nouns, article)
        if any(not actor.code.startswith(UNKNOWN_COUNTRY) for actor in actors):
            return actors
        fallback = fallback or actors
    return fallback


def is_local_person(actor: Actor | None, article: Article) -> bool:
    """Tell whether an actor is a name coded from the article's country, not the dictionary."""
    return actor is not None and code_actor(article.doc, actor.head, article.day) is None


def local_person(noun: int, article: Article) -> list[Actor]:
    """Code a person, company or team the dictionary does not know as a civilian of the
    article's country.

    ICEWS codes such a person or firm as a non-state actor of their country; where the text
    does not say, the article's place (its dateline, else its main place) is the best guess.
    """
    columns = article.columns
    if (
        not (is_name_head(columns, noun) or is_people_name(columns, noun))
        or columns.dep[noun] == "appos"
    ):
        return []  # an apposition renames its head: 'NATO's command (ACO)' is one actor
    country = article_country(article)
    if country is None:
        return []
    tokens = phrase_tokens(columns, noun)
    return [Actor(country + "CVL", min(tokens), noun, noun)]


def is_people_name(columns: Columns, noun: int) -> bool:
    """Tell whether a plural noun names a people the dictionary does not know ('Brits')."""
    return columns.ent_type[noun] == "NORP" and columns.tag[noun] in {"NNS", "NNPS"}


NAME_LABELS = frozenset({"PERSON", "ORG"})
"""Entity labels of a private actor: a person, or a company, team or group."""


def is_name_head(columns: Columns, noun: int) -> bool:
    """Tell whether a token ends the name of a person or organisation, not a name a noun
    before it classes ('the militant group al-Shabab') nor a word the parser misread
    ('Barack' as ADP)."""
    types = columns.ent_type
    label = types[noun]
    if label not in NAME_LABELS or columns.pos[noun] != "PROPN":
        return False
    if noun + 1 < len(types) and types[noun + 1] == label:
        return False
    first = noun
    while first > 0 and types[first - 1] == label:
        first -= 1
    return first == 0 or columns.pos[first - 1] != "NOUN"
