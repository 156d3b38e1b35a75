"""Narrow events: evidence and sentence words in event_texts; exact day and key counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Scans for filters, timelines and tops read only the narrow `events` rows (the evidence JSON
made them ~1 kB each); the whole-store timeline and tops read counts the write path keeps.
Existing rows are moved and counted here, so an upgraded store keeps its data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

READER_ROLE = "newsflow_reader"
"""The read-only role of migration 0001, granted the new tables too (default privileges)."""

DAY_COUNTS = """
INSERT INTO event_day_counts (day, root_code, quad_class, plover, country, events, goldstein_sum)
SELECT day, root_code, quad_class, coalesce(plover, ''), coalesce(source_country, ''),
       count(*), sum(goldstein)
FROM events GROUP BY 1, 2, 3, 4, 5
"""

KEY_SIDES = {
    "actor": ["source_code", "target_code"],
    "source": ["source_code"],
    "target": ["target_code"],
    "dyad": ["source_code || ',' || target_code"],
    "code": ["code"],
    "place": ["location_name"],
    "country": ["source_country", "target_country"],
    "entity": ["source_entity", "target_entity"],
}
"""What each kind of top counts (an event counts once per distinct value of its sides)."""


def key_counts(kind: str, sides: list[str]) -> str:
    """Return the statement that counts one kind's keys over the existing events."""
    first = f"SELECT {sides[0]} AS key, goldstein FROM events WHERE {sides[0]} IS NOT NULL"
    parts = [first]
    if len(sides) == 2:
        parts.append(
            f"SELECT {sides[1]}, goldstein FROM events WHERE {sides[1]} IS NOT NULL "
            f"AND {sides[1]} IS DISTINCT FROM {sides[0]}"
        )
    return (
        "INSERT INTO event_key_counts (kind, key, events, goldstein_sum) "
        f"SELECT '{kind}', key, count(*), sum(goldstein) FROM ({' UNION ALL '.join(parts)}) s "
        "GROUP BY key"
    )


def upgrade() -> None:
    op.create_table(
        "event_texts",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.SmallInteger(), nullable=False),
        sa.Column("sentence_text", sa.Text(), nullable=False),
        sa.Column(
            "evidence",
            postgresql.JSON(astext_type=sa.Text()),
            nullable=False,
            comment="The event as the analysis reports it.",
        ),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('english', sentence_text)", persisted=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["article_id", "ordinal"],
            ["events.article_id", "events.ordinal"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "ordinal"),
        comment="Each event's evidence and its sentence's words, beside the narrow events table.",
    )
    op.execute(
        "INSERT INTO event_texts (article_id, ordinal, sentence_text, evidence) "
        "SELECT article_id, ordinal, sentence_text, evidence FROM events"
    )
    op.create_index(
        "event_texts_search", "event_texts", ["search"], unique=False, postgresql_using="gin"
    )
    op.drop_index("events_text_search", table_name="events", postgresql_using="gin")
    op.drop_column("events", "evidence")
    op.drop_column("events", "sentence_text")
    # A rewrite, so the dropped columns' space is given back now (a same-type ALTER would not).
    op.execute(
        "ALTER TABLE events ALTER COLUMN goldstein TYPE double precision USING goldstein + 0"
    )
    op.create_table_comment(
        "events",
        "One row per event: the columns filters, sorts and aggregates read (narrow, so scans "
        "are quick); its evidence is in event_texts.",
    )
    create_counts()


def create_counts() -> None:
    """Create the day and key counts and fill them from the events already stored."""
    op.create_table(
        "event_day_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("root_code", sa.Text(), nullable=False),
        sa.Column("quad_class", sa.SmallInteger(), nullable=False),
        sa.Column("plover", sa.Text(), nullable=False, comment="'' for none."),
        sa.Column("country", sa.Text(), nullable=False, comment="The source actor's; '' for none."),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("goldstein_sum", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("day", "root_code", "quad_class", "plover", "country"),
        comment="Events per day and category, kept exact by the write path: whole-store timelines.",
    )
    op.create_table(
        "event_key_counts",
        sa.Column(
            "kind", sa.Text(), nullable=False, comment="actor, source, target, dyad, code, ..."
        ),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("goldstein_sum", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
        comment="Events per actor, dyad, code, place, country or entity: whole-store tops.",
    )
    op.create_index(
        "event_key_counts_by_count",
        "event_key_counts",
        ["kind", sa.literal_column("events DESC")],
        unique=False,
    )
    op.execute(DAY_COUNTS)
    for kind, sides in KEY_SIDES.items():
        op.execute(key_counts(kind, sides))
    for table in ("event_texts", "event_day_counts", "event_key_counts"):
        op.execute(f"GRANT SELECT ON {table} TO {READER_ROLE}")


def downgrade() -> None:
    raise NotImplementedError("results are not downgraded")
