"""Failures never masquerade as grades: stale projects keep their last good grades, and a
live run where most fetches fail is rejected instead of replacing the leaderboard."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from crawler.captures import CaptureWriter, Exchange
from index import exit_status
from tests.capture_server import CaptureServer, reset_connection
from tests.conftest import duplicated_run_keys
from tests.live_runs import LiveWorld
from tests.synthetic_hub import model_id, synthetic_hub

runner = CliRunner()
SYSTEMS = 5


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    return LiveWorld.serving(capture_server, tmp_path, SYSTEMS)


def project_row(world: LiveWorld, run_id: int, project: str) -> tuple[object, ...]:
    return world.query(
        "SELECT stale, stale_reason, graded_at FROM projects WHERE run_id = ? AND project = ?", run_id, project
    )[0]


def grades_of(world: LiveWorld, run_id: int, project: str) -> list[tuple[object, ...]]:
    return [row for row in world.grades(run_id) if row[0] == project]


def test_a_project_whose_entry_point_fails_keeps_its_last_good_grades_marked_stale(world: LiveWorld) -> None:
    first = world.refresh()
    info_url = f"https://huggingface.co/api/models/{model_id(1)}"
    world.server.fail(info_url, *[Exchange(info_url, 503)] * 4)
    second = world.refresh()
    assert second.status == "complete"
    stale, reason, graded_at = project_row(world, second.run_id, "system-00001")
    assert stale and info_url in str(reason) and "HTTP 503 after 4 attempts" in str(reason)
    assert graded_at == project_row(world, first.run_id, "system-00001")[2]
    assert grades_of(world, second.run_id, "system-00001") == grades_of(world, first.run_id, "system-00001")
    assert [p for p, _ in second.stale] == ["system-00001"]
    assert not project_row(world, second.run_id, "system-00002")[0]


def test_a_card_that_cannot_be_fetched_makes_the_project_stale_too(world: LiveWorld) -> None:
    first = world.refresh(incremental=False)
    card_url = f"https://huggingface.co/{model_id(2)}/resolve/main/README.md"
    world.server.fail(card_url, *[reset_connection] * 4)
    second = world.refresh(incremental=False)
    stale, reason, _ = project_row(world, second.run_id, "system-00002")
    assert stale and card_url in str(reason) and "connection" in str(reason)
    assert grades_of(world, second.run_id, "system-00002") == grades_of(world, first.run_id, "system-00002")


def test_a_project_never_graded_before_says_it_has_no_earlier_grades(world: LiveWorld) -> None:
    info_url = f"https://huggingface.co/api/models/{model_id(0)}"
    world.server.fail(info_url, *[Exchange(info_url, 500)] * 4)
    run = world.refresh()
    stale, reason, graded_at = project_row(world, run.run_id, "system-00000")
    assert stale and "no earlier grades to keep" in str(reason) and graded_at is not None
    assert run.status == "complete"


def test_show_and_the_json_leaderboard_carry_the_staleness(world: LiveWorld) -> None:
    first = world.refresh()
    info_url = f"https://huggingface.co/api/models/{model_id(3)}"
    world.server.fail(info_url, *[Exchange(info_url, 502)] * 4)
    world.refresh()
    ((first_date,),) = world.query("SELECT graded_at::DATE FROM projects WHERE run_id = ? LIMIT 1", first.run_id)
    shown = runner.invoke(app, ["show", "system-00003", "--db", str(world.db)])
    assert shown.exit_code == 0
    assert f"stale since {first_date:%Y-%m-%d}: {info_url}: HTTP 502 after 4 attempts" in shown.stdout
    board = runner.invoke(app, ["leaderboard", "--db", str(world.db), "--format", "json"])
    stale = {row["project"]: row["stale"] for row in json.loads(board.stdout)}
    assert stale["system-00003"] is True and stale["system-00004"] is False


def dead_endpoint() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens here any more


def test_a_refresh_where_everything_fails_is_rejected_and_the_leaderboard_stays(world: LiveWorld) -> None:
    world.refresh()
    before = runner.invoke(app, ["leaderboard", "--db", str(world.db), "--format", "csv"]).stdout
    outage = {variable: dead_endpoint() for variable in world.server.environment()}
    arguments = world.cli_args("--attempts", "1", "--timeout", "1", "--json")
    result = runner.invoke(app, arguments, env=outage)
    assert result.exit_code == exit_status.RUN_FAILED == 3
    assert "rejected" in result.stderr and "previous complete run" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "rejected" and summary["failures"].get("connection", 0) > 0
    assert runner.invoke(app, ["leaderboard", "--db", str(world.db), "--format", "csv"]).stdout == before
    statuses = [status for (status,) in world.query("SELECT status FROM runs ORDER BY run_id")]
    assert statuses == ["complete", "rejected"]


def test_a_replay_of_partial_captures_is_never_rejected(world: LiveWorld, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    writer = CaptureWriter(partial / "cards-missing.jsonl")
    for exchange in synthetic_hub(SYSTEMS).exchanges:
        if not exchange.url.endswith("/README.md"):
            writer.write(exchange)
    writer.close()
    run = world.refresh(replay=partial)
    assert run.status == "complete" and run.summary["failures"]["not_captured"] >= SYSTEMS
    assert not run.stale


def test_a_stale_project_keeps_its_shown_flags_and_policy_indicators(world: LiveWorld) -> None:
    first = world.refresh()
    info_url = f"https://huggingface.co/api/models/{model_id(1)}"
    world.server.fail(info_url, *[Exchange(info_url, 503)] * 4)
    second = world.refresh()

    def findings(run_id: int) -> list[tuple[object, ...]]:
        return world.query(
            "SELECT 'policy', exemption, exemption_reason, systemic_risk FROM policy WHERE run_id = ? AND project = ? "
            "UNION ALL SELECT 'flag', flag, reason, NULL FROM flags WHERE run_id = ? AND project = ? ORDER BY ALL",
            run_id,
            "system-00001",
            run_id,
            "system-00001",
        )

    assert findings(second.run_id) == findings(first.run_id) != []
    assert duplicated_run_keys(world.db) == {}  # the kept rows are not written twice
    # A fresh project has this run's indicators, not a copy.
    assert world.query("SELECT count(*) FROM policy WHERE run_id = ?", second.run_id) == [(SYSTEMS,)]
