"""Worker permits: a crawl waiting on a URL lends its permit, never more crawls work at
once than the permits, and a crawl coming back from a wait goes before new ones."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from crawler.workers import CrawlStopped, WorkerPermits, lent_while_waiting, together

BOUND = 5.0  # seconds any step of these tests may take before it counts as stuck


def test_a_waiting_crawl_lends_its_permit_and_no_more_crawls_work_than_the_permits() -> None:
    permits = WorkerPermits(1)
    lent, other_worked = threading.Event(), threading.Event()
    working, most_working = 0, 0
    lock = threading.Lock()
    saw_the_other: list[bool] = []

    def counted(change: int) -> None:
        nonlocal working, most_working
        with lock:
            working += change
            most_working = max(most_working, working)

    def waiting_crawl() -> None:
        with permits.working():
            counted(+1)
            counted(-1)
            with lent_while_waiting():
                lent.set()
                saw_the_other.append(other_worked.wait(BOUND))
            counted(+1)
            counted(-1)

    def other_crawl() -> None:
        with permits.working():
            counted(+1)
            other_worked.set()
            counted(-1)

    first = threading.Thread(target=waiting_crawl)
    first.start()
    lent.wait(BOUND)
    second = threading.Thread(target=other_crawl)
    second.start()
    first.join(BOUND)
    second.join(BOUND)
    assert saw_the_other == [True]
    assert most_working == 1


def test_a_crawl_back_from_its_wait_goes_before_crawls_not_yet_started() -> None:
    permits = WorkerPermits(1)
    order: list[str] = []
    wait_over, second_may_end = threading.Event(), threading.Event()

    def waiting_crawl() -> None:
        with permits.working():
            with lent_while_waiting():
                wait_over.wait(BOUND)
            order.append("resumed")

    def crawl(name: str, ends: threading.Event | None = None) -> None:
        with permits.working():
            order.append(name)
            if ends is not None:
                ends.wait(BOUND)

    first = threading.Thread(target=waiting_crawl)
    first.start()
    second = threading.Thread(target=crawl, args=("second", second_may_end))
    second.start()
    while "second" not in order:
        time.sleep(0.01)
    third = threading.Thread(target=crawl, args=("third",))
    third.start()
    time.sleep(0.2)  # the third crawl is now waiting for a permit
    wait_over.set()
    deadline = time.monotonic() + BOUND
    while permits._resuming == 0 and time.monotonic() < deadline:  # the first, back from its wait
        time.sleep(0.01)
    second_may_end.set()
    for thread in (first, second, third):
        thread.join(BOUND)
    assert order == ["second", "resumed", "third"]


def test_a_thread_whose_crawl_ended_lends_nothing_when_it_waits() -> None:
    permits = WorkerPermits(1)
    with permits.working():
        pass
    working, most_working = 0, 0
    lock = threading.Lock()

    def crawl() -> None:
        nonlocal working, most_working
        with permits.working():
            with lock:
                working += 1
                most_working = max(most_working, working)
            time.sleep(0.1)
            with lock:
                working -= 1

    crawls = [threading.Thread(target=crawl) for _ in range(2)]
    with lent_while_waiting():  # a permit given here would be one the thread no longer holds
        for thread in crawls:
            thread.start()
        for thread in crawls:
            thread.join(BOUND)
    assert most_working == 1


def test_once_stopped_no_crawl_begins_and_none_goes_on_after_its_wait() -> None:
    permits = WorkerPermits(1)
    lent, stopped = threading.Event(), threading.Event()
    went_on: list[str] = []

    def waiting_crawl() -> None:
        with permits.working():
            with lent_while_waiting():
                lent.set()
                stopped.wait(BOUND)
            went_on.append("waiting crawl")

    def busy_crawl() -> None:
        with permits.working():  # the permit the waiting crawl lent
            busy.set()
            stopped.wait(BOUND)

    def new_crawl() -> None:
        with permits.working():
            went_on.append("new crawl")

    busy = threading.Event()
    with ThreadPoolExecutor(3) as pool:
        waiting = pool.submit(waiting_crawl)
        assert lent.wait(BOUND)
        pool.submit(busy_crawl)
        assert busy.wait(BOUND)
        new = pool.submit(new_crawl)
        time.sleep(0.1)  # the new crawl now waits for a permit
        permits.stop()
        stopped.set()
        for future in (waiting, new):
            with pytest.raises(CrawlStopped):
                future.result(BOUND)
    assert went_on == []


def test_together_returns_results_in_call_order_whatever_finishes_first() -> None:
    def after(seconds: float, value: int) -> int:
        time.sleep(seconds)
        return value

    assert together([lambda: after(0.2, 1), lambda: after(0.0, 2), lambda: after(0.1, 3)]) == [1, 2, 3]


def test_together_raises_the_first_failure_once_every_call_has_ended() -> None:
    ended: list[str] = []

    def fail() -> None:
        ended.append("failed")
        raise ValueError("first")

    def slow() -> None:
        time.sleep(0.2)
        ended.append("slow")

    with pytest.raises(ValueError, match="first"):
        together([fail, slow])
    assert sorted(ended) == ["failed", "slow"]
