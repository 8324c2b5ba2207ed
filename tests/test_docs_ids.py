"""Every id a comment or docstring cites (R3, D7, A8, B13, guide sections) is explained in docs/codes.md."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODES = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
ID = re.compile(r"\b(BR|[A-IMOR])(\d{1,2})\b")
RANGE = re.compile(r"\b(BR|[A-IMOR])(\d{1,2})-\1?(\d{1,2})\b")
ISSUE = re.compile(r"\bissue \d+", re.IGNORECASE)  # issue numbers mean nothing to a reader of the repository


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
    assert sections and sections <= set(range(1, 12))
    assert "10 partner facts" in CODES


def test_the_checker_sees_an_unknown_id(tmp_path: Path) -> None:
    planted = tmp_path / "m.py"
    planted.write_text('"""Cites R9 and E6."""\n# and Z1 is not an id form, but H8 and BR7 are\n')
    assert cited(planted) - documented() == {"R9", "H8", "BR7"}


def test_code_cites_no_issue_numbers() -> None:
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}"
             for p in [*ROOT.joinpath("edi").rglob("*.py"), *ROOT.joinpath("rules").rglob("*.py"), ROOT / "cli.py"]
             for m in ISSUE.finditer(p.read_text(encoding="utf-8"))]  # fmt: skip
    assert found == []


def test_every_command_is_documented_in_docs() -> None:
    import click

    from cli import main

    def commands(group: click.Group, prefix: str) -> list[str]:
        names = []
        for name, command in sorted(group.commands.items()):
            names.append(f"{prefix}{name}")
            if isinstance(command, click.Group):
                names += commands(command, f"{prefix}{name} ")
        return names

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
    docs = re.sub(r"[ \t]+", " ", text)  # aligned synopses: "sbo-edi calendar  import"
    assert isinstance(main, click.Group)
    missing = [name for name in commands(main, "sbo-edi ") if name not in docs]
    assert missing == []


def test_readme_stays_a_few_screens_and_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 10 * 1024
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, page.name
