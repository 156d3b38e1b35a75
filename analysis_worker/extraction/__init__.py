"""The extraction engine: text in, analysis (entities and events) out; no Redis, no HTTP."""

from __future__ import annotations

from analysis_worker.extraction.analyzer import Analyzer, load_analyzer

__all__ = ["Analyzer", "load_analyzer"]
