"""Indexes of root, PLOVER, country and place that end with the listing's order; key counts
per root, PLOVER category and QuadClass (kinds root*, plover*, quad*).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

A filter's newest page came from walking every event newest first until enough matched: fast
when matches are spread over the days, 0.1 s when the newest quarter of the store holds none
(plover=COERCE). With (value, day DESC, article_id DESC, ordinal DESC) the page is the index's
first rows. The totals of root=, plover= or quad_class= alone summed ~40,000 day count rows
(20 ms); one key count row now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "events_by_root": "root_code",
    "events_by_plover": "plover",
    "events_by_source_country": "source_country",
    "events_by_target_country": "target_country",
    "events_by_place": "location_country",
}
"""Each index rebuilt, and the column it leads with."""

KINDS = {"root*": "root_code", "plover*": "plover", "quad*": "quad_class::text"}
"""Each new kind of key count, and its key."""


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="events")
        op.create_index(
            name,
            "events",
            [
                column,
                sa.literal_column("day DESC"),
                sa.literal_column("article_id DESC"),
                sa.literal_column("ordinal DESC"),
            ],
            unique=False,
        )
    for kind, key in KINDS.items():
        op.execute(
            "INSERT INTO event_key_counts (kind, key, events, goldstein_sum) "
            f"SELECT '{kind}', {key}, count(*), sum(goldstein) FROM events "
            f"WHERE {key} IS NOT NULL GROUP BY {key}"
        )


def downgrade() -> None:
    op.execute("DELETE FROM event_key_counts WHERE kind IN ('root*', 'plover*', 'quad*')")
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="events")
        op.create_index(name, "events", [column, "day"], unique=False)
