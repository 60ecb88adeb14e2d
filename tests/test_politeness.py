"""The politeness policy without a network: pacing, AIMD slow-down and recovery, pauses,
giving hosts up, the waits services ask for, backoff, and the command line's limit syntax."""

from __future__ import annotations

import threading
from email.utils import formatdate

import pytest

from crawler.politeness import (
    DEFAULT_LIMITS,
    FAILED,
    GIVE_UP_MIN_FAILURES,
    GIVE_UP_SECONDS,
    LOOPBACK_LIMIT,
    SLOWEST_SHARE,
    UNKNOWN_HOST_LIMIT,
    HostGate,
    HostLimit,
    limit_for,
)
from crawler.ratelimit_headers import quota_left, quota_spent, requested_wait
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


def answers_until_full_pace(host: HostGate, clock: FakeClock, rate: float) -> tuple[int, float]:
    """Good answers (and the seconds they take at the pace of the moment) until the host
    is back at `rate`."""
    answers, seconds = 0, 0.0
    while host.rate != pytest.approx(rate):
        assert answers < 1000, "the pace never recovered"
        seconds += 1 / (host.rate or rate)
        host.answered(clock.monotonic())
        answers += 1
    return answers, seconds


def test_a_pause_holds_the_host_then_resumes_at_half_pace_and_recovers_within_seconds() -> None:
    host, clock = gate(rate=10.0)
    start_times(host, clock, 1)
    host.pause(3.0)
    starts = start_times(host, clock, 3)
    assert starts[0] == pytest.approx(3.0)
    assert starts[1] - starts[0] == pytest.approx(0.2)  # half of 10 per second
    answers, seconds = answers_until_full_pace(host, clock, 10.0)
    assert answers <= 10 and seconds <= 2.0
    later = start_times(host, clock, 2)
    assert later[1] - later[0] == pytest.approx(0.1)


def test_answers_to_requests_sent_before_a_slow_down_do_not_slow_it_again() -> None:
    host, clock = gate(rate=16.0)
    sent_together = [clock.monotonic()] * 6  # six requests in flight when the limit bit
    clock.sleep(0.5, threading.Event())
    for started in sent_together:
        host.pause(1.0, started)
    assert host.rate == pytest.approx(8.0)  # one halving, not six
    host.pause(1.0, clock.monotonic())  # a request sent after it: new evidence
    assert host.rate == pytest.approx(4.0)


def test_even_the_slowest_pace_recovers_within_seconds() -> None:
    host, clock = gate(rate=10.0)
    for _ in range(20):
        host.pause(0.0, clock.monotonic())
        clock.sleep(0.01, threading.Event())
    assert host.rate == pytest.approx(10.0 * SLOWEST_SHARE)  # the floor
    _, seconds = answers_until_full_pace(host, clock, 10.0)
    assert seconds <= 4.0


def test_one_off_rate_limit_answers_make_only_their_url_wait() -> None:
    host, clock = gate(rate=10.0)
    for n in range(200):
        if n % 8 == 0:  # one answer in eight is a 429, as in a night of blips
            assert host.rate_limited(clock.monotonic(), 1.0, quota_spent=False) is False
        else:
            host.answered(clock.monotonic())
    assert host.rate == pytest.approx(10.0)
    starts = start_times(host, clock, 2)
    assert starts[1] - starts[0] == pytest.approx(0.1)


def test_rate_limit_answers_in_a_large_share_pause_and_slow_the_host() -> None:
    host, clock = gate(rate=10.0)
    paused = []
    for n in range(40):
        if n % 2:
            paused.append(host.rate_limited(clock.monotonic(), 2.0, quota_spent=False))
        else:
            host.answered(clock.monotonic())
    assert any(paused) and host.rate is not None and host.rate < 10.0


def test_a_spent_quota_pauses_the_whole_host_at_once() -> None:
    host, clock = gate(rate=10.0)
    assert host.rate_limited(clock.monotonic(), 30.0, quota_spent=True) is True
    assert start_times(host, clock, 1)[0] == pytest.approx(30.0)


def test_failing_answers_slow_the_host_only_when_most_recent_answers_fail() -> None:
    host, clock = gate(rate=10.0)
    for n in range(100):
        host.answered(clock.monotonic(), FAILED if n % 3 else "ok")  # two in three fail
    assert host.rate == pytest.approx(10.0)
    for _ in range(40):
        host.answered(clock.monotonic(), FAILED)
    assert host.rate is not None and host.rate < 10.0


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


def test_a_host_where_most_recent_resources_fail_is_given_up() -> None:
    host, _ = gate(rate=None)
    for _ in range(GIVE_UP_MIN_FAILURES - 1):
        host.resource_done(failed="connection")
    assert host.given_up is None  # too few to judge
    host.resource_done(failed="connection")
    assert host.given_up is not None and "connection" in host.given_up


def test_a_healthy_host_is_not_given_up_for_persistent_failures_that_line_up() -> None:
    host, _ = gate(rate=None)
    for _ in range(30):
        host.resource_done(failed=None)
    for _ in range(10):  # ten broken URLs in a row, e.g. a README linking dead repos
        host.resource_done(failed="server_error")
    host.resource_done(failed=None)
    for _ in range(5):
        host.resource_done(failed="server_error")
    assert host.given_up is None


def resources_ending(host: HostGate, clock: FakeClock, seconds: float, every: float, failing: int, of: int) -> None:
    """Resources ending on `host` one per `every` seconds for `seconds`, `failing` of
    each `of` in turn failing after their retries."""
    for n in range(round(seconds / every)):
        clock.sleep(every, threading.Event())
        host.resource_done(failed="server_error" if n % of < failing else None)


def test_failures_that_end_together_never_give_a_healthy_host_up() -> None:
    host, clock = gate(rate=None)
    resources_ending(host, clock, 60.0, every=0.1, failing=0, of=1)  # a minute of good answers
    for _ in range(60):
        # Many crawls in progress, each waiting on the retries of a persistent failure:
        # their resources end at the same moment, 30 failures in a row (a count window
        # of the last 20 resources would be all failures), then good answers go on.
        for _ in range(30):
            host.resource_done(failed="server_error")
        resources_ending(host, clock, 10.0, every=0.1, failing=0, of=1)
    assert host.given_up is None
    # ...and at the end of the run, when only the failing URLs are left.
    for _ in range(300):
        host.resource_done(failed="server_error")
    assert host.given_up is None


def test_a_host_failing_most_resources_for_a_sustained_time_is_given_up() -> None:
    host, clock = gate(rate=None)
    resources_ending(host, clock, GIVE_UP_SECONDS, every=0.1, failing=0, of=1)
    # The host goes down: nine resources in ten fail, and each takes its retries' time.
    resources_ending(host, clock, GIVE_UP_SECONDS / 2, every=0.5, failing=9, of=10)
    assert host.given_up is None  # not yet most of the window
    resources_ending(host, clock, GIVE_UP_SECONDS / 2 + 1, every=0.5, failing=9, of=10)
    assert host.given_up is not None and "in the last 5m failed (server_error)" in host.given_up


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


@pytest.mark.parametrize(
    ("headers", "spent"),
    [
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}, True),
        ({"x-ratelimit-remaining": "0"}, True),
        ({"ratelimit": '"api";r=0;t=55'}, True),
        ({"ratelimit": '"api";r=12;t=55'}, False),
        ({"retry-after": "1"}, False),
    ],
)
def test_a_spent_quota_is_read_from_either_header(headers: dict[str, str], spent: bool) -> None:
    assert quota_spent(headers) is spent


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
