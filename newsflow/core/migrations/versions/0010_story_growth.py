"""Stories grow without rereading them: canonical events by category and days, their
signatures, outlet indexes; story keys no longer counted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

A new article's mentions find their canonical events by (story, category, days), compare with
their distinct signatures and check whether their outlet is new to one by index, so a save no
longer reads its whole story. Existing canonical events and stories are filled in here from
their rows. Candidates are now each key's articles nearest in time, so key counts go.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

EVENT_OUTLET = "lower(COALESCE(NULLIF(outlet, ''), article_id))"
ARTICLE_OUTLET = "lower(COALESCE(NULLIF(source, ''), id))"


def upgrade() -> None:
    op.add_column("stories", sa.Column("first_article_id", sa.Text(), nullable=True))
    op.execute(
        """
        UPDATE stories AS s SET first_article_id = f.id
        FROM (
            SELECT DISTINCT ON (story_id) story_id, id FROM articles
            WHERE story_id IS NOT NULL
            ORDER BY story_id, coalesce(published_at, created_at), id
        ) AS f
        WHERE f.story_id = s.id
        """
    )
    op.execute("DELETE FROM stories WHERE first_article_id IS NULL")
    op.alter_column(
        "stories",
        "first_article_id",
        nullable=False,
        comment="The article its title is from.",
    )
    for name in ("category", "first_day", "last_day"):
        op.add_column(
            "canonical_events",
            sa.Column(name, sa.Text() if name == "category" else sa.Date(), nullable=True),
        )
    op.execute(
        """
        UPDATE canonical_events AS c
        SET category = coalesce(f.plover, 'CAMEO' || f.root_code), first_day = d.first, last_day = d.last
        FROM events AS f, (
            SELECT canonical_id, min(day) AS first, max(day) AS last FROM events
            WHERE canonical_id IS NOT NULL GROUP BY canonical_id
        ) AS d
        WHERE f.article_id = c.face_article_id AND f.ordinal = c.face_ordinal AND d.canonical_id = c.id
        """
    )
    op.execute("DELETE FROM canonical_events WHERE category IS NULL")
    comments = {
        "category": "PLOVER category, else CAMEO + root code.",
        "first_day": "The earliest day of its mentions.",
        "last_day": "The latest day of its mentions.",
    }
    for name, comment in comments.items():
        op.alter_column("canonical_events", name, nullable=False, comment=comment)
    op.drop_index("canonical_events_by_story", table_name="canonical_events")
    op.create_index(
        "canonical_events_by_story",
        "canonical_events",
        ["story_id", "category", "first_day"],
        unique=False,
    )
    op.create_index(
        "events_by_canonical_outlet",
        "events",
        ["canonical_id", sa.text(EVENT_OUTLET)],
        unique=False,
    )
    op.drop_index("articles_by_story", table_name="articles")
    op.create_index(
        "articles_by_story", "articles", ["story_id", sa.text(ARTICLE_OUTLET)], unique=False
    )
    _create_signatures()
    op.drop_table("story_key_counts")  # stories are found by each key's nearest articles now


def _create_signatures() -> None:
    columns = ["source_code", "source_country", "target_code", "target_country", "place"]
    op.create_table(
        "canonical_signatures",
        sa.Column("canonical_id", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *[
            sa.Column(
                name,
                sa.Text(),
                nullable=False,
                comment={
                    "source_code": "'' when unknown, as the rest.",
                    "place": "Lower case.",
                }.get(name),
            )
            for name in [*columns, "place_country"]
        ],
        sa.PrimaryKeyConstraint("canonical_id", "day", *columns, "place_country"),
        comment="The distinct (day, actors, place) of a canonical event's mentions: what the "
        "merge rule compares a new mention with, however many mentions say the same.",
    )
    op.execute(
        """
        INSERT INTO canonical_signatures
        SELECT DISTINCT canonical_id, day, coalesce(source_code, ''), coalesce(source_country, ''),
            coalesce(target_code, ''), coalesce(target_country, ''), lower(coalesce(location_name, '')),
            coalesce(location_country, '')
        FROM events WHERE canonical_id IS NOT NULL
        """
    )


def downgrade() -> None:
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
    op.drop_index("articles_by_story", table_name="articles")
    op.create_index("articles_by_story", "articles", ["story_id"], unique=False)
    op.drop_table("canonical_signatures")
    op.drop_index("events_by_canonical_outlet", table_name="events")
    op.drop_index("canonical_events_by_story", table_name="canonical_events")
    op.create_index("canonical_events_by_story", "canonical_events", ["story_id"], unique=False)
    for name in ("category", "first_day", "last_day"):
        op.drop_column("canonical_events", name)
    op.drop_column("stories", "first_article_id")
