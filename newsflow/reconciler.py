"""The reconciler: re-drive articles whose job is gone, failed or abandoned by a dead worker.

It keeps RQ's promise honest without RQ's registry cleanups (which can queue a job twice when
two run at once): it reads job hashes directly, and every re-drive is a WATCHed transaction
that loses to any concurrent change, so it is safe to run in every worker at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

from redis import Redis
from rq.job import Job

from newsflow.keys import Keys
from newsflow.models import ArticleStatus
from newsflow.store import ArticleStore, as_text, utcnow

log = logging.getLogger(__name__)

BATCH = 500
"""Most articles one pass looks at."""

WAITING_STATES = frozenset({"queued", "scheduled", "deferred"})
"""RQ job states in which the job will still run by itself."""


@dataclass
class ReconcileReport:
    """What one pass did."""

    checked: int = 0
    redriven: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Reconciler:
    """Looks at unfinished articles whose check time has come and re-drives the lost ones."""

    def __init__(self, redis: Redis, store: ArticleStore, max_attempts: int) -> None:
        self.redis = redis
        self.store = store
        self.keys: Keys = store.keys
        self.max_attempts = max_attempts

    def run_once(self) -> ReconcileReport:
        """Check every article that is due; return what was done."""
        report = ReconcileReport()
        due = cast(
            "list[bytes]",
            self.redis.zrangebyscore(
                self.keys.pending, "-inf", utcnow().timestamp(), start=0, num=BATCH
            ),
        )
        for raw_id in due:
            report.checked += 1
            self._check(as_text(raw_id) or "", report)
        return report

    def _check(self, article_id: str, report: ReconcileReport) -> None:
        status, job_id, attempts = (
            as_text(v)
            for v in self.redis.hmget(
                self.keys.article(article_id), ["status", "job_id", "attempts"]
            )
        )
        if status is None or status in (ArticleStatus.DONE, ArticleStatus.FAILED):
            self.redis.zrem(self.keys.pending, article_id)
        elif not self._job_is_lost(job_id):
            self.store.recheck_later(article_id)
        elif int(attempts or 0) >= self.max_attempts:
            self.store.mark_failed(article_id, f"gave up after {attempts} attempts")
            report.failed.append(article_id)
        elif self.store.redrive(article_id, job_id):
            log.warning("re-drove article %s (job %s was lost)", article_id, job_id)
            report.redriven.append(article_id)

    def _job_is_lost(self, job_id: str | None) -> bool:
        if job_id is None:
            return True
        state, worker = (
            as_text(v) for v in self.redis.hmget(Job.key_for(job_id), ["status", "worker_name"])
        )
        if state in WAITING_STATES:
            return False
        if state == "started":
            return not worker or not self.redis.exists(self.keys.worker_alive(worker))
        return True  # gone, failed, stopped, canceled, or finished without saving
