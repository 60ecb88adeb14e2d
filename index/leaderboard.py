"""The leaderboard and per-project views of the latest complete run, as SQL over the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from index.calibrate import Cell, Label
from index.rubric.grades import CRITERIA

LEADERBOARD_COLUMNS = ("rank", "project", "name", "org", *CRITERIA, "openness", "stale")

_PIVOT = ",\n".join(f"max(grade) FILTER (WHERE criterion = '{c}') AS {c}" for c in CRITERIA)
MEMBERS_COLUMNS = ("rank", "project", "name", "org", "relation", "base", "original", *CRITERIA, "openness", "stale")


def _board_sql(members: bool) -> str:
    """The ranking of the latest run's originals, or (`members`) of the family members
    the default board leaves out, with their relation and original."""
    membership = "IN" if members else "NOT IN"
    relation = "m.relation, m.base, m.original, " if members else ""
    joined = " JOIN latest_family_members m USING (project)" if members else ""
    # The board's projects are chosen before their grades are read: joining every grade
    # of the run to its project first and filtering after cost 3x at 100,000 models.
    return f"""
WITH shown AS (
    SELECT project, name, org, stale
    FROM projects
    WHERE run_id = (SELECT run_id FROM latest_run)
      AND project {membership} (SELECT project FROM latest_family_members WHERE NOT listed)
),
per_project AS (
    SELECT project, any_value(name) AS name, any_value(org) AS org,
           {_PIVOT},
           sum(points) AS openness,
           bool_or(stale) AS stale
    FROM grades JOIN shown USING (project)
    WHERE run_id = (SELECT run_id FROM latest_run)
    GROUP BY project
)
SELECT rank() OVER (ORDER BY openness DESC) AS rank, project, name, org, {relation}
       {", ".join(CRITERIA)}, openness, stale
FROM per_project{joined}
ORDER BY openness DESC, project
"""


LEADERBOARD_SQL = _board_sql(members=False)
MEMBERS_SQL = _board_sql(members=True)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def leaderboard(connection: duckdb.DuckDBPyConnection, members: bool = False) -> Table:
    """Originals (one row per family, and every system a registry names); with
    `members`, the family members left out, with their relation and original."""
    cursor = connection.execute(MEMBERS_SQL if members else LEADERBOARD_SQL)
    columns = [d[0] for d in cursor.description]
    return Table(columns, [tuple(row) for row in cursor.fetchall()])


def project_grades(connection: duckdb.DuckDBPyConnection, project: str) -> Table:
    cursor = connection.execute(
        """SELECT criterion, grade, points, reason, evidence, rule, stale, stale_reason, graded_at,
                  evidence_fetched, evidence_unknown
           FROM latest_grades WHERE lower(project) = lower(?)
           ORDER BY list_position(?, criterion)""",
        [project, list(CRITERIA)],
    )
    columns = [d[0] for d in cursor.description]
    return Table(columns, [tuple(row) for row in cursor.fetchall()])


@dataclass(frozen=True)
class Origin:
    """Where one fetched resource of a project came from (a `project_resources` row),
    and what its fetch came to."""

    url: str
    role: str
    kind: str
    target: str
    page: str
    owner: str | None
    same_owner: bool | None
    via: str
    source: str | None
    error: str | None  # why it could not be read; None when it was


def project_origins(connection: duckdb.DuckDBPyConnection, project: str) -> dict[str, Origin]:
    """Fetched URL -> where it came from, for one project of the latest complete run
    (the first role it was fetched in)."""
    rows = connection.execute(
        """SELECT pr.url, pr.role, pr.kind, pr.target, pr.page, pr.owner, pr.same_owner, pr.via, pr.source,
                  CASE WHEN r.status IS NULL THEN coalesce(r.error, 'not fetched') END
           FROM project_resources pr
           LEFT JOIN resources r ON r.run_id = pr.run_id AND r.url = pr.url
           WHERE pr.run_id = (SELECT run_id FROM latest_run) AND lower(pr.project) = lower(?)
           ORDER BY list_position(['model', 'github', 'base'], pr.role) NULLS LAST, pr.role""",
        [project],
    ).fetchall()
    origins: dict[str, Origin] = {}
    for *fields, error in rows:
        # A replay's "not captured; nearest captured: ..." is for debugging captures.
        origins.setdefault(fields[0], Origin(*fields, error.split(";")[0] if error else None))
    return origins


def entry_owners(origins: dict[str, Origin]) -> list[str]:
    """The owners of a project's registry entries, as its origins name them."""
    return list(dict.fromkeys(o.owner for o in origins.values() if o.source is None and o.owner))


def paired_cells(
    connection: duckdb.DuckDBPyConnection, labels: dict[str, dict[str, Label]]
) -> tuple[list[Cell], tuple[str, ...]]:
    """The latest run's grades next to expert labels, for the projects both have."""
    rows = connection.execute("SELECT project, criterion, grade, reason, evidence, rule FROM latest_grades").fetchall()
    ours = {(p, c): (g, r, tuple(e), rule) for p, c, g, r, e, rule in rows}
    graded = {p for p, _ in ours}
    cells = [
        Cell(
            project,
            criterion,
            label.grade,
            ours[(project, criterion)][0],
            label.link,
            label.note,
            ours[(project, criterion)][1],
            ours[(project, criterion)][2],
            ours[(project, criterion)][3],
        )
        for project, by_criterion in sorted(labels.items())
        if project in graded
        for criterion, label in by_criterion.items()
    ]
    return cells, tuple(sorted(set(labels) - graded))


def grade_changes(connection: duckdb.DuckDBPyConnection, project: str | None = None) -> Table:
    """Every grade that changed between consecutive complete runs: when, from what, to
    what, and the new grade's reason and rule (the why)."""
    cursor = connection.execute(
        """
        WITH complete AS (
            SELECT run_id, finished_at, lag(run_id) OVER (ORDER BY run_id) AS previous_run
            FROM runs WHERE status = 'complete'
        )
        SELECT c.run_id, c.finished_at AS changed_at, now.project, now.criterion,
               before.grade AS before, now.grade AS now, now.reason, now.rule, now.evidence
        FROM complete c
        JOIN grades now ON now.run_id = c.run_id
        JOIN grades before ON before.run_id = c.previous_run
             AND before.project = now.project AND before.criterion = now.criterion
        WHERE before.grade <> now.grade AND (? IS NULL OR lower(now.project) = lower(?))
        ORDER BY c.run_id, now.project, list_position(?, now.criterion)
        """,
        [project, project, list(CRITERIA)],
    )
    columns = [d[0] for d in cursor.description]
    return Table(columns, [tuple(row) for row in cursor.fetchall()])


def project_flags(connection: duckdb.DuckDBPyConnection, project: str) -> Table:
    """The open-washing flags of one project in the latest complete run."""
    cursor = connection.execute(
        """SELECT flag, reason, evidence, evidence_fetched FROM latest_flags
           WHERE lower(project) = lower(?) ORDER BY flag""",
        [project],
    )
    return Table([d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()])


def project_policy(connection: duckdb.DuckDBPyConnection, project: str) -> Table:
    """The EU AI Act indicators of one project in the latest complete run."""
    cursor = connection.execute(
        """SELECT exemption, exemption_reason, parameters, parameters_source, training_tokens, tokens_source,
                  training_flops, systemic_risk
           FROM latest_policy WHERE lower(project) = lower(?)""",
        [project],
    )
    return Table([d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()])


@dataclass(frozen=True)
class CellData:
    """One criterion of one system, as the published page shows it."""

    grade: str
    reason: str
    evidence: tuple[str, ...]
    rule: str
    evidence_unknown: bool = False  # rests on evidence that could not be read


@dataclass(frozen=True)
class SystemRow:
    """One system of the latest complete run, with everything its page row shows."""

    rank: int
    project: str
    name: str
    org: str
    home: str | None
    openness: float
    stale: bool
    stale_reason: str | None
    graded_at: datetime | None
    cells: dict[str, CellData]
    flags: tuple[tuple[str, str, tuple[str, ...]], ...]  # (flag, reason, evidence)


@dataclass(frozen=True)
class PageData:
    run_id: int
    finished_at: datetime | None
    rubric_version: str
    systems: list[SystemRow]


def page_data(connection: duckdb.DuckDBPyConnection, members: bool = False) -> PageData:
    """Everything the HTML leaderboard shows, read from the latest complete run (the
    originals, or with `members` the family members, as `leaderboard` ranks them)."""
    run_id, finished_at, rubric_version = connection.execute(
        "SELECT run_id, finished_at, rubric_version FROM latest_run"
    ).fetchone()
    cells: dict[str, dict[str, CellData]] = {}
    for project, criterion, grade, reason, evidence, rule, unknown in connection.execute(
        "SELECT project, criterion, grade, reason, evidence, rule, evidence_unknown FROM latest_grades"
    ).fetchall():
        cells.setdefault(project, {})[criterion] = CellData(grade, reason, tuple(evidence), rule, bool(unknown))
    flags: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for project, flag, reason, evidence in connection.execute(
        "SELECT project, flag, reason, evidence FROM latest_flags ORDER BY project, flag"
    ).fetchall():
        flags.setdefault(project, []).append((flag, reason, tuple(evidence)))
    homes = dict(
        connection.execute(
            """SELECT project, CASE WHEN hf IS NOT NULL THEN 'https://huggingface.co/' || hf
                                    WHEN github IS NOT NULL THEN 'https://github.com/' || github
                                    ELSE url END
               FROM projects WHERE run_id = ?""",
            [run_id],
        ).fetchall()
    )
    details = {
        row[0]: row[1:]
        for row in connection.execute(
            "SELECT project, any_value(stale_reason), any_value(graded_at) FROM latest_grades GROUP BY project"
        ).fetchall()
    }
    board = leaderboard(connection, members)
    index = {column: board.columns.index(column) for column in ("rank", "project", "name", "org", "openness", "stale")}
    systems = [
        SystemRow(
            rank=row[index["rank"]],
            project=(project := row[index["project"]]),
            name=row[index["name"]] or project,
            org=row[index["org"]] or "",
            home=homes.get(project),
            openness=float(row[index["openness"]]),
            stale=bool(row[index["stale"]]),
            stale_reason=details[project][0],
            graded_at=details[project][1],
            cells=cells.get(project, {}),
            flags=tuple(flags.get(project, ())),
        )
        for row in board.rows
    ]
    return PageData(run_id, finished_at, rubric_version, systems)


class RunChoiceError(ValueError):
    """The runs asked for cannot be compared (missing, or fewer than two complete runs)."""


def runs_to_compare(connection: duckdb.DuckDBPyConnection, run_a: int | None, run_b: int | None) -> tuple[int, int]:
    """(before, after): the runs given, or by default the last two complete runs; with
    only RUN_A given, it is compared with the latest complete run."""
    complete = [
        row[0]
        for row in connection.execute(
            "SELECT run_id FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 2"
        ).fetchall()
    ]
    if run_a is None:
        if len(complete) < 2:
            raise RunChoiceError(f"diff needs two complete runs; the index has {len(complete)}")
        return complete[1], complete[0]
    if run_b is None:
        if not complete:
            raise RunChoiceError("the index has no complete run to compare with")
        run_b = complete[0]
    known = {
        row[0]
        for row in connection.execute(
            "SELECT run_id FROM runs WHERE list_contains(?, run_id)", [[run_a, run_b]]
        ).fetchall()
    }
    for run in (run_a, run_b):
        if run not in known:
            raise RunChoiceError(f'no run {run} in the index (see `openness query "SELECT * FROM runs"`)')
    return run_a, run_b


def grade_diff(connection: duckdb.DuckDBPyConnection, before: int, after: int) -> Table:
    """Every grade that differs between two runs, with both sides' reason and evidence;
    a project in only one of them has its grades on one side and NULL on the other."""
    cursor = connection.execute(
        """
        WITH a AS (SELECT project, criterion, grade, reason, evidence FROM grades WHERE run_id = $before),
             b AS (SELECT project, criterion, grade, reason, evidence FROM grades WHERE run_id = $after)
        SELECT project, criterion, a.grade AS before, b.grade AS after,
               a.reason AS before_reason, b.reason AS after_reason,
               a.evidence AS before_evidence, b.evidence AS after_evidence
        FROM a FULL OUTER JOIN b USING (project, criterion)
        WHERE a.grade IS DISTINCT FROM b.grade
        ORDER BY project, list_position($criteria, criterion)
        """,
        {"before": before, "after": after, "criteria": list(CRITERIA)},
    )
    return Table([d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()])


def run_label(connection: duckdb.DuckDBPyConnection, run_id: int) -> str:
    """`run 4 (complete, 2026-12-03)`: how a run is named in reports."""
    row = connection.execute(
        "SELECT status, coalesce(finished_at, started_at) FROM runs WHERE run_id = ?", [run_id]
    ).fetchone()
    assert row is not None
    return f"run {run_id} ({row[0]}, {row[1]:%Y-%m-%d %H:%M} UTC)"


# The long leaderboard's leading columns (`rank` computed, the rest from latest_grades;
# `evidence_unknown` is the grades' own, see index/provenance.py); every other column of
# latest_grades follows, so a column added to grades or projects reaches it without a
# change here.
LONG_COLUMNS = (
    "rank",
    "project",
    "name",
    "org",
    "criterion",
    "grade",
    "points",
    "reason",
    "evidence",
    "rule",
    "evidence_unknown",
    "stale",
    "stale_reason",
    "graded_at",
)
_COMPUTED = {"rank": "r.rank"}


def long_leaderboard(connection: duckdb.DuckDBPyConnection) -> Table:
    """The latest complete run as one row per project and criterion, in leaderboard order."""
    leading = ", ".join(_COMPUTED.get(column, f"g.{column}") for column in LONG_COLUMNS)
    stored = ", ".join(column for column in LONG_COLUMNS if column not in _COMPUTED)
    cursor = connection.execute(
        f"""
        WITH ranked AS (
            SELECT project, rank() OVER (ORDER BY sum(points) DESC) AS rank, sum(points) AS openness
            FROM latest_grades GROUP BY project
        )
        SELECT {leading}, g.* EXCLUDE ({stored})
        FROM latest_grades g JOIN ranked r USING (project)
        ORDER BY r.openness DESC, g.project, list_position(?, g.criterion)
        """,
        [list(CRITERIA)],
    )
    return Table([d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()])
