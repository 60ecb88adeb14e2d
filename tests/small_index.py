"""A small index written through the store's own run API, for CLI tests that need
exact contents (hostile crawled text, known grade changes) without crawling."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from index import store
from index.rubric.grades import CRITERIA, POINTS, RUBRIC_VERSION

Grades = Mapping[str, Mapping[str, tuple[str, str, tuple[str, ...]]]]


def add_run(
    db: Path,
    grades: Grades,
    *,
    stale: frozenset[str] = frozenset(),
    status: str = "complete",
    names: Mapping[str, str] | None = None,
    rules: Mapping[tuple[str, str], str] | None = None,
    flags: Mapping[str, tuple[tuple[str, str, tuple[str, ...]], ...]] | None = None,
    unknown: Collection[tuple[str, str]] = (),
) -> int:
    """One run: project -> criterion -> (grade, reason, evidence). Criteria not given are
    `closed` with a plain reason; a criterion's rule is `CRITERION.rule` unless `rules`
    names it; `flags` gives a project's (flag, reason, evidence) open-washing flags;
    `unknown` the (project, criterion) grades resting on evidence that could not be read."""
    run_id = store.begin_run(db, mode="replay", registry="test", capture_path="test", rubric_version=RUBRIC_VERSION)
    projects = [
        store.ProjectRow(
            project,
            (names or {}).get(project, project.title()),
            "Org",
            None,
            None,
            None,
            stale=project in stale,
            stale_reason="key resources failed" if project in stale else None,
        )
        for project in grades
    ]
    rows = []
    for project, by_criterion in grades.items():
        for criterion in CRITERIA:
            grade, reason, evidence = by_criterion.get(criterion, ("closed", "nothing found", ()))
            rows.append(
                store.GradeRow(
                    project,
                    criterion,
                    grade,
                    POINTS[grade],
                    list(evidence),
                    reason,
                    (rules or {}).get((project, criterion), f"{criterion}.rule"),
                    RUBRIC_VERSION,
                    evidence_fetched=list(evidence),
                    evidence_unknown=(project, criterion) in unknown,
                )
            )
    flag_rows = [
        store.FlagRow(project, flag, reason, list(evidence))
        for project, project_flags in (flags or {}).items()
        for flag, reason, evidence in project_flags
    ]
    store.complete_run(
        db, run_id, projects=projects, grades=rows, resources=[], summary={}, status=status, flags=flag_rows
    )
    return run_id
