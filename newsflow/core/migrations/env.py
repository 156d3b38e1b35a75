"""Alembic's environment: run the migrations online against the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from newsflow.core.schema import metadata

config = context.config


def run_migrations() -> None:
    """Apply migrations in one transaction on a connection of their own."""
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    # No pool: the connection closes with the block instead of lingering (a ResourceWarning).
    connectable = config.attributes.get("connection") or create_engine(url, poolclass=NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
