"""Parse the articles of the jobs a worker has claimed in one nlp.pipe batch.

spaCy parses a batch of news-length articles ~13% faster than the same articles one at a time
(`python -m bench.batching`).
RQ hands a worker one job at a time, so when a backlog waits the worker claims a few more jobs
(see AnalysisWorker) and the first of them parses all their articles together; each job then
analyses the parse that is ready for it. A job whose article is not among them, or whose text
changed, parses its own as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rq.timeouts import JobTimeoutException

from analysis_worker.extraction import Analyzer
from newsflow.core.models import Article
from newsflow.core.store import ArticleStore

log = logging.getLogger(__name__)

BATCH_CHARACTERS = 40_000
"""Most text parsed ahead in one batch (about a second of spaCy): the first job of a batch runs
under its own timeout, and long articles gain nothing from batching."""


class ParseAhead:
    """The articles this worker will analyse next, parsed together with the first of them."""

    def __init__(self, analyzer: Analyzer, store: ArticleStore) -> None:
        self.analyzer = analyzer
        self.store = store
        self._expected: list[str] = []

    def expect(self, article_ids: Iterable[str]) -> None:
        """Note the articles of the jobs just claimed, in the order they will run."""
        self.forget()
        self._expected = list(article_ids)

    def before(self, article: Article) -> None:
        """Called by a job before it analyses its article: parse the expected batch now.

        A retried article is parsed alone, in case the batch is what failed it the first time.
        """
        if not self._expected:
            return
        ids, self._expected = self._expected, []
        budget = BATCH_CHARACTERS - len(article.text)
        if article.attempts > 1 or budget < 0:
            return
        batch = [article.text]
        for text in self.store.texts(ids):
            if text is not None and len(text) <= budget:
                batch.append(text)
                budget -= len(text)
        try:
            self.analyzer.parse_ahead(batch)
        except JobTimeoutException:
            self.analyzer.forget_parsed_ahead()
            raise
        except Exception:
            # Each job parses its own article instead, so a bad one fails only its own job.
            log.exception("parsing %d claimed articles together failed", len(batch))
            self.analyzer.forget_parsed_ahead()

    def forget(self) -> None:
        """Drop what was expected or parsed and not analysed (the claims went back)."""
        self._expected = []
        self.analyzer.forget_parsed_ahead()
