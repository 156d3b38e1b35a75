"""What both Flask services share: the OpenAPI app, its error handling and health probes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from flask import Response, jsonify, redirect
from flask_openapi3 import Info, OpenAPI, Tag
from pydantic import BaseModel, ValidationError
from redis import Redis

from newsflow.core.settings import Settings
from newsflow.http import auth, problems, rate_limits
from newsflow.http.problems import ProblemDetails, validation_problem

HEALTH_TAG = Tag(name="health", description="Liveness and readiness probes")
"""OpenAPI tag of /healthz and /readyz."""

VERSION = "0.1.0"
"""Version reported in the OpenAPI documents."""


class Health(BaseModel):
    """A probe's answer."""

    status: str


def problem_responses(*statuses: int) -> dict[str | int, dict[str, Any]]:
    """Document error statuses as problem+json in OpenAPI."""
    schema = {"$ref": "#/components/schemas/ProblemDetails"}
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {problems.PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for status in statuses
    }


def create_openapi_app(
    name: str,
    title: str,
    settings: Settings,
    redis: Redis,
    *,
    key_required: bool = False,
    rate_limit: str | None = None,
    ready_checks: Sequence[Callable[[], object]] = (),
) -> OpenAPI:
    """Return an OpenAPI (Flask) app with problem+json errors, keys, limits, probes and docs."""
    requires_key = key_required and bool(settings.api_keys)
    app = OpenAPI(
        name,
        info=Info(title=title, version=VERSION),
        validation_error_status=422,
        validation_error_callback=_validation_error_response,
        # {} rather than None: flask-openapi3 writes None out as an invalid `securitySchemes: null`.
        security_schemes=auth.SECURITY_SCHEMES if requires_key else {},  # type: ignore[arg-type]
        openapi_extensions={"security": auth.SECURITY} if requires_key else None,
    )
    app.config["SETTINGS"] = settings
    app.components_schemas["ProblemDetails"] = ProblemDetails.model_json_schema()
    app.json.sort_keys = False  # type: ignore[attr-defined]
    problems.init_app(app, settings.retry_after_seconds)
    # Limits before keys, so that guessing keys is rate limited too.
    rate_limits.init_app(app, settings, rate_limit)
    auth.init_app(app, settings.api_keys, key_required)
    _add_probes(app, [redis.ping, *ready_checks])
    app.add_url_rule("/docs", "docs", lambda: redirect("/openapi/swagger"))
    return app


def _validation_error_response(exc: ValidationError) -> Response:
    return validation_problem(exc).to_response()


def _add_probes(app: OpenAPI, ready_checks: Sequence[Callable[[], object]]) -> None:
    open_operation: dict[str, Any] = {"security": []}  # probes need no key even when the rest does

    @app.get(
        "/healthz", tags=[HEALTH_TAG], responses={200: Health}, openapi_extensions=open_operation
    )
    def healthz() -> Response:
        """Report that the process is up."""
        return jsonify(status="ok")

    @app.get(
        "/readyz",
        tags=[HEALTH_TAG],
        responses={200: Health, **problem_responses(503)},
        openapi_extensions=open_operation,
    )
    def readyz() -> Response:
        """Report whether the stores answer (Redis, and PostgreSQL for the API)."""
        for check in ready_checks:
            check()
        return jsonify(status="ready")
