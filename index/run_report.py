"""How a refresh is configured from the command line and how its outcome is told.

`host_limits` turns `--rate HOST=RPS` / `--concurrency HOST=N` into the HTTP policy's
limits; `summary_lines` and `summary_json` render a `RefreshResult` for people and for
machines. Neither ever includes a request header, so no credential can reach them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from crawler.politeness import DEFAULT_LIMITS, HostLimit, limit_for
from index.refresh import RefreshResult

LISTED_FAILURES = 20


class LimitSyntaxError(ValueError):
    """A --rate / --concurrency value that is not HOST=NUMBER."""


def parse_host_values(items: Sequence[str], option: str) -> dict[str, float]:
    """["huggingface.co=5", ...] -> {"huggingface.co": 5.0}; HOST is matched lower-cased."""
    parsed = {}
    for item in items:
        host, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or not host.strip() or number <= 0:
            raise LimitSyntaxError(f"{option} {item!r}: expected HOST=NUMBER with a positive number")
        parsed[host.strip().lower()] = number
    return parsed


def host_limits(rates: Mapping[str, float], concurrencies: Mapping[str, float]) -> dict[str, HostLimit]:
    """The default limits with the command line's overrides applied host by host."""
    limits = dict(DEFAULT_LIMITS)
    for host in set(rates) | set(concurrencies):
        limit = limit_for(host, DEFAULT_LIMITS)
        if host in rates:
            limit = replace(limit, rate=rates[host])
        if host in concurrencies:
            limit = replace(limit, concurrency=max(1, int(concurrencies[host])))
        limits[host] = limit
    return limits


def summary_lines(result: RefreshResult) -> list[str]:
    s = result.summary
    lines = [
        f"run {result.run_id} {result.status} in {s['duration_seconds']:g}s: {s['projects']} projects "
        f"({s['stale_projects']} stale), {s['resources']} resources",
        f"  requests {s['requests']}: {s['not_modified']} not modified (304), {s['carried_forward']} carried forward "
        f"unchanged, {s['retries']} retries, {s['rate_limited']} rate-limited answers; {_size(s['bytes'])} received",
    ]
    discovery = s.get("discovery")
    if discovery:
        lines.append(discovery_line(discovery))
    failures = s.get("failures") or {}
    if failures:
        lines.append("  failures: " + ", ".join(f"{kind} {count}" for kind, count in failures.items()))
    if s.get("deadline_reached"):
        lines.append(
            f"  deadline {s['deadline_reached']} reached: {failures.get('deadline', 0)} resources not fetched; "
            "their projects keep their last grades, marked stale"
        )
    lines += [f"  stale: {project}: kept its earlier grades; {reason}" for project, reason in result.stale]
    lines += [f"  failed: {url}: {error.split(';')[0]}" for url, error in result.failures[:LISTED_FAILURES]]
    if len(result.failures) > LISTED_FAILURES:
        lines.append(f"  ... and {len(result.failures) - LISTED_FAILURES} more (see the resources table)")
    if result.status == "rejected":
        lines.append(
            f"run {result.run_id} rejected: {s['rejected_reason']}. "
            "The leaderboard still shows the previous complete run."
        )
    return lines


def discovery_line(discovery: Mapping[str, Any]) -> str:
    """What a listing found, in one line (and why it stopped early, if it did)."""
    line = (
        f"  discovered {discovery['listed']} models ({discovery['new']} new, {discovery['back']} returned, "
        f"{discovery['gone']} gone) for: {discovery['how']}"
    )
    if discovery.get("error"):
        line += f"; listing cut short, nothing marked gone: {discovery['error']}"
    return line


def summary_json(result: RefreshResult) -> str:
    document = {
        **result.summary,
        "stale": [{"project": project, "reason": reason} for project, reason in result.stale],
        "failed": [{"url": url, "error": error} for url, error in result.failures],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"
