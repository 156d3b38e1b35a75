"""The product uses RQ through its public API only, and the worker module stays small."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.processes import REPO_ROOT

PRODUCT = ("analysis_worker", "newsflow", "ingest_service", "api_service")
"""The packages that ship (benchmarks and tests may poke at RQ to measure or provoke it)."""


def modules_using_rq() -> dict[Path, ast.Module]:
    """Every product module that imports rq, parsed."""
    found = {}
    for package in PRODUCT:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            if any(imports_rq(node) for node in ast.walk(tree)):
                found[path.relative_to(REPO_ROOT)] = tree
    return found


def imports_rq(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "rq" for alias in node.names)
    return isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rq"


def test_modules_using_rq_touch_no_private_attribute() -> None:
    # In a module that holds RQ objects (or subclasses RQ's worker), any `x._name` may be RQ's
    # private state, `self._name` included: none at all is allowed there.
    using = modules_using_rq()
    assert Path("analysis_worker/worker.py") in using
    offences = [
        f"{path}:{node.lineno} .{node.attr}"
        for path, tree in using.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert offences == []


def test_the_worker_module_is_under_120_lines() -> None:
    assert len((REPO_ROOT / "analysis_worker/worker.py").read_text().splitlines()) < 120
