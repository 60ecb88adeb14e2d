"""Small questions the rules share, asked of the evidence (probes, in Scorecard's terms)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.evidence.cards import Card
from index.evidence.licenses import License, is_permissive_content_license
from index.evidence.papers import Paper
from index.evidence.project import DatasetEvidence, ModelEvidence, ProjectEvidence, RepoEvidence
from index.rubric.grades import Grade

# Dataset names that mark instruction / preference data rather than pre-training corpora.
TUNING_DATA_WORDS = re.compile(
    r"instruct|chat|sft|rlhf|dpo|preference|feedback|alpaca|dolly|oasst|sharegpt|ultrachat|ultrafeedback|"
    r"hh[-_]rlhf|conversation|dialog|orca|evol|self[-_]instruct|flan|tulu|belle|train_\d",
    re.I,
)


def grade(criterion: str, value: str, reason: str, evidence: Iterable[str | None], rule: str) -> Grade:
    urls = tuple(dict.fromkeys(u for u in evidence if u))
    return Grade(criterion, value, reason, urls, rule)


def nothing(criterion: str, sought: str, rule: str) -> Grade:
    return Grade(criterion, "closed", f"nothing found: {sought}", (), rule)


def own_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """The project's own code: its entry repo, else the repos its own cards link to."""
    found = tuple(r for r in ev.repos if r.found)
    return found or tuple(r for r in ev.linked_repos if r.found)


def base_models(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """The pre-trained model: declared bases, else the released model itself (trained
    from scratch), else Hub models a GitHub entry links to."""
    if ev.bases:
        return ev.bases
    if ev.released is not None:
        return (ev.released,)
    return tuple(m for m in ev.linked_models if m.found)


def released_models(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    if ev.released is not None:
        return (ev.released,)
    return tuple(m for m in ev.linked_models if m.found)


def is_tuning_dataset(repo_id: str) -> bool:
    return bool(TUNING_DATA_WORDS.search(repo_id))


def pretraining_datasets(ev: ProjectEvidence) -> tuple[DatasetEvidence, ...]:
    base_named = {d for m in ev.bases for d in m.datasets}
    return tuple(d for d in ev.datasets if d.repo_id in base_named or not is_tuning_dataset(d.repo_id))


def tuning_datasets(ev: ProjectEvidence) -> tuple[DatasetEvidence, ...]:
    pretraining = {d.repo_id for d in pretraining_datasets(ev)}
    return tuple(d for d in ev.datasets if d.repo_id not in pretraining)


def cards(models: Iterable[ModelEvidence]) -> list[tuple[Card, str]]:
    return [(m.card, m.card_url) for m in models if m.card is not None and m.card_url]


def is_open_license(lic: License) -> bool:
    return lic.osi_approved or is_permissive_content_license(lic.spdx)


def project_papers(ev: ProjectEvidence) -> tuple[Paper, ...]:
    """Papers that describe a model or its training, not tools it merely cites."""
    return tuple(p for p in ev.papers if p.topics & {"pretraining", "finetuning", "rlhf"})


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def models_for_docs(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """Every model whose card documents the system: released, bases, linked."""
    return (*released_models(ev), *ev.bases)
