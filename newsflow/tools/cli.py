"""The `newsflow` command: run the system, post articles, extract offline."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from pydantic import ValidationError

from newsflow.core.connection import connect
from newsflow.core.keys import Keys
from newsflow.core.models import ArticleIn
from newsflow.core.queue import AnalysisQueue
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.tools.articles_io import post_article, read_article_files


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return int(args.run(args, Settings()) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    up = commands.add_parser("up", help="run the whole system locally, with the seeds loaded")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--ingest-port", type=int, default=8001)
    up.add_argument("--api-port", type=int, default=8000)
    up.add_argument("--workers", type=int, default=1, help="analysis worker processes")
    up.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of seed articles")
    up.add_argument(
        "--var", type=Path, default=Path("var"), help="where a private Redis keeps data"
    )
    up.set_defaults(run=_run_up)

    post = commands.add_parser("post", help="post article files to the ingest service")
    post.add_argument("files", nargs="+", type=Path, help="plain text, or JSON objects/arrays")
    post.add_argument("--url", help="ingest service URL (default: INGEST_URL)")
    post.set_defaults(run=_run_post)

    extract = commands.add_parser("extract", help="analyse articles offline (no Redis) as JSON")
    extract.add_argument("files", nargs="*", type=Path)
    extract.add_argument(
        "--jsonl", action="store_true", help='read {"id","text","published_at"} lines on stdin'
    )
    extract.set_defaults(run=_run_extract)
    evaluate = commands.add_parser("eval", help="score extraction against a gold standard")
    evaluate.add_argument(
        "benchmark",
        choices=["petr2", "plover", "ner", "5w1h", "offtopic", "stories"],
        help="PETRARCH-2 sentences, PLOVER records, CoNLL-2003 entities, Giveme5W1H articles,"
        " hostile events on the non-political stories of the news clusters, or the stories"
        " (grouping) of the news clusters",
    )
    evaluate.add_argument("path", type=Path, help="the benchmark's folder or file")
    evaluate.set_defaults(run=_run_eval)

    requeue = commands.add_parser("requeue", help="re-drive articles whose analysis failed")
    requeue.add_argument(
        "--failed",
        action="store_true",
        required=True,
        help="every article marked failed (attempt counts start again)",
    )
    requeue.set_defaults(run=_run_requeue)

    database = commands.add_parser("db", help="manage the PostgreSQL results store")
    database_commands = database.add_subparsers(title="db commands", required=True)
    upgrade = database_commands.add_parser("upgrade", help="apply the schema migrations")
    upgrade.set_defaults(run=_run_db_upgrade)
    import_redis = database_commands.add_parser(
        "import-redis", help="move the analyses an older Redis holds into PostgreSQL"
    )
    import_redis.set_defaults(run=_run_db_import_redis)

    reconcile = commands.add_parser("reconcile", help="re-drive articles whose job was lost, once")
    reconcile.set_defaults(run=_run_reconcile)
    return parser


def _store(settings: Settings) -> ArticleStore:
    connection = connect(settings)
    return ArticleStore(
        connection,
        Keys(settings.key_prefix),
        AnalysisQueue(connection, settings),
        recheck_after=settings.claim_ttl_seconds,
    )


def _run_requeue(args: argparse.Namespace, settings: Settings) -> int:
    requeued = _store(settings).requeue_failed()
    print(json.dumps({"requeued": requeued}))
    return 0


def _run_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    report = Reconciler(store.redis, store, settings.max_attempts).run_once()
    print(
        json.dumps(
            {"checked": report.checked, "redriven": report.redriven, "failed": report.failed}
        )
    )
    return 0


def _run_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from newsflow.core.database import head_revision, upgrade

    upgrade(settings.database_url)
    print(f"database at schema revision {head_revision()}")
    return 0


def _run_db_import_redis(args: argparse.Namespace, settings: Settings) -> int:
    from newsflow.core.database import connect_database, require_current_schema
    from newsflow.core.results import ResultStore
    from newsflow.tools.redis_import import import_redis

    engine = connect_database(settings, request_timeouts=False)
    try:
        require_current_schema(engine)
        report = import_redis(
            _store(settings), ResultStore(engine, group_stories=settings.group_stories)
        )
    finally:
        engine.dispose()
    print(
        json.dumps(
            {
                "moved": len(report.moved),
                "skipped": report.skipped,
                "legacy_keys_dropped": report.legacy_keys_dropped,
            }
        )
    )
    return 0


def _run_up(args: argparse.Namespace, settings: Settings) -> int:
    from newsflow.tools.stack import LocalStack

    return LocalStack(args, settings).run()


def _run_post(args: argparse.Namespace, settings: Settings) -> int:
    url = args.url or settings.ingest_url
    failures = 0
    for payload in read_article_files(args.files):
        try:
            response = post_article(url, payload, settings.api_key)
        except requests.ConnectionError:
            print(f"cannot reach the ingest service at {url}: is it running?", file=sys.stderr)
            return 1
        failures += response.status_code >= 400
        print(json.dumps({"http_status": response.status_code, **response.json()}))
    return 1 if failures else 0


def _run_extract(args: argparse.Namespace, settings: Settings) -> int:
    from analysis_worker.extraction import load_analyzer

    analyzer = load_analyzer(settings.spacy_model)
    # Two views of one lazy stream: spaCy reads good texts ahead in batches, records follow.
    items, readable = itertools.tee(_stdin_items() if args.jsonl else _file_items(args.files))
    pairs = ((item.text, item.published_at) for item in readable if item.error is None)
    analyses = analyzer.analyze_many(pairs)
    total = failed = 0
    for item in items:
        total += 1
        failed += item.error is not None
        record = (
            {"id": item.id, "error": item.error}
            if item.error
            else {"id": item.id, **next(analyses).model_dump(mode="json")}
        )
        print(json.dumps(record, ensure_ascii=False, indent=None if args.jsonl else 2))
    if failed:
        print(f"newsflow extract: {failed} of {total} articles failed", file=sys.stderr)
    return 1 if failed else 0


def _run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from analysis_worker.extraction import load_analyzer
    from analysis_worker.extraction.evaluation import evaluate_petr2, evaluate_plover
    from analysis_worker.extraction.evaluation_5w1h import evaluate_5w1h
    from analysis_worker.extraction.evaluation_ner import evaluate_ner
    from analysis_worker.extraction.evaluation_topics import evaluate_offtopic

    if not args.path.exists():
        print(f"newsflow eval: no such file or folder: {args.path}", file=sys.stderr)
        return 1
    if args.benchmark == "stories":
        from newsflow.tools.story_eval import evaluate_stories

        folder = args.path / "data" if (args.path / "data").is_dir() else args.path
        analyzer = load_analyzer(settings.spacy_model)
        print(evaluate_stories(folder, analyzer, settings.story_rule()))
        return 0
    evaluate = {
        "petr2": evaluate_petr2,
        "plover": evaluate_plover,
        "ner": evaluate_ner,
        "5w1h": evaluate_5w1h,
        "offtopic": evaluate_offtopic,
    }[args.benchmark]
    print(evaluate(args.path, load_analyzer(settings.spacy_model)))
    return 0


@dataclass(frozen=True)
class _ExtractItem:
    """One article to extract, or why it cannot be (then it gets an error record)."""

    id: Any
    text: str = ""
    published_at: datetime | None = None
    error: str | None = None


def _file_items(paths: list[Path]) -> Iterator[_ExtractItem]:
    for path in paths:
        for number, payload in enumerate(read_article_files([path])):
            yield _extract_item({"id": payload.get("id") or f"{path.name}#{number}", **payload})


def _stdin_items() -> Iterator[_ExtractItem]:
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _ExtractItem(id=None, error=f"line {number}: invalid JSON: {exc}")
            continue
        yield _extract_item(payload, f"line {number}: ")


def _extract_item(payload: object, where: str = "") -> _ExtractItem:
    """Check text and published_at as the ingest service does (ArticleIn's rules)."""
    if not isinstance(payload, dict):
        return _ExtractItem(id=None, error=f"{where}not a JSON object")
    fields = {key: payload[key] for key in ("text", "published_at") if key in payload}
    try:
        article = ArticleIn.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        return _ExtractItem(id=payload.get("id"), error=where + problems)
    return _ExtractItem(payload.get("id"), article.text, article.published_at)
