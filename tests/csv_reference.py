"""What Python's csv module writes of the listed events: the oracle the CSV export, written by
PostgreSQL (`newsflow.core.csv_export`), is held to byte for byte, as a client rebuilding the
file from `GET /events` would write it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from newsflow.core.exports import CHUNK_ROWS, COLUMNS

Item = dict[str, Any]

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


def csv_chunks(items: Iterable[Item]) -> Iterator[str]:
    """Yield a CSV file of listed events, header first, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = map(csv_row, items)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        writer.writerows(chunk)  # the csv module writes None as ""
        yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
