"""Events found by a box alone: the total of `bbox=` from the point counts, and its newest page
(with `since`/`until`) from the newest events of each point inside it, merged.

The located places are few (tens of points at 100,000 articles) while a box around a capital
holds up to a fifth of the events: a range scan of (lon, lat) read them all to count them, and
all again (or a walk of every event newest first) for a page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true

from newsflow.core.event_counts import given
from newsflow.core.event_filters import EventFilter, box_bounds, days
from newsflow.core.event_items import KEY_COLUMNS
from newsflow.core.event_sorts import after_cursor, ordered
from newsflow.core.schema import event_point_counts, events

BOX_FILTERS = frozenset({"bbox", "since", "until"})
"""The filters each point's newest-first index answers alone (it ends with the event's day)."""


def answers_alone(wanted: EventFilter) -> bool:
    """Tell whether the point counts and each point's index alone hold what this filter asks."""
    return wanted.bbox is not None and given(wanted) <= BOX_FILTERS


def _inside(wanted: EventFilter) -> ColumnElement[bool]:
    """The points of the box that some event has now."""
    p = event_point_counts.c
    assert wanted.bbox is not None
    return and_(box_bounds(wanted.bbox, p.lon, p.lat), p.events > 0)


def box_total(wanted: EventFilter) -> Select[Any] | None:
    """Return the statement of a box's exact total from the point counts (None with days)."""
    if given(wanted) != {"bbox"}:
        return None
    p = event_point_counts.c
    return select(func.coalesce(func.sum(p.events), 0)).where(_inside(wanted))


def box_page(wanted: EventFilter, limit: int, cursor: str | None) -> Select[Any]:
    """Return the newest-first page of events (KEY_COLUMNS) of a filter the points answer
    alone: the newest `limit` after the cursor of each point in the box, merged."""
    c = events.c
    points = select(event_point_counts.c.lon, event_point_counts.c.lat).where(_inside(wanted))
    point = points.subquery("points")
    found = [c.lon == point.c.lon, c.lat == point.c.lat, *days(wanted, c.day)]
    if cursor is not None:
        found.append(after_cursor("date", cursor))
    newest = ordered(select(*KEY_COLUMNS).where(*found), "date").limit(limit)
    each = newest.lateral("newest")
    merged = select(*each.c).select_from(point.join(each, true()))
    return ordered(merged, "date", (each.c.day, each.c.article_id, each.c.ordinal)).limit(limit)
