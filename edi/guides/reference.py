"""pyx12 as the reference validator: its per-set verdicts on a file, against the same maps, never an exception."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from edi.guides.mapdir import assemble_map_dir


@dataclass
class ReferenceVerdict:
    """What pyx12 said: per (GS06, ST02) A or R, or why it could not say anything."""

    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)
    failure: str = ""
    ta1: str = ""


def _parse_997(text: str) -> dict[tuple[str, str], str]:
    """AK5 per AK2 from pyx12's 997 output (its envelope is ignored)."""
    verdicts: dict[tuple[str, str], str] = {}
    group = ""
    current: str | None = None
    terminator = text[105] if len(text) > 105 else "~"
    element = text[3] if len(text) > 3 else "*"
    for raw in text.split(terminator):
        values = raw.strip().split(element)
        tag = values[0]
        if tag == "AK1" and len(values) > 2:
            group = values[2]
        elif tag == "AK2" and len(values) > 2:
            current = values[2]
        elif tag == "AK5" and current is not None and len(values) > 1:
            verdicts[(group, current)] = values[1]
            current = None
    return verdicts


def pyx12_verdicts(path: Path, map_dir: Path | None = None) -> ReferenceVerdict:
    """Run pyx12's x12n_document on ``path`` with our assembled map folder."""
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    folder = map_dir or assemble_map_dir()
    out = io.StringIO()
    try:
        pyx12.x12n_document.x12n_document(pyx12.params.params(), str(path), out, None, map_path=str(folder))
    except Exception as error:
        return ReferenceVerdict(failure=f"{type(error).__name__}: {error}"[:200])
    return ReferenceVerdict(verdicts=_parse_997(out.getvalue()))
