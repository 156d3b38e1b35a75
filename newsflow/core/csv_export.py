"""The CSV export made by PostgreSQL: each column selected as text from the event's evidence
JSON and its article, written by `COPY (...) TO STDOUT (FORMAT csv)` and streamed as it comes.

Python decoding each row's evidence (and building its item) ran at 5,000-16,000 rows/s; here
the server parses each evidence once (`json_to_record`) and writes the CSV itself. The output is
what Python's csv module writes of the listed events (`tests/csv_reference.py`, which the tests
hold it to), byte for byte, with one difference: a field holding a carriage return without a
line feed is quoted (Python 3.11's csv module leaves it bare, which splits the row for most
readers). Numbers from the evidence are its JSON text,
which Python wrote (`repr` of the float), so they read back as Python prints them; empty text is
written as nothing, as Python's csv module writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from psycopg import sql
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Text,
    case,
    column,
    func,
    literal,
    select,
    text,
)
from sqlalchemy import true as sql_true
from sqlalchemy.dialects.postgresql import JSON, JSONB

from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.event_items import EVENTS_WITH_ARTICLES, IS_FACE
from newsflow.core.event_sorts import ordered
from newsflow.core.exports import COLUMNS
from newsflow.core.schema import articles, canonical_events, event_texts, events

BUFFER_BYTES = 64 * 1024
"""Bytes gathered from COPY's rows (one message each) before a chunk goes to the client."""

EVIDENCE_FIELDS = (
    "date", "code", "root_code", "quad_class", "goldstein", "name", "plover", "modality",
    "confidence", "date_text", "sentence", "sentence_text",
)  # fmt: skip
"""The evidence's fields the CSV shows as they are (text: a number as its JSON text)."""

NESTED_FIELDS = ("source", "target", "location", "attributed_to", "trigger")
"""The evidence's objects the CSV shows fields of."""

JSON_TEXT_FIELDS = frozenset({"location"})
"""Objects read as JSON text: their floats (lat, lon) as Python wrote them (jsonb would write
1e-05 as 0.00001). The others become jsonb once, so reading several of their fields does not
parse the object again for each."""

evidence = (
    func.json_to_record(event_texts.c.evidence)
    .table_valued(
        *(column(name, Text) for name in EVIDENCE_FIELDS),
        *(column(name, JSON if name in JSON_TEXT_FIELDS else JSONB) for name in NESTED_FIELDS),
    )
    .render_derived(name="ev", with_types=True)
)
"""Each event's evidence, parsed once."""


def _text(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """Empty text as NULL: COPY quotes an empty string, Python's csv module writes nothing."""
    return func.nullif(value, "")


def _of(name: str, field: str) -> ColumnElement[Any]:
    """A field of one of the evidence's objects (NULL when the object is null or absent)."""
    return _text(evidence.c[name].op("->>")(literal(field)))


def _iso(moment: ColumnElement[Any]) -> ColumnElement[Any]:
    """A time as Python's `datetime.isoformat` writes it, in the session's time zone."""
    fraction = case(
        (func.to_char(moment, "US") != "000000", func.to_char(moment, ".US")),
        else_="",
    )
    return func.concat(
        func.to_char(moment, 'YYYY-MM-DD"T"HH24:MI:SS'), fraction, func.to_char(moment, "TZH:TZM")
    )


def _counted(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """A happening's count, 1 for a mention of no happening (as the listing shows it)."""
    return func.coalesce(func.nullif(value, 0), 1)


def csv_columns() -> list[ColumnElement[Any]]:
    """Return the CSV's columns (exports.COLUMNS) as SQL, in order."""
    e, ev = events.c, evidence.c
    event_id = func.concat(e.article_id, "~", e.ordinal)
    written = func.coalesce(e.published_at, e.updated_at)
    found: dict[str, ColumnElement[Any]] = {
        "GLOBALEVENTID": event_id,
        "SQLDATE": func.coalesce(
            func.replace(_text(ev.date), "-", ""), func.to_char(written, "YYYYMMDD")
        ),
        "Actor1Code": _of("source", "actor_code"),
        "Actor1Name": _of("source", "text"),
        "Actor1CountryCode": _of("source", "country"),
        "Actor2Code": _of("target", "actor_code"),
        "Actor2Name": _of("target", "text"),
        "Actor2CountryCode": _of("target", "country"),
        "EventCode": _text(ev.code),
        "EventBaseCode": _text(func.substr(ev.code, 1, 3)),
        "EventRootCode": _text(ev.root_code),
        "QuadClass": _text(ev.quad_class),
        "GoldsteinScale": _text(ev.goldstein),
        "ActionGeo_FullName": _of("location", "name"),
        "ActionGeo_CountryCode": _of("location", "country"),
        "ActionGeo_Lat": _of("location", "lat"),
        "ActionGeo_Long": _of("location", "lon"),
        "ActionGeo_FeatureID": _of("location", "geonames_id"),
        "DATEADDED": func.to_char(e.updated_at, "YYYYMMDDHH24MISS"),
        "NumMentions": _counted(canonical_events.c.num_mentions),
        "NumSources": _counted(canonical_events.c.num_sources),
        "NumArticles": _counted(canonical_events.c.num_articles),
        "SOURCEURL": _text(articles.c.url),
        "EventName": _text(ev.name),
        "PLOVER": _text(ev.plover),
        "Modality": _text(ev.modality),
        "Confidence": _text(ev.confidence),
        "DateText": _text(ev.date_text),
        "AttributedTo": _of("attributed_to", "text"),
        "ArticleId": e.article_id,
        "CanonicalEventId": func.coalesce(_text(e.canonical_id), event_id),
        "Outlet": _text(articles.c.source),
        "PublishedAt": _iso(e.published_at),
        "SentenceIndex": _text(ev.sentence),
        "SentenceText": _text(ev.sentence_text),
        "Actor1Start": _of("source", "start"),
        "Actor1End": _of("source", "end"),
        "Actor2Start": _of("target", "start"),
        "Actor2End": _of("target", "end"),
        "TriggerText": _of("trigger", "text"),
        "TriggerStart": _of("trigger", "start"),
        "TriggerEnd": _of("trigger", "end"),
    }
    assert list(found) == COLUMNS
    return [value.label(name) for name, value in found.items()]


def csv_statement(wanted: EventFilter, sort: str, distinct: bool) -> Select[Any]:
    """Return the query of a filter's CSV rows, in the listing's order."""
    condition = conditions(wanted)
    if distinct:
        condition = condition & IS_FACE
    source = EVENTS_WITH_ARTICLES.join(evidence, sql_true())
    return ordered(select(*csv_columns()).select_from(source).where(condition), sort)


def header() -> bytes:
    """The CSV's header line (no column name needs quoting)."""
    return (",".join(COLUMNS) + "\n").encode()


def _in_utc(value: Any) -> Any:
    """A time as UTC, else the value: COPY takes its parameters as SQL text, and PostgreSQL
    refuses an offset beyond 15:59 there (5331-01-12T10:31-17:04); a time past the last one
    Python holds in UTC is as late (or early) as any stored time."""
    if not isinstance(value, dt.datetime):
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        edge = dt.datetime.max if value.year > 1 else dt.datetime.min
        return edge.replace(tzinfo=dt.UTC)


def csv_stream(engine: Engine, wanted: EventFilter, sort: str, distinct: bool) -> Iterator[bytes]:
    """Yield a filter's CSV file, header first, in chunks of about BUFFER_BYTES, from one COPY
    (constant memory: rows are read as the server sends them). The COPY starts before the first
    chunk is yielded, so a bad query raises there."""
    compiled = csv_statement(wanted, sort, distinct).compile(
        dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    copy = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(sql.SQL(str(compiled)))
    params = {name: _in_utc(value) for name, value in compiled.params.items()}
    with engine.connect() as connection:
        # One statement for the whole file, however long the client takes to read it: a
        # request's statement timeout would cut a big export off (the cursor it replaces ran
        # one statement per 2,000 rows).
        connection.execute(text("SET LOCAL statement_timeout = 0"))
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(copy, params) as rows:
            buffer = bytearray(header())
            for row in rows:
                buffer += row
                if len(buffer) >= BUFFER_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
            yield bytes(buffer)
