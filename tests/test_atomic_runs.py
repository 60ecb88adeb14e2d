"""Killing a real `openness refresh` process mid-crawl (kill -9, SIGTERM) leaves the
previous complete run as the visible leaderboard, and the next refresh succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.capture_server import CaptureServer
from tests.live_runs import LiveWorld

runner = CliRunner()


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    live = LiveWorld.serving(capture_server, tmp_path, 20)
    assert live.refresh().status == "complete"
    return live


def leaderboard(world: LiveWorld) -> str:
    result = runner.invoke(app, ["leaderboard", "--db", str(world.db), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def start_slow_refresh(world: LiveWorld) -> subprocess.Popen[str]:
    """A refresh in its own process, caught mid-crawl against a slow server."""
    world.server.latency = 0.3
    world.server.reset_counts()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *world.cli_args(), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while sum(world.server.requests.values()) < 4:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the refresh never started crawling"
        time.sleep(0.05)
    return process


def run_statuses(world: LiveWorld) -> list[str]:
    return [status for (status,) in world.query("SELECT status FROM runs ORDER BY run_id")]


def test_kill_9_mid_crawl_leaves_the_leaderboard_and_the_next_refresh_succeeds(world: LiveWorld) -> None:
    before = leaderboard(world)
    process = start_slow_refresh(world)
    process.kill()
    process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert leaderboard(world) == before
    assert run_statuses(world) == ["complete", "running"]
    # The killed run's spool of graded rows stays behind; give it a row to be sure the
    # next run neither reads it nor keeps it.
    (leftover,) = spools(world)
    assert leftover.name.endswith(".spool-2")
    (leftover / "grades.jsonl").write_text(
        '{"project": "left-behind", "criterion": "weights", "grade": "open", "points": 1.0, "evidence": [], '
        '"reason": "r", "rule": "r", "rubric_version": "x"}\n'
    )

    world.server.latency = 0.0
    result = runner.invoke(app, world.cli_args())
    assert result.exit_code == 0, result.stderr
    assert run_statuses(world) == ["complete", "interrupted", "complete"]
    assert leaderboard(world) == before
    assert spools(world) == []
    assert world.query("SELECT count(*) FROM grades WHERE project = 'left-behind'") == [(0,)]
    assert world.query("SELECT count(DISTINCT project) FROM grades WHERE run_id = 3") == [(20,)]


def spools(world: LiveWorld) -> list[Path]:
    return sorted(world.db.parent.glob(f"{world.db.name}.spool-*"))


@pytest.mark.parametrize(
    ("stop", "exit_status", "word"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_sigterm_and_ctrl_c_stop_cleanly_with_a_message_and_mark_the_run_interrupted(
    world: LiveWorld, stop: signal.Signals, exit_status: int, word: str
) -> None:
    before = leaderboard(world)
    process = start_slow_refresh(world)
    stopped_at = time.monotonic()
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == exit_status
    assert time.monotonic() - stopped_at < 5
    assert f"{word}: the run was stopped" in stderr and "previous complete run stays the visible leaderboard" in stderr
    assert "Traceback" not in stderr
    assert run_statuses(world) == ["complete", "interrupted"]
    assert leaderboard(world) == before
    assert spools(world) == []
