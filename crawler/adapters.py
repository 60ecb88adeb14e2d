"""Plug `HttpCore` into the clients' own extension points.

The Hub client gets an httpx2 transport through `huggingface_hub.set_client_factory`;
requests sessions get a transport adapter. Both hand every request to the core and
build the client's native response from the core's `Exchange`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import requests
from huggingface_hub import constants, set_client_factory
from huggingface_hub.utils._http import default_client_factory, hf_request_event_hook
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from crawler.http import HttpCore

# Request headers the core forwards to the wire; the rest (trace ids, accept-encoding
# chosen by each client, user agents) are left to the core. Conditional headers are
# the core's alone: it turns every 304 back into a 200, so no client ever sees one.
FORWARDED_HEADERS = ("accept", "authorization", "x-github-api-version")


def _forwarded(headers: object) -> dict[str, str]:
    items = headers.items() if hasattr(headers, "items") else []
    return {name.lower(): value for name, value in items if name.lower() in FORWARDED_HEADERS}


class HubTransport(httpx2.BaseTransport):
    """httpx2 transport for the Hub client."""

    def __init__(self, core: HttpCore) -> None:
        self.core = core

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        exchange = self.core.get(str(request.url), _forwarded(request.headers))
        return httpx2.Response(exchange.status, headers=exchange.headers, content=exchange.body, request=request)


class CoreAdapter(BaseAdapter):
    """requests transport adapter for the GitHub, PyPI and arXiv sessions."""

    def __init__(self, core: HttpCore) -> None:
        super().__init__()
        self.core = core

    def send(self, request: requests.PreparedRequest, **_: object) -> requests.Response:  # type: ignore[override]
        exchange = self.core.get(str(request.url), _forwarded(request.headers))
        response = requests.Response()
        response.status_code = exchange.status
        response.headers = CaseInsensitiveDict(exchange.headers)
        response._content = exchange.body
        response.url = exchange.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def requests_session(core: HttpCore, headers: dict[str, str] | None = None) -> requests.Session:
    """A requests session whose every request goes through the core."""
    session = requests.Session()
    adapter = CoreAdapter(core)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update(headers or {})
    return session


@contextmanager
def hub_client(core: HttpCore) -> Iterator[None]:
    """Route the Hub client's shared session through the core while the block runs;
    a block left by an exception cancels the core first."""

    def factory() -> httpx2.Client:
        # Keep the library's own request hook (offline mode, request ids); the core
        # enforces the timeout, so the client needs none of its own.
        return httpx2.Client(
            transport=HubTransport(core), follow_redirects=True, event_hooks={"request": [hf_request_event_hook]}
        )

    # With telemetry on, building the client's headers looks up an "agent harness"
    # registry on the Hub: a request of the library's own that is no part of the crawl.
    telemetry_disabled = constants.HF_HUB_DISABLE_TELEMETRY
    constants.HF_HUB_DISABLE_TELEMETRY = True
    set_client_factory(factory)
    try:
        yield
    except BaseException:
        # Stopped: the Hub fetchers refuse once the core is cancelled, before the
        # library's default client (the real network) is back.
        core.cancel()
        raise
    finally:
        set_client_factory(default_client_factory)
        constants.HF_HUB_DISABLE_TELEMETRY = telemetry_disabled
