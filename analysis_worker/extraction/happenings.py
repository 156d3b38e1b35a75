"""One happening, one event: the same event reported in headline, lead and body is merged."""

from __future__ import annotations

from datetime import date

from newsflow.core.models import Event

DATE_SOURCES = {"text": 0, "context": 1, "published": 2, None: 3}
"""How much a date's source says about the happening, best first."""

PLACE_SOURCES = {"text": 0, "argument": 1, "sentence": 2, "dateline": 3, "article": 4, None: 5}
"""How much a place's source says about the happening, best first."""

Key = tuple[str | None, str | None, str]


def merge_mentions(events: list[Event]) -> list[Event]:
    """Return one event per happening, in order of first mention, with every mention kept."""
    merged: dict[Key, list[Event]] = {}
    for event in events:
        groups = merged.setdefault(happening_key(event), [])
        same = next((group for group in groups if same_day(group, event)), None)
        if same is None:
            groups.append(event)
        else:
            groups[groups.index(same)] = absorb(same, event)
    return sorted(
        (event for groups in merged.values() for event in groups),
        key=lambda event: event.mentions[0].start,
    )


def happening_key(event: Event) -> Key:
    """Return what identifies a happening: its actors' codes and its CAMEO root."""
    source = event.source.actor_code if event.source else None
    target = event.target.actor_code if event.target else None
    return (source, target, event.root_code)


def same_day(kept: Event, event: Event) -> bool:
    """Tell whether two reports may be one happening: their own dates do not differ."""
    return not (own_day(kept) and own_day(event) and own_day(kept) != own_day(event))


def own_day(event: Event) -> date | None:
    """Return the date the event's own clause gives (None when carried over or published)."""
    return event.date if event.date_source == "text" else None


def absorb(kept: Event, event: Event) -> Event:
    """Add a later report to the first: its mention, and its date or place when they say more."""
    update: dict[str, object] = {"mentions": [*kept.mentions, *event.mentions]}
    if DATE_SOURCES[event.date_source] < DATE_SOURCES[kept.date_source]:
        update |= {
            name: getattr(event, name)
            for name in ("date", "date_text", "date_source", "date_precision")
        }
    if PLACE_SOURCES[event.location_source] < PLACE_SOURCES[kept.location_source]:
        update |= {"location": event.location, "location_source": event.location_source}
    return kept.model_copy(update=update)
