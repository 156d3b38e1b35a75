"""The `newsflow` command as a user runs it: extract offline, and `up` for the whole system."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from newsflow.tools import pg_server
from newsflow.tools.cli import main
from newsflow.tools.pg_server import reachable_temporary_dir
from tests.processes import REPO_ROOT, free_port, wait_for

SEED = REPO_ROOT / "seeds" / "002_27f6953c3e6e08f0.json"


def newsflow(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsflow", *args],
        input=stdin,
        text=True,
        capture_output=True,
        timeout=120,
        cwd=REPO_ROOT,
        check=False,
    )


@pytest.mark.slow
def test_extract_prints_the_analysis_of_files() -> None:
    result = newsflow("extract", str(SEED))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    text = json.loads(SEED.read_text())["text"]
    assert record["id"] == "seed-002-eastern-flank-deterrence"
    assert {"entities", "events"} <= set(record)
    nato = [e for e in record["entities"] if e["key"] == "org:nato"]
    assert nato and all(text[e["start"] : e["end"]] == e["text"] for e in nato)


@pytest.mark.slow
def test_extract_jsonl_writes_one_line_per_input_line() -> None:
    lines = [
        {"id": "a", "text": "Germany sent jets to Poland.", "published_at": "2025-10-14"},
        {"id": "b", "text": "Estonia summoned the Russian ambassador."},
    ]
    result = newsflow("extract", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert ("Poland", "GPE") in {(e["text"], e["label"]) for e in out[0]["entities"]}


@pytest.mark.slow
def test_extract_jsonl_answers_bad_lines_in_place_and_goes_on() -> None:
    lines = [
        json.dumps({"id": "a", "text": "Germany sent jets to Poland.", "published_at": "None"}),
        json.dumps({"id": "b", "text": "France protested.", "published_at": "1211-08-"}),
        json.dumps({"id": "c", "published_at": "2025-10-14"}),
        '{"id": "d", "text": ',
        json.dumps({"id": "e", "text": "Estonia summoned the Russian ambassador."}),
    ]
    result = newsflow("extract", "--jsonl", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    assert "4 of 5 articles failed" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", None, "e"]
    assert all(set(o) == {"id", "error"} for o in out[:4])
    assert "published_at" in out[0]["error"] and "published_at" in out[1]["error"]
    assert "text" in out[2]["error"] and "invalid JSON" in out[3]["error"]
    assert ("Estonia", "GPE") in {(e["text"], e["label"]) for e in out[4]["entities"]}


def test_post_without_a_running_ingest_says_so() -> None:
    result = newsflow("post", str(SEED), "--url", f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert "cannot reach the ingest service" in result.stderr


@pytest.mark.e2e
@pytest.mark.slow
def test_up_runs_everything_with_the_seeds_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with reachable_temporary_dir() as folder:
        run_up_with_the_seeds(tmp_path, var=folder / "var")


def run_up_with_the_seeds(tmp_path: Path, var: Path) -> None:
    ingest_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    log = tmp_path / "up.log"
    with log.open("w") as out:
        up = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsflow",
                "up",
                "--ingest-port",
                str(ingest_port),
                "--api-port",
                str(api_port),
                "--var",
                str(var),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "seeds analysed" in log.read_text(), timeout=180, what="the seeds")
        assert "3 of 3 seeds analysed" in log.read_text(), log.read_text()[-2000:]
        articles = requests.get(f"http://127.0.0.1:{api_port}/articles", timeout=5).json()
        assert {a["status"] for a in articles["items"]} == {"done"}
        assert (var / "redis").is_dir()
        assert (var / "postgres" / "PG_VERSION").exists()
        assert "postgres  postgresql+psycopg://" in log.read_text()
        assert f"desk      http://127.0.0.1:{api_port}/" in log.read_text()
        desk = requests.get(f"http://127.0.0.1:{api_port}/desk/config.json", timeout=5).json()
        assert desk["ingest_url"] == f"http://127.0.0.1:{ingest_port}"  # where the page posts
    finally:
        up.send_signal(signal.SIGINT)
        assert up.wait(timeout=60) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{api_port}/healthz", timeout=2)
    assert not (var / "postgres" / "postmaster.pid").exists()  # stopped cleanly


def test_up_without_postgresql_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # configured: up starts no Redis
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pg_server, "BINARY_DIRS", (str(tmp_path / "postgresql/*/bin"),))
    assert main(["up", "--var", str(tmp_path / "var")]) == 1
    error = capsys.readouterr().err
    assert "apt-get install postgresql" in error and "DATABASE_URL" in error
    assert not (tmp_path / "var" / "postgres").exists()


def test_up_without_any_redis_says_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PATH"] = str(Path(sys.executable).parent)  # python, but no redis-server
    result = subprocess.run(
        [sys.executable, "-m", "newsflow", "up", "--var", str(tmp_path)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "apt-get install redis-server" in result.stderr and "REDIS_URL" in result.stderr
