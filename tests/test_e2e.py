"""End to end: the real service commands as processes on loopback, driven over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from newsflow.core.article_reads import ArticleReader
from newsflow.core.models import ArticleIn
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from tests.processes import Service, Stack, python_module, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARCTIC_SENTRY = ["seed-000-arctic-sentry-plans", "seed-001-arctic-sentry-launched"]
"""The two seeds that report one happening (NATO's Arctic Sentry mission)."""


@pytest.fixture
def stack(settings: Settings, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Ingest, API, one worker and the story grouper, started with their own commands; always
    stopped."""
    running = Stack(settings.redis_url, settings.database_url, tmp_path).start()
    try:
        yield {"ingest": running.ingest, "api": running.api}
    finally:
        running.stop()


def wait_done(location: str) -> dict[str, Any]:
    return wait_for(
        lambda: (
            (body := requests.get(location, timeout=5).json())["status"] in ("done", "failed")
            and body
        ),
        timeout=120,
        what=f"{location} to be analysed",
    )


def entity_pairs(article: dict[str, Any]) -> set[tuple[str, str]]:
    text = article["text"]
    for entity in article["analysis"]["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"], entity
    return {(e["text"], e["label"]) for e in article["analysis"]["entities"]}


def test_seeds_flow_through_the_real_processes(
    stack: dict[str, str], seeds: list[dict[str, Any]]
) -> None:
    locations = []
    for seed in seeds:
        response = requests.post(f"{stack['ingest']}/articles", json=seed, timeout=10)
        assert response.status_code == 202, response.text
        locations.append(response.headers["Location"])
    assert all(loc.startswith(stack["api"]) for loc in locations)

    articles = [wait_done(location) for location in locations]
    assert [a["status"] for a in articles] == ["done"] * 3
    found = set().union(*(entity_pairs(a) for a in articles))
    assert {("NATO", "ORG"), ("Greenland", "GPE"), ("Donald Trump", "PERSON")} <= found

    listed = requests.get(f"{stack['api']}/articles", timeout=5).json()
    assert {a["id"] for a in listed["items"]} == {s["id"] for s in seeds}
    nato = requests.get(f"{stack['api']}/entities/org:nato", timeout=5).json()
    assert nato["article_count"] == 3

    def arctic_sentry_story() -> set[str | None]:  # the grouper groups them after the worker
        return {
            requests.get(f"{stack['api']}/articles/{seed}", timeout=5).json()["story_id"]
            for seed in ARCTIC_SENTRY
        }

    wait_for(lambda: None not in arctic_sentry_story(), timeout=30, what="the seeds' stories")
    assert len(arctic_sentry_story()) == 1
    story = requests.get(f"{stack['api']}/stories/{arctic_sentry_story().pop()}", timeout=5)
    assert {a["id"] for a in story.json()["articles"]} == set(ARCTIC_SENTRY)

    again = requests.post(f"{stack['ingest']}/articles", json=seeds[0], timeout=10)
    assert again.status_code == 200 and again.json()["status"] == "done"


def test_batch_post_through_the_real_processes(stack: dict[str, str]) -> None:
    batch = [{"text": f"Estonia protested to Russia over incident number {n}."} for n in range(5)]
    batch.insert(2, {"text": ""})
    response = requests.post(
        f"{stack['ingest']}/articles/batch",
        data=json.dumps(batch),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    statuses = [item["status"] for item in response.json()["items"]]
    assert statuses == [202, 202, 422, 202, 202, 202]
    for item in response.json()["items"]:
        if item["status"] == 202:
            assert wait_done(f"{stack['api']}/articles/{item['id']}")["status"] == "done"


def test_worker_processes_option_runs_several_and_burst_exits(
    settings: Settings, store: ArticleStore, reader: ArticleReader, tmp_path: Path
) -> None:
    ids = [store.accept(ArticleIn(text=f"Lithuania hosted drill number {n}.")).id for n in range(6)]
    workers = Service(
        python_module("analysis_worker", "--processes", "2", "--burst"),
        {"REDIS_URL": settings.redis_url, "DATABASE_URL": settings.database_url},
        tmp_path / "workers.log",
    ).start()
    assert workers.process is not None and workers.process.wait(timeout=120) == 0, workers.log()
    assert {reader.get(i).status for i in ids} == {"done"}  # type: ignore[union-attr]
    loaded_by = {
        line.split("[")[1].split("]")[0]
        for line in workers.log().splitlines()
        if "loading spaCy pipeline" in line
    }
    assert len(loaded_by) == 2  # two processes, each loading the model once
