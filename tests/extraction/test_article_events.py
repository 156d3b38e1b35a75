"""Events read as an analyst reads a whole article: dated, placed, merged, not metaphors."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsflow.core.models import Event

TUESDAY = datetime(2025, 10, 14, 6, 0, tzinfo=UTC)

HOSTILE_ROOTS = {"13", "15", "16", "17", "18", "19", "20"}


def hostile(events: list[Event]) -> list[Event]:
    return [event for event in events if event.root_code in HOSTILE_ROOTS]


def test_jets_in_estonian_airspace_happened_in_estonia_on_the_publication_day(seed_analyses):
    _, analysis = seed_analyses["002"]
    [event] = [event for event in analysis.events if event.trigger.lemma == "violate"]
    assert event.location is not None and event.location.country == "EST"
    assert event.location_source == "argument" and event.location.precision == "country"
    assert event.location.lat is not None and event.location.lon is not None
    assert event.date == date(2025, 10, 14) and event.date_source == "published"
    assert event.date_text is None and event.date_precision == "day"


def test_nato_meeting_in_brussels_is_dated_that_wednesday_from_the_text(seed_analyses):
    _, analysis = seed_analyses["002"]
    [meeting] = [event for event in analysis.events if event.trigger.text == "meeting"]
    assert meeting.date == date(2025, 10, 15) and meeting.date_source == "text"
    assert meeting.date_text == "Wednesday" and meeting.date_precision == "day"
    assert meeting.location is not None and meeting.location.name == "Brussels"
    assert meeting.location_source == "text" and meeting.location.precision == "city"


def test_every_seed_event_has_a_date_and_a_place(seed_analyses):
    for _, analysis in seed_analyses.values():
        assert analysis.events
        for event in analysis.events:
            assert event.date is not None and event.date_source is not None
            assert event.location is not None and event.location_source is not None


def test_a_repeated_event_is_one_event_with_each_mention(analyzer):
    text = (
        "Germany sends troops to Lithuania\n\n"
        "Germany sent troops to Lithuania, the defence ministry said.\n\n"
        "The deployment was welcomed by allies. Germany sent troops to Lithuania to reassure "
        "its ally, officials added."
    )
    events = analyzer.analyze(text, TUESDAY).events
    sent = [event for event in events if event.root_code == "06"]
    assert len(sent) == 1
    [event] = sent
    assert event.source.actor_code == "DEU" and event.target.actor_code == "LTU"
    assert len(event.mentions) == 3
    assert [text[m.start : m.end] for m in event.mentions] == ["sends", "sent", "sent"]
    assert event.mentions[0].sentence == 0 and event.sentence == 0


def test_events_come_in_document_order(analyzer):
    text = (
        "Russia accuses Ukraine of shelling a border village\n\n"
        "Russian officials accused Ukraine on Monday of shelling a village. "
        "France sent aid to Ukraine on Tuesday."
    )
    events = analyzer.analyze(text, TUESDAY).events
    starts = [event.mentions[0].start for event in events]
    assert starts == sorted(starts) and events[0].mentions[0].sentence == 0


def test_an_age_is_not_a_date(analyzer):
    text = "French police arrested Jean Dupont, 62, after a raid in Lyon."
    analysis = analyzer.analyze(text, TUESDAY)
    [event] = analysis.events
    assert event.date_text is None and event.date_source == "published"
    assert event.date == date(2025, 10, 14)
    assert analysis.summary is not None and analysis.summary.when is None


def test_durations_and_scores_are_not_dates(analyzer):
    text = (
        "Police in Lyon arrested a 42-year-old man who had fled 18 years ago after a 3-2 "
        "vote by the council."
    )
    events = analyzer.analyze(text, TUESDAY).events
    assert events
    for event in events:
        assert event.date_text in {None, "18 years ago"}
        assert event.date_text is None or event.date == date(2007, 10, 14)


def test_a_date_named_earlier_in_the_paragraph_carries_over(analyzer):
    text = "On Monday, the summit opened in Vienna. French police arrested two Russian diplomats."
    [event] = analyzer.analyze(text, TUESDAY).events
    assert event.date == date(2025, 10, 13) and event.date_source == "context"
    assert event.date_text == "Monday"


def test_a_coming_day_does_not_date_a_past_event(analyzer):
    text = "Ministers will meet on Friday. Earlier, Russian jets violated Finnish airspace."
    [event] = [e for e in analyzer.analyze(text, TUESDAY).events if e.root_code == "15"]
    assert event.date_source == "published" and event.date == date(2025, 10, 14)
    assert event.location is not None and event.location.country == "FIN"


def test_a_sports_report_yields_no_force_event(analyzer):
    text = (
        "Red Sox crush Yankees to win the series\n\n"
        "The Boston Red Sox beat the New York Yankees 5-3 on Sunday to win the series. "
        "Their pitcher struck out nine batters as the team attacked early and crushed its "
        "rivals in the final game of the season, and fans cheered at the stadium. The coach "
        "said the players had fought hard all season for the title."
    )
    assert hostile(analyzer.analyze(text, TUESDAY).events) == []


def test_an_election_win_is_not_an_assault(analyzer):
    text = "Emmanuel Macron defeated Marine Le Pen in the presidential election on Sunday."
    assert hostile(analyzer.analyze(text, TUESDAY).events) == []


def test_firing_a_coach_is_a_dismissal(analyzer):
    text = "The Denver Broncos fired head coach Vic Fangio on Sunday after a losing season."
    assert hostile(analyzer.analyze(text, TUESDAY).events) == []


def test_an_attack_by_troops_is_still_force(analyzer):
    text = "Russian troops attacked Ukrainian positions near Kharkiv on Monday."
    [event] = analyzer.analyze(text, TUESDAY).events
    assert event.root_code == "19"
    assert event.location is not None and event.location.name == "Kharkiv"
    assert event.date == date(2025, 10, 13)


def test_a_wire_dateline_places_the_article_and_is_no_actor(analyzer):
    text = (
        "KYIV, Ukraine (Reuters) - Russian missiles struck the Ukrainian capital overnight, "
        "officials said."
    )
    analysis = analyzer.analyze(text, TUESDAY)
    assert all(event.source and "KYIV" not in event.source.text for event in analysis.events)
    assert analysis.summary is not None and analysis.summary.where is not None
    assert analysis.summary.where.text == "KYIV"
    assert analysis.summary.location is not None and analysis.summary.location.country == "UKR"


def test_photo_gallery_captions_give_no_actors(analyzer):
    text = (
        "Protesters marched through Paris on Saturday. Protest in pictures 3 show all Protest "
        "in pictures 1/3 Police officers in central Paris Reuters 2/3 French police detained "
        "Belgian activists AFP 3/3 Crowds near the Louvre Getty Images The ministry said more."
    )
    analysis = analyzer.analyze(text, TUESDAY)
    gallery = text.index("Protest in pictures")
    assert all(event.trigger.start < gallery for event in analysis.events)
    assert all(entity.start < gallery for entity in analysis.entities)


def phrase_text(seed: dict[str, str], phrase) -> str:
    assert phrase is not None
    assert seed["text"][phrase.start : phrase.end] == phrase.text
    return phrase.text


def test_seed_000_summary_nato_plans_the_mission_from_brussels(seed_analyses):
    seed, analysis = seed_analyses["000"]
    summary = analysis.summary
    assert phrase_text(seed, summary.who) == "NATO"
    assert "launch" in phrase_text(seed, summary.what)
    assert phrase_text(seed, summary.where) == "Brussels"
    assert summary.location is not None and summary.location.country == "BEL"
    assert phrase_text(seed, summary.when) == "this week"
    assert summary.date == date(2026, 2, 9)


def test_seed_001_summary_the_launch_on_february_11(seed_analyses):
    seed, analysis = seed_analyses["001"]
    summary = analysis.summary
    assert "NATO" in phrase_text(seed, summary.who)
    assert "Nuuk" not in summary.who.text
    assert phrase_text(seed, summary.what).startswith("launched a new mission")
    assert phrase_text(seed, summary.when) == "On February 11"
    assert summary.date == date(2026, 2, 11)
    assert "Arctic" in phrase_text(seed, summary.where)


def test_seed_002_summary_ministers_meet_on_wednesday_in_brussels(seed_analyses):
    seed, analysis = seed_analyses["002"]
    summary = analysis.summary
    assert phrase_text(seed, summary.who) == "NATO defense ministers"
    assert phrase_text(seed, summary.what).startswith("are meeting")
    assert phrase_text(seed, summary.when) == "on Wednesday"
    assert summary.date == date(2025, 10, 15)
    assert "Brussels" in phrase_text(seed, summary.where)
    assert summary.location is not None and summary.location.name == "Brussels"


def test_a_happening_without_a_cameo_event_is_summarised(analyzer):
    text = (
        "Tram derails in Leeds\n\nAt least four people were injured when a tram derailed "
        "in Leeds at about 7am on Friday, the fire service said."
    )
    analysis = analyzer.analyze(text, TUESDAY)
    summary = analysis.summary
    assert summary is not None
    assert summary.who is not None and "four people" in summary.who.text
    assert summary.where is not None and "Leeds" in summary.where.text
    assert summary.location is not None and summary.location.country == "GBR"
    assert summary.when is not None and summary.when.text.endswith("7am on Friday")
    assert summary.date == date(2025, 10, 10)


def test_a_duration_next_to_the_day_is_not_part_of_when(analyzer):
    text = "Leeds Rovers won the county cup for the first time in 52 years on Saturday."
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.when is not None
    assert summary.when.text == "on Saturday" and summary.date == date(2025, 10, 11)


def test_a_person_the_dictionary_does_not_know_protests_as_a_citizen_of_the_place(analyzer):
    text = (
        "Elena Marquez protested outside the city hall in Madrid on Monday.\n\n"
        "The writer said the new housing law failed tenants."
    )
    events = analyzer.analyze(text, TUESDAY).events
    [protest] = [event for event in events if event.root_code == "14"]
    assert protest.source is not None and protest.source.text == "Elena Marquez"
    assert protest.source.actor_code == "ESPCVL"
    assert protest.date == date(2025, 10, 13) and protest.date_text == "Monday"


def test_a_person_the_dictionary_does_not_know_makes_no_force_event(analyzer):
    text = "Elena Marquez and Pablo Ruiz have broken up after four years in Madrid."
    assert hostile(analyzer.analyze(text, TUESDAY).events) == []


def test_events_without_a_date_of_their_own_carry_the_leads_time(analyzer):
    text = (
        "Storm hits coast\n\n"
        "A storm struck the coast of Portugal at around 6am on Wednesday.\n\n"
        "Rescue teams were sent.\n\n"
        "The European Union offered aid to Portugal."
    )
    events = analyzer.analyze(text, TUESDAY).events
    [aid] = [event for event in events if event.trigger.text == "offered"]
    assert aid.date_source == "context" and aid.date_text == "6am on Wednesday"
    assert aid.date == date(2025, 10, 8)


def test_a_story_that_opens_on_its_news_tells_the_scene_after_the_lead(analyzer):
    text = (
        "Champions at last\n\n"
        "The Rovers won the cup.\n\n"
        "Fans cheered for hours.\n\n"
        "It had been a long wait.\n\n"
        "Players wept.\n\n"
        "At 9pm in Lisbon, Portugal, Ana Costa of the home side blew the final whistle."
    )
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.where is not None
    assert summary.where.text.startswith("in Lisbon")
    assert summary.location is not None and summary.location.name == "Lisbon"


def test_a_company_the_dictionary_does_not_know_criticises_as_a_civilian_of_the_place(analyzer):
    text = (
        "Vantor Systems criticised the government in Madrid on Monday.\n\n"
        "The company said the rules would hurt small firms."
    )
    events = analyzer.analyze(text, TUESDAY).events
    [criticism] = [event for event in events if event.root_code == "11"]
    assert criticism.source is not None and criticism.source.text == "Vantor Systems"
    assert criticism.source.actor_code == "ESPCVL"


def test_a_team_the_dictionary_does_not_know_makes_no_force_event(analyzer):
    text = "Kestrel Rovers attacked the lead and beat Harbour City 3-1 in Madrid on Monday."
    assert hostile(analyzer.analyze(text, TUESDAY).events) == []


def test_a_night_named_by_its_day_dates_the_lead(analyzer):
    text = (
        "Mayor cleared by inquiry\n\n"
        "The mayor of Leeds received a boost as the inquiry announced on Sunday night that "
        "it had found no wrongdoing.\n\n"
        "Voters go to the polls on Thursday."
    )
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.when is not None
    assert summary.when.text == "on Sunday night" and summary.date == date(2025, 10, 12)


def test_days_counted_from_another_happening_are_when(analyzer):
    text = "Inquiry clears the mayor of Leeds two days before the election\n\nVoters were relieved."
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.when is not None
    assert summary.when.text == "two days before the election"


def test_years_after_something_are_not_when(analyzer):
    text = "Leeds Rovers won their first cup in 52 years after a late goal against Hull."
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is None or summary.when is None or "after" not in summary.when.text


def test_a_people_qualifying_the_scene_gives_its_country(analyzer):
    text = (
        "Shoppers angry over smaller chocolate bars\n\n"
        "Shoppers are angry after a confectioner changed the shape of its bars in British stores."
    )
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.where is not None
    assert summary.where.text == "in British stores"
    assert summary.location is not None and summary.location.country == "GBR"


def test_a_building_outside_which_it_happened_is_placed_in_its_town(analyzer):
    text = (
        "Singer protests outside Kestrel Towers\n\n"
        "The singer Ana Lopez was photographed protesting outside Kestrel Towers in Chicago "
        "early on Wednesday."
    )
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.where is not None
    assert summary.where.text == "outside Kestrel Towers in Chicago"
    assert summary.location is not None and summary.location.name == "Chicago"


def test_a_label_before_a_colon_is_no_dateline(analyzer):
    text = (
        "US election 2025: Senator cries foul as inquiry clears rival\n\n"
        "The senator criticised the inquiry after it cleared his rival again.\n\n"
        "The inquiry said a fresh review found nothing new. The rival's campaign said it was "
        "glad.\n\nAt a rally in the Detroit suburbs, the senator repeated his claims."
    )
    summary = analyzer.analyze(text, TUESDAY).summary
    assert summary is not None and summary.where is not None
    assert summary.where.text == "in the Detroit suburbs"


def test_a_person_arrested_by_unnamed_police_is_the_target_of_an_arrest(analyzer):
    text = (
        "Bus crash in Madrid\n\n"
        "Three people died when a bus left the road in Madrid on Monday. "
        "The driver of the bus, who has been arrested, was not injured."
    )
    events = analyzer.analyze(text, TUESDAY).events
    [arrest] = [event for event in events if event.code == "173"]
    assert arrest.source is None
    assert arrest.target is not None and arrest.target.text == "The driver"
    assert arrest.target.actor_code == "ESPCVL"


def test_an_arrest_that_says_who_someone_is_is_no_event(analyzer):
    text = "Madrid freed Pablo Ruiz, who had been arrested 15 months ago, on Monday."
    assert [event for event in analyzer.analyze(text, TUESDAY).events if event.code == "173"] == []


def test_a_people_the_dictionary_does_not_know_speaks_as_civilians_of_the_place(analyzer):
    text = "Brits blame strange new rules on Brexit\n\nShoppers in London were angry on Monday."
    events = analyzer.analyze(text, TUESDAY).events
    [blame] = [event for event in events if event.root_code == "11"]
    assert blame.source is not None and blame.source.text == "Brits"
    assert blame.source.actor_code == "GBRCVL"
