"""API keys and rate limits: off by default, 401 and 429 problem+json when set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine

from api_service.app import create_app as create_api_app
from ingest_service.app import create_app as create_ingest_app
from newsflow.core.connection import connect
from newsflow.core.settings import Settings
from newsflow.tools.cli import main

PROBLEM = "application/problem+json"
KEY = "s3cret-key-1"
ARTICLE = {"text": "Estonia summoned the Russian envoy."}


def ingest_with(settings: Settings, **changes: Any) -> Any:
    """Return a test client of ingest built with changed settings."""
    changed = settings.model_copy(update=changes)
    return create_ingest_app(changed, connect(changed)).test_client()


def api_with(settings: Settings, database: Engine, **changes: Any) -> Any:
    """Return a test client of the API built with changed settings."""
    changed = settings.model_copy(update=changes)
    return create_api_app(changed, connect(changed), database).test_client()


def test_api_keys_come_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("API_KEYS", " one, two ,,")
    assert Settings().api_keys == ["one", "two"]


def test_read_api_cannot_require_a_key_when_there_is_none() -> None:
    with pytest.raises(ValueError, match="api_keys"):
        Settings(read_api_requires_key=True, api_keys=[])


def test_unparseable_rate_limit_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="rate limit"):
        Settings(ingest_rate_limit="lots")


def test_without_keys_ingest_is_open(ingest_client: Any) -> None:
    assert ingest_client.post("/articles", json=ARTICLE).status_code == 202


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}, {"Authorization": KEY}],
)
def test_ingest_without_a_valid_key_is_401(
    settings: Settings, redis_client: redis.Redis, headers: dict[str, str]
) -> None:
    client = ingest_with(settings, api_keys=["other", KEY])
    for path, body in (("/articles", ARTICLE), ("/articles/batch", [ARTICLE])):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 401 and response.mimetype == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert KEY not in response.get_data(as_text=True)
    assert redis_client.dbsize() == 0


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": f"Bearer {KEY}"}, {"authorization": f"bearer {KEY}"}, {"X-API-Key": KEY}],
)
def test_ingest_with_a_valid_key_accepts(settings: Settings, headers: dict[str, str]) -> None:
    client = ingest_with(settings, api_keys=["other", KEY])
    assert client.post("/articles", json=ARTICLE, headers=headers).status_code == 202


def test_probes_and_docs_need_no_key(settings: Settings) -> None:
    client = ingest_with(settings, api_keys=[KEY])
    for path in ("/healthz", "/readyz", "/openapi/openapi.json"):
        assert client.get(path).status_code == 200, path
    assert client.get("/docs").status_code == 302


def test_openapi_documents_the_key_schemes_when_keys_are_required(settings: Settings) -> None:
    spec = ingest_with(settings, api_keys=[KEY]).get("/openapi/openapi.json").json
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert spec["security"] == [{"bearer": []}, {"apiKey": []}]
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_read_api_is_open_unless_told_otherwise(settings: Settings, database: Engine) -> None:
    open_api = api_with(settings, database, api_keys=[KEY])
    assert open_api.get("/articles").status_code == 200
    closed = api_with(settings, database, api_keys=[KEY], read_api_requires_key=True)
    assert closed.get("/articles").status_code == 401
    assert closed.get("/entities/org:nato").status_code == 401
    assert closed.get("/articles", headers={"X-API-Key": KEY}).status_code == 200
    assert closed.get("/healthz").status_code == 200


def test_rate_limits_are_off_by_default(ingest_client: Any) -> None:
    codes = {
        ingest_client.post("/articles", json={"text": f"t {n}"}).status_code for n in range(30)
    }
    assert codes == {202}


def test_over_the_rate_limit_is_429_with_retry_after(
    settings: Settings, redis_client: redis.Redis
) -> None:
    client = ingest_with(settings, ingest_rate_limit="3/minute")
    codes = [client.post("/articles", json={"text": f"t {n}"}).status_code for n in range(3)]
    response = client.post("/articles", json={"text": "one too many"})
    assert codes == [202, 202, 202]
    assert response.status_code == 429 and response.mimetype == PROBLEM
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert client.get("/healthz").status_code == 200
    assert any(key.startswith(b"newsflow:LIMITER/ratelimit/addr:") for key in redis_client.keys())


def test_rate_limits_count_per_key(settings: Settings) -> None:
    client = ingest_with(settings, api_keys=["k1", "k2"], ingest_rate_limit="2/minute")
    for key in ("k1", "k2"):
        codes = [
            client.post("/articles", json={"text": f"{key} {n}"}, headers={"X-API-Key": key})
            for n in range(3)
        ]
        assert [r.status_code for r in codes] == [202, 202, 429]


def test_guessing_keys_is_rate_limited_too(settings: Settings) -> None:
    client = ingest_with(settings, api_keys=[KEY], ingest_rate_limit="2/minute")
    guesses = [
        client.post("/articles", json=ARTICLE, headers={"X-API-Key": f"guess-{n}"}).status_code
        for n in range(3)
    ]
    assert guesses == [401, 401, 429]


def test_read_api_rate_limit(settings: Settings, database: Engine) -> None:
    client = api_with(settings, database, api_rate_limit="2/minute")
    codes = [client.get("/entities").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_limiter_storage_down_is_503_not_500(settings: Settings) -> None:
    dead = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "ingest_rate_limit": "100/second"}
    )
    client = create_ingest_app(dead, connect(dead)).test_client()
    response = client.post("/articles", json=ARTICLE)
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200


@pytest.mark.e2e
def test_newsflow_post_sends_the_api_key(
    start_ingest: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = start_ingest(API_KEYS=KEY)
    article = tmp_path / "article.txt"
    article.write_text("Estonia summoned the Russian envoy over the incursion.")
    monkeypatch.setenv("INGEST_URL", url)
    assert main(["post", str(article)]) == 1  # no API_KEY: refused
    assert '"status": 401' in capsys.readouterr().out
    monkeypatch.setenv("API_KEY", KEY)
    assert main(["post", str(article)]) == 0
    assert '"status": "queued"' in capsys.readouterr().out
