"""event_point_counts: events per located point, and each point's events newest first, so that
`bbox=` is counted from a few rows and paged from its points' own index rows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

`bbox=` counted its matches on every page (a range scan of events_by_lon_lat: a 10-degree box
around a capital held up to a fifth of the store) and then sorted or walked them. The places
are few (tens of points at 100,000 articles): existing events are counted here; the write path
moves the counts with each article's events from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NEWEST_FIRST: list[sa.ColumnElement[object]] = [
    sa.literal_column(f"{name} DESC") for name in ("day", "article_id", "ordinal")
]


def upgrade() -> None:
    op.create_table(
        "event_point_counts",
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("goldstein_sum", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("lon", "lat"),
        comment="Events per located point (the places are few), kept exact by the write path: "
        "the total of `bbox=` and the points whose newest events make its page.",
    )
    op.execute(
        "INSERT INTO event_point_counts (lon, lat, events, goldstein_sum) "
        "SELECT lon, lat, count(*), sum(goldstein) FROM events "
        "WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY lon, lat"
    )
    op.drop_index("events_by_lon_lat", table_name="events")
    op.create_index("events_by_point", "events", ["lon", "lat", *NEWEST_FIRST])


def downgrade() -> None:
    op.drop_index("events_by_point", table_name="events")
    op.create_index("events_by_lon_lat", "events", ["lon", "lat"])
    op.drop_table("event_point_counts")
