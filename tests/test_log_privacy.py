"""Article text and API keys never reach the logs, in process or from the real processes."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ingest_service.app import create_app
from newsflow.core.connection import connect
from newsflow.core.settings import Settings
from tests.processes import Service, free_port, python_module, wait_for, wait_ready

MARKER = f"zebra-{uuid.uuid4().hex}-confidential"
"""Article text no log line may contain."""

KEY = f"key-{uuid.uuid4().hex}"
"""The accepted API key, which no log line may contain."""

WRONG_KEY = f"wrong-{uuid.uuid4().hex}"
"""A refused key, which no log line may contain either."""


def test_unexpected_errors_log_the_stack_but_not_the_message(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, connect(settings))

    @app.post("/explode")
    def explode() -> None:
        raise RuntimeError(f"could not handle {MARKER}")

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().post("/explode")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "RuntimeError" in caplog.text and "explode" in caplog.text
    assert MARKER not in caplog.text and MARKER not in response.get_data(as_text=True)


@pytest.fixture
def private_stack(
    settings: Settings, tmp_path: Path
) -> Iterator[tuple[dict[str, str], list[Service]]]:
    """Ingest, API and a worker at DEBUG level, with keys required on both services."""
    ingest_port, api_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    env = {
        "REDIS_URL": settings.redis_url,
        "DATABASE_URL": settings.database_url,
        "API_PUBLIC_URL": api_url,
        "API_KEYS": f"other-key,{KEY}",
        "READ_API_REQUIRES_KEY": "true",
        "LOG_LEVEL": "DEBUG",
    }
    services = [
        Service(python_module("ingest_service", "--port", str(ingest_port)), env, tmp_path / "i"),
        Service(python_module("api_service", "--port", str(api_port)), env, tmp_path / "a"),
        Service(python_module("analysis_worker"), env, tmp_path / "w"),
    ]
    for service in services:
        service.start()
    try:
        urls = {"ingest": f"http://127.0.0.1:{ingest_port}", "api": api_url}
        wait_ready(urls["ingest"])
        wait_ready(urls["api"])
        yield urls, services
    finally:
        for service in services:
            service.stop()


def exercise(urls: dict[str, str]) -> None:
    """Post, refuse and read articles carrying the marker and the keys in every way a client can."""
    good = {"Authorization": f"Bearer {KEY}"}
    ingest, api = urls["ingest"], urls["api"]
    article = {"id": "private-1", "text": f"NATO met Russia in Kyiv. {MARKER}"}
    assert requests.post(f"{ingest}/articles", json=article, headers=good).status_code == 202
    wrong = requests.post(f"{ingest}/articles", json=article, headers={"X-API-Key": WRONG_KEY})
    assert wrong.status_code == 401
    invalid = {"text": MARKER, "url": f"ftp://{MARKER}", "published_at": MARKER}
    assert requests.post(f"{ingest}/articles", json=invalid, headers=good).status_code == 422
    batch = [{"text": f"Batch {MARKER}"}, {"text": MARKER, "id": f"bad id {MARKER}"}]
    assert requests.post(f"{ingest}/articles/batch", json=batch, headers=good).status_code == 200
    broken = requests.post(
        f"{ingest}/articles",
        data=f'{{"text": "{MARKER}'.encode(),
        headers={**good, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    query = requests.get(f"{api}/articles", params={"cursor": MARKER, "key": KEY}, headers=good)
    assert query.status_code == 400
    wait_for(
        lambda: requests.get(f"{api}/articles/private-1", headers=good).json()["status"] == "done",
        timeout=120,
        what="the private article to be analysed",
    )


@pytest.mark.e2e
@pytest.mark.slow
def test_logs_of_the_real_processes_hold_no_text_and_no_keys(
    private_stack: tuple[dict[str, str], list[Service]],
) -> None:
    urls, services = private_stack
    exercise(urls)
    for service in services:
        service.stop()
    logs = {service.log_path.name: service.log() for service in services}
    assert all(logs.values()), "every process logged something"
    assert "POST /articles" in logs["i"], "the access log is on"
    assert "private-1" in logs["w"], "the worker logged its job"
    for name, text in logs.items():
        for secret in (MARKER, KEY, WRONG_KEY):
            assert secret not in text, f"{secret[:12]}... in the {name} log"
