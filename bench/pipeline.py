"""Benchmark: raw spaCy nlp.pipe against the running pipeline (ingest -> RQ -> one worker).

Prints, from one run on one machine: raw spaCy articles/s over a corpus (nlp.pipe with its
default batch size, and with the worker's batch size), a corpus through the real processes
(first POST to last `done`, once the new worker has analysed a few warm-up articles; with
stories on, the default, a story grouper runs beside the worker and the end is the later of the
last `done` and the last grouped) with the worker's batches and without them (`--batch 1`), their
ratios, ingest requests/s for single POSTs, the worker's resident memory and, with stories on,
the story lag at the end of a round (how long after the last `done` the last article was
grouped). Run with `make bench` or `python -m bench.pipeline`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
import spacy
from spacy.language import Language
from sqlalchemy import Engine, create_engine, select

from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from bench.corpus import CORPUS_SIZE, build_corpus
from bench.processes import private_postgres, redis_command, running, wait_for_worker
from newsflow.core.keys import Keys
from newsflow.core.schema import story_backlog
from newsflow.core.settings import Settings
from newsflow.tools.stack import free_port, wait_for_port, wait_until_ready

ROUNDS = 5
"""Rounds of (raw spaCy, pipeline), interleaved, so machine noise hits both alike; odd rounds
measure in the reverse order, so a drift in machine speed does not favour either."""

WARM_UP_ARTICLES = 8
"""Articles each new worker process analyses before it is timed, as raw spaCy parses a few texts
before it is timed: a worker runs for days, and its first parses (and writes) are slower."""

WARM_UP_SEEDS = 10_000
"""Corpus seeds of the warm-up articles start above the rounds' (so none is a duplicate)."""

GROUPER_COMMAND = [sys.executable, "-m", "analysis_worker", "--stories"]
"""The story grouper, run beside each worker while grouping is on (the default)."""

INGEST_REQUESTS = 600
"""Single POSTs sent to measure ingest throughput."""

INGEST_CLIENTS = 8
"""Concurrent HTTP clients for the ingest measurement."""


def measure_raw_spacy(nlp: Language, texts: list[str], batch_size: int | None = None) -> float:
    """Return articles/s of spaCy's nlp.pipe over the texts (after a warm-up); batch_size None
    is spaCy's default."""
    list(nlp.pipe(texts[:5], batch_size=batch_size))
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return len(texts) / (time.perf_counter() - started)


def measure_pipeline(
    corpus: list[dict[str, str]], ingest_url: str, client: redis.Redis, results: Engine | None
) -> tuple[float, float]:
    """POST every article, wait until all are done (and grouped, given the results database
    while grouping is on); return articles/s from first POST to the last finished, and how many
    seconds the last grouped came after the last done (the story lag at the end of a burst)."""
    keys = Keys()
    started = time.perf_counter()
    with requests.Session() as session:
        for article in corpus:
            session.post(f"{ingest_url}/articles", json=article, timeout=30).raise_for_status()
    # One cheap look at a time, in posting order: a busy poller would steal the worker's CPU.
    for article in corpus:
        # Done: the article left Redis for PostgreSQL (failed ones stay, marked failed).
        while client.hget(keys.article(article["id"]), "status") in (b"queued", b"processing"):
            time.sleep(0.01)
    done = time.perf_counter()
    if results is not None:  # the end is the later of the last done and the last grouped
        wait_grouped(results, [article["id"] for article in corpus])
    finished = time.perf_counter()
    return len(corpus) / (finished - started), finished - done


def wait_grouped(results: Engine, ids: list[str]) -> None:
    """Wait until none of these done articles waits in the story backlog (each is grouped)."""
    waiting = select(story_backlog.c.article_id).where(story_backlog.c.article_id.in_(ids))
    with results.connect() as connection:
        while connection.execute(waiting.limit(1)).first() is not None:
            connection.rollback()  # a fresh snapshot for the next look
            time.sleep(0.01)


def measure_ingest(ingest_url: str, requests_count: int, clients: int) -> float:
    """Return single-POST requests/s with several concurrent clients."""
    sessions = [requests.Session() for _ in range(clients)]

    def post(number: int) -> int:
        body = {"text": f"Ingest benchmark article {number}: Estonia protested to Russia."}
        return (
            sessions[number % clients]
            .post(f"{ingest_url}/articles", json=body, timeout=30)
            .status_code
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        codes = list(pool.map(post, range(requests_count)))
    elapsed = time.perf_counter() - started
    assert set(codes) == {202}, set(codes)
    return requests_count / elapsed


def rss_mb(pid: int) -> float:
    """Return a process's resident set size in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


FSYNC_POLICIES = ("everysec", "always")
"""Redis AOF fsync policies measured side by side (compose ships 'always')."""


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=CORPUS_SIZE)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    nlp = spacy.load(Settings().spacy_model)
    print(
        f"corpus: {args.articles} distinct articles of ~2 kB per round, {args.rounds} rounds, "
        f"one worker process (warmed up with {WARM_UP_ARTICLES} articles); raw and pipeline "
        "interleaved"
    )
    if Settings().group_stories:
        print(
            "stories on: one story grouper process runs beside the worker; an article is "
            "finished when it is done and grouped (out of the story backlog)"
        )
    else:
        print("stories off (GROUP_STORIES=false): no grouper runs")
    for policy in FSYNC_POLICIES:
        report(policy, *measure_policy(policy, nlp, args))


@dataclass(frozen=True)
class Round:
    """Articles/s of one round: spaCy alone (default batch and the worker's), and the pipeline
    with batches (up to PIPE_BATCH_SIZE articles per job) and without (one per job)."""

    raw: float
    raw_batched: float
    pipeline: float
    pipeline_unbatched: float


@dataclass
class Pipeline:
    """The running ingest and how to run one worker process (batch size given) over a corpus."""

    ingest_url: str
    client: redis.Redis
    env: dict[str, str]
    log: Path
    results: Engine | None = None
    """The results database while grouping is on (a grouper runs and finished means grouped)."""
    worker_rss: float = float("nan")
    workers: int = 0
    lags: list[float] = field(default_factory=list)
    """Seconds from the last done to the last grouped, of each batched round (stories on)."""

    def measure(self, corpus: list[dict[str, str]], batch: int) -> float:
        """Start a worker with this batch size (and a story grouper while grouping is on), warm
        it up, measure the corpus through it, stop them."""
        command = [sys.executable, "-m", "analysis_worker", "--batch", str(batch)]
        self.workers += 1
        warm_up = build_corpus(WARM_UP_ARTICLES, seed=WARM_UP_SEEDS + self.workers)
        with ExitStack() as stack:
            if self.results is not None:
                stack.enter_context(running(GROUPER_COMMAND, self.env, self.log))
            worker = stack.enter_context(running(command, self.env, self.log))
            wait_for_worker(self.client)
            measure_pipeline(warm_up, self.ingest_url, self.client, self.results)
            rate, lag = measure_pipeline(corpus, self.ingest_url, self.client, self.results)
            if batch > 1:
                self.worker_rss = rss_mb(worker.pid)
                self.lags.append(lag)
        while self.client.scard("rq:workers"):  # gone once it has deregistered
            time.sleep(0.05)
        return rate


def measure_round(number: int, nlp: Language, pipeline: Pipeline, articles: int) -> Round:
    """Measure raw spaCy (both batch sizes) and the pipeline with batches on one corpus, and
    the pipeline without batches on another built alike (a posted article would be a
    duplicate); odd rounds backwards."""
    corpus, other = (build_corpus(articles, seed=number * 2 + step) for step in range(2))
    texts = [article["text"] for article in corpus]
    steps: list[Callable[[], float]] = [
        lambda: measure_raw_spacy(nlp, texts),
        lambda: measure_raw_spacy(nlp, texts, PIPE_BATCH_SIZE),
        lambda: pipeline.measure(corpus, PIPE_BATCH_SIZE),
        lambda: pipeline.measure(other, 1),
    ]
    order = range(4) if number % 2 == 0 else range(3, -1, -1)
    figures = {step: steps[step]() for step in order}
    return Round(*(figures[step] for step in range(4)))


def measure_policy(
    policy: str, nlp: Language, args: argparse.Namespace
) -> tuple[list[Round], float, Pipeline]:
    """Start Redis (with this fsync policy) and ingest; measure rounds (a worker started for
    each pipeline figure), then ingest alone."""
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        redis_port, ingest_port = free_port(6390), free_port(18101)
        ingest_url = f"http://127.0.0.1:{ingest_port}"
        with (
            private_postgres() as database_url,
            running(redis_command(redis_port, work, policy), {}, work / "redis.log"),
        ):
            env = {
                **os.environ,
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DATABASE_URL": database_url,
                "LOG_LEVEL": "WARNING",
            }
            wait_for_port(redis_port, 20)
            client = redis.Redis(port=redis_port)
            with running(
                [sys.executable, "-m", "ingest_service", "--port", str(ingest_port)],
                env,
                work / "ingest.log",
            ):
                wait_until_ready(ingest_url, 60)
                results = create_engine(database_url) if Settings().group_stories else None
                pipeline = Pipeline(ingest_url, client, env, work / "worker.log", results)
                for number in range(args.rounds):
                    rounds.append(measure_round(number, nlp, pipeline, args.articles))
                ingest_rate = measure_ingest(ingest_url, INGEST_REQUESTS, INGEST_CLIENTS)
                if results is not None:
                    results.dispose()
    return rounds, ingest_rate, pipeline


def report(policy: str, rounds: list[Round], ingest_rate: float, pipeline: Pipeline) -> None:
    """Print each round and the medians for one fsync policy."""
    print(f"\n== Redis appendonly yes, appendfsync {policy}")
    print(
        f"articles/s: raw = spaCy nlp.pipe (default batch size), raw {PIPE_BATCH_SIZE} = nlp.pipe "
        f"with batch_size={PIPE_BATCH_SIZE}; pipeline = first POST to last done, with batches of "
        f"up to {PIPE_BATCH_SIZE} (the default) and unbatched (`--batch 1`)"
    )
    for number, r in enumerate(rounds, 1):
        print(
            f"round {number}: raw {r.raw:5.1f} | raw {PIPE_BATCH_SIZE} {r.raw_batched:5.1f} | "
            f"pipeline {r.pipeline:5.1f} | unbatched {r.pipeline_unbatched:5.1f} | "
            f"ratio {r.pipeline / r.raw:.2f} | unbatched ratio {r.pipeline_unbatched / r.raw:.2f}"
        )
    median = statistics.median
    print(
        f"median: raw {median(r.raw for r in rounds):.1f}, "
        f"raw {PIPE_BATCH_SIZE} {median(r.raw_batched for r in rounds):.1f}, "
        f"pipeline {median(r.pipeline for r in rounds):.1f}, "
        f"unbatched {median(r.pipeline_unbatched for r in rounds):.1f} articles/s"
    )
    print(
        f"ratio pipeline / raw nlp.pipe: {median(r.pipeline / r.raw for r in rounds):.2f} with "
        f"batches, {median(r.pipeline_unbatched / r.raw for r in rounds):.2f} without "
        "(goal >= 0.85)"
    )
    print(
        f"ratio pipeline / raw nlp.pipe at batch {PIPE_BATCH_SIZE}: "
        f"{median(r.pipeline / r.raw_batched for r in rounds):.2f} with batches, "
        f"{median(r.pipeline_unbatched / r.raw_batched for r in rounds):.2f} without"
    )
    print(
        f"ingest single POSTs: {ingest_rate:.0f} requests/s ({INGEST_CLIENTS} clients, "
        f"{INGEST_REQUESTS} requests, worker stopped)"
    )
    print(f"worker RSS after a batched round: {pipeline.worker_rss:.0f} MB")
    if lags := pipeline.lags:
        print(
            f"story lag at the end of a batched round (last grouped after last done): median "
            f"{statistics.median(lags):.2f} s, most {max(lags):.2f} s"
        )


if __name__ == "__main__":
    main()
