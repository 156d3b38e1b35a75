"""Where a filter's events happened: each place with its point and count, for a map."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.schema import events


def top_places(engine: Engine, wanted: EventFilter, limit: int) -> list[dict[str, Any]]:
    """Return the places with most events of a filter, with their point (most events first)."""
    c = events.c
    statement = (
        select(
            c.location_name,
            c.location_country,
            func.avg(c.lat),
            func.avg(c.lon),
            func.count(),
            func.avg(c.goldstein),
        )
        .where(conditions(wanted), c.location_name.is_not(None))
        .group_by(c.location_name, c.location_country)
        .order_by(func.count().desc(), c.location_name)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return [_place(*row) for row in rows]


def _place(
    name: str, country: str | None, lat: Any, lon: Any, count: int, goldstein: Any
) -> dict[str, Any]:
    return {
        "key": name,
        "country": country,
        "lat": _rounded(lat, 4),
        "lon": _rounded(lon, 4),
        "count": count,
        "goldstein": _rounded(goldstein, 2),
    }


def _rounded(value: Any, digits: int) -> float | None:
    return round(float(value), digits) if value is not None else None
