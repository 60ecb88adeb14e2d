"""Readers and refreshes on one index at the same time, in real processes: a reader
waits for a refresh's write and then says why it gives up; a refresh waits for a reader
that holds the file instead of losing its finished work; a second refresh is refused."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli import app
from index import exit_status
from tests.capture_server import CaptureServer
from tests.live_runs import LiveWorld
from tests.test_atomic_runs import run_statuses, start_slow_refresh

runner = CliRunner()
HOLDER = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()"


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    live = LiveWorld.serving(capture_server, tmp_path, 8)
    assert live.refresh().status == "complete"
    return live


@pytest.fixture
def writer_holding(world: LiveWorld) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the index open for writing, as a refresh does while it
    writes; it lets go when a line is written to its stdin."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(world.db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield holder
    release(holder)


def release(holder: subprocess.Popen[str]) -> None:
    if holder.poll() is None:
        holder.communicate("go\n", timeout=10)


def test_a_reader_waits_briefly_then_says_a_refresh_is_writing(
    world: LiveWorld, writer_holding: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENNESS_READ_WAIT", "0.3")
    for command in (["leaderboard"], ["query", "SELECT 1"], ["show", "system-00001"]):
        result = runner.invoke(app, [*command, "--db", str(world.db)])
        assert result.exit_code == exit_status.LOCKED, result.output
        lines = result.stderr.strip().splitlines()
        assert lines == [
            f"error: {world.db}: a refresh is writing the index (still locked after 0.3s); try again in a moment"
        ]


def test_a_reader_that_meets_a_write_gets_its_answer_once_the_write_is_done(
    world: LiveWorld, writer_holding: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = []
    connect = duckdb.connect

    def counted(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        attempts.append(args[0])
        return connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(duckdb, "connect", counted)
    answers: queue.Queue[object] = queue.Queue()
    reader = threading.Thread(
        target=lambda: answers.put(runner.invoke(app, ["leaderboard", "--db", str(world.db), "--format", "csv"]))
    )
    reader.start()
    deadline = time.monotonic() + 30
    while len(attempts) < 3:  # it met the lock and is trying again
        assert time.monotonic() < deadline and reader.is_alive()
        time.sleep(0.01)
    release(writer_holding)
    reader.join(timeout=30)
    result = answers.get_nowait()
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "system-00001" in result.stdout  # type: ignore[attr-defined]


def test_a_refresh_waits_for_a_reader_holding_the_file_at_its_final_write(world: LiveWorld) -> None:
    process = start_slow_refresh(world)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()  # type: ignore[union-attr]
    reader = duckdb.connect(str(world.db), read_only=True)  # a reader holds the file from mid-crawl on
    try:
        world.server.latency = 0.0
        line = lines.get(timeout=60)
        while "waiting up to" not in line:
            line = lines.get(timeout=60)
        assert f"{world.db} is held by another process (a reader?); waiting up to 600s to write" in line
        assert reader.execute("SELECT count(*) FROM runs WHERE status = 'complete'").fetchone() == (1,)
    finally:
        reader.close()
    assert process.wait(timeout=60) == 0
    assert run_statuses(world) == ["complete", "complete"]


def test_a_second_refresh_on_the_same_index_says_another_is_running(world: LiveWorld) -> None:
    first = start_slow_refresh(world)
    second = runner.invoke(app, world.cli_args())
    assert second.exit_code == exit_status.ALREADY_RUNNING
    (line,) = second.stderr.strip().splitlines()
    assert line.startswith(f"error: {world.db}: another refresh is running on this index (pid {first.pid}, started ")
    world.server.latency = 0.0
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    assert run_statuses(world) == ["complete", "complete"]
    # The lock goes with its process: the next refresh runs.
    assert runner.invoke(app, world.cli_args()).exit_code == 0
