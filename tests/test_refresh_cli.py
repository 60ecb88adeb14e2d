"""The refresh command as an operator sees it: summary, --json, --quiet, plain log
lines, exit statuses, option errors, and credentials that are used but never shown."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli import app
from crawler.captures import Exchange
from crawler.errors import FetchError
from crawler.http import HttpCore, HttpPolicy
from tests.capture_server import CaptureServer
from tests.fake_clock import FakeClock, SchedulingClock
from tests.live_runs import LiveWorld
from tests.synthetic_hub import model_id

runner = CliRunner()
HF_TOKEN = "hf_SeCrEt0123456789abcdefHF"
GITHUB_TOKEN = "ghp_SeCrEt0123456789abcdefGH"


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    return LiveWorld.serving(capture_server, tmp_path, 5)


def refresh(world: LiveWorld, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, world.cli_args("--attempts", "2", *extra))
    return result.exit_code, result.stdout, result.stderr


def test_a_run_with_failed_resources_completes_lists_them_and_exits_zero(world: LiveWorld) -> None:
    info_url = f"https://huggingface.co/api/models/{model_id(4)}"
    world.server.fail(info_url, Exchange(info_url, 500), Exchange(info_url, 500))
    code, stdout, stderr = refresh(world)
    assert code == 0 and stdout == ""
    assert "run 1 complete" in stderr and "1 stale" in stderr
    assert f"failed: {info_url}: server_error: HTTP 500 after 2 attempts" in stderr
    assert "crawled 5/5 projects" in stderr  # plain log lines: stderr is not a terminal here


def test_json_summary_for_machines(world: LiveWorld) -> None:
    refresh(world, "--quiet")
    code, stdout, _ = refresh(world, "--json")
    summary = json.loads(stdout)
    assert code == 0 and summary["status"] == "complete" and summary["projects"] == 5
    for key in ("requests", "not_modified", "retries", "rate_limited", "bytes", "duration_seconds", "failures"):
        assert key in summary
    assert summary["not_modified"] > 0 and summary["bytes"] == 0 and summary["failed"] == []


def test_quiet_prints_nothing_on_success(world: LiveWorld) -> None:
    code, stdout, stderr = refresh(world, "--quiet")
    assert (code, stdout, stderr) == (0, "", "")


@pytest.mark.parametrize("option", ["--rate", "--concurrency"])
def test_malformed_limits_are_usage_errors(world: LiveWorld, option: str) -> None:
    code, _, stderr = refresh(world, option, "huggingface.co")
    assert code == 2 and "HOST=NUMBER" in stderr


def test_rate_flag_paces_the_requests_to_a_host(world: LiveWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    # On virtual time, so that a loaded machine cannot bunch or spread what is measured:
    # the turns the crawler gives its requests, not when a busy server got to them.
    clock = SchedulingClock()
    monkeypatch.setattr("crawler.http.SystemClock", lambda: clock)
    code, stdout, _ = refresh(world, "--rate", "127.0.0.1=100", "--concurrency", "127.0.0.1=2", "--json")
    summary = json.loads(stdout)
    assert code == 0 and len(world.server.arrivals) == 25 and summary["requests"] == 25
    # Two may be in flight, yet every request after the first waited for its turn, and
    # the turns are one every 10 ms: never more than ten starts in any 100 ms.
    assert summary["paced_waits"] == 24 and summary["paced_ms"] >= 240
    turns = sorted([FakeClock.START, *clock.wakes])
    assert len(turns) == 25
    assert min(later - earlier for earlier, later in zip(turns, turns[1:], strict=False)) >= 0.01 - 1e-9
    assert turns[-1] - turns[0] >= 0.24 - 1e-9


def test_tokens_are_sent_but_never_appear_in_output_captures_or_the_index(
    world: LiveWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    info_url = f"https://huggingface.co/api/models/{model_id(1)}"
    readme_url = "https://api.github.com/repos/gh-org0/project-00000/readme"
    world.server.fail(info_url, Exchange(info_url, 500), Exchange(info_url, 500))
    world.server.fail(readme_url, Exchange(readme_url, 200, {"content-type": "text/html"}, b"<html>login</html>"))
    outputs = [refresh(world, "--json"), refresh(world, "--json")]
    sent = [h.get("authorization", "") for h in world.server.request_headers]
    assert f"Bearer {HF_TOKEN}" in sent and f"Bearer {GITHUB_TOKEN}" in sent

    texts = [text for _, stdout, stderr in outputs for text in (stdout, stderr)]
    texts += [path.read_text() for path in world.snapshots.glob("*.jsonl")]
    texts.append(str(_every_row(world.db)))
    texts.append(world.db.read_bytes().decode("latin-1"))
    with HttpCore(policy=HttpPolicy(attempts=1)) as core:
        world.server.fail(info_url, Exchange(info_url, 500))
        with pytest.raises(FetchError) as failure:
            core.get(info_url, {"authorization": f"Bearer {HF_TOKEN}"})
    texts += [repr(failure.value), str(failure.value)]
    for text in texts:
        assert HF_TOKEN not in text and GITHUB_TOKEN not in text
        assert "SeCrEt" not in text


def _every_row(db: Path) -> list[object]:
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = [name for (name,) in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return [connection.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables]


def test_an_unwritable_snapshots_directory_is_a_clean_error(world: LiveWorld) -> None:
    blocked = world.root / "not-a-directory"
    blocked.write_text("a file where the snapshots directory should be")
    paths = ["--registry", str(world.registry), "--db", str(world.db), "--snapshots", str(blocked / "snapshots")]
    result = runner.invoke(app, ["refresh", *paths])
    assert result.exit_code == 2 and "not-a-directory" in result.stderr and "Traceback" not in result.stderr
    assert [status for (status,) in world.query("SELECT status FROM runs")] == ["interrupted"]
