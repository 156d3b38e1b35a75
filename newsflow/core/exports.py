"""Events as files: CSV with GDELT 2.0 event-table column names, NDJSON and GeoJSON, streamed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Item = dict[str, Any]


GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE",
    "Actor1Code", "Actor1Name", "Actor1CountryCode",
    "Actor2Code", "Actor2Name", "Actor2CountryCode",
    "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID", "DATEADDED", "NumMentions", "NumSources", "NumArticles", "SOURCEURL",
]  # fmt: skip
"""GDELT 2.0 event-table columns we have (country codes are ISO alpha-3 as in CAMEO actor
codes, where GDELT's ActionGeo uses FIPS); `csv_export.csv_columns` says where each comes
from."""

OWN_COLUMNS = [
    "EventName", "PLOVER", "Modality", "Confidence", "DateText", "AttributedTo", "ArticleId",
    "CanonicalEventId", "Outlet", "PublishedAt", "SentenceIndex", "SentenceText",
    "Actor1Start", "Actor1End", "Actor2Start", "Actor2End",
    "TriggerText", "TriggerStart", "TriggerEnd",
]  # fmt: skip
"""Our own columns: the event's category and evidence (character offsets into the article)."""

COLUMNS = GDELT_COLUMNS + OWN_COLUMNS

CHUNK_ROWS = 500
"""Lines written per chunk of a streamed response."""


def ndjson_chunks(items: Iterable[Item]) -> Iterator[str]:
    """Yield one JSON event per line, as the events API lists them."""
    lines: list[str] = []
    for event in items:
        lines.append(json.dumps(event, ensure_ascii=False))
        if len(lines) == CHUNK_ROWS:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def geojson_chunks(items: Iterable[Item]) -> Iterator[str]:
    """Yield a GeoJSON FeatureCollection: a Point per located event, null geometry otherwise."""
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    for lines in ndjson_chunks(feature(event) for event in items):
        yield separator + lines.rstrip("\n").replace("\n", ",\n")
        separator = ",\n"
    yield "\n]}\n"


def feature(event: Item) -> dict[str, Any]:
    """Return an event as a GeoJSON feature (coordinates are longitude, latitude)."""
    location = event.get("location") or {}
    point = None
    if location.get("lat") is not None and location.get("lon") is not None:
        point = {"type": "Point", "coordinates": [location["lon"], location["lat"]]}
    return {"type": "Feature", "id": event["id"], "geometry": point, "properties": event}


FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "ndjson": ("application/x-ndjson", "ndjson"),
    "geojson": ("application/geo+json", "geojson"),
}
"""Each export format: media type, file extension."""

ITEM_WRITERS: dict[str, Callable[[Iterable[Item]], Iterator[str]]] = {
    "ndjson": ndjson_chunks,
    "geojson": geojson_chunks,
}
"""The formats written from the listed items; CSV is written by PostgreSQL (`csv_export`)."""
