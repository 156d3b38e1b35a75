"""Events as files: CSV with GDELT 2.0 event-table column names, NDJSON and GeoJSON, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
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
codes, where GDELT's ActionGeo uses FIPS); `csv_row` says where each comes from."""

OWN_COLUMNS = [
    "EventName", "PLOVER", "Modality", "Confidence", "DateText", "AttributedTo", "ArticleId",
    "CanonicalEventId", "Outlet", "PublishedAt", "SentenceIndex", "SentenceText",
    "Actor1Start", "Actor1End", "Actor2Start", "Actor2End",
    "TriggerText", "TriggerStart", "TriggerEnd",
]  # fmt: skip
"""Our own columns: the event's category and evidence (character offsets into the article)."""

NO_ACTOR: Item = {"actor_code": None, "text": None, "country": None, "start": None, "end": None}
NO_PLACE: Item = {"name": None, "country": None, "lat": None, "lon": None, "geonames_id": None}


def _day(e: Item) -> str:
    """The event's date, else its article's publication day, as GDELT's YYYYMMDD."""
    day = e.get("date") or (e["article"]["published_at"] or e["updated_at"])[:10]
    return str(day).replace("-", "")


def csv_row(e: Item) -> list[Any]:
    """Return an event's CSV row, GDELT_COLUMNS then OWN_COLUMNS (one call a row: exports are
    hundreds of thousands of rows)."""
    source, target = e.get("source") or NO_ACTOR, e.get("target") or NO_ACTOR
    place, article, trigger = e.get("location") or NO_PLACE, e["article"], e["trigger"]
    added = e["updated_at"][:19].replace("-", "").replace(":", "").replace("T", "")
    return [
        e["id"], _day(e),
        source["actor_code"], source["text"], source["country"],
        target["actor_code"], target["text"], target["country"],
        e["code"], e["code"][:3], e["root_code"], e["quad_class"], e["goldstein"],
        place["name"], place["country"], place["lat"], place["lon"], place.get("geonames_id"),
        added, e["num_mentions"], e["num_sources"], e["num_articles"], article["url"],
        e["name"], e.get("plover"), e.get("modality"), e.get("confidence"), e.get("date_text"),
        (e.get("attributed_to") or NO_ACTOR)["text"], article["id"], e["canonical_id"],
        article["source"], article["published_at"], e["sentence"], e["sentence_text"],
        source["start"], source["end"], target["start"], target["end"],
        trigger["text"], trigger["start"], trigger["end"],
    ]  # fmt: skip


COLUMNS = GDELT_COLUMNS + OWN_COLUMNS

CHUNK_ROWS = 500
"""Rows written per chunk of a streamed response."""


def csv_chunks(items: Iterable[Item]) -> Iterator[str]:
    """Yield a CSV file of listed events, header first, a few hundred rows at a time: the file
    `csv_export` has PostgreSQL write for the API (the tests hold the two byte for byte)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = map(csv_row, items)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        writer.writerows(chunk)  # the csv module writes None as ""
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
"""Each export format: media type, file extension, writer (the API has PostgreSQL write CSV:
`csv_export`)."""


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
