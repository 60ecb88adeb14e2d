"""Discovered systems: Hub listings turned into tracked projects, and a registry checked
against what the Hub lists.

A discovered model is graded under the project id `owner--name` (a registry id may not
hold a slash). The `discovered` table remembers when and by which query each model was
first and last listed; a model that the same query no longer lists is marked gone, not
deleted. `refresh` grades the registry's systems and every discovered model still
listed, the registry's entry winning when both name one Hub repo.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from crawler.adapters import hub_client
from crawler.captures import CaptureStore, CaptureWriter, new_capture_path
from crawler.discover import ID_FIELDS, DiscoveryError, ListedModel, ListingQuery, listed_models
from crawler.http import HttpCore, HttpPolicy
from index import store
from index.registry import Project, is_valid_repo_id

# Candidates a search for a missing entry's name adds to its author's listing.
SEARCH_CANDIDATES = 50
CLOSEST = 3


def project_id(repo_id: str) -> str:
    """The project id of a discovered Hub repo: `owner/name` -> `owner--name`."""
    return repo_id.replace("/", "--")


def discovered_project(project: str, repo_id: str) -> Project:
    owner, name = repo_id.split("/", 1)
    return Project(id=project, name=name, org=owner, hf=repo_id)


def tracked_projects(registry: Sequence[Project], db: Path) -> list[Project]:
    """The registry's projects, then every discovered model still listed that the
    registry does not already track (by project id or Hub repo, ignoring case)."""
    taken_ids = {p.id.casefold() for p in registry}
    taken_repos = {p.hf.casefold() for p in registry if p.hf}
    extra = [
        discovered_project(project, repo_id)
        for project, repo_id in store.listed_discoveries(db)
        if project.casefold() not in taken_ids and repo_id.casefold() not in taken_repos
    ]
    return [*registry, *extra]


@dataclass
class DiscoveryResult:
    """What one listing found; `error` says why it stopped early (nothing was then
    marked gone: a listing cut short proves no absence)."""

    how: str
    counts: store.DiscoveryCounts
    models: list[ListedModel] = field(default_factory=list)
    error: str | None = None

    def summary(self) -> dict[str, object]:
        return {"how": self.how, **vars(self.counts), "error": self.error}


def run_discovery(query: ListingQuery, db: Path, now: datetime) -> DiscoveryResult:
    """List the Hub for `query` and track what it lists. The Hub client must already be
    routed through a core (`hub_session`, or a refresh's own)."""
    models: dict[str, ListedModel] = {}
    error = None
    try:
        for model in listed_models(query):
            if is_valid_repo_id(model.repo_id):
                models.setdefault(model.repo_id.casefold(), model)
    except DiscoveryError as failure:
        error = str(failure)
    rows = [_row(model) for model in models.values()]
    counts = store.record_discovery(db, query.describe(), rows, complete=error is None, now=now)
    return DiscoveryResult(query.describe(), counts, list(models.values()), error)


def _row(model: ListedModel) -> store.DiscoveredRow:
    created = model.created_at.replace(tzinfo=None) if model.created_at else None
    return store.DiscoveredRow(
        project_id(model.repo_id), model.repo_id, model.downloads, model.likes, model.sha, created
    )


def registry_yaml(models: Sequence[ListedModel]) -> str:
    """A registry file tracking these models, loadable by `refresh --registry`."""
    entries = []
    for model in models:
        project = discovered_project(project_id(model.repo_id), model.repo_id)
        entries.append({"id": project.id, "name": project.name, "org": project.org, "hf": project.hf})
    return yaml.safe_dump({"projects": entries}, sort_keys=False, allow_unicode=True)


@contextmanager
def hub_session(replay: Path | None, snapshots: Path, policy: HttpPolicy) -> Iterator[HttpCore]:
    """The Hub client routed through a core: replayed from captures, or live with every
    exchange recorded under `snapshots`."""
    recorder = None if replay is not None else CaptureWriter(new_capture_path(snapshots))
    core = HttpCore(replay=CaptureStore.load(replay) if replay is not None else None, recorder=recorder, policy=policy)
    try:
        with hub_client(core):
            yield core
    finally:
        core.close()
        if recorder is not None:
            recorder.close()


@dataclass(frozen=True)
class RegistryFinding:
    """One registry entry against the Hub: `listed`, `unknown` (the Hub does not list
    it: moved, renamed or deleted) or `unchecked` (its author's listing failed)."""

    project: str
    hf: str
    status: str
    closest: tuple[str, ...] = ()
    detail: str | None = None


def check_registry(projects: Sequence[Project]) -> list[RegistryFinding]:
    """Each Hub entry of a registry against its author's listing; for the ones it does
    not list, the closest ids listed by that author or by a search for the name."""
    listed: dict[str, list[str]] = {}
    failed: dict[str, str] = {}
    for author in dict.fromkeys(p.hf.split("/")[0].casefold() for p in projects if p.hf):
        try:
            listed[author] = [m.repo_id for m in listed_models(_id_query(author=author))]
        except DiscoveryError as error:
            failed[author] = str(error)
    known = {repo_id.casefold(): repo_id for ids in listed.values() for repo_id in ids}
    findings = []
    for project in (p for p in projects if p.hf):
        assert project.hf is not None
        author = project.hf.split("/")[0].casefold()
        if author in failed:
            findings.append(RegistryFinding(project.id, project.hf, "unchecked", detail=failed[author]))
        elif project.hf.casefold() in known:
            found = known[project.hf.casefold()]
            detail = f"listed as {found}" if found != project.hf else None
            findings.append(RegistryFinding(project.id, project.hf, "listed", detail=detail))
        else:
            candidates = listed[author] + _searched(project.hf.split("/")[1])
            findings.append(RegistryFinding(project.id, project.hf, "unknown", _closest(project.hf, candidates)))
    return findings


def _id_query(author: str | None = None, search: str | None = None) -> ListingQuery:
    return ListingQuery(
        pipeline_tag=None, author=author, search=search, fields=ID_FIELDS, top=SEARCH_CANDIDATES if search else None
    )


def _searched(name: str) -> list[str]:
    """Models whose id contains the entry's name: where a moved repo went."""
    try:
        return [m.repo_id for m in listed_models(_id_query(search=name))]
    except DiscoveryError:
        return []


def _closest(repo_id: str, candidates: Sequence[str]) -> tuple[str, ...]:
    by_folded = {c.casefold(): c for c in candidates}
    matches = difflib.get_close_matches(repo_id.casefold(), list(by_folded), n=CLOSEST, cutoff=0.6)
    return tuple(by_folded[m] for m in matches)
