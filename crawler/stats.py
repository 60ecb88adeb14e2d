"""Named counters of a run, shared by every worker thread, feeding the run summary."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime


class RunStats:
    """Thread-safe counters (`requests`, `retries`, `not_modified`, `bytes`, ...) and
    failures by kind."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.counters[name] += amount

    def failed(self, kind: str) -> None:
        with self._lock:
            self.failures[kind] += 1

    def as_dict(self) -> dict[str, object]:
        with self._lock:
            return {**dict(sorted(self.counters.items())), "failures": dict(sorted(self.failures.items()))}


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
