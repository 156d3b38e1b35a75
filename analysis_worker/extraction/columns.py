"""Token attributes of a document as plain lists: spaCy's Token access is slow from Python.

The extractors walk the parse by token index over these columns; every `doc[i]`, `.children`
or `.dep_` would build a Token or decode a string again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, LEMMA, LENGTH, LOWER, POS, TAG
from spacy.tokens import Doc

from analysis_worker.extraction.document_cache import cached, document_text

ATTRIBUTES = [LEMMA, LOWER, HEAD, POS, TAG, DEP, ENT_TYPE, ENT_IOB, IDX, LENGTH]
"""What one array export reads, in the order read_columns unpacks it."""

ENT_IOB_BEGIN = 3
"""spaCy's ENT_IOB value of a token that starts an entity ('B')."""


@dataclass(frozen=True)
class Columns:
    """Per token: forms, tags, entity, offsets, and its head and children in the parse."""

    lower: list[str]
    lemma: list[str]
    """Lemma, lower-cased."""
    head: list[int]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    ent_type: list[str]
    ent_start: list[bool]
    """Whether the token begins an entity (spaCy's ent_iob_ 'B')."""
    idx: list[int]
    """Character offset of the token in the document's text."""
    text: list[str]
    children: list[list[int]]
    """Indices of the token's children, in text order (spaCy's Token.children)."""

    def lefts(self, index: int) -> list[int]:
        """Return the children before the token (spaCy's Token.lefts)."""
        return [child for child in self.children[index] if child < index]

    def rights(self, index: int) -> list[int]:
        """Return the children after the token (spaCy's Token.rights)."""
        return [child for child in self.children[index] if child > index]

    def subtree(self, index: int) -> list[int]:
        """Return the token and its descendants in spaCy's Token.subtree order."""
        found: list[int] = []
        for child in self.lefts(index):
            found.extend(self.subtree(child))
        found.append(index)
        for child in self.rights(index):
            found.extend(self.subtree(child))
        return found

    def child_with(self, index: int, deps: frozenset[str] | set[str]) -> int | None:
        """Return the token's first child with one of the dependencies (None: there is none)."""
        dep = self.dep
        return next((child for child in self.children[index] if dep[child] in deps), None)


def columns_of(doc: Doc) -> Columns:
    """Return the document's token columns, read once per document."""
    return cached(doc, "columns", read_columns)


def read_columns(doc: Doc) -> Columns:
    """Read the columns from one array export of the document."""
    array = doc.to_array(ATTRIBUTES)
    pos, tag, dep, ent_type, ent_iob, idx, length = (
        array[:, column].tolist() for column in range(3, len(ATTRIBUTES))
    )
    # HEAD holds signed offsets in an unsigned array: reinterpret, then make them absolute
    heads = (array[:, 2].view(numpy.int64) + numpy.arange(len(doc))).tolist()
    # slicing the text is cheaper than decoding every form from the StringStore
    text = document_text(doc)
    texts = [text[start : start + size] for start, size in zip(idx, length, strict=True)]
    lower = [form.lower() for form in texts]  # spaCy's LOWER is str.lower of the form
    return Columns(
        lower=lower,
        lemma=lemmas_of(doc, array[:, 0], array[:, 1], lower),
        head=heads,
        pos=labels(doc, pos),
        tag=labels(doc, tag),
        dep=labels(doc, dep),
        ent_type=labels(doc, ent_type),
        ent_start=list(map(ENT_IOB_BEGIN.__eq__, ent_iob)),
        idx=idx,
        text=texts,
        children=children_of(heads),
    )


def lemmas_of(
    doc: Doc, lemma_keys: numpy.ndarray, lower_keys: numpy.ndarray, lower: list[str]
) -> list[str]:
    """Return the lower-cased lemmas, decoding only those that differ from the lower form."""
    lemmas = lower.copy()  # str.lower is idempotent: a lemma equal to the lower form stays it
    others = numpy.flatnonzero(lemma_keys != lower_keys)
    strings = doc.vocab.strings
    decoded: dict[int, str] = {}
    for index, key in zip(others.tolist(), lemma_keys[others].tolist(), strict=True):
        if key not in decoded:
            decoded[key] = strings[key].lower()
        lemmas[index] = decoded[key]
    return lemmas


_LABELS: dict[int, str] = {}
# Tag, dependency and entity labels by key: a pipeline has a few hundred, so this stays small.


def labels(doc: Doc, keys: list[int]) -> list[str]:
    """Return the label of every key, decoding each label once per process."""
    try:
        return list(map(_LABELS.__getitem__, keys))
    except KeyError:
        strings = doc.vocab.strings
        _LABELS.update((key, strings[key]) for key in set(keys) if key not in _LABELS)
        return list(map(_LABELS.__getitem__, keys))


def children_of(heads: list[int]) -> list[list[int]]:
    """Return every token's children, in text order, from the head column."""
    children: list[list[int]] = [[] for _ in heads]
    for index, head in enumerate(heads):
        if head != index:
            children[head].append(index)
    return children


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
