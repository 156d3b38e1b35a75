"""spaCy per article: one text at a time, nlp.pipe as shipped, and nlp.pipe in small batches.

Usage: python -m bench.batching [--rounds 10]

Why the worker parses a backlog in batches of PIPE_BATCH_SIZE (see analysis_worker/jobs.py).
One process, one loaded pipeline, the bench corpus of 60 distinct ~2 kB articles; every round
runs each way once, in a rotating order so that drift in machine speed favours none. Prints the
median ms per article of each way and its speed relative to one text at a time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import spacy
from spacy.language import Language

from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from bench.corpus import build_corpus
from newsflow.core.settings import Settings


def ways(nlp: Language, texts: list[str]) -> dict[str, Callable[[], None]]:
    """The ways of parsing the texts that are compared, by name."""

    def one_at_a_time() -> None:
        for text in texts:
            nlp(text)

    def piped(batch_size: int | None) -> Callable[[], None]:
        def run() -> None:
            for _ in nlp.pipe(texts, batch_size=batch_size):
                pass

        return run

    return {
        "nlp(text), one at a time": one_at_a_time,
        "nlp.pipe, default batch size": piped(None),
        "nlp.pipe, batch_size=8": piped(8),
        f"nlp.pipe, batch_size={PIPE_BATCH_SIZE}": piped(PIPE_BATCH_SIZE),
    }


def main() -> None:
    """Print the median ms per article of each way."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    nlp = spacy.load(Settings().spacy_model)
    texts = [article["text"] for article in build_corpus()]
    compared = ways(nlp, texts)
    list(nlp.pipe(texts))  # every word seen once: no way pays for the first pass
    names = list(compared)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for number in range(args.rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            compared[name]()
            timings[name].append((time.perf_counter() - started) * 1000 / len(texts))
    baseline = statistics.median(timings[names[0]])
    print(f"{len(texts)} articles, {args.rounds} rounds, median ms per article")
    for name in names:
        median = statistics.median(timings[name])
        print(f"{name:<32} {median:6.1f} ms   {baseline / median:4.2f}x one at a time")


if __name__ == "__main__":
    main()
