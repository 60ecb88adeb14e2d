"""Render a result set (column names + rows) as csv, json, a terminal table, or HTML.

Every command with `--format` goes through `render`, so all of them spell formats the
same way."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

FORMATS = ("csv", "table", "json", "html")


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
    if fmt == "html":
        return _html(columns, rows, title)
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


# Grade cells are coloured by their grade.
GRADE_CLASSES = frozenset({"open", "partial", "closed"})


def _html_cell(value: Any) -> str:
    text = html.escape(_text(value))
    return f'<td class="{text}">{text}</td>' if text in GRADE_CLASSES else f"<td>{text}</td>"


def _html(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "\n".join("<tr>" + "".join(_html_cell(v) for v in row) + "</tr>" for row in rows)
    heading = html.escape(title or "Openness Index")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }}
td.open {{ background: #b7e1a1; }} td.partial {{ background: #fce8a6; }} td.closed {{ background: #f4b6b6; }}
</style></head>
<body><h1>{heading}</h1>
<table><thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
