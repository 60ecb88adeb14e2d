"""The command line as a person reads it: data printed as data, clean errors with
distinct exit statuses, safe CSV, the SQL console's edge cases, exports and diffs."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from cli import app
from index import exit_status
from index.output import FORMULA_STARTS
from index.rubric.grades import CRITERIA
from index.store import open_writable, utc_now_naive
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


HOSTILE_REASON = "card says \x1b]0;pwned\x07[/x] [bold]loud[/bold] \x1b[31mred\x1b[0m\x07 done"
HOSTILE_URL = "https://github.com/o/r/blob/main/[/x]\x1b[2J.py"


def hostile_index(db: Path) -> Path:
    """Two runs whose crawled text holds markup and terminal escape sequences."""
    add_run(db, {"alpha": {"license": ("closed", "nothing found", ())}}, names={"alpha": "Alpha [/x]"})
    add_run(
        db,
        {"alpha": {"license": ("open", HOSTILE_REASON, (HOSTILE_URL,))}},
        names={"alpha": "Alpha [/x] \x1b[5mblink"},
    )
    return db


def assert_plain(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text


def test_query_prints_data_as_data(tmp_path: Path) -> None:
    db = str(hostile_index(tmp_path / "index.duckdb"))
    code, out, stderr = invoke("query", "SELECT '[/x]' AS a", "--db", db)
    assert code == 0, stderr
    assert "[/x]" in out
    code, out, _ = invoke("query", "SELECT 'a [b] c' AS \"[/col]\", ':smile:' AS e", "--db", db)
    assert code == 0 and "a [b] c" in out and "[/col]" in out and ":smile:" in out
    code, out, _ = invoke("query", "SELECT reason, evidence FROM latest_grades WHERE criterion = 'license'", "--db", db)
    assert code == 0
    assert_plain(out)
    assert "[/x] [bold]loud[/bold] red done" in out


def test_show_history_and_leaderboard_strip_control_characters(tmp_path: Path) -> None:
    db = str(hostile_index(tmp_path / "index.duckdb"))
    code, out, _ = invoke("show", "alpha", "--db", db)
    assert code == 0
    assert_plain(out)
    assert "card says [/x] [bold]loud[/bold] red done" in out
    assert "evidence: https://github.com/o/r/blob/main/[/x].py" in out
    code, out, _ = invoke("history", "--db", db)
    assert code == 0
    assert_plain(out)
    assert "[/x]" in out and "closed" in out and "open" in out
    code, out, _ = invoke("leaderboard", "--db", db)
    assert code == 0
    assert_plain(out)
    assert "Alpha [/x] blink" in out


def test_tables_fit_the_terminal(tmp_path: Path) -> None:
    db = str(hostile_index(tmp_path / "index.duckdb"))
    for arguments in (("leaderboard",), ("history",), ("query", "SELECT * FROM latest_grades")):
        for width in (80, 120):
            result = runner.invoke(app, [*arguments, "--db", db], env={"COLUMNS": str(width)})
            assert result.exit_code == 0
            lines = result.stdout.splitlines()
            assert len(lines) > 3 and max(len(line) for line in lines) <= width
            assert max(len(line) for line in lines) > width - 10  # it uses the room it has


FORMULAS = ('=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd")


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}}, names={"alpha": FORMULAS[0]})
    add_run(db, {"alpha": {"license": ("open", "-licence: MIT", ("@https://x",))}}, names={"alpha": FORMULAS[0]})
    select = ", ".join(f"{sql_string(text)} AS c{i}" for i, text in enumerate(FORMULAS))
    code, out, _ = invoke(
        "query", f"SELECT {select}, -1 AS negative, 2.5 AS number", "--db", str(db), "--format", "csv"
    )
    assert code == 0
    header, row = csv_cells(out)
    assert row == [*("'" + text for text in FORMULAS), "-1", "2.5"]
    code, out, _ = invoke("leaderboard", "--db", str(db), "--format", "csv")
    board = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and board[0]["name"] == "'" + FORMULAS[0]
    code, out, _ = invoke("history", "--db", str(db), "--format", "csv")
    (change,) = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and change["reason"] == "'-licence: MIT" and change["evidence"] == "'@https://x"
    for cells in csv_cells(out):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_csv_leaderboard_has_the_stale_column(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}, "beta": {}}, stale=frozenset({"beta"}))
    code, out, _ = invoke("leaderboard", "--db", str(db), "--format", "csv")
    board = {row["project"]: row for row in csv.DictReader(io.StringIO(out))}
    assert code == 0 and out.splitlines()[0].endswith(",openness,stale")
    assert board["alpha"]["stale"] == "false" and board["beta"]["stale"] == "true"


def test_query_without_a_statement_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    for sql in ("", " ; ", "-- only a comment"):
        code, out, stderr = invoke("query", sql, "--db", str(db))
        assert code == exit_status.USAGE and out == ""
        assert stderr == "error: no SQL statement given (only whitespace, ';' or comments)\n"


def test_query_shows_every_statement_or_refuses(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    code, out, _ = invoke("query", "-- two answers\nSELECT 1 AS first; SELECT 'two' AS second;", "--db", str(db))
    assert code == 0
    assert "SELECT 1 AS first;" in out and "SELECT 'two' AS second;" in out
    assert out.index("first") < out.index("two") and "│ 1 " in out
    code, out, stderr = invoke("query", "SELECT 1; SELECT 2", "--db", str(db), "--format", "json")
    assert code == exit_status.USAGE and out == ""
    assert "2 statements given, and --format json holds one result" in stderr and stderr.count("\n") == 1


def test_query_reads_sql_from_a_file_or_stdin(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}, "beta": {}})
    script = tmp_path / "count.sql"
    script.write_text("-- how many projects\nSELECT count(*) AS n FROM latest_run JOIN projects USING (run_id);\n")
    code, out, _ = invoke("query", "-f", str(script), "--db", str(db), "--format", "json")
    assert code == 0 and json.loads(out) == [{"n": 2}]
    code, out, _ = invoke("query", "-", "--db", str(db), "--format", "csv", stdin="SELECT 'from stdin' AS source\n")
    assert code == 0 and out == "source\nfrom stdin\n"
    code, _, stderr = invoke("query", "-f", str(tmp_path / "missing.sql"), "--db", str(db))
    assert code == exit_status.USAGE and "missing.sql: cannot read the SQL" in stderr
    code, _, stderr = invoke("query", "--db", str(db))
    assert code == exit_status.USAGE and "--file FILE" in stderr


def test_no_progress_bar_reaches_standard_output(tmp_path: Path) -> None:
    """DuckDB's progress bar (drawn for statements over two seconds) would land in the
    middle of `refresh --json` or a CSV result: every connection the tool opens has it off."""
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    code, out, stderr = invoke(
        "query", "SELECT current_setting('enable_progress_bar') AS bar", "--format", "csv", "--db", str(db)
    )
    assert code == 0, stderr
    assert out.splitlines() == ["bar", "false"]
    with open_writable(db) as connection:
        assert connection.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)


def test_a_runaway_query_is_stopped_by_its_timeout(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    runaway = "SELECT count(*) FROM range(1000000000000) a"
    code, out, stderr = invoke("query", runaway, "--timeout", "0.2", "--db", str(db))
    assert code == exit_status.USAGE and out == ""
    assert stderr == "error: the query was stopped after its --timeout of 0.2 seconds\n"


def three_runs(db: Path) -> Path:
    add_run(db, {"alpha": {"license": ("closed", "no licence found", ())}, "beta": {}})
    add_run(db, {"alpha": {"license": ("partial", "custom licence", ("https://hf.co/a",))}, "beta": {}})
    add_run(db, {"alpha": {"license": ("partial", "custom licence", ("https://hf.co/a",))}}, status="rejected")
    add_run(
        db,
        {"alpha": {"license": ("open", "MIT", ("https://github.com/o/a/LICENSE",))}, "gamma": {}},
    )
    return db


def test_diff_of_the_last_two_complete_runs(tmp_path: Path) -> None:
    db = str(three_runs(tmp_path / "index.duckdb"))
    code, out, _ = invoke("diff", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("run 2 (complete, ") and " -> run 4 (complete, " in lines[0]
    assert lines[0].endswith(": 1 grade changed")
    assert lines[1:6] == [
        "alpha license: partial -> open",
        "  before: custom licence",
        "          evidence: https://hf.co/a",
        "  after:  MIT",
        "          evidence: https://github.com/o/a/LICENSE",
    ]
    assert lines[6:] == ["beta: not in the later run", "gamma: new in the later run"]


def test_diff_of_chosen_runs_as_data(tmp_path: Path) -> None:
    db = str(three_runs(tmp_path / "index.duckdb"))
    code, out, _ = invoke("diff", "1", "2", "--db", db, "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "project": "alpha",
            "criterion": "license",
            "before": "closed",
            "after": "partial",
            "before_reason": "no licence found",
            "after_reason": "custom licence",
            "before_evidence": [],
            "after_evidence": ["https://hf.co/a"],
        }
    ]
    code, out, _ = invoke("diff", "1", "--db", db, "--format", "csv")  # against the latest complete run
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and (rows[0]["before"], rows[0]["after"]) == ("closed", "open")
    assert {row["project"] for row in rows} == {"alpha", "beta", "gamma"} and len(rows) == 1 + 14 + 14
    code, out, _ = invoke("diff", "2", "2", "--db", db)
    assert code == 0 and out.splitlines()[0].endswith(": no grades changed")


def test_diff_without_two_runs_is_a_clean_error(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    code, _, stderr = invoke("diff", "--db", str(db))
    assert code == exit_status.USAGE and stderr == "error: diff needs two complete runs; the index has 1\n"
    code, _, stderr = invoke("diff", "1", "7", "--db", str(db))
    assert code == exit_status.USAGE and "no run 7 in the index" in stderr


def two_dated_runs(db: Path) -> Path:
    """Two complete runs a day apart, one holding text a spreadsheet would run."""
    add_run(db, {"alpha": {"license": ("closed", "nothing found", ())}, "beta": {}})
    add_run(db, {"alpha": {"license": ("open", '=HYPERLINK("http://x")', ("https://a/LICENSE",))}, "beta": {}})
    with duckdb.connect(str(db)) as connection:
        connection.execute("UPDATE runs SET started_at = TIMESTAMP '2026-11-30 03:00:00' WHERE run_id = 1")
    return db


def test_export_parquet_partitioned_by_run_date(tmp_path: Path) -> None:
    db, out = two_dated_runs(tmp_path / "index.duckdb"), tmp_path / "export"
    code, stdout, stderr = invoke("export", str(out), "--db", str(db))
    assert code == 0, stderr
    assert "grades" in stdout and "grades/run_date=*/" in stdout
    assert sorted(p.name for p in (out / "grades").iterdir()) == [
        "run_date=2026-11-30",
        f"run_date={utc_now_naive().date()}",
    ]
    reader = duckdb.connect()
    history = reader.execute(
        f"""SELECT run_date, run_id, count(*) FROM read_parquet('{out}/grades/**/*.parquet', hive_partitioning = true)
            GROUP BY ALL ORDER BY run_id"""
    ).fetchall()
    assert history == [(date(2026, 11, 30), 1, 28), (utc_now_naive().date(), 2, 28)]
    flags = reader.execute(f"SELECT count(*) FROM read_parquet('{out}/flags/**/*.parquet')").fetchone()
    assert flags == (0,)  # an empty table is still there to read
    latest = reader.execute(f"SELECT DISTINCT run_id FROM '{out}/latest_grades.parquet'").fetchall()
    assert latest == [(2,)]
    manifest = json.loads((out / "export.json").read_text())
    with duckdb.connect(str(db), read_only=True) as connection:
        names = {row[0] for row in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {item["name"] for item in manifest["relations"]} == names
    assert {"runs", "projects", "resources", "grades", "flags", "policy", "latest_grades"} <= names


def test_export_csv_and_json_files(tmp_path: Path) -> None:
    db, out = two_dated_runs(tmp_path / "index.duckdb"), tmp_path / "export"
    code, _, stderr = invoke("export", str(out), "--format", "csv", "--db", str(db))
    assert code == 0, stderr
    grades = list(csv.DictReader((out / "grades.csv").open(newline="")))
    assert len(grades) == 56
    licence = next(g for g in grades if g["run_id"] == "2" and g["project"] == "alpha" and g["criterion"] == "license")
    assert licence["reason"] == '\'=HYPERLINK("http://x")' and licence["points"] == "1.0"
    code, _, _ = invoke("export", str(out), "--format", "json", "--db", str(db))  # replaces the csv export
    assert code == 0 and not (out / "grades.csv").exists()
    lines = (out / "grades.jsonl").read_text().splitlines()
    assert len(lines) == 56 and json.loads(lines[0])["run_id"] == 1
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    code, _, stderr = invoke("export", str(tmp_path / "mine"), "--db", str(db))
    assert code == exit_status.USAGE and "not empty and holds no earlier export" in stderr
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_long_leaderboard_has_one_row_per_project_and_criterion(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    grades = {
        "alpha": {"license": ("open", "MIT licence", ("https://a/LICENSE", "https://a/README"))},
        "beta": {"license": ("partial", "custom licence", ("https://b/LICENSE",))},
    }
    add_run(db, grades, stale=frozenset({"beta"}))
    with duckdb.connect(str(db)) as connection:  # as a refresh marks a grade resting on unread evidence
        connection.execute("UPDATE grades SET evidence_unknown = true WHERE criterion = 'modelcard'")
    code, out, _ = invoke("leaderboard", "--long", "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 2 * 14
    assert [row["criterion"] for row in rows[:14]] == list(CRITERIA)
    alpha = next(row for row in rows if row["project"] == "alpha" and row["criterion"] == "license")
    assert (alpha["rank"], alpha["grade"], alpha["points"], alpha["reason"]) == ("1", "open", "1", "MIT licence")
    assert alpha["evidence"] == "https://a/LICENSE https://a/README" and alpha["stale"] == "false"
    assert alpha["evidence_unknown"] == "false"
    assert {row["evidence_unknown"] for row in rows if row["criterion"] == "modelcard"} == {"true"}
    beta = next(row for row in rows if row["project"] == "beta" and row["criterion"] == "license")
    assert (beta["rank"], beta["stale"], beta["stale_reason"]) == ("2", "true", "key resources failed")
    code, out, _ = invoke("leaderboard", "--long", "--db", str(db), "--format", "json")
    cells = json.loads(out)
    assert (
        code == 0 and cells[0]["evidence"] == [] and cells[5]["evidence"] == ["https://a/LICENSE", "https://a/README"]
    )


COMMANDS = ("refresh", "discover", "leaderboard", "query", "show", "history", "diff", "export", "calibrate")
README = Path(__file__).resolve().parents[1] / "README.md"


def test_help_has_no_type_placeholders_and_names_the_database_default() -> None:
    for command in COMMANDS:
        code, out, _ = invoke(command, "--help")
        assert code == 0
        assert "<bool>" not in out and "<list" not in out and "range>" not in out, command
        # No option shows a type placeholder of any kind (<str>, <float>, ...): each names its value.
        assert not re.search(r"--[\w-]+ <", out), (command, re.findall(r"--[\w-]+ <[^>]*>", out))
        text = " ".join(out.split())
        assert "--db FILE" in text, command
        assert "[default: $OPENNESS_DB if set, else ./openness.duckdb]" in text, command


def readme_database_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## The database") : text.index("\n## ", text.index("## The database") + 1)]


def test_readme_documents_every_table_and_view(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {}})
    with duckdb.connect(str(db), read_only=True) as connection:
        names = [row[0] for row in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    section = readme_database_section()
    assert [name for name in names if f"`{name}`" not in section] == []


def test_readme_worked_queries_run_and_answer(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    add_run(db, {"alpha": {"license": ("closed", "no OSI-approved license (llama2)", ("https://hf.co/a",))}})
    run = add_run(
        db,
        {"alpha": {"license": ("partial", "some open", ("https://hf.co/a",))}, "beta": {}},
        unknown={("alpha", "modelcard")},
    )
    with duckdb.connect(str(db)) as connection:  # a resource fetched from another owner's repo
        connection.execute(
            "INSERT INTO project_resources VALUES (?, 'alpha', 'https://api.github.com/repos/x/y', 'linked_github', "
            "'github_repo', 'x/y', 'https://github.com/x/y', 'x', false, 'linked from the card of a/a', NULL)",
            [run],
        )
    blocks = re.findall(r"```sql\n(.*?)```", readme_database_section(), re.S)
    assert len(blocks) >= 4
    for sql in blocks:
        code, out, stderr = invoke("query", "-", "--db", str(db), "--format", "csv", stdin=sql)
        assert code == 0, (sql, stderr)
        assert "alpha" in out, sql  # each worked query has an answer here
