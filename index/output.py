"""Render a result set (column names + rows) as csv, json or a terminal table (the HTML
leaderboard is a page of its own: `index/html_page.py`).

Every command with `--format` goes through `render`, so all of them spell formats the
same way."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

FORMATS = ("csv", "table", "json")


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, title: str = "") -> str:
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        return (
            json.dumps(
                [dict(zip(columns, map(_plain, row), strict=True)) for row in rows], indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "table":
        return _table(columns, rows, title)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _plain(value: Any) -> Any:
    """JSON-safe value: numbers stay numbers, lists stay lists."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return str(_plain(value))


def _csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buffer.getvalue()


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> str:
    table = Table(title=title or None)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_text(v) for v in row))
    console = Console(file=io.StringIO(), width=240, color_system=None)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]
