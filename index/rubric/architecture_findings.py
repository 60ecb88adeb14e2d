"""Findings behind the `architecture` criterion (RUBRIC.md, "Architecture": model design
and training setup, judged on content wherever it is written).

Each finding is a yes/no or a selection over the evidence with a one-line definition in
`FINDINGS`; the criterion's policy (index/rubric/criteria.py, `architecture`) reads them.
None looks at a project's name or id.
"""

from __future__ import annotations

import re

from index.evidence.cards import Card, card_prose, sentences
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
    "training_hardware_stated": "the system's own cards and READMEs, and its makers' paper "
    "abstracts, that state the hardware or compute it was trained on (accelerators counted, GPU "
    "hours, a supercomputer): the training setup in words; hardware to run it is not its training",
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


def _system_cards(ev: ProjectEvidence) -> list[tuple[Card, str]]:
    """(card, URL) of the system's own models: the released models, and bases its makers
    made or that the system is named after (Cerebras-GPT-111M-instruction tunes
    Cerebras-GPT-111M); another lab's base, named otherwise (SynLogic-32B on Qwen2.5-32B),
    documents only itself."""
    owners = h.makers(ev)
    identity = h.makers_identity(ev)
    own = [
        m
        for m in h.models_for_docs(ev)
        if any(same_owner(m.repo_id.split("/")[0], o) for o in owners)
        or names_the_system(m.repo_id.split("/")[-1], identity)
    ]
    return h.cards(own)


def system_cards_with_details(ev: ProjectEvidence) -> tuple[tuple[Card, str], ...]:
    """(card, URL) of the system's own models whose card states the design or the
    hyper-parameters."""
    return tuple((c, u) for c, u in _system_cards(ev) if states_details(c))


def states_details(card: Card) -> bool:
    """The card has an architecture section or lists training hyper-parameters."""
    return "architecture" in card.sections or card.has_hyperparameters


# An accelerator by kind or model name ("GPUs", "TPUv4", "H800", "MI250X", "CS-2", "Ascend").
_ACCELERATOR = (
    r"(?:(?:gpus?|tpu(?:v\d\w*)?s?|npus?|[abhv]\d{3}s?|mi\d{3}x?s?|cs-2s?|gaudi\d?s?|ascend)(?![a-z0-9])|显卡)"
)
# Hardware in numbers: a count of accelerators ("8 H800", "8x A100", "8块NVIDIA A100"),
# accelerator hours, or the supercomputer or cluster that ran the training.
_TRAINING_HARDWARE = re.compile(
    rf"(?<![a-z0-9.])\d[\d.,]*(?:\s*[x×]\s*\d+)*\s*(?:[kmb]\s*)?(?:[x×]\s*|块|张|台)?(?:nvidia\s+|amd\s+|google\s+)?"
    rf"{_ACCELERATOR}|{_ACCELERATOR}[\w -]{{0,20}}\bhours?\b|\bsupercomputer\b|\bcompute cluster\b",
    re.IGNORECASE,
)
# Links are dropped first: a hash or an id in a URL is not a count of accelerators.
_URL = re.compile(r"\(?https?://[^\s)]*\)?")
_TRAINING_WORD = re.compile(r"\btrain|\bpre-?train|\bfine-?tun|训练", re.IGNORECASE)
# The hardware to run, serve or fit the model is what users need, not how it was trained.
_RUNNING_WORD = re.compile(
    r"\binfer|\bserv(?:e|ing)\b|\bdeploy|\bvram\b|\bmemory\b|\bthroughput\b|\blatency\b|显存|推理|部署",
    re.IGNORECASE,
)


def states_training_hardware(text: str) -> tuple[str, ...]:
    """Sentences of `text` that state the hardware or compute a model was trained on
    ("trained on 8 H800", "1 A100 80GB GPU for about 50 GPU hours", "training was
    conducted on the LUMI supercomputer")."""
    return tuple(
        " ".join(s.split())
        for s in sentences(_URL.sub(" ", text))
        if _TRAINING_HARDWARE.search(s) and _TRAINING_WORD.search(s) and not _RUNNING_WORD.search(s)
    )


def training_hardware_stated(ev: ProjectEvidence) -> tuple[str, ...]:
    """URLs of the system's own cards, own READMEs and makers' model papers that state the
    hardware it was trained on."""
    urls = [u for c, u in _system_cards(ev) if states_training_hardware(card_prose(c.body))]
    urls += [r.readme_url for r in h.claimed_repos(ev) if r.readme_url and states_training_hardware(r.readme.text)]
    urls += [p.url for p in makers_model_papers(ev) if states_training_hardware(p.summary)]
    return tuple(urls)


def own_training_code(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    return tuple(r for r in h.claimed_repos(ev) if r.code.training_files or r.code.finetuning_files)


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
