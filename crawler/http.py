"""The one HTTP layer every fetcher goes through.

`HttpCore.get(url)` is the single choke point: it maps canonical service URLs to the
configured endpoints, serves replays from captures, records live exchanges, fetches each
URL at most once per run, and keeps the run's statistics and per-URL resource log. The
clients the fetchers use (the Hub's httpx2 client, a requests session) reach it through
their own extension points in `crawler/adapters.py`, so live and replayed runs execute
the same fetcher code.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from crawler.captures import CaptureStore, CaptureWriter, Exchange, normalise_url

# Canonical public bases (CAPTURES.md) and the environment variables that override them.
SERVICE_BASES = {
    "hf": ("https://huggingface.co", "HF_ENDPOINT"),
    "github": ("https://api.github.com", "OPENNESS_GITHUB_API"),
    "pypi": ("https://pypi.org", "OPENNESS_PYPI_URL"),
    "arxiv": ("https://export.arxiv.org", "OPENNESS_ARXIV_API"),
}
DEFAULT_TIMEOUT_SECONDS = 30.0
MAX_BODY_BYTES = 10 * 1024 * 1024
USER_AGENT = "openness-index/0.1 (+https://github.com/; research crawler)"


class FetchError(Exception):
    """A resource whose content is unknown: not captured, unreachable, or unusable.

    `kind` is a short machine name ("not_captured", "timeout", "connection", "bad_body",
    "too_large", "http"); the message always names the URL."""

    def __init__(self, url: str, kind: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.kind = kind
        self.detail = detail


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


@dataclass
class ResourceRecord:
    """What the run learned about one URL; becomes a row of the `resources` table."""

    url: str
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None
    error: str | None = None
    error_kind: str | None = None
    bytes: int = 0
    not_modified: bool = False


@dataclass
class RunStats:
    """Named counters for the run summary."""

    counters: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {**dict(sorted(self.counters.items())), "failures": dict(sorted(self.failures.items()))}


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class HttpCore:
    """Replay from captures, or fetch live (recording every exchange)."""

    def __init__(
        self,
        *,
        replay: CaptureStore | None = None,
        recorder: CaptureWriter | None = None,
        endpoints: Endpoints | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.replay = replay
        self.recorder = recorder
        self.endpoints = endpoints or Endpoints.from_environment()
        self.timeout = timeout
        self.stats = RunStats()
        self.resources: dict[str, ResourceRecord] = {}
        self._in_flight: dict[str, Future[Exchange]] = {}
        self._lock = threading.Lock()
        self._wire = requests.Session()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Exchange:
        """The response for `url`, fetched at most once per run. Raises FetchError."""
        canonical = self.endpoints.to_canonical(url)
        key = normalise_url(canonical)
        with self._lock:
            future = self._in_flight.get(key)
            owner = future is None
            if owner:
                future = self._in_flight[key] = Future()
        assert future is not None
        if not owner:
            self.stats.counters["shared"] += 1
            return future.result()
        try:
            exchange = self._fetch(canonical, dict(headers or {}))
        except FetchError as error:
            self._note_failure(canonical, error)
            future.set_exception(error)
            raise
        self._note_success(exchange)
        future.set_result(exchange)
        return exchange

    def _fetch(self, canonical: str, headers: dict[str, str]) -> Exchange:
        if self.replay is not None:
            return self._from_replay(canonical)
        exchange = self._from_wire(canonical, headers)
        if self.recorder is not None:
            self.recorder.write(exchange)
        return exchange

    def _from_replay(self, canonical: str) -> Exchange:
        assert self.replay is not None
        exchange = self.replay.get(canonical)
        if exchange is None:
            nearest = self.replay.nearest(canonical)
            hint = f"; nearest captured: {', '.join(nearest)}" if nearest else ""
            raise FetchError(canonical, "not_captured", f"not captured{hint}")
        self.stats.counters["replayed"] += 1
        return exchange

    def _from_wire(self, canonical: str, headers: dict[str, str]) -> Exchange:
        wire_url = self.endpoints.to_wire(canonical)
        headers.setdefault("user-agent", USER_AGENT)
        self.stats.counters["requests"] += 1
        try:
            response = self._wire.get(
                wire_url, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True
            )
            body = _read_capped(response, canonical)
        except requests.Timeout as error:
            raise FetchError(canonical, "timeout", f"timed out after {self.timeout:g}s") from error
        except requests.RequestException as error:
            raise FetchError(canonical, "connection", f"connection failed ({type(error).__name__})") from error
        response_headers = {name.lower(): value for name, value in response.headers.items()}
        response_headers.pop("content-encoding", None)
        response_headers.pop("content-length", None)
        location = response_headers.get("location")
        if location:
            response_headers["location"] = self.endpoints.to_canonical(location)
        self.stats.counters["bytes"] += len(body)
        return Exchange(canonical, response.status_code, response_headers, body, utc_now())

    def _note_success(self, exchange: Exchange) -> None:
        record = ResourceRecord(
            url=exchange.url,
            status=exchange.status,
            etag=exchange.headers.get("etag"),
            last_modified=exchange.headers.get("last-modified"),
            fetched_at=exchange.fetched_at,
            bytes=len(exchange.body),
        )
        with self._lock:
            self.resources[exchange.url] = record
            self.stats.counters[f"status_{exchange.status // 100}xx"] += 1

    def _note_failure(self, canonical: str, error: FetchError) -> None:
        record = ResourceRecord(
            url=canonical, status=None, fetched_at=utc_now(), error=error.detail, error_kind=error.kind
        )
        with self._lock:
            self.resources[canonical] = record
            self.stats.failures[error.kind] += 1

    def close(self) -> None:
        self._wire.close()


def _read_capped(response: requests.Response, url: str) -> bytes:
    """Read a streamed body, refusing bodies past MAX_BODY_BYTES rather than holding them."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            response.close()
            raise FetchError(url, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
