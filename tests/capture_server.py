"""A real HTTP server on loopback that serves captured exchanges, for live-mode tests.

Each service sits under its own path prefix (`/hf`, `/github`, `/pypi`, `/arxiv`), and
`environment()` gives the variables that point the crawler there. Tests can inject
faults per canonical URL with `fail(url, *responses)`: each listed response is served
once, in order, before the captured one.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.captures import CaptureStore, Exchange, normalise_url

PREFIXES = {
    "/hf": ("https://huggingface.co", "HF_ENDPOINT"),
    "/github": ("https://api.github.com", "OPENNESS_GITHUB_API"),
    "/pypi": ("https://pypi.org", "OPENNESS_PYPI_URL"),
    "/arxiv": ("https://export.arxiv.org", "OPENNESS_ARXIV_API"),
}

# A fault is either a canned exchange or an action on the raw handler (e.g. a reset).
Fault = Exchange | Callable[[BaseHTTPRequestHandler], None]


@dataclass
class CaptureServer:
    store: CaptureStore = field(default_factory=CaptureStore)
    requests: Counter[str] = field(default_factory=Counter)
    request_headers: list[dict[str, str]] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))

    def __enter__(self) -> CaptureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def environment(self) -> dict[str, str]:
        return {variable: self.base + prefix for prefix, (_, variable) in PREFIXES.items()}

    def load(self, captures: Path) -> None:
        self.store = CaptureStore.load(captures)

    def fail(self, url: str, *responses: Fault) -> None:
        self.faults[normalise_url(url)].extend(responses)

    def canonical(self, path: str) -> str:
        for prefix, (canonical, _) in PREFIXES.items():
            if path.startswith(prefix + "/"):
                return canonical + path[len(prefix) :]
        return "https://unknown.invalid" + path

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        url = self.canonical(handler.path)
        key = normalise_url(url)
        self.requests[key] += 1
        self.request_headers.append({k.lower(): v for k, v in handler.headers.items()})
        fault = self.faults[key].popleft() if self.faults[key] else None
        if callable(fault):
            fault(handler)
            return
        exchange = fault or self.store.get(url) or Exchange(url, 404, {"content-type": "application/json"}, b"{}")
        self._send(handler, exchange)

    def _send(self, handler: BaseHTTPRequestHandler, exchange: Exchange) -> None:
        handler.send_response(exchange.status)
        for name, value in exchange.headers.items():
            if name == "location" and value.startswith("https://"):
                value = self._to_local(value)
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(exchange.body)))
        handler.end_headers()
        handler.wfile.write(exchange.body)

    def _to_local(self, url: str) -> str:
        for prefix, (canonical, _) in PREFIXES.items():
            if url.startswith(canonical + "/"):
                return self.base + prefix + url[len(canonical) :]
        return url
