"""Date expressions resolved against the article's publication date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from analysis_worker.extraction.dates import resolve_date

TUESDAY = date(2025, 10, 14)


def test_weekday_looks_ahead_in_present_and_future_tense():
    assert resolve_date("Wednesday", TUESDAY, past=False) == date(2025, 10, 15)


def test_weekday_looks_back_in_past_tense():
    assert resolve_date("on Monday", TUESDAY, past=True) == date(2025, 10, 13)


def test_month_and_day_take_the_article_year():
    assert resolve_date("February 11", date(2026, 2, 12), past=True) == date(2026, 2, 11)
    assert resolve_date("11 February 2026", TUESDAY, past=False) == date(2026, 2, 11)


def test_month_alone_is_its_first_day_of_the_nearest_past_year():
    assert resolve_date("in September", TUESDAY, past=True) == date(2025, 9, 1)
    assert resolve_date("since December", date(2026, 2, 12), past=True) == date(2025, 12, 1)


def test_relative_days_and_vague_expressions():
    assert resolve_date("yesterday", TUESDAY, past=True) == date(2025, 10, 13)
    assert resolve_date("in the coming days", TUESDAY, past=False) is None


def test_event_date_comes_from_its_own_clause(analyzer):
    published = datetime(2026, 2, 12, 8, 0, tzinfo=UTC)
    text = "On February 11, NATO launched a new mission in the Arctic."
    [event] = analyzer.analyze(text, published).events
    assert event.date == date(2026, 2, 11) and event.date_text == "February 11"
