"""Story backlog: saved articles waiting for the story grouper, written in the save's transaction.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

Grouping leaves the worker's save for a process of its own (`python -m analysis_worker
--stories`), which drains this table. Articles saved before are not queued here: a store that
ran without grouping has them grouped when they are analysed again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_backlog",
        sa.Column(
            "article_id",
            sa.Text(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "queued_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
            comment="When its latest analysis was saved (a grouper deletes only what it read).",
        ),
        sa.Column(
            "day",
            sa.Date(),
            nullable=False,
            comment="Its publication day as its outlet dated it (timestamptz keeps no offset), "
            "else the analysis day.",
        ),
        comment="Saved articles the story grouper has not grouped yet (written with their rows).",
    )
    op.create_index("story_backlog_by_queued", "story_backlog", ["queued_at"])


def downgrade() -> None:
    op.drop_index("story_backlog_by_queued", table_name="story_backlog")
    op.drop_table("story_backlog")
