"""Timeline buckets: every interval from the first to the last, empty ones included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from newsflow.core.event_filters import EventFilter

MAX_BUCKETS = 5000
"""Most buckets one timeline may have (a daily timeline over ~14 years)."""


class TooManyBuckets(ValueError):
    """A timeline whose interval is too fine for the range of its events."""


@dataclass(frozen=True)
class Bucketed:
    """Events of one group in one bucket: how many, and their mean Goldstein score."""

    bucket: dt.date
    group: str | None
    count: int
    goldstein: float | None


def fill_buckets(rows: list[Bucketed], interval: str, wanted: EventFilter) -> list[dict[str, Any]]:
    """Return one bucket per interval from the first to the last (or the filter's dates)."""
    found: dict[dt.date, list[Bucketed]] = {}
    for row in rows:
        found.setdefault(row.bucket, []).append(row)
    if not found and not (wanted.since and wanted.until):
        return []
    first = truncate(wanted.since, interval) if wanted.since else min(found)
    last = truncate(wanted.until, interval) if wanted.until else max(found)
    buckets = []
    for start in bucket_starts(first, last, interval):
        group_rows = found.get(start, [])
        count = sum(r.count for r in group_rows)
        weighted = sum(float(r.goldstein or 0) * r.count for r in group_rows)
        buckets.append(
            {
                "start": start.isoformat(),
                "count": count,
                "goldstein": round(weighted / count, 2) if count else None,
                "groups": [
                    {"key": r.group, "count": r.count, "goldstein": _mean(r.goldstein)}
                    for r in group_rows
                ],
            }
        )
    return buckets


def truncate(day: dt.date, interval: str) -> dt.date:
    """Return the first day of the day's bucket (weeks begin on Monday, as in PostgreSQL)."""
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1) if interval == "month" else day


def bucket_starts(first: dt.date, last: dt.date, interval: str) -> list[dt.date]:
    """Return the start of every bucket from first to last, or raise TooManyBuckets."""
    starts, current = [], first
    while current <= last:
        starts.append(current)
        if len(starts) > MAX_BUCKETS:
            raise TooManyBuckets(f"more than {MAX_BUCKETS} {interval}s")
        if interval == "month":
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            current += dt.timedelta(days=7 if interval == "week" else 1)
    return starts


def _mean(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None
