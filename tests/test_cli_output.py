"""The command line as a person reads it: data printed as data, clean errors with
distinct exit statuses, safe CSV, the SQL console's edge cases, exports and diffs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from index import exit_status
from tests.small_index import add_run

runner = CliRunner()
WAIT = "sys.stdin.read()"


def invoke(*arguments: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_help_documents_distinct_exit_statuses() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for status in ("2 usage error", "3 refresh rejected", "4 corrupt database", "5 database locked"):
        assert status in " ".join(out.split())
    statuses = {
        exit_status.USAGE,
        exit_status.RUN_FAILED,
        exit_status.CORRUPT_DATABASE,
        exit_status.LOCKED,
        exit_status.INTERRUPTED,
        exit_status.TERMINATED,
    }
    assert len(statuses) == 6 and 1 not in statuses


def test_corrupt_database_has_its_own_status(tmp_path: Path) -> None:
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"this is not a DuckDB file\n" * 100)
    code, _, stderr = invoke("leaderboard", "--db", str(db))
    assert code == exit_status.CORRUPT_DATABASE
    assert stderr.count("\n") == 1 and str(db) in stderr and "not a readable DuckDB" in stderr


def test_locked_database_has_its_own_status(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(db)!r}); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, _, stderr = invoke("query", "SELECT 1", "--db", str(db))
    finally:
        holder.communicate("")
    assert code == exit_status.LOCKED
    assert "locked" in stderr and str(db) in stderr and stderr.count("\n") == 1
