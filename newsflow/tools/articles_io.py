"""Article files as users keep them (plain text or JSON) and posting them to the ingest service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

POST_TIMEOUT_SECONDS = 30
"""How long `newsflow post` waits for the ingest service to answer."""


ARTICLE_SUFFIXES = (".json", ".txt")
"""Files `newsflow post DIR` picks up from a folder."""


def read_article_files(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """Yield one payload per plain-text file or JSON object; folders give their article files."""
    for path in _expand(paths):
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            yield from data if isinstance(data, list) else [data]
        else:
            yield {"text": path.read_text(encoding="utf-8")}


def post_article(
    ingest_url: str, payload: dict[str, Any], api_key: str | None = None
) -> requests.Response:
    """POST one article to the ingest service and return its answer."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return requests.post(
        f"{ingest_url.rstrip('/')}/articles",
        json=payload,
        headers=headers,
        timeout=POST_TIMEOUT_SECONDS,
    )


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            yield path
