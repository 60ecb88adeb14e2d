"""A clock for the politeness policy that records waits instead of sleeping."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """Virtual time: `sleep` advances it at once and remembers how long was asked for."""

    START = 1000.0

    def __init__(self) -> None:
        self.now = self.START
        self.epoch = time.time()
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def time(self) -> float:
        with self._lock:
            return self.epoch + self.now - self.START

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    @property
    def slept(self) -> float:
        return sum(self.sleeps)
