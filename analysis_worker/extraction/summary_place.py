"""Where the main happening took place, as the lead says it: dateline, scene, place named."""

from __future__ import annotations

from spacy.tokens import Span

from analysis_worker.extraction.article import Article
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import document_text
from analysis_worker.extraction.locations import (
    dateline_entity,
    dateline_place,
    main_place,
    main_place_mention,
    place_named,
)
from analysis_worker.extraction.mentions import sentence_mentions
from analysis_worker.extraction.places import PLACE_LABELS, geocode
from newsflow.core.models import Location, Phrase


def place_phrase(
    article: Article, lead: list[Span], body: list[Span]
) -> tuple[Phrase | None, Location | None]:
    """Return where the lead says it happened, else the dateline's, else the first scene of
    the body (a story that opens on its news tells the scene after: 'At 00:48 in X, ...'),
    else the most named place."""
    if article.dateline_place is not None:
        start, end = article.dateline_place
        text = document_text(article.doc)[start:end]
        if geocode(text) is not None:
            return Phrase(text=text, start=start, end=end), geocode(text)
    columns = article.columns
    mentions = [ent for sent in lead for ent in sentence_mentions(sent)]
    places = [ent for ent in mentions if ent.label_ in PLACE_LABELS]
    dateline = [ent for ent in [dateline_entity(article)] if ent is not None]
    scenes = [ent for ent in mentions if is_scene(columns, ent) and is_place(ent)]
    named = [ent for ent in places if columns.dep[ent.root.i] not in MODIFIER_DEPS]
    later = [ent for sent in body for ent in sentence_mentions(sent)]
    body_scenes = [
        ent
        for ent in later
        if is_scene(columns, ent) and is_place(ent) and place_named(article, ent.start)
    ]
    for ent in [*dateline, *scenes, *named, *body_scenes]:
        location = place_named(article, ent.start)
        if location is not None or ent.label_ != "GPE":
            return place_span(article, ent), location
    main = main_place_mention(article)
    if main is not None:
        return Phrase(text=main.text, start=main.start_char, end=main.end_char), main_place(article)
    return None, dateline_place(article) or main_place(article)


def is_place(ent: Span) -> bool:
    """Tell whether an entity is a place, also one NER took for a name ('the Leeds crash')."""
    return ent.label_ in PLACE_LABELS or (
        ent.label_ in MISTAKEN_LABELS and geocode(ent.text) is not None
    )


MISTAKEN_LABELS = frozenset({"ORG", "PRODUCT"})
"""Labels NER gives a town before a happening ('Croydon tram crash') that may be the place."""


def is_scene(columns: Columns, ent: Span) -> bool:
    """Tell whether a place is where something happened: 'in X', 'on X Road', 'the X crash'."""
    token = ent.root.i
    if locative_prep(columns, token) is not None:
        return True
    head = columns.head[token]
    if columns.dep[token] == "pobj" and columns.lower[head] == "on":
        return ent.label_ in {"FAC", "LOC"}  # 'on Fifth Avenue', not 'sanctions on Russia'
    while columns.dep[token] == "compound" and columns.head[token] != token:
        token = columns.head[token]
    return columns.dep[ent.root.i] == "compound" and columns.lemma[token] in SCENE_NOUNS


SCENE_NOUNS = frozenset(
    "crash attack shooting explosion blast fire derailment tragedy disaster accident protest "
    "riot bombing earthquake flood collision massacre siege raid rally summit stabbing "
    "hostage outbreak storm".split()
)
"""Happenings a place name may qualify as their scene ('the Leeds tram crash')."""

MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "npadvmod", "pobj"})
"""A place in these roles qualifies something ('UK-only bars', 'president of the US')."""


def locative_prep(columns: Columns, token: int) -> int | None:
    """Return the preposition whose object the place is ('in Croydon', 'outside the tower')."""
    head = columns.head[token]
    while columns.dep[token] in {"appos", "conj", "compound"} and head != token:
        token, head = head, columns.head[head]
    return head if columns.dep[token] == "pobj" and columns.lower[head] in PLACE_PREPS else None


PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "along", "off", "into"})
"""Prepositions whose object says where the main happening took place."""


def place_span(article: Article, ent: Span) -> Phrase:
    """Return the place's phrase: its locative phrase when it has one ('in a tunnel near X')."""
    columns = article.columns
    prep = locative_prep(columns, ent.root.i)
    if prep is None and columns.dep[ent.root.i] == "pobj" and is_scene(columns, ent):
        prep = columns.head[ent.root.i]
    if prep is None:
        return Phrase(text=ent.text, start=ent.start_char, end=ent.end_char)
    appositions = [
        c
        for c in columns.rights(ent.root.i)
        if columns.dep[c] == "appos" and columns.ent_type[c] in PLACE_LABELS  # 'X, south London'
    ]
    end = max([ent.end - 1, *(entity_end(columns, c) for c in appositions)])
    span = article.doc[prep : end + 1]
    return Phrase(text=span.text, start=span.start_char, end=span.end_char)


def entity_end(columns: Columns, token: int) -> int:
    """Return the last token of the entity a token starts ('Ohio', not 'Ohio, Michael ...')."""
    label = columns.ent_type[token]
    while token + 1 < len(columns.ent_type) and columns.ent_type[token + 1] == label:
        token += 1
    return token
