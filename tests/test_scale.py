"""The scale benchmark's targets, at a size a test can afford: `bench/scale.py` serves a
generated hub on loopback and runs `openness refresh --discover` twice, as a user would;
and the capture store that keeps a large run's memory bounded reads bodies back from disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.captures import CaptureStore, CaptureWriter, Exchange

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_meets_the_request_targets_on_a_small_hub() -> None:
    done = subprocess.run(
        [sys.executable, "bench/scale.py", "--models", "300", "--workers", "4", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["graded"] == 300
    assert figures["listing_requests"] == 1  # one page of up to 1,000 models
    assert figures["fetched_twice"] == 0 and figures["rerun_fetched_twice"] == 0
    assert figures["rerun_full_share"] <= 0.10  # an unchanged re-run: 304s and carried cards
    assert figures["rerun_carried_forward"] >= 300
    assert figures["leaderboard_rows"] < figures["graded"]  # families: copies are not on the board


def test_a_plain_capture_file_is_read_back_line_by_line_and_the_last_line_wins(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    writer = CaptureWriter(path)
    url = "https://huggingface.co/api/models/a/b"
    first = writer.write(Exchange(url, 200, {"content-type": "application/json"}, b'{"id": "a/b", "sha": "1"}'))
    second = writer.write(Exchange(url, 200, {"content-type": "application/json"}, b'{"id": "a/b", "sha": "2"}'))
    assert first == 0 and second > first
    assert json.loads(writer.read(first).body)["sha"] == "1"
    writer.close()
    store = CaptureStore.load(path)
    assert len(store) == 1 and json.loads(store.get(url).body)["sha"] == "2"  # type: ignore[union-attr]
    assert [json.loads(e.body)["sha"] for e in store.exchanges()] == ["2"]
