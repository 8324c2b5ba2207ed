"""Conformance runs: every case of a suite in a sandbox store, compared segment by segment, reported for people and CI.

A case may list ``volatile`` fields in ``case.json`` (``ISA09``, ``GS06``, ``BIG01``, ...): they are not compared,
for cases run without a fixed clock (a step with no ``now``) or whose control numbers are not fixed.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi.conformance.cases import Case, expected_files, load_case, run_case

VOLATILE_MARK = "<volatile>"


@dataclass(frozen=True)
class SegmentChange:
    """One difference between the expected and the produced file: a segment removed, added or changed."""

    kind: str  # "-" expected only, "+" produced only, "~" changed
    number: int  # segment (or line) number in the expected file, 1-based; 0 when only produced
    expected: str
    got: str
    elements: tuple[int, ...] = ()  # for "~": which element positions differ

    def describe(self) -> str:
        """One or two lines a person can read."""
        if self.kind == "-":
            return f"  segment {self.number}: expected {self.expected!r}, missing"
        if self.kind == "+":
            return f"  extra segment: {self.got!r}"
        where = ", ".join(f"{_tag(self.expected)}{p:02d}" for p in self.elements) or "text"
        return f"  segment {self.number} ({where}): expected {self.expected!r}\n{'':>14}got      {self.got!r}"


def _tag(segment: str) -> str:
    return segment.split("*", 1)[0]


@dataclass
class FileDiff:
    """What differs in one output file (or that it is missing or unexpected)."""

    name: str
    status: str  # "missing", "unexpected", "different"
    changes: list[SegmentChange] = field(default_factory=list)
    expected_text: str = ""
    got_text: str = ""

    def describe(self) -> str:
        """The file's verdict and its segment changes."""
        if self.status != "different":
            return f"{self.name}: {self.status}"
        return "\n".join([f"{self.name}: {len(self.changes)} segment(s) differ", *(c.describe() for c in self.changes)])


@dataclass
class CaseResult:
    """One case's verdict."""

    name: str
    description: str
    covers: tuple[str, ...]
    seconds: float
    diffs: list[FileDiff] = field(default_factory=list)
    error: str = ""

    @property
    def passed(self) -> bool:
        """Every file as expected, and no error."""
        return not self.diffs and not self.error


@dataclass
class SuiteResult:
    """All cases of a suite."""

    name: str
    cases: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[CaseResult]:
        """The cases that did not pass."""
        return [c for c in self.cases if not c.passed]


def segments_of(text: str) -> list[str]:
    """An X12 output as its segments (our outputs end each one with ``~`` and a line break); other text by line."""
    if text.startswith("ISA"):
        return [s.strip("\r\n") for s in text.split("~") if s.strip("\r\n")]
    return text.splitlines()


def _mask(segment: str, volatile: frozenset[str]) -> str:
    tag = _tag(segment)
    if not any(v.startswith(tag) for v in volatile):
        return segment
    elements = segment.split("*")
    for position in range(1, len(elements)):
        if f"{tag}{position:02d}" in volatile:
            elements[position] = VOLATILE_MARK
    return "*".join(elements)


_ELEMENT_REF = re.compile(r"[A-Z][A-Z0-9]{1,2}[0-9]{2}\Z")


def _mask_json(text: str, keys: frozenset[str]) -> str:
    """A JSON file (state.json) with the values of volatile keys masked, at any depth."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: VOLATILE_MARK if k in keys else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    try:
        return json.dumps(walk(json.loads(text)), indent=2, sort_keys=True) + "\n"
    except ValueError:
        return text


def diff_text(name: str, expected: str, got: str, volatile: frozenset[str] = frozenset()) -> FileDiff | None:
    """Segment-by-segment differences (volatile elements masked), or None when the file is as expected.

    Volatile entries shaped like an element reference (``ISA13``) mask X12 elements; others (``as_of``) mask
    the values of those keys in JSON files.
    """
    keys = frozenset(v for v in volatile if not _ELEMENT_REF.match(v))
    if keys and name.endswith(".json"):
        expected, got = _mask_json(expected, keys), _mask_json(got, keys)
    want = [_mask(s, volatile) for s in segments_of(expected)]
    have = [_mask(s, volatile) for s in segments_of(got)]
    if want == have:
        return None
    changes: list[SegmentChange] = []
    matcher = difflib.SequenceMatcher(a=want, b=have, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a1 - a0, b1 - b0) if op == "replace" else 0
        for k in range(pairs):
            e, g = want[a0 + k], have[b0 + k]
            ee, ge = e.split("*"), g.split("*")
            positions = tuple(
                i
                for i in range(1, max(len(ee), len(ge)))
                if (ee[i] if i < len(ee) else None) != (ge[i] if i < len(ge) else None)
            )
            changes.append(SegmentChange("~", a0 + k + 1, e, g, positions))
        for i in range(a0 + pairs, a1):
            changes.append(SegmentChange("-", i + 1, want[i], ""))
        for j in range(b0 + pairs, b1):
            changes.append(SegmentChange("+", 0, "", have[j]))
    return FileDiff(name, "different", changes, expected, got)


def compare(expected: dict[str, str], produced: dict[str, str], volatile: frozenset[str]) -> list[FileDiff]:
    """Every expected file against what the run produced."""
    diffs: list[FileDiff] = []
    for name in sorted(set(expected) | set(produced)):
        if name not in produced:
            diffs.append(FileDiff(name, "missing", expected_text=expected[name]))
        elif name not in expected:
            diffs.append(FileDiff(name, "unexpected", got_text=produced[name]))
        else:
            found = diff_text(name, expected[name], produced[name], volatile)
            if found is not None:
                diffs.append(found)
    return diffs


def run_one(case: Case, reference: Path) -> CaseResult:
    """Run and compare one case; a crash of the case is its error, never the suite's."""
    started = time.perf_counter()
    result = CaseResult(case.name, case.description, case.covers, 0.0)
    try:
        produced = run_case(case, reference)
        result.diffs = compare(expected_files(case), produced, case.volatile)
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
    result.seconds = time.perf_counter() - started
    return result


def run_suite(suite: Path, reference: Path) -> SuiteResult:
    """Every case folder (one holding a case.json) of ``suite``, in name order."""
    started = time.perf_counter()
    result = SuiteResult(suite.name)
    for folder in sorted(p for p in suite.iterdir() if (p / "case.json").is_file()):
        result.cases.append(run_one(load_case(folder), reference))
    result.seconds = time.perf_counter() - started
    return result
