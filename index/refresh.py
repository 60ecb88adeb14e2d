"""A refresh: registry -> crawl -> evidence -> grades -> a new run in the index.

A live refresh is incremental: the previous complete live run's captures and the
validators the index remembers make every request conditional, and unchanged Hub cards
are carried forward without one. The run becomes visible only once everything is
written; an interruption leaves it `interrupted`, and a live run where most fetches
failed is stored `rejected` (see `index/staleness.py`), so the leaderboard never shows
a half-done or broken crawl.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.adapters import hub_client
from crawler.captures import CaptureFormatError, CaptureStore, CaptureWriter, new_capture_path, normalise_url
from crawler.crawl import Fetchers, crawl_all
from crawler.discover import ListingQuery
from crawler.http import HttpCore, HttpPolicy
from crawler.pages import human_page
from crawler.politeness import Clock
from crawler.previous import PreviousRun, Validators
from crawler.results import ProjectCrawl
from index import spool, staleness, store
from index.discovery import run_discovery, tracked_projects
from index.evidence.project import ProjectEvidence, extract
from index.families import Edge, Tracked, families, lineage
from index.flags import openness_flags
from index.policy import policy_indicators
from index.provenance import CrawlView, ResourceOrigin, resource_origins, trace
from index.registry import Project
from index.rubric.criteria import grade_project
from index.rubric.grades import RUBRIC_VERSION, Grade

# Counters every summary has, even at zero, so machines can rely on them.
# Seconds to wait for the index when marking a stopped run `interrupted`.
INTERRUPTED_MARK_WAIT = 5.0
SUMMARY_COUNTERS = ("requests", "not_modified", "carried_forward", "retries", "rate_limited", "bytes")


@dataclass(frozen=True)
class RefreshOptions:
    db: Path
    registry_label: str
    replay: Path | None = None
    snapshots: Path = Path("snapshots")
    workers: int = 4
    http: HttpPolicy = field(default_factory=HttpPolicy)
    incremental: bool = True
    clock: Clock | None = None
    # Seconds a live run may spend fetching (None: no limit); see `--deadline`.
    deadline: float | None = None
    discovery: ListingQuery | None = None  # list the Hub first (`refresh --discover`)


@dataclass
class RefreshResult:
    run_id: int
    status: str
    summary: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)


def refresh(
    projects: list[Project],
    options: RefreshOptions,
    on_project_done: Callable[[ProjectCrawl], None] | None = None,
    on_projects: Callable[[int], None] | None = None,
) -> RefreshResult:
    """Crawl and grade every project (the registry's and the discovered models still
    listed, after listing the Hub when `options.discovery` says so) and store the run.
    `on_projects` learns how many projects will be crawled, once that is known. One
    refresh per index at a time: a second one raises store.RefreshRunningError."""
    with store.refresh_lock(options.db):
        return _refresh(projects, options, on_project_done, on_projects)


def _refresh(
    projects: list[Project],
    options: RefreshOptions,
    on_project_done: Callable[[ProjectCrawl], None] | None,
    on_projects: Callable[[int], None] | None,
) -> RefreshResult:
    started = time.monotonic()
    if options.replay is None:
        replay_store, capture_path = None, new_capture_path(options.snapshots)
    else:
        replay_store, capture_path = _replay_captures(options.replay), options.replay
    live = replay_store is None
    run_id = store.begin_run(
        options.db,
        mode="live" if live else "replay",
        registry=options.registry_label,
        capture_path=str(capture_path),
        rubric_version=RUBRIC_VERSION,
    )
    # Spools of killed runs: no run reads them (each is named after its run); the refresh
    # lock is held, so none of them is being written.
    spool.remove_leftovers(options.db)
    rows = spool.Spool(spool.spool_directory(options.db, run_id))
    try:
        previous, incremental = _previous_run(options.db) if live and options.incremental else (None, "off")
        recorder = CaptureWriter(capture_path) if live else None
        core = HttpCore(
            replay=replay_store,
            recorder=recorder,
            policy=options.http,
            clock=options.clock,
            previous=previous,
            deadline=options.deadline,
            # Each resource's row is spooled once answered, not held to the end.
            on_resource=lambda record: rows.write("resources", [record]),
        )
        discovery = None
        try:
            with hub_client(core):
                if options.discovery is not None:
                    # Its summary only: the listed models are tracked in the index now.
                    discovery = run_discovery(options.discovery, options.db, store.utc_now_naive()).summary()
                registry_ids = {p.id for p in projects}
                projects = tracked_projects(projects, options.db)
                if on_projects is not None:
                    on_projects(len(projects))
                crawls, edges = _crawl_and_grade(projects, core, options.workers, rows, on_project_done)
        except BaseException:
            core.cancel()
            raise
        finally:
            core.close()
            if recorder is not None:
                recorder.close()
        run = _Run(run_id, live, incremental, started, discovery)
        grouped = _families(projects, registry_ids, edges, options.db)
        return _store_run(projects, options.db, run, core, crawls, rows, grouped)
    except BaseException:
        # Briefly: if the index stays locked, the next refresh marks the run anyway.
        with contextlib.suppress(store.StoreError):
            store.mark_run(options.db, run_id, "interrupted", wait=INTERRUPTED_MARK_WAIT)
        raise
    finally:
        rows.remove()


@dataclass(frozen=True)
class Assessment:
    """What a project's evidence gave: its grades, open-washing flags and policy indicators."""

    grades: list[store.GradeRow]
    flags: list[store.FlagRow]
    policy: store.PolicyRow
    resources: list[ResourceOrigin] = field(default_factory=list)  # project_resources rows


@dataclass(frozen=True)
class _Run:
    run_id: int
    live: bool
    incremental: str  # what the previous run contributed, in words
    started: float
    discovery: dict[str, object] | None = None  # the listing's summary (DiscoveryResult.summary)


def _crawl_and_grade(
    projects: list[Project],
    core: HttpCore,
    workers: int,
    rows: spool.Spool,
    on_project_done: Callable[[ProjectCrawl], None] | None,
) -> tuple[list[ProjectCrawl], list[Edge]]:
    """Crawl on the pool; grade each project as it arrives, while the others crawl,
    spooling its rows to disk, and keep the derivation edges its models declare (for
    the families). Of each crawl only what staleness needs at the end is kept."""
    edges: list[Edge] = []

    def done(crawl: ProjectCrawl) -> None:
        started = time.perf_counter()
        assessment = assess(crawl)
        rows.write("grades", assessment.grades)
        rows.write("flags", assessment.flags)
        rows.write("policy", [assessment.policy])
        rows.write("project_resources", assessment.resources)
        edges.extend(lineage(crawl))
        # Grading alone, without the crawl's waiting: the throughput a faster hub would see.
        core.stats.add("grading_microseconds", round((time.perf_counter() - started) * 1e6))
        crawl.drop_payloads()
        if on_project_done is not None:
            on_project_done(crawl)
        crawl.keep_only(staleness.needed_at_end)

    crawls = crawl_all(projects, Fetchers.over(core), workers, done)
    return crawls, edges


def _families(
    projects: list[Project], registry_ids: set[str], edges: list[Edge], db: Path
) -> tuple[list[Any], list[Any]]:
    downloads = store.discovered_downloads(db)
    tracked = [Tracked(p.id, p.hf, p.id in registry_ids, downloads.get(p.id)) for p in projects if p.hf]
    return families(tracked, edges)


def _store_run(
    projects: list[Project],
    db: Path,
    run: _Run,
    core: HttpCore,
    crawls: list[ProjectCrawl],
    rows: spool.Spool,
    grouped: tuple[list[Any], list[Any]] = ([], []),
) -> RefreshResult:
    """Write the run in one transaction: complete, or rejected when a live crawl mostly failed."""
    now = store.utc_now_naive()
    resources = core.resource_records()  # the failures and redirects (the rest are spooled)
    cut = staleness.deadline_cut(resources)
    project_rows, grade_rows, stale, kept = _rows(projects, crawls, db, now, run.live, cut)
    rows.close()
    rejected = staleness.rejection(crawls, resources, run.live, total=core.resource_count)
    status = "rejected" if rejected else "complete"
    summary = {
        "run_id": run.run_id,
        "status": status,
        "mode": "live" if run.live else "replay",
        "projects": len(projects),
        "stale_projects": len(stale),
        "resources": core.resource_count,
        **{name: 0 for name in SUMMARY_COUNTERS},
        **core.stats.as_dict(),
        "incremental": run.incremental,
        "duration_seconds": round(time.monotonic() - run.started, 2),
    }
    if core.deadline_reached:
        summary["deadline_reached"] = str(core.deadline)
    if run.discovery is not None:
        summary["discovery"] = run.discovery
    if rejected:
        summary["rejected_reason"] = rejected
    store.complete_run(
        db,
        run.run_id,
        projects=project_rows,
        grades=grade_rows,
        resources=resources,
        summary=summary,
        status=status,
        kept_projects=kept,
        families=grouped[0],
        family_members=grouped[1],
        # A project whose shown grades are kept keeps its shown flags and indicators too:
        # its spooled rows are left out.
        spool=rows,
    )
    failures = sorted((r.url, f"{r.error_kind}: {r.error}") for r in resources if r.error)
    return RefreshResult(run.run_id, status, summary, failures, stale)


def _rows(
    projects: list[Project],
    crawls: list[ProjectCrawl],
    db: Path,
    now: datetime,
    live: bool,
    cut: frozenset[str] = frozenset(),
) -> tuple[list[store.ProjectRow], list[store.GradeRow], list[tuple[str, str]], list[str]]:
    """Project rows, the kept grades, the stale projects and those of them whose shown
    grades were kept; a live run keeps the shown grades of projects whose key resources
    failed or that the deadline (`cut`) left partly unfetched. Every other project's
    grades are the fresh ones in the run's spool."""
    failures = {c.project_id: reason for c in crawls if live and (reason := staleness.key_failure(c, cut))}
    stale = [(p.id, failures[p.id]) for p in projects if p.id in failures]
    shown = store.visible_grades(db, [project for project, _ in stale]) if stale else {}
    project_rows, grade_rows = [], []
    for project in projects:
        reason = failures.get(project.id)
        if reason:
            row, kept = staleness.kept_grades(project, reason, (), shown.get(project.id), now)
            project_rows.append(row)
            grade_rows += kept
        else:
            project_rows.append(staleness.fresh_row(project, now))
    return project_rows, grade_rows, stale, [project for project, _ in stale if project in shown]


def assess(crawl: ProjectCrawl) -> Assessment:
    """Grades, flags and policy indicators of one crawled project: pure functions of its evidence."""
    evidence = extract(crawl)
    grades = grade_project(evidence)
    view = CrawlView(crawl)
    return Assessment(
        grades=[_grade_row(crawl.project_id, grade, view) for grade in grades],
        flags=[
            store.FlagRow(
                crawl.project_id,
                flag.kind,
                flag.reason,
                [human_page(url) for url in flag.evidence],
                [view.fetched_for(url) for url in flag.evidence],
            )
            for flag in openness_flags(evidence, grades)
        ],
        policy=_policy_row(crawl.project_id, evidence, grades, view),
        resources=resource_origins(view),
    )


def _grade_row(project: str, grade: Grade, view: CrawlView) -> store.GradeRow:
    """The stored grade: evidence as the pages a person opens, each with the URL it was
    fetched from, and whether it rests on evidence that could not be read."""
    traced = trace(grade, view)
    return store.GradeRow(
        project=project,
        criterion=grade.criterion,
        grade=grade.grade,
        points=grade.points,
        evidence=traced.evidence,
        reason=traced.reason,
        rule=grade.rule,
        rubric_version=RUBRIC_VERSION,
        evidence_fetched=traced.fetched,
        evidence_unknown=traced.unknown,
    )


def _policy_row(project: str, evidence: ProjectEvidence, grades: list[Grade], view: CrawlView) -> store.PolicyRow:
    """The EU AI Act indicators, their sources as pages with the URLs they were read from."""
    indicators = policy_indicators(evidence, grades)
    parameters, tokens = indicators.compute.parameters, indicators.compute.tokens
    parameters_url, tokens_url = parameters.url if parameters else None, tokens.url if tokens else None
    return store.PolicyRow(
        project=project,
        exemption=indicators.exemption,
        exemption_reason=indicators.exemption_reason,
        parameters=parameters.value if parameters else None,
        parameters_source=parameters.source if parameters else None,
        parameters_url=human_page(parameters_url) if parameters_url else None,
        training_tokens=tokens.value if tokens else None,
        tokens_source=tokens.source if tokens else None,
        tokens_url=human_page(tokens_url) if tokens_url else None,
        training_flops=indicators.compute.flops,
        systemic_risk=indicators.compute.systemic_risk,
        parameters_fetched=view.fetched_for(parameters_url) if parameters_url else None,
        tokens_fetched=view.fetched_for(tokens_url) if tokens_url else None,
    )


def _previous_run(db: Path) -> tuple[PreviousRun | None, str]:
    """The previous complete live run as this run's cache, and a note on what was used."""
    live_run = store.latest_live_run(db)
    if live_run is None:
        return None, "no earlier live run: fetched everything"
    path = Path(live_run.capture_path)
    if not path.exists():
        return None, f"{path}: captures of run {live_run.run_id} are gone: fetched everything"
    try:
        captures = CaptureStore.load(path)
    except (CaptureFormatError, OSError) as error:
        return None, f"captures of run {live_run.run_id} unreadable ({error}): fetched everything"
    validators = {
        normalise_url(url): Validators(etag, last_modified)
        for url, (etag, last_modified) in store.remembered_validators(db, live_run.run_id).items()
    }
    return PreviousRun(captures, validators), f"conditional on run {live_run.run_id}"


def _replay_captures(path: Path) -> CaptureStore:
    """The captures to replay; refused when they hold nothing to grade from."""
    captures = CaptureStore.load(path)
    if not captures:
        raise CaptureFormatError(f"{path}: the captures hold no exchanges")
    return captures
