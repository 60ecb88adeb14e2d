"""What `refresh --replay` refuses: a folder or file that holds no captures, captures
of other systems, and capture files that are broken; each said in one line, with the
leaderboard left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli import app
from crawler.captures import CaptureWriter
from index import exit_status
from tests.synthetic_hub import synthetic_hub

runner = CliRunner()


def write_captures(path: Path, systems: int) -> str:
    """The captures of a synthetic hub as one capture file; returns its registry."""
    hub = synthetic_hub(systems)
    writer = CaptureWriter(path)
    for exchange in hub.exchanges:
        writer.write(exchange)
    writer.close()
    return hub.registry_yaml


@pytest.fixture
def indexed(tmp_path: Path) -> Path:
    """An index whose leaderboard comes from a good replay of three systems."""
    (tmp_path / "captures").mkdir()
    (tmp_path / "registry.yaml").write_text(write_captures(tmp_path / "captures" / "hub.jsonl", 3))
    result = replay(tmp_path, tmp_path / "captures")
    assert result.exit_code == 0, result.stderr
    return tmp_path


def replay(root: Path, captures: Path, registry: str = "registry.yaml") -> Result:
    arguments = ["refresh", "--registry", str(root / registry), "--replay", str(captures), "--db", str(root / "i.db")]
    return runner.invoke(app, arguments)


def board(root: Path) -> str:
    result = runner.invoke(app, ["leaderboard", "--db", str(root / "i.db"), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def runs(root: Path) -> str:
    sql = "SELECT status FROM runs ORDER BY run_id"
    return runner.invoke(app, ["query", sql, "--db", str(root / "i.db"), "--format", "csv"]).stdout


def one_line_error(result: Result, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_an_empty_folder_is_refused_and_the_leaderboard_stays(indexed: Path) -> None:
    before = board(indexed)
    (indexed / "empty").mkdir()
    result = replay(indexed, indexed / "empty")
    assert result.exit_code == 2
    one_line_error(result, str(indexed / "empty"), "no capture files")
    assert board(indexed) == before and runs(indexed) == "status\ncomplete\n"


def test_a_plain_file_is_refused(indexed: Path) -> None:
    (indexed / "notes.txt").write_text("these are not captures\n")
    result = replay(indexed, indexed / "notes.txt")
    assert result.exit_code == 2
    one_line_error(result, "notes.txt", "not a capture file")


def test_a_capture_file_with_no_exchanges_is_refused(indexed: Path) -> None:
    (indexed / "blank").mkdir()
    (indexed / "blank" / "run.jsonl").write_text("\n\n")
    result = replay(indexed, indexed / "blank")
    assert result.exit_code == 2
    one_line_error(result, "blank", "no exchanges")


def test_captures_holding_none_of_the_registrys_entry_points_are_rejected(indexed: Path) -> None:
    before = board(indexed)
    (indexed / "other.yaml").write_text(
        "projects:\n- {id: elsewhere-a, name: A, org: X, hf: someone/a}\n"
        "- {id: elsewhere-b, name: B, org: X, github: someone/b}\n"
    )
    result = replay(indexed, indexed / "captures", registry="other.yaml")
    assert result.exit_code == exit_status.RUN_FAILED
    assert "rejected: the captures hold none of the 2 projects' entry points" in result.stderr
    assert "leaderboard still shows the previous complete run" in result.stderr
    assert board(indexed) == before and runs(indexed) == "status\ncomplete\nrejected\n"


def test_captures_holding_some_entry_points_are_replayed(indexed: Path) -> None:
    (indexed / "more.yaml").write_text(
        (indexed / "registry.yaml").read_text() + "- {id: elsewhere-a, name: A, org: X, hf: someone/a}\n"
    )
    result = replay(indexed, indexed / "captures", registry="more.yaml")
    assert result.exit_code == 0, result.stderr
    assert "elsewhere-a" in board(indexed)
