"""Score summaries and main events against the Giveme5W1H gold standard (people run this)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spacy.tokens import Doc

from analysis_worker.extraction.analyzer import Analyzer
from newsflow.core.models import Analysis, Event, Summary

QUESTIONS = ("who", "where", "when")
"""The Ws scored: the gold's what/why/how are free text no phrase overlap can judge."""

SCORED_EVENTS = 3
"""How many of an analysis's events count: the main ones, which come first."""

NAIVE_LABELS = {"who": {"PERSON", "ORG", "NORP"}, "where": {"GPE", "LOC"}, "when": {"DATE"}}
"""The entity labels the naive summary takes for each W."""

NAIVE_SENTENCES = 4
"""How many sentences the naive summary reads."""

_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: the analyzer's input and the gold phrases of each W."""

    name: str
    text: str
    published_at: datetime | None
    gold: dict[str, list[str]]


@dataclass
class Tally:
    """Hits and scored articles per W."""

    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, gold: dict[str, list[str]], answers: dict[str, list[str]]) -> None:
        """Count one article: a W hits when one answer shares a word with one gold phrase."""
        for question in QUESTIONS:
            if gold[question]:
                self.totals[question] += 1
                self.hits[question] += overlaps(answers[question], gold[question])

    def line(self, name: str) -> str:
        """Return the report line of this block."""
        parts = [
            f"{question} {self.hits[question] / max(self.totals[question], 1):.2f}"
            f" ({self.hits[question]}/{self.totals[question]})"
            for question in QUESTIONS
        ]
        return f"{name:<22} " + "  ".join(parts)


def words(text: str) -> set[str]:
    """Return the lower-cased words of 3+ letters of a phrase."""
    return {word.lower() for word in _WORD.findall(text)}


def overlaps(answers: Iterable[str], gold: Iterable[str]) -> bool:
    """Tell whether any answer shares a word of 3+ letters with any gold phrase."""
    gold_words = set().union(*(words(phrase) for phrase in gold))
    return any(words(answer) & gold_words for answer in answers)


def read_gold(path: Path) -> Iterator[GoldArticle]:
    """Read the annotated articles of a benchmark folder (or its data folder), by name."""
    folder = path / "data" if (path / "data").is_dir() else path
    for file in sorted(folder.glob("*.json")):
        row = json.loads(file.read_text(encoding="utf-8"))
        text = "\n\n".join(row.get(part) or "" for part in ("title", "description", "text"))
        yield GoldArticle(file.stem, text, published_of(row), gold_phrases(row))


def published_of(row: dict[str, object]) -> datetime | None:
    """Return the publication date: the first 10 characters of date_publish, if a date."""
    try:
        day = datetime.strptime(str(row.get("date_publish"))[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


def gold_phrases(row: dict[str, object]) -> dict[str, list[str]]:
    """Return the gold phrases of each scored W."""
    annotations = row["fiveWoneH"]
    assert isinstance(annotations, dict)
    return {
        question: [item["text"] for item in annotations[question]["annotated"] if item.get("text")]
        for question in QUESTIONS
    }


def event_answers(events: list[Event]) -> dict[str, list[str]]:
    """Return the phrases the first events give for each W."""
    first = events[:SCORED_EVENTS]
    return {
        "who": [actor.text for event in first for actor in (event.source, event.target) if actor],
        "where": [event.location.name for event in first if event.location],
        "when": [event.date_text for event in first if event.date_text],
    }


def summary_answers(summary: Summary | None) -> dict[str, list[str]]:
    """Return the summary's phrase for each W."""
    phrases = {question: getattr(summary, question) if summary else None for question in QUESTIONS}
    return {question: [phrase.text] if phrase else [] for question, phrase in phrases.items()}


def naive_answers(doc: Doc) -> dict[str, list[str]]:
    """Return the first entity of each W's labels in the first sentences (the baseline)."""
    sentences = list(doc.sents)[:NAIVE_SENTENCES]
    end = sentences[-1].end if sentences else 0
    answers: dict[str, list[str]] = {question: [] for question in QUESTIONS}
    for ent in doc.ents:
        for question, labels in NAIVE_LABELS.items():
            if ent.end <= end and ent.label_ in labels and not answers[question]:
                answers[question] = [ent.text]
    return answers


@dataclass
class Report5W1H:
    """The three blocks of a run, and how many events have a place and a date phrase."""

    summary: Tally = field(default_factory=Tally)
    events: Tally = field(default_factory=Tally)
    naive: Tally = field(default_factory=Tally)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, article: GoldArticle, analysis: Analysis, naive: dict[str, list[str]]) -> None:
        """Count one article in every block."""
        self.summary.add(article.gold, summary_answers(analysis.summary))
        self.events.add(article.gold, event_answers(analysis.events))
        self.naive.add(article.gold, naive)
        self.counts["articles"] += 1
        self.counts["no event"] += not analysis.events
        self.counts["events"] += len(analysis.events)
        self.counts["located"] += sum(event.location is not None for event in analysis.events)
        self.counts["date phrase"] += sum(bool(event.date_text) for event in analysis.events)
        self.counts["dated"] += sum(event.date is not None for event in analysis.events)

    def text(self) -> str:
        """Return the printed report."""
        counts = self.counts
        events = max(counts["events"], 1)
        return "\n".join(
            [
                self.summary.line("summary"),
                self.events.line(f"first {SCORED_EVENTS} events"),
                self.naive.line("naive summary baseline"),
                f"articles {counts['articles']}, without an event {counts['no event']}",
                f"events {counts['events']}: located {counts['located'] / events:.2f}"
                f" ({counts['located']}), date phrase {counts['date phrase'] / events:.2f}"
                f" ({counts['date phrase']}), dated {counts['dated'] / events:.2f}"
                f" ({counts['dated']})",
            ]
        )


def evaluate_5w1h(path: Path, analyzer: Analyzer) -> str:
    """Score the Giveme5W1H articles and return the printed report."""
    report = Report5W1H()
    for article in read_gold(path):
        doc = analyzer.parse(article.text)
        naive = naive_answers(doc)
        report.add(article, analyzer.analyze_doc(doc, article.published_at), naive)
    return report.text()
