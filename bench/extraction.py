"""Time spaCy's parse and each extractor per article on the bench corpus of distinct articles.

Usage: python -m bench.extraction [--rounds 12]

Each document is parsed once; each extractor's time per document is the fastest of several
rounds (the per-document caches are released between rounds, so every round does all the
work). spaCy's figure is the fastest nlp.pipe pass over the corpus. The last figure is what
a worker sees: Analyzer.analyze_doc timed right after spaCy parsed the same article (CPU
caches cold), averaged over every article of a few rounds.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from spacy.tokens import Doc

from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.extraction.document_cache import release
from analysis_worker.extraction.entities import extract_entities
from analysis_worker.extraction.events import extract_events
from bench.corpus import build_corpus
from newsflow.settings import Settings


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


def after_parse(
    analyzer: Analyzer, texts: list[str], published: list[datetime], rounds: int
) -> float:
    """Return the mean seconds of analyze_doc run right after each article's parse."""
    total = 0.0
    for _ in range(rounds):
        for text, date in zip(texts, published, strict=True):
            doc = analyzer.parse(text)
            started = time.perf_counter()
            analyzer.analyze_doc(doc, date)
            total += time.perf_counter() - started
    return total / (rounds * len(texts))


def fastest_parse(nlp: object, texts: list[str], rounds: int) -> float:
    """Return the fastest nlp.pipe pass over the texts, in seconds."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        list(nlp.pipe(texts))  # type: ignore[attr-defined]
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    """Print spaCy, entities, events and total ms/article, and the analysis' throughput share."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    analyzer = load_analyzer(Settings().spacy_model)
    corpus = build_corpus()
    texts = [article["text"] for article in corpus]
    published = [datetime.fromisoformat(article["published_at"]) for article in corpus]
    spacy_seconds = fastest_parse(analyzer.nlp, texts, max(3, args.rounds // 4))
    docs = list(analyzer.nlp.pipe(texts))
    timings = [
        [time_once(doc, date) for doc, date in zip(docs, published, strict=True)]
        for _ in range(args.rounds)
    ]
    entities = sum(min(run[index][0] for run in timings) for index in range(len(docs)))
    events = sum(min(run[index][1] for run in timings) for index in range(len(docs)))
    per_article = 1000 / len(docs)
    spacy_ms, extract_ms = spacy_seconds * per_article, (entities + events) * per_article
    print(f"articles: {len(docs)} distinct, fastest of {args.rounds} rounds")
    print(f"spaCy nlp.pipe: {spacy_ms:.2f} ms/article")
    print(f"entities: {entities * per_article:.2f} ms/article")
    print(f"events: {events * per_article:.2f} ms/article")
    print(f"entities + events: {extract_ms:.2f} ms/article")
    print(f"whole analysis vs raw spaCy throughput: {spacy_ms / (spacy_ms + extract_ms):.3f}")
    cold = after_parse(analyzer, texts, published, max(3, args.rounds // 4))
    print(f"analyze_doc right after each parse: {cold * 1000:.2f} ms/article")


if __name__ == "__main__":
    main()
