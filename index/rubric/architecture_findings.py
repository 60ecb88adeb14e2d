"""Findings behind the `architecture` criterion (RUBRIC.md, "Architecture": model design
and training setup, judged on content wherever it is written).

Each finding is a yes/no or a selection over the evidence with a one-line definition in
`FINDINGS`; the criterion's policy (index/rubric/criteria.py, `architecture`) reads them.
None looks at a project's name or id.
"""

from __future__ import annotations

import re

from index.evidence.cards import Card
from index.evidence.names import names_the_system, same_owner
from index.evidence.papers import Paper
from index.evidence.project import ProjectEvidence, RepoEvidence
from index.rubric import helpers as h

FINDINGS: dict[str, str] = {
    "paper_documents_a_model": "the paper's abstract speaks of a model's design or of one of its "
    "training stages, and its title does not present a dataset, corpus or benchmark: a paper about "
    "data (the corpus a model was trained on, a dialogue dataset) documents no architecture",
    "makers_model_papers": "the system's papers that document a model and name the makers' own "
    "models: their account of the design and of how they trained it",
    "base_model_papers": "the system's papers that document a model but name only a base another "
    "lab made: the design the system inherits, not how the system was trained",
    "system_cards_with_details": "cards of the system's own models (the released models, and bases "
    "its makers trained or that bear the system's name) with an architecture section or "
    "hyper-parameters: a base another lab made documents that base, not this system",
    "own_training_code": "the makers' repos holding code or configs that train or tune a model: "
    "the training setup (hyper-parameters, parallelism, schedule) in executable form",
    "release_cards_unread": "no released model's card was read, and each could not be read (the "
    "fetch failed) or sits behind the model's access gate: what they document is unknown, not absent",
}

# Topics of `papers.paper_topics` that document a model rather than the data it used.
MODEL_TOPICS = frozenset({"architecture", "pretraining", "finetuning", "rlhf"})
# A title presenting data: the paper's subject is the data, even when its abstract reports
# the models trained on it ("The RefinedWeb Dataset for Falcon LLM").
DATA_TITLE = re.compile(r"\b(?:datasets?|corpus|corpora|benchmarks?)\b", re.IGNORECASE)


def paper_documents_a_model(paper: Paper) -> bool:
    return bool(paper.topics & MODEL_TOPICS) and not DATA_TITLE.search(paper.title)


def makers_model_papers(ev: ProjectEvidence) -> tuple[Paper, ...]:
    makers = set(h.makers_papers(ev))
    return tuple(p for p in h.own_papers(ev) if p in makers and paper_documents_a_model(p))


def base_model_papers(ev: ProjectEvidence) -> tuple[Paper, ...]:
    makers = set(h.makers_papers(ev))
    return tuple(p for p in h.own_papers(ev) if p not in makers and paper_documents_a_model(p))


def system_cards_with_details(ev: ProjectEvidence) -> tuple[tuple[Card, str], ...]:
    """(card, URL) of the system's own models whose card states the design or the
    hyper-parameters. A base counts when its makers made it or the system is named after
    it (Cerebras-GPT-111M-instruction tunes Cerebras-GPT-111M); another lab's base, named
    otherwise (SynLogic-32B on Qwen2.5-32B), documents only itself."""
    owners = h.makers(ev)
    identity = h.makers_identity(ev)
    own = [
        m
        for m in h.models_for_docs(ev)
        if any(same_owner(m.repo_id.split("/")[0], o) for o in owners)
        or names_the_system(m.repo_id.split("/")[-1], identity)
    ]
    return tuple((c, u) for c, u in h.cards(own) if "architecture" in c.sections or c.has_hyperparameters)


def own_training_code(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    return tuple(r for r in h.own_repos(ev) if r.code.training_files or r.code.finetuning_files)


def release_cards_unread(ev: ProjectEvidence) -> tuple[str, ...]:
    """The released models' Hub pages, when none of their cards was read and each is
    unknown rather than absent: its fetch failed, or the model's access gate hides it. A
    card the Hub says an ungated model lacks is absent."""
    released = h.released_models(ev)
    if not released or h.cards(released):
        return ()
    if not all(m.gated or f"{m.page_url}/resolve/main/README.md" in ev.unknown for m in released):
        return ()
    return tuple(m.page_url for m in released)
