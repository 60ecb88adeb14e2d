"""`openness demo` on a fresh machine: the packaged sample of fictional systems graded
through the real replay path, and the README's first command run in a clone of the
repository that has no ../shared beside it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.demo import DEMO_CAPTURES, DEMO_REGISTRY

runner = CliRunner()
REPOSITORY = Path(__file__).resolve().parents[1]
DEMO_SYSTEMS = {"wren", "heron", "kestrel", "osprey"}


def readme_first_command() -> str:
    """The first ```sh block of README.md: the set-up-and-run command."""
    found = re.search(r"```sh\n(.*?)\n```", (REPOSITORY / "README.md").read_text(encoding="utf-8"), re.S)
    assert found, "README.md has no ```sh block"
    return found.group(1)


def test_demo_grades_the_packaged_sample_across_the_range(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"graded 4 fictional systems from the packaged sample (replayed, no network) into {db}" in result.stderr
    board = {row["project"]: row for row in json.loads(result.stdout)}
    assert set(board) == DEMO_SYSTEMS
    assert board["wren"]["rank"] == 1 and board["wren"]["openness"] == 14
    assert board["heron"]["license"] == "closed"  # a community licence is not OSI-approved
    assert board["heron"]["rlweights"] == "partial"  # gated
    assert board["kestrel"]["rlweights"] == "open" and board["kestrel"]["modelcard"] == "closed"
    assert board["osprey"]["rlweights"] == "closed" and board["osprey"]["api"] != "closed"
    assert all(board[p]["openness"] < 7 for p in DEMO_SYSTEMS - {"wren"})
    # The demo's run is a replay: nothing was requested from any network.
    runs = runner.invoke(
        app, ["query", "SELECT mode, registry, summary FROM runs", "--db", str(db), "--format", "json"]
    )
    (run,) = json.loads(runs.stdout)
    assert run["mode"] == "replay" and run["registry"] == "demo" and json.loads(run["summary"])["requests"] == 0


def test_the_sample_is_written_by_the_project_for_fictional_systems() -> None:
    """No third-party text: every repo in the captures belongs to a made-up demo owner."""
    text = DEMO_REGISTRY.read_text(encoding="utf-8")
    assert text.count("(fictional)") == len(DEMO_SYSTEMS)
    for capture in DEMO_CAPTURES.glob("*.jsonl"):
        for line in capture.read_text(encoding="utf-8").splitlines():
            url = json.loads(line)["url"]
            assert re.search(r"/demo-[a-z]+/|id_list=2601\.999|pypi\.org/pypi/(wren|osprey)-", url), url


@pytest.mark.skipif(shutil.which("git") is None or not (REPOSITORY / ".git").exists(), reason="needs a git checkout")
def test_the_readme_first_command_works_in_a_fresh_clone_without_shared(tmp_path: Path) -> None:
    """Clones the committed repository (HEAD) into a folder with no ../shared beside it
    and runs the README's first command there as a user would (it installs into a new
    venv through pip's configured index)."""
    clone = tmp_path / "openness-index"
    subprocess.run(["git", "clone", "-q", str(REPOSITORY), str(clone)], check=True)
    assert not (clone.parent / "shared").exists()
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "OPENNESS_DB", "PYTHONPATH")}
    environment["PATH"] = os.pathsep.join(
        p for p in environment["PATH"].split(os.pathsep) if not p.startswith(str(REPOSITORY))
    )
    environment["COLUMNS"] = "250"  # a wide terminal: one table row per line
    command = readme_first_command()
    assert "../shared" not in command
    result = subprocess.run(
        ["bash", "-c", command], cwd=clone, env=environment, capture_output=True, text=True, timeout=540
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines() if re.match(r"│ \d+ ", line)]
    cells = [[cell.strip() for cell in row.strip("│").split("│")] for row in rows]
    assert {row[1] for row in cells} == DEMO_SYSTEMS
    assert cells[0][:3] == ["1", "wren", "Wren 7B Instruct"] and cells[0][-2] == "14"
    assert (clone / "openness-demo.duckdb").is_file()
    # The sample is package data: a built wheel carries it, not only the source tree.
    built = subprocess.run(
        [str(clone / ".venv/bin/pip"), "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(clone)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"index/demo/registry.yaml", "index/demo/__init__.py"} <= names
    assert {f"index/demo/captures/{p}.jsonl" for p in DEMO_SYSTEMS} <= names
