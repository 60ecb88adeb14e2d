"""Discovery through the CLI over loopback HTTP: the Hub's listing paged in the fewest
requests, tracked in the index, graded by refresh, marked gone when no longer listed,
replayed from its captures; and the shipped registry checked against a listing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
from typer.testing import CliRunner

from cli import app
from crawler.captures import Exchange
from crawler.discover import HUB, ListingQuery
from index.registry import load_registry
from tests.capture_server import CaptureServer
from tests.live_runs import LiveWorld
from tests.synthetic_hub import model_id, synthetic_hub

runner = CliRunner()


def listing(count: int) -> list[dict[str, object]]:
    """`count` listed models, downloads falling with the index, one created a day."""
    return [
        {
            "id": f"org{i % 7}/listed-{i:05d}",
            "author": f"org{i % 7}",
            "sha": f"{i:040x}",
            "downloads": 10 * (count - i),
            "likes": i % 13,
            "pipeline_tag": "text-generation" if i % 10 else "text-classification",
            "createdAt": f"2026-{1 + i // 300 % 12:02d}-{1 + i % 28:02d}T00:00:00.000Z",
            "tags": ["text-generation"],
            "cardData": {"license": "mit"},
            "siblings": [{"rfilename": "README.md"}],
            "gated": False,
        }
        for i in range(count)
    ]


def discover(tmp_path: Path, *options: str) -> tuple[int, str, str]:
    arguments = ["discover", "--db", str(tmp_path / "index.duckdb"), "--snapshots", str(tmp_path / "snapshots")]
    result = runner.invoke(app, [*arguments, *options])
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    """Output without the frame and line breaks of a usage error's box."""
    return " ".join(text.replace("│", " ").split())


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_discover_pages_the_listing_in_thousands_and_writes_a_registry(
    capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.listing = listing(2_600)  # 2,340 text-generation models
    out = tmp_path / "discovered.yaml"
    code, _, stderr = discover(tmp_path, "--registry-out", str(out))
    assert code == 0, stderr
    assert "discovered 2340 models (2340 new, 0 returned, 0 gone) for: pipeline_tag=text-generation" in stderr
    assert "; 3 requests" in stderr  # pages of 1,000: at most one request per 1,000 models
    assert all("limit=1000" in url for url in capture_server.requests)
    assert sum(capture_server.requests.values()) == 3 and max(capture_server.requests.values()) == 1
    projects = load_registry(out)
    assert len(projects) == 2340 and projects[0].id == "org1--listed-00001" and projects[0].hf == "org1/listed-00001"
    db = tmp_path / "index.duckdb"
    assert rows(db, "SELECT count(*), count(DISTINCT how), count(gone_at) FROM discovered") == [(2340, 1, 0)]


def test_a_listing_sorted_by_downloads_stops_at_the_first_model_under_the_minimum(
    capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.listing = listing(5_000)
    code, _, stderr = discover(tmp_path, "--min-downloads", "40000", "--pipeline-tag", "")
    # models 0..1000 have 10 * (5000 - i) >= 40,000 downloads: two pages, not five
    assert code == 0 and "discovered 1001 models" in stderr and "; 2 requests" in stderr


def test_top_author_since_and_sort_narrow_the_listing(capture_server: CaptureServer, tmp_path: Path) -> None:
    capture_server.listing = listing(600)
    code, _, stderr = discover(tmp_path, "--author", "org3", "--sort", "created", "--since", "2026-02-01", "--top", "5")
    assert code == 0, stderr
    assert "discovered 5 models" in stderr and "author=org3 sort=created since=2026-02-01 top=5" in stderr
    listed = rows(tmp_path / "index.duckdb", "SELECT hf, created_at FROM discovered ORDER BY created_at DESC")
    assert all(hf.startswith("org3/") and str(created) >= "2026-02-01" for hf, created in listed)  # type: ignore[union-attr]
    assert "limit=5" in next(iter(capture_server.requests))
    code, _, stderr = discover(tmp_path, "--sort", "popularity")
    assert code == 2 and "'popularity' is not one of downloads, likes, trending, created" in flat(stderr)
    code, _, stderr = discover(tmp_path, "--since", "last week")
    assert code == 2 and "'last week' is not a date" in flat(stderr)


def test_a_listing_cut_short_tracks_what_it_saw_and_marks_nothing_gone(
    capture_server: CaptureServer, tmp_path: Path
) -> None:
    capture_server.listing = listing(1_500)
    assert discover(tmp_path, "--pipeline-tag", "")[0] == 0
    second_page = f"{HUB}/api/models?" + urlencode([*ListingQuery(pipeline_tag=None).params(), ("cursor", "1000")])
    capture_server.fail(second_page, *[Exchange(second_page, 503)] * 4)
    code, _, stderr = discover(tmp_path, "--pipeline-tag", "")
    assert code == 3
    assert "discovered 1000 models (0 new, 0 returned, 0 gone)" in stderr
    assert "listing cut short, nothing marked gone" in stderr and "HTTP 503" in stderr
    assert rows(tmp_path / "index.duckdb", "SELECT count(gone_at) FROM discovered") == [(0,)]


@pytest.fixture
def world(capture_server: CaptureServer, tmp_path: Path) -> LiveWorld:
    world = LiveWorld.serving(capture_server, tmp_path, 6)
    hub = synthetic_hub(6)
    capture_server.listing = [info for info in hub.model_infos() if str(info["id"]).startswith("org")]
    world.registry.write_text(
        "projects:\n- id: system-00000\n  name: System 0\n  org: Org 0\n  hf: " + model_id(0) + "\n"
    )
    return world


def refresh(world: LiveWorld, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, world.cli_args("--quiet", "--json", *extra))
    assert result.exit_code == 0, result.stderr
    return result.exit_code, result.stdout


def test_refresh_discover_grades_what_the_hub_lists_and_marks_the_missing_gone(world: LiveWorld) -> None:
    refresh(world, "--discover")
    graded = {p for (p,) in world.query("SELECT DISTINCT project FROM latest_grades")}
    # the registry's entry once (not again as a discovered copy), and the five others
    assert graded == {"system-00000"} | {model_id(i).replace("/", "--") for i in range(1, 6)}
    gone_model = model_id(5)
    world.server.listing = [m for m in world.server.listing if m["id"] != gone_model]
    refresh(world, "--discover")
    assert world.query("SELECT project, gone_at IS NOT NULL FROM discovered WHERE gone_at IS NOT NULL") == [
        (gone_model.replace("/", "--"), True)
    ]
    graded = {p for (p,) in world.query("SELECT DISTINCT project FROM latest_grades")}
    assert gone_model.replace("/", "--") not in graded and len(graded) == 5
    # a plain refresh grades the discovered models still listed, without listing again
    world.server.reset_counts()
    refresh(world)
    assert not any("/api/models?" in url for url in world.server.requests)
    assert {p for (p,) in world.query("SELECT DISTINCT project FROM latest_grades")} == graded


def test_a_discovering_refresh_replays_from_its_captures(world: LiveWorld, tmp_path: Path) -> None:
    refresh(world, "--discover")
    ((captures, run_id),) = world.query("SELECT capture_path, run_id FROM runs")
    replayed_db = tmp_path / "replayed.duckdb"
    arguments = ["refresh", "--registry", str(world.registry), "--replay", captures, "--db", str(replayed_db)]
    result = runner.invoke(app, [*arguments, "--discover", "--quiet"])
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(replayed_db), read_only=True) as connection:
        replayed = connection.execute("SELECT project, criterion, grade, reason FROM grades ORDER BY ALL").fetchall()
    assert replayed == world.query(
        "SELECT project, criterion, grade, reason FROM grades WHERE run_id = ? ORDER BY ALL", run_id
    )


def test_registry_check_reports_the_shipped_entries_the_hub_does_not_list(
    capture_server: CaptureServer, tmp_path: Path
) -> None:
    shipped = [p for p in load_registry() if p.hf]
    renamed, deleted = shipped[3], shipped[10]
    assert renamed.hf and deleted.hf
    listed = [p.hf for p in shipped if p not in (renamed, deleted)] + [renamed.hf + "-v2", "someone/unrelated-model"]
    capture_server.listing = [{"id": repo_id, "downloads": 1} for repo_id in listed if repo_id]
    result = runner.invoke(app, ["registry", "check", "--snapshots", str(tmp_path / "snapshots")])
    assert result.exit_code == 6, result.stderr
    lines = result.stdout.splitlines()
    assert (
        f"{renamed.id}: {renamed.hf}: not listed by the Hub (moved, renamed or deleted); closest listed: "
        f"{renamed.hf}-v2" in lines[0] + lines[1]
    )
    assert any(line.startswith(f"{deleted.id}: {deleted.hf}: not listed by the Hub") for line in lines)
    assert (
        lines[-1] == f"{len(shipped) - 2} of {len(shipped)} Hub entries of the shipped registry are listed by the Hub"
    )
    authors = {p.hf.split("/")[0].lower() for p in shipped if p.hf}
    # one listing per author, one name search per missing entry, none fetched twice
    assert sum(capture_server.requests.values()) == len(authors) + 2 and max(capture_server.requests.values()) == 1
    # the same check replays from the captures it recorded
    replayed = runner.invoke(app, ["registry", "check", "--replay", str(tmp_path / "snapshots")])
    assert replayed.exit_code == 6 and replayed.stdout == result.stdout
