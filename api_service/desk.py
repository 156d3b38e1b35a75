"""The analyst's desk: the page at `/`, its files, its settings and its one-request overview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from flask import Response, current_app, jsonify, send_from_directory
from flask_openapi3 import OpenAPI, Tag
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from api_service.events import GroupCount, Timeline
from newsflow.core.event_filters import EventFilter
from newsflow.core.event_places import top_places
from newsflow.core.event_store import EventStore
from newsflow.core.settings import Settings
from newsflow.http.web import problem_responses

DESK_TAG = Tag(name="desk", description="What the analyst's desk at / reads besides the API")

DESK_DIR = Path(__file__).parent / "desk"
"""The page's files (package data): index.html, desk.css and the built desk.js."""

CONFIG_MARK = "<!--desk-config-->"
"""Where index.html receives the desk's config, so the first render needs no request for it."""

MAP_PLACES = 200
"""Most places the overview returns for the map."""

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' {ingest}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Content-Security-Policy of the page: nothing but this API and the ingest service."""


class OverviewQuery(EventFilter):
    """A filter, and how to draw its timeline."""

    interval: Literal["day", "week", "month"] = Field(default="week", description="e.g. day")
    by: Literal["quad_class", "plover", "root"] = Field(
        default="quad_class", description="Stack the timeline by: e.g. plover"
    )
    limit: int = Field(default=10, ge=1, le=50, description="Top actors and dyads, e.g. 10")


class PlaceCount(GroupCount):
    """Events at one place, with its point."""

    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class Overview(BaseModel):
    """The timeline (of the filter without its dates) and the tops of a filter, at once."""

    timeline: Timeline
    actors: list[GroupCount]
    dyads: list[GroupCount]
    places: list[PlaceCount]


class DeskConfig(BaseModel):
    """What the page needs to know of this deployment."""

    ingest_url: str = Field(description="Where the page posts articles (Settings.ingest_url).")
    read_key_required: bool
    ingest_key_required: bool
    stories: bool = Field(description="Whether this API serves GET /stories.")


def add_desk_routes(app: OpenAPI, engine: Engine) -> None:
    """Serve the desk at /, its files under /desk/assets/, its config and its overview."""
    store = EventStore(engine)
    page = (DESK_DIR / "index.html").read_text(encoding="utf-8")
    app.add_url_rule("/", "desk", lambda: _page(page))
    app.add_url_rule("/desk/assets/<path:name>", "desk_assets", _asset)
    app.add_url_rule("/desk/config.json", "desk_config", lambda: jsonify(_config().model_dump()))

    @app.get(
        "/desk/overview",
        tags=[DESK_TAG],
        responses={200: Overview, **problem_responses(401, 422, 429, 503)},
    )
    def desk_overview(query: OverviewQuery) -> Response:
        """Get a filter's timeline and top actors, dyads and places in one request."""
        undated = query.model_copy(update={"since": None, "until": None})
        buckets, total = store.timeline(undated, query.interval, query.by)
        timeline = {
            "interval": query.interval,
            "by": query.by,
            "count": "mentions",
            "total": total,
            "buckets": buckets,
        }
        return jsonify(
            timeline=timeline,
            actors=store.top(query, "actor", query.limit),
            dyads=store.top(query, "dyad", query.limit),
            places=top_places(engine, query, MAP_PLACES),
        )


def _config() -> DeskConfig:
    settings: Settings = current_app.config["SETTINGS"]
    rules = (rule.rule for rule in current_app.url_map.iter_rules())
    return DeskConfig(
        ingest_url=settings.ingest_url.rstrip("/"),
        read_key_required=settings.read_api_requires_key and bool(settings.api_keys),
        ingest_key_required=bool(settings.api_keys),
        stories=any(rule == "/stories" for rule in rules),
    )


def _page(page: str) -> Response:
    config = _config()
    # "</" inside the JSON would end the script element early.
    data = json.dumps(config.model_dump()).replace("</", "<\\/")
    html = page.replace(
        CONFIG_MARK, f'<script id="desk-config" type="application/json">{data}</script>'
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_POLICY.format(ingest=config.ingest_url)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _asset(name: str) -> Response:
    response = send_from_directory(DESK_DIR, name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
