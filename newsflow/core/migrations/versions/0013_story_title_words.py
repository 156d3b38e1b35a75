"""Story title words: each article's rarest title words, keys of story_keys beside its entities.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30

The story rule now also finds and compares articles that share one of the rarest words of
their titles, and weighs words and entities by how rare they are in English. Features stored
before keep their old weights and no title words until their article is analysed again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "story_features",
        sa.Column(
            "title_words",
            JSONB(),
            nullable=False,
            server_default="[]",
            comment="The title's rarest words, keys in story_keys as title:word.",
        ),
    )
    op.alter_column("story_keys", "key", comment="An entity or title:word key of the article.")


def downgrade() -> None:
    op.execute("DELETE FROM story_keys WHERE key LIKE 'title:%'")
    op.alter_column("story_keys", "key", comment="An entity key of the article.")
    op.drop_column("story_features", "title_words")
