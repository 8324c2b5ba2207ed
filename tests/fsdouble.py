"""A disk double for the publish protocol (M2, ALICE-style): it records every call, and a power loss keeps only
what was made durable: file contents that were fsynced, and names whose folder was fsynced after they changed.
"""

from __future__ import annotations

from pathlib import Path

from edi.flows.delivery import Disk


class PowerLoss(BaseException):
    """The machine stopped before the next operation (nothing in the code under test may catch it)."""


class CrashingDisk(Disk):
    """One folder in memory: what the running system sees, and what would survive a power loss."""

    def __init__(self, crash_before: int | None = None) -> None:
        self.names: dict[str, int] = {}  # what readers see now: name -> inode
        self.content: dict[int, bytes] = {}
        self.durable_names: dict[str, int] = {}  # what a power loss keeps
        self.durable_content: dict[int, bytes] = {}
        self.calls: list[str] = []
        self.crash_before = crash_before
        self._inodes = 0

    def _op(self, what: str) -> None:
        if self.crash_before is not None and len(self.calls) + 1 >= self.crash_before:
            raise PowerLoss(what)
        self.calls.append(what)

    def create(self, path: Path) -> int:
        self._op(f"create {path.name}")
        if path.name in self.names:
            raise FileExistsError(path)
        self._inodes += 1
        self.names[path.name] = self._inodes
        self.content[self._inodes] = b""
        return self._inodes

    def write(self, fd: int, data: bytes) -> None:
        self._op("write")
        self.content[fd] += data

    def fsync(self, fd: int) -> None:
        self._op("fsync")
        self.durable_content[fd] = self.content[fd]

    def close(self, fd: int) -> None:
        self._op("close")

    def replace(self, source: Path, target: Path) -> None:
        self._op(f"rename {source.name} {target.name}")
        self.names[target.name] = self.names.pop(source.name)

    def unlink(self, path: Path) -> None:
        if path.name not in self.names:
            raise FileNotFoundError(path)
        self._op(f"unlink {path.name}")
        del self.names[path.name]

    def fsync_folder(self, folder: Path) -> None:
        self._op("fsync folder")
        self.durable_names = dict(self.names)

    def after_power_loss(self) -> dict[str, bytes]:
        """The folder as it comes back: durable names, each with its durable content (b'' if never fsynced)."""
        return {name: self.durable_content.get(inode, b"") for name, inode in self.durable_names.items()}

    def reboot(self, crash_before: int | None = None) -> None:
        """Continue from what survived, with a new crash point (or none)."""
        self.names = dict(self.durable_names)
        self.content = {inode: self.durable_content.get(inode, b"") for inode in self.names.values()}
        self.durable_content = dict(self.content)
        self.calls, self.crash_before = [], crash_before
