"""Failures never masquerade as grades.

A live run that could not fetch a project's entry point or its key resources (the
released model's info and card, the project repo and its README) does not grade the
project from what is left: it keeps the grades the leaderboard shows, marked stale with
the reason and the date they were made. A live run in which most fetches failed (no
network, an outage, a bad token) is not fit to be shown at all: it is stored as
`rejected` and the previous leaderboard stays. Replayed runs re-score exactly what
their captures hold, so the first two rules do not apply to them; but a replay whose
captures hold none of the registry's entry points (the wrong folder, another registry's
captures) is rejected too: a failure is never an absence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from crawler.captures import normalise_url
from crawler.http import ResourceRecord
from crawler.results import Fetched, ProjectCrawl
from index import store
from index.registry import Project

ENTRY_POINTS = frozenset({("model", "hf_model"), ("github", "github_repo")})
KEY_RESOURCES = ENTRY_POINTS | {("model", "hf_card"), ("github", "github_readme")}
# More than this share of a live run's resources unknown, and the run is rejected.
MAX_FAILED_SHARE = 0.5


def key_failure(crawl: ProjectCrawl, cut: Collection[str] = ()) -> str | None:
    """Why a key resource of the project is unknown ("url: error"), or None. `cut` holds
    the (normalised) URLs the run's deadline left unfetched: a project missing any of
    them was not crawled whole, and grading it from what is left would change grades
    for no reason but time."""
    for role, fetched in crawl.resources:
        if (role, fetched.kind) in KEY_RESOURCES and fetched.unknown:
            return f"{fetched.url}: {fetched.error or 'unknown'}"
    for _, fetched in crawl.resources:
        if fetched.unknown and normalise_url(fetched.url) in cut:
            return f"{fetched.url}: {fetched.error or 'not fetched before the deadline'}"
    return None


def deadline_cut(resources: Sequence[ResourceRecord]) -> frozenset[str]:
    """The URLs the run's deadline left unfetched."""
    return frozenset(normalise_url(r.url) for r in resources if r.error_kind == "deadline")


def needed_at_end(role: str, fetched: Fetched) -> bool:
    """Whether the end of a run still needs this fetch of a graded project: the entry
    points (is the run fit to show?) and every unknown resource (is the project stale?
    the deadline's cut is known only then). The rest is let go as each project is graded."""
    return (role, fetched.kind) in ENTRY_POINTS or fetched.unknown


def _entry_points_failed(crawl: ProjectCrawl) -> bool | None:
    """Whether every entry point is unknown; None for a project without one."""
    entries = [f for role, f in crawl.resources if (role, f.kind) in ENTRY_POINTS]
    return all(f.unknown for f in entries) if entries else None


def rejection(
    crawls: Sequence[ProjectCrawl],
    resources: Sequence[ResourceRecord],
    live: bool = True,
    total: int | None = None,
) -> str | None:
    """Why a run must not replace the visible leaderboard, or None when it may. A replay
    is judged by its entry points only: partial captures are normal. `resources` holds
    at least every failed one; `total` counts them all (default: len(resources))."""
    # What the deadline left unfetched says nothing about the crawl's health.
    cut = deadline_cut(resources)
    counted = (len(resources) if total is None else total) - sum(r.error_kind == "deadline" for r in resources)
    crawls = [c for c in crawls if not any(normalise_url(f.url) in cut for _, f in c.resources)]
    failed = [r for r in resources if r.error_kind and r.error_kind != "deadline"]
    if live and counted and len(failed) / counted > MAX_FAILED_SHARE:
        kinds: dict[str, int] = {}
        for resource in failed:
            assert resource.error_kind is not None
            kinds[resource.error_kind] = kinds.get(resource.error_kind, 0) + 1
        breakdown = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        return f"{len(failed)} of {counted} resources could not be fetched ({breakdown})"
    verdicts = [v for v in map(_entry_points_failed, crawls) if v is not None]
    if verdicts and all(verdicts):
        if live:
            return f"none of the {len(verdicts)} projects' entry points could be fetched"
        return f"the captures hold none of the {len(verdicts)} projects' entry points (wrong --replay folder?)"
    return None


def kept_grades(
    project: Project,
    reason: str,
    fresh: Sequence[store.GradeRow],
    shown: store.ShownGrades | None,
    now: datetime,
) -> tuple[store.ProjectRow, list[store.GradeRow]]:
    """The project row and grades of a stale project: the shown grades with their date,
    or, for a project never graded before, the fresh grades flagged as such."""
    if shown is None:
        row = _project_row(project, now, f"{reason}; no earlier grades to keep")
        return row, list(fresh)
    return _project_row(project, shown.graded_at, reason), list(shown.grades)


def _project_row(project: Project, graded_at: datetime | None, stale_reason: str | None) -> store.ProjectRow:
    return store.ProjectRow(
        project.id,
        project.name,
        project.org,
        project.hf,
        project.github,
        project.url,
        stale=stale_reason is not None,
        stale_reason=stale_reason,
        graded_at=graded_at,
    )


def fresh_row(project: Project, now: datetime) -> store.ProjectRow:
    return _project_row(project, now, None)
