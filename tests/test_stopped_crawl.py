"""A refresh stopped while crawls are still running on the pool fetches nothing more:
every crawl has returned before the Hub client's routing through the core is torn
down, so no request can fall back to the library's defaults and the real network."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from crawler.captures import CaptureStore, Exchange
from crawler.errors import FetchError
from crawler.http import HttpCore
from crawler.hub import HubFetcher
from crawler.results import ProjectCrawl
from index.refresh import RefreshOptions, refresh
from index.registry import load_registry
from tests.capture_server import CaptureServer
from tests.live_runs import TEST_POLICY, LiveWorld

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def test_a_refresh_stopped_mid_crawl_makes_no_request_outside_the_core(
    capture_server: CaptureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = LiveWorld.serving(capture_server, tmp_path, 12)
    # Slow answers keep the other workers mid-crawl, requests on the wire, when the
    # first project is done.
    capture_server.latency = 0.3
    outside: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in LOOPBACK:
            outside.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "tests never leave loopback")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)

    def stop(_: ProjectCrawl) -> None:
        raise KeyboardInterrupt  # what Ctrl-C (and SIGTERM, in the CLI) raises

    crawling_before = set(threading.enumerate())
    with pytest.raises(KeyboardInterrupt):
        options = RefreshOptions(
            db=world.db, registry_label="test", snapshots=world.snapshots, http=TEST_POLICY, clock=world.clock
        )
        refresh(load_registry(world.registry), options, on_project_done=stop)
    still_crawling = [t for t in threading.enumerate() if t.name.startswith("crawl") and t not in crawling_before]
    requests_at_stop = sum(capture_server.requests.values())
    for thread in still_crawling:  # without the fix: let them show what they would fetch
        thread.join(timeout=10)
    assert outside == []
    # The stop returned only once every crawl had, and nothing was fetched after it.
    assert [t.name for t in still_crawling] == []
    assert sum(capture_server.requests.values()) == requests_at_stop
    assert [status for (status,) in world.query("SELECT status FROM runs")] == ["interrupted"]


def test_a_cancelled_core_answers_nothing_more_even_from_captures() -> None:
    url = "https://huggingface.co/api/models/acme/widget"
    core = HttpCore(replay=CaptureStore({url: Exchange(url, 200, body=b'{"id": "acme/widget"}')}))
    core.cancel()
    with pytest.raises(FetchError) as stopped:
        core.get(url)
    assert stopped.value.kind == "cancelled"


def test_the_hub_fetcher_refuses_once_the_core_is_cancelled_without_calling_the_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetcher = HubFetcher(HttpCore(replay=CaptureStore()))
    fetcher.core.cancel()  # type: ignore[union-attr]

    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("the library was called after the stop")

    monkeypatch.setattr(fetcher.api, "model_info", never)
    fetched = fetcher.model("acme/widget")
    assert (fetched.ok, fetched.error) == (False, "the run was interrupted")
