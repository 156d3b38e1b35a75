"""Redis memory per analysed article, measured on the real flow.

Articles go through ingest's accept (article hash, duplicate markers, RQ job), the project's
RQ worker (claim, the analysis, ResultStore.save, finish), with an analyzer that
answers each text with its analysis made beforehand. used_memory is read before and after,
once the article is done and RQ's records of the finished jobs (kept 60 s) are deleted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from redis import Redis
from rq.job import Job
from rq.registry import FinishedJobRegistry

from analysis_worker import runtime
from analysis_worker.worker import AnalysisWorker
from bench.copies import CopyMaker
from bench.query_load import CannedAnalyzer, canned_analyses
from newsflow.core.keys import Keys
from newsflow.core.queue import AnalysisQueue
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore

WARM_UP_ARTICLES = 50
"""Articles run through the flow before measuring, so Redis's own structures exist."""

ID_LIKE = re.compile(r"[0-9a-f]{32,64}|q\d{6}|[0-9a-f-]{36}")
"""Parts of key names that identify one article or job (grouped in the breakdown)."""


@dataclass(frozen=True)
class MemoryFigure:
    """Redis memory the sample added, and what holds it."""

    articles: int
    added_bytes: int
    with_job_records_bytes: int
    """Added before RQ's finished-job records were deleted (they expire 60 s after the job)."""
    by_pattern: dict[str, tuple[int, int]]
    """Key pattern -> (keys, MEMORY USAGE bytes) after the sample."""

    @property
    def per_article(self) -> float:
        """Bytes of used_memory per analysed article."""
        return self.added_bytes / self.articles


def run_flow(
    client: Redis, settings: Settings, store: ArticleStore, maker: CopyMaker,
    numbers: Sequence[int], total: int,
) -> None:  # fmt: skip
    """Accept the copies as ingest does, then work the queue with the project's worker."""
    for number in numbers:
        store.accept(maker.article_in(number, total))
    queue = AnalysisQueue(client, settings).queue
    AnalysisWorker([queue], connection=client).work(burst=True, logging_level="WARNING")


def forget_finished_jobs(client: Redis, settings: Settings) -> int:
    """Delete RQ's records of finished jobs (it would expire them 60 s later); return how many."""
    queue = AnalysisQueue(client, settings).queue
    registry = FinishedJobRegistry(queue.name, connection=client)
    job_ids = registry.get_job_ids()
    for job in Job.fetch_many(job_ids, connection=client):
        if job is not None:
            job.delete()
    with client.pipeline() as pipe:
        for job_id in job_ids:
            pipe.delete(f"rq:results:{job_id}")
            pipe.zrem(registry.key, job_id)
        pipe.execute()
    return len(job_ids)


def key_breakdown(client: Redis) -> dict[str, tuple[int, int]]:
    """Group every key by its pattern (ids replaced by *): count and MEMORY USAGE bytes."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key in client.scan_iter(count=1000):
        name = ID_LIKE.sub("*", key.decode())
        found[name][0] += 1
        found[name][1] += int(client.memory_usage(key) or 0)
    return {name: (count, size) for name, (count, size) in found.items()}


def measure_article_memory(
    client: Redis, settings: Settings, results: ResultStore, maker: CopyMaker,
    numbers: Sequence[int], total: int, model: str,
) -> MemoryFigure:  # fmt: skip
    """Run the copies through the real flow; return used_memory added per done article."""
    keys = Keys(settings.key_prefix)
    analyses = dict(canned_analyses(maker, numbers, total))
    runtime.install(runtime.assemble(settings, CannedAnalyzer(model, analyses), client, results))
    store = ArticleStore(client, keys, AnalysisQueue(client, settings))
    warm, measured = numbers[:WARM_UP_ARTICLES], numbers[WARM_UP_ARTICLES:]
    run_flow(client, settings, store, maker, warm, total)
    forget_finished_jobs(client, settings)
    before = int(client.info("memory")["used_memory"])
    run_flow(client, settings, store, maker, measured, total)
    left = [n for n in measured if client.exists(keys.article(maker.article(n, total).id))]
    if left:
        raise RuntimeError(f"{len(left)} sample articles are still in Redis, e.g. {left[0]}")
    with_records = int(client.info("memory")["used_memory"]) - before
    forget_finished_jobs(client, settings)
    added = int(client.info("memory")["used_memory"]) - before
    return MemoryFigure(len(measured), added, with_records, key_breakdown(client))
