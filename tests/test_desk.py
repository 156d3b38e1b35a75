"""The desk's server side: its page, files, config and overview, and ingest's CORS for it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from api_service.app import create_app as create_api_app
from ingest_service.app import create_app as create_ingest_app
from newsflow.core.connection import connect
from newsflow.core.settings import Settings
from tests.processes import REPO_ROOT

DESK_ORIGIN = "http://api.test"
"""The origin of the API in the test settings, where the desk is served."""


@pytest.fixture
def analysed_seeds(
    ingest_client: Any, run_worker: Callable[..., Any], seeds: list[dict[str, Any]]
) -> None:
    """The seeds posted and analysed by a burst worker."""
    for seed in seeds:
        assert ingest_client.post("/articles", json=seed).status_code == 202
    run_worker()


def page_config(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="desk-config" type="application/json">(.*?)</script>', html)
    assert found, html
    return dict(json.loads(found.group(1)))


def test_the_page_is_served_at_root_with_its_config_and_a_strict_policy(api_client: Any) -> None:
    response = api_client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    config = page_config(response.get_data(as_text=True))
    assert config == {
        "ingest_url": "http://127.0.0.1:8001",
        "read_key_required": False,
        "ingest_key_required": False,
        "stories": True,
    }
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "connect-src 'self' http://127.0.0.1:8001" in policy
    assert api_client.get("/desk/config.json").get_json() == config


@pytest.mark.parametrize(
    "name, mimetype", [("desk.js", "text/javascript"), ("desk.css", "text/css")]
)
def test_the_page_files_are_package_data(api_client: Any, name: str, mimetype: str) -> None:
    response = api_client.get(f"/desk/assets/{name}")
    response.close()  # the file is streamed: close it
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert api_client.get("/desk/assets/../app.py").status_code == 404


def test_the_page_refers_to_nothing_outside_its_origin() -> None:
    desk = REPO_ROOT / "api_service" / "desk"
    for path in desk.iterdir():
        text = path.read_text(encoding="utf-8")
        # Links the page merely shows (an article's own URL) come from the API, not these files.
        assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", text), path.name


def test_the_bundle_was_built_from_the_current_sources() -> None:
    digest = hashlib.sha256()
    sources = REPO_ROOT / "desk" / "src"
    for path in sorted(sources.iterdir(), key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    bundle = (REPO_ROOT / "api_service" / "desk" / "desk.js").read_text(encoding="utf-8")
    assert f"sources sha256 {digest.hexdigest()}" in bundle, "run: make desk"


def test_page_files_and_config_need_no_key_but_the_overview_does(
    settings: Settings, database: Engine
) -> None:
    locked = settings.model_copy(update={"api_keys": ["k1"], "read_api_requires_key": True})
    client = create_api_app(locked, connect(locked), database).test_client()
    for path in ("/", "/desk/config.json", "/desk/assets/desk.js"):
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path
    assert page_config(client.get("/").get_data(as_text=True))["read_key_required"] is True
    assert client.get("/desk/overview").status_code == 401
    assert client.get("/desk/overview", headers={"Authorization": "Bearer k1"}).status_code == 200


def test_overview_gives_the_timeline_and_tops_of_a_filter(
    api_client: Any, analysed_seeds: None
) -> None:
    overview = api_client.get("/desk/overview?interval=week").get_json()
    timeline = api_client.get("/events/timeline?interval=week").get_json()
    assert overview["timeline"] == timeline
    assert overview["actors"] == api_client.get("/events/top?by=actor").get_json()["items"]
    assert overview["dyads"] == api_client.get("/events/top?by=dyad").get_json()["items"]
    brussels = next(place for place in overview["places"] if place["key"] == "Brussels")
    assert brussels["country"] == "BEL" and round(brussels["lat"]) == 51
    listed = api_client.get("/events?place=Brussels").get_json()["total"]
    assert brussels["count"] == listed


def test_overview_timeline_ignores_the_brushed_dates_the_tops_do_not(
    api_client: Any, analysed_seeds: None
) -> None:
    whole = api_client.get("/desk/overview?actor=RUS").get_json()
    brushed = api_client.get("/desk/overview?actor=RUS&since=2026-01-01").get_json()
    assert brushed["timeline"] == whole["timeline"] and whole["timeline"]["total"] > 0
    assert whole["actors"] and brushed["actors"] == []


def test_overview_refuses_a_bad_filter_as_problem_json(api_client: Any) -> None:
    response = api_client.get("/desk/overview?root=99&interval=year")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == {"root", "interval"}


def test_ingest_lets_the_desk_origin_post_and_no_other(settings: Settings) -> None:
    client = create_ingest_app(settings, connect(settings)).test_client()
    preflight = client.options(
        "/articles",
        headers={
            "Origin": DESK_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == DESK_ORIGIN
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    posted = client.post("/articles", json={"text": "Estonia"}, headers={"Origin": DESK_ORIGIN})
    assert posted.status_code == 202
    assert posted.headers["Access-Control-Allow-Origin"] == DESK_ORIGIN
    assert posted.headers["Access-Control-Expose-Headers"] == "Location"
    refused = client.post("/articles", json={"text": ""}, headers={"Origin": DESK_ORIGIN})
    assert refused.status_code == 422 and "Access-Control-Allow-Origin" in refused.headers
    other = client.post("/articles", json={"text": "x"}, headers={"Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]
    probe = client.get("/healthz", headers={"Origin": DESK_ORIGIN})
    assert "Access-Control-Allow-Origin" not in probe.headers


def test_desk_origins_adds_other_origins(settings: Settings) -> None:
    extra = settings.model_copy(update={"desk_origins": ["https://desk.example.org"]})
    client = create_ingest_app(extra, connect(extra)).test_client()
    headers = {"Origin": "https://desk.example.org", "Access-Control-Request-Method": "POST"}
    answer = client.options("/articles/batch", headers=headers)
    assert answer.headers["Access-Control-Allow-Origin"] == "https://desk.example.org"
    assert Settings(desk_origins="https://a.example, https://b.example").desk_origins == [
        "https://a.example",
        "https://b.example",
    ]
