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
    dateline = [ent for ent in dateline if not is_kicker(article, ent)]
    scenes = [ent for ent in mentions if is_scene(columns, ent) and is_place(article, ent)]
    named = [ent for ent in places if columns.dep[ent.root.i] not in MODIFIER_DEPS]
    later = [ent for sent in body for ent in sentence_mentions(sent)]
    body_scenes = [
        ent
        for ent in later
        if is_scene(columns, ent) and is_place(article, ent) and place_named(article, ent.start)
    ]
    for ent in [*dateline, *scenes, *named, *body_scenes]:
        location = place_named(article, ent.start) or inner_location(article, ent)
        if location is not None or ent.label_ != "GPE":
            return fullest(article, ent, scenes), location
    main = main_place_mention(article)
    if main is not None:
        return Phrase(text=main.text, start=main.start_char, end=main.end_char), main_place(article)
    return None, dateline_place(article) or main_place(article)


def is_place(article: Article, ent: Span) -> bool:
    """Tell whether an entity is a place, also one NER took for a name ('the Leeds crash'),
    a building only a spatial preposition shows ('outside Trump Towers'), or a people whose
    country qualifies the scene ('in British stores')."""
    columns = article.columns
    if ent.label_ in PLACE_LABELS:
        return True
    if ent.label_ == "NORP":
        return columns.dep[ent.root.i] == "amod" and place_named(article, ent.start) is not None
    prep = locative_prep(columns, ent.root.i)
    if ent.label_ in NAME_LABELS and prep is not None and columns.lower[prep] in SPATIAL_PREPS:
        return True
    return ent.label_ in MISTAKEN_LABELS and geocode(ent.text) is not None


MISTAKEN_LABELS = frozenset({"ORG", "PRODUCT"})
"""Labels NER gives a town before a happening ('Croydon tram crash') that may be the place."""

NAME_LABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART"})
"""Labels NER gives a building's name ('Trump Towers' as a work of art)."""

SPATIAL_PREPS = frozenset({"outside", "inside", "near", "opposite", "beside"})
"""Prepositions whose object is a place whatever its name ('outside X', not 'in X')."""


def is_kicker(article: Article, ent: Span) -> bool:
    """Tell whether a place heads a label before a colon, not a dateline ('US election:')."""
    columns = article.columns
    label = [i for i in range(ent.sent.start, ent.sent.end) if i in article.dateline]
    return any(columns.pos[i] == "NOUN" for i in label)


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
    obj = locative_object(columns, token)
    return columns.head[obj] if obj is not None else None


def locative_object(columns: Columns, token: int) -> int | None:
    """Return the object of a locative preposition the place is or qualifies ('stores' of
    'in British stores', 'suburbs' of 'in the Detroit suburbs')."""
    head = columns.head[token]
    while columns.dep[token] in {"appos", "conj", "compound", "amod"} and head != token:
        token, head = head, columns.head[head]
    return token if columns.dep[token] == "pobj" and columns.lower[head] in PLACE_PREPS else None


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
    obj = locative_object(columns, ent.root.i)
    appositions = [
        c
        for c in columns.rights(ent.root.i)
        if columns.dep[c] == "appos" and columns.ent_type[c] in PLACE_LABELS  # 'X, south London'
    ]
    inner = inner_place(columns, ent.root.i)
    ends = [ent.end - 1, obj or 0, *(entity_end(columns, c) for c in appositions)]
    end = max(ends + ([entity_end(columns, inner)] if inner is not None else []))
    while end > prep and columns.pos[end] == "SPACE":
        end -= 1
    span = article.doc[prep : end + 1]
    return Phrase(text=span.text, start=span.start_char, end=span.end_char)


def inner_place(columns: Columns, token: int) -> int | None:
    """Return the town a place is in ('outside Trump Tower in New York City')."""
    for prep in columns.rights(token):
        if columns.dep[prep] == "prep" and columns.lower[prep] in {"in", "at"}:
            for obj in columns.children[prep]:
                if columns.dep[obj] == "pobj" and columns.ent_type[obj] in PLACE_LABELS:
                    return min(i for i in columns.subtree(obj) if columns.ent_type[i])
    return None


def inner_location(article: Article, ent: Span) -> Location | None:
    """Return where a place no gazetteer knows is, from the town it is in."""
    inner = inner_place(article.columns, ent.root.i)
    return place_named(article, inner) if inner is not None else None


def fullest(article: Article, ent: Span, scenes: list[Span]) -> Phrase:
    """Return the fullest phrase of the place: a headline's scene, as the lead repeats it
    ('outside Trump Tower' -> 'outside Trump Tower in New York City')."""
    same = (
        [other for other in scenes if other.text.strip() == ent.text.strip()]
        if ent in scenes
        else [ent]
    )
    return max((place_span(article, other) for other in same), key=lambda p: p.end - p.start)


def entity_end(columns: Columns, token: int) -> int:
    """Return the last token of the entity a token starts ('Ohio', not 'Ohio, Michael ...')."""
    label = columns.ent_type[token]
    while token + 1 < len(columns.ent_type) and columns.ent_type[token + 1] == label:
        token += 1
    return token
