"""Pydantic models shared by the three services: articles, entities, events, analyses."""

from __future__ import annotations

import datetime as dt
import enum
import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
)

ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")
"""How an ISO 8601 date-time begins (refuses the Unix times pydantic would otherwise accept)."""

PUBLISHED_MIN = datetime(1800, 1, 1, tzinfo=UTC)
PUBLISHED_MAX = datetime(2200, 1, 1, tzinfo=UTC)
"""The range of publication dates accepted (anything outside is a typo or an attack)."""

ARTICLE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
"""What a client's own article id may look like (safe in a URL path and a Redis key)."""

ENTITY_KEY_PATTERN = r"^[a-z_]+:[^\s/]{1,200}$"
"""Shape of a canonical entity key, e.g. `org:nato`."""


def reject_control_text(value: str) -> str:
    """Refuse NUL and lone surrogates, which no news text contains and Redis/JSON mangle."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode (no lone surrogates)") from exc
    return value


CleanText = Annotated[str, AfterValidator(reject_control_text)]
ShortText = Annotated[CleanText, StringConstraints(strip_whitespace=True, max_length=1000)]


class ArticleStatus(enum.StrEnum):
    """Where an article is in the pipeline."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class ArticleIn(BaseModel):
    """An article as a client posts it."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[CleanText, Field(min_length=1, description="The article body, plain text.")]
    title: ShortText | None = None
    url: HttpUrl | None = Field(default=None, description="Where the article was published.")
    source: ShortText | None = Field(default=None, description="The outlet, e.g. 'Reuters'.")
    published_at: datetime | None = Field(
        default=None,
        description="ISO 8601, years 1800-2200; a time without a zone is taken as UTC.",
    )
    language: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None
    ) = None
    id: Annotated[str, StringConstraints(pattern=ARTICLE_ID_PATTERN)] | None = Field(
        default=None, description="The client's own id; becomes the article's id."
    )

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("published_at", mode="before")
    @classmethod
    def _published_at_is_iso_text(cls, value: object) -> object:
        # pydantic would take 14895 or "14895" as a Unix time; the documented type is ISO 8601.
        if value is not None and not (isinstance(value, str) and ISO_DATE_START.match(value)):
            raise ValueError("must be an ISO 8601 date-time string, e.g. 2025-09-19T18:00:00Z")
        return value

    @field_validator("published_at")
    @classmethod
    def _published_at_utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        # Year 1 or 9999 with an offset overflows astimezone(); no news is dated there.
        if value is not None and not PUBLISHED_MIN <= value <= PUBLISHED_MAX:
            raise ValueError("must be between 1800 and 2200")
        return value


class Article(BaseModel):
    """A stored article with its pipeline status."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    status: ArticleStatus
    created_at: datetime
    updated_at: datetime
    error: str | None = Field(default=None, description="Why the analysis failed, if it did.")
    attempts: int = Field(default=0, description="How many times a worker has started it.")
    story_id: str | None = Field(
        default=None, description="The story it reports (GET /stories/{id}), once analysed."
    )


class Entity(BaseModel):
    """One mention of a named entity in an article."""

    text: str
    label: str = Field(description="spaCy's label: PERSON, ORG, GPE, NORP, LOC, ...")
    start: int = Field(description="Character offset into the stored article text.")
    end: int
    key: str = Field(description="Canonical key shared by every mention of the same entity.")
    actor_code: str | None = Field(default=None, description="CAMEO actor code, where known.")


class EventActor(BaseModel):
    """The source or target of an event, with the text that names it."""

    text: str
    start: int
    end: int
    actor_code: str | None = Field(default=None, description="CAMEO actor code, e.g. RUSMIL.")
    country: str | None = Field(default=None, description="ISO 3166 alpha-3 / CAMEO country.")
    entity_key: str | None = None


class Trigger(BaseModel):
    """The words that express the event."""

    text: str
    start: int
    end: int
    lemma: str


PlacePrecision = Literal["city", "region", "country"]
"""How fine a geocoded place is (GDELT's ActionGeo type: city, state or region, country)."""


class Location(BaseModel):
    """Where an event happened, geocoded offline."""

    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: PlacePrecision | None = Field(
        default=None, description="city, region or country (a country's point is its centre)."
    )


Modality = Literal["asserted", "planned", "possible", "negated"]

DateSource = Literal["text", "context", "published"]
"""Where an event's date comes from: its own clause, an earlier time phrase, the article's date."""

DatePrecision = Literal["day", "month", "year"]
"""How much of an event's date the text gives (a month is dated its first day)."""

LocationSource = Literal["text", "argument", "sentence", "dateline", "article"]
"""Where an event's place comes from: its locative phrase, its target, its sentence, the
dateline, or the article's main place."""


class Mention(BaseModel):
    """One sentence that reports an event: its index and the trigger's offsets."""

    sentence: int
    start: int
    end: int
    text: str


class Phrase(BaseModel):
    """A phrase of the article, with its character offsets."""

    text: str
    start: int
    end: int


class Event(BaseModel):
    """A CAMEO-coded who-did-what-to-whom, with its evidence."""

    code: str = Field(description="CAMEO event code with leading zeros, e.g. '0311'.")
    root_code: str
    name: str
    quad_class: int = Field(ge=1, le=4)
    goldstein: float
    plover: str | None = None
    source: EventActor | None = None
    target: EventActor | None = None
    trigger: Trigger
    sentence: int = Field(description="Index of the sentence in the article.")
    sentence_text: str
    date: dt.date | None = None
    date_text: str | None = None
    location: Location | None = None
    modality: Modality = "asserted"
    attributed_to: EventActor | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    date_source: DateSource | None = None
    date_precision: DatePrecision | None = None
    location_source: LocationSource | None = None
    mentions: list[Mention] = Field(
        default_factory=list,
        description="Every sentence that reports this event (headline, lead, body), in order.",
    )


class Summary(BaseModel):
    """The article's main happening, CAMEO event or not: who, what, where and when."""

    who: Phrase | None = None
    what: Phrase | None = None
    where: Phrase | None = None
    when: Phrase | None = None
    date: dt.date | None = None
    location: Location | None = None


class Analysis(BaseModel):
    """What the worker found in one article."""

    entities: list[Entity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    summary: Summary | None = None


class StoredAnalysis(Analysis):
    """An analysis as stored: which article, when, and with which model."""

    article_id: str
    model: str
    analyzed_at: datetime


class Accepted(BaseModel):
    """What ingest answers for one posted article."""

    id: str
    status: ArticleStatus
    duplicate: bool = Field(default=False, description="True when the article was already known.")


class ArticleSummary(BaseModel):
    """An article in a list: its metadata and status, without the text."""

    id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    status: ArticleStatus
    created_at: datetime
    story_id: str | None = Field(default=None, description="The story it reports, once analysed.")


class ArticleDetail(Article):
    """An article with its analysis (null until the worker is done)."""

    analysis: StoredAnalysis | None = None


class ArticlePage(BaseModel):
    """One page of articles, newest first."""

    items: list[ArticleSummary]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page.")


class EntitySummary(BaseModel):
    """A canonical entity and how many articles mention it."""

    key: str
    name: str
    label: str
    actor_code: str | None = None
    article_count: int


class EntityList(BaseModel):
    """Entities, most mentioned first."""

    items: list[EntitySummary]


class EntityDetail(EntitySummary):
    """One entity and a page of the articles that mention it, newest first."""

    articles: list[ArticleSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page of articles."
    )
