"""A pipeline step before the parser: a paragraph break starts a sentence.

A headline has no full stop, so without this step spaCy parses the headline and the lead as
one sentence and glues the headline's last noun to the lead's subject.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "newsflow_paragraph_breaks"
"""The name of the step in the spaCy pipeline."""

_BREAK = re.compile(r"\n\s*(?=\S)")


@Language.component(COMPONENT)
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Mark the first token after each line break as the start of a sentence."""
    for found in _BREAK.finditer(doc.text):
        span = doc.char_span(found.end(), found.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
    return doc


def add_paragraph_breaks(nlp: Language) -> None:
    """Insert the step before the parser (once; pipelines without a parser are left alone)."""
    if "parser" in nlp.pipe_names and COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, before="parser")
