"""CAMEO actor codes for noun phrases: countries, organisations, people, roles."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile

from spacy.tokens import Doc

from analysis_worker.extraction.columns import Columns, columns_of
from analysis_worker.extraction.document_cache import cached
from analysis_worker.extraction.lexicon import Lexicon, load_lexicon

MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod", "npadvmod", "nummod", "det"})
"""Left dependents that belong to a noun phrase's name ('Russian fighter jets', 'NATO's')."""

UNKNOWN_COUNTRY = "---"
"""CAMEO's placeholder for an actor whose country is not known ('---MIL')."""

NO_DATE = 0
"""Article date used when none is known: pick each actor's latest role."""


@dataclass(frozen=True)
class Match:
    """A lexicon hit inside a noun phrase: which tokens, which code."""

    first: int
    last: int
    code: str
    possessor: bool


@dataclass(frozen=True)
class Actor:
    """A noun phrase coded as a CAMEO actor."""

    code: str
    first: int
    last: int
    head: int

    @property
    def country(self) -> str | None:
        """Return the country part of the code (None for organisations and unknowns)."""
        prefix = self.code[:3]
        return (
            None if len(prefix) < 3 or prefix in {"IGO", "NGO", "MNC", UNKNOWN_COUNTRY} else prefix
        )


def phrase_tokens(columns: Columns, head: int) -> list[int]:
    """Return the head and the left modifiers that name it, in text order."""
    dep = columns.dep
    tokens = [
        token
        for child in columns.lefts(head)
        if dep[child] in MODIFIER_DEPS
        for token in columns.subtree(child)
        if dep[token] not in {"cc", "conj", "punct"} or columns.head[token] != child
    ]
    return sorted({*tokens, head})


def code_actor(doc: Doc, head: int, day: int = NO_DATE) -> Actor | None:
    """Return the actor a noun phrase names, or None if it names none (once per document)."""
    known: dict[tuple[int, int], Actor | None] = cached(doc, "actors", lambda doc: {})
    key = (head, day)
    if key not in known:
        known[key] = read_actor(doc, head, day)
    return known[key]


def read_actor(doc: Doc, head: int, day: int) -> Actor | None:
    """Code the noun phrase a head names."""
    lexicon = load_lexicon()
    columns = columns_of(doc)
    tokens = phrase_tokens(columns, head)
    named = find_names(columns, tokens, lexicon, day)
    role = (
        find_role(columns, [*tokens, *of_phrase(columns, head)], lexicon)
        or find_role(columns, tokens, lexicon)
        or title_role(columns, tokens, head, lexicon)
    )
    first = min(tokens)
    if not named:
        owner = owner_of(doc, columns, head, day)
        if owner is not None:
            code = owner.code if len(owner.code) > 3 or role is None else owner.code + role
            return Actor(code, first, owner.last, head)
        if role is None:
            return None
    code = compose_code(choose_name(named, head), role)
    return Actor(code=code, first=first, last=head, head=head)


def code_actors(doc: Doc, head: int, day: int = NO_DATE) -> list[Actor]:
    """Return the actor a phrase names, one per conjoined modifier ('US and British activists')."""
    main = code_actor(doc, head, day)
    if main is None or main.country is None:
        return [main] if main else []
    role = main.code[3:]
    return [
        main,
        *(
            Actor(code + role, main.first, main.last, head)
            for code in conjoined_countries(columns_of(doc), head, day)
        ),
    ]


def conjoined_countries(columns: Columns, head: int, day: int) -> list[str]:
    """Return the countries named by conjuncts of the head's modifiers."""
    lexicon = load_lexicon()
    return [
        names[0].code[:3]
        for child in columns.lefts(head)
        if columns.dep[child] in MODIFIER_DEPS
        for conj in columns.children[child]
        if columns.dep[conj] == "conj"
        and (names := find_names(columns, sorted(columns.subtree(conj)), lexicon, day))
    ]


OWNER_REACH = 8
"""How many tokens after the head an owner may stand ('a report released Tuesday in Kigali')."""

OWNER_PREPS = frozenset({"of", "in", "from"})
"""Prepositions that name who a role belongs to ('a court in Guyana', 'leaders of Egypt')."""


def owner_preps(columns: Columns, head: int) -> list[int]:
    """Return the owner prepositions of the head and of a participle after it ('released in')."""
    dep = columns.dep
    holders = [
        head,
        *(
            child
            for child in columns.rights(head)
            if dep[child] == "acl" and columns.tag[child] == "VBN"
        ),
    ]
    return [
        child
        for holder in holders
        for child in columns.rights(holder)
        if dep[child] == "prep" and columns.lower[child] in OWNER_PREPS
    ]


def owner_of(doc: Doc, columns: Columns, head: int, day: int) -> Actor | None:
    """Look through 'of'/'in'/'from' ('the Secretary General of the Alliance') for an owner."""
    for child in owner_preps(columns, head):
        owner = columns.child_with(child, {"pobj"})
        if owner is not None and owner - head <= OWNER_REACH:
            found = code_actor(doc, owner, day)
            if found is not None and not found.code.startswith(UNKNOWN_COUNTRY):
                return found
    return None


def find_names(columns: Columns, tokens: list[int], lexicon: Lexicon, day: int) -> list[Match]:
    """Find the longest actor-dictionary names among the tokens, left to right."""
    matches: list[Match] = []
    position = 0
    while position < len(tokens):
        match = _name_at(columns, tokens, position, lexicon, day)
        if match is None:
            position += 1
            continue
        matches.append(match)
        position += match.last - match.first + 1
    return matches


def _name_at(
    columns: Columns, tokens: list[int], position: int, lexicon: Lexicon, day: int
) -> Match | None:
    first = tokens[position]
    text = columns.text[first]
    if text in lexicon.aliases:
        return Match(first, first, lexicon.aliases[text]["code"], _is_possessor(columns, first))
    if not (text[:1].isupper() or columns.pos[first] == "PROPN"):
        return None
    window = tokens[position : position + lexicon.longest_actor]
    words = [columns.lower[token] for token in window]
    for size in range(len(window), 0, -1):
        periods = lookup_name(words[:size], lexicon)
        if periods:
            last = window[size - 1]
            return Match(first, last, code_on(periods, day), _is_possessor(columns, last))
    return None


def lookup_name(words: list[str], lexicon: Lexicon) -> list[tuple[str, int, int]] | None:
    """Look a name up as written, then with a plural 's' dropped ('Albanians')."""
    found = lexicon.actors.get(" ".join(words))
    if found is None and len(words[-1]) > 3 and words[-1].endswith("s"):
        found = lexicon.actors.get(" ".join([*words[:-1], words[-1][:-1]]))
    return found


def _is_possessor(columns: Columns, token: int) -> bool:
    return columns.dep[token] == "poss" or any(
        columns.dep[child] == "case" for child in columns.children[token]
    )


def code_on(periods: list[tuple[str, int, int]], day: int) -> str:
    """Return the code valid on day (YYYYMMDD), or the latest one when none is."""
    valid = [period for period in periods if day != NO_DATE and period[1] <= day <= period[2]]
    if valid:
        return min(valid, key=lambda period: period[2] - period[1])[0]
    return max(periods, key=lambda period: period[1])[0]


def of_phrase(columns: Columns, head: int) -> list[int]:
    """Return a short common-noun 'of' phrase after the head ('secretary of state')."""
    for child in columns.rights(head):
        if columns.dep[child] == "prep" and columns.lower[child] == "of":
            tokens = sorted(columns.subtree(child))
            if len(tokens) <= 4 and all(columns.text[token].islower() for token in tokens):
                return tokens
    return []


def title_role(columns: Columns, tokens: list[int], head: int, lexicon: Lexicon) -> str | None:
    """Return the role of a title before a person's name ('Archbishop Desmond Tutu')."""
    if columns.ent_type[head] != "PERSON":
        return None
    titles = list(takewhile(lambda token: columns.ent_type[token] != "PERSON", tokens))
    for end in range(len(titles), 0, -1):
        role = find_role(columns, titles[:end], lexicon)
        if role is not None:
            return role
    return None


def find_role(columns: Columns, tokens: list[int], lexicon: Lexicon) -> str | None:
    """Return the role the phrase's head names, e.g. 'defense ministers' -> GOVMIL."""
    lemmas = [columns.lemma[token] for token in tokens]
    end = len(lemmas)
    for start in range(max(0, end - lexicon.longest_agent), end):
        role = lexicon.agents.get(" ".join(lemmas[start:end]))
        if role is not None:
            return role
    return None


def choose_name(named: list[Match], head: int) -> str | None:
    """Prefer a possessor ('Russia's army'), else the name nearest the head."""
    if not named:
        return None
    owners = [match for match in named if match.possessor and match.last != head]
    return (owners or sorted(named, key=lambda match: match.last))[-1].code


def compose_code(name: str | None, role: str | None) -> str:
    """Combine a country or organisation code with a role code."""
    if name is None:
        return UNKNOWN_COUNTRY + (role or "")
    if role and len(name) == 3 and not name.endswith(role):
        return name + role
    return name
