"""Time the entity and the event extractor separately on the bench corpus of distinct articles.

Usage: python -m bench.extractors [--rounds 12]

Each document is parsed once; each extractor's time per document is the fastest of several
rounds (the per-document caches are released between rounds, so every round does all the
work), summed over the corpus and divided by its size.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from spacy.tokens import Doc

from analysis_worker.extraction import load_analyzer
from analysis_worker.extraction.document_cache import release
from analysis_worker.extraction.entities import extract_entities
from analysis_worker.extraction.events import extract_events
from bench.corpus import build_corpus
from bench.extraction import MODEL


def time_once(doc: Doc, published_at: datetime) -> tuple[float, float]:
    """Return the seconds the entity and the event extractor take on a fresh document."""
    release(doc)
    started = time.perf_counter()
    extract_entities(doc)
    between = time.perf_counter()
    extract_events(doc, published_at)
    ended = time.perf_counter()
    release(doc)
    return between - started, ended - between


def main() -> None:
    """Print entities, events and total ms/article on the bench corpus."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    analyzer = load_analyzer(MODEL)
    corpus = build_corpus()
    published = [datetime.fromisoformat(article["published_at"]) for article in corpus]
    docs = list(analyzer.nlp.pipe(article["text"] for article in corpus))
    timings = [
        [time_once(doc, date) for doc, date in zip(docs, published, strict=True)]
        for _ in range(args.rounds)
    ]
    entities = sum(min(run[index][0] for run in timings) for index in range(len(docs)))
    events = sum(min(run[index][1] for run in timings) for index in range(len(docs)))
    per_article = 1000 / len(docs)
    print(f"articles: {len(docs)}, each document's fastest of {args.rounds} rounds")
    print(f"entities: {entities * per_article:.2f} ms/article")
    print(f"events: {events * per_article:.2f} ms/article")
    print(f"entities + events: {(entities + events) * per_article:.2f} ms/article")


if __name__ == "__main__":
    main()
