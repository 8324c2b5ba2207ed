"""Implementation guides as data: pyx12-format XML maps compiled (with lxml) into rules our engine walks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from edi.guides.mapdir import DATAELE_ADDITIONS, MAPS_DIR, OUR_INDEX, pyx12_map_dir, safe_parser


@dataclass(frozen=True, slots=True)
class DataElement:
    """An X12 dictionary entry: type and length bounds."""

    number: str
    data_type: str
    min_len: int
    max_len: int
    name: str


@dataclass(frozen=True, slots=True)
class ElementRule:
    """One element position of a segment as the guide uses it."""

    xid: str
    seq: int
    data_element: DataElement
    usage: str
    codes: frozenset[str] | None
    name: str


@dataclass(frozen=True, slots=True)
class SyntaxRule:
    """An X12 relational condition such as ``P0304``: kind letter and 1-based element positions."""

    kind: str
    positions: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> SyntaxRule:
        """Read ``P0304`` style notation."""
        digits = text[1:]
        return cls(text[0], tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2)))


@dataclass(slots=True, eq=False)
class SegmentRule:
    """A segment node of the guide; ``qualifier`` holds the codes of element 01 that pick this node."""

    tag: str
    name: str
    usage: str
    pos: int
    max_use: int
    elements: tuple[ElementRule, ...]
    syntax: tuple[SyntaxRule, ...]
    qualifier: frozenset[str] | None
    loop_id: str = ""

    def matches(self, values: list[str]) -> bool:
        """Whether a segment with these elements is this node (same tag, qualifier in the node's codes)."""
        if values[0] != self.tag:
            return False
        return self.qualifier is None or (len(values) > 1 and values[1] in self.qualifier)


@dataclass(slots=True, eq=False)
class LoopRule:
    """An explicit loop: starts with its first segment, repeats up to ``repeat`` times."""

    xid: str
    name: str
    usage: str
    pos: int
    repeat: int
    children: list[SegmentRule | LoopRule] = field(default_factory=list)

    @property
    def first(self) -> SegmentRule:
        """The segment that starts an iteration of this loop."""
        head = self.children[0]
        return head if isinstance(head, SegmentRule) else head.first

    @property
    def segment_id(self) -> str:
        """The X12 loop identifier used in AK303 (the tag of the loop's first segment)."""
        return self.first.tag


@dataclass(slots=True, eq=False)
class TransactionGuide:
    """A compiled map: ST/SE element rules and the body loop between them."""

    code: str
    name: str
    file: str
    functional_id: str
    version: str
    st: SegmentRule
    se: SegmentRule
    body: LoopRule
    tags: frozenset[str]


def _int(text: str | None, default: int) -> int:
    """Parse a repeat or max_use, where ``>1`` means unbounded."""
    if text is None:
        return default
    text = text.strip()
    if text.startswith(">"):
        return 1 << 30
    return int(text)


def load_data_elements(base: Path | None = None) -> dict[str, DataElement]:
    """pyx12's element dictionary plus our additions."""
    result: dict[str, DataElement] = {}
    sources = [(base or pyx12_map_dir()) / "dataele.xml", MAPS_DIR / DATAELE_ADDITIONS]
    for path in sources:
        for node in etree.parse(str(path), safe_parser()).getroot().iter("data_ele"):
            number = node.get("ele_num", "")
            result[number] = DataElement(
                number,
                node.get("data_type", "AN"),
                int(node.get("min_len", "0")),
                int(node.get("max_len", "0")),
                node.get("name", ""),
            )
    return result


class _Compiler:
    """Turns the XML of one map into rule objects."""

    def __init__(self, elements: dict[str, DataElement]) -> None:
        self.elements = elements
        self.tags: set[str] = set()

    def segment(self, node: etree._Element, loop_id: str) -> SegmentRule:
        rules = []
        for element in node.findall("element"):
            number = element.findtext("data_ele", "").strip()
            dictionary = self.elements.get(number) or DataElement(number, "AN", 1, 9999, "undefined")
            codes = [c.text.strip() for c in element.iterfind("valid_codes/code") if c.text]
            rules.append(
                ElementRule(
                    element.get("xid", ""),
                    int(element.findtext("seq", "0")),
                    dictionary,
                    element.findtext("usage", "S").strip(),
                    frozenset(codes) if codes else None,
                    element.findtext("name", "").strip(),
                )
            )
        rules.sort(key=lambda r: r.seq)
        qualifier = rules[0].codes if rules and rules[0].data_element.data_type == "ID" else None
        tag = node.get("xid", "")
        self.tags.add(tag)
        return SegmentRule(
            tag,
            node.findtext("name", "").strip(),
            node.findtext("usage", "S").strip(),
            _int(node.findtext("pos"), 0),
            _int(node.findtext("max_use"), 1),
            tuple(rules),
            tuple(SyntaxRule.parse(s.text.strip()) for s in node.findall("syntax") if s.text),
            qualifier,
            loop_id,
        )

    def children(self, node: etree._Element, into: LoopRule, loop_id: str) -> None:
        """Add a loop's children; wrapper loops (HEADER, DETAIL) are flattened with positions kept in order."""
        for child in node:
            if child.tag == "segment":
                into.children.append(self.segment(child, loop_id))
            elif child.tag == "loop" and child.get("type") == "wrapper":
                # Wrapper loops are tables, not X12 loops: their children keep their relative order.
                offset = _int(child.findtext("pos"), 0) * 1000
                start = len(into.children)
                self.children(child, into, loop_id)
                for rule in into.children[start:]:
                    rule.pos += offset
            elif child.tag == "loop":
                loop = LoopRule(
                    child.get("xid", ""),
                    child.findtext("name", "").strip(),
                    child.findtext("usage", "S").strip(),
                    _int(child.findtext("pos"), 0),
                    _int(child.findtext("repeat"), 1),
                )
                self.children(child, loop, "")
                for rule in loop.children:
                    if isinstance(rule, SegmentRule) and not rule.loop_id:
                        rule.loop_id = loop.segment_id
                into.children.append(loop)


def compile_guide(path: Path, elements: dict[str, DataElement], functional_id: str, version: str) -> TransactionGuide:
    """Compile one map file."""
    root = etree.parse(str(path), safe_parser()).getroot()
    st_loop = root.find("loop/loop/loop[@xid='ST_LOOP']")
    if st_loop is None:
        raise ValueError(f"{path.name}: no ISA_LOOP/GS_LOOP/ST_LOOP")
    compiler = _Compiler(elements)
    st = compiler.segment(st_loop.find("segment[@xid='ST']"), "")
    se = compiler.segment(st_loop.find("segment[@xid='SE']"), "")
    body = LoopRule("ST_LOOP", "Transaction set", "R", 0, 1)
    compiler.children(st_loop, body, "")
    body.children = [c for c in body.children if not (isinstance(c, SegmentRule) and c.tag in ("ST", "SE"))]
    code = root.get("xid", "")
    return TransactionGuide(
        code,
        root.findtext("name", "").strip(),
        path.name,
        functional_id,
        version,
        st,
        se,
        body,
        frozenset(compiler.tags),
    )


@dataclass(frozen=True)
class GuideSet:
    """Every compiled guide, looked up as pyx12 does: by ISA12, GS01 and GS08, then ST01."""

    guides: dict[tuple[str, str, str], TransactionGuide]

    def for_group(self, icvn: str, functional_id: str, version: str) -> TransactionGuide | None:
        """The guide for a functional group, or None when the group is not supported."""
        return self.guides.get((icvn, functional_id, version))

    def supports_functional_id(self, functional_id: str) -> bool:
        """Whether any guide accepts this GS01."""
        return any(key[1] == functional_id for key in self.guides)

    @property
    def functional_ids(self) -> tuple[str, ...]:
        """Every GS01 some guide accepts, sorted."""
        return tuple(sorted({key[1] for key in self.guides}))

    def supports_version(self, functional_id: str, version: str) -> bool:
        """Whether this GS01 is supported in this GS08 version."""
        return any(key[1] == functional_id and key[2] == version for key in self.guides)


@lru_cache(maxsize=4)
def load_guides(maps_dir: Path = MAPS_DIR) -> GuideSet:
    """Compile every map named in our ``maps.xml``."""
    elements = load_data_elements()
    index = etree.parse(str(maps_dir / OUR_INDEX), safe_parser()).getroot()
    guides = {}
    for version in index.iter("version"):
        icvn = version.get("icvn", "")
        for entry in version.iter("map"):
            fic, vriic, file = entry.get("fic", ""), entry.get("vriic", ""), (entry.text or "").strip()
            guides[(icvn, fic, vriic)] = compile_guide(maps_dir / file, elements, fic, vriic)
    return GuideSet(guides)
