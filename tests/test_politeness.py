"""The politeness policy without a network: pacing, pauses, giving hosts up, the waits
services ask for, backoff, and the command line's limit syntax."""

from __future__ import annotations

import threading
from email.utils import formatdate

import pytest

from crawler.politeness import (
    DEFAULT_LIMITS,
    LOOPBACK_LIMIT,
    UNKNOWN_HOST_LIMIT,
    UNREACHABLE_AFTER,
    HostGate,
    HostLimit,
    limit_for,
)
from crawler.ratelimit_headers import quota_left, requested_wait
from crawler.wire import HttpPolicy
from index.run_report import LimitSyntaxError, host_limits, parse_host_values
from tests.fake_clock import FakeClock


def gate(rate: float | None, concurrency: int = 4) -> tuple[HostGate, FakeClock]:
    clock = FakeClock()
    return HostGate(HostLimit(concurrency, rate), clock, threading.Event()), clock


def start_times(host: HostGate, clock: FakeClock, count: int) -> list[float]:
    starts = []
    for _ in range(count):
        with host.slot():
            starts.append(clock.monotonic() - clock.START)
    return starts


def test_requests_start_no_faster_than_the_rate() -> None:
    host, clock = gate(rate=5.0)
    assert start_times(host, clock, 4) == pytest.approx([0.0, 0.2, 0.4, 0.6])


def test_an_unpaced_host_never_waits() -> None:
    host, clock = gate(rate=None)
    start_times(host, clock, 10)
    assert clock.sleeps == []


def test_a_pause_holds_the_host_then_resumes_at_half_pace_and_recovers() -> None:
    host, clock = gate(rate=10.0)
    start_times(host, clock, 1)
    host.pause(3.0)
    starts = start_times(host, clock, 3)
    assert starts[0] == pytest.approx(3.0)
    assert starts[1] - starts[0] == pytest.approx(0.2)  # half of 10 per second
    for _ in range(200):
        host.answered()
    later = start_times(host, clock, 2)
    assert later[1] - later[0] == pytest.approx(0.1)


def test_a_waiting_request_takes_a_new_turn_after_a_pause_that_began_meanwhile() -> None:
    host, clock = gate(rate=1.0)
    start_times(host, clock, 1)  # the next turn is at +1 s

    original_sleep = clock.sleep

    def sleep_then_pause(seconds: float, cancelled: threading.Event) -> None:
        original_sleep(seconds, cancelled)
        if len(clock.sleeps) == 1:
            host.pause(5.0)  # another worker was told to back off while we waited

    clock.sleep = sleep_then_pause  # type: ignore[method-assign]
    with host.slot():
        started = clock.monotonic() - clock.START
    assert started >= 6.0


def test_a_host_failing_resource_after_resource_is_given_up_and_an_answer_resets_the_count() -> None:
    host, _ = gate(rate=None)
    for _ in range(UNREACHABLE_AFTER - 1):
        host.failed("connection")
    host.answered()
    for _ in range(UNREACHABLE_AFTER - 1):
        host.failed("connection")
    assert host.given_up is None
    host.failed("connection")
    assert host.given_up is not None and "connection" in host.given_up


def test_limits_for_known_loopback_and_unknown_hosts() -> None:
    assert limit_for("export.arxiv.org", {}) == HostLimit(1, 1 / 3)
    assert limit_for("127.0.0.1", {}) == LOOPBACK_LIMIT
    assert limit_for("cdn.example.org", {}) == UNKNOWN_HOST_LIMIT
    assert limit_for("huggingface.co", {"huggingface.co": HostLimit(1, 1.0)}) == HostLimit(1, 1.0)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"retry-after": "7"}, 7.0),
        (429, {}, 0.0),
        (429, {"ratelimit": '"api";r=0;t=55'}, 55.0),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}, 30.0),
        (403, {"retry-after": "60"}, 60.0),
        (403, {"x-ratelimit-remaining": "12"}, None),
        (403, {}, None),
        (200, {"retry-after": "5"}, None),
        (503, {"retry-after": "5"}, None),
    ],
)
def test_the_wait_a_service_asks_for(status: int, headers: dict[str, str], expected: float | None) -> None:
    assert requested_wait(status, headers, now=1000.0) == expected


def test_retry_after_as_an_http_date() -> None:
    now = 1_800_000_000.0
    wait = requested_wait(429, {"retry-after": formatdate(now + 90, usegmt=True)}, now)
    assert wait == pytest.approx(90.0)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    policy = HttpPolicy(backoff_base=1.0, backoff_max=5.0)
    for attempt, nominal in ((1, 1.0), (2, 2.0), (3, 4.0)):
        waits = [policy.backoff(attempt) for _ in range(50)]
        assert all(0.5 * nominal <= w <= 1.5 * nominal for w in waits)
        assert len(set(waits)) > 1
    assert all(policy.backoff(10) <= 5.0 * 1.5 for _ in range(50))


def test_command_line_limits_override_one_field_at_a_time() -> None:
    limits = host_limits(
        parse_host_values(["api.github.com=1.5", "127.0.0.1=50"], "--rate"),
        parse_host_values(["API.github.com=2"], "--concurrency"),
    )
    assert limits["api.github.com"] == HostLimit(2, 1.5)
    assert limits["127.0.0.1"] == HostLimit(LOOPBACK_LIMIT.concurrency, 50.0)
    assert limits["huggingface.co"] == DEFAULT_LIMITS["huggingface.co"]


@pytest.mark.parametrize("item", ["huggingface.co", "=5", "huggingface.co=fast", "huggingface.co=0"])
def test_malformed_limits_are_refused(item: str) -> None:
    with pytest.raises(LimitSyntaxError, match="HOST=NUMBER"):
        parse_host_values([item], "--rate")


def test_a_quota_running_low_spreads_the_requests_over_its_window() -> None:
    host, clock = gate(rate=10.0)
    host.spread("core", remaining=4, seconds=20.0, longest_interval=60.0)
    starts = start_times(host, clock, 3)
    assert starts[1] - starts[0] == pytest.approx(5.0) and starts[2] - starts[1] == pytest.approx(5.0)


def test_a_quota_that_would_mean_waits_past_the_bound_is_left_to_run_out() -> None:
    host, clock = gate(rate=10.0)
    host.spread("core", remaining=10, seconds=3600.0, longest_interval=60.0)
    starts = start_times(host, clock, 2)
    assert starts[1] - starts[0] == pytest.approx(0.1)


def test_the_slowest_quota_sets_the_pace_until_its_window_ends() -> None:
    host, clock = gate(rate=None)
    host.spread("api", remaining=5, seconds=10.0, longest_interval=60.0)
    host.spread("resolvers", remaining=1000, seconds=10.0, longest_interval=60.0)
    assert start_times(host, clock, 8) == pytest.approx([0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 12.0])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"x-ratelimit-remaining": "99", "x-ratelimit-reset": "1600", "x-ratelimit-resource": "core"},
            [("core", 99, 600.0)],
        ),
        ({"ratelimit": '"api";r=490;t=290'}, [("api", 490, 290.0)]),
        ({"ratelimit": "garbage"}, []),
        ({"x-ratelimit-remaining": "lots", "x-ratelimit-reset": "1600"}, []),
        ({}, []),
    ],
)
def test_the_quota_an_answer_reports(headers: dict[str, str], expected: list[tuple[str, int, float]]) -> None:
    assert quota_left(headers, now=1000.0) == expected
