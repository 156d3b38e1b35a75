"""Token attributes of a document as plain lists: spaCy's Token access is slow from Python."""

from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.attrs import HEAD, LEMMA, LOWER, POS
from spacy.tokens import Doc

from analysis_worker.extraction.document_cache import cached


@dataclass(frozen=True)
class Columns:
    """Per token: its lower-cased form and lemma, its head's index and its part of speech."""

    lower: list[str]
    lemma: list[str]
    head: list[int]
    pos: list[int]


def columns_of(doc: Doc) -> Columns:
    """Return the document's token columns, read once per document."""
    return cached(doc, "columns", read_columns)


def read_columns(doc: Doc) -> Columns:
    """Read the columns from one array export of the document."""
    strings = doc.vocab.strings
    array = doc.to_array([LOWER, LEMMA, HEAD, POS])
    # HEAD holds signed offsets in an unsigned array: reinterpret, then make them absolute
    heads = array[:, 2].view(numpy.int64) + numpy.arange(len(doc))
    lemmas = {key: strings[key].lower() for key in set(array[:, 1].tolist())}
    return Columns(
        lower=[strings[key] for key in array[:, 0].tolist()],
        lemma=[lemmas[key] for key in array[:, 1].tolist()],
        head=heads.tolist(),
        pos=array[:, 3].tolist(),
    )


def child_toward(heads: list[int], ancestor: int, index: int) -> int | None:
    """Return the child of ancestor whose subtree holds index (None: index is not below it)."""
    while index != ancestor:
        parent = heads[index]
        if parent == ancestor:
            return index
        if parent == index:
            return None
        index = parent
    return None
