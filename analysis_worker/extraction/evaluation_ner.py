"""Score entities against CoNLL-2003 (people run this), beside raw spaCy on the same parse."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spacy.tokens import Doc

from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE, Analyzer
from analysis_worker.extraction.document_cache import remember_text

Mention = tuple[int, int, str]
"""(start, end, CoNLL label) of one entity: character offsets into the document's text."""

CONLL_LABELS = {
    "PERSON": "PER",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "ORG": "ORG",
}
"""spaCy labels scored, as the CoNLL label they stand for (MISC is not scored)."""

SCORED = frozenset(CONLL_LABELS.values())
"""The CoNLL labels scored: PER, LOC, ORG."""

PUBLISHED_AT = datetime(1996, 8, 30, tzinfo=UTC)
"""The publication date every CoNLL-2003 document is analysed under."""

DOCSTART = "-DOCSTART-"
"""The line that starts a document in a CoNLL file."""


@dataclass(frozen=True)
class GoldDocument:
    """One CoNLL document: its text (tokens joined by spaces, sentences by lines), its entities."""

    text: str
    mentions: frozenset[Mention]


@dataclass
class NerScore:
    """Matched, predicted and expected mentions over all documents (micro averages)."""

    matched: int = 0
    predicted: int = 0
    expected: int = 0
    by_label: dict[str, list[int]] = field(default_factory=dict)

    def add(self, predicted: set[Mention], expected: frozenset[Mention]) -> None:
        """Count one document."""
        self.matched += len(predicted & expected)
        self.predicted += len(predicted)
        self.expected += len(expected)
        for label in SCORED:
            counts = self.by_label.setdefault(label, [0, 0, 0])
            mine = {m for m in predicted if m[2] == label}
            gold = {m for m in expected if m[2] == label}
            counts[0] += len(mine & gold)
            counts[1] += len(mine)
            counts[2] += len(gold)

    def f1(self) -> float:
        """Return the micro F1."""
        return f1_of(self.matched, self.predicted, self.expected)

    def line(self, name: str) -> str:
        """Return the report line: precision, recall, F1, then F1 per label."""
        labels = "  ".join(
            f"{label} {f1_of(*self.by_label[label]):.3f}" for label in sorted(SCORED)
        )
        return (
            f"{name:<8} P={ratio(self.matched, self.predicted):.3f} ({self.matched}/{self.predicted})"
            f"  R={ratio(self.matched, self.expected):.3f} ({self.matched}/{self.expected})"
            f"  F1={self.f1():.3f}  |  {labels}"
        )


def ratio(part: int, whole: int) -> float:
    """Return part / whole, 0 when whole is 0."""
    return part / whole if whole else 0.0


def f1_of(matched: int, predicted: int, expected: int) -> float:
    """Return the F1 of matched mentions among predicted and expected ones."""
    precision, recall = ratio(matched, predicted), ratio(matched, expected)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_conll(path: Path) -> list[GoldDocument]:
    """Read a CoNLL-2003 file, or every .txt file of a folder, into documents."""
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    return [document for file in files for document in read_conll_file(file)]


def read_conll_file(path: Path) -> list[GoldDocument]:
    """Read one CoNLL-2003 file (token POS chunk NER per line) into documents."""
    documents: list[GoldDocument] = []
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == DOCSTART:
            documents.extend(build_document(sentences))
            sentences = [[]]
        elif fields:
            sentences[-1].append((fields[0], fields[-1]))
        elif sentences[-1]:
            sentences.append([])
    documents.extend(build_document(sentences))
    return documents


def build_document(sentences: list[list[tuple[str, str]]]) -> Iterator[GoldDocument]:
    """Join a document's (token, tag) sentences into its text and gold mentions (none if empty)."""
    lines = [sentence for sentence in sentences if sentence]
    if not lines:
        return
    offset, mentions, texts = 0, set(), []
    for sentence in lines:
        mentions |= set(sentence_mentions(sentence, offset))
        texts.append(" ".join(token for token, _ in sentence))
        offset += len(texts[-1]) + 1
    yield GoldDocument("\n".join(texts), frozenset(mentions))


def sentence_mentions(sentence: list[tuple[str, str]], offset: int) -> Iterator[Mention]:
    """Return the PER/LOC/ORG mentions of one sentence, IOB1 or IOB2 tags."""
    start, label, position = -1, "", offset
    for token, tag in sentence:
        prefix, _, kind = tag.partition("-")
        if label and (prefix != "I" or kind != label):
            yield (start, position - 1, label)
            label = ""
        if prefix in {"B", "I"} and not label and kind in SCORED:
            start, label = position, kind
        position += len(token) + 1
    if label:
        yield (start, position - 1, label)


def project_mentions(analyzer: Analyzer, doc: Doc) -> set[Mention]:
    """Return the scored mentions among the project's entities of a parsed document."""
    entities = analyzer.analyze_doc(doc, PUBLISHED_AT).entities
    return {
        (entity.start, entity.end, CONLL_LABELS[entity.label])
        for entity in entities
        if entity.label in CONLL_LABELS
    }


def spacy_mentions(doc: Doc) -> set[Mention]:
    """Return the scored mentions among spaCy's own entities (doc.ents)."""
    return {
        (span.start_char, span.end_char, CONLL_LABELS[span.label_])
        for span in doc.ents
        if span.label_ in CONLL_LABELS
    }


def parsed(analyzer: Analyzer, documents: Iterable[GoldDocument]) -> Iterator[Doc]:
    """Parse the documents' texts in nlp.pipe batches."""
    texts = ((document.text, document.text) for document in documents)
    for doc, text in analyzer.nlp.pipe(texts, as_tuples=True, batch_size=PIPE_BATCH_SIZE):
        remember_text(doc, text)
        yield doc


def evaluate_ner(path: Path, analyzer: Analyzer) -> str:
    """Score the project's and raw spaCy's entities on a CoNLL-2003 file; return the report."""
    documents = read_conll(path)
    project, raw = NerScore(), NerScore()
    for document, doc in zip(documents, parsed(analyzer, documents), strict=True):
        raw.add(spacy_mentions(doc), document.mentions)  # before analysis releases the doc
        project.add(project_mentions(analyzer, doc), document.mentions)
    return "\n".join(
        [
            f"{len(documents)} documents, {raw.expected} gold PER/LOC/ORG mentions",
            project.line("project"),
            raw.line("spacy"),
            f"project F1 - spaCy F1: {project.f1() - raw.f1():+.3f}",
        ]
    )
