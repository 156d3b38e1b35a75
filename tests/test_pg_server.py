"""The private PostgreSQL: who it runs as, what a crash keeps, what it says when missing."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine

from newsflow.core.database import (
    SchemaNotReady,
    alembic_config,
    current_revision,
    head_revision,
    require_current_schema,
)
from newsflow.tools import pg_server
from newsflow.tools.pg_server import PostgresNotFound, PostgresServer
from tests.processes import REPO_ROOT, free_port, libpq, python_module


@pytest.mark.skipif(os.geteuid() != 0, reason="only root has to hand the server to another user")
def test_server_started_as_root_runs_as_the_postgres_user(
    postgres_server: PostgresServer,
) -> None:
    assert postgres_server.process is not None
    pid = str(postgres_server.process.pid)
    owner = subprocess.run(
        ["ps", "-o", "user=", "-p", pid], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert owner == "postgres"
    assert pwd.getpwnam(owner).pw_uid != 0


@pytest.mark.slow
def test_a_committed_row_survives_a_killed_server(own_postgres: PostgresServer) -> None:
    with psycopg.connect(libpq(own_postgres.url), autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (n integer)")
        for n in range(100):
            connection.execute("INSERT INTO kept VALUES (%s)", (n,))
    own_postgres.kill()
    assert own_postgres.process is not None and own_postgres.process.returncode == -9
    own_postgres.start()
    with psycopg.connect(libpq(own_postgres.url)) as connection:
        assert connection.execute("SELECT count(*) FROM kept").fetchone() == (100,)


def test_missing_postgresql_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pg_server, "BINARY_DIRS", (str(tmp_path / "postgresql/*/bin"),))
    with pytest.raises(PostgresNotFound) as error:
        PostgresServer(tmp_path / "data", free_port()).start()
    message = str(error.value)
    assert "apt-get install postgresql" in message
    assert "brew install postgresql@15" in message
    assert "DATABASE_URL" in message


def test_services_refuse_an_unmigrated_database(fresh_database: str) -> None:
    engine = create_engine(fresh_database)
    try:
        with pytest.raises(SchemaNotReady, match="newsflow db upgrade"):
            require_current_schema(engine)
    finally:
        engine.dispose()
    for service in (
        python_module("api_service", "--port", str(free_port())),
        python_module("analysis_worker"),
    ):
        started = subprocess.run(
            service,
            env={**os.environ, "DATABASE_URL": fresh_database, "REDIS_URL": "redis://127.0.0.1:1"},
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert started.returncode != 0
        assert "run `newsflow db upgrade`" in started.stderr, started.stderr


def test_db_upgrade_brings_a_fresh_database_to_head(fresh_database: str) -> None:
    upgrade = subprocess.run(
        python_module("newsflow", "db", "upgrade"),
        env={**os.environ, "DATABASE_URL": fresh_database},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    engine = create_engine(fresh_database)
    try:
        assert current_revision(engine) == head_revision()
        require_current_schema(engine)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_schema(migrated_postgres: PostgresServer) -> None:
    command.check(alembic_config(migrated_postgres.url))
