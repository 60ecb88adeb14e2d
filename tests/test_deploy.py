"""deploy/: the nightly job's files agree with each other and with the CLI, their cron /
systemd / workflow syntax parses, and the nightly script does its job: a live refresh of
the demo sample served on loopback, the CSV and the page written, snapshots/ and the CSV
committed, and a second run refused while the lock is held."""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml

from cli import app
from index.demo import DEMO_CAPTURES, DEMO_REGISTRY
from tests.capture_server import CaptureServer

REPOSITORY = Path(__file__).resolve().parents[1]
DEPLOY = REPOSITORY / "deploy"
NIGHTLY = DEPLOY / "nightly.sh"
CLONE_PATH = "/srv/openness-index"  # where the unit files and the crontab expect the clone
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def cron_field_ok(field: str, low: int, high: int) -> bool:
    """One crontab time field: *, N, N-M, lists of those, each with an optional /STEP."""
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return False
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(b.isdigit() and low <= int(b) <= high for b in bounds):
            return False
        if len(bounds) == 2 and int(bounds[0]) > int(bounds[1]):
            return False
    return True


def cron_schedule_ok(schedule: str) -> bool:
    fields = schedule.split()
    return len(fields) == 5 and all(cron_field_ok(f, *r) for f, r in zip(fields, CRON_RANGES, strict=True))


def test_cron_field_check_rejects_what_cron_rejects() -> None:
    assert cron_schedule_ok("17 3 * * *") and cron_schedule_ok("*/15 0-6,22 1 1-12 0")
    for bad in ("17 3 * *", "60 3 * * *", "17 24 * * *", "17 3 0 * *", "5-1 3 * * *", "*/0 3 * * *", "a 3 * * *"):
        assert not cron_schedule_ok(bad), bad


def openness_calls() -> list[list[str]]:
    """Each `"$openness" COMMAND ...` line of the nightly script, as words."""
    calls = []
    for line in NIGHTLY.read_text().splitlines():
        if line.strip().startswith('"$openness"'):
            calls.append(shlex.split(line.strip())[1:])
    return calls


def test_the_nightly_scripts_commands_exist_in_the_cli() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    calls = openness_calls()
    assert [call[0] for call in calls] == ["refresh", "leaderboard", "leaderboard"]
    for name, *words in calls:
        known = {opt for param in commands[name].params for opt in (*param.opts, *param.secondary_opts)}
        options = {word for word in words if word.startswith("-")}
        assert options <= known, f"{name}: {options - known}"
    formats = [call[call.index("--format") + 1] for call in calls if "--format" in call]
    assert formats == ["csv", "html"]
    assert os.access(NIGHTLY, os.X_OK)


def test_the_crontab_line_parses_and_runs_the_script() -> None:
    lines = [line for line in (DEPLOY / "crontab").read_text().splitlines() if line and not line.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(maxsplit=5)
    assert cron_schedule_ok(" ".join(fields[:5]))
    assert f"cd {CLONE_PATH} && " in fields[5] and "deploy/nightly.sh" in fields[5]


def unit_file(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file as section -> key -> values (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith(("#", ";")):
            continue
        if header := re.fullmatch(r"\[([A-Za-z]+)\]", line):
            current = sections.setdefault(header.group(1), {})
            continue
        assert current is not None and re.fullmatch(r"[A-Za-z]+=.*", line), f"{path.name}:{number}: {line}"
        key, value = line.split("=", 1)
        current.setdefault(key, []).append(value)
    return sections


def test_the_systemd_units_are_consistent() -> None:
    service = unit_file(DEPLOY / "openness-nightly.service")
    timer = unit_file(DEPLOY / "openness-nightly.timer")
    assert service["Service"]["Type"] == ["oneshot"]
    assert service["Service"]["ExecStart"] == [f"{CLONE_PATH}/deploy/nightly.sh"]
    assert service["Service"]["WorkingDirectory"] == [CLONE_PATH]
    assert set(timer) == {"Unit", "Timer", "Install"} and timer["Install"]["WantedBy"] == ["timers.target"]
    (calendar,) = timer["Timer"]["OnCalendar"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", calendar)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """systemd's own checks, on copies whose paths point at a real clone."""
    clone = tmp_path / "clone"
    shutil.copytree(DEPLOY, clone / "deploy")
    for name in ("openness-nightly.service", "openness-nightly.timer"):
        text = (DEPLOY / name).read_text().replace(CLONE_PATH, str(clone)).replace("User=openness", "User=root")
        (tmp_path / name).write_text(text)
    calendar = unit_file(DEPLOY / "openness-nightly.timer")["Timer"]["OnCalendar"][0]
    assert subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True).returncode == 0
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "openness-nightly.timer")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    problems = [line for line in verified.stderr.splitlines() if "openness-nightly" in line]
    assert problems == [], verified.stderr


def test_the_workflow_refreshes_nightly_commits_and_publishes() -> None:
    workflow = yaml.safe_load((DEPLOY / "github-actions" / "nightly.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    (schedule,) = triggers["schedule"]
    assert cron_schedule_ok(schedule["cron"])
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    steps = workflow["jobs"]["refresh"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "deploy/nightly.sh" in runs and "pip install" in runs
    nightly = next(step for step in steps if "deploy/nightly.sh" in step.get("run", ""))
    assert nightly["env"]["NIGHTLY_PUSH"] == "1"
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "actions/upload-pages-artifact" in uses
    assert next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"] == {
        "path": "site"
    }
    assert workflow["jobs"]["publish"]["needs"] == "refresh"
    assert workflow["jobs"]["publish"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


# --- the script itself --------------------------------------------------------------------


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git repository laid out like the project's (deploy/nightly.sh, snapshots/ ignored)."""
    if shutil.which("git") is None or shutil.which("flock") is None:
        pytest.skip("needs git and flock")
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    shutil.copy2(NIGHTLY, repo / "deploy" / "nightly.sh")
    shutil.copy2(REPOSITORY / ".gitignore", repo / ".gitignore")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "test")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    return repo


def run_nightly(repo: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "OPENNESS_DB"}
    environment["OPENNESS"] = str(Path(sys.executable).parent / "openness")  # this venv's
    return subprocess.run(
        [str(repo / "deploy" / "nightly.sh"), *arguments],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_nightly_script_refreshes_publishes_and_commits(
    checkout: Path, capture_server: CaptureServer, tmp_path: Path
) -> None:
    """A live refresh of the demo sample served on loopback (the environment points the
    crawler there), as the nightly job does it."""
    capture_server.load(DEMO_CAPTURES)
    result = run_nightly(checkout, "--registry", str(DEMO_REGISTRY))
    assert result.returncode == 0, result.stderr
    assert "nightly: committed" in result.stdout
    committed = git(checkout, "show", "--name-only", "--format=%s", "HEAD").split()
    assert committed[:2] == ["Nightly", "refresh"]
    assert "leaderboard.csv" in committed and any(re.fullmatch(r"snapshots/.+\.jsonl", f) for f in committed)
    csv = (checkout / "leaderboard.csv").read_text().splitlines()
    assert csv[0].startswith("rank,project,") and csv[1].startswith("1,wren,") and len(csv) == 5
    page = (checkout / "site" / "index.html").read_text()
    assert "Wren 7B Instruct" in page and 'id="leaderboard"' in page
    assert git(checkout, "status", "--porcelain") == ""  # the index, the page and the lock are not committed

    # The next night: a new snapshot is committed; the leaderboard did not change.
    second = run_nightly(checkout, "--registry", str(DEMO_REGISTRY))
    assert second.returncode == 0, second.stderr
    changed = git(checkout, "show", "--name-only", "--format=", "HEAD").split()
    assert len(changed) == 1 and changed[0].startswith("snapshots/")


def test_a_second_nightly_run_waits_for_none_and_does_nothing(checkout: Path) -> None:
    lock = checkout / "openness.duckdb.nightly.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_nightly(checkout, "--registry", str(DEMO_REGISTRY), "--replay", str(DEMO_CAPTURES))
    assert result.returncode == 75
    assert f"nightly: another run holds {lock.name}; not starting a second one" in result.stderr
    assert not (checkout / "openness.duckdb").exists() and not (checkout / "leaderboard.csv").exists()


def test_a_replay_of_the_demo_sample_with_nothing_new_commits_nothing(checkout: Path) -> None:
    arguments = ("--registry", str(DEMO_REGISTRY), "--replay", str(DEMO_CAPTURES))
    first = run_nightly(checkout, *arguments)
    assert first.returncode == 0, first.stderr
    assert "leaderboard.csv" in git(checkout, "show", "--name-only", "--format=", "HEAD").split()
    again = run_nightly(checkout, *arguments)
    assert again.returncode == 0 and "nightly: nothing changed" in again.stdout
    assert len(git(checkout, "log", "--format=%h").split()) == 2
