"""Rate limits per API key or client address, counted in Redis; off unless a limit is set."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit

from newsflow.core.settings import Settings
from newsflow.http.auth import client_identity, is_open
from newsflow.http.problems import Problem

STRATEGY = "fixed-window"
"""Flask-Limiter's cheapest strategy: one INCR (and EXPIRE) per request."""


def init_app(app: Flask, settings: Settings, limit: str | None) -> Limiter | None:
    """Limit every non-open endpoint to `limit` per key or client; do nothing when it is None."""
    if limit is None:
        return None
    limiter = Limiter(
        client_identity,
        app=app,
        application_limits=[limit],
        storage_uri=settings.redis_url,
        # Short timeouts: a dead Redis raises redis.ConnectionError -> our 503 within ~1 s.
        storage_options={
            "key_prefix": settings.key_prefix,
            "socket_timeout": settings.redis_timeout_seconds,  # type: ignore[dict-item]
            "socket_connect_timeout": settings.redis_timeout_seconds,  # type: ignore[dict-item]
        },
        strategy=STRATEGY,
        key_prefix="ratelimit",
        on_breach=_too_many_requests,
        swallow_errors=False,
    )
    limiter.request_filter(lambda: is_open(request.path, request.method))
    app.register_error_handler(RateLimitExceeded, _breach_response)
    return limiter


def _too_many_requests(limit: RequestLimit) -> Response:
    reset_at = limit.window[0]  # when the current window ends (epoch seconds)
    return too_many_requests(max(1, math.ceil(reset_at - time.time())), str(limit.limit))


def too_many_requests(retry_after: int, limit: str) -> Response:
    """Return the 429 problem response with its Retry-After."""
    return Problem(
        429,
        "Too Many Requests",
        f"The rate limit of {limit} is used up; retry after {retry_after} s.",
        kind="rate-limited",
        headers={"Retry-After": str(retry_after)},
    ).to_response()


def _breach_response(exc: RateLimitExceeded) -> Response:
    if isinstance(exc.response, Response):
        return exc.response
    return too_many_requests(1, str(exc.limit.limit))
