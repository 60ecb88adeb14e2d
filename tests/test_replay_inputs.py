"""What `refresh --replay` refuses: a folder or file that holds no captures, captures
of other systems, and capture files that are broken; each said in one line, with the
leaderboard left as it was. And what it holds to the limits of a live fetch: bodies
past the size caps."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli import app
from crawler import bodies
from crawler.captures import CaptureStore, CaptureWriter
from index import exit_status
from tests.synthetic_hub import model_id, synthetic_hub

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


def gzip_capture(path: Path, systems: int) -> str:
    """A synthetic hub's captures as a gzipped capture file; returns its registry."""
    registry = write_captures(path.with_name("plain.jsonl"), systems)
    path.write_bytes(gzip.compress(path.with_name("plain.jsonl").read_bytes()))
    path.with_name("plain.jsonl").unlink()
    return registry


def test_a_jsonl_gz_that_is_not_gzip_names_the_file(indexed: Path) -> None:
    (indexed / "bad").mkdir()
    (indexed / "bad" / "hub.jsonl.gz").write_text('{"url": "https://pypi.org/pypi/x/json", "status": 404}\n')
    result = replay(indexed, indexed / "bad")
    assert result.exit_code == 2
    one_line_error(result, str(indexed / "bad" / "hub.jsonl.gz") + ":1:", "not a gzip file")


def test_a_truncated_jsonl_gz_names_the_file_and_the_line_reached(indexed: Path) -> None:
    (indexed / "cut").mkdir()
    whole = indexed / "cut" / "hub.jsonl.gz"
    gzip_capture(whole, 30)
    whole.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    result = replay(indexed, indexed / "cut")
    assert result.exit_code == 2
    one_line_error(result, str(whole) + ":", "the gzip stream is truncated")
    reached = int(result.stderr.split(str(whole) + ":")[1].split(":")[0])
    assert reached > 1  # the lines before the cut were read


def test_replay_holds_captured_bodies_to_the_live_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 20 MB card is cut at the card cap as a live fetch cuts it; JSON past the JSON
    limit is refused as too large; neither is held whole."""
    # Smaller limits than the real ones (1 MiB, 16 MiB), which take seconds to grade and
    # encode, to show the same thing.
    card_cap, json_limit = 64 * 1024, 1024 * 1024
    monkeypatch.setattr(bodies, "TEXT_BODY_CAP", card_cap)
    monkeypatch.setattr(bodies, "JSON_BODY_LIMIT", json_limit)
    captures = tmp_path / "captures"
    (tmp_path / "registry.yaml").write_text(write_captures(captures / "hub.jsonl", 3))
    card_url = f"https://huggingface.co/{model_id(1)}/resolve/main/README.md"
    info_url = f"https://huggingface.co/api/models/{model_id(2)}"
    huge_card = "# A huge card\n\nThe model is released under Apache 2.0.\n" + "padding text " * 1_600_000
    huge_info = {"id": model_id(2), "siblings": [{"rfilename": f"shard-{n:07d}.bin"} for n in range(70_000)]}
    with (captures / "huge.jsonl").open("w") as handle:
        handle.write(json.dumps({"url": card_url, "status": 200, "body": huge_card}) + "\n")
        handle.write(json.dumps({"url": info_url, "status": 200, "json": huge_info}) + "\n")
    assert len(huge_card) > 20_000_000 and (captures / "huge.jsonl").stat().st_size > 2 * json_limit

    replayed = CaptureStore.load(captures)
    assert len(replayed.get(card_url).body) == card_cap  # type: ignore[union-attr]
    assert replayed.get(info_url).body == b""  # type: ignore[union-attr]

    result = replay(tmp_path, captures)
    assert result.exit_code == 0, result.stderr
    assert f"failed: {info_url}: too_large: body larger than {json_limit} bytes" in result.stderr
    sql = "SELECT url, capped, error_kind FROM resources WHERE url IN (?, ?) ORDER BY url"
    rows = duckdb.connect(str(tmp_path / "i.db"), read_only=True).execute(sql, [card_url, info_url]).fetchall()
    assert rows == [(info_url, False, "too_large"), (card_url, True, None)]
