"""Many rows as one statement: the rows sent as one JSON array, read by PostgreSQL's
`json_to_recordset` as typed columns.

psycopg's executemany (what SQLAlchemy uses for a list of parameters on PostgreSQL without
RETURNING) runs the statement once per row: a batch of 16 articles was ~1,600 statements, each
costing the worker Python and the server a parse-bind-execute. One array per column is one
statement, but psycopg escapes every element of a text array in Python. One JSON document is
encoded by the standard library's C encoder, and the statement's SQL does not depend on the
number of rows, so SQLAlchemy compiles it once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, Table, Text, bindparam, cast, column, func, select
from sqlalchemy.dialects.postgresql import JSON, Insert, insert


def unnested(
    table: Table,
    names: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    order_by: Sequence[str] = (),
) -> Select[Any]:
    """Return the rows as a SELECT of the named columns, typed as the table's, sorted by the
    `order_by` columns (writers that upsert shared rows lock them in one order)."""
    document = json.dumps([{name: row[name] for name in names} for row in rows], default=_iso)
    given = (
        func.json_to_recordset(cast(bindparam("rows", document, type_=Text), JSON))
        .table_valued(*(column(name, table.c[name].type) for name in names))
        .render_derived(name="given", with_types=True)
    )
    return select(*(given.c[name] for name in names)).order_by(
        *(given.c[name] for name in order_by)
    )


def insert_rows(
    table: Table, rows: Sequence[Mapping[str, Any]], order_by: Sequence[str] = ()
) -> Insert:
    """Return the INSERT of the rows (all with the same keys) as one statement."""
    names = list(rows[0])
    return insert(table).from_select(names, unnested(table, names, rows, order_by))


def _iso(value: object) -> str:
    """Write dates and times as PostgreSQL reads them back (ISO 8601, with the offset)."""
    if isinstance(value, date):  # datetime is a date
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")
