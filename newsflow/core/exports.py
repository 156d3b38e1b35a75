"""Events as files: CSV with GDELT 2.0 event-table column names, NDJSON and GeoJSON, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Item = dict[str, Any]


def _actor(side: str, field: str) -> Callable[[Item], Any]:
    return lambda e: (e.get(side) or {}).get(field)


def _location(field: str) -> Callable[[Item], Any]:
    return lambda e: (e.get("location") or {}).get(field)


def _day(e: Item) -> str:
    """The event's date, else its article's publication day, as GDELT's YYYYMMDD."""
    day = e.get("date") or (e["article"]["published_at"] or e["updated_at"])[:10]
    return str(day).replace("-", "")


GDELT_COLUMNS: list[tuple[str, Callable[[Item], Any]]] = [
    ("GLOBALEVENTID", lambda e: e["id"]),
    ("SQLDATE", _day),
    ("Actor1Code", _actor("source", "actor_code")),
    ("Actor1Name", _actor("source", "text")),
    ("Actor1CountryCode", _actor("source", "country")),
    ("Actor2Code", _actor("target", "actor_code")),
    ("Actor2Name", _actor("target", "text")),
    ("Actor2CountryCode", _actor("target", "country")),
    ("EventCode", lambda e: e["code"]),
    ("EventBaseCode", lambda e: e["code"][:3]),
    ("EventRootCode", lambda e: e["root_code"]),
    ("QuadClass", lambda e: e["quad_class"]),
    ("GoldsteinScale", lambda e: e["goldstein"]),
    ("ActionGeo_FullName", _location("name")),
    ("ActionGeo_CountryCode", _location("country")),
    ("ActionGeo_Lat", _location("lat")),
    ("ActionGeo_Long", _location("lon")),
    ("ActionGeo_FeatureID", _location("geonames_id")),
    (
        "DATEADDED",
        lambda e: e["updated_at"][:19].replace("-", "").replace(":", "").replace("T", ""),
    ),
    ("NumMentions", lambda e: e["num_mentions"]),
    ("NumSources", lambda e: e["num_sources"]),
    ("NumArticles", lambda e: e["num_articles"]),
    ("SOURCEURL", lambda e: e["article"]["url"]),
]
"""GDELT 2.0 event-table columns we have, and where each comes from (country codes are ISO
alpha-3 as in CAMEO actor codes, where GDELT's ActionGeo uses FIPS)."""

OWN_COLUMNS: list[tuple[str, Callable[[Item], Any]]] = [
    ("EventName", lambda e: e["name"]),
    ("PLOVER", lambda e: e.get("plover")),
    ("Modality", lambda e: e.get("modality")),
    ("Confidence", lambda e: e.get("confidence")),
    ("DateText", lambda e: e.get("date_text")),
    ("AttributedTo", _actor("attributed_to", "text")),
    ("ArticleId", lambda e: e["article"]["id"]),
    ("CanonicalEventId", lambda e: e["canonical_id"]),
    ("Outlet", lambda e: e["article"]["source"]),
    ("PublishedAt", lambda e: e["article"]["published_at"]),
    ("SentenceIndex", lambda e: e["sentence"]),
    ("SentenceText", lambda e: e["sentence_text"]),
    ("Actor1Start", _actor("source", "start")),
    ("Actor1End", _actor("source", "end")),
    ("Actor2Start", _actor("target", "start")),
    ("Actor2End", _actor("target", "end")),
    ("TriggerText", lambda e: e["trigger"]["text"]),
    ("TriggerStart", lambda e: e["trigger"]["start"]),
    ("TriggerEnd", lambda e: e["trigger"]["end"]),
]
"""Our own columns: the event's category and evidence (character offsets into the article)."""

COLUMNS = GDELT_COLUMNS + OWN_COLUMNS

CHUNK_ROWS = 500
"""Rows written per chunk of a streamed response."""


def csv_chunks(items: Iterable[Item]) -> Iterator[str]:
    """Yield a CSV file, header first, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _ in COLUMNS)
    for number, event in enumerate(items, start=1):
        writer.writerow("" if (v := value(event)) is None else v for _, value in COLUMNS)
        if number % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


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


FORMATS: dict[str, tuple[str, str, Callable[[Iterable[Item]], Iterator[str]]]] = {
    "csv": ("text/csv; charset=utf-8", "csv", csv_chunks),
    "ndjson": ("application/x-ndjson", "ndjson", ndjson_chunks),
    "geojson": ("application/geo+json", "geojson", geojson_chunks),
}
"""Each export format: media type, file extension, writer."""


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
