"""The `openness` command line: thin commands over the index library.

Every user mistake (bad registry, missing database, bad SQL, unknown project) ends in a
one-line message naming the file / URL / line and exit status 2, never a traceback;
the one table that maps errors to messages is `USER_ERRORS`, and `error_status` gives a
corrupt or locked database its own status (`index/exit_status.py`). What is printed
quotes crawled text, so it goes out as plain text through `index.output.printable`.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from crawler.captures import CaptureFormatError
from crawler.discover import SORTS, ListingQuery
from crawler.http import HttpPolicy
from crawler.pages import human_page
from crawler.politeness import parse_duration
from crawler.results import ProjectCrawl
from index import exit_status, sql_console, store
from index.calibrate import LabelsError, calibration_report, label_set_name, load_labels
from index.demo import DEMO_CAPTURES, DEMO_DB, DEMO_REGISTRY
from index.discovery import RegistryFinding, check_registry, hub_session, registry_yaml, run_discovery
from index.export import EXPORT_FORMATS, ExportError, export_index
from index.html_page import render_page
from index.leaderboard import (
    LEADERBOARD_COLUMNS,
    MEMBERS_COLUMNS,
    Origin,
    RunChoiceError,
    Table,
    entry_owners,
    grade_changes,
    grade_diff,
    leaderboard,
    long_leaderboard,
    page_data,
    paired_cells,
    project_flags,
    project_grades,
    project_origins,
    project_policy,
    run_label,
    runs_to_compare,
)
from index.output import FORMATS, printable, records, render
from index.refresh import RefreshOptions, refresh
from index.registry import RegistryError, load_registry
from index.run_report import (
    LimitSyntaxError,
    discovery_line,
    host_limits,
    parse_host_values,
    summary_json,
    summary_lines,
)

LEADERBOARD_FORMATS = (*FORMATS, "html")

app = typer.Typer(
    help="The Openness Index: how open generative AI systems really are, graded on 14 criteria with evidence.",
    epilog=exit_status.HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no markup eating "[default: ...]" text, no <bool> beside flags
)
err = Console(stderr=True)

# Errors that are the user's to fix: shown as one line, exit status 2.
USER_ERRORS: tuple[type[Exception], ...] = (
    RegistryError,
    store.StoreError,
    CaptureFormatError,
    LabelsError,
    sql_console.QueryError,
    RunChoiceError,
    ExportError,
    duckdb.Error,
)
# A runaway `openness query` is stopped after this many seconds unless --timeout says otherwise.
QUERY_TIMEOUT = 60.0

# An unattended (nightly) refresh must end before the next one starts, with hours to
# spare: at the default limits 10,000 Hub systems take about an hour, arXiv's one
# request per 3 s a few more.
DEFAULT_DEADLINE = "6h"

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="FILE",
        help="The index database (DuckDB) [default: $OPENNESS_DB if set, else ./openness.duckdb]",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of stdout.")
]
# The Hub listing's options, shared by `discover` and `refresh --discover`.
PipelineTagOption = Annotated[str, typer.Option(metavar="TAG", help="List models with this pipeline tag ('' for any).")]
MinDownloadsOption = Annotated[
    int, typer.Option(min=0, metavar="N", help="Only models with this many downloads (30 days) or more.")
]
TopOption = Annotated[
    int | None, typer.Option(min=1, metavar="N", help="At most this many models (default: all listed).")
]
SortOption = Annotated[
    str, typer.Option(metavar="ORDER", help="downloads, likes, trending or created (always descending).")
]
AuthorOption = Annotated[str | None, typer.Option(metavar="NAME", help="Only models of this user or organisation.")]
SinceOption = Annotated[
    str | None, typer.Option(metavar="DATE", help="Only models created on or after this date (YYYY-MM-DD).")
]
ReplayOption = Annotated[
    Path | None, typer.Option(metavar="DIR", help="Replay from the captures in this directory instead of the network.")
]
SnapshotsOption = Annotated[Path, typer.Option(metavar="DIR", help="Where live runs record their captures.")]


def error_status(error: Exception) -> int:
    """The exit status of a user-facing error: a locked or corrupt database has its own."""
    if isinstance(error, store.RefreshRunningError):
        return exit_status.ALREADY_RUNNING
    if isinstance(error, store.DatabaseLockedError):
        return exit_status.LOCKED
    if isinstance(error, store.CorruptDatabaseError):
        return exit_status.CORRUPT_DATABASE
    return exit_status.USAGE


def fail(message: str, status: int = exit_status.USAGE) -> typer.Exit:
    """Print `error: MESSAGE` on one line (as plain text: it may quote data, and DuckDB's
    messages span lines) and return the Exit to raise."""
    lines = [printable(line).strip() for line in message.splitlines()]
    one_line = "; ".join(line for line in lines if line.strip("^ "))
    err.print(Text.assemble(("error:", "bold red"), " ", one_line), highlight=False, soft_wrap=True)
    return typer.Exit(status)


def _emit_lines(lines: list[str], output: Path | None = None) -> None:
    """Plain report lines (they quote crawled text), control characters removed."""
    _emit("".join(printable(line) + "\n" for line in lines), output)


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except USER_ERRORS as error:
        raise fail(str(error), error_status(error)) from None


def _check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="--format")
    return fmt


def _listing_query(
    pipeline_tag: str, min_downloads: int, top: int | None, sort: str, author: str | None, since: str | None
) -> ListingQuery:
    if sort not in SORTS:
        raise typer.BadParameter(f"{sort!r} is not one of {', '.join(SORTS)}", param_hint="--sort")
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    return ListingQuery(pipeline_tag or None, min_downloads, top, sort, author or None, since_date)


def _check_replay(replay: Path | None) -> None:
    if replay is not None and not replay.exists():
        raise store.StoreError(f"{replay}: no such capture directory")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"{output}: cannot write ({error.strerror})") from None


@app.command("refresh")
def refresh_command(
    registry: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Registry YAML of tracked systems [default: the registry shipped with the package]"
        ),
    ] = None,
    replay: ReplayOption = None,
    db: DbOption = None,
    snapshots: SnapshotsOption = Path("snapshots"),
    discover: Annotated[
        bool, typer.Option("--discover", help="List the Hub first (the options below), then grade what it lists.")
    ] = False,
    pipeline_tag: PipelineTagOption = "text-generation",
    min_downloads: MinDownloadsOption = 0,
    top: TopOption = None,
    sort: SortOption = "downloads",
    author: AuthorOption = None,
    since: SinceOption = None,
    workers: Annotated[int, typer.Option(min=1, max=64, metavar="N", help="Projects crawled at once.")] = 4,
    timeout: Annotated[
        float, typer.Option(min=0.01, metavar="SECONDS", help="Seconds allowed for each request.")
    ] = 30.0,
    attempts: Annotated[int, typer.Option(min=1, max=10, metavar="N", help="Tries per request, retries included.")] = 4,
    rate: Annotated[
        list[str] | None, typer.Option(metavar="HOST=RPS", help="Requests per second for a host (repeatable).")
    ] = None,
    concurrency: Annotated[
        list[str] | None, typer.Option(metavar="HOST=N", help="Requests in flight for a host (repeatable).")
    ] = None,
    max_wait: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="Longest wait a rate-limited service may ask for before its requests fail.",
        ),
    ] = 60.0,
    full: Annotated[bool, typer.Option("--full", help="Fetch everything again: no conditional requests.")] = False,
    deadline: Annotated[
        str,
        typer.Option(
            metavar="DURATION",
            help="Stop fetching after this long (90s, 30m, 2h, 1h30m, or none); projects left unfetched "
            "keep their last grades, marked stale, and the run completes.",
        ),
    ] = DEFAULT_DEADLINE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary; errors only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON on stdout.")] = False,
) -> None:
    """Crawl every tracked system, grade it, and write a new run into the index.

    Exit status: 0 when the run completed (even with failed resources, which are listed),
    3 when it was rejected because most fetches failed, 2 for usage errors, 4 for a corrupt
    database, 5 when the database is locked, 7 when another refresh is running on the same
    database, 130/143 when interrupted by SIGINT/SIGTERM."""
    query = _listing_query(pipeline_tag, min_downloads, top, sort, author, since) if discover else None
    with user_errors():
        projects = load_registry(registry)
        _check_replay(replay)
        try:
            rates = parse_host_values(rate or [], "--rate")
            limits = host_limits(rates, parse_host_values(concurrency or [], "--concurrency"))
        except LimitSyntaxError as error:
            raise typer.BadParameter(str(error)) from None
        try:
            deadline_seconds = parse_duration(deadline)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--deadline") from None
        options = RefreshOptions(
            db=store.database_path(db),
            registry_label=str(registry or "default"),
            replay=replay,
            snapshots=snapshots,
            workers=workers,
            http=HttpPolicy(timeout=timeout, attempts=attempts, max_wait=max_wait, limits=limits),
            incremental=not full,
            discovery=query,
            deadline=deadline_seconds,
        )
        try:
            with _sigterm_as_interrupt(), _store_notices(quiet), _progress(quiet) as (advance, set_total):
                result = refresh(projects, options, advance, set_total)
        except KeyboardInterrupt as interruption:
            terminated = isinstance(interruption, _Terminated)
            err.print(
                f"{'terminated' if terminated else 'interrupted'}: the run was stopped and marked interrupted; "
                "the previous complete run stays the visible leaderboard",
                soft_wrap=True,
            )
            raise typer.Exit(exit_status.TERMINATED if terminated else exit_status.INTERRUPTED) from None
        except OSError as error:  # e.g. the snapshots directory cannot be written
            where = f"{error.filename}: " if error.filename else ""
            raise fail(f"{where}{error.strerror or error}") from None
    if as_json:
        sys.stdout.write(summary_json(result))
    lines = summary_lines(result)
    if quiet:
        # A rejected run is said even then: the command failed.
        lines = lines[-1:] if result.status != "complete" else []
    for line in lines:
        err.print(printable(line), highlight=False, markup=False, soft_wrap=True)
    if result.status != "complete":
        raise typer.Exit(exit_status.RUN_FAILED)


@contextmanager
def _store_notices(quiet: bool) -> Iterator[None]:
    """The index's notices (a write waiting for a reader to let go) as lines on stderr."""
    logger = logging.getLogger(store.__name__)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    if not quiet:
        logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so that the run is closed the same clean way."""


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def terminate(signum: int, frame: object) -> None:
        raise _Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress(quiet: bool = False) -> Iterator[tuple[Callable[[ProjectCrawl], None], Callable[[int], None]]]:
    """A progress bar on a terminal; otherwise a plain log line every 5% of projects.
    Yields the per-project callback and the one that sets the total, once known."""
    total = 0

    def set_total(count: int) -> None:
        nonlocal total
        total = count

    if quiet:
        yield (lambda crawl: None), set_total
        return
    if not err.is_terminal:
        done = 0

        def log(crawl: ProjectCrawl) -> None:
            nonlocal done
            done += 1
            if done % max(1, total // 20) == 0 or done == total:
                err.print(f"crawled {done}/{total} projects (last: {crawl.project_id})", highlight=False, markup=False)

        yield log, set_total
        return
    columns = (TextColumn("crawling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("crawl", total=None)
        yield (lambda crawl: progress.advance(task)), (lambda count: progress.update(task, total=count))


@app.command("leaderboard")
def leaderboard_command(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="csv, table, json or html")] = "table",
    output: OutputOption = None,
    members: Annotated[
        bool, typer.Option("--members", help="The family members instead: copies, quantisations, adapters, ...")
    ] = False,
    long: Annotated[
        bool,
        typer.Option(
            "--long",
            help="One row per project and criterion: grade, reason, evidence, rule, evidence_unknown, stale.",
        ),
    ] = False,
) -> None:
    """The ranking of the latest complete run: originals, one row per family of derived
    models (`--members` lists the rest, with their relation and original; `--long` has
    one row per project and criterion)."""
    _check_format(fmt, FORMATS if long else LEADERBOARD_FORMATS)
    if long:
        _write_long_leaderboard(store.database_path(db), fmt, output)
        return
    _write_leaderboard(store.database_path(db), fmt, output, members)


def _write_long_leaderboard(db: Path, fmt: str, output: Path | None) -> None:
    with user_errors(), store.open_readonly(db) as connection:
        if store.latest_complete_run(connection) is None:
            raise store.StoreError(f"{db}: no complete run yet; run `openness refresh`")
        cells = long_leaderboard(connection)
    _emit(render(cells.columns, cells.rows, fmt, title="Openness Index, per criterion"), output)


def _write_leaderboard(db: Path, fmt: str, output: Path | None, members: bool = False) -> None:
    with user_errors(), store.open_readonly(db) as connection:
        if store.latest_complete_run(connection) is None:
            raise store.StoreError(f"{db}: no complete run yet; run `openness refresh`")
        if fmt == "html":
            _emit(render_page(page_data(connection, members)), output)
            return
        board = leaderboard(connection, members)
    columns = list(MEMBERS_COLUMNS if members else LEADERBOARD_COLUMNS) if fmt == "csv" else board.columns
    keep = [board.columns.index(c) for c in columns]
    rows = [tuple(row[i] for i in keep) for row in board.rows]
    _emit(render(columns, rows, fmt, title="Openness Index"), output)


@app.command("demo")
def demo_command(
    db: Annotated[Path, typer.Option("--db", metavar="FILE", help="DuckDB index file the demo writes.")] = DEMO_DB,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="csv, table, json or html")] = "table",
    output: OutputOption = None,
) -> None:
    """Grade the sample shipped with the package (four fictional systems, replayed, no
    network) and print its leaderboard: the first thing to try on a fresh machine."""
    _check_format(fmt, LEADERBOARD_FORMATS)
    with user_errors():
        projects = load_registry(DEMO_REGISTRY)
        result = refresh(projects, RefreshOptions(db=db, registry_label="demo", replay=DEMO_CAPTURES))
    err.print(
        f"graded {len(projects)} fictional systems from the packaged sample (replayed, no network) "
        f"into {db} as run {result.run_id}; try `openness show wren --db {db}`",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    _write_leaderboard(db, fmt, output)


@app.command("query", context_settings={"ignore_unknown_options": True})
def query_command(
    sql: Annotated[
        str | None,
        typer.Argument(
            metavar="SQL",
            help="SQL to run (several statements allowed; '-' reads it from standard input); "
            "the index is opened read-only with no file access.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", metavar="FILE", help="Read the SQL from this file.", show_default=False),
    ] = None,
    db: DbOption = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="table, csv or json (csv and json: one statement)")
    ] = "table",
    timeout: Annotated[
        float, typer.Option(min=0, metavar="SECONDS", help="Stop the query after this many seconds (0: no limit).")
    ] = QUERY_TIMEOUT,
    output: OutputOption = None,
) -> None:
    """Read-only SQL over the index: every table and view of the README's "The database"
    (runs, projects, resources, grades, flags, policy; latest_run, latest_grades, ...).
    Several statements are run in order and each result is shown as a table."""
    _check_format(fmt, ("table", "csv", "json"))
    text = _sql_source(sql, file)
    with user_errors(), store.open_readonly(store.database_path(db), locked=True) as connection:
        parsed = sql_console.statements(connection, text)
        if len(parsed) > 1 and fmt != "table":
            raise sql_console.QueryError(
                f"{len(parsed)} statements given, and --format {fmt} holds one result: "
                "run them one at a time, or use --format table to see every result"
            )
        results = sql_console.run(connection, parsed, timeout or None)
    if len(results) == 1:
        _emit(render(results[0].columns, results[0].rows, fmt), output)
        return
    _emit("\n".join(f"{_statement_heading(r.statement)}\n{render(r.columns, r.rows, fmt)}" for r in results), output)


def _statement_heading(statement: str) -> str:
    """The statement above its result, on one line, comment lines left out."""
    lines = [line.strip() for line in statement.splitlines() if not line.strip().startswith("--")]
    return printable(" ".join(line for line in lines if line)) + ";"


def _sql_source(sql: str | None, file: Path | None) -> str:
    """The SQL of `openness query`: the argument, standard input for '-', or --file."""
    if file is not None and sql is not None:
        raise typer.BadParameter("give the SQL or --file, not both", param_hint="--file")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise fail(f"{file}: cannot read the SQL ({reason})") from None
    if sql is None:
        raise typer.BadParameter("give the SQL, --file FILE, or '-' to read it from standard input", param_hint="SQL")
    return sys.stdin.read() if sql == "-" else sql


@app.command("show")
def show_command(
    project: Annotated[str, typer.Argument(metavar="PROJECT", help="Registry id of the project.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """Every criterion of one project: grade, reason, and each piece of evidence with its
    provenance (the page, the URL fetched, the repo it came from and why it is the
    project's)."""
    _check_format(fmt, ("table", "json"))
    with user_errors(), store.open_readonly(store.database_path(db)) as connection:
        grades = project_grades(connection, project)
        if not grades.rows:
            raise store.StoreError(f"no project {project!r} in the latest complete run")
        flags, policy = project_flags(connection, project), project_policy(connection, project)
        origins = project_origins(connection, project)
    if fmt == "json":
        document = show_document(project, grades, flags, policy, origins)
        _emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n", None)
        return
    total = sum(row[2] for row in grades.rows)
    lines = [f"{project}: openness {total:g} / 14"]
    stale_row = next((row for row in grades.rows if row[6]), None)
    if stale_row is not None:
        graded_at = f"{stale_row[8]:%Y-%m-%d}" if stale_row[8] else "an unknown date"
        lines.append(f"  stale since {graded_at}: {stale_row[7]}")
    owners = entry_owners(origins)
    for criterion, grade, _, reason, evidence, rule, _, _, _, fetched, unknown in grades.rows:
        lines.append(f"  {criterion:<13} {grade:<8} {reason}  [{rule}]" + ("  (evidence unknown)" if unknown else ""))
        for record in provenance_records(evidence, fetched, origins):
            lines += evidence_lines(record, owners)
    lines += findings_lines(flags, policy, origins, owners)
    _emit_lines(lines)


def show_document(project: str, grades: Table, flags: Table, policy: Table, origins: dict[str, Origin]) -> dict:
    """`show --format json`: all that the table shows, as one object. Grades and flags
    carry their evidence's provenance records; policy is null for a project without."""
    graded, flagged = records(grades.columns, grades.rows), records(flags.columns, flags.rows)
    for row in (*graded, *flagged):
        row["provenance"] = provenance_records(row["evidence"], row["evidence_fetched"], origins)
    indicators = records(policy.columns, policy.rows)
    return {
        "project": project,
        "openness": sum(row["points"] for row in graded),
        "grades": graded,
        "flags": flagged,
        "policy": indicators[0] if indicators else None,
    }


def provenance_records(
    evidence: list[str], fetched: list[str | None] | None, origins: dict[str, Origin]
) -> list[dict[str, object]]:
    """Each evidence item: its page, the URL it was fetched (or, for a link, read) from,
    and where that resource came from (None where the index does not know)."""
    fetched = list(fetched or [])
    records = []
    for index, page in enumerate(evidence):
        url = fetched[index] if index < len(fetched) else None
        origin = origins.get(url) if url else None
        linked = url is not None and human_page(url).split("#")[0].rstrip("/").lower() != page.rstrip("/").lower()
        records.append(
            {
                "page": page,
                "fetched": url,
                "linked_from_fetched": linked,  # the evidence is a link in the fetched text
                "repo": origin.target if origin else None,
                "role": origin.role if origin else None,
                "via": origin.via if origin else None,
                "source": origin.source if origin else None,
                "owner": origin.owner if origin else None,
                "same_owner": origin.same_owner if origin else None,
                "error": origin.error if origin else None,
            }
        )
    return records


def evidence_lines(record: dict[str, object], owners: list[str]) -> list[str]:
    """`show`'s lines for one evidence item: the page, then where it came from."""
    indent = f"  {'':<13} {'':<8}   "
    lines = [f"  {'':<13} {'':<8} evidence: {record['page']}"]
    if record["fetched"] is None:
        return [*lines, f"{indent}fetched: not recorded"]
    failed = f" (could not be read: {record['error']})" if record["error"] else ""
    label = "a link in" if record["linked_from_fetched"] else "fetched"
    lines.append(f"{indent}{label}: {record['fetched']}{failed}")
    if record["repo"] is None:
        return lines
    whose = ""
    if record["owner"] is not None:
        entries = ", ".join(owners) or "none"
        relation = "the same owner as" if record["same_owner"] else "another owner than"
        whose = f"; {record['owner']} is {relation} the registry entry ({entries})"
    source = f" ({record['source']})" if record["source"] else ""
    lines.append(f"{indent}from {record['repo']}: {record['via']}{source}{whose}")
    return lines


def findings_lines(flags: Table, policy: Table, origins: dict[str, Origin], owners: list[str]) -> list[str]:
    """The open-washing flags, their evidence with its provenance as for grades, and the
    EU AI Act indicators under a project's grades."""
    lines = ["", f"open-washing flags: {len(flags.rows) or 'none'}"]
    for flag, reason, evidence, fetched in flags.rows:
        lines.append(f"  {flag}: {reason}")
        for record in provenance_records(evidence, fetched, origins):
            lines += evidence_lines(record, owners)
    for exemption, reason, parameters, parameters_source, tokens, tokens_source, flops, risk in policy.rows:
        compute = f"{flops:.1e} FLOPs (6 x parameters x tokens)" if flops else "unknown"
        lines += [
            f"EU AI Act open-source exemption (Art. 53(2)): {exemption.replace('_', ' ')}: {reason}",
            f"  parameters:       {_figure(parameters, parameters_source)}",
            f"  training tokens:  {_figure(tokens, tokens_source)}",
            f"  training compute: {compute}; systemic risk presumed above 10^25 (Art. 51): {risk.replace('_', ' ')}",
        ]
    return lines


def _figure(value: float | None, source: str | None) -> str:
    return f"{value:.3g} ({source})" if value else "unknown: not stated"


@app.command("history")
def history_command(
    project: Annotated[str | None, typer.Argument(metavar="PROJECT", help="Only this project (registry id).")] = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table, csv or json")] = "table",
    output: OutputOption = None,
) -> None:
    """What changed across runs: every grade that moved, when, and the rule and reason behind it."""
    _check_format(fmt, ("table", "csv", "json"))
    with user_errors(), store.open_readonly(store.database_path(db)) as connection:
        changes = grade_changes(connection, project)
    if not changes.rows and fmt == "table":
        _emit("no grade changed between complete runs\n", output)
        return
    _emit(render(changes.columns, changes.rows, fmt, title="Grade changes"), output)


@app.command("discover")
def discover_command(
    pipeline_tag: PipelineTagOption = "text-generation",
    min_downloads: MinDownloadsOption = 0,
    top: TopOption = None,
    sort: SortOption = "downloads",
    author: AuthorOption = None,
    since: SinceOption = None,
    registry_out: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the listed models as a registry file here.")
    ] = None,
    db: DbOption = None,
    replay: ReplayOption = None,
    snapshots: SnapshotsOption = Path("snapshots"),
    timeout: Annotated[
        float, typer.Option(min=0.01, metavar="SECONDS", help="Seconds allowed for each request.")
    ] = 30.0,
    attempts: Annotated[int, typer.Option(min=1, max=10, metavar="N", help="Tries per request, retries included.")] = 4,
) -> None:
    """List Hub models through the Hub's own listing and track them in the index; the
    next `refresh` grades them. Models the same query no longer lists are marked gone.

    Exit status: 0 when the listing was read to its end, 3 when it was cut short (what
    was listed is tracked; nothing is marked gone), 2 for usage errors."""
    query = _listing_query(pipeline_tag, min_downloads, top, sort, author, since)
    path = store.database_path(db)
    with user_errors():
        _check_replay(replay)
        with hub_session(replay, snapshots, HttpPolicy(timeout=timeout, attempts=attempts)) as core:
            result = run_discovery(query, path, store.utc_now_naive())
        requests = core.stats.as_dict().get("requests", 0)
    line = f"{discovery_line(result.summary()).strip()}; {requests} requests"
    err.print(line, highlight=False, markup=False, soft_wrap=True)
    if registry_out is not None:
        _emit(registry_yaml(result.models), registry_out)
    if result.error:
        raise typer.Exit(exit_status.RUN_FAILED)


registry_app = typer.Typer(help="Registry files: check them against the Hub.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("check")
def registry_check_command(
    file: Annotated[
        Path | None,
        typer.Argument(metavar="FILE", help="Registry YAML [default: the registry shipped with the package]"),
    ] = None,
    replay: ReplayOption = None,
    snapshots: SnapshotsOption = Path("snapshots"),
    timeout: Annotated[
        float, typer.Option(min=0.01, metavar="SECONDS", help="Seconds allowed for each request.")
    ] = 30.0,
) -> None:
    """Registry entries the Hub does not list (moved, renamed or deleted), with the
    closest ids it lists, from each author's listing and a search for the name.

    Exit status: 0 when the Hub lists every entry, 6 when some are missing or could not
    be checked, 2 for usage errors."""
    with user_errors():
        projects = load_registry(file)
        _check_replay(replay)
        with hub_session(replay, snapshots, HttpPolicy(timeout=timeout)):
            findings = check_registry(projects)
    lines = [_finding_line(f) for f in findings if f.status != "listed" or f.detail]
    listed = sum(f.status == "listed" for f in findings)
    lines.append(f"{listed} of {len(findings)} Hub entries of {file or 'the shipped registry'} are listed by the Hub")
    sys.stdout.write("\n".join(lines) + "\n")
    if listed < len(findings):
        raise typer.Exit(exit_status.FINDINGS)


def _finding_line(finding: RegistryFinding) -> str:
    where = f"{finding.project}: {finding.hf}"
    if finding.status == "listed":
        return f"{where}: {finding.detail}"
    if finding.status == "unchecked":
        return f"{where}: could not be checked: {finding.detail}"
    closest = ", ".join(finding.closest) or "none"
    return f"{where}: not listed by the Hub (moved, renamed or deleted); closest listed: {closest}"


@app.command("diff")
def diff_command(
    run_a: Annotated[
        int | None,
        typer.Argument(
            metavar="RUN_A", help="The earlier run [default: the second latest complete run]", show_default=False
        ),
    ] = None,
    run_b: Annotated[
        int | None,
        typer.Argument(metavar="RUN_B", help="The later run [default: the latest complete run]", show_default=False),
    ] = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table, csv or json")] = "table",
    output: OutputOption = None,
) -> None:
    """Every grade that differs between two runs (by default the last two complete runs),
    with the old and new grade, reason and evidence."""
    _check_format(fmt, ("table", "csv", "json"))
    with user_errors(), store.open_readonly(store.database_path(db)) as connection:
        before, after = runs_to_compare(connection, run_a, run_b)
        changes = grade_diff(connection, before, after)
        labels = run_label(connection, before), run_label(connection, after)
    if fmt != "table":
        _emit(render(changes.columns, changes.rows, fmt), output)
        return
    _emit_lines(diff_lines(labels, changes), output)


def diff_lines(labels: tuple[str, str], changes: Table) -> list[str]:
    """A diff as a person reads it: each changed grade with both sides' reason and
    evidence; a project graded in only one of the runs is one line."""
    changed = [row for row in changes.rows if row[2] is not None and row[3] is not None]
    count = len(changed)
    lines = [f"{labels[0]} -> {labels[1]}: {count or 'no'} grade{'' if count == 1 else 's'} changed"]
    for project, criterion, before, after, before_reason, after_reason, before_evidence, after_evidence in changed:
        lines.append(f"{project} {criterion}: {before} -> {after}")
        for side, reason, evidence in (
            ("before", before_reason, before_evidence),
            ("after", after_reason, after_evidence),
        ):
            lines.append(f"  {side + ':':<7} {reason}")
            lines += [f"  {'':<7} evidence: {url}" for url in evidence]
    for missing_side, what in ((3, "not in the later run"), (2, "new in the later run")):
        projects = sorted({row[0] for row in changes.rows if row[missing_side] is None})
        lines += [f"{project}: {what}" for project in projects]
    return lines


@app.command("export")
def export_command(
    out: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="Directory to write (new, empty, or a previous export, which is replaced)."),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="parquet, csv or json (newline-delimited)")
    ] = "parquet",
    db: DbOption = None,
) -> None:
    """Every table and view of the index as files, for DuckDB elsewhere, Spark, Trino or
    BigQuery: Parquet tables partitioned by run date (the whole history), views and
    CSV / JSON one file each; export.json lists what was written."""
    _check_format(fmt, EXPORT_FORMATS)
    with user_errors(), store.open_readonly(store.database_path(db)) as connection:
        written = export_index(connection, out, fmt)
    lines = [f"exported {len(written)} tables and views to {out} ({fmt}):"]
    for item in written:
        where = f"{item.path}/{item.partitioned_by}=*/" if item.partitioned_by else item.path
        lines.append(f"  {item.name:<18} {item.kind:<5} {item.rows:>8} rows  {where}")
    _emit_lines(lines)


@app.command("calibrate")
def calibrate_command(
    labels: Annotated[
        list[Path],
        typer.Option(
            metavar="FILE",
            help="Expert grades in the labels.csv format; repeat for several sets (each reported, then pooled).",
        ),
    ],
    db: Annotated[
        list[Path] | None,
        typer.Option(
            "--db",
            metavar="FILE",
            help="The index database holding the run graded against the labels; one for all sets, or one per "
            "--labels in the same order [default: $OPENNESS_DB if set, else ./openness.duckdb]",
            show_default=False,
        ),
    ] = None,
    show_detail: Annotated[
        bool, typer.Option("--detail", help="List every disagreement with both sides' evidence.")
    ] = False,
    show_rules: Annotated[
        bool, typer.Option("--rules", help="Per rule branch: how often it fired and how often the experts agreed.")
    ] = False,
) -> None:
    """Compare the latest run with expert grades: agreement, majority-guess baseline, confusion, kappa, Spearman."""
    databases = db or [None]
    if len(databases) not in (1, len(labels)):
        raise typer.BadParameter(f"give one --db for all sets or one per --labels ({len(labels)})", param_hint="--db")
    with user_errors():
        sets = []
        for path, database in zip(labels, databases * len(labels) if len(databases) == 1 else databases, strict=True):
            with store.open_readonly(store.database_path(database)) as connection:
                cells, missing = paired_cells(connection, load_labels(path))
            sets.append((label_set_name(path), cells, missing))
        text = calibration_report(sets, show_detail, show_rules)
    _emit_lines(text.splitlines())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
