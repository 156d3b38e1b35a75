"""Sentence words in their own narrow table, event_search, with each event's day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

`q=` read its matches from event_texts, whose rows carry the evidence JSON (~1.5 kB each): a
common word's ten thousand matches were ten thousand pages. event_search holds only the key,
the day and the words (~0.3 kB), so the matches and their exact count come from a few pages,
ordered by day without reading `events`. The words already computed are moved here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_search",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, comment="The event's day (events.day)."),
        sa.Column("search", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id", "ordinal"],
            ["events.article_id", "events.ordinal"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "ordinal"),
        comment="Each event's sentence words and day: what q= reads (narrow, so a common "
        "word's matches are few pages).",
    )
    op.execute(
        "INSERT INTO event_search (article_id, ordinal, day, search) "
        "SELECT t.article_id, t.ordinal, e.day, t.search "
        "FROM event_texts t JOIN events e USING (article_id, ordinal)"
    )
    op.create_index(
        "event_search_words", "event_search", ["search"], unique=False, postgresql_using="gin"
    )
    op.create_index(
        "event_search_by_day",
        "event_search",
        [sa.text("day DESC"), sa.text("article_id DESC"), sa.text("ordinal DESC")],
        unique=False,
    )
    op.drop_index("event_texts_search", table_name="event_texts", postgresql_using="gin")
    op.drop_column("event_texts", "search")
    op.create_table_comment(
        "event_texts",
        "Each event's evidence and sentence, beside the narrow events table.",
        existing_comment="Each event's evidence and its sentence's words, beside the narrow "
        "events table.",
    )


def downgrade() -> None:
    raise NotImplementedError("results are not downgraded")
