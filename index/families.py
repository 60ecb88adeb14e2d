"""Families: quantisations, adapters, merges, re-uploads and fine-tunes grouped under
their original, so a leaderboard of the Hub is not ten copies of one model.

A model names its base in its card's `base_model` (with `base_model_relation`), and the
Hub tags it `base_model:{finetune,quantized,adapter,merge}:BASE`. The relation kind
comes from those, else from the repo itself: quantised weight files or a quantisation
library (GGUF, GPTQ, AWQ, MLX, EXL2, bitsandbytes) make a quantisation, an adapter
config an adapter, several bases a merge; a derived repo named exactly as its base
(under another owner) is a re-upload; anything else is a fine-tune.

Following each tracked model's bases gives its original: the farthest ancestor that
is tracked in the run, or the root of the chain when none is. Each family has one row on
the leaderboard: its original when tracked, else its most downloaded member. Systems a
registry names are always listed (someone chose them), as members of their family too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.lineage import base_models
from crawler.results import ProjectCrawl

RELATIONS = ("quantized", "adapter", "merge", "reupload", "finetune")
TAG_RELATIONS = ("finetune", "adapter", "quantized", "merge")
QUANTISATION = re.compile(r"gguf|ggml|gptq|awq|exl2|mlx|bitsandbytes|\b[2-8]-?bits?\b|\bq[2-8]_", re.I)
QUANTISED_FILES = (".gguf", ".ggml")
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin")
MAX_CHAIN = 8


@dataclass(frozen=True)
class Edge:
    """`child` is derived from `base` by `relation` (one of RELATIONS)."""

    child: str
    base: str
    relation: str


@dataclass(frozen=True)
class Tracked:
    """A project of the run as the families see it."""

    project: str
    hf: str
    from_registry: bool
    downloads: int | None = None


@dataclass(frozen=True)
class FamilyRow:
    original: str  # Hub repo id of the original
    original_project: str | None  # its project, when tracked in the run
    members: int


@dataclass(frozen=True)
class MemberRow:
    project: str
    hf: str
    relation: str  # how it derives from `base`
    base: str
    original: str
    listed: bool  # on the default leaderboard (a registry's system, or its family's stand-in)


def lineage(crawl: ProjectCrawl) -> tuple[Edge, ...]:
    """The derivation edges of the models a project's crawl fetched: its own and its bases'."""
    edges: list[Edge] = []
    for role in ("model", "base"):
        for fetched in crawl.of(role, "hf_model"):
            if fetched.ok:
                edges += derivation(fetched.target, fetched.data)
    return tuple(edges)


def derivation(repo_id: str, info: Any) -> list[Edge]:
    """How a model derives from the bases it names (none for an original)."""
    bases = [b for b in base_models(info) if b.casefold() != repo_id.casefold()]
    if not bases:
        return []
    relation = relation_kind(repo_id, info, bases)
    # A merge names every parent; the family follows the first.
    return [Edge(repo_id, bases[0], relation)]


def relation_kind(repo_id: str, info: Any, bases: Sequence[str]) -> str:
    card_data = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
    declared = card_data.get("base_model_relation")
    tagged = {t.split(":")[1] for t in info.tags or [] if t.startswith("base_model:") and t.count(":") >= 2}
    files = [s.rfilename for s in getattr(info, "siblings", None) or []]
    if declared == "quantized" or "quantized" in tagged or _quantised(info, files):
        return "quantized"
    if declared == "adapter" or "adapter" in tagged or any(f.rsplit("/", 1)[-1] in ADAPTER_FILES for f in files):
        return "adapter"
    if declared == "merge" or "merge" in tagged or len(bases) > 1:
        return "merge"
    if repo_id.split("/")[-1].casefold() == bases[0].split("/")[-1].casefold():
        return "reupload"
    return "finetune"


def _quantised(info: Any, files: Iterable[str]) -> bool:
    if any(f.lower().endswith(QUANTISED_FILES) for f in files):
        return True
    markers = [*(info.tags or []), getattr(info, "library_name", None) or ""]
    return any(QUANTISATION.search(m) for m in markers if m and not m.startswith(("base_model:", "license:")))


def families(tracked: Sequence[Tracked], edges: Iterable[Edge]) -> tuple[list[FamilyRow], list[MemberRow]]:
    """Families of the run's projects: each derived project under its original."""
    parent = {}
    for edge in edges:
        parent.setdefault(edge.child.casefold(), edge)
    by_repo = {t.hf.casefold(): t for t in tracked}
    grouped: dict[str, tuple[str, list[tuple[Tracked, Edge]]]] = {}
    for project in tracked:
        chain = _chain(project.hf, parent)
        if not chain:
            continue
        tracked_ancestors = [edge.base for edge in chain if edge.base.casefold() in by_repo]
        original = tracked_ancestors[-1] if tracked_ancestors else chain[-1].base
        grouped.setdefault(original.casefold(), (original, []))[1].append((project, chain[0]))
    family_rows, member_rows = [], []
    for key, (spelled, members) in sorted(grouped.items()):
        original_project = by_repo.get(key)
        original = original_project.hf if original_project else spelled
        stand_in = None if original_project else _most_downloaded([m for m, _ in members])
        family_rows.append(FamilyRow(original, original_project.project if original_project else None, len(members)))
        for member, edge in members:
            listed = member.from_registry or member.project == stand_in
            member_rows.append(MemberRow(member.project, member.hf, edge.relation, edge.base, original, listed))
    return family_rows, member_rows


def _chain(repo_id: str, parent: Mapping[str, Edge]) -> list[Edge]:
    chain: list[Edge] = []
    seen = {repo_id.casefold()}
    edge = parent.get(repo_id.casefold())
    while edge is not None and edge.base.casefold() not in seen and len(chain) < MAX_CHAIN:
        chain.append(edge)
        seen.add(edge.base.casefold())
        edge = parent.get(edge.base.casefold())
    return chain


def _most_downloaded(members: Sequence[Tracked]) -> str:
    return min(members, key=lambda m: (-(m.downloads or 0), m.project)).project
