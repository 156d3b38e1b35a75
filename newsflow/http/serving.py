"""Run a Flask app factory under gunicorn (the production server) from `python -m <service>`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import gunicorn.util
from flask import Flask
from gunicorn.app.base import BaseApplication

from newsflow.http.problems import PROBLEM_MEDIA_TYPE, Problem

DEFAULT_THREADS = 8
"""Threads per gunicorn worker: requests mostly wait on Redis."""


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn, configured in code, loading the app from a factory in each worker."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options to gunicorn's config."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Build the app (in each worker process)."""
        return self.factory()


def parse_server_args(description: str, default_port: int) -> argparse.Namespace:
    """Parse --host, --port and --workers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    return parser.parse_args()


def write_problem(sock: Any, status: int, reason: str, message: str) -> None:
    """Answer a request gunicorn itself refused (bad request line, huge headers) as problem+json."""
    body = Problem(status, reason).to_response().get_data()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


def serve(factory: Callable[[], Flask], args: argparse.Namespace, name: str) -> None:
    """Serve the app under gunicorn until stopped."""
    # gunicorn answers requests it cannot parse with an HTML page of its own; not from a JSON API.
    gunicorn.util.write_error = write_problem
    GunicornServer(
        factory,
        {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "proc_name": name,
            "graceful_timeout": 20,
            # gunicorn 27's control socket is one path per user; several services would collide.
            "control_socket_disable": True,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        },
    ).run()
