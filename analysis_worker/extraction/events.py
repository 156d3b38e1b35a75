"""CAMEO-coded events (who did what to whom, when and where) from a parsed document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from spacy.tokens import Doc, Span

from analysis_worker.extraction.actors import Actor, code_actor
from analysis_worker.extraction.arguments import speaker_of
from analysis_worker.extraction.article import Article, read_article
from analysis_worker.extraction.coding import Coding
from analysis_worker.extraction.columns import Columns, columns_of
from analysis_worker.extraction.dates import date_of, is_past
from analysis_worker.extraction.document_cache import document_text, span_text
from analysis_worker.extraction.dyads import Dyad, dyads
from analysis_worker.extraction.entities import entities_by_token
from analysis_worker.extraction.happenings import merge_mentions
from analysis_worker.extraction.lexicon import load_lexicon
from analysis_worker.extraction.locations import Placed, fallback_place, target_place
from analysis_worker.extraction.modality import modality_of
from analysis_worker.extraction.places import place_of
from analysis_worker.extraction.summary import read_lead
from analysis_worker.extraction.summary_time import is_clock_time, when_resolved
from analysis_worker.extraction.timeline import Clause, EventDate, TimePhrase, event_date
from analysis_worker.extraction.topics import is_figurative
from analysis_worker.extraction.triggers import code_trigger, is_own_event, trigger_candidates
from newsflow.core.models import (
    Entity,
    Event,
    EventActor,
    Location,
    Mention,
    Modality,
    Phrase,
    Trigger,
)


def extract_events(doc: Doc, published_at: datetime | None = None) -> list[Event]:
    """Return the events of a parsed document in order, each happening once with its mentions."""
    article, parts = read_article(doc, published_at)
    lead = read_lead_context(article, published_at)
    return merge_mentions(
        [
            event
            for index, part in enumerate(parts)
            if part is not None
            for event in sentence_events(part, index, article, lead)
        ]
    )


@dataclass(frozen=True)
class LeadContext:
    """When and where the lead says the main happening took place, as events carry it over."""

    time: TimePhrase | None
    place: Location | None


def read_lead_context(article: Article, published_at: datetime | None) -> LeadContext:
    """Return the lead's time and place, the summary's when and where."""
    lead = read_lead(article.doc, published_at)
    return LeadContext(lead_time(article, lead.when), lead.location)


def lead_time(article: Article, when: Phrase | None) -> TimePhrase | None:
    """Return the lead's time phrase as a date phrase of the article.

    A clock time alone ('at around 6am') is taken to be on the publication day, as the
    summary takes it.
    """
    if when is None or article.published is None:
        return None
    resolved = when_resolved(article, when)
    if resolved is None and not is_clock_time(when.text):
        return None  # '18 years ago' names no day
    day, precision = resolved or (article.published, "day")
    paragraph = document_text(article.doc).rfind("\n", 0, when.start) + 1
    return TimePhrase(when.start, when.text, day, precision, paragraph)


def sentence_events(sent: Span, index: int, article: Article, lead: LeadContext) -> list[Event]:
    """Return the events of one sentence."""
    columns = article.columns
    codings = {
        token: coding
        for token in trigger_candidates(sent)
        if (coding := code_trigger(columns, token)) is not None
    }
    events: list[Event] = []
    for trigger, coding in codings.items():
        if trigger in article.dateline or not is_own_event(columns, trigger, codings):
            continue
        found = [
            dyad
            for dyad in dyads(trigger, coding, article)
            if not is_figurative(article, sent, trigger, dyad)
        ]
        if found:
            evidence = read_evidence(trigger, sent, index, article, lead)
            events.extend(build_event(dyad, coding, evidence, article) for dyad in found)
    return drop_partial(events)


@dataclass(frozen=True)
class Evidence:
    """What every event of one trigger shares: its words, sentence, date, place and modality."""

    trigger: Trigger
    sentence: int
    sentence_text: str
    date: EventDate
    location: Location | None
    sent: Span
    trigger_index: int
    modality: Modality
    attributed_to: EventActor | None
    lead_place: Location | None


def read_evidence(
    trigger: int, sent: Span, index: int, article: Article, lead: LeadContext
) -> Evidence:
    """Read the evidence of a trigger once, for all its dyads."""
    columns = article.columns
    token = article.doc[trigger]
    own_date, date_text = date_of(columns, trigger, sent, article.published)
    verb = trigger if columns.pos[trigger] == "VERB" else columns.head[trigger]
    return Evidence(
        trigger=Trigger(
            text=token.text,
            start=token.idx,
            end=token.idx + len(token),
            lemma=token.lemma_,
        ),
        sentence=index,
        sentence_text=span_text(sent).strip(),
        date=event_date(
            article,
            Clause(token.idx, is_past(columns, trigger), sent.start),
            own_date,
            date_text,
            lead.time,
        ),
        location=place_of(columns, trigger, sent),
        sent=sent,
        trigger_index=trigger,
        modality=modality_of(columns, verb),
        attributed_to=attribution(article, trigger, sent),
        lead_place=lead.place,
    )


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


def build_event(dyad: Dyad, coding: Coding, evidence: Evidence, article: Article) -> Event:
    """Assemble the event record of one dyad with its trigger's evidence."""
    row = load_lexicon().cameo.get(dyad.code) or load_lexicon().cameo[dyad.code[:2]]
    place = event_place(dyad, row.root, evidence, article)
    found_date = evidence.date
    return Event(
        code=dyad.code,
        root_code=row.root,
        name=row.name,
        quad_class=row.quad,
        goldstein=row.goldstein,
        plover=row.plover,
        source=event_actor(article.doc, dyad.source),
        target=event_actor(article.doc, dyad.target),
        trigger=evidence.trigger,
        sentence=evidence.sentence,
        sentence_text=evidence.sentence_text,
        date=found_date.day,
        date_text=found_date.text,
        date_source=found_date.source,
        date_precision=found_date.precision,
        location=place.location if place else None,
        location_source=place.source if place else None,
        modality=evidence.modality,
        attributed_to=evidence.attributed_to,
        confidence=confidence(coding, dyad, evidence.modality),
        mentions=[
            Mention(
                sentence=evidence.sentence,
                start=evidence.trigger.start,
                end=evidence.trigger.end,
                text=evidence.sentence_text,
            )
        ],
    )


def event_place(dyad: Dyad, root: str, evidence: Evidence, article: Article) -> Placed | None:
    """Return the event's place: its locative phrase, its target, else the trigger's fallback."""
    if evidence.location is not None:
        return Placed(evidence.location, "text")
    return target_place(article, dyad.target, root) or fallback_place(
        article, evidence.sent, evidence.trigger_index, dyad.source, evidence.lead_place
    )


def event_actor(doc: Doc, actor: Actor | None) -> EventActor | None:
    """Return the record of an actor with its text, offsets and entity key."""
    if actor is None:
        return None
    span = within_paragraph(doc, actor)
    entity = entity_of(doc, actor, span)
    return EventActor(
        text=span_text(span),
        start=span.start_char,
        end=span.end_char,
        actor_code=actor.code,
        country=actor.country,
        entity_key=entity.key if entity else None,
    )


def within_paragraph(doc: Doc, actor: Actor) -> Span:
    """Return the actor's phrase, cut at paragraph breaks around its head (a glued headline)."""
    text = columns_of(doc).text
    first = actor.first
    for index in range(actor.first, actor.head):
        if "\n" in text[index]:
            first = index + 1
    last = next((i - 1 for i in range(actor.head + 1, actor.last + 1) if "\n" in text[i]), None)
    return doc[first : (actor.last if last is None else last) + 1]


def entity_of(doc: Doc, actor: Actor, span: Span) -> Entity | None:
    """Return the entity an actor is: its head, a name in apposition, else one in its phrase."""
    by_token = entities_by_token(doc)
    columns = columns_of(doc)
    head = actor.head
    appositions = (child for child in columns.children[head] if columns.dep[child] == "appos")
    candidates = [head, *appositions, *range(span.start, span.end)]
    return next((by_token[token] for token in candidates if token in by_token), None)


def attribution(article: Article, trigger: int, sent: Span) -> EventActor | None:
    """Return who the sentence attributes the event to ('..., a senior officer said')."""
    speaker = speaker_of(article.columns, trigger)
    if speaker is None:
        speaker = according_to(article.columns, sent)
    if speaker is None:
        return None
    doc = article.doc
    actor = code_actor(doc, speaker, article.day)
    if actor is None:
        actor = Actor("", doc[speaker].left_edge.i, speaker, speaker)
    record = event_actor(doc, actor)
    return record.model_copy(update={"actor_code": actor.code or None}) if record else None


def according_to(columns: Columns, sent: Span) -> int | None:
    """Return the source named by 'according to ...' in a sentence, if any."""
    for index in range(sent.start, sent.end):
        if columns.lower[index] == "according":
            for prep in columns.children[index]:
                pobj = columns.child_with(prep, {"pobj"})
                if pobj is not None:
                    return pobj
    return None


def confidence(coding: Coding, dyad: Dyad, modality: str) -> float:
    """Score how much an analyst can trust the event: pattern, both actors, asserted."""
    score = 0.4 + 0.2 * coding.matched + 0.15 * (dyad.source is not None)
    score += 0.15 * (dyad.target is not None) + 0.05 * (modality == "asserted")
    return round(min(score, 0.95), 2)
