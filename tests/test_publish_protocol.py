"""The publish protocol against a disk that loses what was not made durable (M2; G1, G2, E2).

At every step a power loss may strike: the document's final name then holds the whole document or nothing, and
publishing again afterwards gives exactly one whole document and no leftover temp file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.flows.delivery import Disk, write_atomically
from tests.fsdouble import CrashingDisk, PowerLoss

FOLDER = Path("/outbox")
NAME = "222222222.000000002.814"
DOCUMENT = b"ISA*00*...*~\nGS*GE*...~\nST*814*0001~\n" * 40


def _steps() -> int:
    disk = CrashingDisk()
    write_atomically(FOLDER, NAME, DOCUMENT, disk=disk)
    return len(disk.calls)


def test_without_a_crash_the_document_is_durable_before_it_is_marked_sent() -> None:
    disk = CrashingDisk()
    write_atomically(FOLDER, NAME, DOCUMENT, disk=disk)
    assert disk.after_power_loss() == {NAME: DOCUMENT}  # what `process` marks sent survives a power loss
    assert disk.calls == ["create .222222222.000000002.814.part", "write", "fsync", "close",
                          "rename .222222222.000000002.814.part 222222222.000000002.814", "fsync folder"]  # fmt: skip


@pytest.mark.parametrize("step", range(1, _steps() + 1))
def test_a_power_loss_at_any_step_leaves_all_or_nothing_and_a_rerun_converges(step: int) -> None:
    disk = CrashingDisk(crash_before=step)
    with pytest.raises(PowerLoss):
        write_atomically(FOLDER, NAME, DOCUMENT, disk=disk)
    survived = disk.after_power_loss()
    assert survived.get(NAME) in (None, DOCUMENT)  # never a partial or empty document under its final name
    assert disk.names.get(NAME) is None or disk.content[disk.names[NAME]] == DOCUMENT  # nor for a live reader
    disk.reboot()
    write_atomically(FOLDER, NAME, DOCUMENT, disk=disk)  # the outbox row was not marked sent: publish again
    assert disk.after_power_loss() == {NAME: DOCUMENT}


def _careless(folder: Path, name: str, data: bytes, disk: Disk) -> None:
    """A protocol with the classic bug: the name is made durable before the content."""
    fd = disk.create(folder / f".{name}.part")
    disk.write(fd, data)
    disk.replace(folder / f".{name}.part", folder / name)
    disk.fsync_folder(folder)
    disk.fsync(fd)
    disk.close(fd)


def test_the_double_catches_a_protocol_that_fsyncs_too_late() -> None:
    torn = []
    for step in range(1, 7):
        disk = CrashingDisk(crash_before=step)
        with pytest.raises(PowerLoss):
            _careless(FOLDER, NAME, DOCUMENT, disk)
        torn.append(disk.after_power_loss().get(NAME))
    assert b"" in torn  # a durable name over content that never reached the disk: the double sees it
