"""Hybrid logical clock (HLC): ordering that survives clock skew between devices.

A value is ``<physical ms, 13 digits>-<counter, 6 digits>-<node id>``; comparing the
strings compares the clocks, so SQLite can sort and index them as text.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True, order=True)
class Stamp:
    """One clock value."""

    physical_ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.physical_ms:013d}-{self.counter:06d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> "Stamp":
        """Read a stamp; raises ValueError for anything that is not one."""
        parts = text.split("-", 2)
        if len(parts) != 3 or len(parts[0]) != 13 or len(parts[1]) != 6 or not parts[2]:
            raise ValueError("not a clock value")
        return cls(int(parts[0]), int(parts[1]), parts[2])


class HybridClock:
    """Issues strictly increasing stamps for one node and merges stamps it receives."""

    def __init__(self, node: str, wall_ms: Callable[[], int] | None = None) -> None:
        self._node = node
        self._wall_ms = wall_ms or (lambda: int(time.time() * 1000))
        self._last = Stamp(0, 0, node)
        self._lock = threading.Lock()

    def now(self) -> Stamp:
        """A new stamp, later than every stamp issued or observed before."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._last.physical_ms:
                self._last = Stamp(wall, 0, self._node)
            else:
                self._last = Stamp(self._last.physical_ms, self._last.counter + 1, self._node)
            return self._last

    def behind_ms(self) -> int:
        """How far the wall clock is behind the newest stamp issued or seen (0 when it is not): after
        a clock that ran ahead was corrected, new stamps follow the stored ones until it catches up."""
        with self._lock:
            return max(0, self._last.physical_ms - self._wall_ms())

    def observe(self, remote: Stamp) -> None:
        """Move past a stamp seen from another node, so our next stamp orders after it."""
        with self._lock:
            if (remote.physical_ms, remote.counter) > (self._last.physical_ms, self._last.counter):
                self._last = Stamp(remote.physical_ms, remote.counter, self._node)
