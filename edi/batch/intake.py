"""The inbox scanner: which entries are complete files ready to take, which are still settling, which are not files.

Guide to the rules: A1 (settle or done-marker), A2 (temporary names ignored), A4 (regular files
only, never followed links), A5 (size cap before parsing).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TEMPORARY_SUFFIXES = (".tmp", ".part", ".filepart", ".partial", ".crdownload")
DONE_SUFFIX = ".done"  # a partner may write NAME.done after NAME to say it is complete


@dataclass(frozen=True)
class Candidate:
    """A regular file in the inbox, with what lstat said about it."""

    name: str
    path: Path
    size: int
    mtime: float
    done_marker: Path | None = None


@dataclass
class Scan:
    """One look at the inbox."""

    ready: list[Candidate] = field(default_factory=list)
    settling: list[str] = field(default_factory=list)
    not_files: list[tuple[Path, str]] = field(default_factory=list)  # symlinks, FIFOs, devices: quarantined


def is_temporary(name: str) -> bool:
    """Names an uploader uses while writing, dot files and done-markers themselves (A2)."""
    lowered = name.lower()
    return name.startswith(".") or lowered.endswith(TEMPORARY_SUFFIXES) or lowered.endswith(DONE_SUFFIX)


def scan_inbox(inbox: Path, wall_clock: Callable[[], float], settle_seconds: float) -> Scan:
    """Regular, non-temporary files still for ``settle_seconds`` (size and mtime), or marked done."""
    result = Scan()
    try:
        names = sorted(os.listdir(inbox))
    except OSError:
        return result
    now = wall_clock()
    for name in names:
        if is_temporary(name):
            continue
        path = inbox / name
        try:
            info = os.lstat(path)
        except OSError:
            continue  # gone since the listing
        if stat.S_ISDIR(info.st_mode):
            continue
        if not stat.S_ISREG(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            result.not_files.append((path, f"{kind}: never opened or followed (A4)"))
            continue
        marker = inbox / f"{name}{DONE_SUFFIX}"
        has_marker = os.path.lexists(marker)
        if not has_marker and now - info.st_mtime < settle_seconds:
            result.settling.append(name)
            continue
        result.ready.append(Candidate(name, path, info.st_size, info.st_mtime, marker if has_marker else None))
    return result


def still_settled(candidate: Candidate) -> bool:
    """The file did not change between the scan and now (a writer that resumed makes it wait for the next scan)."""
    try:
        info = os.lstat(candidate.path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == candidate.size and info.st_mtime == candidate.mtime


def printable_name(name: str) -> str:
    r"""The original name escaped for the ledger and reason files (F1): printable ASCII, every other byte as \xNN."""
    raw = os.fsencode(name)
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in raw)[:300]
