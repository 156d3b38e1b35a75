"""Key counts that total `actor=`, `actor=&root=` and `dyad=` filters (kinds actor*, actor*root,
dyad*), counted here over the existing events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

An `actor=` value matches an actor code's beginning or (three letters) its country, so each
event counts once under every prefix of whole 3-character parts (RUS, RUSMIL) and country of
its sides, as `newsflow.core.event_counts.keys_of` counts the events the write path saves
from now on.
No table changes: the rows go into event_key_counts.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SIDE_KEYS = """
CREATE TEMPORARY TABLE side_keys ON COMMIT DROP AS
SELECT DISTINCT e.article_id, e.ordinal, e.root_code, e.goldstein, s.side, s.key
FROM events e
CROSS JOIN LATERAL (
    SELECT 's', substr(e.source_code, 1, n) FROM generate_series(3, length(e.source_code), 3) n
    UNION SELECT 's', e.source_country WHERE length(e.source_country) = 3
    UNION SELECT 't', substr(e.target_code, 1, n) FROM generate_series(3, length(e.target_code), 3) n
    UNION SELECT 't', e.target_country WHERE length(e.target_country) = 3
) AS s(side, key)
"""
"""Each event's keys per side: its code's prefixes and its country."""

KINDS = {
    "actor*": "SELECT DISTINCT article_id, ordinal, goldstein, key FROM side_keys",
    "actor*root": (
        "SELECT DISTINCT article_id, ordinal, goldstein, key || ',' || root_code AS key "
        "FROM side_keys"
    ),
    "dyad*": (
        "SELECT s.article_id, s.ordinal, s.goldstein, s.key || ',' || t.key AS key "
        "FROM side_keys s JOIN side_keys t USING (article_id, ordinal) "
        "WHERE s.side = 's' AND t.side = 't'"
    ),
}
"""Each new kind's (event, key) rows, one per event and key."""


def upgrade() -> None:
    op.execute(SIDE_KEYS)
    for kind, rows in KINDS.items():
        op.execute(
            "INSERT INTO event_key_counts (kind, key, events, goldstein_sum) "
            f"SELECT '{kind}', key, count(*), sum(goldstein) FROM ({rows}) k GROUP BY key"
        )


def downgrade() -> None:
    op.execute("DELETE FROM event_key_counts WHERE kind IN ('actor*', 'actor*root', 'dyad*')")
