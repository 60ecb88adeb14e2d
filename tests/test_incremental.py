"""Nightly refreshes cost what changed: conditional requests, 304s carried into the
captures, unchanged Hub cards not fetched at all, and results that do not depend on
the number of workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.captures import CaptureStore
from tests.capture_server import CaptureServer, etag_of
from tests.live_runs import LiveWorld
from tests.synthetic_hub import model_id, synthetic_hub

SYSTEMS = 10


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    return LiveWorld.serving(capture_server, tmp_path, SYSTEMS)


def capture_of(world: LiveWorld, run_id: int) -> CaptureStore:
    (path,) = world.query("SELECT capture_path FROM runs WHERE run_id = ?", run_id)[0]
    return CaptureStore.load(Path(path))


def test_an_unchanged_nightly_makes_only_conditional_requests_and_skips_cards(world: LiveWorld) -> None:
    first = world.refresh()
    first_requests = sum(world.server.requests.values())
    world.server.reset_counts()
    second = world.refresh()
    assert first.status == second.status == "complete"
    assert world.server.outcomes["full"] == 0 and world.server.outcomes["bytes"] == 0
    assert world.server.outcomes["304"] == second.summary["not_modified"] == second.summary["requests"]
    assert not any("/resolve/main/README.md" in url for url in world.server.requests)
    cards = [e.url for e in world.server.store.exchanges() if e.url.endswith("/resolve/main/README.md")]
    assert second.summary["carried_forward"] == len(cards)
    assert second.summary["requests"] < first_requests
    assert world.grades(second.run_id) == world.grades(first.run_id)


def test_conditional_requests_carry_the_etag_the_index_remembers(world: LiveWorld) -> None:
    first = world.refresh()
    info_url = f"https://huggingface.co/api/models/{model_id(0)}"
    ((etag,),) = world.query("SELECT etag FROM resources WHERE run_id = ? AND url = ?", first.run_id, info_url)
    assert etag == etag_of(world.server.store.get(info_url))  # type: ignore[arg-type]
    world.server.reset_counts()
    world.refresh()
    assert any(headers.get("if-none-match") == etag for headers in world.server.request_headers)


def test_a_304_is_carried_into_the_new_runs_captures_as_the_full_answer(world: LiveWorld) -> None:
    first = world.refresh()
    second = world.refresh()
    before, after = capture_of(world, first.run_id), capture_of(world, second.run_id)
    assert len(after) == len(before)
    for exchange in before.exchanges():
        carried = after.get(exchange.url)
        assert carried is not None and carried.status == exchange.status and carried.body == exchange.body
    ((not_modified,),) = world.query("SELECT count(*) FROM resources WHERE run_id = ? AND not_modified", second.run_id)
    assert not_modified == len(after)


def test_a_replay_of_an_incremental_run_grades_the_same(world: LiveWorld) -> None:
    world.refresh()
    second = world.refresh()
    (path,) = world.query("SELECT capture_path FROM runs WHERE run_id = ?", second.run_id)[0]
    replayed = world.refresh(replay=Path(path))
    assert replayed.summary["requests"] == 0
    assert world.grades(replayed.run_id) == world.grades(second.run_id)


def test_changed_systems_are_downloaded_again_and_nothing_else(world: LiveWorld) -> None:
    world.refresh()
    first_full = world.server.outcomes["full"]
    changed = 3  # has a GitHub repo whose README changes too
    world.publish(synthetic_hub(SYSTEMS, changed={changed}))
    world.server.reset_counts()
    second = world.refresh()
    card_url = f"https://huggingface.co/{model_id(changed)}/resolve/main/README.md"
    readme_url = f"https://api.github.com/repos/gh-org{changed}/project-{changed:05d}/readme"
    info_url = f"https://huggingface.co/api/models/{model_id(changed)}"
    assert world.server.fully_answered() == {info_url, card_url, readme_url}
    assert world.server.outcomes["full"] == 3 < first_full / 10
    assert b"(revision 1)" in capture_of(world, second.run_id).get(card_url).body  # type: ignore[union-attr]


def test_full_refresh_ignores_the_previous_run(world: LiveWorld) -> None:
    world.refresh()
    world.server.reset_counts()
    again = world.refresh(incremental=False)
    assert again.summary["not_modified"] == 0 and again.summary["carried_forward"] == 0
    assert world.server.outcomes["304"] == 0 and world.server.outcomes["full"] == again.summary["requests"]


def test_lost_previous_captures_mean_a_full_fetch_not_a_failure(world: LiveWorld) -> None:
    first = world.refresh()
    (path,) = world.query("SELECT capture_path FROM runs WHERE run_id = ?", first.run_id)[0]
    Path(path).unlink()
    second = world.refresh()
    assert second.status == "complete" and "gone" in second.summary["incremental"]
    assert second.summary["not_modified"] == 0
    assert world.grades(second.run_id) == world.grades(first.run_id)


def test_results_do_not_depend_on_the_number_of_workers(world: LiveWorld) -> None:
    sequential = world.refresh(workers=1, incremental=False)
    parallel = world.refresh(workers=8, incremental=False)
    assert world.grades(sequential.run_id) == world.grades(parallel.run_id)

    def lines(run_id: int) -> list[str]:
        (path,) = world.query("SELECT capture_path FROM runs WHERE run_id = ?", run_id)[0]
        records = [json.loads(line) for line in Path(path).read_text().splitlines()]
        return sorted(json.dumps({k: v for k, v in r.items() if k != "fetched_at"}, sort_keys=True) for r in records)

    assert lines(sequential.run_id) == lines(parallel.run_id)
