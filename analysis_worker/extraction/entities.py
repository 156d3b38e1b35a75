"""Named entities from spaCy's NER, each with a canonical key shared across articles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.tokens import Doc, Span

from analysis_worker.extraction.columns import columns_of
from analysis_worker.extraction.document_cache import cached, document_text, span_text
from analysis_worker.extraction.entity_mask import entity_mask
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.mentions import document_mentions
from analysis_worker.extraction.places import load_gazetteer, plain
from newsflow.core.models import Entity

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
"""spaCy labels kept as entities; numbers, dates and quantities are not things to look up."""

TITLE_WORDS = frozenset(
    {
        "president",
        "prime",
        "minister",
        "secretary",
        "general",
        "chancellor",
        "king",
        "queen",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "senator",
        "governor",
        "defense",
        "defence",
        "foreign",
    }
)
"""Words of a title that may precede a name inside a PERSON span ('President Donald Trump')."""

NAME_CACHE_SIZE = 65536
"""How many entity names the pure name functions remember (names recur across articles)."""

_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class PersonKeys:
    """The person keys of one article: of names spaCy tagged PERSON, and of surnames."""

    named: dict[str, str]
    surnames: dict[str, str]


@lru_cache(maxsize=NAME_CACHE_SIZE)
def entity_key(label: str, text: str) -> str:
    """Return the canonical key of an entity: its label and its normalised name."""
    return f"{label.lower()}:{slug(name_of(text))}"


def name_of(text: str) -> str:
    """Return a mention's name without article, possessive and surrounding blanks."""
    name = unicodedata.normalize("NFKC", text).strip()
    return _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", name))


def slug(name: str) -> str:
    """Return a name as a lower-case, hyphenated slug."""
    return _NON_WORD.sub("-", name.casefold()).strip("-")


def person_words(text: str) -> list[str]:
    """Return the words of a person's name without leading titles."""
    words = slug(name_of(text)).split("-")
    while len(words) > 1 and words[0] in TITLE_WORDS:
        words = words[1:]
    return words


@lru_cache(maxsize=NAME_CACHE_SIZE)
def person_name(text: str) -> str:
    """Return a mention as a person's name key without titles ('donald-trump')."""
    return "-".join(person_words(text))


@cache
def known_full_names() -> dict[str, str]:
    """Map a surname to the one full name the actor dictionary knows for it ('rutte')."""
    candidates: dict[str, set[str]] = {}
    for name in load_lexicon().actors:
        words = name.split()
        if len(words) in {2, 3} and all(word.isalpha() for word in words):
            candidates.setdefault(words[-1], set()).add("-".join(words))
    return {surname: next(iter(full)) for surname, full in candidates.items() if len(full) == 1}


def person_keys(spans: list[Span]) -> dict[str, str]:
    """Give every variant of a person's name in one article its fullest form's key."""
    names = {person_name(span_text(span)) for span in spans}
    by_length = sorted(names, key=len, reverse=True)
    keys = {}
    for name in names:
        fuller = next((full for full in by_length if full.endswith("-" + name)), None)
        fuller = fuller or known_full_names().get(name, name) if "-" not in name else fuller or name
        keys[name] = f"person:{fuller}"
    return keys


def surname_keys(spans: list[Span], named: dict[str, str]) -> dict[str, str]:
    """Map the surnames of persons named in full (in the article or the dictionary) to their keys.

    Only these make a mention spaCy labelled otherwise a person ('Jordan' after 'Neil Jordan');
    a club or company that spaCy once took for a person ('Kestrel') keeps spaCy's label.
    """
    known = known_full_names()
    surnames = {name: key for name, key in named.items() if name in known}
    full = {named[person_name(text)] for text in map(span_text, spans) if is_full_name(text)}
    for key in sorted(full, key=len):  # the longest full name wins, as in person_keys
        words = key.removeprefix("person:").split("-")
        surnames.update(("-".join(words[first:]), key) for first in range(1, len(words)))
    return surnames


def is_full_name(text: str) -> bool:
    """Tell whether a PERSON span names someone in full: two words or more, not in capitals.

    A span in capitals is a headline's words ('MARLINS BEAT REDS').
    """
    return len(text.split()) > 1 and not text.isupper()


@lru_cache(maxsize=NAME_CACHE_SIZE)
def actor_code_of(text: str) -> str | None:
    """Return the CAMEO code of an entity's name, if the actor dictionary has it."""
    lexicon = load_lexicon()
    alias = lexicon.aliases.get(text.removeprefix("the ").removeprefix("The "))
    if alias:
        return alias["code"]
    periods = lexicon.actors.get(name_of(text).lower())
    return max(periods, key=lambda period: period[1])[0] if periods else None


def canonical_key(label: str, text: str, persons: PersonKeys, code: str | None) -> str:
    """Return the key shared by every name of the same entity (label and text of a mention)."""
    person = person_name(text)
    if label == "PERSON":
        return persons.named[person]
    if person in persons.surnames:
        return persons.surnames[person]
    canonical = load_lexicon().canonical
    if code in canonical:
        return canonical[code]
    if label == "GPE" and code is not None and len(code) == 3 and not is_city(text):
        return f"gpe:{slug(country_name(code) or text)}"
    return entity_key(label, text)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_city(text: str) -> bool:
    """Tell whether a place name is a city (kept as itself, not as its country)."""
    return plain(name_of(text)) in load_gazetteer().cities


def country_name(code: str) -> str | None:
    """Return the English name of a country by its ISO alpha-3 code."""
    return country_names().get(code)


@cache
def country_names() -> dict[str, str]:
    """Map ISO alpha-3 codes to English country names (built once)."""
    return {str(row.country): row.name for row in load_gazetteer().countries.values()}


def kept_spans(doc: Doc) -> list[Span]:
    """Return the entity spans worth keeping: right labels, some letters, not masked out."""
    mask = entity_mask(doc)
    lemma = columns_of(doc).lemma
    spans = (first_line(span) for span in document_mentions(doc) if span.label_ in ENTITY_LABELS)
    return [
        span
        for span in spans
        if any(ch.isalpha() for ch in span_text(span))
        and not mask.covers(span.start_char)
        and not is_title_word(span, lemma)
    ]


def first_line(span: Span) -> Span:
    """Cut a span at a line break: no name runs on into the next paragraph ('Jim Adams\nLONDON')."""
    text = span_text(span)
    if "\n" not in text:
        return span
    cut = token_range(columns_of(span.doc).idx, span.start, span.start_char + text.index("\n"))
    return Span(span.doc, span.start, cut.stop, label=span.label_)


def is_title_word(span: Span, lemma: list[str]) -> bool:
    """Tell whether a one-word span starts a role title ('Defense' in 'Defense Secretary')."""
    if len(span) != 1 or span.end >= len(lemma):
        return False
    title = f"{span_text(span).lower()} {lemma[span.end]}"
    return title in load_lexicon().agents


def alias_spans(doc: Doc, taken: set[int]) -> list[Span]:
    """Return mentions of aliases spaCy did not tag ('the Alliance')."""
    aliases = load_lexicon().aliases
    mask = entity_mask(doc)
    found = (
        doc.char_span(m.start(), m.end()) for m in alias_pattern().finditer(document_text(doc))
    )
    return [
        Span(doc, span.start, span.end, label=aliases[span_text(span)]["label"])
        for span in found
        if span is not None and span.start not in taken and not mask.covers(span.start_char)
    ]


@cache
def alias_pattern() -> re.Pattern[str]:
    """Return a pattern matching every alias as a whole word (built once)."""
    names = sorted(load_lexicon().aliases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


def extract_entities(doc: Doc) -> list[Entity]:
    """Return the entity mentions of a parsed document, in text order."""
    return list(entity_index(doc).values())


def entity_index(doc: Doc) -> dict[int, Entity]:
    """Return the document's entities by first token index, computed once per document."""
    return cached(doc, "entities", build_index)


def build_index(doc: Doc) -> dict[int, Entity]:
    """Build the entities of a document, keyed and coded."""
    spans = kept_spans(doc)
    taken = {index for span in spans for index in range(span.start, span.end)}
    spans = sorted([*spans, *alias_spans(doc, taken)], key=lambda span: span.start)
    person_spans = [span for span in spans if span.label_ == "PERSON"]
    named = person_keys(person_spans)
    persons = PersonKeys(named, surname_keys(person_spans, named))
    return {span.start: to_entity(span, persons) for span in spans}


def to_entity(span: Span, persons: PersonKeys) -> Entity:
    """Build the entity of one span."""
    text, label = span_text(span), span.label_
    code = actor_code_of(text)
    key = canonical_key(label, text, persons, code)
    return Entity(
        text=text,
        label="PERSON" if key.startswith("person:") else label,
        start=span.start_char,
        end=span.end_char,
        key=key,
        actor_code=code,
    )


def entities_by_token(doc: Doc) -> dict[int, Entity]:
    """Return, for every token inside an entity, that entity (computed once per document)."""
    return cached(doc, "entity_tokens", index_tokens)


def index_tokens(doc: Doc) -> dict[int, Entity]:
    """Map every token inside an entity to that entity."""
    idx = columns_of(doc).idx
    return {
        index: entity
        for start, entity in entity_index(doc).items()
        for index in token_range(idx, start, entity.end)
    }


def token_range(idx: list[int], start: int, end_char: int) -> range:
    """Return the indices of the tokens from start up to a character offset."""
    stop = start + 1
    while stop < len(idx) and idx[stop] < end_char:
        stop += 1
    return range(start, stop)
