"""Politeness: per-host request limits, pacing that adapts, giving hosts up, deadlines,
and the clock they all run on.

Every host the crawler contacts gets a `HostGate`: at most `concurrency` requests in
flight, and requests started no faster than `rate` per second. Pacing is strict (one
start every 1/rate seconds, no bursts), so a server's own limiter never sees more than
the configured rate. When the host tells how much of its quota is left (GitHub's
`x-ratelimit-*`, the Hub's `RateLimit`), requests are spread to make it last the window.

The pace adapts by AIMD, additive increase / multiplicative decrease (Chiu & Jain 1989;
the rule TCP congestion control uses, and the one the adaptive-crawl-rate literature
builds on): a congestion signal halves the host's rate, at most once per round (answers
to requests started before the last decrease do not count again, as TCP counts one loss
per window), and every good answer adds back a fixed share of the configured rate per
second of answers, so a halved host is back at its configured pace within
`1 / RECOVERY_PER_SECOND` seconds of good answers. The signals are read from a window of
the host's recent answers, because one answer says little about the host: a rate-limit
answer makes its own URL wait as asked, but pauses the whole host and slows it only when
the service says the quota is spent, or when rate-limit answers are a large share of the
host's recent answers (then the limit is real); a 5xx, timeout or reset is its URL's
problem (retried with backoff by the wire) and slows the host only when most recent
URLs fail at their first try (a URL failing on every retry is one failing URL). A host
is given up for the rest of the run when most of the resources it ended in the last five
minutes failed after their retries: judged over time, so failures that end together on
a healthy host are weighed against those minutes' good resources.
All waiting goes through a `Clock`, so tests can exercise the policy without sleeping,
and no wait outlasts the run's `Deadline`.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from crawler.stats import RunStats


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

# AIMD: a congestion signal multiplies the rate by this...
DECREASE_FACTOR = 0.5
# ...and each second of good answers adds back this share of the configured rate.
RECOVERY_PER_SECOND = 0.5
# The rate never drops below this share of the configured one, nor below one request
# per SLOWEST_INTERVAL seconds (unless the configured pace is slower still).
SLOWEST_SHARE = 1 / 16
SLOWEST_INTERVAL = 10.0

# The host's recent answers (attempts), read for congestion signals once the window is
# full: 40 answers tell a real limit (a quarter of them or more refused) from a night of
# blips (one in twelve) with next to no chance of mistaking one for the other.
ANSWER_WINDOW = 40
# Rate-limit answers this share of recent answers: the host's limit is real, not a blip.
LIMITED_SHARE = 0.25
# Failed first tries (5xx, timeouts, resets) this share of recent ones: the host struggles.
FAILING_SHARE = 0.75

# Giving a host up is judged on the resources (after their retries) it ended in the last
# GIVE_UP_SECONDS, not on its last N: with many crawls in progress, the persistent
# failures of a healthy host end their retries together and would fill any count window,
# while five minutes of a healthy host hold its good resources too, and are longer than
# one project's dead links take to fail one after another (about 3.5 s each). A host
# failing most resources for that long is down; one down from the start is given up
# once GIVE_UP_MIN_FAILURES resources failed.
GIVE_UP_SECONDS = 300.0
GIVE_UP_MIN_FAILURES = 8
GIVE_UP_SHARE = 0.8

OK, LIMITED, FAILED = "ok", "limited", "failed"


def _share(window: deque[str], outcome: str) -> float:
    """The share of a full window's answers with this outcome (0 until it is full)."""
    if len(window) < ANSWER_WINDOW:
        return 0.0
    return sum(1 for answer in window if answer == outcome) / len(window)


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


class Deadline:
    """When the run must stop fetching, on the policy's clock (None: never)."""

    def __init__(self, clock: Clock, seconds: float | None) -> None:
        self.clock = clock
        self.seconds = seconds
        self._at = clock.monotonic() + seconds if seconds is not None else None

    def left(self) -> float:
        """Seconds until the deadline (infinity without one, 0 once passed)."""
        return max(0.0, self._at - self.clock.monotonic()) if self._at is not None else math.inf

    @property
    def passed(self) -> bool:
        return self._at is not None and self.clock.monotonic() >= self._at

    def __str__(self) -> str:
        return format_duration(self.seconds) if self.seconds is not None else "none"


DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?")


def parse_duration(text: str) -> float | None:
    """ "90s", "30m", "2h", "1h30m" -> seconds; "none" -> None (no deadline). Raises
    ValueError for anything else."""
    text = text.strip().lower()
    if text in ("none", "off"):
        return None
    match = DURATION.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like 90s, 30m, 2h or 1h30m (or none)")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise ValueError(f"{text!r}: a deadline must be longer than nothing (or none)")
    return total


def format_duration(seconds: float) -> str:
    """5400 -> "1h30m", 1800 -> "30m", 90 -> "1m30s", 2.5 -> "2.5s"."""
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    parts = [f"{hours:g}h" if hours else "", f"{minutes:g}m" if minutes else "", f"{rest:g}s" if rest else ""]
    return "".join(parts) or "0s"


class HostGate:
    """Concurrency slots, adaptive pacing, pauses and give-up for one host; shared by
    every worker thread."""

    def __init__(
        self,
        limit: HostLimit,
        clock: Clock,
        cancelled: threading.Event,
        stats: RunStats | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.clock = clock
        self.cancelled = cancelled
        self.stats = stats or RunStats()
        self.deadline = deadline or Deadline(clock, None)
        self._slots = threading.BoundedSemaphore(max(1, limit.concurrency))
        self._ceiling = limit.rate
        self._rate = limit.rate
        floor = max(limit.rate * SLOWEST_SHARE, 1 / SLOWEST_INTERVAL) if limit.rate else 0.0
        self._floor = min(floor, limit.rate) if limit.rate else 0.0
        self._last_start = 0.0
        self._next_start = 0.0
        self._resume_at = 0.0
        self._pauses = 0
        self._last_decrease = -math.inf
        self._answers: deque[str] = deque(maxlen=ANSWER_WINDOW)
        # The outcomes of URLs' first tries alone: the share failing is the share of the
        # host's URLs it fails, which a URL failing on every retry cannot inflate.
        self._first_tries: deque[str] = deque(maxlen=ANSWER_WINDOW)
        self._resources: deque[tuple[float, bool]] = deque()  # (ended at, failed), recent
        self._recent_failures = 0
        self._given_up: str | None = None
        self._budgets: dict[str, tuple[float, float]] = {}  # quota name -> (interval, until)
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold one of the host's connections from the moment the pace allows a start;
        gives the start time, for telling answers to it apart from later ones."""
        self._slots.acquire()
        try:
            yield self._wait_turn()
        finally:
            self._slots.release()

    def _wait_turn(self) -> float:
        while not self.cancelled.is_set():
            with self._lock:
                now = self.clock.monotonic()
                start = max(now, self._next_start, self._resume_at)
                self._last_start = start
                self._next_start = start + self._current_interval(now)
                pauses = self._pauses
            wait = min(start - now, self.deadline.left())
            if wait > 0:
                self.stats.add("paced_waits")
                self.stats.add("paced_ms", round(wait * 1000))
            self.clock.sleep(wait, self.cancelled)
            with self._lock:
                # A pause that began while this request waited voids its turn: take a
                # new one behind the pause rather than rushing in when it ends.
                if self._pauses == pauses or self.deadline.passed:
                    return self.clock.monotonic()
        return self.clock.monotonic()

    def _current_interval(self, now: float) -> float:
        budgets = [interval for interval, until in self._budgets.values() if until > now]
        return max([1 / self._rate if self._rate else 0.0, *budgets])

    @property
    def rate(self) -> float | None:
        """The pace the host is allowed now (None: not paced)."""
        with self._lock:
            return self._rate

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

    def pause(self, seconds: float, started: float = math.inf) -> None:
        """The host asked every request to wait: hold them all, then resume slower
        (`started`: when the request that was told to wait started)."""
        with self._lock:
            self._resume_at = max(self._resume_at, self.clock.monotonic() + seconds)
            self._next_start = self._resume_at
            self._pauses += 1
            self._decrease(started)

    def answered(self, started: float = math.inf, outcome: str = OK, first_try: bool = True) -> None:
        """An answer to a request started at `started` (`first_try`: the URL's first):
        good answers speed the pace back up; failing first tries, when they are a large
        share of recent ones, slow it down."""
        with self._lock:
            self._answers.append(outcome)
            if first_try:
                self._first_tries.append(outcome)
            if outcome == OK:
                self._increase()
            elif outcome == FAILED and first_try and _share(self._first_tries, FAILED) >= FAILING_SHARE:
                self._decrease(started)

    def rate_limited(self, started: float, wait: float, quota_spent: bool) -> bool:
        """A rate-limit answer asking for `wait` seconds. The whole host pauses (and
        slows) when the service says the quota is spent or such answers are a large
        share of recent ones; otherwise only the answer's own URL waits. Says whether
        the host was paused."""
        with self._lock:
            self._answers.append(LIMITED)
            if not (quota_spent or _share(self._answers, LIMITED) >= LIMITED_SHARE):
                return False
        self.pause(wait, started)
        return True

    def _decrease(self, started: float) -> None:
        """Multiplicative decrease, once per round: a request started before the last
        decrease saw the old pace, and its answer is no news. The signals' window
        starts afresh, so the next decrease needs new evidence."""
        if started < self._last_decrease:
            return
        self._last_decrease = self.clock.monotonic()
        self._answers.clear()
        self._first_tries.clear()
        if self._rate is not None:
            self._rate = max(self._floor, self._rate * DECREASE_FACTOR)
            self.stats.add("slowdowns")

    def _increase(self) -> None:
        """Additive increase: RECOVERY_PER_SECOND of the configured rate per second of
        answers at the current pace (each answer is 1/rate seconds of them)."""
        if self._rate is not None and self._ceiling is not None and self._rate < self._ceiling:
            self._rate = min(self._ceiling, self._rate + RECOVERY_PER_SECOND * self._ceiling / self._rate)

    def resource_done(self, failed: str | None) -> None:
        """A resource ended: reached (None) or failed for good after its retries (why).
        The host is given up when at least GIVE_UP_SHARE of the resources it ended in
        the last GIVE_UP_SECONDS failed, GIVE_UP_MIN_FAILURES of them at least."""
        with self._lock:
            now = self.clock.monotonic()
            self._resources.append((now, failed is not None))
            self._recent_failures += failed is not None
            while self._resources[0][0] <= now - GIVE_UP_SECONDS:
                _, old_failed = self._resources.popleft()
                self._recent_failures -= old_failed
            failures, ended = self._recent_failures, len(self._resources)
            if failed is None or self._given_up is not None or failures < GIVE_UP_MIN_FAILURES:
                return
            if failures / ended >= GIVE_UP_SHARE:
                window = format_duration(GIVE_UP_SECONDS)
                self._given_up = f"{failures} of the {ended} resources it ended in the last {window} failed ({failed})"

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

    def __init__(
        self,
        limits: Mapping[str, HostLimit],
        clock: Clock,
        cancelled: threading.Event,
        stats: RunStats | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.cancelled = cancelled
        self.stats = stats or RunStats()
        self.deadline = deadline or Deadline(clock, None)
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def for_host(self, host: str) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                limit = limit_for(host, self.limits)
                gate = self._gates[host] = HostGate(limit, self.clock, self.cancelled, self.stats, self.deadline)
            return gate
