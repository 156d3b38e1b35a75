"""RFC 9457 problem+json: the one place that shapes every error response of both services."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

import redis
import sqlalchemy.exc
from flask import Flask, Response
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from newsflow.core.cursors import InvalidCursor
from newsflow.core.timeline_buckets import TooManyBuckets

PROBLEM_MEDIA_TYPE = "application/problem+json"
"""Media type of every error body."""

PROBLEM_TYPE_BASE = "https://newsflow.dev/problems/"
"""Base of the `type` URIs of our own problem kinds."""

REFUSALS = frozenset({"OOM", "READONLY", "MISCONF", "LOADING", "MASTERDOWN"})
"""Redis error prefixes that mean "not now" (full, read-only, loading), not a bug of ours."""

REFUSAL_ERRORS = (redis.exceptions.OutOfMemoryError, redis.exceptions.ReadOnlyError)
"""The same refusals as redis-py raises them, their prefix stripped from the message."""

log = logging.getLogger(__name__)


class ProblemDetails(BaseModel):
    """An RFC 9457 problem document (documents the error responses in OpenAPI)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):
    """An error that becomes a problem+json response when raised in a view."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        kind: str | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.errors = errors
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        """Return the problem document."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.kind if self.kind else "about:blank",
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = list(self.errors)
        return body

    def to_response(self) -> Response:
        """Return the problem as a Flask response."""
        response = Response(
            json.dumps(self.to_dict()), status=self.status, mimetype=PROBLEM_MEDIA_TYPE
        )
        response.headers.update(self.headers)
        return response


def validation_problem(exc: ValidationError, detail: str = "The request is not valid.") -> Problem:
    """Turn a pydantic error into a 422 problem that names each failing field."""
    return Problem(
        422, "Unprocessable Content", detail, kind="validation-error", errors=validation_errors(exc)
    )


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """List pydantic's errors as {field, message, type}, without echoing the input back."""
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]) or None,
            "message": error["msg"],
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]


def unavailable_problem(retry_after: int) -> Problem:
    """Return the 503 sent while Redis or PostgreSQL does not answer."""
    return Problem(
        503,
        "Service Unavailable",
        "The data store is not reachable; try again shortly.",
        kind="store-unavailable",
        headers={"Retry-After": str(retry_after)},
    )


def not_found(what: str) -> Problem:
    """Return the 404 problem for a missing resource."""
    return Problem(404, "Not Found", f"No {what}.", kind="not-found")


def init_app(app: Flask, retry_after: int) -> None:
    """Make every error of the app, expected or not, a problem+json response."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return exc.to_response()

    @app.errorhandler(InvalidCursor)
    def _invalid_cursor(exc: InvalidCursor) -> Response:
        return Problem(
            400,
            "Bad Request",
            "The cursor is not one this listing handed out.",
            kind="invalid-cursor",
        ).to_response()

    @app.errorhandler(TooManyBuckets)
    def _too_many_buckets(exc: TooManyBuckets) -> Response:
        return Problem(
            422,
            "Unprocessable Content",
            "The interval is too fine for the dates of these events.",
            kind="validation-error",
            errors=[{"field": "interval", "message": str(exc), "type": "value_error"}],
        ).to_response()

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        problem = Problem(exc.code or 500, exc.name, exc.description)
        response = problem.to_response()
        allowed = getattr(exc, "valid_methods", None)  # only MethodNotAllowed has them
        if exc.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    @app.errorhandler(redis.BusyLoadingError)
    def _redis_down(exc: redis.RedisError) -> Response:
        log.warning("redis unavailable: %s", type(exc).__name__)
        return unavailable_problem(retry_after).to_response()

    @app.errorhandler(redis.ResponseError)
    def _redis_refused(exc: redis.ResponseError) -> Response:
        reason = type(exc).__name__ if isinstance(exc, REFUSAL_ERRORS) else str(exc).split(" ")[0]
        if not isinstance(exc, REFUSAL_ERRORS) and reason not in REFUSALS:
            return _unexpected(exc)
        log.warning("redis refused a command: %s", reason)
        return unavailable_problem(retry_after).to_response()

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    def _database_down(exc: sqlalchemy.exc.OperationalError) -> Response:
        # Unreachable, restarting, or past the statement timeout: not now, rather than a bug.
        log.warning("PostgreSQL unavailable: %s", type(exc.orig).__name__)
        return unavailable_problem(retry_after).to_response()

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log_unexpected(exc)
        return Problem(500, "Internal Server Error", "An unexpected error occurred.").to_response()


def log_unexpected(exc: BaseException) -> None:
    """Log an exception's type and stack, never its message (which may quote article text)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s (message withheld)\n%s", type(exc).__qualname__, stack.rstrip())
