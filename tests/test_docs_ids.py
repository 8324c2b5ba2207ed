"""Every id a comment or docstring cites (R3, D7, A8, B13, guide sections) is explained in docs/codes.md."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODES = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
ID = re.compile(r"\b([A-HMOR])(\d{1,2})\b")
RANGE = re.compile(r"\b([A-HMOR])(\d{1,2})-\1?(\d{1,2})\b")


def documented() -> set[str]:
    """Ids named in docs/codes.md, ranges such as B1-B4 or M1-M9 expanded."""
    ids = {f"{m.group(1)}{m.group(2)}" for m in ID.finditer(CODES)}
    for m in RANGE.finditer(CODES):
        ids |= {f"{m.group(1)}{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1)}
    return ids


def cited(path: Path) -> set[str]:
    """Ids in the comments and docstrings of one module (not in code: REF*7G values there are data)."""
    text = path.read_text(encoding="utf-8")
    prose = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            prose.append(ast.get_docstring(node) or "")
    found = set()
    for line in prose:
        for m in RANGE.finditer(line):
            found |= {f"{m.group(1)}{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1)}
        found |= {f"{m.group(1)}{m.group(2)}" for m in ID.finditer(line)}
    return found


def test_every_cited_id_is_explained_in_docs() -> None:
    known = documented()
    missing = {}
    for path in [*sorted((ROOT / "edi").rglob("*.py")), *sorted((ROOT / "rules").rglob("*.py")), ROOT / "cli.py"]:
        unknown = cited(path) - known
        if unknown:
            missing[str(path.relative_to(ROOT))] = sorted(unknown)
    assert missing == {}


def test_guide_sections_cited_are_the_ones_docs_describe() -> None:
    sections = {int(n) for path in (ROOT / "edi").rglob("*.py")
                for n in re.findall(r"guide section (\d+)", path.read_text(encoding="utf-8"))}  # fmt: skip
    assert sections and sections <= set(range(1, 11))
    assert "10 partner facts" in CODES


def test_the_checker_sees_an_unknown_id(tmp_path: Path) -> None:
    planted = tmp_path / "m.py"
    planted.write_text('"""Cites R9 and E6."""\n# and Z1 is not an id form, but H8 is one\n')
    assert cited(planted) - documented() == {"R9", "H8"}
