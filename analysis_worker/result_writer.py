"""Writes finished analyses to PostgreSQL on a thread of its own, so that one article's commit
overlaps the next article's parse.

The job hands its analysis over and returns; the writer commits it, then lets the article go
from Redis. Until then the article stays `processing`, so if the process dies first the
reconciler finds its job finished but the article not done, and runs it again (the write is
idempotent). The worker drains the writer before it stops.
"""

from __future__ import annotations

import logging
import queue
import threading

from newsflow.models import Article, StoredAnalysis
from newsflow.results import ResultStore
from newsflow.store import ArticleStore

log = logging.getLogger(__name__)

WAITING_AT_MOST = 2
"""Analyses that may wait for the writer; the next job waits while this many do."""

Write = tuple[Article, StoredAnalysis]


class ResultWriter:
    """One thread that saves analyses in the order they were handed over."""

    def __init__(self, results: ResultStore, store: ArticleStore) -> None:
        self.results = results
        self.store = store
        self._waiting: queue.Queue[Write] = queue.Queue(maxsize=WAITING_AT_MOST)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, article: Article, analysis: StoredAnalysis) -> None:
        """Hand an analysis over (waiting while the writer is WAITING_AT_MOST behind)."""
        self._start()
        self._waiting.put((article, analysis))

    def drain(self) -> None:
        """Wait until every analysis handed over is saved (or given up)."""
        self._waiting.join()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="result-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            article, analysis = self._waiting.get()
            try:
                self.write(article, analysis)
            finally:
                self._waiting.task_done()

    def write(self, article: Article, analysis: StoredAnalysis) -> None:
        """Commit the results, then let the article go from Redis; record a failure."""
        try:
            # PostgreSQL commits before Redis lets the article go: a crash in between leaves
            # it processing, and the job that runs again writes the same rows.
            self.results.save_waiting_out_outages(article, analysis)
            self.store.finish(article.id)
        except Exception as exc:  # a bug of ours or a Redis outage: the article stays visible
            log.error("could not store the analysis of %s: %s", article.id, type(exc).__name__)
            try:
                self.store.mark_failed(article.id, f"storing the analysis: {type(exc).__name__}")
            except Exception:  # Redis down too: the reconciler re-drives the article
                log.warning("could not mark %s failed either", article.id)
