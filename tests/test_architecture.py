"""Imports run one way: edi/ and rules/ know nothing of the CLI, logging or the clock."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"edi": {"click", "cli", "structlog"}, "rules": {"click", "cli", "structlog", "sqlite3", "edi.store"}}
# edi/logs.py is the one place structlog is configured; the rest of edi/ emits events through a plain callable.
ALLOWED = {"edi/batch/logs.py": {"structlog"}}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_layers_do_not_import_upwards() -> None:
    for package, forbidden in FORBIDDEN.items():
        for path in (ROOT / package).rglob("*.py"):
            allowed = ALLOWED.get(str(path.relative_to(ROOT)), set())
            bad = {n for n in imports(path) if (n.split(".")[0] in forbidden or n in forbidden)
                   and n.split(".")[0] not in allowed}
            assert not bad, f"{path.name} imports {bad}"


def test_no_hidden_clock_in_the_core() -> None:
    for package in ("edi", "rules"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            assert "datetime.now(" not in text and "date.today(" not in text and "time.time(" not in text, path.name
