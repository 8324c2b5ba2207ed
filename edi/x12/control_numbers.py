"""Seen-control-number sets that stay small for the usual sequential numbering (memory flat in file size)."""

from __future__ import annotations

from bisect import bisect_right

from edi.x12.datatypes import is_digits


class _Ranges:
    """Sorted, disjoint, merged ranges of integers."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, number: int) -> bool:
        """Insert ``number``; False when already present."""
        starts, ends = self.starts, self.ends
        index = bisect_right(starts, number) - 1
        if index >= 0 and number <= ends[index]:
            return False
        joins_left = index >= 0 and ends[index] + 1 == number
        joins_right = index + 1 < len(starts) and starts[index + 1] == number + 1
        if joins_left and joins_right:
            ends[index] = ends[index + 1]
            del starts[index + 1], ends[index + 1]
        elif joins_left:
            ends[index] = number
        elif joins_right:
            starts[index + 1] = number
        else:
            starts.insert(index + 1, number)
            ends.insert(index + 1, number)
        return True


class ControlNumberSet:
    """Membership of ST02/GS06 values: digit strings as ranges per width (leading zeros count), others in a set."""

    __slots__ = ("_ranges", "_other")

    def __init__(self) -> None:
        self._ranges: dict[int, _Ranges] = {}
        self._other: set[str] = set()

    def add(self, value: str) -> bool:
        """Record ``value``; False when it was already there (a duplicate)."""
        if not is_digits(value) or len(value) > 18:
            if value in self._other:
                return False
            self._other.add(value)
            return True
        ranges = self._ranges.get(len(value))
        if ranges is None:
            ranges = self._ranges[len(value)] = _Ranges()
        return ranges.add(int(value))

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        if not is_digits(value) or len(value) > 18:
            return value in self._other
        ranges = self._ranges.get(len(value))
        if ranges is None:
            return False
        number = int(value)
        index = bisect_right(ranges.starts, number) - 1
        return index >= 0 and number <= ranges.ends[index]

    def __len__(self) -> int:
        """How many ranges and odd values are held (the memory it takes), not how many values."""
        return sum(len(r.starts) for r in self._ranges.values()) + len(self._other)
