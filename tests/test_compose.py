"""docker-compose.yml, checked by what can run here: its shape, and its services as processes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.processes import REPO_ROOT, RedisServer, Service, free_port, wait_for, wait_ready

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ARCTIC_SENTRY = ["seed-000-arctic-sentry-plans", "seed-001-arctic-sentry-launched"]
"""The two seeds that report one happening (NATO's Arctic Sentry mission)."""


def test_compose_has_one_service_per_role() -> None:
    assert {
        "redis",
        "postgres",
        "migrate",
        "ingest",
        "api",
        "worker",
        "story_grouper",
        "seed",
    } <= set(SERVICES)


def test_services_wait_for_a_healthy_redis() -> None:
    assert "healthcheck" in SERVICES["redis"]
    for name in ("ingest", "api", "worker"):
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in ("ingest", "api"):
        assert "readyz" in " ".join(SERVICES[name]["healthcheck"]["test"])


def test_api_and_worker_wait_for_a_healthy_postgres_and_a_finished_migration() -> None:
    for name in ("api", "worker"):
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["redis"]["condition"] == "service_healthy"
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_the_story_grouper_waits_for_a_healthy_postgres_and_a_finished_migration() -> None:
    grouper = SERVICES["story_grouper"]
    assert grouper["command"] == ["python", "-m", "analysis_worker", "--stories"]
    assert grouper["image"] == SERVICES["worker"]["image"]
    assert grouper["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert grouper["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_migrate_runs_once_against_a_healthy_postgres() -> None:
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["newsflow", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_postgres_keeps_its_data_on_a_volume_and_is_not_published() -> None:
    postgres = SERVICES["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert postgres["environment"]["POSTGRES_USER"] == "newsflow"
    assert postgres["environment"]["POSTGRES_DB"] == "newsflow"
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:-")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "postgres-data" in COMPOSE["volumes"]
    assert "ports" not in postgres and postgres["restart"] == "unless-stopped"


def test_every_app_service_reaches_the_compose_postgres() -> None:
    for name in ("migrate", "ingest", "api", "worker", "story_grouper", "seed"):
        url = SERVICES[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://newsflow:${POSTGRES_PASSWORD:-")
        assert url.endswith("@postgres:5432/newsflow")


def test_worker_can_scale() -> None:
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_redis_keeps_an_append_only_file_on_a_volume_and_is_not_published() -> None:
    redis = SERVICES["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert "noeviction" in redis["command"]
    maxmemory = redis["command"][redis["command"].index("--maxmemory") + 1]
    assert maxmemory == "${REDIS_MAXMEMORY:-1gb}"
    assert any(str(v).endswith(":/data") for v in redis["volumes"])
    assert "ports" not in redis


def test_seed_loader_sits_behind_a_profile() -> None:
    assert SERVICES["seed"]["profiles"] == ["seed"]


def test_dockerfile_runs_as_non_root_and_preloads_the_model() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "USER newsflow" in dockerfile
    assert "spacy.load" in dockerfile


def local_command(service: dict[str, Any], ports: dict[str, int]) -> list[str]:
    """The service's compose command, run here: this Python, loopback host, free ports."""
    command = [str(part) for part in service["command"]]
    if command[0] == "python":
        command[0] = sys.executable
    elif command[0] == "newsflow":
        command = [sys.executable, "-m", "newsflow", *command[1:]]
    rewritten = []
    for previous, part in zip([""] + command, command, strict=False):
        if previous == "--host":
            part = "127.0.0.1"
        elif previous == "--port":
            part = str(ports[part])
        rewritten.append(part)
    return rewritten


def local_environment(
    service: dict[str, Any], redis_url: str, database_url: str, ports: dict[str, int]
) -> dict[str, str]:
    """The service's compose environment with the hosts rewritten to the local processes."""
    env = {key: str(value) for key, value in service.get("environment", {}).items()}
    env["REDIS_URL"] = env["REDIS_URL"].replace("redis://redis:6379/0", redis_url)
    assert env["DATABASE_URL"].endswith("@postgres:5432/newsflow")
    env["DATABASE_URL"] = database_url
    for host, port in (("ingest", "8001"), ("api", "8000")):
        for key, value in env.items():
            env[key] = value.replace(f"http://{host}:{port}", f"http://127.0.0.1:{ports[port]}")
            env[key] = env[key].replace(
                f"http://localhost:{port}", f"http://127.0.0.1:{ports[port]}"
            )
    return env


def local_service(
    name: str, redis_url: str, database_url: str, ports: dict[str, int], log_dir: Path
) -> Service:
    """One compose service as a local process (not started)."""
    return Service(
        local_command(SERVICES[name], ports),
        local_environment(SERVICES[name], redis_url, database_url, ports),
        log_dir / f"{name}.log",
    )


@pytest.fixture
def compose_services(
    redis_server: RedisServer, redis_client: Any, fresh_database: str, tmp_path: Path
) -> Iterator[dict[str, int]]:
    ports = {"8001": free_port(), "8000": free_port()}
    # As compose orders it: the one-shot migration first, on a database nothing has touched.
    migrate = local_service("migrate", redis_server.url, fresh_database, ports, tmp_path).start()
    assert migrate.process is not None and migrate.process.wait(timeout=120) == 0, migrate.log()
    started = [
        local_service(name, redis_server.url, fresh_database, ports, tmp_path).start()
        for name in ("ingest", "api", "worker", "story_grouper")
    ]
    try:
        wait_ready(f"http://127.0.0.1:{ports['8001']}")
        wait_ready(f"http://127.0.0.1:{ports['8000']}")
        yield ports
    finally:
        for service in started:
            service.stop()


@pytest.mark.e2e
@pytest.mark.slow
def test_compose_services_run_as_processes_and_load_the_seeds(
    compose_services: dict[str, int], redis_server: RedisServer, fresh_database: str, tmp_path: Path
) -> None:
    loader = local_service(
        "seed", redis_server.url, fresh_database, compose_services, tmp_path
    ).start()
    assert loader.process is not None and loader.process.wait(timeout=60) == 0, loader.log()
    api = f"http://127.0.0.1:{compose_services['8000']}"
    seed_ids = [p.stem for p in (REPO_ROOT / "seeds").glob("*.json")]
    assert len(seed_ids) == 3

    def all_done() -> bool:
        items = requests.get(f"{api}/articles", timeout=5).json()["items"]
        return len(items) == 3 and all(a["status"] == "done" for a in items)

    wait_for(all_done, timeout=120, what="the seeds to be analysed")
    assert requests.get(f"{api}/entities/org:nato", timeout=5).json()["article_count"] == 3

    def arctic_sentry_story() -> set[str | None]:
        return {
            requests.get(f"{api}/articles/{seed}", timeout=5).json()["story_id"]
            for seed in ARCTIC_SENTRY
        }

    wait_for(lambda: None not in arctic_sentry_story(), timeout=30, what="the seeds' stories")
    assert len(arctic_sentry_story()) == 1
