"""Conformance reports: JUnit XML for CI systems, one self-contained HTML page for people (both written with lxml)."""

from __future__ import annotations

from datetime import datetime

from lxml import etree
from lxml import html as lxml_html
from lxml.builder import E

from edi.conformance.suite import CaseResult, SuiteResult

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; }
caption { text-align: left; font-weight: bold; padding: .25em 0; }
td, th { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
.pass { color: #176f2c; } .fail { color: #b00020; font-weight: bold; }
.summary span { margin-right: 1.5em; }
.diff td { font-family: ui-monospace, monospace; font-size: .9em; white-space: pre-wrap; word-break: break-all; }
.diff .expected { background: #fdecea; } .diff .got { background: #e8f5e9; }
mark { background: #ffe08a; }
"""


def junit_xml(suite: SuiteResult, timestamp: datetime) -> bytes:
    """``testsuites`` > ``testsuite`` > ``testcase`` with ``failure`` (diffs) or ``error`` (the case crashed)."""
    failures = sum(1 for c in suite.cases if c.diffs and not c.error)
    errors = sum(1 for c in suite.cases if c.error)
    root = etree.Element(
        "testsuites",
        name="sbo-edi conformance",
        tests=str(len(suite.cases)),
        failures=str(failures),
        errors=str(errors),
        time=f"{suite.seconds:.3f}",
    )
    node = etree.SubElement(
        root,
        "testsuite",
        name=suite.name,
        tests=str(len(suite.cases)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{suite.seconds:.3f}",
        timestamp=timestamp.isoformat(timespec="seconds"),
    )
    for case in suite.cases:
        item = etree.SubElement(
            node, "testcase", name=case.name, classname=f"conformance.{suite.name}", time=f"{case.seconds:.3f}"
        )
        if case.error:
            error = etree.SubElement(item, "error", type="CaseError", message=case.error[:200])
            error.text = case.error
        elif case.diffs:
            failure = etree.SubElement(
                item, "failure", type="OutputMismatch", message=f"{len(case.diffs)} output file(s) differ"
            )
            failure.text = "\n".join(d.describe() for d in case.diffs)
        out = etree.SubElement(item, "system-out")
        out.text = f"{case.description}\ncovers: {', '.join(case.covers)}"
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _marked(segment: str, positions: tuple[int, ...]) -> list[object]:
    """A segment with its differing elements highlighted."""
    parts: list[object] = []
    for index, value in enumerate(segment.split("*")):
        if index:
            parts.append("*")
        parts.append(E.mark(value) if index in positions else value)
    return parts


def _case_section(case: CaseResult) -> object:
    status = E.span("PASS", {"class": "pass"}) if case.passed else E.span("FAIL", {"class": "fail"})
    section = E.section(
        {"id": f"case-{case.name}", "class": "case"},
        E.h2(status, " ", case.name),
        E.p(case.description, E.br(), "covers: ", ", ".join(case.covers)),
    )
    if case.error:
        section.append(E.pre({"class": "error"}, case.error))
    for diff in case.diffs:
        table = E.table(
            {"class": "diff"},
            E.caption(f"{diff.name}: {diff.status}"),
            E.tr(E.th("segment"), E.th("expected"), E.th("got")),
        )
        if diff.status == "missing":
            table.append(E.tr(E.td("-"), E.td({"class": "expected"}, diff.expected_text), E.td({"class": "got"}, "")))
        elif diff.status == "unexpected":
            table.append(E.tr(E.td("-"), E.td({"class": "expected"}, ""), E.td({"class": "got"}, diff.got_text)))
        for change in diff.changes:
            table.append(
                E.tr(
                    E.td(str(change.number or "")),
                    E.td({"class": "expected"}, *_marked(change.expected, change.elements)),
                    E.td({"class": "got"}, *_marked(change.got, change.elements)),
                )
            )
        section.append(table)
    return section


def html_report(suite: SuiteResult, timestamp: datetime) -> str:
    """One page: summary, every case with pass or fail, side-by-side segment diffs of the failures. No outside links."""
    passed = len(suite.cases) - len(suite.failed)
    rows = [
        E.tr(
            E.td(E.a(c.name, href=f"#case-{c.name}")),
            E.td(E.span("PASS", {"class": "pass"}) if c.passed else E.span("FAIL", {"class": "fail"})),
            E.td(", ".join(c.covers)),
            E.td(f"{c.seconds:.2f} s"),
        )
        for c in suite.cases
    ]
    page = E.html(
        E.head(E.meta(charset="utf-8"), E.title(f"sbo-edi conformance: {suite.name}"), E.style(CSS)),
        E.body(
            E.h1(f"sbo-edi conformance: {suite.name}"),
            E.p(
                {"class": "summary"},
                E.span(f"{len(suite.cases)} cases"),
                E.span(f"{passed} passed"),
                E.span(f"{len(suite.failed)} failed"),
                E.span(f"{suite.seconds:.1f} s"),
                E.span(f"run {timestamp.isoformat(timespec='seconds')}"),
            ),
            E.table({"class": "cases"}, E.tr(E.th("case"), E.th("result"), E.th("covers"), E.th("time")), *rows),
            *[_case_section(c) for c in suite.cases],
        ),
    )
    return "<!DOCTYPE html>\n" + str(lxml_html.tostring(page, encoding="unicode", pretty_print=True))


def terminal_lines(suite: SuiteResult) -> list[str]:
    """The terminal summary: each failure with its diff, then the counts."""
    lines = []
    for case in suite.failed:
        lines.append(f"FAIL {case.name}: {case.description}")
        if case.error:
            lines.append(f"  error: {case.error}")
        lines.extend("  " + d.describe().replace("\n", "\n  ") for d in case.diffs)
    lines.append(
        f"{len(suite.cases)} case(s): {len(suite.cases) - len(suite.failed)} passed,"
        f" {len(suite.failed)} failed in {suite.seconds:.1f} s"
    )
    return lines
