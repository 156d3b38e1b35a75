"""The layers show in the folders: each package imports only the layers beneath it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("api_service", "ingest_service", "analysis_worker")
HTTP_LIBRARIES = ("flask", "flask_openapi3", "flask_limiter", "werkzeug")

FORBIDDEN = {
    "newsflow/core": (*SERVICES, *HTTP_LIBRARIES, "newsflow.http", "newsflow.tools"),
    "newsflow/http": (*SERVICES, "newsflow.tools"),
    "analysis_worker": ("api_service", "ingest_service", "newsflow.tools", *HTTP_LIBRARIES),
    "ingest_service": ("api_service", "analysis_worker", "newsflow.tools"),
    "api_service": ("ingest_service", "analysis_worker", "newsflow.tools"),
}
"""What each folder must not import: the layers above it (README, Architecture)."""


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    assert (ROOT / package).is_dir()
    assert offending(package, FORBIDDEN[package]) == []


def test_the_check_sees_an_import_it_forbids(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from flask import request\n    import api_service.app\n")
    assert imported_modules(module) >= {"flask", "api_service.app"}
