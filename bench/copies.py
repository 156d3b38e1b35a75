"""Distinct articles made from a few hundred real analyses, for the query benchmark.

Copy `number` of a base analysis is its own article (id, url, outlet, acceptance and
publication times spread over two years) with the base's events and entities, varied where
cheap: event dates move with the publication day; in most copies the countries (actor code
prefixes, actor and place countries) are rotated among COUNTRIES, places moving to the new
country's capital; person and organisation keys other than the biggest get a variant per copy,
drawn from a long tail, so the store holds hundreds of thousands of distinct entities while
`org:nato` and the like stay in a large share of the articles, as in real news.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.rewording import reword
from newsflow.core.models import Analysis, Article, ArticleIn, ArticleStatus

EPOCH = datetime(2024, 11, 1, tzinfo=UTC)
"""When the first copy was accepted."""

SPAN_SECONDS = 730 * 86400
"""Acceptance times spread over two years, so timelines have ~104 weeks."""

OUTLETS = 50
"""Outlets the copies come from."""

KEPT_COUNTRIES_SHARE = 0.4
"""Share of copies whose countries stay those of their base (so RUS, USA, UKR stay big)."""

BIG_ENTITY_SHARE = 0.7
"""An entity key in at least this share of the bases is kept in every copy (org:nato)."""

ORIGINAL_KEY_SHARE = 0.3
"""Chance that a copy keeps a varied entity's original key (the rest spread over variants)."""

ENTITY_VARIANTS = 20_000
"""Variants of each varied entity key: 100,000 copies of the seeds' ~20 people and organisations
then hold ~250,000 distinct entities, most in 1-3 articles."""

VARIED_LABELS = frozenset({"PERSON", "ORG"})
"""Entity labels whose keys get variants (places and nationalities are a closed set)."""

COUNTRIES: tuple[tuple[str, str, float, float], ...] = (
    ("USA", "Washington", 38.90, -77.04), ("RUS", "Moscow", 55.76, 37.62),
    ("UKR", "Kyiv", 50.45, 30.52), ("DEU", "Berlin", 52.52, 13.40),
    ("GBR", "London", 51.51, -0.13), ("FRA", "Paris", 48.86, 2.35),
    ("BEL", "Brussels", 50.85, 4.35), ("CHE", "Bern", 46.95, 7.45),
    ("DNK", "Copenhagen", 55.68, 12.57), ("EST", "Tallinn", 59.44, 24.75),
    ("POL", "Warsaw", 52.23, 21.01), ("FIN", "Helsinki", 60.17, 24.94),
    ("SWE", "Stockholm", 59.33, 18.07), ("NOR", "Oslo", 59.91, 10.75),
    ("LVA", "Riga", 56.95, 24.11), ("LTU", "Vilnius", 54.69, 25.28),
    ("ITA", "Rome", 41.90, 12.50), ("ESP", "Madrid", 40.42, -3.70),
    ("NLD", "Amsterdam", 52.37, 4.90), ("TUR", "Ankara", 39.93, 32.86),
    ("CHN", "Beijing", 39.90, 116.40), ("JPN", "Tokyo", 35.68, 139.69),
    ("IND", "New Delhi", 28.61, 77.21), ("IRN", "Tehran", 35.69, 51.39),
    ("ISR", "Jerusalem", 31.77, 35.21), ("EGY", "Cairo", 30.04, 31.24),
    ("SAU", "Riyadh", 24.71, 46.68), ("SYR", "Damascus", 33.51, 36.29),
    ("IRQ", "Baghdad", 33.31, 44.36), ("PAK", "Islamabad", 33.68, 73.05),
    ("AFG", "Kabul", 34.53, 69.17), ("BRA", "Brasilia", -15.79, -47.88),
    ("MEX", "Mexico City", 19.43, -99.13), ("CAN", "Ottawa", 45.42, -75.70),
    ("ZAF", "Pretoria", -25.75, 28.19), ("NGA", "Abuja", 9.08, 7.40),
    ("KEN", "Nairobi", -1.29, 36.82), ("ETH", "Addis Ababa", 9.03, 38.74),
    ("KOR", "Seoul", 37.57, 126.98), ("PRK", "Pyongyang", 39.04, 125.76),
    ("VEN", "Caracas", 10.48, -66.90), ("GEO", "Tbilisi", 41.72, 44.78),
)  # fmt: skip
"""Countries the copies rotate among (ISO alpha-3, capital, its latitude and longitude)."""

COUNTRY_INDEX = {code: position for position, (code, *_) in enumerate(COUNTRIES)}

SYLLABLES = ("ka", "lo", "mi", "ra", "ven", "to", "shu", "bel", "dor", "an", "is", "eth")
"""Syllables of the made-up words that tell entity variants apart."""


@dataclass(frozen=True)
class Base:
    """A real article and its analysis, as spaCy and the extractors made it."""

    text: str
    title: str
    published_at: datetime
    analysis: dict[str, Any]
    """The analysis as plain data (copied with changes, validated once per copy)."""


def big_keys(bases: list[Base]) -> frozenset[str]:
    """Return the entity keys found in at least BIG_ENTITY_SHARE of the bases."""
    found = Counter(k for b in bases for k in {e["key"] for e in b.analysis["entities"]})
    return frozenset(k for k, n in found.items() if n >= BIG_ENTITY_SHARE * len(bases))


def variant_word(variant: int) -> str:
    """Return a pronounceable made-up word, distinct for each variant number."""
    syllables = []
    while True:
        variant, digit = divmod(variant, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
        if variant == 0:
            return "".join(syllables).capitalize()


def unit_hash(*parts: object) -> float:
    """Return a stable pseudo-random number in [0, 1) for these parts."""
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


@dataclass(frozen=True)
class CopyMaker:
    """Makes copy `number` of the bases: an article and its analysis."""

    bases: list[Base]
    big: frozenset[str]

    def accepted_at(self, number: int, total: int) -> datetime:
        """When copy `number` of `total` was accepted (in order, over SPAN_SECONDS)."""
        return EPOCH + timedelta(seconds=SPAN_SECONDS * number / total)

    @staticmethod
    def article_id(number: int) -> str:
        """Return copy `number`'s article id."""
        return f"q{number:06d}"

    def article_in(self, number: int, total: int) -> ArticleIn:
        """Return the copy as a client posts it."""
        base = self.bases[number % len(self.bases)]
        published = self.accepted_at(number, total) - timedelta(hours=1 + number % 47)
        outlet = number * 7919 % OUTLETS
        text, _ = self.reworded(number)
        return ArticleIn(
            id=self.article_id(number),
            title=f"{base.title} ({number})",
            text=f"{text}\nDispatch {number}.",
            url=f"https://outlet{outlet:02d}.example/{published:%Y/%m}/{number}",  # type: ignore[arg-type]
            source=f"Outlet {outlet:02d}",
            published_at=published.isoformat(),  # type: ignore[arg-type]
            language="en",
        )

    def article(self, number: int, total: int) -> Article:
        """Return the copy as the worker holds it after accept (for ResultStore.save)."""
        posted, accepted = self.article_in(number, total), self.accepted_at(number, total)
        fields = posted.model_dump(mode="json", exclude={"id"})
        return Article.model_validate(
            fields
            | {"id": posted.id, "status": ArticleStatus.PROCESSING, "attempts": 1}
            | {"created_at": accepted, "updated_at": accepted}
        )

    def analysis(self, number: int, published_at: datetime) -> Analysis:
        """Return the base's analysis varied for copy `number` published at `published_at`."""
        base = self.bases[number % len(self.bases)]
        shift = published_at.date() - base.published_at.date()
        countries = self._country_map(number)
        keys = self._key_map(number, base)
        _, analysis = self.reworded(number)
        entities = [self._entity(e, keys) for e in analysis["entities"]]
        events = [self._event(e, shift, countries, keys) for e in analysis["events"]]
        return Analysis.model_validate({"entities": entities, "events": events})

    def reworded(self, number: int) -> tuple[str, dict[str, Any]]:
        """Return the base's text and analysis with copy `number`'s topical words."""
        base = self.bases[number % len(self.bases)]
        return reword(base.text, base.analysis, number)

    def _country_map(self, number: int) -> dict[str, int] | None:
        if unit_hash("countries", number) < KEPT_COUNTRIES_SHARE:
            return None
        return {"shift": number % len(COUNTRIES)}

    def _key_map(self, number: int, base: Base) -> dict[str, tuple[str, str]]:
        """Map each varied key of the base to (its key, the word added to its names)."""
        varied = {}
        for entity in base.analysis["entities"]:
            key = entity["key"]
            if key in self.big or entity["label"] not in VARIED_LABELS or key in varied:
                continue
            draw = unit_hash(key, number)
            if draw >= ORIGINAL_KEY_SHARE:
                word = variant_word(int(unit_hash(number, key) * ENTITY_VARIANTS))
                varied[key] = (f"{key}-{word.lower()}", word)
        return varied

    @staticmethod
    def _entity(entity: dict[str, Any], keys: dict[str, tuple[str, str]]) -> dict[str, Any]:
        if entity["key"] not in keys:
            return entity
        key, word = keys[entity["key"]]
        return entity | {"key": key, "text": f"{entity['text']} {word}"}

    def _event(
        self,
        event: dict[str, Any],
        shift: timedelta,
        countries: dict[str, int] | None,
        keys: dict[str, tuple[str, str]],
    ) -> dict[str, Any]:
        changed = dict(event)
        if event["date"] is not None:
            changed["date"] = event["date"] + shift
        for role in ("source", "target", "attributed_to"):
            if event[role] is not None:
                changed[role] = _actor(event[role], countries, keys)
        if event["location"] is not None and countries is not None:
            changed["location"] = _place(event["location"], countries["shift"])
        return changed


def rotate(code: str | None, shift: int) -> str | None:
    """Return the country code `shift` places further in COUNTRIES (others unchanged)."""
    if code is None or code[:3] not in COUNTRY_INDEX:
        return code
    moved = COUNTRIES[(COUNTRY_INDEX[code[:3]] + shift) % len(COUNTRIES)][0]
    return moved + code[3:]


def _actor(
    actor: dict[str, Any], countries: dict[str, int] | None, keys: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    changed = dict(actor)
    if countries is not None:
        changed["actor_code"] = rotate(actor["actor_code"], countries["shift"])
        changed["country"] = rotate(actor["country"], countries["shift"])
    if actor["entity_key"] in keys:
        changed["entity_key"] = keys[actor["entity_key"]][0]
    return changed


def _place(location: dict[str, Any], shift: int) -> dict[str, Any]:
    country = rotate(location["country"], shift)
    if country == location["country"] or country is None:
        return location
    _, capital, lat, lon = COUNTRIES[COUNTRY_INDEX[country]]
    return {"name": capital, "country": country, "lat": lat, "lon": lon, "geonames_id": None}
