"""Run spaCy and the entity and event extractors over article texts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from analysis_worker.extraction.document_cache import release, remember_text
from analysis_worker.extraction.entities import extract_entities
from analysis_worker.extraction.events import extract_events
from analysis_worker.extraction.paragraphs import add_paragraph_breaks
from analysis_worker.extraction.summary import summarize
from newsflow.core.models import Analysis

T = TypeVar("T")

PIPE_BATCH_SIZE = 16
"""How many texts spaCy's nlp.pipe processes together: on news-length articles a batch of 16
parses ~13% faster than one text at a time, and than nlp.pipe's default batch size
(`python -m bench.batching`)."""


class Analyzer:
    """A loaded spaCy pipeline plus our extractors; build once per process, reuse for every text."""

    def __init__(self, nlp: Language) -> None:
        add_paragraph_breaks(nlp)
        self.nlp = nlp
        meta = nlp.meta  # spaCy rebuilds the meta (labels included) on every read
        self.model_name = f"{meta.get('lang', 'xx')}_{meta['name']}-{meta['version']}"
        """Name and version of the spaCy pipeline, as stored with each analysis."""

    def parse(self, text: str) -> Doc:
        """Run spaCy over one text."""
        doc = self.nlp(text)
        remember_text(doc, text)
        return doc

    def analyze(self, text: str, published_at: datetime | None = None) -> Analysis:
        """Analyse one text."""
        return self.analyze_doc(self.parse(text), published_at)

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> Iterator[Analysis]:
        """Analyse several texts with nlp.pipe, yielding one analysis per text, in order."""
        for doc, published_at in self._pipe(items):
            yield self.analyze_doc(doc, published_at)

    def _pipe(self, items: Iterable[tuple[str, T]]) -> Iterator[tuple[Doc, T]]:
        """Parse (text, context) pairs with nlp.pipe, yielding (doc, context) in order."""
        pairs = ((text, (text, context)) for text, context in items)
        for doc, (text, context) in self.nlp.pipe(
            pairs, as_tuples=True, batch_size=PIPE_BATCH_SIZE
        ):
            remember_text(doc, text)
            yield doc, context

    def analyze_doc(self, doc: Doc, published_at: datetime | None = None) -> Analysis:
        """Extract entities and events from a parsed document."""
        try:
            return Analysis(
                entities=extract_entities(doc),
                events=extract_events(doc, published_at),
                summary=summarize(doc, published_at),
            )
        finally:
            release(doc)


WARM_UP_TEXT = (
    "NATO defence ministers met in Brussels on Wednesday. Germany sent four jets to Poland, "
    "and Russian MiG-31 jets violated Estonian airspace, the alliance said. Rutte said so."
)
"""Analysed once at load, so lexicons and gazetteers are in memory before the first job (the bare
surname builds the surname table; tests/extraction/test_warm_up.py checks that no table is left
for a job to build)."""


def load_analyzer(model_name: str) -> Analyzer:
    """Load the spaCy pipeline by package name (never downloaded) and warm the extractors."""
    analyzer = Analyzer(spacy.load(model_name))
    analyzer.analyze(WARM_UP_TEXT, datetime(2025, 10, 14, tzinfo=UTC))
    return analyzer
