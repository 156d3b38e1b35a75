"""CORS for ingest's article routes: the desk page, served by the API, posts from its origin."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, request

from newsflow.core.settings import Settings

ROUTES_PREFIX = "/articles"
"""The route family pages of other origins may call: posting articles."""

ALLOWED_HEADERS = "Authorization, Content-Type, X-API-Key"
"""Request headers a page may send: its key and the JSON media type."""

PREFLIGHT_MAX_AGE = "600"
"""Seconds a browser may remember a preflight's answer."""


def origin_of(url: str) -> str:
    """Return the origin (scheme://host[:port]) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def desk_origins(settings: Settings) -> set[str]:
    """Return the origins allowed to post: the API's own (where the desk is served) and extras."""
    return {origin_of(url) for url in [settings.api_public_url, *settings.desk_origins]}


def init_app(app: Flask, origins: Iterable[str]) -> None:
    """Let pages of these origins post to /articles (answers, errors and preflights alike)."""
    allowed = frozenset(origins)

    @app.after_request
    def _allow_origin(response: Response) -> Response:
        if not request.path.startswith(ROUTES_PREFIX):
            return response
        response.vary.add("Origin")
        origin = request.headers.get("Origin", "").lower()
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "POST"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Expose-Headers"] = "Location"
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response
