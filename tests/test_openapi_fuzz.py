"""Fuzz both services from their own OpenAPI documents: no 5xx, answers as documented.

Schemathesis' pytest plugin (`from_fixture`) breaks on pytest 9.2 (it writes `node._nodeid`),
so each operation is a plain parametrized test driving `operation.as_strategy()` with
hypothesis; the apps are built inside the test, against the session's private Redis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from api_service.app import create_app as create_api_app
from ingest_service.app import create_app as create_ingest_app
from newsflow.core.connection import connect
from newsflow.core.settings import Settings

OPENAPI_PATH = "/openapi/openapi.json"
FACTORIES: dict[str, Callable[[Settings, redis.Redis], Flask]] = {
    "ingest": create_ingest_app,
    "api": create_api_app,
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NO_REJECTION_CHECK = {
    ("POST", "/articles/batch"): "refuses bad items one by one inside a 200, by design",
    ("GET", "/entities"): "schemathesis sends an object `q` exploded into other parameters",
}
"""Operations where schema-violating requests are not all refused as a whole, and why."""
FUZZ_CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 404, 413, 415, 422]}}}
)
"""Invalid requests may also be 413: a batch over its item limit is refused as too large."""

FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
"""Bounded and derandomized, so the suite stays fast and CI sees the same cases every run."""


def documented_cases() -> list[tuple[str, str, str, GenerationMode]]:
    """List (service, method, path, mode) for every documented operation and fitting mode."""
    offline = Settings(redis_url="redis://127.0.0.1:1/0")  # never contacted: only the document
    return [
        (service, operation.method.upper(), operation.path, mode)
        for service, factory in FACTORIES.items()
        for result in load_schema(factory(offline, connect(offline))).get_all_operations()
        for operation in [result.ok()]
        for mode in GenerationMode
        # Negative data needs an input to break: probes take none.
        if mode is GenerationMode.POSITIVE or list(operation.iter_parameters()) or operation.body
    ]


def build(service: str, settings: Settings, database: Engine) -> Flask:
    """Build a service's app on the test stores (the API on the test's own engine)."""
    if service == "api":
        return create_api_app(settings, connect(settings), database)
    return create_ingest_app(settings, connect(settings))


def load_schema(app: Flask) -> Any:
    """Load an app's OpenAPI document through the app itself."""
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, app, config=FUZZ_CONFIG)


@pytest.mark.parametrize("service, method, path, mode", documented_cases())
def test_operation_conforms_to_its_document(
    settings: Settings,
    database: Engine,
    ingest_client: Any,
    seeds: list[dict[str, Any]],
    service: str,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    for seed in seeds[:3]:
        ingest_client.post("/articles", json=seed)
    app = build(service, settings, database)
    operation = load_schema(app)[path][method]
    rejects = (method, path) not in NO_REJECTION_CHECK
    checks = CHECKS + [negative_data_rejection] if rejects else CHECKS

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        statuses.append(case.call_and_validate(checks=checks).status_code)

    statuses: list[int] = []
    fuzz()
    assert statuses, "nothing was sent"


KEY = "fuzz-key"
KEYED_SETTINGS = settings(FUZZ_SETTINGS, max_examples=20)
"""Fewer cases: this checks the security scheme, not the whole input space again."""


@pytest.mark.parametrize(
    "service, method, path",
    sorted(
        {(svc, m, p) for svc, m, p, _ in documented_cases() if p not in ("/healthz", "/readyz")}
    ),
)
def test_keys_are_enforced_as_documented(
    settings: Settings, database: Engine, service: str, method: str, path: str
) -> None:
    keyed = settings.model_copy(update={"api_keys": [KEY], "read_api_requires_key": True})
    operation = load_schema(build(service, keyed, database))[path][method]
    assert operation.definition.raw.get("security", "inherited") != []

    @KEYED_SETTINGS
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        case.call_and_validate(headers=headers, checks=[*CHECKS, ignored_auth])

    fuzz()
