"""Stories across articles and canonical events: story ids, story features and keys, counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column(
            "story_id", sa.Text(), nullable=True, comment="The story it reports (stories.id)."
        ),
    )
    op.create_index("articles_by_story", "articles", ["story_id"], unique=False)
    op.add_column(
        "events",
        sa.Column(
            "canonical_id",
            sa.Text(),
            nullable=True,
            comment="The happening it mentions (canonical_events.id).",
        ),
    )
    op.create_index("events_by_canonical", "events", ["canonical_id"], unique=False)
    op.create_table(
        "story_features",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column(
            "day", sa.Date(), nullable=False, comment="Publication day, else the analysis day."
        ),
        sa.Column(
            "entities",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="Entity key -> weight (unit vector).",
        ),
        sa.Column(
            "words",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="Title and lead word -> weight (unit vector).",
        ),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_table(
        "story_keys",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False, comment="An entity key of the article."),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "weight", sa.Double(), nullable=False, comment="The key's weight in the article."
        ),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "key"),
    )
    op.create_index(
        "story_keys_by_key", "story_keys", ["key", "day", "article_id", "weight"], unique=False
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Text(), nullable=False, comment="The smallest id of its articles."),
        sa.Column("title", sa.Text(), nullable=True, comment="The title of its first article."),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("num_articles", sa.Integer(), nullable=False),
        sa.Column("num_sources", sa.Integer(), nullable=False, comment="Distinct outlets."),
        sa.Column("num_events", sa.Integer(), nullable=False, comment="Canonical events."),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "stories_by_last_seen",
        "stories",
        [sa.literal_column("last_seen DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_index(
        "stories_by_size",
        "stories",
        [sa.literal_column("num_articles DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_table(
        "canonical_events",
        sa.Column(
            "id", sa.Text(), nullable=False, comment="The smallest public id of its mentions."
        ),
        sa.Column("story_id", sa.Text(), nullable=False),
        sa.Column(
            "face_article_id", sa.Text(), nullable=False, comment="The best-evidenced mention."
        ),
        sa.Column("face_ordinal", sa.SmallInteger(), nullable=False),
        sa.Column("num_mentions", sa.Integer(), nullable=False),
        sa.Column("num_articles", sa.Integer(), nullable=False),
        sa.Column("num_sources", sa.Integer(), nullable=False, comment="Distinct outlets."),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("canonical_events_by_story", "canonical_events", ["story_id"], unique=False)
    op.create_index(
        "canonical_events_by_face",
        "canonical_events",
        ["face_article_id", "face_ordinal"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("canonical_events_by_face", table_name="canonical_events")
    op.drop_index("canonical_events_by_story", table_name="canonical_events")
    op.drop_table("canonical_events")
    op.drop_index("stories_by_size", table_name="stories")
    op.drop_index("stories_by_last_seen", table_name="stories")
    op.drop_table("stories")
    op.drop_index("story_keys_by_key", table_name="story_keys")
    op.drop_table("story_keys")
    op.drop_table("story_features")
    op.drop_index("events_by_canonical", table_name="events")
    op.drop_column("events", "canonical_id")
    op.drop_index("articles_by_story", table_name="articles")
    op.drop_column("articles", "story_id")
