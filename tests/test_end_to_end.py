"""The whole pipeline through the CLI: replayed calibration run, outputs, read-only SQL,
record-then-replay fidelity, and interrupted runs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import index.refresh
from cli import app
from index.leaderboard import LEADERBOARD_COLUMNS
from index.rubric.grades import CRITERIA
from tests.capture_server import CaptureServer
from tests.conftest import duplicated_run_keys, replay_calibration_into

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def calibrated_db(tmp_path: Path) -> Path:
    return replay_calibration_into(tmp_path / "cal.duckdb")


def leaderboard_rows(db: Path) -> list[dict[str, str]]:
    code, stdout, stderr = invoke("leaderboard", "--db", str(db), "--format", "csv")
    assert code == 0, stderr
    return list(csv.DictReader(io.StringIO(stdout)))


def test_replayed_calibration_run_gives_the_specified_csv(calibrated_db: Path) -> None:
    code, stdout, _ = invoke("leaderboard", "--db", str(calibrated_db), "--format", "csv")
    assert code == 0
    header = stdout.splitlines()[0]
    assert header == ",".join(LEADERBOARD_COLUMNS)
    rows = leaderboard_rows(calibrated_db)
    assert len(rows) == 22
    scores = [float(r["openness"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        graded = [row[c] for c in CRITERIA]
        assert set(graded) <= {"open", "partial", "closed"}
        points = sum({"open": 1, "partial": 0.5, "closed": 0}[g] for g in graded)
        assert points == float(row["openness"])
    chatgpt = next(r for r in rows if r["project"] == "chatgpt")
    assert float(chatgpt["openness"]) == 0


def test_a_run_writes_each_row_once(calibrated_db: Path) -> None:
    assert duplicated_run_keys(calibrated_db) == {}
    replay_calibration_into(calibrated_db)  # a second run beside the first
    assert duplicated_run_keys(calibrated_db) == {}


def test_every_grade_above_closed_has_evidence(calibrated_db: Path) -> None:
    code, stdout, _ = invoke(
        "query",
        "SELECT count(*) AS n FROM latest_grades WHERE grade <> 'closed' AND len(evidence) = 0",
        "--db",
        str(calibrated_db),
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(stdout) == [{"n": 0}]


def test_leaderboard_formats(calibrated_db: Path, tmp_path: Path) -> None:
    code, stdout, _ = invoke("leaderboard", "--db", str(calibrated_db), "--format", "json")
    board = json.loads(stdout)
    assert code == 0 and len(board) == 22 and board[0]["rank"] == 1
    code, stdout, _ = invoke("leaderboard", "--db", str(calibrated_db), "--format", "table")
    assert code == 0 and "openness" in stdout and "chatgpt" in stdout
    page = tmp_path / "board.html"
    code, _, _ = invoke("leaderboard", "--db", str(calibrated_db), "--format", "html", "--output", str(page))
    text = page.read_text()
    assert code == 0 and text.count("<tr class=") == 22
    cells = sum(text.count(f'data-grade="{grade}"') for grade in ("open", "partial", "closed", "unknown"))
    assert cells == 22 * 14


def test_show_lists_every_criterion_with_evidence(calibrated_db: Path) -> None:
    code, stdout, _ = invoke("show", "MPT-30b-instruct", "--db", str(calibrated_db))
    assert code == 0
    for criterion in CRITERIA:
        assert f"  {criterion} " in stdout
    assert "evidence: https://huggingface.co/mosaicml/mpt-30b-instruct" in stdout


def test_show_unknown_project_is_a_clean_error(calibrated_db: Path) -> None:
    code, _, stderr = invoke("show", "no-such-project", "--db", str(calibrated_db))
    assert code == 2 and "no project 'no-such-project'" in stderr


def test_query_is_read_only_and_has_no_file_access(calibrated_db: Path, tmp_path: Path) -> None:
    code, _, stderr = invoke("query", "DELETE FROM grades", "--db", str(calibrated_db))
    assert code == 2 and "read-only" in stderr.lower()
    target = tmp_path / "leak.csv"
    code, _, stderr = invoke("query", f"COPY grades TO '{target}'", "--db", str(calibrated_db))
    assert code == 2 and not target.exists()
    code, _, stderr = invoke("query", "SELECT * FROM read_csv('/etc/passwd')", "--db", str(calibrated_db))
    assert code == 2 and "error:" in stderr
    unlock = "SET enable_external_access = true; SELECT * FROM read_csv('/etc/passwd')"
    code, _, stderr = invoke("query", unlock, "--db", str(calibrated_db))
    assert code == 2 and "locked" in stderr
    code, _, stderr = invoke("query", "SELEC nonsense", "--db", str(calibrated_db))
    assert code == 2 and "syntax" in stderr.lower()
    assert len(leaderboard_rows(calibrated_db)) == 22


def test_missing_database_is_a_clean_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("leaderboard", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "none.duckdb" in stderr and "openness refresh" in stderr


def test_bad_registry_is_a_clean_error(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text("projects:\n- id: a\n  name: A\n  org: O\n  hf: ../x\n")
    code, _, stderr = invoke(
        "refresh", "--registry", str(registry), "--replay", str(tmp_path), "--db", str(tmp_path / "x.duckdb")
    )
    assert code == 2 and "registry.yaml:5" in stderr and "../x" in stderr


def test_uncaptured_urls_are_reported_failures_not_crashes(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "projects:\n- id: ghost\n  name: Ghost\n  org: Nobody\n  hf: nobody/ghost\n"
        "- id: here\n  name: Here\n  org: Somebody\n  hf: somebody/here\n"
    )
    (tmp_path / "captures").mkdir()
    present = {"url": "https://huggingface.co/api/models/somebody/here", "status": 200, "json": {"id": "somebody/here"}}
    (tmp_path / "captures" / "here.jsonl").write_text(json.dumps(present) + "\n")
    db = tmp_path / "g.duckdb"
    code, _, stderr = invoke(
        "refresh", "--registry", str(registry), "--replay", str(tmp_path / "captures"), "--db", str(db)
    )
    assert code == 0, stderr
    assert "not captured" in stderr
    code, stdout, _ = invoke(
        "query",
        "SELECT url, status, error_kind FROM resources WHERE url LIKE '%ghost%' ORDER BY url",
        "--db",
        str(db),
        "--format",
        "json",
    )
    resources = json.loads(stdout)
    assert resources and {r["error_kind"] for r in resources} == {"not_captured"}
    assert all(r["status"] is None for r in resources)


def test_record_then_replay_gives_identical_grades(
    calibration: Path, capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.load(calibration / "captures")
    registry = str(calibration / "registry.yaml")
    live_db, replay_db, snapshots = tmp_path / "live.duckdb", tmp_path / "replay.duckdb", tmp_path / "snapshots"
    code, _, stderr = invoke("refresh", "--registry", registry, "--db", str(live_db), "--snapshots", str(snapshots))
    assert code == 0, stderr
    assert sum(capture_server.requests.values()) > 100
    # Resources shared by several projects (tatsu-lab/stanford_alpaca, ...) are fetched once.
    assert max(capture_server.requests.values()) == 1
    recorded = list(snapshots.glob("*.jsonl"))
    assert len(recorded) == 1
    code, _, stderr = invoke("refresh", "--registry", registry, "--replay", str(snapshots), "--db", str(replay_db))
    assert code == 0, stderr
    assert leaderboard_rows(live_db) == leaderboard_rows(replay_db)
    # What the shared captures lack replays as unknown, while the loopback server answers
    # it 404 (absent): every grade that rests on nothing unread is the same.
    shared = known_grades(replay_calibration_into(tmp_path / "shared.duckdb"))
    assert shared and shared.items() <= known_grades(live_db).items()


def known_grades(db: Path) -> dict[tuple[str, str], str]:
    """(project, criterion) -> grade, for the grades that rest on no unread evidence."""
    code, stdout, stderr = invoke("leaderboard", "--long", "--db", str(db), "--format", "csv")
    assert code == 0, stderr
    rows = csv.DictReader(io.StringIO(stdout))
    return {(r["project"], r["criterion"]): r["grade"] for r in rows if r["evidence_unknown"] == "false"}


def test_interrupted_run_leaves_the_previous_leaderboard(
    calibrated_db: Path, calibration: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = leaderboard_rows(calibrated_db)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(index.refresh, "assess", crash)
    args = (
        "refresh",
        "--registry",
        str(calibration / "registry.yaml"),
        "--replay",
        str(calibration / "captures"),
        "--db",
        str(calibrated_db),
    )
    code, _, stderr = invoke(*args)
    assert code == 130 and "interrupted" in stderr
    assert leaderboard_rows(calibrated_db) == before
    code, stdout, _ = invoke(
        "query", "SELECT status FROM runs ORDER BY run_id", "--db", str(calibrated_db), "--format", "csv"
    )
    assert stdout.split() == ["status", "complete", "interrupted"]
    monkeypatch.undo()
    code, _, stderr = invoke(*args)
    assert code == 0, stderr
    assert leaderboard_rows(calibrated_db) == before
