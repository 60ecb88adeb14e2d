"""The HTTP core against a real loopback server that misbehaves: rate limits, 5xx,
slow answers, dropped connections, broken and huge bodies, redirects, and a whole night
of them over the calibration systems."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from crawler.adapters import hub_client
from crawler.bodies import TEXT_BODY_CAP
from crawler.captures import CaptureStore, CaptureWriter, Exchange
from crawler.crawl import Fetchers, crawl_all, crawl_project
from crawler.errors import FetchError
from crawler.http import HttpCore, HttpPolicy
from crawler.politeness import DEFAULT_LIMITS, HostLimit
from index.refresh import RefreshOptions, RefreshResult, refresh
from index.registry import Project, load_registry, parse_registry
from tests.capture_server import CaptureServer, cut_short, reset_connection, stall
from tests.conftest import replay_calibration_into
from tests.fake_clock import FakeClock
from tests.live_runs import LiveWorld
from tests.synthetic_hub import model_id, synthetic_hub

GITHUB = "https://api.github.com"
REPO = f"{GITHUB}/repos/acme/widget"
CARD = "https://huggingface.co/acme/widget/resolve/main/README.md"
JSON = {"content-type": "application/json"}


def answer(url: str, data: object, status: int = 200, headers: dict[str, str] | None = None) -> Exchange:
    return Exchange(url, status, {**JSON, **(headers or {})}, json.dumps(data).encode())


def raw(url: str, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Exchange:
    return Exchange(url, status, headers or {}, body)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(capture_server: CaptureServer, clock: FakeClock, tmp_path: Path) -> Iterator[HttpCore]:
    capture_server.store = CaptureStore()
    # A timeout well above a loopback answer on a loaded machine (a healthy answer must
    # never time out), well below the stalls the timeout tests serve.
    policy = HttpPolicy(timeout=0.8, backoff_base=0.5, max_wait=120.0)
    http = HttpCore(policy=policy, clock=clock, recorder=CaptureWriter(tmp_path / "run.jsonl"))
    yield http
    http.close()


def serve(server: CaptureServer, *exchanges: Exchange) -> None:
    server.store = CaptureStore({e.url: e for e in exchanges})


def recorded(tmp_path: Path) -> CaptureStore:
    return CaptureStore.load(tmp_path / "run.jsonl")


def test_429_waits_as_long_as_retry_after_says_then_succeeds(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    capture_server.fail(REPO, raw(REPO, 429, headers={"retry-after": "7"}))
    exchange = core.get(REPO)
    assert exchange.status == 200 and json.loads(exchange.body)["full_name"] == "acme/widget"
    assert capture_server.requests[REPO] == 2
    assert 7.0 in clock.sleeps
    assert core.stats.counters["rate_limited"] == 1 and core.stats.counters["retries"] == 1
    assert core.resources[REPO].attempts == 2


def test_github_403_with_no_quota_left_waits_until_the_reset(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    reset = str(int(clock.time() + 42))
    capture_server.fail(REPO, raw(REPO, 403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}))
    assert core.get(REPO).status == 200
    assert any(41 <= s <= 42 for s in clock.sleeps)


def test_a_wait_longer_than_allowed_fails_at_once_and_spares_the_host(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    other = f"{GITHUB}/repos/acme/other"
    serve(capture_server, answer(REPO, {}), answer(other, {}))
    an_hour = str(int(clock.time() + 3600))
    capture_server.fail(REPO, raw(REPO, 403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": an_hour}))
    with pytest.raises(FetchError) as refused:
        core.get(REPO)
    assert refused.value.kind == "rate_limited" and "more than the 120s allowed" in refused.value.detail
    with pytest.raises(FetchError) as spared:
        core.get(other)
    assert spared.value.kind == "unreachable"
    assert capture_server.requests[REPO] == 1 and capture_server.requests[other] == 0
    assert clock.slept < 1


def test_a_rate_limited_github_repo_is_unknown_not_absent(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    an_hour = str(int(clock.time() + 3600))
    capture_server.fail(REPO, raw(REPO, 403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": an_hour}))
    repo = Fetchers.over(core).github.repo("acme/widget")
    assert repo.status is None and repo.unknown and not repo.absent


def test_5xx_is_retried_with_growing_backoff_then_succeeds(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    capture_server.fail(REPO, raw(REPO, 500), raw(REPO, 503))
    assert core.get(REPO).status == 200
    assert capture_server.requests[REPO] == 3
    assert len(clock.sleeps) == 2 and clock.sleeps[1] > clock.sleeps[0] * 0.5


def test_5xx_every_time_ends_as_a_server_error_after_bounded_attempts(
    core: HttpCore, capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.fail(REPO, *[raw(REPO, 502)] * 10)
    with pytest.raises(FetchError) as failed:
        core.get(REPO)
    assert failed.value.kind == "server_error" and "after 4 attempts" in failed.value.detail
    assert capture_server.requests[REPO] == 4
    assert core.resources[REPO].error_kind == "server_error"
    assert recorded(tmp_path).get(REPO) is None


def test_an_answer_slower_than_the_timeout_is_abandoned_and_retried(
    core: HttpCore, capture_server: CaptureServer
) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    capture_server.fail(REPO, stall(2.0))
    assert core.get(REPO).status == 200
    assert capture_server.requests[REPO] == 2 and core.stats.counters["retries"] == 1


def test_an_answer_that_never_comes_in_time_is_a_timeout(core: HttpCore, capture_server: CaptureServer) -> None:
    capture_server.fail(REPO, *[stall(1.6)] * 4)
    with pytest.raises(FetchError) as failed:
        core.get(REPO)
    assert failed.value.kind == "timeout" and capture_server.requests[REPO] == 4


@pytest.mark.parametrize("drop", [reset_connection, cut_short(answer(REPO, {"full_name": "acme/widget"}))])
def test_dropped_connections_are_retried(core: HttpCore, capture_server: CaptureServer, drop: object) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    capture_server.fail(REPO, drop)  # type: ignore[arg-type]
    assert json.loads(core.get(REPO).body) == {"full_name": "acme/widget"}
    assert capture_server.requests[REPO] == 2


@pytest.mark.parametrize(
    ("body", "content_type", "detail"),
    [
        (b"<!doctype html><title>Unicorn!</title>", "text/html", "expected JSON, got HTML"),
        (b'{"full_name": "acme/wid', "application/json", "truncated or not JSON"),
        (b'{"full_name": "acme/\xff\xfe"}', "application/json", "not valid UTF-8"),
    ],
)
def test_a_body_that_breaks_the_json_promise_is_a_bad_body(
    core: HttpCore, capture_server: CaptureServer, tmp_path: Path, body: bytes, content_type: str, detail: str
) -> None:
    serve(capture_server, raw(REPO, 200, body, {"content-type": content_type}))
    repo = Fetchers.over(core).github.repo("acme/widget")
    assert repo.unknown and detail in (repo.error or "")
    assert core.resources[REPO].error_kind == "bad_body"
    assert core.stats.failures["bad_body"] == 1
    assert capture_server.requests[REPO] == 1
    assert recorded(tmp_path).get(REPO) is None


def test_a_huge_card_is_capped_and_a_huge_json_body_refused(
    core: HttpCore, capture_server: CaptureServer, tmp_path: Path
) -> None:
    twenty_mb = 20 * 1024 * 1024
    card_text = b"# Widget\n\nLicensed under Apache-2.0.\n" + b"x" * twenty_mb
    tree = f"{REPO}/git/trees/main?recursive=1"
    serve(
        capture_server,
        raw(CARD, 200, card_text, {"content-type": "text/plain"}),
        raw(tree, 200, b'{"tree": [' + b'{"path": "a"},' * (twenty_mb // 14) + b"{}]}", JSON),
    )
    card = core.get(CARD)
    assert len(card.body) == TEXT_BODY_CAP and card.body.startswith(b"# Widget")
    assert core.resources[CARD].capped and core.stats.counters["capped"] == 1
    with pytest.raises(FetchError) as refused:
        core.get(tree)
    assert refused.value.kind == "too_large"
    assert len(recorded(tmp_path).get(CARD).body) == TEXT_BODY_CAP  # type: ignore[union-attr]


def test_a_renamed_repo_is_followed_and_its_tree_fetched_under_the_new_name(
    core: HttpCore, capture_server: CaptureServer
) -> None:
    moved = f"{GITHUB}/repositories/42"
    readme = {"content": "IyBXaWRnZXQK", "encoding": "base64"}
    serve(
        capture_server,
        raw(REPO, 301, b"{}", {"location": moved, **JSON}),
        raw(f"{REPO}/readme", 301, b"{}", {"location": f"{moved}/readme", **JSON}),
        answer(moved, {"full_name": "acme-labs/widget", "default_branch": "trunk"}),
        answer(f"{moved}/readme", readme),
        answer(f"{GITHUB}/repos/acme-labs/widget/git/trees/trunk?recursive=1", {"tree": [{"path": "train.py"}]}),
    )
    with hub_client(core):
        crawl = crawl_project(Project("widget", "Widget", "Acme", github="acme/widget"), Fetchers.over(core))
    repo, fetched_readme, tree = crawl.of("github")
    assert repo.ok and repo.final_url == moved
    assert fetched_readme.ok and fetched_readme.data == readme
    assert tree.ok and tree.url == f"{GITHUB}/repos/acme-labs/widget/git/trees/trunk?recursive=1"
    records = {r.url: r for r in core.resource_records()}
    assert records[REPO].status == 301 and records[REPO].final_url == moved
    assert records[moved].status == 200 and records[moved].final_url is None


def test_per_host_concurrency_is_never_exceeded(capture_server: CaptureServer, clock: FakeClock) -> None:
    urls = [f"{GITHUB}/repos/acme/r{i}" for i in range(12)]
    serve(capture_server, *(answer(u, {}) for u in urls))
    capture_server.latency = 0.05
    in_flight, peak = 0, 0
    lock = threading.Lock()
    serve_request, send_answer = capture_server._serve, capture_server._send

    def arriving(handler: object) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        serve_request(handler)  # type: ignore[arg-type]

    def answering(handler: object, exchange: Exchange) -> None:
        # Counted out before the answer goes back: the client frees its slot only after
        # reading it, so a request it sends next cannot overlap this one's bookkeeping.
        nonlocal in_flight
        with lock:
            in_flight -= 1
        send_answer(handler, exchange)  # type: ignore[arg-type]

    capture_server._serve = arriving  # type: ignore[method-assign]
    capture_server._send = answering  # type: ignore[method-assign]
    core = HttpCore(policy=HttpPolicy(limits={"127.0.0.1": HostLimit(2, None)}), clock=clock)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda u: core.get(u).status, urls))
    core.close()
    assert statuses == [200] * 12 and peak == 2


def test_a_503_that_says_when_to_come_back_is_retried_no_sooner(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    serve(capture_server, answer(REPO, {"full_name": "acme/widget"}))
    capture_server.fail(REPO, raw(REPO, 503, headers={"retry-after": "30"}))
    assert core.get(REPO).status == 200
    assert clock.sleeps == [30.0]


def test_a_redirect_loop_is_an_unknown_resource_not_a_crash(core: HttpCore, capture_server: CaptureServer) -> None:
    model_info = "https://huggingface.co/api/models/acme/widget"
    loop_back = "https://huggingface.co/api/models/acme/loop"
    serve(
        capture_server,
        raw(REPO, 301, b"{}", {"location": f"{GITHUB}/repos/acme/loop"}),
        raw(f"{GITHUB}/repos/acme/loop", 301, b"{}", {"location": REPO}),
        raw(model_info, 307, b"{}", {"location": loop_back}),
        raw(loop_back, 307, b"{}", {"location": model_info}),
    )
    fetchers = Fetchers.over(core)
    with hub_client(core):
        repo, model = fetchers.github.repo("acme/widget"), fetchers.hub.model("acme/widget")
    assert repo.unknown and "TooManyRedirects" in (repo.error or "")
    assert model.unknown and "TooManyRedirects" in (model.error or "")
    assert capture_server.requests[REPO] == 1 and capture_server.requests[model_info] == 1


def test_a_quota_reported_in_answers_spreads_the_next_requests(
    core: HttpCore, capture_server: CaptureServer, clock: FakeClock
) -> None:
    reset = str(int(clock.time() + 10))
    quota = {"x-ratelimit-remaining": "2", "x-ratelimit-reset": reset}
    urls = [f"{GITHUB}/repos/acme/r{i}" for i in range(3)]
    serve(capture_server, *(answer(url, {}, headers=quota) for url in urls))
    assert [core.get(url).status for url in urls] == [200, 200, 200]
    assert len(clock.sleeps) == 2 and all(4.0 <= wait <= 5.0 for wait in clock.sleeps)


def test_faults_the_crawler_recovers_from_leave_the_grades_of_a_clean_run(
    capture_server: CaptureServer, tmp_path: Path
) -> None:
    world = LiveWorld(capture_server, tmp_path)
    world.publish(synthetic_hub(5))
    clean = world.refresh(incremental=False)
    info = f"https://huggingface.co/api/models/{model_id(0)}"
    card = f"https://huggingface.co/{model_id(1)}/resolve/main/README.md"
    repo, readme = f"{GITHUB}/repos/gh-org0/project-00000", f"{GITHUB}/repos/gh-org3/project-00003/readme"
    capture_server.fail(info, raw(info, 429, headers={"retry-after": "3"}))
    capture_server.fail(card, raw(card, 500), raw(card, 502))
    capture_server.fail(repo, reset_connection)
    capture_server.fail(readme, cut_short(capture_server.store.get(readme)))  # type: ignore[arg-type]
    faulty = world.refresh(incremental=False)
    assert faulty.status == "complete" and not faulty.stale and faulty.failures == []
    assert faulty.summary["retries"] == 5 and faulty.summary["rate_limited"] == 1
    assert world.grades(faulty.run_id) == world.grades(clean.run_id)


def paced_refresh(calibration: Path, db: Path, clock: FakeClock) -> RefreshResult:
    """A live refresh of the calibration systems from the loopback stand-in, which is
    paced like a real service (20 requests/s) so that pacing can be compared."""
    limits = {**DEFAULT_LIMITS, "127.0.0.1": HostLimit(8, 20.0)}
    options = RefreshOptions(
        db=db,
        registry_label="test",
        http=HttpPolicy(timeout=2.0, max_wait=120.0, limits=limits),
        clock=clock,
        snapshots=db.parent / "snapshots",
    )
    return refresh(load_registry(calibration / "registry.yaml"), options)


def test_a_night_of_transient_faults_leaves_the_grades_and_the_pace_of_a_clean_run(
    calibration: Path, capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.load(calibration / "captures")
    clean = paced_refresh(calibration, tmp_path / "clean.duckdb", FakeClock())

    capture_server.reset_counts()
    faulted_urls = capture_server.fault_mix()  # one fault on every other captured URL
    capture_server.missing = 504  # and the URLs that are not captured fail every time
    clock = FakeClock()
    faulted = paced_refresh(calibration, tmp_path / "faulted.duckdb", clock)
    replayed = tmp_path / "replayed.duckdb"
    replay_calibration_into(replayed, calibration)

    def grades(db: Path) -> list[tuple[object, ...]]:
        with duckdb.connect(str(db), read_only=True) as connection:
            return connection.execute(
                "SELECT project, criterion, grade, points, reason, evidence FROM grades ORDER BY ALL"
            ).fetchall()

    assert faulted.status == "complete"
    # The replay is the clean run to grade against: there, too, what is not captured is
    # unknown (the clean live run, where it answers 404 and so is absent, is the
    # baseline for pacing only).
    assert grades(tmp_path / "faulted.duckdb") == grades(replayed)
    summary = faulted.summary
    # Every one-off fault was retried away; only the URLs that are not captured failed,
    # and the host serving them all was never given up.
    assert summary["failures"] == {"server_error": summary["failures"]["server_error"]}
    sent_429s = sum(statuses.count(429) for statuses in capture_server.statuses.values())
    assert summary["retries"] >= faulted_urls and summary["rate_limited"] == sent_429s > faulted_urls // 5
    assert 1.0 in clock.sleeps  # each 429 made its URL wait the second it asked for
    # The one-off 429s never paused the host, and its pace stayed near the clean run's:
    # the paced waits grow with the retries' extra requests, not with the faults.
    assert summary.get("host_pauses", 0) == 0
    assert summary["paced_ms"] <= 2 * clean.summary["paced_ms"]


class BackoffUntilAnotherRequest(FakeClock):
    """Virtual time, except that a wait ends (in real time) only once the server has seen
    another request, or after a bound: a wait that nothing else overlaps shows as one
    that ran out."""

    def __init__(self, server: CaptureServer) -> None:
        super().__init__()
        self.server = server
        self.overlapped: list[bool] = []

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        if seconds <= 0:
            return
        seen = len(self.server.arrivals)
        give_up_at = time.monotonic() + 5.0
        while len(self.server.arrivals) == seen and time.monotonic() < give_up_at:
            time.sleep(0.01)
        self.overlapped.append(len(self.server.arrivals) > seen)
        super().sleep(seconds, cancelled)


def test_a_worker_is_not_held_while_one_of_its_urls_backs_off(capture_server: CaptureServer) -> None:
    hub = synthetic_hub(2)
    capture_server.store = hub.store()
    for i in range(2):
        info = f"https://huggingface.co/api/models/{model_id(i)}"
        capture_server.fail(info, raw(info, 503))
    clock = BackoffUntilAnotherRequest(capture_server)
    projects = parse_registry(hub.registry_yaml, "synthetic")
    with HttpCore(policy=HttpPolicy(backoff_base=0.5), clock=clock) as core, hub_client(core):
        # One worker: the first crawl's first URL answers 503; while it backs off, the
        # other crawl goes (and its own first URL answers 503 too).
        crawls = crawl_all(projects, Fetchers.over(core), workers=1)
    assert clock.overlapped[0], "the other project waited for the backoff to end"
    assert len(clock.sleeps) == 2 and core.stats.counters["backoffs"] == 2
    assert all(f.ok for crawl in crawls for f in crawl.of("model"))


def test_a_projects_independent_urls_back_off_side_by_side(capture_server: CaptureServer) -> None:
    # System 3 links a GitHub repo and names a dataset: both are one hop from its card
    # and depend on nothing else fetched, so they are fetched together.
    hub = synthetic_hub(4)
    capture_server.store = hub.store()
    repo, dataset = f"{GITHUB}/repos/gh-org3/project-00003", "https://huggingface.co/api/datasets/data-org/corpus-003"
    for url in (repo, dataset):
        capture_server.fail(url, raw(url, 503))
    clock = BackoffUntilAnotherRequest(capture_server)
    (project,) = [p for p in parse_registry(hub.registry_yaml, "synthetic") if p.hf == model_id(3)]
    with HttpCore(policy=HttpPolicy(backoff_base=0.5), clock=clock) as core, hub_client(core):
        (crawl,) = crawl_all([project], Fetchers.over(core), workers=1)
    # Alone in the run, the project's other URLs went on while each of these backed off
    # (one after the other, nothing would have been sent meanwhile).
    assert len(clock.sleeps) == 2 and all(clock.overlapped)
    assert all(f.ok for f in crawl.of("linked_github") + crawl.of("dataset"))
    # Recorded in the order of a crawl that fetches one URL at a time.
    kinds = [(role, f.kind) for role, f in crawl.resources]
    assert kinds == [
        ("model", "hf_model"),
        ("model", "hf_card"),
        ("dataset", "hf_dataset"),
        ("dataset", "hf_dataset_card"),
        ("linked_github", "github_repo"),
        ("linked_github", "github_readme"),
        ("linked_github", "github_tree"),
    ]


def test_urls_failing_every_time_do_not_slow_a_host_that_serves_the_rest(
    capture_server: CaptureServer, clock: FakeClock
) -> None:
    # Every other URL answers 504 on each of its 4 attempts: 4 failing answers for each
    # good one, but half of the host's URLs are served fine, so the host is not congested.
    urls = [f"{GITHUB}/repos/acme/widget-{n:02d}" for n in range(40)]
    serve(capture_server, *(answer(url, {"full_name": url}) for url in urls[1::2]))
    for url in urls[::2]:
        capture_server.fail(url, *[raw(url, 504)] * 4)
    limits = {**DEFAULT_LIMITS, "127.0.0.1": HostLimit(8, 20.0)}
    with HttpCore(policy=HttpPolicy(backoff_base=0.5, limits=limits), clock=clock) as core:
        outcomes = []
        for url in urls:
            try:
                outcomes.append(core.get(url).status)
            except FetchError as error:
                outcomes.append(error.kind)
        assert outcomes == ["server_error", 200] * 20
        assert core.stats.counters.get("slowdowns", 0) == 0
        assert core.stats.counters["retries"] == 60


def test_a_host_failing_most_urls_at_their_first_try_is_slowed(capture_server: CaptureServer, clock: FakeClock) -> None:
    urls = [f"{GITHUB}/repos/acme/widget-{n:02d}" for n in range(48)]
    serve(capture_server, *(answer(url, {"full_name": url}) for url in urls))
    for url in urls:
        capture_server.fail(url, raw(url, 503))  # an overloaded host: every URL fails once
    limits = {**DEFAULT_LIMITS, "127.0.0.1": HostLimit(8, 20.0)}
    with HttpCore(policy=HttpPolicy(backoff_base=0.5, limits=limits), clock=clock) as core:
        with ThreadPoolExecutor(8) as pool:
            assert all(status == 200 for status in pool.map(lambda url: core.get(url).status, urls))
        assert core.stats.counters["slowdowns"] >= 1
