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


class SchedulingClock(FakeClock):
    """Virtual time for several threads that wait at once: a sleep wakes at the time the
    sleeping thread last read plus the wait (time never runs backwards), instead of
    adding every thread's wait to one total. So a thread that read the time, waited for
    its turn and slept wakes exactly at that turn, whoever slept meanwhile; `wakes` lists
    those times."""

    def __init__(self) -> None:
        super().__init__()
        self.wakes: list[float] = []
        self._read = threading.local()

    def monotonic(self) -> float:
        now = super().monotonic()
        self._read.now = now
        return now

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        if seconds <= 0:
            return
        with self._lock:
            wake = getattr(self._read, "now", self.now) + seconds
            self.sleeps.append(seconds)
            self.wakes.append(wake)
            self.now = max(self.now, wake)
