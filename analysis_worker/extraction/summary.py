"""The article's main happening as news states it first: who, what, where, when of the lead."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from spacy.tokens import Doc, Span

from analysis_worker.extraction.arguments import REPORTING_VERBS
from analysis_worker.extraction.article import Article, kicker_colon, read_article
from analysis_worker.extraction.columns import Columns
from analysis_worker.extraction.document_cache import cached
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.mentions import sentence_mentions
from analysis_worker.extraction.summary_place import place_phrase
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


def summarize(doc: Doc, published_at: datetime | None) -> Summary:
    """Return who did what, where and when, as the headline and lead state it."""
    lead = read_lead(doc, published_at)
    columns, main = lead.article.columns, lead.main
    return Summary(
        who=phrase(doc, subject_tokens(columns, main[1])) if main else first_actor(lead.lead),
        what=phrase(doc, predicate_tokens(columns, *main)) if main else None,
        where=lead.where,
        when=lead.when,
        date=when_date(lead.article, lead.when) or lead.article.published,
        location=lead.location,
    )


@dataclass(frozen=True)
class Lead:
    """The article's opening as a reader takes it in: its main clause, time and place."""

    article: Article
    lead: list[Span]
    """Headline (without its kicker) and the first sentences, split at paragraph breaks."""
    main: tuple[Span, int] | None
    """The first lead sentence whose subject names someone, and that subject."""
    when: Phrase | None
    where: Phrase | None
    location: Location | None


def read_lead(doc: Doc, published_at: datetime | None) -> Lead:
    """Read the headline and lead once per document (events carry their time and place)."""
    return cached(doc, f"lead {published_at}", lambda _: build_lead(doc, published_at))


def build_lead(doc: Doc, published_at: datetime | None) -> Lead:
    """Find the lead's main clause, its time phrase and its place."""
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
    where, location = place_phrase(article, headline + lead[1:], sentences[LEAD_SENTENCES:])
    return Lead(article, lead, main, when, where, location)


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
    colon = kicker_colon(columns, headline)
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
