"""The CAMEO codebook as the API knows it: which codes and PLOVER categories exist.

Read from the extraction engine's derived `cameo.json` (package data of analysis_worker), by
path, so the services that validate filters never import spaCy.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

CODEBOOK_FILE = "data/cameo.json"
"""The derived codebook, inside the extraction package."""


@cache
def codebook() -> dict[str, dict[str, Any]]:
    """Return CAMEO code -> its name, root, QuadClass, Goldstein and PLOVER category."""
    spec = importlib.util.find_spec("analysis_worker.extraction")
    assert spec is not None and spec.submodule_search_locations, "analysis_worker is not installed"
    folder = Path(next(iter(spec.submodule_search_locations)))
    return dict(json.loads((folder / CODEBOOK_FILE).read_text()))


def is_code_or_prefix(value: str) -> bool:
    """Tell whether a CAMEO code starts with this value (`15`, `150`, `1712`)."""
    return any(code.startswith(value) for code in codebook())


@cache
def plover_categories() -> frozenset[str]:
    """Return the PLOVER categories the codebook maps CAMEO codes to."""
    return frozenset(entry["plover"] for entry in codebook().values() if entry["plover"])


@cache
def root_codes() -> frozenset[str]:
    """Return the two-digit CAMEO root codes."""
    return frozenset(entry["root"] for entry in codebook().values())
