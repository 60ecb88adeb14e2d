"""The published leaderboard: one self-contained HTML page in the spirit of Figure 1 of
Liesenfeld, Lopez & Dingemanse (2023).

Criteria are grouped under Availability / Documentation / Access; every cell is coloured
by its grade, links to its evidence and shows its reason on hover; columns sort on a
click (a few lines of inline script); a legend, the run date, the rubric version, an
inline SVG histogram of the scores and each system's open-washing flags complete it.
Nothing is fetched to view it. Every string from the index (crawled or not) is escaped
here, and only http(s) URLs become links.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from index.leaderboard import CellData, PageData, SystemRow
from index.rubric.grades import CRITERIA, POINTS

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Availability", CRITERIA[:6]),
    ("Documentation", CRITERIA[6:12]),
    ("Access", CRITERIA[12:]),
)
LABELS = {
    "opencode": "Open code",
    "llmdata": "LLM data",
    "llmweights": "LLM weights",
    "rldata": "RL data",
    "rlweights": "RL weights",
    "license": "Licence",
    "code": "Code docs",
    "architecture": "Archi\u00adtecture",
    "preprint": "Preprint",
    "paper": "Paper",
    "modelcard": "Model card",
    "datasheet": "Data sheet",
    "package": "Package",
    "api": "API",
}
SYMBOLS = {"open": "\u2714", "partial": "~", "closed": "\u2718", "unknown": "?"}
FLAG_LABELS = {
    "licence_more_permissive_than_base": "licence over a restrictive base",
    "open_source_claim": "claims open source",
    "gated_while_claiming_open": "gated, claims open",
    "datasets_named_not_available": "named data not available",
}
assert tuple(c for _, group in GROUPS for c in group) == CRITERIA

# C0 controls (tab and newline aside) and DEL are not allowed in HTML text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """Text from the index as HTML text or attribute value."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def safe_href(url: str) -> str | None:
    """An escaped href for an http(s) URL; anything else (javascript:, data:) is no link."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return esc(url) if scheme in ("http", "https") else None


def render_page(data: PageData) -> str:
    """The whole page, one string, no external resources."""
    when = f"{data.finished_at:%Y-%m-%d %H:%M} UTC" if data.finished_at else "date unknown"
    summary = (
        f"Run {data.run_id}, {when} &middot; rubric {esc(data.rubric_version)} &middot; "
        f"{len(data.systems)} systems &middot; 14 criteria, open = 1, partial = &frac12;, closed = 0"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Openness Index</title>
<style>{STYLE}</style></head>
<body>
<header><h1>Openness Index</h1>
<p class="meta" id="run">{summary}</p></header>
<section class="top">{_legend()}{_chart(s.openness for s in data.systems)}</section>
<table id="leaderboard">
{_head()}
<tbody>
{"".join(_row(system) for system in data.systems)}
</tbody></table>
<footer><p>Grades follow the 14 criteria of Liesenfeld, Lopez &amp; Dingemanse, &ldquo;Opening up ChatGPT&rdquo;
(CUI &rsquo;23). Hover over a cell for the reason; click it for the evidence; click a column header to sort.</p>
</footer>
<script>{SCRIPT}</script>
</body></html>
"""


def _head() -> str:
    groups = "".join(f'<th colspan="{len(c)}" class="group">{name}</th>' for name, c in GROUPS)
    top = f'<tr><th rowspan="2" class="sortable" {_sortable(0, "num")}>#</th>'
    top += f'<th rowspan="2" class="sortable" {_sortable(1, "text")}>System</th>'
    top += f'{groups}<th rowspan="2" class="sortable" {_sortable(16, "num")}>Open&shy;ness</th>'
    top += '<th rowspan="2">Flags</th></tr>'
    criteria = "".join(
        f'<th class="sortable criterion" {_sortable(2 + i, "num")} title="{c}">{LABELS[c]}</th>'
        for i, c in enumerate(CRITERIA)
    )
    return f"<thead>{top}\n<tr>{criteria}</tr></thead>"


def _sortable(column: int, kind: str) -> str:
    """The attributes of a header that sorts its column (its class must include `sortable`)."""
    return f'data-col="{column}" data-type="{kind}" tabindex="0" aria-sort="none"'


def _row(system: SystemRow) -> str:
    classes = "stale" if system.stale else ""
    return (
        f'<tr class="{classes}" data-project="{esc(system.project)}" data-rank="{system.rank}">'
        f'<td class="rank" data-sort="{system.rank}">{system.rank}</td>'
        f"{_name_cell(system)}"
        + "".join(_grade_cell(system.cells.get(c)) for c in CRITERIA)
        + f'<td class="score" data-sort="{system.openness:g}">{system.openness:g}</td>'
        f'<td class="flags">{_flags(system.flags)}</td></tr>\n'
    )


def _name_cell(system: SystemRow) -> str:
    name = esc(system.name)
    href = safe_href(system.home) if system.home else None
    shown = f'<a href="{href}" title="{esc(system.project)}">{name}</a>' if href else name
    stale = ""
    if system.stale:
        since = f"{system.graded_at:%Y-%m-%d}" if system.graded_at else "an unknown date"
        why = f"stale since {since} (grades kept from then): {system.stale_reason or 'key resources failed'}"
        stale = f' <span class="badge stale-badge" title="{esc(why)}">stale</span>'
    return f'<td class="name" data-sort="{name.lower()}">{shown}{stale}<span class="org">{esc(system.org)}</span></td>'


def _grade_cell(cell: CellData | None) -> str:
    """A coloured cell linking to the first evidence URL, the reason on hover. Unknown is
    visible: no grade at all is a grey "?"; a grade resting on unreadable evidence keeps
    its colour and gets a "?" and a dashed outline."""
    if cell is None:
        hover, grade, points, marks, evidence = "unknown: not graded in this run", "unknown", -1.0, "", ()
    else:
        unread = cell.evidence_unknown
        hover = ("evidence could not be read: " if unread else "") + cell.reason
        grade, points, evidence = cell.grade, POINTS[cell.grade], cell.evidence
        marks = ' data-unread="true"' if unread else ""
    hover += "".join(f"\nevidence: {url}" for url in evidence)
    symbol = SYMBOLS[grade] + ("?" if marks else "")
    href = safe_href(evidence[0]) if evidence else None
    content = f'<a href="{href}">{symbol}</a>' if href else symbol
    classes = f"g {grade}" + (" unread" if marks else "")
    return (
        f'<td class="{classes}" data-grade="{grade}"{marks} data-sort="{points:g}" title="{esc(hover)}">{content}</td>'
    )


def _flags(flags: Iterable[tuple[str, str, tuple[str, ...]]]) -> str:
    badges = []
    for flag, reason, evidence in flags:
        label = esc(FLAG_LABELS.get(flag, flag.replace("_", " ")))
        href = safe_href(evidence[0]) if evidence else None
        attributes = f'class="badge flag" data-flag="{esc(flag)}" title="{esc(reason)}"'
        badges.append(f'<a {attributes} href="{href}">{label}</a>' if href else f"<span {attributes}>{label}</span>")
    return " ".join(badges)


def _legend() -> str:
    items = [
        ("open", "open: fully available / documented (1)"),
        ("partial", "partial: some of it, or restricted (&frac12;)"),
        ("closed", "closed: not available or nothing found (0)"),
        ("unknown", "unknown: not graded in this run"),
    ]
    swatches = "".join(
        f'<li><span class="g {grade} swatch">{SYMBOLS[grade]}</span> {text}</li>' for grade, text in items
    )
    unread = '<li><span class="g partial unread swatch">~?</span> graded, but some evidence could not be read</li>'
    stale = '<li><span class="badge stale-badge">stale</span> grades kept from an earlier run (hover for why)</li>'
    flag = '<li><span class="badge flag">flag</span> an open-washing flag (hover for the reason)</li>'
    return f'<ul class="legend" id="legend">{swatches}{unread}{stale}{flag}</ul>'


def _chart(scores: Iterable[float]) -> str:
    """A histogram of openness scores: one bar per point (a half point falls in the bar below)."""
    counts = Counter(min(int(score), 14) for score in scores)
    tallest = max(counts.values(), default=1)
    width, height, bar = 15 * 20 + 20, 96, 18
    bars = []
    for score in range(15):
        count = counts.get(score, 0)
        tall = round(60 * count / tallest)
        x, y = 10 + score * 20, 70 - tall
        what = f"{count} system{'s' if count != 1 else ''} scoring {score} to {score + 0.5:g}"
        rect = f'<rect x="{x}" y="{y}" width="{bar}" height="{tall}" data-score="{score}">'
        bars.append(f"{rect}<title>{what}</title></rect>")
        if count:
            bars.append(f'<text x="{x + bar / 2:g}" y="{y - 2}" class="count">{count}</text>')
    axis = "".join(f'<text x="{10 + s * 20 + bar / 2:g}" y="84">{s}</text>' for s in (0, 7, 14))
    return (
        f'<figure class="chart"><svg id="distribution" role="img" aria-label="Distribution of openness scores" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="8" y1="70.5" x2="{width - 8}" y2="70.5"/>{"".join(bars)}{axis}</svg>'
        "<figcaption>Openness scores (0&ndash;14): systems per point</figcaption></figure>"
    )


STYLE = """
:root { --open: #2e9d4a; --partial: #f2c12e; --closed: #d64541; --unknown: #a0a4a8; }
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1rem 1.25rem; color: #1d1f21; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
.meta { margin: 0 0 .6rem; color: #555; }
.top { display: flex; gap: 2rem; align-items: flex-start; flex-wrap: wrap; margin-bottom: .6rem; }
.legend { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 2rem; }
.legend li { margin: .15rem 0; break-inside: avoid; }
.swatch { display: inline-block; width: 1.6em; text-align: center; border-radius: 3px; }
.chart { margin: 0; }
.chart rect { fill: #4a6fa5; }
.chart line { stroke: #888; }
.chart text { font-size: 10px; text-anchor: middle; fill: #444; }
.chart figcaption { font-size: 11px; color: #555; }
table { border-collapse: separate; border-spacing: 2px; }
th { font-weight: 600; font-size: 12px; vertical-align: bottom; padding: 2px 3px; }
th.group { border-bottom: 2px solid #444; text-align: center; }
th.criterion { width: 3.9em; hyphens: manual; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable:hover { background: #eef; }
th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 9px; }
th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 9px; }
td { padding: 2px 4px; }
td.rank { text-align: right; color: #555; }
td.name { max-width: 17em; }
td.name .org { display: block; font-size: 11px; color: #666; }
td.name a { color: inherit; font-weight: 600; text-decoration: none; }
td.g { text-align: center; width: 3.9em; border-radius: 3px; font-weight: 700; }
td.g a { color: inherit; text-decoration: none; display: block; }
.g.open { background: var(--open); color: #fff; }
.g.partial { background: var(--partial); color: #222; }
.g.closed { background: var(--closed); color: #fff; }
.g.unread { outline: 2px dashed #333; outline-offset: -3px; }
.g.unknown { background: repeating-linear-gradient(45deg, #ccc 0 4px, #e6e6e6 4px 8px); color: #222; }
td.score { font-weight: 700; text-align: right; padding-right: .6em; }
td.flags { max-width: 14em; font-size: 11px; }
.badge { display: inline-block; border-radius: 8px; padding: 0 6px; margin: 1px 0; font-size: 11px; }
.flag { background: #fde2c8; color: #7a3300; border: 1px solid #e8a86b; text-decoration: none; }
.stale-badge { background: #444; color: #fff; }
tr.stale td.g { opacity: .55; }
tr.stale td.name { font-style: italic; }
tbody tr:hover td.name, tbody tr:hover td.rank, tbody tr:hover td.score { background: #f2f4f8; }
footer { margin-top: 1rem; color: #555; font-size: 12px; max-width: 60rem; }
"""

# Sorting: numbers start with the highest first, text A to Z; a second click reverses;
# ties keep the ranking's order.
SCRIPT = """
document.querySelectorAll("#leaderboard th.sortable").forEach(function (th) {
  function sort() {
    var body = document.querySelector("#leaderboard tbody");
    var column = +th.dataset.col, numeric = th.dataset.type === "num";
    var first = numeric && column !== 0 ? "descending" : "ascending";
    var order = th.getAttribute("aria-sort") === first ? (first === "ascending" ? "descending" : "ascending") : first;
    document.querySelectorAll("#leaderboard th.sortable").forEach(function (h) {
      h.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", order);
    var sign = order === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
      var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return sign * c || a.dataset.rank - b.dataset.rank;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  th.addEventListener("click", sort);
  th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
});
"""
