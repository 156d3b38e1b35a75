"""The worker's writer thread: it commits one job's results while the next job parses.

A job's batch is parsed by spaCy (the worker's CPU) and then written to PostgreSQL (mostly a
wait on the server and the commit's flush). Handing the write to this thread lets the worker
parse the next batch meanwhile. Nothing is promised earlier than before: the articles stay
claimed (their claims kept alive by the housekeeping thread) until the thread has committed
them, and only then leave Redis as `done`; a crash before that leaves the claims to expire and
the reconciler re-drives the articles. One batch is in flight at a time: the next hand-over
waits for it, so a PostgreSQL outage holds up the next job (bounded by its timeout) rather
than piling batches up in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from newsflow.core.claims import Claims
from newsflow.core.models import Article, StoredAnalysis
from newsflow.core.results import ResultStore

log = logging.getLogger(__name__)

REASON_LENGTH = 500
"""Longest failure reason stored with an article."""


class Writer:
    """Commits analysed batches in a thread of their own, one at a time."""

    def __init__(self, results: ResultStore, claims: Claims, max_attempts: int) -> None:
        self.results = results
        self.claims = claims
        self.max_attempts = max_attempts
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="writer")
        self._in_flight: Future[None] | None = None

    def submit(self, analysed: Sequence[tuple[Article, StoredAnalysis]]) -> None:
        """Hand over a claimed batch's results, once the previous batch is committed."""
        self.flush()
        self._in_flight = self._thread.submit(self.commit, list(analysed))

    def flush(self) -> None:
        """Wait until the batch in flight (if any) is committed or failed."""
        if self._in_flight is not None:
            self._in_flight.result()
            self._in_flight = None

    def commit(self, analysed: list[tuple[Article, StoredAnalysis]]) -> None:
        """Write the results, then let the articles go as done (or record a failed attempt)."""
        ids = [article.id for article, _ in analysed]
        try:
            try:
                # PostgreSQL commits the results before Redis lets the articles go: a crash in
                # between leaves them claimed until the claim expires, and a new job writes
                # the same rows.
                self.results.save_waiting_out_outages(analysed)
                self.claims.finish(ids)
            except Exception as exc:
                log.exception("saving %d analysed articles failed", len(ids))
                self.claims.fail(ids, failure_reason(exc), self.max_attempts)
        except Exception:  # Redis is unreachable too: the claims expire, the articles go again
            log.exception("could not record the outcome of %d articles", len(ids))
        finally:
            self.claims.forget(ids)


def failure_reason(exc: BaseException) -> str:
    """Return the reason stored with an article whose attempt failed."""
    return f"{type(exc).__name__}: {exc}"[:REASON_LENGTH]

