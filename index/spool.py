"""A run's graded rows on disk until the run is stored: the spool.

A refresh grades each project as its crawl finishes; holding every project's grades
(14 rows with reasons and evidence), flags and policy row until the run is written in
one transaction made memory grow with the number of projects (about 2.4 GiB at 100,000
models). Instead each project's rows, and each fetched resource's row once it is
answered (`resources`), are appended to JSON Lines files in a directory
beside the database, named after the run (`<db>.spool-<run id>`), and `complete_run`
loads them with DuckDB's `read_json` inside its one transaction. The run stays atomic:
nothing of it is visible before that transaction commits.

A spool belongs to one run and is removed once the run is stored or has failed. A
killed run leaves its directory behind; no other run reads it (the name carries the
run id) and the next refresh, holding the refresh lock, removes it (`remove_leftovers`).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from index import store

SPOOL_INFIX = ".spool-"


def spool_directory(db: Path, run_id: int) -> Path:
    return db.with_name(f"{db.name}{SPOOL_INFIX}{run_id}")


def remove_leftovers(db: Path) -> list[Path]:
    """Remove the spools that killed runs left beside `db`; call only while holding the
    refresh lock (no other refresh is writing one). Returns what was removed."""
    removed = []
    for path in db.parent.glob(f"{db.name}{SPOOL_INFIX}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class Spool:
    """Append-only JSON Lines files of one run's rows, one per table (thread-safe)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=False)
        self.directory = directory
        self._lock = threading.Lock()
        self._handles: dict[str, IO[str]] = {}
        # Table -> the fields its rows were written with (only tables with rows); the
        # store reads them with the table's own column types.
        self.fields: dict[str, list[str]] = {}

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.jsonl"

    def write(self, table: str, rows: Iterable[Any]) -> None:
        """Append row dataclasses to `table`'s file; flushed, so `complete_run` reads them all."""
        dicts = [store.as_row(row) for row in rows]
        if not dicts:
            return
        lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in dicts]
        with self._lock:
            handle = self._handles.get(table)
            if handle is None:
                handle = self._handles[table] = self.path(table).open("w", encoding="utf-8")
                self.fields[table] = list(dicts[0])
            handle.writelines(lines)
            handle.flush()

    def close(self) -> None:
        with self._lock:
            for handle in self._handles.values():
                handle.close()
            self._handles.clear()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)
