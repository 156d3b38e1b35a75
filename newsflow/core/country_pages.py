"""Events found by a country of either side alone: the newest page of `country=` (with
`since`/`until`), the newest rows of each side's country index merged.

`source_country = X OR target_country = X` is one index per side, and PostgreSQL cannot walk
two indexes in one order: it read every match of both and sorted them (a big country's ~50,000)
or walked all events newest first. Each side's own index gives its newest page directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, union_all

from newsflow.core.event_counts import given
from newsflow.core.event_filters import EventFilter, days
from newsflow.core.event_items import KEY_COLUMNS
from newsflow.core.event_sorts import after_cursor, ordered
from newsflow.core.schema import events

COUNTRY_FILTERS = frozenset({"country", "since", "until"})
"""The filters each side's country index answers alone (it ends with the event's day)."""


def answers_alone(wanted: EventFilter) -> bool:
    """Tell whether the side's country indexes alone hold what this filter asks."""
    return wanted.country is not None and given(wanted) <= COUNTRY_FILTERS


def _side(wanted: EventFilter, first: bool, cursor: str | None) -> list[ColumnElement[bool]]:
    """The events of one side's country (the target's: those the source's has not)."""
    c, country = events.c, wanted.country
    found = (
        [c.source_country == country]
        if first
        else [c.target_country == country, c.source_country.is_distinct_from(country)]
    )
    found += days(wanted, c.day)
    if cursor is not None:
        found.append(after_cursor("date", cursor))
    return found


def country_page(wanted: EventFilter, limit: int, cursor: str | None) -> Select[Any]:
    """Return the newest-first page of events (KEY_COLUMNS) of a filter the country indexes answer
    alone: each side's newest `limit` after the cursor, merged (no event is on both)."""
    sides = [
        ordered(select(*KEY_COLUMNS).where(*_side(wanted, first, cursor)), "date").limit(limit)
        for first in (True, False)
    ]
    both = union_all(*sides).subquery("sides")
    merged = select(*both.c)
    return ordered(merged, "date", (both.c.day, both.c.article_id, both.c.ordinal)).limit(limit)
