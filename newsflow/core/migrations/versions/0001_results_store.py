"""Results store: analysed articles, events, entity mentions, entities; a read-only role.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


READER_ROLE = "newsflow_reader"
"""The role to grant to analysts' SQL clients: it reads every table and writes none."""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "articles",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True, comment="The outlet."),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, comment="Accepted by ingest."
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "model", sa.Text(), nullable=False, comment="The spaCy pipeline that analysed it."
        ),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "analysis_extra",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="Analysis fields besides entities and events (e.g. its summary).",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "articles_by_created",
        "articles",
        [sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_table(
        "entities",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column(
            "name", sa.Text(), nullable=False, comment="The most used form of its first mention."
        ),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("actor_code", sa.Text(), nullable=True),
        sa.Column("article_count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        "entities_by_count",
        "entities",
        [sa.literal_column("article_count DESC"), "key"],
        unique=False,
    )
    op.create_index(
        "entities_by_label",
        "entities",
        ["label", sa.literal_column("article_count DESC"), "key"],
        unique=False,
    )
    op.create_index(
        "entities_name_trigram",
        "entities",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, comment="The article's."
        ),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "key"),
    )
    op.create_index(
        "article_entities_by_key",
        "article_entities",
        ["key", sa.literal_column("created_at DESC"), sa.literal_column("article_id DESC")],
        unique=False,
    )
    op.create_table(
        "entity_mentions",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("actor_code", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "ordinal"),
    )
    op.create_table(
        "events",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column(
            "ordinal", sa.SmallInteger(), nullable=False, comment="Position in the analysis."
        ),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("root_code", sa.Text(), nullable=False),
        sa.Column("quad_class", sa.SmallInteger(), nullable=False),
        sa.Column("goldstein", sa.Double(), nullable=False),
        sa.Column("plover", sa.Text(), nullable=True),
        sa.Column("source_code", sa.Text(), nullable=True),
        sa.Column("source_country", sa.Text(), nullable=True),
        sa.Column("source_entity", sa.Text(), nullable=True),
        sa.Column("target_code", sa.Text(), nullable=True),
        sa.Column("target_country", sa.Text(), nullable=True),
        sa.Column("target_entity", sa.Text(), nullable=True),
        sa.Column(
            "day",
            sa.Date(),
            nullable=False,
            comment="The event's date, else its article's publication day, else its analysis day.",
        ),
        sa.Column("location_name", sa.Text(), nullable=True),
        sa.Column("location_country", sa.Text(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("modality", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="The article's (for sorting).",
        ),
        sa.Column(
            "outlet", sa.Text(), nullable=True, comment="The article's source (for filtering)."
        ),
        sa.Column("sentence_text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "evidence",
            postgresql.JSON(astext_type=sa.Text()),
            nullable=False,
            comment="The event as the analysis reports it.",
        ),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "ordinal"),
    )
    op.create_index(
        "events_by_code",
        "events",
        ["code"],
        unique=False,
        postgresql_ops={"code": "text_pattern_ops"},
    )
    op.create_index(
        "events_by_day",
        "events",
        [
            sa.literal_column("day DESC"),
            sa.literal_column("article_id DESC"),
            sa.literal_column("ordinal DESC"),
        ],
        unique=False,
    )
    op.create_index("events_by_lon_lat", "events", ["lon", "lat"], unique=False)
    op.create_index(
        "events_by_outlet", "events", [sa.literal_column("lower(outlet)")], unique=False
    )
    op.create_index("events_by_place", "events", ["location_country", "day"], unique=False)
    op.create_index(
        "events_by_place_name", "events", [sa.literal_column("lower(location_name)")], unique=False
    )
    op.create_index("events_by_plover", "events", ["plover", "day"], unique=False)
    op.create_index(
        "events_by_published",
        "events",
        [
            sa.literal_column("coalesce(published_at, '-infinity'::timestamptz) DESC"),
            sa.literal_column("article_id DESC"),
            sa.literal_column("ordinal DESC"),
        ],
        unique=False,
    )
    op.create_index("events_by_root", "events", ["root_code", "day"], unique=False)
    op.create_index(
        "events_by_source",
        "events",
        ["source_code"],
        unique=False,
        postgresql_ops={"source_code": "text_pattern_ops"},
    )
    op.create_index("events_by_source_country", "events", ["source_country", "day"], unique=False)
    op.create_index("events_by_source_entity", "events", ["source_entity"], unique=False)
    op.create_index(
        "events_by_target",
        "events",
        ["target_code"],
        unique=False,
        postgresql_ops={"target_code": "text_pattern_ops"},
    )
    op.create_index("events_by_target_country", "events", ["target_country", "day"], unique=False)
    op.create_index("events_by_target_entity", "events", ["target_entity"], unique=False)
    op.create_index("events_by_updated", "events", ["updated_at"], unique=False)
    op.create_index(
        "events_text_search",
        "events",
        [sa.literal_column("to_tsvector('english', sentence_text)")],
        unique=False,
        postgresql_using="gin",
    )
    create_reader_role()


def create_reader_role() -> None:
    """Create the read-only role (once per cluster) and let it read this schema's tables."""
    op.execute(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER_ROLE}') THEN
                CREATE ROLE {READER_ROLE} NOLOGIN;
            END IF;
        END $$"""
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {READER_ROLE}")
    op.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER_ROLE}")


def downgrade() -> None:
    op.drop_index("events_text_search", table_name="events", postgresql_using="gin")
    op.drop_index("events_by_updated", table_name="events")
    op.drop_index("events_by_target_entity", table_name="events")
    op.drop_index("events_by_target_country", table_name="events")
    op.drop_index(
        "events_by_target", table_name="events", postgresql_ops={"target_code": "text_pattern_ops"}
    )
    op.drop_index("events_by_source_entity", table_name="events")
    op.drop_index("events_by_source_country", table_name="events")
    op.drop_index(
        "events_by_source", table_name="events", postgresql_ops={"source_code": "text_pattern_ops"}
    )
    op.drop_index("events_by_root", table_name="events")
    op.drop_index("events_by_published", table_name="events")
    op.drop_index("events_by_plover", table_name="events")
    op.drop_index("events_by_place_name", table_name="events")
    op.drop_index("events_by_place", table_name="events")
    op.drop_index("events_by_outlet", table_name="events")
    op.drop_index("events_by_lon_lat", table_name="events")
    op.drop_index("events_by_day", table_name="events")
    op.drop_index(
        "events_by_code", table_name="events", postgresql_ops={"code": "text_pattern_ops"}
    )
    op.drop_table("events")
    op.drop_table("entity_mentions")
    op.drop_index("article_entities_by_key", table_name="article_entities")
    op.drop_table("article_entities")
    op.drop_index(
        "entities_name_trigram",
        table_name="entities",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_index("entities_by_label", table_name="entities")
    op.drop_index("entities_by_count", table_name="entities")
    op.drop_table("entities")
    op.drop_index("articles_by_created", table_name="articles")
    op.drop_table("articles")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {READER_ROLE}")
