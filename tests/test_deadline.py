"""A refresh has a deadline: what is not fetched by then is unknown, the projects it
leaves partly crawled keep their last grades marked stale, and the run completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from crawler.http import HttpPolicy
from crawler.politeness import DEFAULT_LIMITS, HostLimit, format_duration, parse_duration
from tests.capture_server import CaptureServer
from tests.live_runs import LiveWorld

runner = CliRunner()
SYSTEMS = 20
# Ten requests a second to the loopback stand-in: on the fake clock the crawl of twenty
# systems takes about seven seconds, so a three-second deadline stops it partway.
PACED = HttpPolicy(timeout=1.0, max_wait=120.0, limits={**DEFAULT_LIMITS, "127.0.0.1": HostLimit(4, 10.0)})


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    return LiveWorld.serving(capture_server, tmp_path, SYSTEMS)


def test_at_the_deadline_unfetched_projects_keep_their_last_grades_and_the_run_completes(world: LiveWorld) -> None:
    first = world.refresh(http=PACED)
    cut = world.refresh(http=PACED, deadline=3.0, incremental=False)
    assert cut.status == "complete" and cut.summary["deadline_reached"] == "3s"
    unfetched = world.query(
        "SELECT count(*) FROM resources WHERE run_id = ? AND error_kind = 'deadline' AND status IS NULL", cut.run_id
    )[0][0]
    assert unfetched == cut.summary["failures"]["deadline"] > 0
    stale = dict(cut.stale)
    assert 0 < len(stale) < SYSTEMS
    assert all("deadline (3s) was reached" in reason for reason in stale.values())
    for project in map("system-{:05d}".format, range(SYSTEMS)):
        (marked,) = world.query("SELECT stale FROM projects WHERE run_id = ? AND project = ?", cut.run_id, project)[0]
        assert marked == (project in stale)
        before = [g for g in world.grades(first.run_id) if g[0] == project]
        assert [g for g in world.grades(cut.run_id) if g[0] == project] == before
    # Nothing was asked of the server after the deadline.
    assert world.clock.monotonic() - world.clock.START < first.summary["paced_ms"] / 1000 + 3.0 + 1.0


def test_a_run_cut_before_anything_was_fetched_still_completes_with_every_project_stale(world: LiveWorld) -> None:
    world.refresh(http=PACED)
    cut = world.refresh(http=PACED, deadline=0.05, incremental=False)
    assert cut.status == "complete" and len(cut.stale) == SYSTEMS


def test_refresh_deadline_from_the_command_line(world: LiveWorld) -> None:
    assert runner.invoke(app, world.cli_args("--quiet")).exit_code == 0
    world.server.latency = 0.2
    result = runner.invoke(app, world.cli_args("--deadline", "1s", "--workers", "1", "--json"))
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "complete" and summary["deadline_reached"] == "1s"
    assert summary["stale_projects"] > 0 and "deadline 1s reached" in result.stderr


@pytest.mark.parametrize("value", ["soon", "10", "-5m", "0s", "1h30"])
def test_a_malformed_deadline_is_refused_in_one_line(world: LiveWorld, value: str) -> None:
    result = runner.invoke(app, world.cli_args("--deadline", value))
    assert result.exit_code == 2 and "--deadline" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90.0), ("30m", 1800.0), ("2h", 7200.0), ("1h30m", 5400.0), ("none", None)]
)
def test_durations(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds
    if seconds is not None:
        assert parse_duration(format_duration(seconds)) == seconds
