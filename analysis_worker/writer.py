"""The worker's result writer: a thread that commits a job's analyses while the job parses on.

spaCy keeps one core busy and PostgreSQL waits on the other, so a job parses its batch in parts
and hands each part to this thread, which commits it (one transaction per part) while the next
part is parsed. The job returns only once every part is committed, so an article is still
`done` only after its results are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TypeVar

from newsflow.core.models import Article, StoredAnalysis
from newsflow.core.results import ResultStore

T = TypeVar("T")


class ResultWriter:
    """One thread that saves analyses to the results store, in the order they are handed over."""

    def __init__(self, results: ResultStore) -> None:
        self.results = results
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="result-writer")

    def save(
        self, analysed: Iterable[tuple[Article, StoredAnalysis]], part: int
    ) -> list[tuple[Article, StoredAnalysis]]:
        """Commit analyses `part` at a time, each while the next are made; return them once all
        are committed, raising the first save's failure (or the failure making them)."""
        saved: list[tuple[Article, StoredAnalysis]] = []
        pending: list[Future[None]] = []
        try:
            for chunk in parts(analysed, part):
                saved += chunk
                pending.append(self._thread.submit(self.results.save_waiting_out_outages, chunk))
        finally:
            wait(pending)  # a failed parse still lets the parts it handed over finish
        for future in pending:
            future.result()
        return saved

    def close(self) -> None:
        """Let the thread finish what it was handed, then end it."""
        self._thread.shutdown(wait=True)


def parts(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of `size` items (the last may be shorter) as the items come."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
