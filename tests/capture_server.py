"""A real HTTP server on loopback that serves captured exchanges, for live-mode tests.

Each service sits under its own path prefix (`/hf`, `/github`, `/pypi`, `/arxiv`), and
`environment()` gives the variables that point the crawler there. Like the real services
it answers conditional requests (an `etag` on every 200, 304 on a matching
`If-None-Match`), and it can add latency and enforce a rate limit (429 with
`retry-after` beyond it). Tests inject faults per canonical URL with
`fail(url, *responses)`: each listed response is served once, in order, before the
captured one; a response is an `Exchange` or an action on the raw handler
(`reset_connection`, `stall(seconds)`, `cut_short(exchange)`). `fault_mix` injects a
night of transient faults at once, and `missing` says what a URL that is not captured
answers (404, or 504 for a service that cannot produce it).
"""

from __future__ import annotations

import hashlib
import re
import socket
import struct
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from crawler.captures import CaptureStore, Exchange, normalise_url
from tests.hub_listing import is_listing, listing_page

PREFIXES = {
    "/hf": ("https://huggingface.co", "HF_ENDPOINT"),
    "/github": ("https://api.github.com", "OPENNESS_GITHUB_API"),
    "/pypi": ("https://pypi.org", "OPENNESS_PYPI_URL"),
    "/arxiv": ("https://export.arxiv.org", "OPENNESS_ARXIV_API"),
}

# A fault is either a canned exchange or an action on the raw handler (e.g. a reset).
Fault = Exchange | Callable[[BaseHTTPRequestHandler], None]


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection with a TCP reset before answering."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def stall(seconds: float, then: Exchange | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    """Say nothing for `seconds`, then answer `then` (or just close)."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        if then is not None:
            _write(handler, then.status, then.headers, then.body)

    return act


def cut_short(exchange: Exchange) -> Callable[[BaseHTTPRequestHandler], None]:
    """Promise the whole body in content-length, send half of it, and hang up."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(exchange.status)
        for name, value in exchange.headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(exchange.body)))
        handler.end_headers()
        handler.wfile.write(exchange.body[: len(exchange.body) // 2])
        handler.wfile.flush()
        handler.close_connection = True

    return act


def one_off_faults(exchange: Exchange, which: int) -> tuple[Fault, ...]:
    """The `which`-th kind (cycling) of transient fault a night brings, for one URL: a
    429 asking to retry after a second, a 503 twice, a reset connection, a truncated body."""
    kinds: tuple[tuple[Fault, ...], ...] = (
        (Exchange(exchange.url, 429, {"retry-after": "1", "content-type": "application/json"}, b"{}"),),
        (Exchange(exchange.url, 503, {"content-type": "text/plain"}, b"busy"),) * 2,
        (reset_connection,),
        (cut_short(exchange),) if len(exchange.body) > 1 else (reset_connection,),
    )
    return kinds[which % len(kinds)]


def _write(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("content-length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def etag_of(exchange: Exchange) -> str:
    return exchange.headers.get("etag") or '"' + hashlib.sha1(exchange.body).hexdigest()[:20] + '"'


class _TokenBucket:
    """`rate` requests per second, bursts of up to `rate` (a one-second allowance)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up (timeouts, capped bodies) are part of the tests.
        pass


@dataclass
class CaptureServer:
    store: CaptureStore = field(default_factory=CaptureStore)
    latency: float = 0.0
    rate_limit: float | None = None
    missing: int = 404
    requests: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    request_headers: list[dict[str, str]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    # Model infos the Hub's listing (`/api/models?...`) shows, in its default order.
    listing: list[dict[str, Any]] = field(default_factory=list)

    def __enter__(self) -> CaptureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self._bucket = _TokenBucket(self.rate_limit) if self.rate_limit else None
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def environment(self) -> dict[str, str]:
        return {variable: self.base + prefix for prefix, (_, variable) in PREFIXES.items()}

    def load(self, captures: Path) -> None:
        self.store = CaptureStore.load(captures)

    def fail(self, url: str, *responses: Fault) -> None:
        self.faults[normalise_url(url)].extend(responses)

    def fault_mix(self, every: int = 2) -> int:
        """One transient fault (`one_off_faults`, the kinds in turn) on every `every`-th
        captured URL; says how many URLs were given one."""
        chosen = sorted(self.store.exchanges(), key=lambda e: normalise_url(e.url))[::every]
        for n, exchange in enumerate(chosen):
            self.fail(exchange.url, *one_off_faults(exchange, n))
        return len(chosen)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.outcomes.clear()
            self.statuses.clear()
            self.arrivals.clear()
            self.request_headers.clear()

    def canonical(self, path: str) -> str:
        for prefix, (canonical, _) in PREFIXES.items():
            if path.startswith(prefix + "/"):
                return canonical + path[len(prefix) :]
        return "https://unknown.invalid" + path

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        url = self.canonical(handler.path)
        key = normalise_url(url)
        with self._lock:
            self.requests[key] += 1
            self.arrivals.append(time.monotonic())
            self.request_headers.append({k.lower(): v for k, v in handler.headers.items()})
            fault = self.faults[key].popleft() if self.faults[key] else None
        if self.latency:
            time.sleep(self.latency)
        if self._bucket is not None and not self._bucket.take():
            self._count("429", url=url, status=429)
            _write(handler, 429, {"retry-after": "1", "content-type": "application/json"}, b'{"error":"slow down"}')
            return
        if callable(fault):
            self._count("fault")
            fault(handler)
            return
        exchange = fault or self._stored(url)
        self._send(handler, exchange)

    def _stored(self, url: str) -> Exchange:
        if self.listing and url.startswith(PREFIXES["/hf"][0] + "/") and is_listing(url):
            return listing_page(url, self.listing)
        return self.store.get(url) or Exchange(url, self.missing, {"content-type": "application/json"}, b"{}")

    def _count(self, outcome: str, sent: int = 0, url: str = "", status: int = 0) -> None:
        with self._lock:
            self.outcomes[outcome] += 1
            self.outcomes["bytes"] += sent
            if url:
                self.statuses[normalise_url(url)].append(status)

    def fully_answered(self) -> set[str]:
        """URLs answered with something other than a 304 or a 429."""
        with self._lock:
            return {url for url, statuses in self.statuses.items() if any(s not in (304, 429) for s in statuses)}

    def _send(self, handler: BaseHTTPRequestHandler, exchange: Exchange) -> None:
        headers = dict(exchange.headers)
        if "location" in headers:
            headers["location"] = self._to_local(headers["location"])
        if "link" in headers:
            headers["link"] = re.sub(r"<([^>]*)>", lambda m: f"<{self._to_local(m[1])}>", headers["link"])
        if exchange.status == 200:
            headers["etag"] = etag_of(exchange)
            if handler.headers.get("if-none-match") == headers["etag"]:
                self._count("304", url=exchange.url, status=304)
                handler.send_response(304)
                handler.send_header("etag", headers["etag"])
                handler.end_headers()
                return
        self._count("full", len(exchange.body), exchange.url, exchange.status)
        _write(handler, exchange.status, headers, exchange.body)

    def _to_local(self, url: str) -> str:
        for prefix, (canonical, _) in PREFIXES.items():
            if url.startswith(canonical + "/"):
                return self.base + prefix + url[len(canonical) :]
        return url
