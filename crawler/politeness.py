"""Politeness: per-host request limits, pacing, pauses, and the clock they run on.

Every host the crawler contacts gets a `HostGate`: at most `concurrency` requests in
flight, and requests started no faster than `rate` per second. Pacing is strict (one
start every 1/rate seconds, no bursts), so a server's own limiter never sees more than
the configured rate. When the host tells how much of its quota is left (GitHub's
`x-ratelimit-*`, the Hub's `RateLimit`), requests are spread to make it last the window.
A rate-limit answer pauses the whole host and halves its pace; answers that follow
bring the pace back step by step. A host that keeps failing is
given up for the rest of the run instead of being retried resource after resource.
All waiting goes through a `Clock`, so tests can exercise the policy without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class HostLimit:
    """How hard one host may be asked: requests in flight and requests started per second
    (`rate` None: not paced)."""

    concurrency: int
    rate: float | None


# The published or conventional limits of the public services (APIS.md).
DEFAULT_LIMITS: Mapping[str, HostLimit] = {
    "huggingface.co": HostLimit(8, 10.0),
    "api.github.com": HostLimit(4, 5.0),
    "pypi.org": HostLimit(4, 10.0),
    # arXiv's terms of use: one request every three seconds, over a single connection.
    "export.arxiv.org": HostLimit(1, 1 / 3),
}
# Hosts we know nothing about (redirect targets, mirrors) get a cautious limit.
UNKNOWN_HOST_LIMIT = HostLimit(2, 2.0)
# A loopback server is a local mirror or a test double: nobody to be polite to.
LOOPBACK_LIMIT = HostLimit(16, None)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# After a rate-limit answer the pace halves, down to one request per this many seconds.
SLOWEST_INTERVAL = 10.0
# Each later answer shortens the interval back towards the configured pace by this factor.
RECOVERY_FACTOR = 0.95
# This many resources in a row failing on a host (after their retries) give the host up.
UNREACHABLE_AFTER = 5


def limit_for(host: str, limits: Mapping[str, HostLimit]) -> HostLimit:
    if host in limits:
        return limits[host]
    if host in DEFAULT_LIMITS:
        return DEFAULT_LIMITS[host]
    return LOOPBACK_LIMIT if host in LOOPBACK_HOSTS else UNKNOWN_HOST_LIMIT


class Clock(Protocol):
    """Time as the politeness policy sees it."""

    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Seconds since the epoch, for reset times servers give as timestamps."""
        ...

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        """Wait `seconds`, returning early once `cancelled` is set."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        if seconds > 0:
            cancelled.wait(seconds)


class HostGate:
    """Concurrency slots, pacing and pauses for one host; shared by every worker thread."""

    def __init__(self, limit: HostLimit, clock: Clock, cancelled: threading.Event) -> None:
        self.clock = clock
        self.cancelled = cancelled
        self._slots = threading.BoundedSemaphore(max(1, limit.concurrency))
        self._base_interval = 1 / limit.rate if limit.rate else 0.0
        self._interval = self._base_interval
        self._last_start = 0.0
        self._next_start = 0.0
        self._resume_at = 0.0
        self._pauses = 0
        self._failures_in_row = 0
        self._given_up: str | None = None
        self._budgets: dict[str, tuple[float, float]] = {}  # quota name -> (interval, until)
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the host's connections from the moment the pace allows a start."""
        self._slots.acquire()
        try:
            self._wait_turn()
            yield
        finally:
            self._slots.release()

    def _wait_turn(self) -> None:
        while not self.cancelled.is_set():
            with self._lock:
                now = self.clock.monotonic()
                start = max(now, self._next_start, self._resume_at)
                self._last_start = start
                self._next_start = start + self._current_interval(now)
                pauses = self._pauses
            self.clock.sleep(start - now, self.cancelled)
            with self._lock:
                # A pause that began while this request waited voids its turn: take a
                # new one behind the pause rather than rushing in when it ends.
                if self._pauses == pauses:
                    return

    def _current_interval(self, now: float) -> float:
        budgets = [interval for interval, until in self._budgets.values() if until > now]
        return max([self._interval, *budgets])

    def spread(self, quota: str, remaining: int, seconds: float, longest_interval: float) -> None:
        """The host says `remaining` requests of `quota` are left for the next `seconds`:
        space requests to make them last, unless that means waits past `longest_interval`
        (then running out, and failing fast, is better than crawling all night)."""
        interval = seconds / max(remaining, 1)
        with self._lock:
            if interval <= longest_interval:
                self._budgets[quota] = (interval, self.clock.monotonic() + seconds)
                self._next_start = max(self._next_start, self._last_start + interval)
            else:
                self._budgets.pop(quota, None)

    def pause(self, seconds: float) -> None:
        """The host asked us to wait: hold every request to it, then resume at half pace."""
        with self._lock:
            self._resume_at = max(self._resume_at, self.clock.monotonic() + seconds)
            self._next_start = self._resume_at
            self._interval = min(SLOWEST_INTERVAL, max(2 * self._interval, 0.05))
            self._pauses += 1

    def answered(self) -> None:
        """The host answered: it is reachable, and the pace can recover a step."""
        with self._lock:
            self._failures_in_row = 0
            slowed = self._interval - self._base_interval
            self._interval = self._base_interval + (slowed * RECOVERY_FACTOR if slowed > 1e-3 else 0.0)

    def failed(self, reason: str) -> None:
        """A resource failed for good; enough of them in a row and the host is given up."""
        with self._lock:
            self._failures_in_row += 1
            if self._failures_in_row >= UNREACHABLE_AFTER and self._given_up is None:
                self._given_up = f"{UNREACHABLE_AFTER} resources in a row failed ({reason})"

    def give_up(self, reason: str) -> None:
        with self._lock:
            self._given_up = self._given_up or reason

    @property
    def given_up(self) -> str | None:
        """Why the host is not tried any more this run, or None."""
        with self._lock:
            return self._given_up


class Gates:
    """One `HostGate` per host, created on first use."""

    def __init__(self, limits: Mapping[str, HostLimit], clock: Clock, cancelled: threading.Event) -> None:
        self.limits = limits
        self.clock = clock
        self.cancelled = cancelled
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def for_host(self, host: str) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = HostGate(limit_for(host, self.limits), self.clock, self.cancelled)
            return gate
