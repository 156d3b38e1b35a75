"""RQ workers with the spaCy pipeline preloaded, run as one process or a supervised group."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from rq import SimpleWorker

from analysis_worker import runtime
from newsflow.connection import connect_worker
from newsflow.queue import analysis_queue
from newsflow.settings import Settings

log = logging.getLogger(__name__)

SUPERVISOR_POLL_SECONDS = 0.5
"""How often the supervisor of several worker processes checks on them."""


class AnalysisWorker(SimpleWorker):
    """An RQ worker that runs jobs in its own process, where the model is already loaded.

    RQ's default worker forks a work horse per job (~10 ms each, more as memory grows); next to
    ~65 ms of spaCy per article that is too dear, and the model is loaded once here instead.
    """


def run_worker(settings: Settings, burst: bool = False) -> bool:
    """Load the model, then work the analysis queue until stopped (or empty, with burst)."""
    connection = connect_worker(settings)
    runtime.install(runtime.build_runtime(settings, connection))
    worker = AnalysisWorker([analysis_queue(connection, settings)], connection=connection)
    return worker.work(burst=burst, logging_level=settings.log_level.upper())


def run_workers(settings: Settings, processes: int, burst: bool = False) -> None:
    """Run several worker processes, restarting any that dies until we are told to stop."""
    context = multiprocessing.get_context("spawn")
    children = [_start(context, settings, burst) for _ in range(processes)]
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive() and child.pid:
                _signal(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while any(child.is_alive() for child in children) or not (stopping or burst):
        for position, child in enumerate(children):
            if not child.is_alive() and not (stopping or burst):
                log.warning(
                    "worker process %s exited (%s); starting another", child.pid, child.exitcode
                )
                children[position] = _start(context, settings, burst)
        time.sleep(SUPERVISOR_POLL_SECONDS)


def _start(
    context: multiprocessing.context.SpawnContext, settings: Settings, burst: bool
) -> BaseProcess:
    process = context.Process(target=run_worker, args=(settings, burst), daemon=False)
    process.start()
    return process


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
