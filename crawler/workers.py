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

A crawl's own resources that do not depend on each other (the repos, datasets and papers
one card links) are fetched `together`: each as a part of the crawl, holding a permit
while it works and lending it while it waits, so that one project's URLs backing off one
after another do not add up to minutes (a night of faults made one project of 22 take
134 s where its URLs' waits, taken side by side, come to a few seconds).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# Crawls in progress per permit, waiting ones included. A faulted URL waits a second or
# more (backoff, retry-after) where a request takes a tenth of one, so a bad night needs
# several waiting crawls per working one to keep the hosts at their pace.
IN_PROGRESS_PER_WORKER = 8
# ...and never more threads than this, whatever --workers says.
MOST_IN_PROGRESS = 256

# Threads that run the parts of crawls fetched together, shared by every crawl of the
# process (so a nightly run of many projects does not start threads per project). Parts
# never fetch together themselves, so a part never waits for a thread of this pool.
MOST_PARTS_AT_ONCE = 64

_held = threading.local()
_parts = ThreadPoolExecutor(max_workers=MOST_PARTS_AT_ONCE, thread_name_prefix="crawl-part")


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
    def working(self, resuming: bool = False) -> Iterator[None]:
        """Hold a permit for this thread's crawl (waiting for one first); `resuming` for a
        part of a crawl already in progress, which goes before crawls not yet started,
        as a crawl back from a wait does."""
        self._take(resuming=resuming)
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


def together(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run a crawl's independent `calls` at once and return their results in order. Each
    runs as a part of the calling thread's crawl (a permit while it works, lent while it
    waits), while the caller lends its own; the first call to raise raises here, once
    all have ended. A single call runs in the caller."""
    if len(calls) <= 1:
        return [call() for call in calls]
    permits: WorkerPermits | None = getattr(_held, "permits", None)

    def part(call: Callable[[], T]) -> T:
        if permits is None:
            return call()
        with permits.working(resuming=True):
            return call()

    futures = [_parts.submit(part, call) for call in calls]
    with lent_while_waiting():
        for future in futures:
            future.exception()  # waits; the results are read, in order, below
    return [future.result() for future in futures]
