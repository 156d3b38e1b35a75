"""The merge rule of canonical events: which event mentions of one story are one happening."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_DAYS_APART = 1
"""Mentions dated further apart are different happenings (same day or the next)."""


@dataclass(frozen=True)
class Mention:
    """One event mention, as the merge rule sees it."""

    article_id: str
    ordinal: int
    outlet: str | None
    category: str
    source: str | None
    target: str | None
    source_country: str | None
    target_country: str | None
    day: date
    place: str | None
    place_country: str | None
    confidence: float
    seen: datetime

    @property
    def id(self) -> str:
        """Return the mention's public event id."""
        return f"{self.article_id}~{self.ordinal}"


def _actors_agree(
    a: str | None, b: str | None, a_country: str | None, b_country: str | None
) -> bool:
    """Say whether two actors may be the same: one unknown, one code nests the other, or one
    country."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a) or (a_country is not None and a_country == b_country)


def _places_agree(a: Mention, b: Mention) -> bool:
    """Say whether two places may be the same: one unknown, the same name, or one country."""
    if not a.place or not b.place:
        return True
    if a.place.lower() == b.place.lower():
        return True
    return a.place_country is not None and a.place_country == b.place_country


def same_happening(a: Mention, b: Mention) -> bool:
    """Say whether two mentions report the same happening."""
    return (
        a.category == b.category
        and abs((a.day - b.day).days) <= MAX_DAYS_APART
        and _actors_agree(a.source, b.source, a.source_country, b.source_country)
        and _actors_agree(a.target, b.target, a.target_country, b.target_country)
        and _places_agree(a, b)
    )


def canonical_groups(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """Group mentions into happenings (connected components), each group by id.

    Mentions told the same way (one category, day, actors and place) are one happening by the
    rule, so each way is compared once: the cost grows with the ways a story tells its events,
    not with its reports.
    """
    pool = sorted(mentions, key=lambda m: (m.article_id, m.ordinal))
    parent = list(range(len(pool)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        first, second = sorted((root(i), root(j)))
        parent[second] = first

    ways: dict[tuple[object, ...], int] = {}
    for i, mention in enumerate(pool):
        union(ways.setdefault(_way(mention), i), i)
    for i, j in _pairs_to_compare(pool, list(ways.values())):
        if root(i) != root(j) and same_happening(pool[i], pool[j]):  # else it adds nothing
            union(i, j)
    groups: dict[int, list[Mention]] = {}
    for i, mention in enumerate(pool):
        groups.setdefault(root(i), []).append(mention)
    return list(groups.values())


def _way(m: Mention) -> tuple[object, ...]:
    """Return what the rule compares of a mention: two with the same are one happening."""
    place = m.place.lower() if m.place else m.place
    return (
        m.category,
        m.day,
        m.source,
        m.source_country,
        m.target,
        m.target_country,
        place,
        m.place_country,
    )


def _pairs_to_compare(pool: list[Mention], indexes: list[int]) -> Iterator[tuple[int, int]]:
    """Yield the pairs of these indexes that may be one happening: one category, days close
    enough."""
    by_category: dict[str, list[int]] = {}
    for i in indexes:
        by_category.setdefault(pool[i].category, []).append(i)
    apart = timedelta(days=MAX_DAYS_APART)
    for found in by_category.values():
        found.sort(key=lambda i: pool[i].day)
        days = [pool[i].day for i in found]
        for n, i in enumerate(found):
            for j in found[n + 1 : bisect_right(days, days[n] + apart)]:
                yield i, j


def face_rank(m: Mention) -> tuple[float, int, datetime, str]:
    """Return how a mention ranks as a face (lowest first): most confident, with most actors,
    first seen."""
    return (-m.confidence, -((m.source is not None) + (m.target is not None)), m.seen, m.id)


def face(group: list[Mention]) -> Mention:
    """Return the best-evidenced mention: most confident, with most actors, first seen."""
    return min(group, key=face_rank)


def counts(group: list[Mention]) -> dict[str, object]:
    """Return a canonical event's row: its face, its counts and when it was seen."""
    best = face(group)
    return {
        "id": group[0].id,
        "face_article_id": best.article_id,
        "face_ordinal": best.ordinal,
        "num_mentions": len(group),
        "num_articles": len({m.article_id for m in group}),
        "num_sources": len({(m.outlet or m.article_id).lower() for m in group}),
        "first_seen": min(m.seen for m in group),
        "last_seen": max(m.seen for m in group),
        "category": best.category,
        "first_day": min(m.day for m in group),
        "last_day": max(m.day for m in group),
    }
