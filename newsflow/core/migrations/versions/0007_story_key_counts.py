"""Story key counts: how many articles are posted under each entity key of story_keys.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Grouping looks stories up only by keys rarer than the rule's limit, so it needs each key's
count without counting `story_keys` on every save. Existing keys are counted here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_key_counts",
        sa.Column("key", sa.Text(), nullable=False, comment="An entity key of story_keys."),
        sa.Column("articles", sa.Integer(), nullable=False, comment="Articles posted under it."),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute(
        "INSERT INTO story_key_counts (key, articles) "
        "SELECT key, count(*) FROM story_keys GROUP BY key"
    )


def downgrade() -> None:
    op.drop_table("story_key_counts")
