"""The DuckDB index: schema, migrations, atomic runs, and read-only access.

A run is written in two steps: `begin_run` records that it started; `complete_run`
writes its projects, resources and grades and marks it complete in one transaction. The
leaderboard only ever reads complete runs, so a crash mid-run leaves the previous
leaderboard in place. The database is opened only for those short steps, so readers are
not locked out during a long crawl.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from crawler.pages import human_page

if TYPE_CHECKING:
    from index.spool import Spool

DEFAULT_DB = "openness.duckdb"
# Seconds to wait for another process's lock on the index file: a reader briefly (a
# refresh's writes take moments), a refresh long (it holds finished work).
READ_WAIT = 5.0
WRITE_WAIT = 600.0
log = logging.getLogger(__name__)

# Named migrations, applied in order and recorded in schema_migrations.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "create core tables",
        """
        CREATE SEQUENCE run_ids START 1;
        CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            status VARCHAR NOT NULL,          -- running | complete | rejected | interrupted
            mode VARCHAR NOT NULL,            -- live | replay
            registry VARCHAR,
            capture_path VARCHAR,             -- captures recorded (live) or replayed
            rubric_version VARCHAR NOT NULL,
            summary JSON
        );
        CREATE TABLE projects (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            name VARCHAR,
            org VARCHAR,
            hf VARCHAR,
            github VARCHAR,
            url VARCHAR,
            stale BOOLEAN NOT NULL DEFAULT false,
            stale_reason VARCHAR,
            graded_at TIMESTAMP,              -- when the grades shown were produced
            PRIMARY KEY (run_id, project)
        );
        CREATE TABLE resources (
            run_id INTEGER NOT NULL,
            url VARCHAR NOT NULL,
            status INTEGER,                   -- NULL: content unknown (see error)
            etag VARCHAR,
            last_modified VARCHAR,
            fetched_at VARCHAR,
            error VARCHAR,
            error_kind VARCHAR,
            bytes BIGINT,
            not_modified BOOLEAN NOT NULL DEFAULT false,
            PRIMARY KEY (run_id, url)
        );
        CREATE TABLE grades (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            criterion VARCHAR NOT NULL,
            grade VARCHAR NOT NULL,
            points DOUBLE NOT NULL,
            evidence VARCHAR[] NOT NULL,
            reason VARCHAR NOT NULL,
            rule VARCHAR NOT NULL,
            rubric_version VARCHAR NOT NULL,
            PRIMARY KEY (run_id, project, criterion)
        );
        CREATE VIEW latest_run AS
            SELECT * FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1;
        CREATE VIEW latest_grades AS
            SELECT g.*, p.name, p.org, p.stale, p.stale_reason, p.graded_at
            FROM grades g
            JOIN projects p USING (run_id, project)
            WHERE g.run_id = (SELECT run_id FROM latest_run);
        """,
    ),
    (
        "resource fetch details",
        """
        ALTER TABLE resources ADD COLUMN final_url VARCHAR;    -- where a redirect finally led
        ALTER TABLE resources ADD COLUMN attempts INTEGER;     -- requests sent (retries included)
        ALTER TABLE resources ADD COLUMN capped BOOLEAN DEFAULT false;  -- body cut at the size cap
        """,
    ),
    (
        "open-washing flags and EU AI Act policy indicators",
        """
        CREATE TABLE flags (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            flag VARCHAR NOT NULL,            -- see index/flags.py FLAG_KINDS
            reason VARCHAR NOT NULL,
            evidence VARCHAR[] NOT NULL,
            PRIMARY KEY (run_id, project, flag)
        );
        CREATE TABLE policy (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            exemption VARCHAR NOT NULL,       -- Art. 53(2) open-source exemption: met | not_met
            exemption_reason VARCHAR NOT NULL,
            parameters DOUBLE,                -- NULL: not stated
            parameters_source VARCHAR,
            parameters_url VARCHAR,
            training_tokens DOUBLE,           -- NULL: not stated
            tokens_source VARCHAR,
            tokens_url VARCHAR,
            training_flops DOUBLE,            -- 6 x parameters x tokens; NULL: unknown
            systemic_risk VARCHAR NOT NULL,   -- presumed (>= 1e25) | near (within 10x) | not_presumed | unknown
            PRIMARY KEY (run_id, project)
        );
        CREATE VIEW latest_flags AS SELECT * FROM flags WHERE run_id = (SELECT run_id FROM latest_run);
        CREATE VIEW latest_policy AS SELECT * FROM policy WHERE run_id = (SELECT run_id FROM latest_run);
        """,
    ),
    (
        "systems discovered on the Hub",
        """
        CREATE TABLE discovered (
            project VARCHAR PRIMARY KEY,      -- the project id it is graded under
            hf VARCHAR NOT NULL,              -- Hub model repo id
            first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,     -- the latest listing that showed it
            how VARCHAR NOT NULL,             -- the query of that listing
            gone_at TIMESTAMP,                -- when that query stopped listing it (NULL: listed)
            downloads BIGINT,
            likes BIGINT,
            sha VARCHAR,
            created_at TIMESTAMP
        );
        """,
    ),
    (
        "families of derived models",
        """
        CREATE TABLE families (
            run_id INTEGER NOT NULL,
            original VARCHAR NOT NULL,        -- Hub repo id of the original
            original_project VARCHAR,         -- its project, when tracked in the run
            members INTEGER NOT NULL,
            PRIMARY KEY (run_id, original)
        );
        CREATE TABLE family_members (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            hf VARCHAR NOT NULL,
            relation VARCHAR NOT NULL,        -- quantized | adapter | merge | reupload | finetune (to base)
            base VARCHAR NOT NULL,            -- the model it derives from directly
            original VARCHAR NOT NULL,
            listed BOOLEAN NOT NULL,          -- on the default leaderboard all the same
            PRIMARY KEY (run_id, project)
        );
        CREATE VIEW latest_families AS SELECT * FROM families WHERE run_id = (SELECT run_id FROM latest_run);
        CREATE VIEW latest_family_members AS
            SELECT * FROM family_members WHERE run_id = (SELECT run_id FROM latest_run);
        """,
    ),
    (
        "evidence as pages, with provenance and unknowns",
        """
        ALTER TABLE grades ADD COLUMN evidence_fetched VARCHAR[];  -- the URL each evidence item was read from
        ALTER TABLE grades ADD COLUMN evidence_unknown BOOLEAN DEFAULT false;  -- rests on evidence not read
        ALTER TABLE flags ADD COLUMN evidence_fetched VARCHAR[];
        ALTER TABLE policy ADD COLUMN parameters_fetched VARCHAR;  -- the URL parameters_url was read from
        ALTER TABLE policy ADD COLUMN tokens_fetched VARCHAR;
        CREATE TABLE project_resources (
            run_id INTEGER NOT NULL,
            project VARCHAR NOT NULL,
            url VARCHAR NOT NULL,             -- as fetched: resources.url
            role VARCHAR NOT NULL,            -- model | base | dataset | github | linked_* | arxiv | pypi
            kind VARCHAR NOT NULL,            -- hf_model | hf_card | hf_dataset | ... | arxiv | pypi
            target VARCHAR NOT NULL,          -- owner/name, arXiv id or package name
            page VARCHAR NOT NULL,            -- the page a person opens
            owner VARCHAR,                    -- Hub / GitHub owner of a repo
            same_owner BOOLEAN,               -- that owner is a registry entry's owner
            via VARCHAR NOT NULL,             -- why the crawl fetched it for the project
            source VARCHAR,                   -- fetched URL of what named or linked it (NULL: the registry)
            PRIMARY KEY (run_id, project, url, role)
        );
        -- Before this, the rubric's *_unreadable rule branches were the only mark.
        UPDATE grades SET evidence_unknown = suffix(rule, '_unreadable');
        """,
        # Older runs stored the fetched URLs as evidence: they become the provenance.
        "_evidence_as_pages",
    ),
    (
        "per-run tables without primary keys",
        # A primary key is an index DuckDB must hold in memory whole, over every run's
        # rows, to check each insert: a nightly index of 100,000 models would need more
        # memory with every run, and the keys were three quarters of the file. Each row
        # is written once by its run (tests check the keys stay unique).
        "",
        "_without_primary_keys",
    ),
)
# The tables every run adds rows to, and what identifies a row within a run (their
# former primary keys, now kept by the code that writes them).
RUN_KEYS: dict[str, tuple[str, ...]] = {
    "projects": ("run_id", "project"),
    "resources": ("run_id", "url"),
    "grades": ("run_id", "project", "criterion"),
    "flags": ("run_id", "project", "flag"),
    "policy": ("run_id", "project"),
    "families": ("run_id", "original"),
    "family_members": ("run_id", "project"),
    "project_resources": ("run_id", "project", "url", "role"),
}
# What DuckDB may use while a refresh writes (beyond that it spills to `<db>.tmp`): by
# default it takes up to 80% of the machine. One thread, as each thread buffers its own
# reads of the spool.
WRITE_MEMORY_LIMIT = "64MB"
WRITE_THREADS = 1


class StoreError(Exception):
    """The database cannot be used; the message names the file."""


class CorruptDatabaseError(StoreError):
    """The file exists but is not a readable DuckDB index (exit_status.CORRUPT_DATABASE)."""


class DatabaseLockedError(StoreError):
    """Another process holds the database file's lock (exit_status.LOCKED)."""


class RefreshRunningError(StoreError):
    """Another refresh is running on the same index (exit_status.ALREADY_RUNNING)."""


@contextmanager
def refresh_lock(path: Path) -> Iterator[None]:
    """Held for a whole refresh, so that one refresh at a time writes runs into an index:
    an advisory lock on `DB.refresh-lock`, which the system releases when the process
    ends however it ends (kill -9 included). The file says who holds it."""
    handle = path.with_name(path.name + ".refresh-lock").open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "holder unknown"
            raise RefreshRunningError(
                f"{path}: another refresh is running on this index ({holder}); wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {utc_now_naive():%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        yield
    finally:
        handle.close()


def open_error(path: Path, error: duckdb.Error) -> StoreError:
    """The one-line StoreError of the right kind for a failed `duckdb.connect`."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if "not a valid DuckDB database" in message or "Corrupt" in message or "corrupt" in message:
        return CorruptDatabaseError(f"{path}: not a readable DuckDB index database ({message})")
    if "Could not set lock" in message or "Conflicting lock" in message:
        return DatabaseLockedError(f"{path}: the database is locked by another process (a refresh?); try again")
    return StoreError(f"{path}: cannot open the index database ({message})")


@dataclass(frozen=True)
class ProjectRow:
    project: str
    name: str
    org: str
    hf: str | None
    github: str | None
    url: str | None
    stale: bool = False
    stale_reason: str | None = None
    graded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GradeRow:
    project: str
    criterion: str
    grade: str
    points: float
    evidence: Sequence[str]
    reason: str
    rule: str
    rubric_version: str
    # The URL each evidence item (a page) was read from, in order; None where no fetched
    # resource holds it. Empty: not known (rows written without provenance).
    evidence_fetched: Sequence[str | None] = ()
    evidence_unknown: bool = False  # rests on evidence that could not be read


@dataclass(frozen=True, slots=True)
class FlagRow:
    project: str
    flag: str
    reason: str
    evidence: Sequence[str]
    evidence_fetched: Sequence[str | None] = ()


@dataclass(frozen=True, slots=True)
class PolicyRow:
    project: str
    exemption: str
    exemption_reason: str
    parameters: float | None
    parameters_source: str | None
    parameters_url: str | None
    training_tokens: float | None
    tokens_source: str | None
    tokens_url: str | None
    training_flops: float | None
    systemic_risk: str
    parameters_fetched: str | None = None  # the URL the parameters_url page was read from
    tokens_fetched: str | None = None


def as_row(record: Any) -> dict[str, Any]:
    """A row dataclass as column -> value (the row classes use slots: a run of 100,000
    projects holds over a million grade rows)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def database_path(db: str | Path | None) -> Path:
    """--db, else $OPENNESS_DB, else openness.duckdb in the working directory."""
    return Path(db or os.environ.get("OPENNESS_DB") or DEFAULT_DB)


def lock_wait(variable: str, default: float) -> float:
    """Seconds to wait for a database lock: $VARIABLE when it is a number, else `default`."""
    try:
        return max(0.0, float(os.environ.get(variable, default)))
    except ValueError:
        return default


def _connect(
    path: Path, wait: float, read_only: bool = False, locked: bool = False, **config: Any
) -> duckdb.DuckDBPyConnection:
    """Connect, waiting up to `wait` seconds (with backoff) while another process holds
    the file's lock: a refresh opens the index only for short writes, and a reader only
    while it reads, so a lock is usually gone in a moment."""
    deadline = time.monotonic() + wait
    delay, told = 0.02, False
    while True:
        try:
            connection = duckdb.connect(str(path), read_only=read_only, config=config)
            # DuckDB draws a progress bar on standard output for statements that run over
            # two seconds: it would corrupt `--json`, CSV and piped output of long runs.
            connection.execute("SET enable_progress_bar = false")
            if locked:
                connection.execute("SET lock_configuration = true")
            return connection
        except duckdb.Error as error:
            problem = open_error(path, error)
            left = deadline - time.monotonic()
            if not isinstance(problem, DatabaseLockedError) or left <= 0:
                if isinstance(problem, DatabaseLockedError):
                    problem = DatabaseLockedError(_locked_message(path, read_only, wait))
                raise problem from error
        if not told and not read_only:
            # A writer waits long (its finished work must not be lost): say why it pauses.
            log.warning("%s is held by another process (a reader?); waiting up to %gs to write", path, wait)
            told = True
        time.sleep(min(delay, left))
        delay = min(delay * 2, 1.0)


def _locked_message(path: Path, read_only: bool, wait: float) -> str:
    if read_only:
        return f"{path}: a refresh is writing the index (still locked after {wait:g}s); try again in a moment"
    return f"{path}: another process held the index for {wait:g}s; nothing was written"


@contextmanager
def open_writable(path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, waiting for a reader that holds the file (up to
    $OPENNESS_WRITE_WAIT seconds, default 600)."""
    connection = _connect(path, lock_wait("OPENNESS_WRITE_WAIT", WRITE_WAIT) if wait is None else wait)
    try:
        connection.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
        connection.execute(f"SET threads = {WRITE_THREADS}")
        migrate(connection)
        yield connection
    finally:
        connection.close()


@contextmanager
def open_readonly(path: Path, *, locked: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; `locked` also forbids any file or network access, for
    SQL written by users. While a refresh is writing, waits up to $OPENNESS_READ_WAIT
    seconds (default 5), then fails with DatabaseLockedError."""
    if not path.exists():
        raise StoreError(f"{path}: no index database here; run `openness refresh` first (or pass --db)")
    config: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": "false"} if locked else {}
    wait = lock_wait("OPENNESS_READ_WAIT", READ_WAIT)
    connection = _connect(path, wait, read_only=True, locked=locked, **config)
    if pending_migrations(connection):
        # An index written by an older version: bring its schema up to date once, so
        # that every reader sees the columns it expects.
        connection.close()
        with open_writable(path, wait):
            pass
        connection = _connect(path, wait, read_only=True, locked=locked, **config)
    try:
        yield connection
    finally:
        connection.close()


def _evidence_as_pages(connection: duckdb.DuckDBPyConnection) -> None:
    """Rows written before evidence was stored as pages: what they hold as evidence is
    what was fetched; the evidence becomes each one's page (crawler.pages)."""
    for table in ("grades", "flags"):
        urls = [row[0] for row in connection.execute(f"SELECT DISTINCT unnest(evidence) FROM {table}").fetchall()]
        pages = [human_page(url) for url in urls]
        connection.execute(
            f"""UPDATE {table} SET evidence_fetched = evidence,
                   evidence = list_transform(evidence, lambda u: coalesce(map_extract_value(MAP($1, $2), u), u))""",
            [urls, pages],
        )
    for column, fetched in (("parameters_url", "parameters_fetched"), ("tokens_url", "tokens_fetched")):
        query = f"SELECT DISTINCT {column} FROM policy WHERE {column} IS NOT NULL"
        urls = [row[0] for row in connection.execute(query).fetchall()]
        connection.execute(
            f"UPDATE policy SET {fetched} = {column}, {column} = coalesce(map_extract_value(MAP($1, $2), {column}), "
            f"{column})",
            [urls, [human_page(url) for url in urls]],
        )


def _without_primary_keys(connection: duckdb.DuckDBPyConnection) -> None:
    """Rebuild each per-run table with the same columns (order, types, NOT NULL,
    defaults) and rows, but no primary key: DuckDB cannot drop a key in place. The
    views name the tables and are bound when queried, so they follow."""
    for table in RUN_KEYS:
        columns = connection.execute(
            """SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns()
               WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index""",
            [table],
        ).fetchall()
        definitions = ", ".join(
            f'"{name}" {data_type}{"" if nullable else " NOT NULL"}{f" DEFAULT {default}" if default else ""}'
            for name, data_type, nullable, default in columns
        )
        connection.execute(f"CREATE TABLE {table}__rebuilt ({definitions})")
        connection.execute(f"INSERT INTO {table}__rebuilt SELECT * FROM {table}")
        connection.execute(f"DROP TABLE {table}")
        connection.execute(f"ALTER TABLE {table}__rebuilt RENAME TO {table}")


# Python steps of migrations, named in MIGRATIONS (after the migration's SQL).
_MIGRATION_STEPS = {"_evidence_as_pages": _evidence_as_pages, "_without_primary_keys": _without_primary_keys}


def migrate(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    applied = {row[0] for row in connection.execute("SELECT version FROM schema_migrations").fetchall()}
    for version, (name, sql, *steps) in enumerate(MIGRATIONS, start=1):
        if version in applied:
            continue
        connection.execute("BEGIN TRANSACTION")
        if sql:
            connection.execute(sql)
        for step in steps:
            _MIGRATION_STEPS[step](connection)
        connection.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utc_now_naive()])
        connection.execute("COMMIT")


def pending_migrations(connection: duckdb.DuckDBPyConnection) -> bool:
    """The file's schema is older than this version's (a read-only reader cannot migrate it)."""
    try:
        row = connection.execute("SELECT count(*) FROM schema_migrations").fetchone()
    except duckdb.CatalogException:
        return True
    return (row[0] if row else 0) < len(MIGRATIONS)


def begin_run(path: Path, *, mode: str, registry: str, capture_path: str, rubric_version: str) -> int:
    """Record a started run and return its id. Runs left `running` by a crash are marked
    `interrupted` so the history says what happened to them."""
    with open_writable(path) as connection:
        connection.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        row = connection.execute(
            """INSERT INTO runs (run_id, started_at, status, mode, registry, capture_path, rubric_version)
               VALUES (nextval('run_ids'), ?, 'running', ?, ?, ?, ?) RETURNING run_id""",
            [utc_now_naive(), mode, registry, capture_path, rubric_version],
        ).fetchone()
    assert row is not None
    return int(row[0])


def complete_run(
    path: Path,
    run_id: int,
    *,
    projects: Sequence[ProjectRow],
    grades: Sequence[GradeRow],
    resources: Sequence[dict[str, Any]],
    summary: dict[str, Any],
    status: str = "complete",
    flags: Sequence[FlagRow] = (),
    policy: Sequence[PolicyRow] = (),
    kept_projects: Sequence[str] = (),
    families: Sequence[Any] = (),
    family_members: Sequence[Any] = (),
    project_resources: Sequence[Any] = (),
    spool: Spool | None = None,
) -> None:
    """Write everything of a run and mark it `status`, all in one transaction. The
    `kept_projects` (stale, their shown grades kept) keep their shown flags and policy
    indicators too: they come from the latest complete run. A refresh's graded rows come
    in a `spool` (index/spool.py), loaded here, leaving out the kept projects' rows: their
    grades are among `grades`, their flags and indicators copied from the shown run."""
    with open_writable(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            _insert_columns(connection, "projects", run_id, projects)
            _insert_columns(connection, "grades", run_id, grades)
            _insert_columns(connection, "resources", run_id, resources)
            _insert_columns(connection, "flags", run_id, flags)
            _insert_columns(connection, "policy", run_id, policy)
            _insert_columns(connection, "families", run_id, families)
            _insert_columns(connection, "family_members", run_id, family_members)
            _insert_columns(connection, "project_resources", run_id, project_resources)
            if spool is not None:
                _insert_spooled(connection, run_id, spool, kept_projects)
            _copy_shown_findings(connection, run_id, kept_projects)
            connection.execute(
                "UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
                [status, utc_now_naive(), json.dumps(summary, sort_keys=True), run_id],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _copy_shown_findings(connection: duckdb.DuckDBPyConnection, run_id: int, projects: Sequence[str]) -> None:
    shown_run = latest_complete_run(connection)
    if shown_run is None or not projects:
        return
    for table in ("flags", "policy"):
        columns = [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall() if row[0] != "run_id"]
        connection.execute(
            f"INSERT INTO {table} (run_id, {', '.join(columns)}) SELECT ?, {', '.join(columns)} FROM {table} "
            "WHERE run_id = ? AND list_contains(?, project)",
            [run_id, shown_run, list(projects)],
        )


def _insert_spooled(
    connection: duckdb.DuckDBPyConnection, run_id: int, spool: Spool, kept_projects: Sequence[str]
) -> None:
    """The spool's rows, read with the table's own column types; the kept projects'
    grades, flags and indicators are not the fresh ones."""
    for table, fields_written in spool.fields.items():
        types = dict(connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
        columns = ", ".join(fields_written)
        typed = ", ".join(f"'{name}': '{types[name]}'" for name in fields_written)
        path = str(spool.path(table)).replace("'", "''")
        kept = table in ("grades", "flags", "policy")
        connection.execute(
            f"INSERT INTO {table} (run_id, {columns}) SELECT ?, {columns} FROM "
            f"read_json('{path}', format = 'newline_delimited', columns = {{{typed}}}) "
            + ("WHERE NOT list_contains(?::VARCHAR[], project)" if kept else ""),
            [run_id, list(kept_projects)] if kept else [run_id],
        )


# Rows per INSERT: a run of 100,000 projects has 1.4 million grades, and one statement
# with every value (and a dict per row) would triple the run's peak memory.
INSERT_CHUNK = 10_000


def _insert_columns(connection: duckdb.DuckDBPyConnection, table: str, run_id: int, records: Sequence[Any]) -> None:
    """Bulk insert of row dataclasses (or dicts), a chunk at a time: one parameter list
    per column, unnested by DuckDB (row-by-row executemany is two orders of magnitude
    slower)."""
    for start in range(0, len(records), INSERT_CHUNK):
        rows = [r if isinstance(r, dict) else as_row(r) for r in records[start : start + INSERT_CHUNK]]
        columns = list(rows[0])
        values = [[row[column] for row in rows] for column in columns]
        selects = ", ".join(f"unnest(${i + 2})" for i in range(len(columns)))
        connection.execute(
            f"INSERT INTO {table} (run_id, {', '.join(columns)}) SELECT $1, {selects}", [run_id, *values]
        )


def _insert_rows(connection: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Bulk insert of rows without a run id, unnested by DuckDB like `_insert_columns`."""
    if not rows:
        return
    columns = list(rows[0])
    values = [[row[column] for row in rows] for column in columns]
    selects = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    connection.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selects}", values)


def latest_complete_run(connection: duckdb.DuckDBPyConnection) -> int | None:
    row = connection.execute("SELECT run_id FROM latest_run").fetchone()
    return int(row[0]) if row else None


def utc_now_naive() -> datetime:
    """Now in UTC, without a zone: DuckDB TIMESTAMP columns hold naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def mark_run(path: Path, run_id: int, status: str, wait: float | None = None) -> None:
    """Set a run's status (e.g. `interrupted`) without touching its rows."""
    with open_writable(path, wait) as connection:
        connection.execute(
            "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?", [status, utc_now_naive(), run_id]
        )


@dataclass(frozen=True)
class LiveRun:
    run_id: int
    capture_path: str


def latest_live_run(path: Path) -> LiveRun | None:
    """The latest complete live run: its captures and validators seed the next refresh."""
    with open_writable(path) as connection:
        row = connection.execute(
            """SELECT run_id, capture_path FROM runs
               WHERE status = 'complete' AND mode = 'live' AND capture_path IS NOT NULL
               ORDER BY run_id DESC LIMIT 1"""
        ).fetchone()
    return LiveRun(int(row[0]), str(row[1])) if row else None


def remembered_validators(path: Path, run_id: int) -> dict[str, tuple[str | None, str | None]]:
    """url -> (etag, last-modified) of every resource of a run that had either."""
    with open_writable(path) as connection:
        rows = connection.execute(
            """SELECT url, etag, last_modified FROM resources
               WHERE run_id = ? AND (etag IS NOT NULL OR last_modified IS NOT NULL)""",
            [run_id],
        ).fetchall()
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


@dataclass(frozen=True)
class ShownGrades:
    """A project's grades as the visible leaderboard shows them, and since when."""

    graded_at: datetime | None
    grades: tuple[GradeRow, ...]


def visible_grades(path: Path, projects: Sequence[str]) -> dict[str, ShownGrades]:
    """The latest complete run's grades for these projects (those it has)."""
    with open_writable(path) as connection:
        run_id = latest_complete_run(connection)
        if run_id is None or not projects:
            return {}
        header = connection.execute(
            "SELECT project, graded_at FROM projects WHERE run_id = ? AND list_contains(?, project)",
            [run_id, list(projects)],
        ).fetchall()
        rows = connection.execute(
            """SELECT project, criterion, grade, points, evidence, reason, rule, rubric_version,
                      evidence_fetched, evidence_unknown FROM grades
               WHERE run_id = ? AND list_contains(?, project) ORDER BY project, criterion""",
            [run_id, list(projects)],
        ).fetchall()
    grades: dict[str, list[GradeRow]] = {}
    for project, criterion, grade, points, evidence, reason, rule, version, fetched, unknown in rows:
        grades.setdefault(project, []).append(
            GradeRow(
                project, criterion, grade, points, list(evidence), reason, rule, version, list(fetched or []), unknown
            )
        )
    return {
        project: ShownGrades(graded_at, tuple(grades.get(project, ())))
        for project, graded_at in header
        if grades.get(project)
    }


@dataclass(frozen=True)
class DiscoveredRow:
    project: str
    hf: str
    downloads: int | None
    likes: int | None
    sha: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class DiscoveryCounts:
    listed: int
    new: int
    back: int  # listed again after being marked gone
    gone: int  # no longer listed by the query that found them


def record_discovery(
    path: Path, how: str, rows: Sequence[DiscoveredRow], *, complete: bool, now: datetime
) -> DiscoveryCounts:
    """Track a listing: new models are added, listed ones seen again, and, when the
    listing was read to its end, models this query found before but no longer lists
    are marked gone (never deleted: their runs keep referring to them)."""
    with open_writable(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        connection.execute(
            "CREATE TEMP TABLE listing (project VARCHAR, hf VARCHAR, downloads BIGINT, likes BIGINT, "
            "sha VARCHAR, created_at TIMESTAMP)"
        )
        try:
            _insert_rows(connection, "listing", [as_row(row) for row in rows])
            new, back = connection.execute(
                """SELECT count(*) FILTER (WHERE d.project IS NULL), count(*) FILTER (WHERE d.gone_at IS NOT NULL)
                   FROM listing l LEFT JOIN discovered d USING (project)"""
            ).fetchone() or (0, 0)
            connection.execute(
                """UPDATE discovered SET last_seen = $now, how = $how, gone_at = NULL, downloads = l.downloads,
                          likes = l.likes, sha = l.sha, created_at = l.created_at
                   FROM listing l WHERE discovered.project = l.project""",
                {"now": now, "how": how},
            )
            connection.execute(
                """INSERT INTO discovered
                   SELECT l.project, l.hf, $now, $now, $how, NULL, l.downloads, l.likes, l.sha, l.created_at
                   FROM listing l ANTI JOIN discovered d USING (project)""",
                {"now": now, "how": how},
            )
            gone = 0
            if complete:
                gone_rows = connection.execute(
                    """UPDATE discovered SET gone_at = $now
                       WHERE how = $how AND gone_at IS NULL AND project NOT IN (SELECT project FROM listing)
                       RETURNING project""",
                    {"now": now, "how": how},
                ).fetchall()
                gone = len(gone_rows)
            connection.execute("DROP TABLE listing")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return DiscoveryCounts(len(rows), int(new), int(back), gone)


def discovered_downloads(path: Path) -> dict[str, int]:
    """project -> downloads of every discovered model the listing gave a count for."""
    if not path.exists():
        return {}
    with open_writable(path) as connection:
        rows = connection.execute("SELECT project, downloads FROM discovered WHERE downloads IS NOT NULL").fetchall()
    return {str(project): int(count) for project, count in rows}


def listed_discoveries(path: Path) -> list[tuple[str, str]]:
    """(project, hf) of every discovered model still listed, most downloaded first."""
    if not path.exists():
        return []
    with open_writable(path) as connection:
        return [
            (str(project), str(hf))
            for project, hf in connection.execute(
                "SELECT project, hf FROM discovered WHERE gone_at IS NULL ORDER BY downloads DESC NULLS LAST, project"
            ).fetchall()
        ]
