"""Loading the analyzer builds every lexicon table, so no job pays for building one."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.processes import REPO_ROOT

PROBE = """
import importlib, json, pkgutil, sys
from datetime import datetime
import analysis_worker.extraction as extraction
from analysis_worker.extraction import load_analyzer
from newsflow.core.settings import Settings

modules = [
    importlib.import_module(f"{extraction.__name__}.{info.name}")
    for info in pkgutil.iter_modules(extraction.__path__)
]

def tables():
    return {
        f"{module.__name__}.{name}": value.cache_info().currsize
        for module in modules
        for name, value in vars(module).items()
        if getattr(value, "__module__", None) == module.__name__
        and hasattr(value, "cache_info")
        and value.cache_info().maxsize is None
    }

analyzer = load_analyzer(Settings().spacy_model)
loaded = tables()
for path in sys.argv[1:]:
    seed = json.loads(open(path, encoding="utf-8").read())
    analyzer.analyze(seed["text"], datetime.fromisoformat(seed["published_at"]))
built_by_jobs = [name for name, size in tables().items() if size > loaded[name]]
print(json.dumps({"tables": len(loaded), "built_by_jobs": built_by_jobs}))
"""


def test_analysing_the_seeds_after_loading_builds_no_lexicon_table() -> None:
    seeds = sorted(str(path) for path in (REPO_ROOT / "seeds").glob("*.json"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *seeds],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["tables"] >= 5
    assert report["built_by_jobs"] == []
