"""Score the extractor against the PETRARCH-2 and PLOVER gold standards (people run this)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis_worker.extraction.analyzer import Analyzer
from newsflow.core.models import Event

Triple = tuple[str, str, str]
"""(source actor code, target actor code, CAMEO code); '---' stands for a missing actor."""

PETR2_FILE = "PETR2_GSR_validation.derived.tsv"
"""The derived PETRARCH-2 gold file inside its benchmark folder."""

PLOVER_FILE = "PLOVER_GSR_CAMEO.derived.tsv"
"""The derived PLOVER gold file inside its benchmark folder."""

GSR_CATEGORIES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
"""The gold records use PLOVER 2016 names; our CAMEO-to-PLOVER table is the 2021 draft."""

MOVED_IN_2021 = {
    "CONCEDE": {"RETREAT"},
    "RETREAT": {"CONCEDE"},
    "COERCE": {"ASSAULT"},
    "SANCTION": {"COERCE"},
}
"""Codes the 2021 table moved between these categories (easing 0813/0814, 1712, 175, 163)."""

MISSING = "---"
"""How the gold sets write a missing actor."""


@dataclass
class Score:
    """Matched, predicted and expected counts at one level."""

    matched: int = 0
    predicted: int = 0
    expected: int = 0

    def add(self, predicted: Counter[Triple], expected: Counter[Triple]) -> None:
        """Count one sentence (multisets, so a repeated event must be found twice)."""
        self.matched += sum((predicted & expected).values())
        self.predicted += sum(predicted.values())
        self.expected += sum(expected.values())

    def line(self, name: str) -> str:
        """Return the report line of this level."""
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.expected if self.expected else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            f"{name:<7} P={precision:.3f} ({self.matched}/{self.predicted})  "
            f"R={recall:.3f} ({self.matched}/{self.expected})  F1={f1:.3f}"
        )


@dataclass
class Petr2Report:
    """Scores of a PETRARCH-2 run, with the sentences that missed."""

    levels: dict[str, Score] = field(default_factory=lambda: {n: Score() for n in LEVELS})
    none_sentences: int = 0
    invented: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Return the printed report."""
        lines = [self.levels[name].line(name) for name in LEVELS]
        lines.append(
            f"detect  invented events on {len(self.invented)} of {self.none_sentences}"
            " NONE sentences" + (f": {', '.join(self.invented)}" if self.invented else "")
        )
        return "\n".join([*lines, "", "misses (id: expected | predicted):", *self.misses])


def strict(triple: Triple) -> Triple:
    """Keep a triple as it is."""
    return triple


def root(triple: Triple) -> Triple:
    """Cut actors to their country (3 letters) and the code to its root."""
    source, target, code = triple
    return (source[:3], target[:3], code[:2])


def dyad(triple: Triple) -> Triple:
    """Keep only the two actors."""
    return (triple[0], triple[1], "")


LEVELS: dict[str, Callable[[Triple], Triple]] = {"strict": strict, "root": root, "dyad": dyad}
"""The scoring levels: how a triple is reduced before comparing."""


def event_triple(event: Event) -> Triple:
    """Return the (source, target, code) triple of an event."""
    source = event.source.actor_code if event.source and event.source.actor_code else MISSING
    target = event.target.actor_code if event.target and event.target.actor_code else MISSING
    return (source, target, event.code)


def parse_expected(raw: str) -> list[Triple]:
    """Parse 'SRC|TGT|CODE;...' (or NONE) into triples."""
    if raw.strip() == "NONE":
        return []
    return [tuple(item.split("|")) for item in raw.split(";") if item]  # type: ignore[misc]


def read_rows(path: Path, filename: str) -> list[dict[str, str]]:
    """Read a derived gold TSV from a file or from its benchmark folder."""
    if path.is_dir():
        path = path / filename
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def petr2_date(raw: str) -> datetime | None:
    """Return a gold sentence's date (YYYYMMDD) as the article's publication time."""
    try:
        return datetime.strptime(raw, "%Y%m%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def evaluate_petr2(path: Path, analyzer: Analyzer) -> str:
    """Score the PETRARCH-2 gold sentences and return the printed report."""
    rows = read_rows(path, PETR2_FILE)
    report = Petr2Report()
    items = ((row["text"], petr2_date(row["date"])) for row in rows)
    for row, analysis in zip(rows, analyzer.analyze_many(items), strict=True):
        expected = parse_expected(row["expected_events(source|target|code;...)"])
        predicted = sorted({event_triple(event) for event in analysis.events})
        score_sentence(report, row["id"], expected, predicted)
    return report.text()


def score_sentence(
    report: Petr2Report, sentence_id: str, expected: list[Triple], predicted: list[Triple]
) -> None:
    """Add one sentence to every level of the report."""
    if not expected:
        report.none_sentences += 1
        if predicted:
            report.invented.append(sentence_id)
    for name, reduce in LEVELS.items():
        report.levels[name].add(Counter(map(reduce, predicted)), Counter(map(reduce, expected)))
    if Counter(predicted) != Counter(expected):
        report.misses.append(
            f"{sentence_id}: {format_triples(expected)} | {format_triples(predicted)}"
        )


def format_triples(triples: Iterable[Triple]) -> str:
    """Return triples as 'SRC|TGT|CODE;...' (NONE when empty)."""
    return ";".join("|".join(triple) for triple in triples) or "NONE"


def evaluate_plover(path: Path, analyzer: Analyzer) -> str:
    """Score the PLOVER gold records: share of sentences with an event of the gold category."""
    rows = read_rows(path, PLOVER_FILE)
    hits: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    items = ((row["text"], None) for row in rows)
    for row, analysis in zip(rows, analyzer.analyze_many(items), strict=True):
        found = {event.plover for event in analysis.events}
        wanted = GSR_CATEGORIES.get(row["event"], row["event"])
        totals[row["event"]] += 1
        hits[row["event"]] += wanted in found
        moved[row["event"]] += bool(({wanted} | MOVED_IN_2021.get(wanted, set())) & found)
    return plover_report(hits, moved, totals)


def plover_report(hits: Counter[str], moved: Counter[str], totals: Counter[str]) -> str:
    """Return one line per category, then the overall shares (strict, and moves tolerated)."""
    lines = [
        f"{name:<12} {hits[name]:>3}/{totals[name]:<3} {hits[name] / totals[name]:.3f}"
        for name in sorted(totals)
    ]
    total = max(sum(totals.values()), 1)
    return "\n".join(
        [
            *lines,
            f"{'overall':<12} {sum(hits.values())}/{total} {sum(hits.values()) / total:.3f}",
            f"{'overall, 2021 moves tolerated':<12} {sum(moved.values())}/{total}"
            f" {sum(moved.values()) / total:.3f}",
        ]
    )
