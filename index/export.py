"""`openness export`: every table and view of the index written as files that other
engines read (DuckDB elsewhere, Spark, Trino, BigQuery), by DuckDB's own COPY.

Parquet tables that hold runs are partitioned by run date (hive style,
`grades/run_date=2026-12-03/...`), so the whole history reads as one dataset; views and
the CSV / JSON (newline-delimited) exports are one file each. CSV text cells are made
safe for spreadsheets as `index.output.csv_safe` does. `export.json` in the directory
lists what was written; a directory holding one is a previous export and is replaced.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from index.output import csv_safe_sql
from index.store import utc_now_naive

EXPORT_FORMATS = ("parquet", "csv", "json")
MANIFEST = "export.json"
PARTITION_COLUMN = "run_date"
_EXTENSIONS = {"parquet": "parquet", "csv": "csv", "json": "jsonl"}
# Column types whose values are text a spreadsheet could run as a formula.
_TEXT_TYPES = ("VARCHAR", "JSON")


class ExportError(Exception):
    """The export directory cannot be used; the message names it."""


@dataclass(frozen=True)
class Exported:
    name: str
    kind: str  # table | view
    path: str  # relative to the export directory; a directory when partitioned
    rows: int
    partitioned_by: str | None


def export_index(connection: duckdb.DuckDBPyConnection, out: Path, fmt: str) -> list[Exported]:
    """Write every table and view of the index under `out` in `fmt`; return what was written."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    _prepare(out)
    written = [_export_relation(connection, out, fmt, name, kind) for name, kind in relations(connection)]
    manifest = {
        "format": fmt,
        "exported_at": utc_now_naive().isoformat(timespec="seconds") + "Z",
        "relations": [asdict(item) for item in written],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return written


def relations(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of everything in the index's schema, tables first."""
    rows = connection.execute(
        """SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind
           FROM information_schema.tables WHERE table_schema = 'main' ORDER BY kind, table_name"""
    ).fetchall()
    return [(str(name), str(kind)) for name, kind in rows]


def _prepare(out: Path) -> None:
    """`out` as an empty directory, or one whose previous export's files are removed."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        manifest = out / MANIFEST
        if not manifest.is_file():
            raise ExportError(f"{out}: not empty and holds no earlier export ({MANIFEST}); choose a new directory")
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))["relations"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ExportError(f"{manifest}: not a readable export manifest ({error})") from None
        for item in previous:
            _remove_inside(out, str(item.get("path", "")))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"{out}: cannot create the directory ({error.strerror})") from None


def _remove_inside(out: Path, relative: str) -> None:
    # Only what a manifest names directly under `out`: never a path that leads elsewhere.
    target = out / relative
    if not relative or Path(relative).is_absolute() or target.resolve().parent != out.resolve():
        return
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()


def _export_relation(connection: duckdb.DuckDBPyConnection, out: Path, fmt: str, name: str, kind: str) -> Exported:
    columns = [(str(row[0]), str(row[1])) for row in connection.execute(f"DESCRIBE {_identifier(name)}").fetchall()]
    partitioned = fmt == "parquet" and kind == "table" and any(column == "run_id" for column, _ in columns)
    select = ", ".join(_column_expression(column, type_, fmt) for column, type_ in columns)
    source = f"{_identifier(name)} AS t"
    if partitioned:
        select += f", d.{PARTITION_COLUMN}"
        source += f" JOIN (SELECT run_id, CAST(started_at AS DATE) AS {PARTITION_COLUMN} FROM runs) AS d USING (run_id)"
    count_row = connection.execute(f"SELECT count(*) FROM {_identifier(name)}").fetchone()
    count = int(count_row[0]) if count_row else 0
    relative = name if partitioned else f"{name}.{_EXTENSIONS[fmt]}"
    target = out / relative
    options = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true", "json": "FORMAT json"}[fmt]
    if partitioned and count:
        options += f", PARTITION_BY ({PARTITION_COLUMN}), OVERWRITE"
    elif partitioned:
        # No rows, so no partition: one empty file keeps the table and its schema readable
        # by the same glob (`grades/**/*.parquet`) as a filled one.
        target.mkdir()
        target = target / "data_0.parquet"
    literal = str(target).replace("'", "''")
    connection.execute(f"COPY (SELECT {select} FROM {source}) TO '{literal}' ({options})")
    return Exported(name, kind, relative, count, PARTITION_COLUMN if partitioned else None)


def _column_expression(column: str, type_: str, fmt: str) -> str:
    qualified = f"t.{_identifier(column)}"
    if fmt == "csv" and type_ in _TEXT_TYPES:
        return f"{csv_safe_sql(f'CAST({qualified} AS VARCHAR)')} AS {_identifier(column)}"
    return qualified


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
