"""The reconciler: the one owner of recovery, re-driving articles whose work was lost.

An unfinished article whose time to be looked at has come is left alone while a worker holds
its claim (the claim's TTL is the one sign of a live worker) or while its job still waits in
the queue; otherwise its work was lost (a worker died, or its attempt failed and the backoff
passed), and it gets a new job, or is failed after its last attempt. Every re-drive is a
WATCHed transaction that loses to any concurrent change, so every worker can run it at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

from redis import Redis

from newsflow.core.keys import Keys
from newsflow.core.models import ArticleStatus
from newsflow.core.queue import AnalysisQueue
from newsflow.core.store import ArticleStore, as_text, utcnow

log = logging.getLogger(__name__)

BATCH = 500
"""Most articles one pass looks at."""


@dataclass
class ReconcileReport:
    """What one pass did."""

    checked: int = 0
    redriven: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Reconciler:
    """Looks at unfinished articles whose check time has come and re-drives the lost ones."""

    def __init__(self, redis: Redis, store: ArticleStore, max_attempts: int) -> None:
        if store.queue is None:
            raise ValueError("the reconciler needs a store with the analysis queue")
        self.redis = redis
        self.store = store
        self.queue: AnalysisQueue = store.queue
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
        states = self._states(ids)
        # Only an unclaimed article's job is looked for in the queue (an LPOS each, from the
        # head, where the oldest, and so the first due, wait).
        asked = [job_id for _, job_id, _, claimed in states if not claimed]
        found = iter(self.queue.waiting(asked))
        waiting = [False if claimed else next(found) for _, _, _, claimed in states]
        report = ReconcileReport(checked=len(ids))
        later = []
        for article_id, (status, job_id, attempts, claimed), queued in zip(
            ids, states, waiting, strict=True
        ):
            if status is None or status in (ArticleStatus.DONE, ArticleStatus.FAILED):
                self.redis.zrem(self.keys.pending, article_id)
            elif claimed or queued:
                later.append(article_id)
            else:
                self._act_on_lost(article_id, job_id, int(attempts or 0), report)
        self.store.recheck_later(later)
        return report

    def _act_on_lost(
        self, article_id: str, job_id: str | None, attempts: int, report: ReconcileReport
    ) -> None:
        if attempts >= self.max_attempts:
            self.store.mark_failed(article_id, f"gave up after {attempts} attempts")
            report.failed.append(article_id)
        elif self.store.redrive(article_id, job_id):
            log.warning("re-drove article %s (attempt %d was lost)", article_id, attempts)
            report.redriven.append(article_id)

    def _states(self, ids: list[str]) -> list[tuple[str | None, str | None, str | None, bool]]:
        """Read (status, job id, attempts, claimed) of each article in one round trip."""
        with self.redis.pipeline(transaction=False) as pipe:
            for article_id in ids:
                pipe.hmget(self.keys.article(article_id), ["status", "job_id", "attempts"])
                pipe.exists(self.keys.claim(article_id))
            replies = pipe.execute()
        return [
            (*(as_text(v) for v in fields), bool(claimed))  # type: ignore[misc]
            for fields, claimed in zip(replies[::2], replies[1::2], strict=True)
        ]
