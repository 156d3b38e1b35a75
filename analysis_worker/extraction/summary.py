"""The article's main happening as news states it first: who, what, where, when of the lead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from spacy.tokens import Doc, Span

from analysis_worker.extraction.arguments import REPORTING_VERBS
from analysis_worker.extraction.article import Article, read_article
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import document_text
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.locations import (
    dateline_entity,
    dateline_place,
    main_place,
    main_place_mention,
    place_named,
)
from analysis_worker.extraction.mentions import sentence_mentions
from analysis_worker.extraction.places import PLACE_LABELS, geocode
from analysis_worker.extraction.summary_time import time_phrase, when_date
from newsflow.core.models import Location, Phrase, Summary

LEAD_SENTENCES = 4
"""How many sentences state the main happening: the headline and the lead."""

BODY_SENTENCES = 20
"""How far a time phrase is looked for when the lead gives none."""

WHO_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
"""Entity labels of someone who acts."""

PEOPLE_NOUNS = frozenset(
    {
        "people",
        "person",
        "passenger",
        "driver",
        "fan",
        "victim",
        "resident",
        "official",
        "worker",
        "employee",
        "player",
        "team",
        "voter",
        "protester",
        "investigator",
        "survivor",
        "witness",
        "customer",
        "shopper",
        "company",
        "maker",
        "firm",
        "star",
        "singer",
        "child",
        "man",
        "woman",
    }
)
"""Heads of a subject that name people or a group even without a name ('Several people')."""

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
"""Dependencies of a clause's subject."""

CLAUSE_CUTS = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"})
"""Dependents after a subject's head that leave its noun phrase ('Police, who ...')."""

OBJECT_DEPS = frozenset({"dobj", "attr", "acomp", "xcomp", "oprd", "dative", "prep", "agent"})
"""Dependents of the main verb that complete what happened."""

KICKER_REACH = 8
"""A headline's label before a colon ('Tram crash: ...') is at most this many tokens long."""


def summarize(doc: Doc, published_at: datetime | None) -> Summary:
    """Return who did what, where and when, as the headline and lead state it."""
    article, parts = read_article(doc, published_at)
    sentences = [
        piece
        for sent in parts[:BODY_SENTENCES]
        if sent is not None
        for piece in paragraph_pieces(article.columns, without_dateline(article, sent))
    ]
    headline = sentences[:1]  # its kicker ('Tram crash in X:') may name the place
    if sentences:
        sentences[0] = without_kicker(article.columns, sentences[0])
    lead = sentences[:LEAD_SENTENCES]
    main = main_clause(article.columns, lead)
    when = time_phrase(article, sentences[:BODY_SENTENCES], main[0] if main else None)
    where, location = place_phrase(article, headline + lead[1:])
    return Summary(
        who=phrase(doc, subject_tokens(article.columns, main[1])) if main else first_actor(lead),
        what=phrase(doc, predicate_tokens(article.columns, *main)) if main else None,
        where=where,
        when=when,
        date=when_date(article, when) or article.published,
        location=location,
    )


def phrase(doc: Doc, tokens: list[int]) -> Phrase | None:
    """Return the phrase from the first to the last of some tokens."""
    if not tokens:
        return None
    span = doc[min(tokens) : max(tokens) + 1]
    return Phrase(text=span.text, start=span.start_char, end=span.end_char)


def paragraph_pieces(columns: Columns, sent: Span) -> list[Span]:
    """Split a sentence at paragraph breaks (a headline without a full stop joins the lead)."""
    breaks = [i for i in range(sent.start, sent.end) if "\n" in columns.text[i]]
    edges = [sent.start, *breaks, sent.end]
    pieces = [sent.doc[start:end] for start, end in zip(edges, edges[1:], strict=False)]
    return [
        piece
        for piece in pieces
        if any(columns.pos[i] != "SPACE" for i in range(piece.start, piece.end))
    ]


def without_dateline(article: Article, sent: Span) -> Span:
    """Return the sentence after its dateline ('Brussels, Belgium – NATO plans ...')."""
    start = sent.start
    while start < sent.end - 1 and start in article.dateline:
        start += 1
    if start > sent.start:
        start += 1  # the dateline's dash
    return sent.doc[start : sent.end] if start < sent.end else sent


def without_kicker(columns: Columns, headline: Span) -> Span:
    """Return a headline without its label before a colon ('Croydon tram crash: ...')."""
    stop = min(headline.start + KICKER_REACH, headline.end - 1)
    colon = next((i for i in range(headline.start, stop) if columns.lower[i] == ":"), None)
    return headline.doc[colon + 1 : headline.end] if colon is not None else headline


def main_clause(columns: Columns, lead: list[Span]) -> tuple[Span, int] | None:
    """Return the first lead sentence whose main subject names someone, and that subject."""
    subjects = [(sent, subject) for sent in lead for subject in main_subjects(columns, sent)]
    named = [pair for pair in subjects if names_someone(columns, pair[1])]
    return next(iter(named or subjects), None)


def main_subjects(columns: Columns, sent: Span) -> Iterator[int]:
    """Yield the noun subjects of the sentence's main verbs, past a reporter ('X said')."""
    for verb in main_verbs(columns, sent):
        for child in columns.children[verb]:
            if columns.dep[child] in SUBJECT_DEPS and columns.pos[child] != "PRON":
                if sent.start <= child < sent.end:
                    yield child


def main_verbs(columns: Columns, sent: Span) -> list[int]:
    """Return the top words of the sentence (a headline glued to the lead has two), their
    conjoined verbs, and the reported clause instead of a reporting verb."""
    tops = [i for i in range(sent.start, sent.end) if not sent.start <= columns.head[i] < sent.end]
    tops += [i for i in range(sent.start, sent.end) if columns.head[i] == i]
    verbs: list[int] = []
    for top in dict.fromkeys(tops):
        clauses = [c for c in columns.children[top] if columns.dep[c] in {"conj", "ccomp"}]
        if columns.lemma[top] in REPORTING_VERBS:
            verbs += clauses
        else:
            verbs += [top, *clauses]
    return verbs


def names_someone(columns: Columns, subject: int) -> bool:
    """Tell whether a subject names a person, group or place, or people ('seven passengers')."""
    lemma = columns.lemma[subject]
    if lemma in PEOPLE_NOUNS or lemma in load_lexicon().agents or columns.pos[subject] == "NUM":
        return True
    return any(columns.ent_type[token] in WHO_LABELS for token in subject_tokens(columns, subject))


def subject_tokens(columns: Columns, head: int) -> list[int]:
    """Return the subject's noun phrase: its left modifiers and head, plus 'of' phrases."""
    tokens = [token for child in columns.lefts(head) for token in columns.subtree(child)]
    tokens.append(head)
    for child in columns.rights(head):
        if columns.dep[child] in CLAUSE_CUTS and columns.lower[child] != "of":
            break
        tokens.extend(columns.subtree(child))
    return tokens


def predicate_tokens(columns: Columns, sent: Span, subject: int) -> list[int]:
    """Return the main verb with its auxiliaries and its first complement, inside the sentence."""
    verb = columns.head[subject]
    tokens = [c for c in columns.lefts(verb) if columns.dep[c] in {"aux", "auxpass", "neg"}]
    tokens.append(verb)
    complement = next((c for c in columns.rights(verb) if columns.dep[c] in OBJECT_DEPS), None)
    if complement is not None:
        tokens.extend(columns.subtree(complement))
    return [token for token in tokens if sent.start <= token < sent.end]


def first_actor(lead: list[Span]) -> Phrase | None:
    """Return the first name of a person, group or place in the lead."""
    for sent in lead:
        for ent in sentence_mentions(sent):
            if ent.label_ in WHO_LABELS:
                return Phrase(text=ent.text, start=ent.start_char, end=ent.end_char)
    return None


def place_phrase(article: Article, lead: list[Span]) -> tuple[Phrase | None, Location | None]:
    """Return where the lead says it happened, else the dateline's or the most named place."""
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
    for ent in [*dateline, *scenes, *named]:
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
    appositions = [c for c in columns.rights(ent.root.i) if columns.dep[c] == "appos"]
    end = max([ent.end - 1, *(t for c in appositions for t in columns.subtree(c))])
    span = article.doc[prep : end + 1]
    return Phrase(text=span.text, start=span.start_char, end=span.end_char)
