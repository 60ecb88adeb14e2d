"""The leaderboard and per-project views of the latest complete run, as SQL over the index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from index.calibrate import Cell, Label
from index.rubric.grades import CRITERIA

LEADERBOARD_COLUMNS = ("rank", "project", "name", "org", *CRITERIA, "openness")

_PIVOT = ",\n".join(f"max(grade) FILTER (WHERE criterion = '{c}') AS {c}" for c in CRITERIA)
LEADERBOARD_SQL = f"""
WITH per_project AS (
    SELECT project, any_value(name) AS name, any_value(org) AS org,
           {_PIVOT},
           sum(points) AS openness,
           bool_or(stale) AS stale
    FROM latest_grades
    GROUP BY project
)
SELECT rank() OVER (ORDER BY openness DESC) AS rank, project, name, org,
       {", ".join(CRITERIA)}, openness, stale
FROM per_project
ORDER BY openness DESC, project
"""


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def leaderboard(connection: duckdb.DuckDBPyConnection) -> Table:
    cursor = connection.execute(LEADERBOARD_SQL)
    columns = [d[0] for d in cursor.description]
    return Table(columns, [tuple(row) for row in cursor.fetchall()])


def project_grades(connection: duckdb.DuckDBPyConnection, project: str) -> Table:
    cursor = connection.execute(
        """SELECT criterion, grade, points, reason, evidence, rule, stale, stale_reason, graded_at
           FROM latest_grades WHERE lower(project) = lower(?)
           ORDER BY list_position(?, criterion)""",
        [project, list(CRITERIA)],
    )
    columns = [d[0] for d in cursor.description]
    return Table(columns, [tuple(row) for row in cursor.fetchall()])


def paired_cells(
    connection: duckdb.DuckDBPyConnection, labels: dict[str, dict[str, Label]]
) -> tuple[list[Cell], tuple[str, ...]]:
    """The latest run's grades next to expert labels, for the projects both have."""
    rows = connection.execute("SELECT project, criterion, grade, reason, evidence FROM latest_grades").fetchall()
    ours = {(p, c): (g, r, tuple(e)) for p, c, g, r, e in rows}
    graded = {p for p, _ in ours}
    cells = [
        Cell(project, criterion, label.grade, ours[(project, criterion)][0], label.link, label.note,
             ours[(project, criterion)][1], ours[(project, criterion)][2])
        for project, by_criterion in sorted(labels.items()) if project in graded
        for criterion, label in by_criterion.items()
    ]
    return cells, tuple(sorted(set(labels) - graded))
