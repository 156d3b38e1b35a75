"""The PostgreSQL results schema (SQLAlchemy Core): analysed articles, events, entities.

Every table but `entities`, `stories`, `canonical_events` and the counts (`event_*_counts`,
`story_key_counts`) (rows across articles, each recomputed from or moved by its articles'
rows) carries `article_id`, and the keys lead with it: one
article's rows live together, and a distributed PostgreSQL (Citus) can shard them on it.
The migrations in `newsflow/migrations` create exactly these tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import JSON, JSONB, TSVECTOR

metadata = MetaData()

TEXT_SEARCH_CONFIG = "english"
"""PostgreSQL text search configuration of the evidence sentences."""

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text),
    Column("url", Text),
    Column("source", Text, comment="The outlet."),
    Column("published_at", DateTime(timezone=True)),
    Column("language", Text),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, comment="Accepted by ingest."),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("model", Text, nullable=False, comment="The spaCy pipeline that analysed it."),
    Column("analyzed_at", DateTime(timezone=True), nullable=False),
    Column(
        "analysis_extra",
        JSONB,
        nullable=False,
        server_default=text("'{}'::jsonb"),
        comment="Analysis fields besides entities and events (e.g. its summary).",
    ),
    Column("story_id", Text, comment="The story it reports (stories.id)."),
)
Index("articles_by_created", articles.c.created_at.desc(), articles.c.id.desc())
OUTLET_OF_ARTICLE = func.lower(func.coalesce(func.nullif(articles.c.source, ""), articles.c.id))
"""An article's outlet as story counts compare them (an article without one is its own)."""
Index("articles_by_story", articles.c.story_id, OUTLET_OF_ARTICLE)

events = Table(
    "events",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("ordinal", SmallInteger, primary_key=True, comment="Position in the analysis."),
    Column("code", Text, nullable=False),
    Column("root_code", Text, nullable=False),
    Column("quad_class", SmallInteger, nullable=False),
    Column("goldstein", Double, nullable=False),
    Column("plover", Text),
    Column("source_code", Text),
    Column("source_country", Text),
    Column("source_entity", Text),
    Column("target_code", Text),
    Column("target_country", Text),
    Column("target_entity", Text),
    Column(
        "day",
        Date,
        nullable=False,
        comment="The event's date, else its article's publication day, else its analysis day.",
    ),
    Column("location_name", Text),
    Column("location_country", Text),
    Column("lat", Double),
    Column("lon", Double),
    Column("modality", Text, nullable=False),
    Column("confidence", Double, nullable=False),
    Column("published_at", DateTime(timezone=True), comment="The article's (for sorting)."),
    Column("outlet", Text, comment="The article's source (for filtering)."),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("canonical_id", Text, comment="The happening it mentions (canonical_events.id)."),
    comment="One row per event: the columns filters, sorts and aggregates read (narrow, so "
    "scans are quick); its evidence is in event_texts.",
)
OUTLET_OF_EVENT = func.lower(func.coalesce(func.nullif(events.c.outlet, ""), events.c.article_id))
"""A mention's outlet as canonical-event counts compare them."""
Index("events_by_canonical", events.c.canonical_id)
# Whether a new mention's outlet is new to its canonical event: one probe.
Index("events_by_canonical_outlet", events.c.canonical_id, OUTLET_OF_EVENT)
Index("events_by_day", events.c.day.desc(), events.c.article_id.desc(), events.c.ordinal.desc())
NEVER: ColumnElement[Any] = literal_column("'-infinity'::timestamptz")
"""Before any time: where undated articles sort."""
PUBLISHED_SORT_KEY = func.coalesce(events.c.published_at, NEVER)
"""Events sort by publication with undated articles last."""
Index(
    "events_by_published",
    PUBLISHED_SORT_KEY.desc(),
    events.c.article_id.desc(),
    events.c.ordinal.desc(),
)
Index("events_by_updated", events.c.updated_at)
Index("events_by_code", events.c.code, postgresql_ops={"code": "text_pattern_ops"})
NEWEST_FIRST = (events.c.day.desc(), events.c.article_id.desc(), events.c.ordinal.desc())
"""The listing's order: an index that ends with it gives a filter's newest page directly."""
Index("events_by_root", events.c.root_code, *NEWEST_FIRST)
Index("events_by_plover", events.c.plover, *NEWEST_FIRST)
Index("events_by_source", events.c.source_code, postgresql_ops={"source_code": "text_pattern_ops"})
Index("events_by_target", events.c.target_code, postgresql_ops={"target_code": "text_pattern_ops"})
Index("events_by_source_country", events.c.source_country, *NEWEST_FIRST)
Index("events_by_target_country", events.c.target_country, *NEWEST_FIRST)
Index("events_by_place", events.c.location_country, *NEWEST_FIRST)
Index("events_by_place_name", func.lower(events.c.location_name))
# A box's range scan leads with lon, lat; one point's events come newest first.
Index("events_by_point", events.c.lon, events.c.lat, *NEWEST_FIRST)
Index("events_by_source_entity", events.c.source_entity)
Index("events_by_target_entity", events.c.target_entity)
Index("events_by_outlet", func.lower(events.c.outlet))

event_texts = Table(
    "event_texts",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("ordinal", SmallInteger, primary_key=True),
    Column("sentence_text", Text, nullable=False),
    Column("evidence", JSON, nullable=False, comment="The event as the analysis reports it."),
    ForeignKeyConstraint(
        ["article_id", "ordinal"],
        ["events.article_id", "events.ordinal"],
        ondelete="CASCADE",
    ),
    comment="Each event's evidence and sentence, beside the narrow events table.",
)

event_search = Table(
    "event_search",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("ordinal", SmallInteger, primary_key=True),
    Column("day", Date, nullable=False, comment="The event's day (events.day)."),
    Column("search", TSVECTOR, nullable=False),
    ForeignKeyConstraint(
        ["article_id", "ordinal"],
        ["events.article_id", "events.ordinal"],
        ondelete="CASCADE",
    ),
    comment="Each event's sentence words and day: what q= reads (narrow, so a common word's "
    "matches are few pages).",
)
Index("event_search_words", event_search.c.search, postgresql_using="gin")
# Newest first: a common word's page walks the newest rows; a rare one's comes from the GIN.
Index(
    "event_search_by_day",
    event_search.c.day.desc(),
    event_search.c.article_id.desc(),
    event_search.c.ordinal.desc(),
)

event_actor_keys = Table(
    "event_actor_keys",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("ordinal", SmallInteger, primary_key=True),
    Column("key", Text, primary_key=True, comment="A value `actor=` matches (RUS, RUSMIL)."),
    Column("root_code", Text, nullable=False, comment="The event's (events.root_code)."),
    Column("day", Date, nullable=False, comment="The event's (events.day)."),
    ForeignKeyConstraint(
        ["article_id", "ordinal"],
        ["events.article_id", "events.ordinal"],
        ondelete="CASCADE",
    ),
    comment="Each event once per prefix of whole CAMEO parts and country of its two sides "
    "(event_counts.side_keys), with its root and day: the newest page of `actor=&root=`.",
)
Index(
    "event_actor_keys_by_root",
    event_actor_keys.c.key,
    event_actor_keys.c.root_code,
    event_actor_keys.c.day.desc(),
    event_actor_keys.c.article_id.desc(),
    event_actor_keys.c.ordinal.desc(),
)

event_word_counts = Table(
    "event_word_counts",
    metadata,
    Column("word", Text, primary_key=True, comment="A lexeme of event_search.search."),
    Column("events", Integer, nullable=False, comment="Events whose sentence has it."),
    comment="Events per sentence word, kept exact by the write path: the total of `q=` one word.",
)

event_day_counts = Table(
    "event_day_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("root_code", Text, primary_key=True),
    Column("quad_class", SmallInteger, primary_key=True),
    Column("plover", Text, primary_key=True, comment="'' for none."),
    Column("country", Text, primary_key=True, comment="The source actor's; '' for none."),
    Column("events", Integer, nullable=False),
    Column("goldstein_sum", Double, nullable=False),
    comment="Events per day and category, kept exact by the write path: whole-store timelines.",
)

event_key_counts = Table(
    "event_key_counts",
    metadata,
    Column("kind", Text, primary_key=True, comment="actor, source, target, dyad, code, ..."),
    Column("key", Text, primary_key=True),
    Column("events", Integer, nullable=False),
    Column("goldstein_sum", Double, nullable=False),
    comment="Events per actor, dyad, code, place, country or entity: whole-store tops.",
)
Index("event_key_counts_by_count", event_key_counts.c.kind, event_key_counts.c.events.desc())

event_point_counts = Table(
    "event_point_counts",
    metadata,
    Column("lon", Double, primary_key=True),
    Column("lat", Double, primary_key=True),
    Column("events", Integer, nullable=False),
    Column("goldstein_sum", Double, nullable=False),
    comment="Events per located point (the places are few), kept exact by the write path: "
    "the total of `bbox=` and the points whose newest events make its page.",
)

entity_mentions = Table(
    "entity_mentions",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("ordinal", Integer, primary_key=True),
    Column("key", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("actor_code", Text),
)

entities = Table(
    "entities",
    metadata,
    Column("key", Text, primary_key=True),
    Column("name", Text, nullable=False, comment="The most used form of its first mention."),
    Column("label", Text, nullable=False),
    Column("actor_code", Text),
    Column("article_count", Integer, nullable=False, server_default="0"),
)
# With the summary's columns: a name search reads the most mentioned names from the index alone.
Index(
    "entities_by_count",
    entities.c.article_count.desc(),
    entities.c.key,
    postgresql_include=["name", "label", "actor_code"],
)
Index("entities_by_label", entities.c.label, entities.c.article_count.desc(), entities.c.key)
Index(
    "entities_name_trigram",
    entities.c.name,
    postgresql_using="gin",
    postgresql_ops={"name": "gin_trgm_ops"},
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, comment="The article's."),
)
Index(
    "article_entities_by_key",
    article_entities.c.key,
    article_entities.c.created_at.desc(),
    article_entities.c.article_id.desc(),
)

story_features = Table(
    "story_features",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, nullable=False, comment="Publication day, else the analysis day."),
    Column("entities", JSONB, nullable=False, comment="Entity key -> weight (unit vector)."),
    Column("words", JSONB, nullable=False, comment="Title and lead word -> weight (unit vector)."),
    Column(
        "title_words",
        JSONB,
        nullable=False,
        server_default="[]",
        comment="The title's rarest words, keys in story_keys as title:word.",
    ),
)

story_keys = Table(
    "story_keys",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("key", Text, primary_key=True, comment="An entity or title:word key of the article."),
    Column("day", Date, nullable=False),
    Column("weight", Double, nullable=False, comment="The key's weight in the article."),
)
# Every column: candidates and their entity similarity come from an index-only scan.
Index(
    "story_keys_by_key",
    story_keys.c.key,
    story_keys.c.day,
    story_keys.c.article_id,
    story_keys.c.weight,
)

story_backlog = Table(
    "story_backlog",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "queued_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=func.now(),
        comment="When its latest analysis was saved (a grouper deletes only what it read).",
    ),
    Column(
        "day",
        Date,
        nullable=False,
        comment="Its publication day as its outlet dated it (timestamptz keeps no offset), "
        "else the analysis day.",
    ),
    comment="Saved articles the story grouper has not grouped yet (written with their rows).",
)
# A grouper takes the oldest first (ties, one save's articles, sorted by id after the index).
Index("story_backlog_by_queued", story_backlog.c.queued_at)

stories = Table(
    "stories",
    metadata,
    Column("id", Text, primary_key=True, comment="The smallest id of its articles."),
    Column("title", Text, comment="The title of its first article."),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("num_articles", Integer, nullable=False),
    Column("num_sources", Integer, nullable=False, comment="Distinct outlets."),
    Column("num_events", Integer, nullable=False, comment="Canonical events."),
    Column("first_article_id", Text, nullable=False, comment="The article its title is from."),
)
Index("stories_by_last_seen", stories.c.last_seen.desc(), stories.c.id.desc())
Index("stories_by_size", stories.c.num_articles.desc(), stories.c.id.desc())

canonical_events = Table(
    "canonical_events",
    metadata,
    Column("id", Text, primary_key=True, comment="The smallest public id of its mentions."),
    Column("story_id", Text, nullable=False),
    Column("face_article_id", Text, nullable=False, comment="The best-evidenced mention."),
    Column("face_ordinal", SmallInteger, nullable=False),
    Column("num_mentions", Integer, nullable=False),
    Column("num_articles", Integer, nullable=False),
    Column("num_sources", Integer, nullable=False, comment="Distinct outlets."),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("category", Text, nullable=False, comment="PLOVER category, else CAMEO + root code."),
    Column("first_day", Date, nullable=False, comment="The earliest day of its mentions."),
    Column("last_day", Date, nullable=False, comment="The latest day of its mentions."),
)
# A new mention looks up only its story's canonical events of its category and days.
Index(
    "canonical_events_by_story",
    canonical_events.c.story_id,
    canonical_events.c.category,
    canonical_events.c.first_day,
)
Index(
    "canonical_events_by_face",
    canonical_events.c.face_article_id,
    canonical_events.c.face_ordinal,
    unique=True,
)

canonical_signatures = Table(
    "canonical_signatures",
    metadata,
    Column("canonical_id", Text, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("source_code", Text, primary_key=True, comment="'' when unknown, as the rest."),
    Column("source_country", Text, primary_key=True),
    Column("target_code", Text, primary_key=True),
    Column("target_country", Text, primary_key=True),
    Column("place", Text, primary_key=True, comment="Lower case."),
    Column("place_country", Text, primary_key=True),
    comment="The distinct (day, actors, place) of a canonical event's mentions: what the merge "
    "rule compares a new mention with, however many mentions say the same.",
)
