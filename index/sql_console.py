"""The SQL console behind `openness query`: the user's SQL split into statements, each
run on a locked read-only connection under a time limit.

What is refused here (no statement, a statement that returns nothing, a query over its
time limit) is a `QueryError`, a user mistake told in one line.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb


class QueryError(Exception):
    """SQL the console will not run, or a query it stopped."""


@dataclass(frozen=True)
class Result:
    statement: str
    columns: list[str]
    rows: list[tuple[Any, ...]]


def statements(connection: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    """The statements of `sql` (a comment or a lone `;` is none, and that is an error)."""
    found = connection.extract_statements(sql)
    if not found:
        raise QueryError("no SQL statement given (only whitespace, ';' or comments)")
    return found


def run(
    connection: duckdb.DuckDBPyConnection, parsed: Sequence[duckdb.Statement], timeout: float | None
) -> list[Result]:
    """Every statement's result, in order; all of them together get `timeout` seconds
    (None or 0: no limit), after which DuckDB is interrupted."""
    timer = threading.Timer(timeout, connection.interrupt) if timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        results = [_result(connection, statement) for statement in parsed]
    except duckdb.InterruptException:
        raise QueryError(f"the query was stopped after its --timeout of {timeout:g} seconds") from None
    finally:
        if timer is not None:
            timer.cancel()
    shown = [result for result in results if result is not None]
    if not shown:
        raise QueryError("the statement returned no rows")
    return shown


def _result(connection: duckdb.DuckDBPyConnection, statement: duckdb.Statement) -> Result | None:
    cursor = connection.execute(statement)
    if cursor.description is None:
        return None
    columns = [d[0] for d in cursor.description]
    return Result(statement.query.strip().rstrip(";").strip(), columns, [tuple(row) for row in cursor.fetchall()])
