"""A 202 is a promise: killed workers and Redis, SIGTERM, poison articles, duplicate storms."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from newsflow.core.settings import Settings
from tests.processes import RedisServer, Stack, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SENTENCE = "Estonia said Russian jets violated its airspace over the Gulf of Finland on Friday. "


def long_text(kilobytes: int, tag: str) -> str:
    """An article long enough to keep a worker busy for a few seconds."""
    return f"{tag}. " + SENTENCE * (kilobytes * 1024 // len(SENTENCE))


def article(stack: Stack, article_id: str) -> dict[str, Any]:
    return requests.get(f"{stack.api}/articles/{article_id}", timeout=5).json()


def wait_status(
    stack: Stack, article_id: str, statuses: set[str], timeout: float
) -> dict[str, Any]:
    return wait_for(
        lambda: (a := article(stack, article_id))["status"] in statuses and a,
        timeout=timeout,
        what=f"{article_id} to be {statuses}",
        interval=0.2,
    )


def post(stack: Stack, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{stack.ingest}/articles", json=body, timeout=10)


@pytest.fixture
def stack(
    own_redis: RedisServer, settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Stack]:
    env = getattr(request, "param", {})
    running = Stack(own_redis.url, settings.database_url, tmp_path, env=env).start()
    yield running
    running.stop()


def test_redis_down_gives_prompt_503_and_everything_resumes(
    stack: Stack, own_redis: RedisServer
) -> None:
    first = post(stack, {"id": "before", "text": "Finland closed its border crossings."})
    assert first.status_code == 202
    wait_status(stack, "before", {"done"}, 60)

    own_redis.kill()
    started = time.monotonic()
    refused = post(stack, {"id": "during", "text": "Nobody can store this now."})
    assert time.monotonic() - started < 2.0
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert requests.get(f"{stack.api}/articles/before", timeout=5).status_code == 503
    assert requests.get(f"{stack.ingest}/healthz", timeout=5).status_code == 200
    time.sleep(3)  # long enough for the worker to notice

    own_redis.start()
    wait_for(
        lambda: requests.get(f"{stack.ingest}/readyz", timeout=5).status_code == 200,
        timeout=30,
        what="ingest to see Redis again",
    )
    assert article(stack, "before")["status"] == "done"  # kept by the append-only file
    assert post(stack, {"id": "after", "text": "Norway hosted the exercise."}).status_code == 202
    wait_status(stack, "after", {"done"}, 90)
    assert all(s.process and s.process.poll() is None for s in stack.services.values()), (
        stack.logs()
    )


def test_job_of_a_killed_worker_is_rerun_within_90_seconds(stack: Stack) -> None:
    assert post(stack, {"id": "long", "text": long_text(250, "long")}).status_code == 202
    wait_status(stack, "long", {"processing"}, 60)
    worker = stack.workers()[0]
    worker.stop(signal.SIGKILL)
    killed_at = time.monotonic()
    worker.start()  # as a supervisor would
    done = wait_status(stack, "long", {"done"}, 90)
    assert time.monotonic() - killed_at < 90
    assert done["attempts"] >= 2


def test_sigterm_finishes_the_current_job_then_exits(stack: Stack) -> None:
    assert post(stack, {"id": "long", "text": long_text(150, "warm")}).status_code == 202
    wait_status(stack, "long", {"processing"}, 60)
    exit_code = stack.workers()[0].stop(signal.SIGTERM, timeout=120)
    assert exit_code == 0
    finished = article(stack, "long")
    assert finished["status"] == "done" and finished["attempts"] == 1


@pytest.mark.parametrize(
    "stack",
    [
        {
            "JOB_TIMEOUT_SECONDS": "2",
            "MAX_ATTEMPTS": "2",
            "CLAIM_TTL_SECONDS": "3",
            "RECONCILE_INTERVAL_SECONDS": "1",
        }
    ],
    indirect=True,
)
def test_poison_article_fails_with_its_reason_and_the_queue_flows(stack: Stack) -> None:
    assert post(stack, {"id": "poison", "text": long_text(400, "poison")}).status_code == 202
    assert post(stack, {"id": "fine", "text": "Latvia joined the exercise."}).status_code == 202
    failed = wait_status(stack, "poison", {"failed", "done"}, 120)
    assert failed["status"] == "failed", failed.get("error")
    assert "JobTimeoutException" in failed["error"]
    assert failed["attempts"] == 2
    assert wait_status(stack, "fine", {"done", "failed"}, 60)["status"] == "done"


def test_twenty_simultaneous_posts_make_one_article_and_one_job(stack: Stack) -> None:
    body = {"text": "Twenty clients posted this at the same instant.", "url": "https://x.org/storm"}
    barrier = threading.Barrier(20)
    answers: list[requests.Response] = []

    def send() -> None:
        barrier.wait()
        answers.append(post(stack, body))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 19 + [202]
    assert len({a.json()["id"] for a in answers}) == 1
    done = wait_status(stack, answers[0].json()["id"], {"done"}, 60)
    assert done["attempts"] == 1
    listed = requests.get(f"{stack.api}/articles", timeout=5).json()["items"]
    assert len(listed) == 1
