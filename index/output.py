"""Render a result set (column names + rows) as csv, json or a terminal table (the HTML
leaderboard is a page of its own: `index/html_page.py`).

Every command with `--format` goes through `render`, so all of them spell formats the
same way. Values are data, never markup: crawled text and query results reach the
terminal as plain text, with control characters (escape sequences, BEL, bidi overrides)
removed by `printable`, and tables are sized to the terminal."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("csv", "table", "json")

# A terminal escape sequence, payload included: CSI (colours, cursor moves), OSC (window
# titles, hyperlinks; ended by BEL or ST), and the two-byte ESC forms; also their C1 forms.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left of control characters after the sequences: whitespace controls become a
# space (they would break a table row or a line), the rest and bidi overrides go.
_WHITESPACE_CONTROL = re.compile(r"[\t\n\r\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Width of tables when there is no terminal to measure (a pipe, a file).
NO_TERMINAL_WIDTH = 240


def printable(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and control characters removed,
    line breaks and tabs turned into spaces."""
    return _CONTROL.sub("", _WHITESPACE_CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub("", text)))


def terminal_width() -> int:
    """Columns of the terminal ($COLUMNS first, as usual), else NO_TERMINAL_WIDTH."""
    return shutil.get_terminal_size((NO_TERMINAL_WIDTH, 24)).columns


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, title: str = "") -> str:
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        return json.dumps(records(columns, rows), indent=2, ensure_ascii=False) + "\n"
    if fmt == "table":
        return _table(columns, rows, title)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def records(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as JSON-ready objects, one key per column."""
    return [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]


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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return str(_plain(value))


# A spreadsheet runs a cell that begins with one of these as a formula (CSV injection);
# such text cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_safe_sql(expression: str) -> str:
    """`csv_safe` as a DuckDB expression over a VARCHAR value, for COPY ... TO csv."""
    starts = ", ".join(f"chr({ord(start)})" for start in FORMULA_STARTS)
    return f"CASE WHEN left({expression}, 1) IN ({starts}) THEN chr(39) || {expression} ELSE {expression} END"


def _csv_cell(value: Any) -> str:
    # Numbers stay numbers (-1 is not a formula); any text, lists included, is made safe.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _text(value)
    return csv_safe(_text(value))


def _csv_field(text: str) -> str:
    # RFC 4180 quoting by hand: the csv module leaves a lone CR unquoted when lines end
    # in LF, which splits the row for every reader.
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = [[csv_safe(column) for column in columns], *([_csv_cell(v) for v in row] for row in rows)]
    return "".join(",".join(map(_csv_field, line)) + "\n" for line in lines)


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> str:
    # Text objects, not strings: rich would read "[/x]" in a string as markup.
    table = Table(title=Text(printable(title)) if title else None)
    for column in columns:
        table.add_column(Text(printable(column)), overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(_text(v))) for v in row))
    console = Console(file=io.StringIO(), width=terminal_width(), color_system=None, emoji=False, highlight=False)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]
