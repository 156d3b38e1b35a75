"""Time spaCy's parse and each extractor per article on the bench corpus of distinct articles.

Usage: python -m bench.extraction [--rounds 12]

spaCy's figure is the pipeline without our paragraph-break step, which is timed on its own
(on tokenized texts) and counted with the extractors.

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

from spacy.language import Language
from spacy.tokens import Doc

from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.extraction.document_cache import release
from analysis_worker.extraction.entities import extract_entities
from analysis_worker.extraction.events import extract_events
from analysis_worker.extraction.paragraphs import COMPONENT, mark_paragraph_breaks
from analysis_worker.extraction.summary import summarize
from bench.corpus import build_corpus
from newsflow.core.settings import Settings


def time_once(doc: Doc, published_at: datetime) -> tuple[float, float, float]:
    """Return the seconds the entity, event and summary extractors take on a fresh document."""
    release(doc)
    started = time.perf_counter()
    extract_entities(doc)
    between = time.perf_counter()
    extract_events(doc, published_at)
    ended = time.perf_counter()
    summarize(doc, published_at)
    summarized = time.perf_counter()
    release(doc)
    return between - started, ended - between, summarized - ended


def paragraph_step(nlp: Language, texts: list[str], rounds: int) -> float:
    """Return the fastest seconds of the paragraph-break step over the tokenized texts."""
    docs = [nlp.make_doc(text) for text in texts]
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        for doc in docs:
            mark_paragraph_breaks(doc)
        timings.append(time.perf_counter() - started)
    return min(timings)


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
    with analyzer.nlp.select_pipes(disable=[COMPONENT]):
        spacy_seconds = fastest_parse(analyzer.nlp, texts, max(3, args.rounds // 4))
    step = paragraph_step(analyzer.nlp, texts, args.rounds)
    docs = list(analyzer.nlp.pipe(texts))
    timings = [
        [time_once(doc, date) for doc, date in zip(docs, published, strict=True)]
        for _ in range(args.rounds)
    ]
    entities, events, summary = (
        sum(min(run[index][part] for run in timings) for index in range(len(docs)))
        for part in range(3)
    )
    per_article = 1000 / len(docs)
    spacy_ms = spacy_seconds * per_article
    extract_ms = (entities + events + summary + step) * per_article
    print(f"articles: {len(docs)} distinct, fastest of {args.rounds} rounds")
    print(f"spaCy nlp.pipe (without our paragraph step): {spacy_ms:.2f} ms/article")
    print(f"paragraph step: {step * per_article:.2f} ms/article")
    print(f"entities: {entities * per_article:.2f} ms/article")
    print(f"events: {events * per_article:.2f} ms/article")
    print(f"summary: {summary * per_article:.2f} ms/article")
    print(f"paragraph step + entities + events + summary: {extract_ms:.2f} ms/article")
    print(f"whole analysis vs raw spaCy throughput: {spacy_ms / (spacy_ms + extract_ms):.3f}")
    cold = after_parse(analyzer, texts, published, max(3, args.rounds // 4))
    print(f"analyze_doc right after each parse: {cold * 1000:.2f} ms/article")


if __name__ == "__main__":
    main()
