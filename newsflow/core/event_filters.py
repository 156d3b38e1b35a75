"""Filters over events, as the API's query parameters and as SQL conditions (AND-combined)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    cast,
    func,
    or_,
    true,
)

from newsflow.core import codebook
from newsflow.core.event_search import matching_events
from newsflow.core.models import (
    ARTICLE_ID_PATTERN,
    ENTITY_KEY_PATTERN,
    Modality,
    reject_control_text,
)
from newsflow.core.schema import events

ACTOR_PATTERN = r"^[A-Z]{3}[A-Z0-9]{0,12}$"
"""A CAMEO actor code or its beginning: a country RUS, a full code RUSMIL, an IGO IGOWSTNAT."""

EARTH_RADIUS_KM = 6371.0
"""Mean radius of the Earth, for `near`."""

KM_PER_DEGREE = 111.2
"""Kilometres per degree of latitude, for the bounding box around `near`."""

Code = Annotated[str, Field(pattern=r"^\d{2,4}$")]
Actor = Annotated[str, Field(pattern=ACTOR_PATTERN)]


class EventFilter(BaseModel):
    """Which events: every parameter given must hold (AND)."""

    model_config = ConfigDict(extra="forbid")

    since: dt.date | None = Field(
        default=None, description="Event date on or after, e.g. 2025-09-01"
    )
    until: dt.date | None = Field(
        default=None, description="Event date on or before, e.g. 2025-09-30"
    )
    published_since: dt.datetime | None = Field(
        default=None, description="Article published at or after, e.g. 2025-09-01T00:00:00Z"
    )
    published_until: dt.datetime | None = Field(
        default=None, description="Article published at or before, e.g. 2025-10-01T00:00:00Z"
    )
    code: Code | None = Field(default=None, description="CAMEO code or prefix: 15, 150, 1712")
    root: Annotated[str, Field(pattern=r"^\d{2}$")] | None = Field(
        default=None, description="CAMEO root code, e.g. 15"
    )
    quad_class: int | None = Field(default=None, ge=1, le=4, description="QuadClass 1-4, e.g. 4")
    plover: Annotated[str, Field(pattern=r"^[A-Za-z]{3,12}$")] | None = Field(
        default=None, description="PLOVER category, e.g. MOBILIZE"
    )
    actor: Actor | None = Field(
        default=None,
        description="Either side's actor: a country RUS, a code RUSMIL, an IGO IGOWSTNAT",
    )
    source: Actor | None = Field(default=None, description="The source actor, e.g. RUS")
    target: Actor | None = Field(default=None, description="The target actor, e.g. EST")
    dyad: Annotated[str, Field(pattern=r"^[A-Z0-9]{3,15},[A-Z0-9]{3,15}$")] | None = Field(
        default=None, description="Source,target (directed), e.g. RUS,EST"
    )
    undirected: bool = Field(default=False, description="With dyad: either direction, e.g. true")
    country: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="Country of either actor (ISO alpha-3), e.g. EST"
    )
    place: Annotated[str, Field(min_length=2, max_length=200)] | None = Field(
        default=None, description="Location name or its country code, e.g. Brussels or BEL"
    )
    bbox: str | None = Field(
        default=None, description="Located inside west,south,east,north degrees, e.g. 20,55,30,60"
    )
    near: str | None = Field(
        default=None, description="Located within km of lat,lon: lat,lon,km, e.g. 59.4,24.7,200"
    )
    modality: list[Modality] | None = Field(
        default=None, description="asserted, planned, possible, negated (repeatable)"
    )
    min_confidence: float | None = Field(default=None, ge=0, le=1, description="e.g. 0.8")
    entity: Annotated[str, Field(pattern=ENTITY_KEY_PATTERN)] | None = Field(
        default=None, description="Canonical entity key of either actor, e.g. org:nato"
    )
    q: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="Words of the evidence sentence (web search syntax), e.g. airspace",
    )
    article: Annotated[str, Field(pattern=ARTICLE_ID_PATTERN)] | None = Field(
        default=None, description="Events of one article, by its id"
    )
    outlet: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The article's source (case-insensitive), e.g. Reuters"
    )
    updated_since: dt.datetime | None = Field(
        default=None,
        description="Written at or after (change feed; sort=updated), e.g. 2025-10-01T00:00Z",
    )

    @field_validator("place", "q", "outlet", "entity", "article")
    @classmethod
    def _clean_text(cls, value: str | None) -> str | None:
        return reject_control_text(value) if value is not None else None

    @field_validator(
        "since", "until", "published_since", "published_until", "updated_since", mode="before"
    )
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        """Refuse what pydantic would read as a Unix time (since=0): dates are ISO 8601 text."""
        if isinstance(value, str | int | float) and not re.match(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise ValueError("must be an ISO 8601 date, e.g. 2025-09-01")
        return value

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str | None) -> str | None:
        if value is not None and not codebook.is_code_or_prefix(value):
            raise ValueError("is not a CAMEO code or the beginning of one")
        return value

    @field_validator("root")
    @classmethod
    def _known_root(cls, value: str | None) -> str | None:
        if value is not None and value not in codebook.root_codes():
            raise ValueError("is not a CAMEO root code (01-20)")
        return value

    @field_validator("plover")
    @classmethod
    def _known_plover(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in codebook.plover_categories():
            known = ", ".join(sorted(codebook.plover_categories()))
            raise ValueError(f"is not a PLOVER category ({known})")
        return value.upper() if value else None

    @field_validator("until")
    @classmethod
    def _until_after_since(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        since = info.data.get("since")
        if value is not None and since is not None and since > value:
            raise ValueError("must not be before since")
        return value

    @field_validator("published_until")
    @classmethod
    def _published_until_after_since(
        cls, value: dt.datetime | None, info: ValidationInfo
    ) -> dt.datetime | None:
        since = info.data.get("published_since")
        if value is not None and since is not None and _aware(since) > _aware(value):
            raise ValueError("must not be before published_since")
        return value

    @field_validator("published_since", "published_until", "updated_since")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _aware(value) if value is not None else None

    @field_validator("bbox")
    @classmethod
    def _valid_bbox(cls, value: str | None) -> str | None:
        if value is not None:
            west, south, east, north = _numbers(value, 4, "west,south,east,north")
            if not (-180 <= west <= 180 and -180 <= east <= 180):
                raise ValueError("west and east must be longitudes between -180 and 180")
            if not -90 <= south <= north <= 90:
                raise ValueError("south and north must be latitudes, south <= north")
        return value

    @field_validator("near")
    @classmethod
    def _valid_near(cls, value: str | None) -> str | None:
        if value is not None:
            lat, lon, km = _numbers(value, 3, "lat,lon,km")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20_000):
                raise ValueError("needs a latitude, a longitude and 0 < km <= 20000")
        return value


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _numbers(value: str, count: int, shape: str) -> list[float]:
    parts = value.split(",")
    if len(parts) != count or not all(re.fullmatch(r"-?\d+(\.\d+)?", p.strip()) for p in parts):
        raise ValueError(f"must be {count} numbers: {shape}")
    return [float(p) for p in parts]


def conditions(wanted: EventFilter) -> ColumnElement[bool]:
    """Return the SQL condition of a filter (true when it asks for nothing)."""
    parts = [
        part
        for build in (_dates, _codes, _actors, _places, _evidence, _provenance)
        for part in build(wanted)
    ]
    return and_(true(), *parts)


def days(wanted: EventFilter, day: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    """Return the conditions of a filter's `since` and `until` on a day column (of events, or of
    a narrow table that keeps each event's day)."""
    parts: list[ColumnElement[bool]] = []
    if wanted.since is not None:
        parts.append(day >= wanted.since)
    if wanted.until is not None:
        parts.append(day <= wanted.until)
    return parts


def _dates(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts = days(wanted, c.day)
    for value, column, lower in (
        (wanted.published_since, c.published_at, True),
        (wanted.published_until, c.published_at, False),
        (wanted.updated_since, c.updated_at, True),
    ):
        if value is not None:
            parts.append(column >= value if lower else column <= value)
    return parts


def _codes(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts: list[ColumnElement[bool]] = []
    if wanted.code:
        parts.append(c.code.like(f"{wanted.code}%"))
    if wanted.root:
        parts.append(c.root_code == wanted.root)
    if wanted.quad_class:
        parts.append(c.quad_class == wanted.quad_class)
    if wanted.plover:
        parts.append(c.plover == wanted.plover)
    return parts


def side(which: Literal["source", "target"], actor: str) -> ColumnElement[bool]:
    """Match one side's actor: its code begins with `actor`, or (a country) its country is it."""
    code, country = events.c[f"{which}_code"], events.c[f"{which}_country"]
    matches = code.like(f"{actor}%")
    return or_(matches, country == actor) if len(actor) == 3 else matches


def _actors(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts: list[ColumnElement[bool]] = []
    if wanted.actor:
        parts.append(or_(side("source", wanted.actor), side("target", wanted.actor)))
    if wanted.source:
        parts.append(side("source", wanted.source))
    if wanted.target:
        parts.append(side("target", wanted.target))
    if wanted.dyad:
        first, second = wanted.dyad.split(",")
        directed = and_(side("source", first), side("target", second))
        reverse = and_(side("source", second), side("target", first))
        parts.append(or_(directed, reverse) if wanted.undirected else directed)
    if wanted.country:
        parts.append(or_(c.source_country == wanted.country, c.target_country == wanted.country))
    if wanted.entity:
        parts.append(or_(c.source_entity == wanted.entity, c.target_entity == wanted.entity))
    return parts


def _places(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts: list[ColumnElement[bool]] = []
    if wanted.place:
        if re.fullmatch(r"[A-Z]{3}", wanted.place):
            parts.append(c.location_country == wanted.place)
        else:
            parts.append(func.lower(c.location_name) == wanted.place.lower())
    if wanted.bbox:
        parts.append(box_bounds(wanted.bbox, c.lon, c.lat))
    if wanted.near:
        parts.append(_within(*_numbers(wanted.near, 3, "")))
    return parts


def box_bounds(bbox: str, lon: ColumnElement[Any], lat: ColumnElement[Any]) -> ColumnElement[bool]:
    """Return the condition of points inside a valid bbox (west > east crosses 180 degrees)."""
    west, south, east, north = _numbers(bbox, 4, "")
    longitude = lon.between(west, east) if west <= east else or_(lon >= west, lon <= east)
    return and_(lat.between(south, north), longitude)


def _within(lat: float, lon: float, km: float) -> ColumnElement[bool]:
    """Great-circle distance <= km, behind a bounding box the indexes can use."""
    c = events.c
    spread = km / KM_PER_DEGREE
    box = c.lat.between(lat - spread, lat + spread)
    radians = func.radians
    haversine = func.power(func.sin((radians(c.lat) - radians(lat)) / 2), 2) + func.cos(
        radians(lat)
    ) * func.cos(radians(c.lat)) * func.power(func.sin((radians(c.lon) - radians(lon)) / 2), 2)
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(cast(haversine, Float)))
    return and_(box, distance <= km)


def _evidence(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts: list[ColumnElement[bool]] = []
    if wanted.modality:
        parts.append(c.modality.in_(wanted.modality))
    if wanted.min_confidence is not None:
        parts.append(c.confidence >= wanted.min_confidence)
    if wanted.q:
        parts.append(matching_events(wanted.q))
    return parts


def _provenance(wanted: EventFilter) -> list[ColumnElement[bool]]:
    c = events.c
    parts: list[ColumnElement[bool]] = []
    if wanted.article:
        parts.append(c.article_id == wanted.article)
    if wanted.outlet:
        parts.append(func.lower(c.outlet) == wanted.outlet.lower())
    return parts
