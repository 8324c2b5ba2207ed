"""The layer checker: which package may import which, and where sqlite3, SQL text, structlog and the clock may live.

Run by tests/test_architecture.py on the real tree and on planted temporary trees. The arrows (README, Layout):

    x12 <- guides <- transactions <- flows <- batch <- cli
                     rules, store ----^       views, conformance
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

# Each layer and the layers (by prefix) it may import; a module may always import its own layer.
LAYERS: dict[str, frozenset[str]] = {
    "rules": frozenset(),
    "edi.naming": frozenset(),
    "edi.times": frozenset(),
    "edi.x12": frozenset(),
    "edi.guides": frozenset({"edi.x12", "edi.naming", "edi.times"}),
    "edi.transactions": frozenset({"edi.x12", "edi.naming", "edi.times", "rules"}),
    "edi.store": frozenset({"edi.schemas", "edi.naming", "edi.times", "rules"}),
    "edi.schemas": frozenset(),
    "edi.flows": frozenset(
        {"edi.x12", "edi.guides", "edi.transactions", "edi.store", "edi.naming", "edi.times", "rules"}
    ),
    "edi.views": frozenset({"edi.store", "edi.naming", "edi.times", "rules"}),
    "edi.batch": frozenset(
        {
            "edi.x12",
            "edi.guides",
            "edi.transactions",
            "edi.store",
            "edi.flows",
            "edi.views",
            "edi.naming",
            "edi.times",
            "rules",
        }
    ),
    "edi.commands": frozenset(
        {
            "edi.x12",
            "edi.guides",
            "edi.transactions",
            "edi.store",
            "edi.flows",
            "edi.views",
            "edi.batch",
            "edi.conformance",
            "edi.naming",
            "edi.times",
            "rules",
        }
    ),
    "edi.conformance": frozenset(
        {
            "edi.x12",
            "edi.guides",
            "edi.transactions",
            "edi.store",
            "edi.flows",
            "edi.views",
            "edi.naming",
            "edi.times",
            "rules",
        }
    ),
}
# The layers bottom to top: an arrow may only point down this list.
ORDER = ("rules", "edi.naming", "edi.times", "edi.x12", "edi.schemas", "edi.guides", "edi.transactions",
         "edi.store", "edi.flows", "edi.views", "edi.batch", "edi.conformance", "edi.commands")  # fmt: skip
# Outside libraries that belong to one place only.
OWNED = {"sqlite3": ("edi.store",), "structlog": ("edi.batch.logs",), "click": ("edi.commands",)}
SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?"
    r"(TABLE|INDEX)|BEGIN\s+IMMEDIATE|ROLLBACK|SAVEPOINT|COMMIT\b)"
)
CLOCK = ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow(")


def module_name(root: Path, path: Path) -> str:
    """``edi/x12/reader.py`` -> ``edi.x12.reader``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str | None:
    """The longest layer prefix of a module name (``edi.x12.reader`` -> ``edi.x12``)."""
    found = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return max(found, key=len) if found else None


def _imports(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """Every imported module name with its line (relative imports resolved against ``module``)."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
            names.append((node.lineno, base))
    return names


def _owned_by(name: str, module: str) -> str | None:
    """A complaint when ``name`` is an outside library that lives elsewhere."""
    top = name.split(".")[0]
    if top not in OWNED:
        return None
    owners = OWNED[top]
    if any(module == o or module.startswith(o + ".") for o in owners):
        return None
    return f"imports {top} (only in {', '.join(owners) or 'cli.py'})"


def check_file(root: Path, path: Path) -> list[str]:
    """Every arrow that runs the wrong way, and SQL, sqlite3, structlog or the clock where they do not belong."""
    module = module_name(root, path)
    layer = layer_of(module)
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    where = path.relative_to(root)
    problems = []
    for line, name in _imports(tree, module):
        owned = _owned_by(name, module)
        if owned:
            problems.append(f"{where}:{line}: {owned}")
        target = layer_of(name)
        if layer is not None and target is not None and target != layer and target not in LAYERS[layer]:
            problems.append(f"{where}:{line}: {layer} may not import {target} ({name})")
    if layer is None:
        return problems
    if not module.startswith("edi.store"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                problems.append(f"{where}:{node.lineno}: SQL text outside edi/store")
    if layer != "edi.commands":  # the command line is the outer edge: the one place the system clock is read
        problems += [f"{where}: reads the clock ({c})" for c in CLOCK if c in text]
    return problems


def check_tree(root: Path) -> list[str]:
    """Check every module of ``edi/`` and ``rules/`` under ``root``."""
    problems: list[str] = []
    for package in ("edi", "rules"):
        for path in sorted((root / package).rglob("*.py")):
            problems += check_file(root, path)
    return problems
