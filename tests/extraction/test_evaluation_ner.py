"""The CoNLL-2003 entity scorer: documents, offsets, labels, and the side-by-side report."""

from __future__ import annotations

from pathlib import Path

from analysis_worker.extraction.evaluation_ner import NerScore, evaluate_ner, read_conll

# Written for these tests in the CoNLL-2003 layout (token POS chunk NER); not benchmark text.
CONLL = """-DOCSTART- -X- -X- O

Maria NNP B-NP B-PER
Lopez NNP I-NP I-PER
visited VBD B-VP O
Lisbon NNP B-NP B-LOC
. . O O

The DT B-NP O
Acme NNP I-NP B-ORG
Corp NNP I-NP I-ORG
sold VBD B-VP O
French JJ B-NP B-MISC
wine NN I-NP O
. . O O

-DOCSTART- -X- -X- O

OSLO NNP B-NP B-LOC
1996-08-30 CD I-NP O
"""


def write_conll(tmp_path: Path) -> Path:
    path = tmp_path / "sample.txt"
    path.write_text(CONLL, encoding="utf-8")
    return path


def test_documents_join_tokens_with_spaces_and_sentences_with_lines(tmp_path):
    first, second = read_conll(write_conll(tmp_path))
    assert first.text == "Maria Lopez visited Lisbon .\nThe Acme Corp sold French wine ."
    assert second.text == "OSLO 1996-08-30"
    found = {(first.text[start:end], label) for start, end, label in first.mentions}
    assert found == {("Maria Lopez", "PER"), ("Lisbon", "LOC"), ("Acme Corp", "ORG")}
    assert {(second.text[s:e], label) for s, e, label in second.mentions} == {("OSLO", "LOC")}


def test_a_folder_reads_its_text_files(tmp_path):
    write_conll(tmp_path)
    assert len(read_conll(tmp_path)) == 2


def test_score_is_micro_precision_recall_and_f1():
    score = NerScore()
    score.add({(0, 5, "PER"), (10, 16, "LOC")}, frozenset({(0, 5, "PER"), (20, 24, "ORG")}))
    assert (score.matched, score.predicted, score.expected) == (1, 2, 2)
    assert score.f1() == 0.5
    assert "P=0.500 (1/2)  R=0.500 (1/2)  F1=0.500" in score.line("project")


def test_report_puts_raw_spacy_beside_the_project(tmp_path, analyzer):
    report = evaluate_ner(write_conll(tmp_path), analyzer).splitlines()
    assert report[0] == "2 documents, 4 gold PER/LOC/ORG mentions"
    assert report[1].startswith("project ") and report[2].startswith("spacy ")
    assert report[3].startswith("project F1 - spaCy F1: ")
