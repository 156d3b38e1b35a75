"""`python -m analysis_worker [--burst] [--processes N] [--batch N]`: RQ workers on the queue;
`python -m analysis_worker --stories`: the story grouper."""

from __future__ import annotations

import argparse
import sys

from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from analysis_worker.stories import run_grouper
from analysis_worker.worker import run_pool, run_worker
from newsflow.core.database import SchemaNotReady, connect_database, wait_for_schema
from newsflow.core.logs import configure_logging
from newsflow.core.settings import Settings


def main() -> None:
    """Start the worker process(es)."""
    parser = argparse.ArgumentParser(description="Newsflow analysis worker")
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--processes", type=int, default=1, help="worker processes to run")
    parser.add_argument(
        "--batch",
        type=int,
        default=PIPE_BATCH_SIZE,
        help="most articles one job analyses together (1: no batching)",
    )
    parser.add_argument(
        "--stories",
        action="store_true",
        help="run the story grouper (groups saved articles into stories) instead of workers",
    )
    args = parser.parse_args()
    settings = Settings()
    configure_logging(settings.log_level)
    try:
        wait_for_schema(connect_database(settings, request_timeouts=False))
    except SchemaNotReady as exc:
        sys.exit(f"analysis_worker: {exc}")
    if args.stories:
        run_grouper(settings)
    elif args.processes <= 1:
        run_worker(settings, burst=args.burst, batch_size=args.batch)
    else:
        run_pool(settings, args.processes, burst=args.burst, batch_size=args.batch)


if __name__ == "__main__":
    main()
