"""Every event's place: its locative phrase, its target, its sentence, the dateline, the article."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Span

from analysis_worker.extraction.actors import Actor
from analysis_worker.extraction.article import Article
from analysis_worker.extraction.document_cache import cached, document_text
from analysis_worker.extraction.entities import entities_by_token
from analysis_worker.extraction.mentions import document_mentions, sentence_mentions
from analysis_worker.extraction.places import PLACE_LABELS, geocode, load_gazetteer
from newsflow.core.models import Location, LocationSource

TERRITORY_NOUNS = frozenset(
    {
        "airspace",
        "waters",
        "territory",
        "territories",
        "soil",
        "border",
        "borders",
        "coast",
        "coastline",
        "skies",
        "shores",
        "island",
        "islands",
        "capital",
        "city",
        "town",
        "village",
        "region",
        "province",
        "port",
    }
)
"""Heads of a target that is the place itself ('violated Estonian airspace' happened in Estonia)."""

MODIFIERS = frozenset({"compound", "amod", "nmod", "poss"})
"""A place in these roles qualifies a thing ('UK bars', 'the Cleveland Indians'), not a scene."""

LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "along", "off"})
"""Prepositions whose place object is a scene ('in Croydon', 'outside the tower')."""

PLACE_TARGET_ROOTS = frozenset({"15", "17", "18", "19", "20"})
"""Roots whose place-named target is where they happen ('shelled Kharkiv', 'invaded Ukraine')."""


@dataclass(frozen=True)
class Placed:
    """A place and where it was read from."""

    location: Location
    source: LocationSource


def target_place(article: Article, target: Actor | None, root: str) -> Placed | None:
    """Return the place an event's target is: a named place or a place's territory."""
    if target is None:
        return None
    columns = article.columns
    head = target.head
    if columns.lemma[head] in TERRITORY_NOUNS and target.country:
        location = load_gazetteer().by_code.get(target.country)
        return Placed(location, "argument") if location else None
    if root in PLACE_TARGET_ROOTS and columns.ent_type[head] in PLACE_LABELS:
        location = place_named(article, head)
        return Placed(location, "argument") if location else None
    return None


def place_named(article: Article, token: int) -> Location | None:
    """Return the place an entity token names, by its name or its country's actor code."""
    mentions = document_mentions(article.doc)
    index = bisect_right(mentions, token, key=lambda span: span.start) - 1
    if index < 0 or not token < mentions[index].end:
        return None
    ent = mentions[index]
    return geocode(document_text(article.doc)[ent.start_char : ent.end_char]) or (
        country_of_entity(article, token)
    )


def country_of_entity(article: Article, token: int) -> Location | None:
    """Return the country an entity's CAMEO code names ('UK', 'Britain', 'U.S.')."""
    entity = entities_by_token(article.doc).get(token)
    code = entity.actor_code if entity else None
    return load_gazetteer().by_code.get(code[:3]) if code else None


def fallback_place(
    article: Article, sent: Span, trigger: int, source: Actor | None, lead: Location | None
) -> Placed | None:
    """Return the place nearest the trigger in its sentence, else the dateline's or article's.

    The article's place is the lead's (the summary's where) when it has one.
    """
    found = sentence_place(article, sent, trigger, source)
    if found is not None:
        return Placed(found, "sentence")
    dateline = dateline_place(article)
    if dateline is not None:
        return Placed(dateline, "dateline")
    main = lead or main_place(article)
    return Placed(main, "article") if main else None


def sentence_place(
    article: Article, sent: Span, trigger: int, source: Actor | None
) -> Location | None:
    """Return the sentence's place nearest the trigger, other than the source's own name."""
    own = range(source.first, source.last + 1) if source else range(0)
    dep = article.columns.dep
    places = [
        ent
        for ent in sentence_mentions(sent)
        if ent.label_ in PLACE_LABELS and ent.start not in own and dep[ent.root.i] not in MODIFIERS
    ]
    for ent in sorted(places, key=lambda ent: abs(ent.start - trigger)):
        location = place_named(article, ent.start)
        if location is not None:
            return location
    return None


def dateline_place(article: Article) -> Location | None:
    """Return the place of the article's dateline ('BRUSSELS, Belgium -'), if any."""
    return cached(article.doc, "dateline_place", lambda _: read_dateline_place(article))


def read_dateline_place(article: Article) -> Location | None:
    """Geocode the wire dateline's place, else the first place entity inside a dateline."""
    if article.dateline_place is not None:
        start, end = article.dateline_place
        location = geocode(document_text(article.doc)[start:end])
        if location is not None:
            return location
    ent = dateline_entity(article)
    return place_named(article, ent.start) if ent is not None else None


def dateline_entity(article: Article) -> Span | None:
    """Return the first place named in a dateline of the lead that can be geocoded."""
    for ent in document_mentions(article.doc):
        if ent.start_char >= article.lead_end:
            break
        if ent.start in article.dateline and ent.label_ in PLACE_LABELS:
            if place_named(article, ent.start) is not None:
                return ent
    return None


def main_place(article: Article) -> Location | None:
    """Return the article's main place: the lead's scene, else the place named most often."""
    return cached(
        article.doc, "main_place", lambda _: lead_scene(article) or read_main_place(article)
    )


def lead_scene(article: Article) -> Location | None:
    """Return the first place of the headline and lead that is a scene ('in Croydon')."""
    columns = article.columns
    for ent in document_mentions(article.doc):
        if ent.start_char >= article.lead_end:
            return None
        head = columns.head[ent.root.i]
        if ent.label_ in PLACE_LABELS and columns.dep[ent.root.i] == "pobj":
            if columns.lower[head] in LOCATIVE_PREPS and not article.mask.covers(ent.start_char):
                location = place_named(article, ent.start)
                if location is not None:
                    return location
    return None


def read_main_place(article: Article) -> Location | None:
    """Return the place named most often."""
    mention = main_place_mention(article)
    return place_named(article, mention.start) if mention is not None else None


def main_place_mention(article: Article) -> Span | None:
    """Return the first mention of the place the article names most often (once per document)."""
    return cached(article.doc, "main_place_mention", lambda _: most_named(article))


def most_named(article: Article) -> Span | None:
    """Count the geocoded place mentions outside boilerplate, cities and countries alike."""
    counts: Counter[str] = Counter()
    first: dict[str, Span] = {}
    for ent in document_mentions(article.doc):
        if ent.label_ in PLACE_LABELS and not article.mask.covers(ent.start_char):
            location = place_named(article, ent.start)
            if location is not None:
                counts[location.name] += 1
                first.setdefault(location.name, ent)
    if not counts:
        return None
    return first[max(counts, key=lambda name: (counts[name], -list(first).index(name)))]
