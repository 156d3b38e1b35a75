"""event_word_counts: events per sentence word, so that the exact total of `q=` one word is
one row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

`q=missiles` counted its ~22,000 matches in event_search on every page (a GIN bitmap, then each
match's row: 30-60 ms at 100,000 articles). Existing words are counted here; the write path
moves the counts with each article's events from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_word_counts",
        sa.Column("word", sa.Text(), nullable=False, comment="A lexeme of event_search.search."),
        sa.Column("events", sa.Integer(), nullable=False, comment="Events whose sentence has it."),
        sa.PrimaryKeyConstraint("word"),
        comment="Events per sentence word, kept exact by the write path: the total of `q=` "
        "one word.",
    )
    op.execute(
        "INSERT INTO event_word_counts (word, events) "
        "SELECT w.lexeme, count(*) FROM event_search s CROSS JOIN LATERAL unnest(s.search) w "
        "GROUP BY w.lexeme"
    )


def downgrade() -> None:
    op.drop_table("event_word_counts")
