"""Entity keys shared by name variants and aliases; actor codes on entities."""

from __future__ import annotations

from analysis_worker.extraction.boilerplate import is_boilerplate


def keys_of(analysis, text: str) -> set[str]:
    return {entity.key for entity in analysis.entities if entity.text == text}


def test_name_variants_share_one_key(analyzer):
    text = (
        "US President Donald Trump spoke in Washington. Later, Trump met reporters. "
        "Donald Trump said little."
    )
    analysis = analyzer.analyze(text)
    keys = {entity.key for entity in analysis.entities if entity.label == "PERSON"}
    assert keys == {"person:donald-trump"}


def test_surname_alone_takes_the_known_full_name(analyzer):
    analysis = analyzer.analyze("Rutte told reporters that the mission would start soon.")
    assert keys_of(analysis, "Rutte") == {"person:mark-rutte"}


def test_alliance_alias_resolves_to_nato(analyzer):
    analysis = analyzer.analyze("Ministers of the Alliance met in Brussels.")
    [alliance] = [entity for entity in analysis.entities if entity.text == "Alliance"]
    assert (alliance.key, alliance.actor_code) == ("org:nato", "IGOWSTNAT")


def test_country_names_share_a_key_and_carry_codes(analyzer):
    analysis = analyzer.analyze(
        "The United States and the US Congress disagree; the U.S. will act."
    )
    us = [entity for entity in analysis.entities if entity.label == "GPE"]
    assert {entity.key for entity in us} == {"gpe:united-states"}
    assert {entity.actor_code for entity in us} == {"USA"}


def test_capital_keeps_its_own_key(analyzer):
    analysis = analyzer.analyze("Moscow warned Kyiv on Monday.")
    assert keys_of(analysis, "Moscow") == {"gpe:moscow"}


def test_boilerplate_paragraphs_are_recognised():
    assert is_boilerplate("Dette nettstedet bruker informasjonskapsler")
    assert is_boilerplate("We use cookies to improve your experience. Accept all")
    assert is_boilerplate(
        "Greenland's capital Nuuk (Illustrative photo: Mads Claus Rasmussen / EPA)"
    )
    assert not is_boilerplate("Strengthening defense cooperation")
    assert not is_boilerplate("NATO defense ministers are meeting on Wednesday in Brussels.")


def test_a_title_word_is_not_an_organisation(analyzer):
    analysis = analyzer.analyze("US Defense Secretary Pete Hegseth is likely to urge allies.")
    assert "Defense" not in {entity.text for entity in analysis.entities}
    assert "person:pete-hegseth" in {entity.key for entity in analysis.entities}


def labels_of(analysis, text: str) -> list[str]:
    return [entity.label for entity in analysis.entities if entity.text == text]


def test_a_company_tagged_person_once_keeps_its_label_elsewhere(analyzer):
    # spaCy tags the first "Kestrel" ORG and the second PERSON; no person is named Kestrel.
    analysis = analyzer.analyze(
        "Kestrel said on Monday its profit rose. Analysts said Kestrel would buy a rival."
    )
    assert "ORG" in labels_of(analysis, "Kestrel")


def test_a_club_name_alone_is_not_turned_into_a_person(analyzer):
    # spaCy tags the first "Rotherham" GPE and the second PERSON.
    analysis = analyzer.analyze(
        "Paul Drummer signed for Rotherham. Drummer completed 12 passes as Rotherham won. "
        "Coach Liam Kerr praised Drummer."
    )
    [first, *_] = [e for e in analysis.entities if e.text == "Rotherham"]
    assert first.label != "PERSON" and not first.key.startswith("person:")
    assert keys_of(analysis, "Drummer") == {"person:paul-drummer"}


def test_a_surname_after_the_full_name_is_that_person(analyzer):
    # spaCy tags the bare "Jordan" GPE; the article has named Neil Jordan in full.
    analysis = analyzer.analyze(
        "The director Neil Jordan shot the film in Dublin. Jordan, whose last film won an "
        "award, used thousands of extras."
    )
    assert labels_of(analysis, "Jordan") == ["PERSON"]
    assert keys_of(analysis, "Jordan") == {"person:neil-jordan"}


LINE_UP = (
    "Men's 100 metres final on Friday:\n"
    "1. Dan Ortega ( Spain ) 10.02\n"
    "2. Pieter van Dijk ( Netherlands ) 10.11\n"
    "3. Luis de Souza ( Brazil ) 10.19\n"
    "Netherlands - Jan de Wit ( 12th minute ) , Kees van Dam ( 80th )"
)
"""Results and scorers, whose names ('Dan', 'van', 'de') are other languages' stop words."""


def test_a_results_table_keeps_the_entities_spacy_found(analyzer):
    assert all(is_boilerplate(line) for line in LINE_UP.splitlines()[1:])  # taken for Dutch
    doc = analyzer.nlp(LINE_UP)
    found = {(span.start_char, span.end_char, span.label_) for span in doc.ents}
    kept = {(e.start, e.end, e.label) for e in analyzer.analyze(LINE_UP).entities}
    assert {m for m in found if m[2] in {"PERSON", "GPE", "ORG"}} <= kept
    assert {"Dan Ortega", "Luis de Souza", "Kees van Dam"} <= {LINE_UP[s:e] for s, e, _ in kept}


def test_prose_in_another_language_yields_no_entities(analyzer):
    text = (
        "Germany sent jets to Poland.\n"
        "Die Regierung hat am Mittwoch beschlossen, dass der Minister nach Paris reist."
    )
    analysis = analyzer.analyze(text)
    assert {entity.text for entity in analysis.entities} == {"Germany", "Poland"}


def test_a_name_ends_at_the_line_break(analyzer):
    # spaCy runs the byline into the dateline: one PERSON span "Sami Haddad\nAL-BIREH".
    text = "Sami Haddad\nAL-BIREH , West Bank 1996-08-30\nResidents waited at the checkpoint."
    analysis = analyzer.analyze(text)
    assert ("Sami Haddad", "PERSON", 0) in {(e.text, e.label, e.start) for e in analysis.entities}
    assert not any("\n" in entity.text for entity in analysis.entities)
