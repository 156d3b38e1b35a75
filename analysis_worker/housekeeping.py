"""A worker process's background duty: keep its claims alive and run the reconciler.

One thread per process, beside RQ's work loop: while the process lives, its claims do not
expire; when it dies (even by SIGKILL) they do, and any reconciler re-drives the articles.
"""

from __future__ import annotations

import logging
import threading

import redis

from newsflow.core.claims import Claims
from newsflow.core.reconciler import Reconciler

log = logging.getLogger(__name__)

REFRESHES_PER_TTL = 3
"""Claim refreshes per claim TTL: a claim survives two missed rounds."""


class Housekeeper(threading.Thread):
    """Each round: refresh this process's claims; run the reconciler when its time comes."""

    def __init__(self, claims: Claims, reconciler: Reconciler, reconcile_every: float) -> None:
        super().__init__(name="newsflow-housekeeper", daemon=True)
        self.claims = claims
        self.reconciler = reconciler
        self.interval = min(reconcile_every, claims.ttl_seconds / REFRESHES_PER_TTL)
        self.rounds_per_reconcile = max(1, round(reconcile_every / self.interval))
        self.stopped = threading.Event()

    def run(self) -> None:
        """Loop until stopped; a Redis outage only skips a round."""
        rounds = 0
        while not self.stopped.wait(self.interval):
            rounds += 1
            try:
                self.claims.refresh()
                if rounds % self.rounds_per_reconcile == 0:
                    self.reconcile()
            except redis.RedisError as exc:
                log.warning("housekeeping skipped a round: %s", type(exc).__name__)

    def reconcile(self) -> None:
        """Run one reconciler pass and say what it did."""
        report = self.reconciler.run_once()
        if report.redriven or report.failed:
            log.warning(
                "reconciler: re-drove %d, gave up on %d", len(report.redriven), len(report.failed)
            )

    def stop(self) -> None:
        """Stop the loop (the claims of a stopped process expire)."""
        self.stopped.set()
