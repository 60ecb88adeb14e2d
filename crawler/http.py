"""The one HTTP layer every fetcher goes through.

`HttpCore.get(url)` is the single choke point: it maps canonical service URLs to the
configured endpoints, serves replays from captures, fetches live through `Wire` (limits,
retries, timeouts, body checks), makes requests conditional on what the previous run
saw, records every exchange, fetches each URL at most once per run, and keeps the run's
statistics and per-URL resource log. The clients the fetchers use (the Hub's httpx2
client, a requests session) reach it through their own extension points in
`crawler/adapters.py`, so live and replayed runs execute the same fetcher code.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from crawler.bodies import body_limit
from crawler.captures import CaptureStore, CaptureWriter, Exchange, normalise_url
from crawler.errors import FetchError
from crawler.politeness import Clock, Deadline, SystemClock
from crawler.previous import PreviousRun
from crawler.stats import RunStats, utc_now
from crawler.wire import HttpPolicy, Wire
from crawler.workers import lent_while_waiting

__all__ = ["SERVICE_BASES", "Endpoints", "FetchError", "HttpCore", "HttpPolicy", "ResourceRecord", "RunStats"]

# Canonical public bases (CAPTURES.md) and the environment variables that override them.
SERVICE_BASES = {
    "hf": ("https://huggingface.co", "HF_ENDPOINT"),
    "github": ("https://api.github.com", "OPENNESS_GITHUB_API"),
    "pypi": ("https://pypi.org", "OPENNESS_PYPI_URL"),
    "arxiv": ("https://export.arxiv.org", "OPENNESS_ARXIV_API"),
}
# Previous answers that may be carried forward unchanged: a body, or its known absence.
CARRIED_STATUSES = frozenset({200, 404})
MAX_REDIRECT_HOPS = 10
LINK_TARGET = re.compile(r"<([^>]*)>")


@dataclass(frozen=True)
class Endpoints:
    """Where each service really is: canonical public base -> configured base."""

    wire_bases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Endpoints:
        bases = {}
        for canonical, variable in SERVICE_BASES.values():
            configured = environ.get(variable, "").strip().rstrip("/")
            if configured and configured != canonical:
                bases[canonical] = configured
        return cls(bases)

    def to_wire(self, canonical_url: str) -> str:
        for canonical, wire in self.wire_bases.items():
            if canonical_url.startswith(canonical + "/"):
                return wire + canonical_url[len(canonical) :]
        return canonical_url

    def to_canonical(self, url: str) -> str:
        for canonical, wire in self.wire_bases.items():
            if url.startswith(wire + "/"):
                return canonical + url[len(wire) :]
        return url


@dataclass(slots=True)
class ResourceRecord:
    """What the run learned about one URL; becomes a row of the `resources` table.

    `bytes` counts what came over the wire this run (0 for a 304 or a carried answer);
    `final_url` is where a redirect finally led; `not_modified` marks a body confirmed
    or carried from the previous run rather than downloaded again."""

    url: str
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None
    error: str | None = None
    error_kind: str | None = None
    bytes: int = 0
    not_modified: bool = False
    final_url: str | None = None
    attempts: int = 0
    capped: bool = False


@dataclass(frozen=True)
class _Outcome:
    exchange: Exchange
    attempts: int = 0
    received: int = 0
    capped: bool = False
    not_modified: bool = False


class HttpCore:
    """Replay from captures, or fetch live (recording every exchange)."""

    def __init__(
        self,
        *,
        replay: CaptureStore | None = None,
        recorder: CaptureWriter | None = None,
        endpoints: Endpoints | None = None,
        policy: HttpPolicy | None = None,
        clock: Clock | None = None,
        previous: PreviousRun | None = None,
        deadline: float | None = None,
        on_resource: Callable[[ResourceRecord], None] | None = None,
    ) -> None:
        self.replay = replay
        self.recorder = recorder
        self.endpoints = endpoints or Endpoints.from_environment()
        self.previous = previous if replay is None else None
        self.stats = RunStats()
        # With `on_resource`, a URL's record goes there once answered and only failures
        # and redirects (the run's end reads them) stay here: a run of 100,000 models
        # has some 300,000 records. `resource_count` counts them all.
        self.resources: dict[str, ResourceRecord] = {}
        self.resource_count = 0
        self._on_resource = on_resource
        self._cancelled = threading.Event()
        clock = clock or SystemClock()
        # The deadline counts from now; a replay never waits, so it has none.
        self.deadline = Deadline(clock, deadline if replay is None else None)
        self._wire = Wire(policy or HttpPolicy(), clock, self.stats, self._cancelled, self.deadline)
        self._in_flight: dict[str, Future[Exchange]] = {}
        # URLs answered this run -> how to get the answer again without holding its body:
        # the recorded line's offset (live), or None (replay: the captures have it).
        self._answered: dict[str, int | None] = {}
        self._offsets: dict[str, int] = {}  # recorded this run, not yet marked answered
        self._lock = threading.Lock()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Exchange:
        """The response for `url`, fetched at most once per run. Raises FetchError."""
        canonical = self.endpoints.to_canonical(url)
        return self._once(canonical, lambda: self._fetch(canonical, dict(headers or {})))

    def previous_exchange(self, url: str) -> Exchange | None:
        """What the previous live run got for `url` (None in replay, or if it has none)."""
        return self.previous.exchange(self.endpoints.to_canonical(url)) if self.previous else None

    def carry_forward(self, url: str) -> Exchange | None:
        """The previous run's answer for `url`, taken into this run without a request.
        For callers that know the resource cannot have changed (a file at an unchanged
        commit); None when there is no previous answer to carry."""
        canonical = self.endpoints.to_canonical(url)
        previous = self.previous_exchange(canonical)
        if previous is None or previous.status not in CARRIED_STATUSES:
            return None
        return self._once(canonical, lambda: self._carry(canonical, previous))

    @property
    def deadline_reached(self) -> bool:
        """Whether some resource was left unfetched because the deadline passed."""
        return self.stats.failures["deadline"] > 0

    def cancel(self) -> None:
        """Stop the run: waits end at once and requests not yet sent fail as `cancelled`."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def resource_records(self) -> list[ResourceRecord]:
        """Every URL of the run (only the failures and redirects when records went to
        `on_resource`), with each redirect's `final_url` followed to its end."""
        with self._lock:
            records = list(self.resources.values())
        by_url = {normalise_url(r.url): r for r in records}
        for record in records:
            record.final_url = _end_of_redirects(record, by_url)
        return records

    def _once(self, canonical: str, produce: Callable[[], _Outcome]) -> Exchange:
        """Each URL is fetched once per run. While it is in flight, other askers wait for
        it; once answered, the body is not kept (a nightly run of 100,000 models would
        hold every card): a later asker gets it back from this run's capture, or the
        replayed one. Failures are kept, small, as they are."""
        key = normalise_url(canonical)
        with self._lock:
            answered = key in self._answered
            location = self._answered.get(key)
            future = None if answered else self._in_flight.get(key)
            owner = not answered and future is None
            if owner:
                future = self._in_flight[key] = Future()
        if answered:
            self.stats.add("shared")
            return self._again(canonical, location)
        assert future is not None
        if not owner:
            self.stats.add("shared")
            # The owner may be backing off with its permit lent: holding this one while
            # waiting for it could leave it no permit to come back with.
            with lent_while_waiting():
                return future.result()
        try:
            outcome = produce()
        except FetchError as error:
            try:
                self._note_failure(canonical, error)
            finally:  # whoever waits for the same URL learns of it, whatever noting it did
                future.set_exception(error)
            raise
        except BaseException as error:
            # Whoever waits for the same URL must not wait forever.
            future.set_exception(FetchError(canonical, "cancelled", f"fetch abandoned ({type(error).__name__})"))
            raise
        try:
            self._note_success(outcome)
        finally:
            future.set_result(outcome.exchange)
        with self._lock:
            offset = self._offsets.pop(key, None)
            if self.replay is not None or offset is not None:
                self._answered[key] = offset
                del self._in_flight[key]
        return outcome.exchange

    def _again(self, canonical: str, location: int | None) -> Exchange:
        """An answer given earlier this run, read back from where it was kept."""
        if location is not None and self.recorder is not None:
            return self.recorder.read(location)
        assert self.replay is not None
        exchange = self.replay.get(canonical)
        assert exchange is not None, "an answered replay URL is in the captures"
        return exchange

    def _fetch(self, canonical: str, headers: dict[str, str]) -> _Outcome:
        if self._cancelled.is_set():  # a stopped replay answers nothing more either
            raise FetchError(canonical, "cancelled", "the run was interrupted")
        if self.replay is not None:
            exchange = self._from_replay(canonical)
            return _Outcome(exchange, capped=bool(exchange.oversize))
        conditional = self.previous.conditional_headers(canonical) if self.previous else {}
        answer = self._wire.fetch(canonical, self.endpoints.to_wire(canonical), {**headers, **conditional})
        exchange = answer.exchange
        not_modified = exchange.status == 304 and bool(conditional)
        if not_modified:
            assert self.previous is not None
            exchange = self.previous.revalidated(canonical, exchange)
            self.stats.add("not_modified")
        else:
            exchange = self._canonical_links(exchange)
        self._record(exchange)
        return _Outcome(exchange, answer.attempts, answer.received, answer.capped, not_modified)

    def _canonical_links(self, exchange: Exchange) -> Exchange:
        """Redirects and next-page links name the canonical URL, as captures do, so a
        client following them comes back through the core the same way live and replayed."""
        headers = dict(exchange.headers)
        if "location" in headers:
            headers["location"] = self.endpoints.to_canonical(headers["location"])
        if "link" in headers:
            headers["link"] = LINK_TARGET.sub(lambda m: f"<{self.endpoints.to_canonical(m[1])}>", headers["link"])
        return dataclasses.replace(exchange, headers=headers) if headers != exchange.headers else exchange

    def _from_replay(self, canonical: str) -> Exchange:
        assert self.replay is not None
        exchange = self.replay.get(canonical)
        if exchange is None:
            nearest = self.replay.nearest(canonical)
            hint = f"; nearest captured: {', '.join(nearest)}" if nearest else ""
            raise FetchError(canonical, "not_captured", f"not captured{hint}")
        self.stats.add("replayed")
        if exchange.oversize:
            # The limits of a live fetch: a text body is kept cut, JSON past it is refused.
            limit, cut_to_limit = body_limit(canonical)
            if not cut_to_limit:
                detail = f"body larger than {limit} bytes ({exchange.oversize} captured)"
                raise FetchError(canonical, "too_large", detail)
            self.stats.add("capped")
        return exchange

    def _carry(self, canonical: str, previous: Exchange) -> _Outcome:
        exchange = Exchange(canonical, previous.status, dict(previous.headers), previous.body, previous.fetched_at)
        self.stats.add("carried_forward")
        self._record(exchange)
        return _Outcome(exchange, not_modified=True)

    def _record(self, exchange: Exchange) -> None:
        if self.recorder is not None:
            offset = self.recorder.write(exchange)
            with self._lock:
                self._offsets[normalise_url(exchange.url)] = offset

    def _note_success(self, outcome: _Outcome) -> None:
        exchange = outcome.exchange
        record = ResourceRecord(
            url=exchange.url,
            status=exchange.status,
            etag=exchange.headers.get("etag"),
            last_modified=exchange.headers.get("last-modified"),
            fetched_at=exchange.fetched_at,
            bytes=outcome.received,
            not_modified=outcome.not_modified,
            final_url=exchange.headers.get("location") if 300 <= exchange.status < 400 else None,
            attempts=outcome.attempts,
            capped=outcome.capped,
        )
        self._keep(record)
        self.stats.add(f"status_{exchange.status // 100}xx")

    def _note_failure(self, canonical: str, error: FetchError) -> None:
        record = ResourceRecord(
            url=canonical, status=None, fetched_at=utc_now(), error=error.detail, error_kind=error.kind
        )
        self._keep(record)
        self.stats.failed(error.kind)

    def _keep(self, record: ResourceRecord) -> None:
        redirect = record.status is not None and 300 <= record.status < 400
        with self._lock:
            self.resource_count += 1
            if self._on_resource is None or record.error_kind or redirect:
                self.resources[record.url] = record
                return
        self._on_resource(record)

    def close(self) -> None:
        self._wire.close()

    def __enter__(self) -> HttpCore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end_of_redirects(record: ResourceRecord, by_url: Mapping[str, ResourceRecord]) -> str | None:
    """Where a redirect chain ends; None for a resource that is not a redirect."""
    if record.status is None or not 300 <= record.status < 400 or not record.final_url:
        return None
    location = record.final_url
    for _ in range(MAX_REDIRECT_HOPS):
        hop = by_url.get(normalise_url(location))
        if hop is None or hop.status is None or not 300 <= hop.status < 400 or not hop.final_url:
            break
        location = hop.final_url
    return location
