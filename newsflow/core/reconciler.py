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

from newsflow.core.keys import Keys
from newsflow.core.models import ArticleStatus
from newsflow.core.queue import CLAIMED_BY
from newsflow.core.store import ArticleStore, as_text, utcnow

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
        due = cast(
            "list[bytes]",
            self.redis.zrangebyscore(
                self.keys.pending, "-inf", utcnow().timestamp(), start=0, num=BATCH
            ),
        )
        ids = [as_text(raw) or "" for raw in due]
        articles = self._article_states(ids)
        lost = self._lost_jobs([job_id for _, job_id, _ in articles])
        report = ReconcileReport(checked=len(ids))
        waiting = []
        for article_id, (status, job_id, attempts), job_lost in zip(
            ids, articles, lost, strict=True
        ):
            if status is None or status in (ArticleStatus.DONE, ArticleStatus.FAILED):
                self.redis.zrem(self.keys.pending, article_id)
            elif not job_lost:
                waiting.append(article_id)
            else:
                self._act_on_lost(article_id, job_id, int(attempts or 0), report)
        self.store.recheck_later(waiting)
        return report

    def _act_on_lost(
        self, article_id: str, job_id: str | None, attempts: int, report: ReconcileReport
    ) -> None:
        if attempts >= self.max_attempts:
            self.store.mark_failed(article_id, f"gave up after {attempts} attempts")
            report.failed.append(article_id)
        elif self.store.redrive(article_id, job_id):
            log.warning("re-drove article %s (job %s was lost)", article_id, job_id)
            report.redriven.append(article_id)

    def _article_states(self, ids: list[str]) -> list[tuple[str | None, ...]]:
        """Read (status, job_id, attempts) of each article in one round trip."""
        with self.redis.pipeline(transaction=False) as pipe:
            for article_id in ids:
                pipe.hmget(self.keys.article(article_id), ["status", "job_id", "attempts"])
            return [tuple(as_text(v) for v in row) for row in pipe.execute()]

    def _lost_jobs(self, job_ids: list[str | None]) -> list[bool]:
        """Tell, for each job, whether it will never run by itself (two round trips)."""
        with self.redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hmget(Job.key_for(job_id or "-"), ["status", "worker_name", CLAIMED_BY])
            jobs = [tuple(as_text(v) for v in row) for row in pipe.execute()]
        holders = [_holder(state, worker, claimer) for state, worker, claimer in jobs]
        with self.redis.pipeline(transaction=False) as pipe:
            for holder in holders:
                pipe.exists(self.keys.worker_alive(holder or "-"))
            alive = pipe.execute()
        return [
            job_id is None or _is_lost(state, holder, bool(live))
            for job_id, (state, _, _), holder, live in zip(
                job_ids, jobs, holders, alive, strict=True
            )
        ]


def _holder(state: str | None, worker: str | None, claimer: str | None) -> str | None:
    """The worker the job depends on: the one running it, or the one that claimed it queued."""
    return worker if state == "started" else claimer if state == "queued" else None


def _is_lost(state: str | None, holder: str | None, holder_alive: bool) -> bool:
    if state in WAITING_STATES:
        return holder is not None and not holder_alive  # claimed by a worker that died
    if state == "started":
        return not (holder and holder_alive)
    return True  # gone, failed, stopped, canceled, or finished without saving
