"""Count force, threat and sanction events on stories that are not politics (people run this)."""

from __future__ import annotations

import ast
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

from analysis_worker.extraction.analyzer import Analyzer
from analysis_worker.extraction.topics import HOSTILE_ROOTS
from newsflow.core.models import Event

POLITICAL_CATEGORY = "world"
"""The news-cluster category of political and conflict stories; every other is not politics."""


def read_story(path: Path) -> tuple[str, str, datetime | None]:
    """Return a news-cluster article's category, analyzer input and publication time."""
    row = json.loads(path.read_text(encoding="utf-8"))
    raw = row["newsCluster"]
    cluster = raw if isinstance(raw, dict) else parse_cluster(raw)
    text = "\n\n".join(row.get(part) or "" for part in ("title", "description", "text"))
    return str(cluster["Category"]), text, published(row.get("date_publish"))


def parse_cluster(raw: str) -> dict[str, object]:
    """Parse a newsCluster field: a JSON object or a Python literal."""
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = ast.literal_eval(raw)
    assert isinstance(parsed, dict)
    return parsed


def published(value: object) -> datetime | None:
    """Return the publication time when date_publish starts with an ISO date."""
    try:
        return datetime.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def hostile(events: list[Event]) -> list[Event]:
    """Return the events of hostile roots."""
    return [event for event in events if event.root_code in HOSTILE_ROOTS]


def evaluate_offtopic(path: Path, analyzer: Analyzer) -> str:
    """Count hostile events per category; outside 'world' every one of them is false."""
    folder = path / "data" if (path / "data").is_dir() else path
    articles: Counter[str] = Counter()
    found: Counter[str] = Counter()
    examples: list[str] = []
    for file in sorted(folder.glob("*.json")):
        category, text, when = read_story(file)
        events = hostile(analyzer.analyze(text, when).events)
        articles[category] += 1
        found[category] += len(events)
        if category != POLITICAL_CATEGORY:
            examples += [
                f"{category}: {event.sentence_text[:100]!r} -> {event.code}" for event in events
            ]
    lines = [
        f"{name:<14} {found[name]:>3} hostile events in {articles[name]} articles"
        for name in sorted(articles)
    ]
    off = sum(found[name] for name in found if name != POLITICAL_CATEGORY)
    total = sum(articles[name] for name in articles if name != POLITICAL_CATEGORY)
    lines.append(f"{'not politics':<14} {off:>3} false hostile events in {total} articles")
    return "\n".join([*lines, "", *examples])
