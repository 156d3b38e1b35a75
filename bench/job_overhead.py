"""Where a worker's time goes per job: spaCy, our extractors, and the Redis work around them.

Usage: python -m bench.job_overhead [--articles 60] [--batch 16]

Enqueues the bench corpus, then runs `run_worker(burst=True)` (the worker's own code) in a
spawned process whose analyzer, claims, store and RQ worker methods are wrapped with timers, once
per Redis fsync policy. Prints milliseconds per article for each phase (some nest: RQ's
`perform`-side phases include ours); "garbage collection" is time in Python's collector, already
counted in the phase it interrupted; and the Redis round trips the job loop makes per article
(each send of a command or a pipeline from the worker's main thread; the housekeeping thread is
not counted).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from bench.corpus import build_corpus
from bench.processes import private_postgres, redis_command, running
from newsflow.core.keys import Keys
from newsflow.core.models import ArticleIn
from newsflow.core.queue import AnalysisQueue
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.tools.stack import free_port, wait_for_port

RQ_PHASES = (
    "dequeue_job_and_maintain_ttl",
    "heartbeat",
    "set_state",
    "prepare_job_execution",
    "prepare_execution",
    "handle_job_success",
    "handle_execution_ended",
)
"""RQ worker methods timed (some nest: dequeue includes a heartbeat)."""


def timed(totals: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a function so its time adds up under name."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def counted(counts: dict[str, int], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a function so its calls from the main thread add up under name."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            counts[name] = counts.get(name, 0) + 1
        return function(*args, **kwargs)

    return wrapper


def instrumented_worker(redis_url: str, database_url: str, out: str, batch_size: int) -> None:
    """Run the worker in burst mode with timers on each phase; write the totals as JSON."""
    from redis.connection import AbstractConnection

    import analysis_worker.runtime as runtime_module
    from analysis_worker.extraction import Analyzer
    from analysis_worker.extraction import analyzer as analyzer_module
    from analysis_worker.worker import AnalysisWorker, run_worker
    from newsflow.core.claims import Claims
    from newsflow.core.queue import AnalysisQueue
    from newsflow.core.results import ResultStore

    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    articles: list[int] = []
    analyze_doc = analyzer_module.Analyzer.analyze_doc
    analyze_many = analyzer_module.Analyzer.analyze_many

    def timed_doc(self: Any, doc: Any, published_at: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return analyze_doc(self, doc, published_at)
        finally:
            totals["extractors"] = totals.get("extractors", 0.0) + time.perf_counter() - started

    def timed_many(self: Any, items: Any) -> Any:
        # spaCy: the batch's time less the extractors' (nlp.pipe parses as it is consumed).
        started, before = time.perf_counter(), totals.get("extractors", 0.0)
        found = list(analyze_many(self, items))
        spent = time.perf_counter() - started - (totals.get("extractors", 0.0) - before)
        totals["spacy"] = totals.get("spacy", 0.0) + spent
        articles.append(len(found))
        return iter(found)

    load = runtime_module.load_analyzer

    def load_then_time(model_name: str) -> Analyzer:
        analyzer = load(model_name)  # the warm-up runs untimed
        analyzer_module.Analyzer.analyze_doc = timed_doc  # type: ignore[method-assign]
        analyzer_module.Analyzer.analyze_many = timed_many  # type: ignore[method-assign]
        return analyzer

    runtime_module.load_analyzer = load_then_time
    ResultStore.save_all = timed(totals, "store analyses (PostgreSQL)", ResultStore.save_all)  # type: ignore[method-assign]
    Claims.take = timed(totals, "claim (Redis)", Claims.take)  # type: ignore[method-assign]
    Claims.finish = timed(totals, "finish (Redis)", Claims.finish)  # type: ignore[method-assign]
    AnalysisQueue.withdraw = timed(totals, "withdraw batched jobs", AnalysisQueue.withdraw)  # type: ignore[method-assign]
    for name in RQ_PHASES:
        setattr(AnalysisWorker, name, timed(totals, f"rq {name}", getattr(AnalysisWorker, name)))
    AbstractConnection.send_packed_command = counted(  # type: ignore[method-assign]
        counts, "redis round trips", AbstractConnection.send_packed_command
    )
    collecting: list[float] = []

    def time_collections(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            started = collecting.pop()
            if articles:  # from the first job on: the load is not timed
                totals["garbage collection"] = (
                    totals.get("garbage collection", 0.0) + time.perf_counter() - started
                )

    gc.callbacks.append(time_collections)
    settings = Settings(redis_url=redis_url, database_url=database_url, log_level="WARNING")
    run_worker(settings, burst=True, batch_size=batch_size)
    counts["jobs"] = len(articles)
    Path(out).write_text(json.dumps({"jobs": sum(articles), "totals": totals, "counts": counts}))


def measure(policy: str, articles: int, batch_size: int) -> dict[str, Any]:
    """Enqueue the corpus in a fresh Redis with this fsync policy and time one worker over it."""
    with tempfile.TemporaryDirectory() as tmp, private_postgres() as database_url:
        port = free_port(6391)
        with running(redis_command(port, Path(tmp), policy), {}, Path(tmp) / "redis.log"):
            wait_for_port(port, 20)
            url = f"redis://127.0.0.1:{port}/0"
            client = redis.Redis.from_url(url)
            store = ArticleStore(client, Keys(), AnalysisQueue(client, Settings(redis_url=url)))
            for article in build_corpus(articles):
                store.accept(ArticleIn.model_validate(article))
            out = str(Path(tmp) / "totals.json")
            child = multiprocessing.get_context("spawn").Process(
                target=instrumented_worker, args=(url, database_url, out, batch_size)
            )
            child.start()
            child.join()
            return json.loads(Path(out).read_text())


def main() -> None:
    """Print ms/job per phase for each fsync policy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--batch", type=int, default=PIPE_BATCH_SIZE)
    args = parser.parse_args()
    assert shutil.which("redis-server"), "redis-server must be on PATH"
    for policy in ("everysec", "always"):
        result = measure(policy, args.articles, args.batch)
        print(f"\n== appendfsync {policy}: {result['jobs']} articles, ms per article")
        for name, seconds in sorted(result["totals"].items(), key=lambda kv: -kv[1]):
            print(f"{name:<36} {seconds * 1000 / result['jobs']:6.2f}")
        for name, count in result["counts"].items():
            print(f"{name + ' per article':<36} {count / result['jobs']:6.2f}")


if __name__ == "__main__":
    main()
