"""The map folder pyx12 needs, assembled at run time from the installed pyx12 plus our maps and element additions."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from lxml import etree

MAPS_DIR = Path(__file__).with_name("maps")
OUR_INDEX = "maps.xml"
DATAELE_ADDITIONS = "dataele_additions.xml"


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, reads no network and keeps no comments (F3)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def pyx12_map_dir() -> Path:
    """The map folder shipped inside the installed pyx12."""
    import pyx12  # imported here: only the reference validator needs it

    return Path(pyx12.__file__).with_name("map")


def our_map_files() -> list[Path]:
    """Our implementation-guide maps (every ``*.IL.xml``)."""
    return sorted(MAPS_DIR.glob("*.IL.xml"))


def merged_dataele(base: Path) -> bytes:
    """pyx12's dataele.xml with our additions put in (ours win on the same element number)."""
    tree = etree.parse(str(base / "dataele.xml"), safe_parser())
    root = tree.getroot()
    additions = etree.parse(str(MAPS_DIR / DATAELE_ADDITIONS), safe_parser()).getroot()
    ours = {e.get("ele_num"): e for e in additions.iter("data_ele")}
    for existing in list(root.iter("data_ele")):
        if existing.get("ele_num") in ours:
            root.remove(existing)
    for element in ours.values():
        root.append(element)
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))


def merged_index(base: Path) -> bytes:
    """pyx12's maps.xml with our entries first, so GE and IN groups resolve to our maps."""
    tree = etree.parse(str(base / "maps.xml"), safe_parser())
    root = tree.getroot()
    ours = etree.parse(str(MAPS_DIR / OUR_INDEX), safe_parser()).getroot()
    for version in ours.iter("version"):
        icvn = version.get("icvn")
        target = next((v for v in root.iter("version") if v.get("icvn") == icvn), None)
        if target is None:
            target = etree.SubElement(root, "version", icvn=icvn or "")
        for position, entry in enumerate(version.iter("map")):
            target.insert(position, entry)
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))


def _fingerprint(base: Path) -> str:
    """A hash of everything that goes into the folder, so a stale assembly is never reused."""
    digest = hashlib.sha256()
    for path in [base / "maps.xml", base / "dataele.xml", *sorted(MAPS_DIR.glob("*.xml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def assemble_map_dir(target: Path | None = None) -> Path:
    """Build (or reuse) the complete folder to pass to pyx12 as ``map_path=``."""
    base = pyx12_map_dir()
    if target is None:
        target = Path(tempfile.gettempdir()) / f"sbo-edi-maps-{_fingerprint(base)}"
        if (target / "READY").exists():
            return target
    staging = Path(tempfile.mkdtemp(prefix="sbo-edi-maps-", dir=target.parent))
    for source in base.iterdir():
        if source.is_file() and source.suffix in (".xml", ".xsd", ".dtd"):
            shutil.copy2(source, staging / source.name)
    for ours in our_map_files():
        shutil.copy2(ours, staging / ours.name)
    (staging / "dataele.xml").write_bytes(merged_dataele(base))
    (staging / "maps.xml").write_bytes(merged_index(base))
    (staging / "READY").write_text("assembled by sbo-edi\n")
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(staging, target)
    except OSError:
        # Another process assembled the same fingerprint first: theirs is identical.
        shutil.rmtree(staging, ignore_errors=True)
    return target
