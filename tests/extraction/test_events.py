"""Sentence structures the coder must get right: voice, conjunction, reported speech, negation."""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow.core.models import Event

PUBLISHED = datetime(2025, 10, 14, 6, 0, tzinfo=UTC)


def dyads(events: list[Event]) -> set[tuple[str | None, str | None, str]]:
    return {
        (
            event.source.actor_code if event.source else None,
            event.target.actor_code if event.target else None,
            event.root_code,
        )
        for event in events
    }


def test_passive_voice_swaps_source_and_target(analyzer):
    events = analyzer.analyze("Estonian airspace was violated by Russian jets.", PUBLISHED).events
    assert dyads(events) == {("RUSMIL", "EST", "15")}


def test_active_and_passive_agree(analyzer):
    active = analyzer.analyze("The US presented evidence against Russia.", PUBLISHED).events
    passive = analyzer.analyze("Evidence against Russia was presented by the US.", PUBLISHED).events
    assert dyads(active) == dyads(passive) == {("USA", "RUS", "11")}


def test_conjoined_actors_give_one_event_each(analyzer):
    events = analyzer.analyze("France and Germany sent troops to Lithuania.", PUBLISHED).events
    sources = {event.source.actor_code for event in events if event.source}
    assert sources == {"FRA", "DEU"}
    assert {event.target.actor_code for event in events if event.target} == {"LTU"}


def test_reported_speech_credits_the_speaker_not_the_actor(analyzer):
    text = (
        "Russian troops attacked Ukrainian positions near Kharkiv, "
        "a Ukrainian military spokesman said."
    )
    [event] = analyzer.analyze(text, PUBLISHED).events
    assert event.source is not None and event.source.actor_code == "RUSMIL"
    assert event.root_code == "19"
    assert event.attributed_to is not None and "spokesman" in event.attributed_to.text


def test_negation_is_marked(analyzer):
    events = analyzer.analyze(
        "Obama said he would not provide support to Israel.", PUBLISHED
    ).events
    assert events and all(event.modality == "negated" for event in events)
    assert {event.source.actor_code for event in events if event.source} == {"USAGOV"}


def test_possible_and_planned_modalities(analyzer):
    possible = analyzer.analyze(
        "Hungary could block new sanctions against Russia.", PUBLISHED
    ).events
    planned = analyzer.analyze("Japan will send aid to the Philippines.", PUBLISHED).events
    assert [event.modality for event in possible] == ["possible"]
    assert [event.modality for event in planned] == ["planned"]


def test_sentences_without_events_yield_none(analyzer):
    for text in (
        "The weather in Brussels was mild on Tuesday.",
        "A protestor demolished the building.",
        "The tanks head back from the border after the skirmish went wrong.",
    ):
        assert analyzer.analyze(text, PUBLISHED).events == []


def test_event_carries_cameo_table_fields(analyzer):
    [event] = analyzer.analyze("Russian jets violated Estonian airspace.", PUBLISHED).events
    assert (event.code, event.root_code, event.quad_class) == ("150", "15", 4)
    assert event.plover == "MOBILIZE" and event.goldstein < 0
    assert 0.0 <= event.confidence <= 1.0


def test_conjoined_modifiers_give_one_actor_each(analyzer):
    text = "US and British activists staged a protest in Beijing on Wednesday."
    events = analyzer.analyze(text, PUBLISHED).events
    assert dyads(events) == {("USAOPP", "CHN", "14"), ("GBROPP", "CHN", "14")}


def test_an_allegation_is_an_accusation_not_the_alleged_act(analyzer):
    text = "The US claimed that ISIL had attacked Iraq."
    events = analyzer.analyze(text, PUBLISHED).events
    assert {(e.source.actor_code[:3], e.root_code) for e in events if e.source} == {("USA", "11")}
    assert not [event for event in events if event.root_code == "19"]


def test_claiming_ones_own_act_is_a_claim_of_responsibility(analyzer):
    [event] = analyzer.analyze("The US claimed that they had attacked Iraq.", PUBLISHED).events
    assert (event.code, event.source.actor_code, event.target.actor_code) == ("015", "USA", "IRQ")


def test_reported_obligation_is_a_demand_on_its_subject(analyzer):
    text = "The European Union said that Russia must withdraw its troops from Ukraine."
    events = analyzer.analyze(text, PUBLISHED).events
    assert dyads(events) == {("IGOEUREEC", "RUS", "10")}


def test_wanting_another_to_act_is_an_appeal(analyzer):
    events = analyzer.analyze("Obama wants Putin to attack Switzerland.", PUBLISHED).events
    assert [(e.code, e.source.actor_code, e.target.actor_code) for e in events] == [
        ("020", "USAGOV", "RUSGOV")
    ]


def test_a_guessed_wish_is_no_appeal(analyzer):
    events = analyzer.analyze("Russia might want Germany to withdraw its troops.", PUBLISHED).events
    assert events == []


def test_what_is_yet_to_come_is_no_event(analyzer):
    text = "The summit opens a day before Putin visits China."
    assert analyzer.analyze(text, PUBLISHED).events == []


def test_threat_and_refusal(analyzer):
    threat = analyzer.analyze("Iran threatened to attack Israel.", PUBLISHED).events
    refusal = analyzer.analyze("Turkey refused to send troops to Iraq.", PUBLISHED).events
    assert [event.root_code for event in threat] == ["13"]
    assert [event.root_code for event in refusal] == ["12"]


def test_violence_with_unknown_perpetrator_keeps_its_victim(analyzer):
    text = "A roadside bomb killed three US soldiers near Samarra on Sunday."
    [event] = analyzer.analyze(text, PUBLISHED).events
    assert event.source is None and event.target.actor_code == "USAMIL"
    assert event.root_code in {"18", "19"}


def test_signing_an_agreement_is_reciprocal_ratifying_is_not(analyzer):
    signed = analyzer.analyze("France and Germany signed a treaty on Monday.", PUBLISHED).events
    ratified = analyzer.analyze("Ukraine ratified an agreement with the EU.", PUBLISHED).events
    assert dyads(signed) == {("FRA", "DEU", "05"), ("DEU", "FRA", "05")}
    assert [(e.code, e.source.actor_code, e.target.actor_code) for e in ratified] == [
        ("057", "UKR", "IGOEUREEC")
    ]


def test_analysis_leaves_the_doc_as_it_found_it(analyzer):
    doc = analyzer.nlp("Russian jets violated Estonian airspace.")
    analyzer.analyze_doc(doc, PUBLISHED)
    assert doc.user_data == {}
    assert doc.to_bytes()
