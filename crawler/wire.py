"""Live HTTP for the core: one resource at a time, politely and with bounded persistence.

`Wire.fetch` sends a GET through the host's gate (concurrency and adaptive pace), with a
total timeout per attempt. It retries 5xx answers, timeouts and dropped connections with
exponential backoff and jitter: a failing URL waits, the host's other URLs go on, and its
crawl lends its worker to another project meanwhile (`workers.py`). On 429
(and GitHub's 403 with no quota left) the URL waits as long as the service asks, up to a
bound; whether the whole host pauses and slows is the gate's call (`politeness.py`).
Every answer and every resource's end is reported to the gate, which reads them for
congestion and for giving the host up. Bodies are read as a stream up to the endpoint's
limit and checked against what the endpoint promises. Every way of not getting a usable
answer ends as a `FetchError` of a named kind (`deadline` once the run's deadline has
passed); nothing here ever sees or reports credentials.
"""

from __future__ import annotations

import dataclasses
import http.client
import random
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from crawler.bodies import body_limit, broken_promise
from crawler.captures import Exchange
from crawler.errors import FetchError
from crawler.politeness import DEFAULT_LIMITS, FAILED, Clock, Deadline, Gates, HostGate, HostLimit
from crawler.ratelimit_headers import quota_left, quota_spent, requested_wait, retry_after_seconds
from crawler.stats import RunStats, utc_now
from crawler.workers import lent_while_waiting

USER_AGENT = "openness-index/0.1 (research crawler; +https://github.com/openness-index)"
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
# Failure kinds that say something about the host (it did not answer usefully, after
# the retries); the gate reads them to decide whether to give the host up.
HOST_FAILURES = frozenset({"timeout", "connection", "server_error", "rate_limited"})
CONNECTION_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset"),
    (socket.gaierror, "host name not resolved"),
    (http.client.IncompleteRead, "connection dropped mid-body"),
)


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts, retries and per-host limits; the CLI's --timeout/--rate/--concurrency."""

    timeout: float = 30.0
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_wait: float = 60.0
    limits: Mapping[str, HostLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    def backoff(self, attempt: int) -> float:
        """The wait before retry `attempt` + 1: doubling, capped, with jitter so that
        workers that failed together do not come back together."""
        return min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


@dataclass(frozen=True)
class WireAnswer:
    exchange: Exchange
    attempts: int
    received: int
    capped: bool = False


class _TransientError(Exception):
    """An attempt that may succeed if repeated (timeout, dropped connection)."""

    def __init__(self, error: FetchError, started: float) -> None:
        self.error = error
        self.started = started


class Wire:
    def __init__(
        self,
        policy: HttpPolicy,
        clock: Clock,
        stats: RunStats,
        cancelled: threading.Event,
        deadline: Deadline | None = None,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.stats = stats
        self.cancelled = cancelled
        self.deadline = deadline or Deadline(clock, None)
        self.gates = Gates(policy.limits, clock, cancelled, stats, self.deadline)
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=16, pool_maxsize=64, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def fetch(self, canonical: str, wire_url: str, headers: Mapping[str, str]) -> WireAnswer:
        """GET `wire_url` (standing for `canonical`) until it answers or the policy gives up."""
        gate = self.gates.for_host((urlsplit(wire_url).hostname or "").lower())
        try:
            answer = self._fetch(gate, canonical, wire_url, headers)
        except FetchError as error:
            if error.kind in HOST_FAILURES:
                gate.resource_done(failed=error.kind)
            raise
        gate.resource_done(failed=None)
        return answer

    def _fetch(self, gate: HostGate, canonical: str, wire_url: str, headers: Mapping[str, str]) -> WireAnswer:
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1:
                self.stats.add("retries")
            try:
                answer, started = self._attempt(gate, canonical, wire_url, headers)
            except _TransientError as transient:
                gate.answered(transient.started, FAILED, first_try=attempt == 1)
                if attempt == self.policy.attempts:
                    raise transient.error from None
                self._wait(self.policy.backoff(attempt), canonical, "backoff")
                continue
            exchange = answer.exchange
            for quota, remaining, seconds in quota_left(exchange.headers, self.clock.time()):
                gate.spread(quota, remaining, seconds, longest_interval=self.policy.max_wait)
            asked = requested_wait(exchange.status, exchange.headers, self.clock.time())
            if asked is not None:
                self._wait_as_asked(gate, canonical, exchange, asked, attempt, started)
                continue
            if exchange.status in RETRIED_STATUSES:
                gate.answered(started, FAILED, first_try=attempt == 1)
                self._back_off_from_server_error(canonical, exchange, attempt)
                continue
            gate.answered(started, first_try=attempt == 1)
            _check_body(canonical, exchange)
            return dataclasses.replace(answer, attempts=attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _back_off_from_server_error(self, canonical: str, exchange: Exchange, attempt: int) -> None:
        """Wait before retrying a 5xx; raise when the tries are used up."""
        if attempt == self.policy.attempts:
            raise FetchError(canonical, "server_error", f"HTTP {exchange.status} after {attempt} attempts")
        # A 503 may say when to come back: then not before, within the allowed wait.
        asked_back = retry_after_seconds(exchange.headers.get("retry-after", ""), self.clock.time())
        self._wait(max(self.policy.backoff(attempt), min(asked_back, self.policy.max_wait)), canonical, "backoff")

    def _wait(self, seconds: float, canonical: str, why: str) -> None:
        """This URL's own wait before its next try, cut short by the run's deadline;
        counted by `why` (`backoff` after a failure, `asked_wait` as a 429 asked)."""
        seconds = min(seconds, self.deadline.left())
        self.stats.add(f"{why}s")
        self.stats.add(f"{why}_ms", round(seconds * 1000))
        # The wait needs no worker: another crawl may use this one's meanwhile.
        with lent_while_waiting():
            self.clock.sleep(seconds, self.cancelled)
        self._check_deadline(canonical)

    def _check_deadline(self, canonical: str) -> None:
        if self.deadline.passed:
            raise FetchError(canonical, "deadline", f"not fetched: the run's deadline ({self.deadline}) was reached")

    def _wait_as_asked(
        self, gate: HostGate, canonical: str, exchange: Exchange, asked: float, attempt: int, started: float
    ) -> None:
        self.stats.add("rate_limited")
        status = exchange.status
        wait = asked if asked > 0 else self.policy.backoff(attempt)
        if wait > self.policy.max_wait:
            allowed = self.policy.max_wait
            reason = f"HTTP {status}: the service asks to wait {wait:.0f}s, more than the {allowed:g}s allowed"
            gate.give_up(reason)
            raise FetchError(canonical, "rate_limited", reason)
        if gate.rate_limited(started, wait, quota_spent(exchange.headers)):
            self.stats.add("host_pauses")
        if attempt == self.policy.attempts:
            raise FetchError(canonical, "rate_limited", f"HTTP {status}: still rate-limited after {attempt} attempts")
        self._wait(wait, canonical, "asked_wait")

    def _attempt(
        self, gate: HostGate, canonical: str, wire_url: str, headers: Mapping[str, str]
    ) -> tuple[WireAnswer, float]:
        """One try: the answer and when the request started (on the policy's clock)."""
        self._check_deadline(canonical)
        given_up = gate.given_up
        if given_up:
            raise FetchError(canonical, "unreachable", f"not tried: host given up this run ({given_up})")
        with gate.slot() as turn:
            if self.cancelled.is_set():
                raise FetchError(canonical, "cancelled", "the run was interrupted")
            self._check_deadline(canonical)
            self.stats.add("requests")
            # Real time, not the policy's clock: a timeout is about the network.
            started = time.monotonic()
            try:
                response = self.session.get(
                    wire_url,
                    headers={"user-agent": USER_AGENT, **headers},
                    timeout=self.policy.timeout,
                    allow_redirects=False,
                    stream=True,
                )
                with response:
                    body, capped = self._read(response, canonical, started)
            except requests.Timeout:
                detail = f"no answer within {self.policy.timeout:g}s"
                raise _TransientError(FetchError(canonical, "timeout", detail), turn) from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                failure = FetchError(canonical, "connection", connection_failure(error))
                raise _TransientError(failure, turn) from None
            except requests.exceptions.ContentDecodingError:
                raise FetchError(canonical, "bad_body", "body cannot be decoded") from None
            except requests.RequestException as error:
                raise FetchError(canonical, "connection", f"request failed ({type(error).__name__})") from None
        self.stats.add("bytes", len(body))
        if capped:
            self.stats.add("capped")
        exchange = Exchange(canonical, response.status_code, self._headers(response, wire_url), body, utc_now())
        return WireAnswer(exchange, 1, len(body), capped), turn

    def _read(self, response: requests.Response, canonical: str, started: float) -> tuple[bytes, bool]:
        """The body, streamed: cut at the cap for text, refused past the limit for JSON,
        and abandoned when the whole attempt outlasts the timeout (a trickling server)."""
        limit, cut_to_limit = body_limit(canonical)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=65536):
            if time.monotonic() - started > self.policy.timeout:
                raise requests.Timeout()
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if not cut_to_limit:
                    raise FetchError(canonical, "too_large", f"body larger than {limit} bytes")
                return b"".join(chunks)[:limit], True
        return b"".join(chunks), False

    def _headers(self, response: requests.Response, wire_url: str) -> dict[str, str]:
        headers = {name.lower(): value for name, value in response.headers.items()}
        # The body handed on is already decoded and complete.
        headers.pop("content-encoding", None)
        headers.pop("content-length", None)
        headers.pop("transfer-encoding", None)
        if "location" in headers:
            headers["location"] = urljoin(wire_url, headers["location"])
        return headers

    def close(self) -> None:
        self.session.close()


def _check_body(canonical: str, exchange: Exchange) -> None:
    if exchange.status == 200:
        problem = broken_promise(canonical, exchange.content_type, exchange.body)
        if problem:
            raise FetchError(canonical, "bad_body", problem)


def connection_failure(error: BaseException) -> str:
    """What went wrong with a connection, in words, from the chain of wrapped errors
    (never their messages, which we do not control)."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for cause, words in CONNECTION_CAUSES:
            if isinstance(current, cause):
                return words
        linked = (*current.args, getattr(current, "reason", None), current.__cause__, current.__context__)
        pending += [e for e in linked if isinstance(e, BaseException)]
    return f"connection failed ({type(error).__name__})"
