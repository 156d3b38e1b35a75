"""The ingest service: validate posted articles, store them and enqueue their analysis."""

from __future__ import annotations

from typing import Any

import redis as redis_lib
from flask import Response, jsonify, request
from flask_openapi3 import OpenAPI, Tag
from pydantic import BaseModel, Field, ValidationError
from redis import Redis

from newsflow.core.connection import connect
from newsflow.core.keys import Keys
from newsflow.core.models import Accepted, ArticleIn
from newsflow.core.queue import AnalysisQueue
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.http import cors
from newsflow.http.bodies import read_json, too_large
from newsflow.http.problems import Problem, unavailable_problem, validation_problem
from newsflow.http.web import create_openapi_app, problem_responses

ARTICLES_TAG = Tag(name="articles", description="Post articles for analysis")
"""OpenAPI tag of the ingest endpoints."""

BATCH_BYTES_PER_ITEM = 32_000
"""Batch body allowance per item on top of one article's limit (average news article ~5 kB)."""


class BatchItemResult(BaseModel):
    """The outcome of one article of a batch, at its index."""

    index: int
    status: int = Field(description="The HTTP status this article would have had alone.")
    id: str | None = None
    article_status: str | None = None
    duplicate: bool = False
    problem: dict[str, Any] | None = None


class BatchResult(BaseModel):
    """One result per posted article, in order."""

    items: list[BatchItemResult]


def create_app(settings: Settings | None = None, redis: Redis | None = None) -> OpenAPI:
    """Build the ingest app; tests pass their own settings and Redis client."""
    settings = settings or Settings()
    redis = redis or connect(settings)
    app = create_openapi_app(
        __name__,
        "Newsflow ingest",
        settings,
        redis,
        key_required=True,
        rate_limit=settings.ingest_rate_limit,
    )
    store = ArticleStore(
        redis,
        Keys(settings.key_prefix),
        AnalysisQueue(redis, settings),
        recheck_after=settings.claim_ttl_seconds,
    )
    _add_article_routes(app, settings, store)
    cors.init_app(app, cors.desk_origins(settings))
    return app


def _add_article_routes(app: OpenAPI, settings: Settings, store: ArticleStore) -> None:

    @app.post(
        "/articles",
        tags=[ARTICLES_TAG],
        responses={
            202: Accepted,
            200: Accepted,
            **problem_responses(400, 401, 413, 415, 422, 429, 503),
        },
        openapi_extensions={"requestBody": _request_body("ArticleIn")},
    )
    def post_article() -> Response:
        """Post one article; 202 when queued, 200 when it was already known."""
        article = _validate(read_json(request, settings.max_article_bytes))
        return _accepted_response(store.accept(article), settings)

    @app.post(
        "/articles/batch",
        tags=[ARTICLES_TAG],
        responses={200: BatchResult, **problem_responses(400, 401, 413, 415, 422, 429, 503)},
        openapi_extensions={
            "requestBody": _request_body("ArticleIn", max_items=settings.max_batch_items)
        },
    )
    def post_batch() -> Response:
        """Post up to 500 articles at once; one result per article, in order."""
        limit = settings.max_batch_items * (settings.max_article_bytes // 8 + BATCH_BYTES_PER_ITEM)
        payload = read_json(request, max(limit, settings.max_article_bytes))
        if not isinstance(payload, list):
            raise Problem(
                422,
                "Unprocessable Content",
                "The body must be a JSON array.",
                kind="validation-error",
            )
        if len(payload) > settings.max_batch_items:
            raise Problem(
                413,
                "Content Too Large",
                f"A batch holds at most {settings.max_batch_items} articles.",
                kind="batch-too-large",
            )
        return jsonify(BatchResult(items=_accept_batch(payload, settings, store)).model_dump())

    _register_schemas(app)


def _validate(payload: Any) -> ArticleIn:
    if not isinstance(payload, dict):
        raise Problem(
            422, "Unprocessable Content", "The body must be a JSON object.", kind="validation-error"
        )
    try:
        return ArticleIn.model_validate(payload)
    except ValidationError as exc:
        raise validation_problem(exc, "The article is not valid.") from exc


def _accepted_response(accepted: Accepted, settings: Settings) -> Response:
    response = jsonify(accepted.model_dump(mode="json"))
    response.status_code = 200 if accepted.duplicate else 202
    response.headers["Location"] = f"{settings.api_public_url.rstrip('/')}/articles/{accepted.id}"
    return response


def _accept_batch(
    payload: list[Any], settings: Settings, store: ArticleStore
) -> list[BatchItemResult]:
    results: list[BatchItemResult] = []
    for index, item in enumerate(payload):
        if results and results[-1].status == 503:
            results.append(_failed_item(index, unavailable_problem(settings.retry_after_seconds)))
            continue
        results.append(_accept_item(index, item, settings, store))
    return results


def _accept_item(index: int, item: Any, settings: Settings, store: ArticleStore) -> BatchItemResult:
    try:
        if len(str(item).encode("utf-8", "surrogatepass")) > settings.max_article_bytes:
            raise too_large(settings.max_article_bytes)
        accepted = store.accept(_validate(item))
    except Problem as problem:
        return _failed_item(index, problem)
    except (redis_lib.ConnectionError, redis_lib.TimeoutError):
        return _failed_item(index, unavailable_problem(settings.retry_after_seconds))
    return BatchItemResult(
        index=index,
        status=200 if accepted.duplicate else 202,
        id=accepted.id,
        article_status=accepted.status.value,
        duplicate=accepted.duplicate,
    )


def _failed_item(index: int, problem: Problem) -> BatchItemResult:
    return BatchItemResult(index=index, status=problem.status, problem=problem.to_dict())


def _request_body(schema: str, max_items: int | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    body = {"type": "array", "items": ref, "maxItems": max_items} if max_items else ref
    return {"required": True, "content": {"application/json": {"schema": body}}}


def _register_schemas(app: OpenAPI) -> None:
    schema = ArticleIn.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        app.components_schemas[name] = definition
    app.components_schemas["ArticleIn"] = schema
