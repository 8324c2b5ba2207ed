"""Files that are either complete under their final name or absent: temp in the same folder, fsync, rename, fsync.

G2 (no half-written outbound file), E3 (no partial file under a final name on ENOSPC/EIO), E5
(temp in the destination folder, so rename never crosses file systems), F8 (restrictive permissions).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

FILE_MODE = 0o640
DIR_MODE = 0o750
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_regular(path: Path) -> int:
    """Open an input file to read: never through a link, never blocking on a FIFO; fstat on the descriptor (H4)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (it changed after the inbox scan)")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def ensure_folder(folder: Path) -> None:
    """Create a folder with restrictive permissions (existing folders are left as the operator set them)."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


class Disk:
    """The file operations the publish protocol makes, one method each: the seam a crash-simulating double fills.

    This one is the real disk. ``tests/fsdouble.py`` records the same calls and "crashes" by keeping only what was
    made durable (ALICE-style, M2), so the tests can show the protocol holds at every step.
    """

    def create(self, path: Path) -> int:
        """A new file, exclusively, never through a link."""
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)

    def write(self, fd: int, data: bytes) -> None:
        """All of ``data``."""
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    def fsync(self, fd: int) -> None:
        """The file's content made durable."""
        os.fsync(fd)

    def close(self, fd: int) -> None:
        """Done with the file."""
        os.close(fd)

    def replace(self, source: Path, target: Path) -> None:
        """Rename within one folder (atomic for readers)."""
        os.replace(source, target)

    def unlink(self, path: Path) -> None:
        """Remove a name."""
        os.unlink(path)

    def fsync_folder(self, folder: Path) -> None:
        """A rename or unlink in ``folder`` made durable."""
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


DISK = Disk()


def fsync_folder(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` durable."""
    DISK.fsync_folder(folder)


def write_atomically(folder: Path, name: str, data: bytes | Iterable[bytes],
                     failpoint: Callable[[str], None] = lambda _: None, disk: Disk = DISK) -> Path:  # fmt: skip
    """Write ``data`` (bytes, or its pieces in order) to ``folder/name``: a reader sees all of it or nothing (G2)."""
    final = folder / name
    temp = folder / f".{name}.part"  # a dot name: scanners on the other side ignore it
    with contextlib.suppress(FileNotFoundError):
        disk.unlink(temp)  # left by an earlier crash
    fd = disk.create(temp)
    try:
        for piece in (data,) if isinstance(data, bytes) else data:
            disk.write(fd, piece)
        disk.fsync(fd)  # the content is durable before the name points at it
    except BaseException:
        disk.close(fd)
        _discard(temp, disk)
        raise
    disk.close(fd)
    failpoint("after_temp_write")
    try:
        disk.replace(temp, final)
    except BaseException:
        _discard(temp, disk)
        raise
    failpoint("after_rename")
    disk.fsync_folder(folder)  # the new name is durable before the caller marks the document sent
    return final


def _discard(path: Path, disk: Disk = DISK) -> None:
    with contextlib.suppress(OSError):
        disk.unlink(path)


def move_durably(source: Path, target: Path) -> None:
    """Move a file into another folder, durably; across file systems by copy, fsync and unlink."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        temp = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, temp, follow_symlinks=False)
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
        fsync_folder(target.parent)
        os.unlink(source)
    fsync_folder(target.parent)
    fsync_folder(source.parent)
