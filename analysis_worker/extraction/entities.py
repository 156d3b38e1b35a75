"""Named entities from spaCy's NER, each with a canonical key shared across articles."""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Doc, Span

from newsflow.models import Entity

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
"""spaCy labels kept as entities; numbers, dates and quantities are not things to look up."""

_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def entity_key(label: str, text: str) -> str:
    """Return the canonical key of an entity: its label and its normalised name."""
    name = unicodedata.normalize("NFKC", text).strip()
    name = _LEADING_ARTICLE.sub("", name)
    name = re.sub(r"['’]s$", "", name)
    slug = _NON_WORD.sub("-", name.casefold()).strip("-")
    return f"{label.lower()}:{slug}"


def extract_entities(doc: Doc) -> list[Entity]:
    """Return the entity mentions of a parsed document, in text order."""
    return [_to_entity(span) for span in doc.ents if _is_kept(span)]


def _is_kept(span: Span) -> bool:
    return span.label_ in ENTITY_LABELS and any(ch.isalpha() for ch in span.text)


def _to_entity(span: Span) -> Entity:
    return Entity(
        text=span.text,
        label=span.label_,
        start=span.start_char,
        end=span.end_char,
        key=entity_key(span.label_, span.text),
    )
