"""Property tests of the extraction engine: any text the API accepts analyses cleanly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_worker.extraction import Analyzer
from newsflow.core.models import Analysis

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Bounded and derandomized: spaCy costs milliseconds per text."""

ACCEPTED_CHARACTERS = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
"""Any code point the API accepts: no lone surrogates, no NUL."""

NEWSY_WORDS = st.sampled_from(
    [
        "NATO",
        "Russia",
        "Estonia",
        "Donald Trump",
        "said",
        "attacked",
        "met",
        "in",
        "Kyiv",
        "the",
        "President",
        "on Friday",
        ".",
        ",",
        "\n\n",
        "\t",
        " ",
        "“quoted”",
        "🇺🇦",
        "🚀",
        "مرحبا",
        "שלום",
        "\u202e",
        "\u200b",
        "\u200d",
        "\r\n",
        "\x0b",
        "\x1f",
        "e\u0301",
        "United Nations",
        "Greenland",
        "sanctions",
        "2025-09-19",
        "—",
    ]
)
"""Fragments that make spaCy find entities and events, mixed with odd characters."""

TEXTS = st.one_of(
    st.text(ACCEPTED_CHARACTERS, min_size=1, max_size=300),
    st.lists(NEWSY_WORDS, min_size=1, max_size=60).map(" ".join),
    st.lists(st.one_of(NEWSY_WORDS, st.text(ACCEPTED_CHARACTERS, max_size=8)), max_size=40).map(
        "".join
    ),
    st.integers(1, 20_000).map(lambda n: " " * n + "NATO met Russia." + "\n" * n),
)
"""Arbitrary Unicode, news-like word salad, both mixed, and huge runs of white space."""

OFFSETS = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
)
DATES = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1800, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.builds(timezone, OFFSETS),
    ),
)
"""Every publication time the API accepts, with any UTC offset."""


def assert_spans_match(text: str, span: Any) -> None:
    """Assert a span's offsets point at its own text in the article."""
    assert 0 <= span.start <= span.end <= len(text)
    assert text[span.start : span.end] == span.text, (span.start, span.end, span.text)


def assert_offsets_hold(text: str, analysis: Analysis) -> None:
    """Assert every entity, trigger, source and target points at its text."""
    for entity in analysis.entities:
        assert_spans_match(text, entity)
    for event in analysis.events:
        spans = (event.trigger, event.source, event.target)
        for span in spans:
            if span is not None:
                assert_spans_match(text, span)


@PROPERTY_SETTINGS
@given(text=TEXTS, published_at=DATES)
def test_any_text_analyses_with_exact_offsets(
    analyzer: Analyzer, text: str, published_at: datetime | None
) -> None:
    analysis = analyzer.analyze(text, published_at)
    assert isinstance(analysis, Analysis)
    assert_offsets_hold(text, analysis)
    Analysis.model_validate_json(analysis.model_dump_json())
