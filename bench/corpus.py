"""A benchmark corpus of distinct news-length articles, built from the seeds' paragraphs."""

from __future__ import annotations

import json
import random
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

CORPUS_SIZE = 60
"""Articles in the benchmark corpus."""


def build_corpus(size: int = CORPUS_SIZE, seed: int = 7) -> list[dict[str, str]]:
    """Return `size` distinct articles of 8-14 seed paragraphs each (~2.5 kB, like a news story)."""
    paragraphs = [
        paragraph.strip()
        for path in sorted(SEEDS_DIR.glob("*.json"))
        for paragraph in json.loads(path.read_text())["text"].split("\n")
        if len(paragraph.split()) >= 8
    ]
    rng = random.Random(seed)
    return [
        {
            "id": f"bench-{seed}-{number:04d}",
            "title": f"Benchmark article {number}",
            "published_at": "2025-10-14T06:00:00Z",
            "text": "\n".join(rng.sample(paragraphs, rng.randint(8, 14))),
        }
        for number in range(size)
    ]
