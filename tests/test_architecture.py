"""Imports run one way (the table in tests/layers.py); sqlite3 and SQL text live in edi/store; no hidden clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.layers import LAYERS, ORDER, check_tree, layer_of

ROOT = Path(__file__).resolve().parent.parent


def test_the_tree_keeps_its_layers() -> None:
    assert check_tree(ROOT) == []


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        str(p.relative_to(ROOT))
        for d in ("edi", "rules")
        for p in (ROOT / d).rglob("*.py")
        if layer_of(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")) is None
        and p.name != "__init__.py"
    ]
    assert strays == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name in (
        "edi/__init__.py",
        "edi/x12/__init__.py",
        "edi/store/__init__.py",
        "rules/__init__.py",
        "edi/flows/__init__.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('"""A package."""\n')
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("edi/x12/reader.py", "from edi.flows.inbound import FileProcessor\n", "edi.x12 may not import edi.flows"),
        ("edi/x12/reader.py", "import edi.store.ledger\n", "edi.x12 may not import edi.store"),
        ("rules/enrollment.py", "from edi.store.accounts import load_account\n", "rules may not import edi.store"),
        ("rules/enrollment.py", "from edi.x12.segments import Segment\n", "rules may not import edi.x12"),
        ("edi/store/ledger.py", "from edi.flows import handlers\n", "edi.store may not import edi.flows"),
        ("edi/flows/inbound.py", "import sqlite3\n", "imports sqlite3"),
        ("edi/flows/inbound.py", "from sqlite3 import Connection\n", "imports sqlite3"),
        ("edi/flows/inbound.py", 'Q = "SELECT 1 FROM outcomes"\n', "SQL text outside edi/store"),
        ("edi/flows/inbound.py", 'Q = "INSERT OR IGNORE INTO outcomes VALUES (1)"\n', "SQL text outside edi/store"),
        ("edi/flows/inbound.py", "import structlog\n", "imports structlog"),
        ("rules/enrollment.py", "import click\n", "imports click"),
        ("rules/calendar.py", "from datetime import datetime\nNOW = datetime.now()\n", "reads the clock"),
        ("edi/x12/reader.py", "from ..flows import inbound\n", "edi.x12 may not import edi.flows"),
        ("edi/commands/data.py", 'V = "PRAGMA user_version"\n', "SQL text outside edi/store"),
        ("edi/flows/inbound.py", 'Q = "ALTER TABLE outcomes ADD x"\n', "SQL text outside edi/store"),
    ],
)
def test_the_checker_catches_a_planted_violation(tmp_path: Path, name: str, text: str, complaint: str) -> None:
    problems = check_tree(_tree(tmp_path, {name: text}))
    assert any(complaint in p for p in problems), problems


def test_the_checker_catches_a_planted_circle_inside_a_package(tmp_path: Path) -> None:
    planted = {
        "edi/flows/a.py": "from edi.flows.b import B\n",
        "edi/flows/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from edi.flows.c import C\n",
        "edi/flows/c.py": "import edi.flows.a\n",
    }
    problems = check_tree(_tree(tmp_path, planted))
    assert problems == ["edi/flows: import circle edi.flows.a -> edi.flows.b -> edi.flows.c -> edi.flows.a"]


def test_the_checker_allows_what_the_table_allows(tmp_path: Path) -> None:
    allowed = {
        "edi/flows/inbound.py": "from edi.store.ledger import record_outcome\nfrom rules.outcomes import Outcome\n",
        "edi/store/ledger.py": 'import sqlite3\nfrom rules.outcomes import Outcome\nQ = "SELECT 1"\n',
        "rules/enrollment.py": "from rules.decisions import Decision\n",
    }
    assert check_tree(_tree(tmp_path, allowed)) == []


def test_the_table_has_no_upward_arrow() -> None:
    assert set(ORDER) == set(LAYERS)
    for layer, allowed in LAYERS.items():
        assert all(ORDER.index(target) < ORDER.index(layer) for target in allowed), layer
