"""What an analyst checks on the three seed articles."""

from __future__ import annotations

from datetime import date

from newsflow.core.models import Analysis, Event


def events_of(analysis: Analysis, lemma: str) -> list[Event]:
    return [event for event in analysis.events if event.trigger.lemma.lower() == lemma]


def test_russian_jets_violate_estonian_airspace(seed_analyses):
    _, analysis = seed_analyses["002"]
    [event] = events_of(analysis, "violate")
    assert event.source is not None and event.source.actor_code in {"RUS", "RUSMIL"}
    assert event.target is not None and event.target.actor_code == "EST"
    assert event.root_code in {"15", "19"}
    assert event.modality == "asserted"
    assert "MiG-31" in event.sentence_text


def test_nato_defence_ministers_meet_on_that_wednesday_in_brussels(seed_analyses):
    _, analysis = seed_analyses["002"]
    meetings = [
        event
        for event in analysis.events
        if event.root_code == "04" and event.source and event.source.actor_code == "IGOWSTNAT"
    ]
    assert any(
        event.date == date(2025, 10, 15) and event.date_text == "Wednesday" for event in meetings
    )
    located = [event for event in meetings if event.location is not None]
    assert located and located[0].location.name == "Brussels"
    assert located[0].location.country == "BEL"


def test_us_tariffs_on_allies_are_marked_reversed(seed_analyses):
    _, analysis = seed_analyses["001"]
    [event] = events_of(analysis, "impose")
    assert event.code == "163"
    assert event.source is not None and event.source.actor_code.startswith("USA")
    assert event.modality == "negated"


def test_nato_plans_to_launch_is_planned(seed_analyses):
    _, analysis = seed_analyses["000"]
    [event] = events_of(analysis, "launch")
    assert event.source is not None and event.source.actor_code == "IGOWSTNAT"
    assert event.source.entity_key == "org:nato"
    assert event.modality == "planned"
    assert event.attributed_to is not None and "sources" in event.attributed_to.text


def test_germany_contributes_jets_to_protect_poland(seed_analyses):
    _, analysis = seed_analyses["002"]
    [event] = events_of(analysis, "contribute")
    assert event.source is not None and event.source.actor_code == "DEU"
    assert event.target is not None and event.target.actor_code == "POL"
    assert event.quad_class in {1, 2} and event.root_code in {"03", "06", "07"}


def test_norwegian_cookie_notice_yields_nothing(seed_analyses):
    seed, analysis = seed_analyses["002"]
    notice_start = seed["text"].index("Dette nettstedet")
    assert all(entity.start < notice_start for entity in analysis.entities)
    assert all(event.trigger.start < notice_start for event in analysis.events)
    assert not {"Dette", "Les", "Avslå"} & {entity.text for entity in analysis.entities}


def test_photo_credit_yields_no_entities(seed_analyses):
    seed, analysis = seed_analyses["001"]
    caption_end = seed["text"].index("\n")
    assert all(entity.start > caption_end for entity in analysis.entities)
    assert "Mads Claus Rasmussen" not in {entity.text for entity in analysis.entities}


def test_offsets_point_into_the_original_text(seed_analyses):
    for seed, analysis in seed_analyses.values():
        text = seed["text"]
        for entity in analysis.entities:
            assert text[entity.start : entity.end] == entity.text
        for event in analysis.events:
            assert text[event.trigger.start : event.trigger.end] == event.trigger.text
            for actor in (event.source, event.target):
                if actor is not None:
                    assert text[actor.start : actor.end] == actor.text


def test_trump_variants_share_one_key(seed_analyses):
    _, analysis = seed_analyses["001"]
    keys = {entity.key for entity in analysis.entities if "Trump" in entity.text}
    assert keys == {"person:donald-trump"}


def test_the_alliance_is_nato(seed_analyses):
    _, analysis = seed_analyses["000"]
    alliance = [entity for entity in analysis.entities if entity.text == "Alliance"]
    assert alliance
    assert all(e.key == "org:nato" and e.actor_code == "IGOWSTNAT" for e in alliance)
    assert {e.key for e in analysis.entities if e.text == "NATO"} == {"org:nato"}


def test_launch_after_the_photo_caption_is_found_and_dated(seed_analyses):
    _, analysis = seed_analyses["001"]
    [event] = [
        e for e in events_of(analysis, "launch") if e.sentence_text.startswith("On February 11")
    ]
    assert event.source is not None and event.source.actor_code == "IGOWSTNAT"
    assert event.date == date(2026, 2, 11) and event.modality == "asserted"
    assert "Nuuk" not in (event.source.text + (event.target.text if event.target else ""))


def test_one_event_per_meeting_sentence(seed_analyses):
    _, analysis = seed_analyses["002"]
    first = [event for event in analysis.events if event.sentence == 0 and event.root_code == "04"]
    assert len(first) == 1 and first[0].trigger.text == "meeting"


def test_trump_rutte_meeting_in_davos_in_january(seed_analyses):
    _, analysis = seed_analyses["001"]
    [meeting, *_] = [
        e for e in analysis.events if "Davos" in e.sentence_text and e.root_code == "04"
    ]
    assert {meeting.source.actor_code, meeting.target.actor_code} == {"USAGOV", "IGOWSTNAT"}
    assert "person:donald-trump" in {meeting.source.entity_key, meeting.target.entity_key}
    assert meeting.location is not None and meeting.location.name == "Davos"
    assert meeting.date == date(2026, 1, 1) and meeting.date_text == "January 2026"
