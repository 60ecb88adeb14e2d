"""How many project crawls do work at once, and lending a waiting crawl's permit.

`--workers N` bounds the crawls doing work: sending requests, reading and parsing
answers. A crawl also waits on things no worker can speed up: one of its URLs backing
off after a 5xx or a dropped connection, a 429's `retry-after`, another crawl fetching
the same URL. A worker held through such waits leaves the hosts idle while other
projects' URLs could go: with the default 4 workers, a night of faults on half the URLs
slowed a crawl fourfold although no host was ever slowed. So a crawl that waits lends
its permit to the next one and takes a permit back before going on (as a fork-join pool
compensates for a worker that blocks). What a host sees is decided by its gate
(`politeness.py`: requests in flight, pace, pauses), never by the number of crawls, so
lending cannot add load beyond a host's limits. A crawl taking its permit back goes
before crawls not yet started: what has begun is finished first, which keeps the crawls
in progress, and what they hold, few.

The waits happen deep in the HTTP core, which serves any caller, so the permit a thread
holds is thread-local: a thread outside a pool (discovery, tests) waits as it always did.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Crawls in progress per permit, waiting ones included. A faulted URL waits a second or
# more (backoff, retry-after) where a request takes a tenth of one, so a bad night needs
# several waiting crawls per working one to keep the hosts at their pace.
IN_PROGRESS_PER_WORKER = 8
# ...and never more threads than this, whatever --workers says.
MOST_IN_PROGRESS = 256

_held = threading.local()


class CrawlStopped(BaseException):
    """Raised in a crawl that would begin, or go on after a wait, once its pool has been
    stopped: nothing of a stopped run may run on (its HTTP clients are being torn down).
    A BaseException, as KeyboardInterrupt, so that no handler of fetch errors takes it."""


class WorkerPermits:
    """`workers` permits to do work; a thread in `working()` holds one, and lends it
    while in `lent_while_waiting()`."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._free = self.workers
        self._resuming = 0
        self._stopped = False
        self._changed = threading.Condition()

    @property
    def most_in_progress(self) -> int:
        """How many crawls may be in progress at once (threads a pool needs)."""
        return max(self.workers, min(self.workers * IN_PROGRESS_PER_WORKER, MOST_IN_PROGRESS))

    @contextmanager
    def working(self) -> Iterator[None]:
        """Hold a permit for this thread's crawl (waiting for one first)."""
        self._take(resuming=False)
        _held.permits = self
        try:
            yield
        finally:
            _held.permits = None
            self._give()

    @contextmanager
    def lent(self) -> Iterator[None]:
        """Give this thread's permit up for a while; take one back (before crawls not yet
        started) when done."""
        self._give()
        try:
            yield
        finally:
            self._take(resuming=True)

    def stop(self) -> None:
        """No crawl begins, or goes on after a wait, any more (they raise CrawlStopped)."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _take(self, resuming: bool) -> None:
        with self._changed:
            self._resuming += resuming
            try:
                while not self._stopped and (self._free == 0 or (not resuming and self._resuming)):
                    self._changed.wait()
                if self._stopped:
                    raise CrawlStopped()
                self._free -= 1
            finally:
                self._resuming -= resuming

    def _give(self) -> None:
        with self._changed:
            # (Once stopped, a crawl that gave its permit for a wait never took it back.)
            if not self._stopped:
                self._free += 1
                self._changed.notify_all()


@contextmanager
def lent_while_waiting() -> Iterator[None]:
    """Around a wait that needs no worker: the calling thread's permit, if it holds one,
    goes to another crawl meanwhile and is taken back (before new crawls) afterwards."""
    permits: WorkerPermits | None = getattr(_held, "permits", None)
    if permits is None:
        yield
        return
    with permits.lent():
        yield
