"""`python -m analysis_worker --stories`: the story grouper, which drains the story backlog.

Grouping is serial by nature (one lock), so it runs in a process of its own, beside the
workers rather than inside their saves: it uses a core while they parse. It drains at start (a
backlog a crash left), then whenever a save notifies `story_backlog`, and at least every
LISTEN_TIMEOUT_SECONDS. Several groupers at once are safe: the story lock makes them take turns.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import psycopg
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from newsflow.core.database import connect_database, wait_for_schema
from newsflow.core.logs import configure_logging
from newsflow.core.results import OUTAGE_FIRST_PAUSE_SECONDS, OUTAGE_MAX_PAUSE_SECONDS, is_deadlock
from newsflow.core.settings import Settings
from newsflow.core.story_backlog import CHANNEL, DRAIN_LIMIT, group_backlog
from newsflow.core.story_store import StoryGrouper
from newsflow.core.word_rarity import load_table

log = logging.getLogger(__name__)

LISTEN_TIMEOUT_SECONDS = 1.0
"""Longest wait for a notification before looking at the backlog anyway (and at SIGTERM)."""


LOST_DATABASE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
"""What an unreachable or restarting PostgreSQL raises (through SQLAlchemy, or the listener's)."""


def run_grouper(settings: Settings, stop: threading.Event | None = None) -> None:
    """Group the backlog until stopped (SIGTERM or SIGINT, or `stop`); outlive outages."""
    configure_logging(settings.log_level)
    stop = stop or stop_on_signals()
    engine = connect_database(settings, request_timeouts=False)
    wait_for_schema(engine)
    load_table()  # wordfreq's table, which the story rule weighs words by
    grouper = StoryGrouper(settings.story_rule())
    log.info("story grouper listening on %s", CHANNEL)
    pause = OUTAGE_FIRST_PAUSE_SECONDS
    while not stop.is_set():
        try:
            with listening(engine) as listener:
                pause = OUTAGE_FIRST_PAUSE_SECONDS
                serve(engine, grouper, listener, stop)
        except LOST_DATABASE as exc:
            log.warning("PostgreSQL unavailable (%s); trying again in %.1f s", exc, pause)
            stop.wait(pause)
            pause = min(pause * 2, OUTAGE_MAX_PAUSE_SECONDS)
    engine.dispose()


def stop_on_signals() -> threading.Event:
    """Return an event that SIGTERM and SIGINT set (the drain under way commits first)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


@contextmanager
def listening(engine: Engine) -> Iterator[psycopg.Connection]:
    """Yield a connection of its own that listens on the backlog's channel."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True, application_name="newsflow-grouper") as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        yield listener


def serve(
    engine: Engine, grouper: StoryGrouper, listener: psycopg.Connection, stop: threading.Event
) -> None:
    """Drain the backlog, then wait for a save to notify; until stopped."""
    while not stop.is_set():
        drain(engine, grouper, stop)
        for _ in listener.notifies(timeout=LISTEN_TIMEOUT_SECONDS, stop_after=1):
            pass


def drain(
    engine: Engine, grouper: StoryGrouper, stop: threading.Event, limit: int = DRAIN_LIMIT
) -> int:
    """Group the backlog, `limit` articles a transaction, until it is empty (or stopped);
    return how many were grouped."""
    grouped = 0
    while not stop.is_set():
        try:
            done = group_backlog(engine, grouper, limit)
        except DBAPIError as exc:
            if not is_deadlock(exc):
                raise
            log.info("story grouping aborted to break a deadlock; trying again")
            continue
        grouped += done
        if done < limit:
            break
    return grouped
