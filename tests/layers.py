"""The layer checker: which package may import which, and where sqlite3, SQL text, structlog and the clock may live.

Run by tests/test_architecture.py on the real tree and on planted trees. The arrows (docs/reference.md, Layout):

    x12 <- guides <- transactions <- flows (delivery <- outbound, inbound) <- batch <- cli
                     rules, store ----^                                      views, conformance
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

# Each layer and the layers (by prefix) it may import; a module may always import its own layer.
_BELOW_FLOWS = frozenset({"edi.x12", "edi.guides", "edi.transactions", "edi.store", "edi.naming", "edi.times", "rules"})
_FLOWS = frozenset({"edi.flows", "edi.flows.delivery", "edi.flows.outbound", "edi.flows.inbound"})
LAYERS: dict[str, frozenset[str]] = {
    "rules": frozenset(),
    "edi.naming": frozenset(),
    "edi.times": frozenset(),
    "edi.x12": frozenset(),
    "edi.guides": frozenset({"edi.x12", "edi.naming", "edi.times"}),
    "edi.transactions": frozenset({"edi.x12", "edi.naming", "edi.times", "rules"}),
    "edi.store": frozenset({"edi.schemas", "edi.naming", "edi.times", "rules"}),
    "edi.schemas": frozenset(),
    # edi/flows is three rooms over its hooks: delivery, then the outbound orchestrators and the inbound engine.
    "edi.flows": _BELOW_FLOWS,
    "edi.flows.delivery": _BELOW_FLOWS | {"edi.flows"},
    "edi.flows.outbound": _BELOW_FLOWS | {"edi.flows", "edi.flows.delivery"},
    "edi.flows.inbound": _BELOW_FLOWS | {"edi.flows", "edi.flows.delivery"},
    "edi.views": frozenset({"edi.transactions", "edi.x12", "edi.store", "edi.naming", "edi.times", "rules"}),
    "edi.batch": _BELOW_FLOWS | _FLOWS | {"edi.views"},
    "edi.commands": _BELOW_FLOWS | _FLOWS | {"edi.views", "edi.batch", "edi.conformance"},
    "edi.conformance": _BELOW_FLOWS | _FLOWS | {"edi.views"},
}
# The layers bottom to top: an arrow may only point down this list.
ORDER = ("rules", "edi.naming", "edi.times", "edi.x12", "edi.schemas", "edi.guides", "edi.transactions",
         "edi.store", "edi.flows", "edi.flows.delivery", "edi.flows.outbound", "edi.flows.inbound", "edi.views",
         "edi.batch", "edi.conformance", "edi.commands")  # fmt: skip
# Outside libraries that belong to one place only.
OWNED = {"sqlite3": ("edi.store",), "psycopg": ("edi.store",), "structlog": ("edi.batch.logs",),
         "click": ("edi.commands",)}  # fmt: skip
SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?"
    r"(TABLE|INDEX)|BEGIN\s+IMMEDIATE|ROLLBACK|SAVEPOINT|COMMIT\b|PRAGMA\s+\w|ALTER\s+TABLE|DROP\s+(TABLE|INDEX)"
    r"|VACUUM\b|ATTACH\s+DATABASE|WITH\s+RECURSIVE)"
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


def _package_graph(root: Path, package: Path) -> dict[str, set[str]]:
    """Which module of one package imports which of its siblings (type-level imports count: they are arrows too)."""
    modules = {module_name(root, p): p for p in package.glob("*.py") if p.name != "__init__.py"}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _line, imported in _imports(ast.parse(path.read_text(encoding="utf-8")), name):
            graph[name] |= {m for m in modules if m != name and (imported == m or imported.startswith(m + "."))}
    return graph


def circles(root: Path) -> list[str]:
    """Every import circle among the modules of one package (``a -> b -> a``), each named once."""
    found: list[str] = []
    for package in sorted({p.parent for d in ("edi", "rules") for p in (root / d).rglob("*.py")}):
        graph = _package_graph(root, package)
        seen: set[frozenset[str]] = set()
        for start in sorted(graph):
            for path in _cycles_from(graph, start):
                if frozenset(path) not in seen:
                    seen.add(frozenset(path))
                    found.append(f"{package.relative_to(root)}: import circle {' -> '.join([*path, path[0]])}")
    return found


def _cycles_from(graph: dict[str, set[str]], start: str) -> list[list[str]]:
    """The simple cycles through ``start`` whose other modules sort after it (so each cycle is found once)."""
    cycles: list[list[str]] = []
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for target in sorted(graph[node]):
            if target == start:
                cycles.append(path)
            elif target > start and target not in path and len(path) < 8:
                stack.append((target, [*path, target]))
    return cycles


def check_tree(root: Path) -> list[str]:
    """Check every module of ``edi/`` and ``rules/`` under ``root``, and the import circles inside each package."""
    problems: list[str] = []
    for package in ("edi", "rules"):
        for path in sorted((root / package).rglob("*.py")):
            problems += check_file(root, path)
    return problems + circles(root)
