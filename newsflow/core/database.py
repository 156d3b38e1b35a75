"""PostgreSQL connections and migrations (the one place that reads database_url)."""

from __future__ import annotations

import logging
import time

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import OperationalError

from newsflow.core.settings import Settings

log = logging.getLogger(__name__)

SCHEMA_WAIT_PAUSE_SECONDS = 2.0
"""Pause between two looks at an unreachable database by a starting worker."""

REQUEST_SESSION = "-c work_mem=64MB -c jit=off"
"""Request handlers' sessions: aggregates sort and hash in memory rather than spill to disk
(the query benchmark saw 100,000-group tops spill at the default 4 MB), and no JIT
compilation of large plans (a timeline over the whole store: 0.78 s without, 0.91 s with, in
one psql try; not in a benchmark)."""

MIGRATIONS = "newsflow.core:migrations"
"""Where Alembic finds the migrations (package resource path)."""

UPGRADE_COMMAND = "newsflow db upgrade"
"""The command that brings a database to the schema this code needs."""


class SchemaNotReady(RuntimeError):
    """The database is not at the schema this code needs: run `newsflow db upgrade`."""


def connect_database(settings: Settings, *, request_timeouts: bool = True) -> Engine:
    """Return an engine with a pool; request handlers get short connect and statement timeouts."""
    connect_args: dict[str, object] = {"application_name": "newsflow"}
    if request_timeouts:
        timeout_ms = int(settings.database_timeout_seconds * 1000)
        connect_args["connect_timeout"] = max(1, round(settings.database_timeout_seconds))
        connect_args["options"] = f"-c statement_timeout={timeout_ms} {REQUEST_SESSION}"
    return create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_pre_ping=True,
        pool_recycle=3600,
        connect_args=connect_args,
    )


def alembic_config(database_url: str) -> Config:
    """Return the Alembic configuration of our migrations against one database."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply the migrations up to a revision (the latest by default)."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """Return the latest migration's revision."""
    return ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaNotReady unless the database is at the latest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaNotReady(
            f"the database at {engine.url.render_as_string(hide_password=True)} is at schema "
            f"revision {current or 'none'}, this code needs {head}: run `{UPGRADE_COMMAND}`"
        )


def wait_for_schema(engine: Engine) -> None:
    """Wait until the database answers, then require the current schema (SchemaNotReady)."""
    while True:
        try:
            require_current_schema(engine)
            return
        except OperationalError as exc:
            log.warning("PostgreSQL unavailable (%s); trying again", exc.orig)
            time.sleep(SCHEMA_WAIT_PAUSE_SECONDS)
