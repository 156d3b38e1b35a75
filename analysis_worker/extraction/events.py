"""CAMEO-coded events (who did what to whom, when and where) from a parsed document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span, Token

from analysis_worker.extraction.actors import (
    NO_DATE,
    UNKNOWN_COUNTRY,
    Actor,
    code_actor,
    code_actors,
)
from analysis_worker.extraction.arguments import (
    ALLEGING_VERBS,
    PRONOUNS,
    nominal_sources,
    nominal_targets,
    resolve_pronoun,
    source_nouns,
    speaker_of,
    target_nouns,
)
from analysis_worker.extraction.boilerplate import BoilerplateMask, boilerplate_mask
from analysis_worker.extraction.coding import Coding
from analysis_worker.extraction.dates import date_of
from analysis_worker.extraction.entities import entities_by_token
from analysis_worker.extraction.intents import intended
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.modality import modality_of
from analysis_worker.extraction.places import place_of
from analysis_worker.extraction.triggers import code_trigger, is_own_event
from newsflow.models import Entity, Event, EventActor, Trigger


@dataclass(frozen=True)
class Article:
    """What every sentence of one document needs: the doc, its date as YYYYMMDD and as a date."""

    doc: Doc
    day: int
    published: date | None
    dateline: frozenset[int]
    mask: BoilerplateMask


@dataclass(frozen=True)
class Dyad:
    """One coded action between two (possibly missing) actors."""

    code: str
    source: Actor | None
    target: Actor | None


def extract_events(doc: Doc, published_at: datetime | None = None) -> list[Event]:
    """Return the events of a parsed document, sentence by sentence."""
    published = published_at.date() if published_at else None
    mask = boilerplate_mask(doc)
    parts = [article_part(sent, mask) for sent in sentences_of(doc)]
    article = Article(
        doc,
        int(published.strftime("%Y%m%d")) if published else NO_DATE,
        published,
        frozenset(index for sent in parts if sent is not None for index in dateline_tokens(sent)),
        mask,
    )
    return [
        event
        for index, part in enumerate(parts)
        if part is not None
        for event in sentence_events(part, index, article)
    ]


def sentences_of(doc: Doc) -> list[Span]:
    """Return the document's sentences (read from the parse array: Doc.sents is slow)."""
    starts = [int(index) for index in numpy.flatnonzero(doc.to_array([SENT_START]) == 1)]
    bounds = [0, *(start for start in starts if start > 0), len(doc)]
    return [doc[start:end] for start, end in zip(bounds, bounds[1:], strict=False) if end > start]


def article_part(sent: Span, mask: BoilerplateMask) -> Span | None:
    """Return the sentence without boilerplate at its edges (a caption the parser glued on)."""
    if not mask.covers(sent.start_char) and not mask.covers(sent.end_char - 1):
        return sent
    kept = [token.i for token in sent if not mask.covers(token.idx)]
    return sent.doc[kept[0] : kept[-1] + 1] if kept else None


def sentence_events(sent: Span, index: int, article: Article) -> list[Event]:
    """Return the events of one sentence."""
    codings = {token.i: coding for token in sent if (coding := code_trigger(token)) is not None}
    events = []
    for position, coding in codings.items():
        trigger = article.doc[position]
        if position in article.dateline or not is_own_event(trigger, codings):
            continue
        for dyad in dyads(trigger, coding, article):
            events.append(build_event(trigger, sent, dyad, coding, index, article))
    return drop_partial(events)


def drop_partial(events: list[Event]) -> list[Event]:
    """Keep one event per actors and root; prefer one with a target ('met X to discuss')."""
    complete = {(code_of(event.source), event.root_code) for event in events if event.target}
    kept: dict[tuple[str | None, str | None, str], Event] = {}
    for event in events:
        if event.target is None and (code_of(event.source), event.root_code) in complete:
            continue
        kept.setdefault((code_of(event.source), code_of(event.target), event.root_code), event)
    return list(kept.values())


def code_of(actor: EventActor | None) -> str | None:
    """Return an event actor's code (None when absent)."""
    return actor.actor_code if actor else None


SYMMETRIC_ROOTS = frozenset({"03", "04", "05", "06"})
"""Roots whose conjoined subjects act on each other ('the US, Russia and Switzerland met')."""


def dyads(trigger: Token, coding: Coding, article: Article) -> list[Dyad]:
    """Return the coded (source, target) pairs of a trigger (a source, unless violent)."""
    coding = intended(trigger, coding)
    sources = coded(source_phrases(trigger), article)
    targets = first_coded(target_phrases(trigger), article)
    own_deed = claimed_deed(trigger)
    if own_deed is not None:
        coding = CLAIM_OF_RESPONSIBILITY
        targets = first_coded(target_phrases(own_deed), article)
    if not targets and len(sources) > 1 and (coding.code or "")[:2] in SYMMETRIC_ROOTS:
        return mutual(str(coding.code), sources)
    if not sources:
        return unattributed(coding, first_coded(target_phrases(trigger)[:1], article))
    targets = [target for target in targets if target.head not in {s.head for s in sources}]
    if (coding.code or "")[:2] in COOPERATIVE_ROOTS:
        targets = [target for target in targets if not opposed(article.doc[target.head])]
    if not targets and (trigger.dep_ == "acl" or (coding.code or "")[:2] in DIRECTED_ROOTS):
        return []
    return [
        dyad
        for source in sources
        for target in ([*targets] if targets else [None])
        if is_political(source, target)
        for dyad in directed(coding, source, target)
    ]


CLAIM_OF_RESPONSIBILITY = Coding("015", None, matched=True)
"""What claiming one's own act is in CAMEO ('the US claimed that they had attacked Iraq')."""


def claimed_deed(trigger: Token) -> Token | None:
    """Return the act a speaker claims as their own ('claimed that they had attacked')."""
    if trigger.lemma_.lower() not in ALLEGING_VERBS:
        return None
    for clause in trigger.children:
        subjects = [child for child in clause.children if child.dep_ in {"nsubj", "nsubjpass"}]
        if clause.dep_ == "ccomp" and subjects and subjects[0].lower_ in PRONOUNS:
            return clause
    return None


DIRECTED_ROOTS = frozenset({"06", "07"})
"""Roots of help given to someone: without a recipient they say nothing an analyst can use."""


COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
"""Roots of cooperation, whose partner is never the object of 'against'."""


def opposed(noun: Token) -> bool:
    """Tell whether a noun is the object of 'against' ('its campaign against the group')."""
    return noun.dep_ == "pobj" and noun.head.lower_ == "against"


def mutual(code: str, actors: list[Actor]) -> list[Dyad]:
    """Return the events of conjoined actors acting on each other ('X, Y and Z met')."""
    return [Dyad(code, one, other) for one in actors for other in actors if one is not other]


def directed(coding: Coding, source: Actor, target: Actor | None) -> list[Dyad]:
    """Return the event of a pair and, for symmetric or reversed codes, its converse."""
    if not coding.code:
        return [Dyad(coding.reverse, target, source)] if coding.reverse and target else []
    found = [Dyad(coding.code, source, target)]
    if coding.reverse == coding.code and target:
        found.append(Dyad(coding.reverse, target, source))
    return found


VIOLENT_ROOTS = frozenset({"18", "19", "20"})
"""Roots whose victims make an event even when the perpetrator is unknown."""


def unattributed(coding: Coding, targets: list[Actor]) -> list[Dyad]:
    """Return violent events whose perpetrator is unknown ('three soldiers were killed')."""
    code = coding.code or ""
    if code[:2] not in VIOLENT_ROOTS:
        return []
    return [
        Dyad(code, None, target)
        for target in targets
        if not target.code.startswith(UNKNOWN_COUNTRY)
    ]


def is_political(source: Actor, target: Actor | None) -> bool:
    """Tell whether a dyad involves a known country or organisation, not just bare roles."""
    return not source.code.startswith(UNKNOWN_COUNTRY) or (
        target is not None and not target.code.startswith(UNKNOWN_COUNTRY)
    )


def source_phrases(trigger: Token) -> list[Token]:
    """Return the source noun heads of a trigger, pronouns resolved."""
    nouns = nominal_sources(trigger) if trigger.pos_ == "NOUN" else source_nouns(trigger)
    return [found for noun in nouns for found in resolve_pronoun(noun, trigger)]


def target_phrases(trigger: Token) -> list[list[Token]]:
    """Return the candidate target phrases of a trigger, best first."""
    found = nominal_targets(trigger) if trigger.pos_ == "NOUN" else target_nouns(trigger)
    return [[one for noun in nouns for one in resolve_pronoun(noun, trigger)] for nouns in found]


def coded(nouns: list[Token], article: Article) -> list[Actor]:
    """Code noun heads as actors; a conjunct without a country borrows its neighbour's."""
    actors: list[Actor] = []
    for noun in nouns:
        if noun.i in article.dateline or article.mask.covers(noun.idx) or is_incident(noun):
            continue
        for actor in code_actors(noun, article.day):
            if actor.code.startswith(UNKNOWN_COUNTRY) and actors and actors[-1].country:
                actor = Actor(
                    actors[-1].country + actor.code[3:], actor.first, actor.last, actor.head
                )
            actors.append(actor)
    return actors


INCIDENTS = frozenset({"crash", "explosion", "blast", "accident", "bomb", "fire", "storm"})
"""Nouns of incidents and devices: what happened, never who acted ('killed by a crash')."""


def is_incident(noun: Token) -> bool:
    """Tell whether a noun names an incident or an event rather than an actor."""
    lemma = noun.lemma_.lower()
    return lemma in INCIDENTS or lemma in load_lexicon().nouns


def first_coded(candidates: list[list[Token]], article: Article) -> list[Actor]:
    """Return the actors of the first phrase naming a country or body, else a bare role."""
    fallback: list[Actor] = []
    for nouns in candidates:
        actors = coded(nouns, article)
        if any(not actor.code.startswith(UNKNOWN_COUNTRY) for actor in actors):
            return actors
        fallback = fallback or actors
    return fallback


def dateline_tokens(sent: Span) -> range:
    """Return the token indices of a sentence's dateline ('Brussels, Belgium – ...')."""
    dash = next((t.i for t in sent[:8] if t.text in DATELINE_MARKS), None)
    return range(sent.start, dash) if dash is not None else range(0)


DATELINE_MARKS = frozenset({"–", "—", "--", ":"})
"""Punctuation that ends a dateline ('GAZA CITY, Palestinian Territories:')."""


def build_event(
    trigger: Token, sent: Span, dyad: Dyad, coding: Coding, index: int, article: Article
) -> Event:
    """Assemble the event record of one dyad with its evidence."""
    row = load_lexicon().cameo.get(dyad.code) or load_lexicon().cameo[dyad.code[:2]]
    found_date, date_text = date_of(trigger, sent, article.published)
    modality = modality_of(trigger if trigger.pos_ == "VERB" else trigger.head)
    return Event(
        code=dyad.code,
        root_code=row.root,
        name=row.name,
        quad_class=row.quad,
        goldstein=row.goldstein,
        plover=row.plover,
        source=event_actor(article.doc, dyad.source),
        target=event_actor(article.doc, dyad.target),
        trigger=Trigger(
            text=trigger.text,
            start=trigger.idx,
            end=trigger.idx + len(trigger),
            lemma=trigger.lemma_,
        ),
        sentence=index,
        sentence_text=sent.text,
        date=found_date,
        date_text=date_text,
        location=place_of(trigger, sent),
        modality=modality,
        attributed_to=attribution(trigger, sent, article.day),
        confidence=confidence(coding, dyad, modality),
    )


def event_actor(doc: Doc, actor: Actor | None) -> EventActor | None:
    """Return the record of an actor with its text, offsets and entity key."""
    if actor is None:
        return None
    span = doc[actor.first : actor.last + 1]
    entity = entity_of(doc, actor, span)
    return EventActor(
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        actor_code=actor.code,
        country=actor.country,
        entity_key=entity.key if entity else None,
    )


def entity_of(doc: Doc, actor: Actor, span: Span) -> Entity | None:
    """Return the entity an actor is: its head, a name in apposition, else one in its phrase."""
    by_token = entities_by_token(doc)
    head = doc[actor.head]
    candidates = [head, *(child for child in head.children if child.dep_ == "appos"), *span]
    return next((by_token[token.i] for token in candidates if token.i in by_token), None)


def attribution(trigger: Token, sent: Span, day: int) -> EventActor | None:
    """Return who the sentence attributes the event to ('..., a senior officer said')."""
    speaker = speaker_of(trigger) or according_to(sent)
    if speaker is None:
        return None
    actor = code_actor(speaker, day) or Actor("", speaker.left_edge.i, speaker.i, speaker.i)
    record = event_actor(trigger.doc, actor)
    return record.model_copy(update={"actor_code": actor.code or None}) if record else None


def according_to(sent: Span) -> Token | None:
    """Return the source named by 'according to ...' in a sentence, if any."""
    for token in sent:
        if token.lower_ == "according":
            for prep in token.children:
                pobj = next((child for child in prep.children if child.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
    return None


def confidence(coding: Coding, dyad: Dyad, modality: str) -> float:
    """Score how much an analyst can trust the event: pattern, both actors, asserted."""
    score = 0.4 + 0.2 * coding.matched + 0.15 * (dyad.source is not None)
    score += 0.15 * (dyad.target is not None) + 0.05 * (modality == "asserted")
    return round(min(score, 0.95), 2)
