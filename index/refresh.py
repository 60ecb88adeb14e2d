"""A refresh: registry -> crawl -> evidence -> grades -> a new complete run in the index."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.adapters import hub_client
from crawler.captures import CaptureStore, CaptureWriter
from crawler.crawl import Fetchers, crawl_all
from crawler.http import HttpCore
from crawler.results import ProjectCrawl
from index import store
from index.evidence.project import extract
from index.registry import Project
from index.rubric.criteria import grade_project
from index.rubric.grades import RUBRIC_VERSION


@dataclass(frozen=True)
class RefreshOptions:
    db: Path
    registry_label: str
    replay: Path | None = None
    snapshots: Path = Path("snapshots")
    workers: int = 4


@dataclass
class RefreshResult:
    run_id: int
    status: str
    summary: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)


def refresh(
    projects: list[Project],
    options: RefreshOptions,
    on_project_done: Callable[[ProjectCrawl], None] | None = None,
) -> RefreshResult:
    """Crawl and grade every project and store the run. The run becomes visible only once
    everything is written; an interruption leaves it `interrupted`."""
    started = time.monotonic()
    replay_store = CaptureStore.load(options.replay) if options.replay else None
    capture_path = options.replay or options.snapshots / f"{_stamp()}.jsonl"
    run_id = store.begin_run(
        options.db,
        mode="replay" if options.replay else "live",
        registry=options.registry_label,
        capture_path=str(capture_path),
        rubric_version=RUBRIC_VERSION,
    )
    recorder = None if options.replay else CaptureWriter(capture_path)
    core = HttpCore(replay=replay_store, recorder=recorder)
    try:
        with hub_client(core):
            crawls = crawl_all(projects, Fetchers.over(core), options.workers, on_project_done)
        grades = _grade(crawls)
        summary = _summary(projects, core, time.monotonic() - started)
        store.complete_run(
            options.db,
            run_id,
            projects=[_project_row(p) for p in projects],
            grades=grades,
            resources=[vars(r) for r in core.resources.values()],
            summary=summary,
        )
    except BaseException:
        store.mark_run(options.db, run_id, "interrupted")
        raise
    finally:
        core.close()
        if recorder is not None:
            recorder.close()
    failures = sorted((r.url, r.error or "") for r in core.resources.values() if r.error)
    return RefreshResult(run_id, "complete", summary, failures)


def _grade(crawls: list[ProjectCrawl]) -> list[store.GradeRow]:
    rows = []
    for crawl in crawls:
        for grade in grade_project(extract(crawl)):
            rows.append(
                store.GradeRow(
                    project=crawl.project_id,
                    criterion=grade.criterion,
                    grade=grade.grade,
                    points=grade.points,
                    evidence=list(grade.evidence),
                    reason=grade.reason,
                    rule=grade.rule,
                    rubric_version=RUBRIC_VERSION,
                )
            )
    return rows


def _project_row(project: Project) -> store.ProjectRow:
    return store.ProjectRow(
        project.id, project.name, project.org, project.hf, project.github, project.url,
        graded_at=datetime.now(UTC).replace(tzinfo=None),
    )


def _summary(projects: list[Project], core: HttpCore, seconds: float) -> dict[str, Any]:
    return {
        "projects": len(projects),
        "resources": len(core.resources),
        **core.stats.as_dict(),
        "duration_seconds": round(seconds, 2),
    }


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
