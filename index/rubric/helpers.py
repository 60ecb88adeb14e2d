"""Small questions the rules share, asked of the evidence (probes, in Scorecard's terms).

Each is a yes/no or a selection over the evidence; none looks at a project's name or id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.links import find_links, normalise_package_name
from index.evidence.cards import Card
from index.evidence.licenses import License, is_permissive_content_license
from index.evidence.names import identity_tokens, mentions_the_system, names_the_system, same_owner
from index.evidence.papers import Paper, papers_announced_as_own, venue_stated_with_link
from index.evidence.project import DatasetEvidence, ModelEvidence, PackageEvidence, ProjectEvidence, RepoEvidence
from index.evidence.repo_roles import another_version, pointed_to_as_making, presented_only_as_tools
from index.rubric.grades import Grade

# Dataset names that mark instruction / preference data rather than pre-training corpora.
TUNING_DATA_WORDS = re.compile(
    r"instruct|chat|sft|rlhf|dpo|preference|feedback|alpaca|dolly|oasst|sharegpt|ultrachat|"
    r"hh[-_]rlhf|conversation|dialog|orca|evol|self[-_]instruct|flan|tulu|train_\d",
    re.I,
)
# Repos that publish instruction data say so in their name ("chat" alone names a chatbot).
TUNING_DATA_REPO_WORDS = re.compile(
    r"instruct|alpaca|dolly|sharegpt|rlhf|evol|feedback|preference|conversations|dataset|(^|[-_/])data([-_]|$)", re.I
)
# Cards also link benchmarks, leaderboard result sets and repos holding their images;
# none of them is training or tuning data (RUBRIC.md conventions).
EVALUATION_DATA_WORDS = re.compile(
    r"eval|bench|humaneval|mmlu|gsm8k|hellaswag|truthfulqa|test[-_]?set|leaderboard|arena|(^|/)details_"
    r"|(^|[-_/])(results?|images?|figures?|assets|logos?)([-_]|$)",
    re.I,
)


def grade(criterion: str, value: str, reason: str, evidence: Iterable[str | None], rule: str) -> Grade:
    urls = tuple(dict.fromkeys(u for u in evidence if u))
    return Grade(criterion, value, reason, urls, rule)


def nothing(criterion: str, sought: str, rule: str) -> Grade:
    return Grade(criterion, "closed", f"nothing found: {sought}", (), rule)


def is_own_repo(ev: ProjectEvidence, repo: RepoEvidence) -> bool:
    """The system's own code: an entry repo, or one of the same owner. Without a GitHub
    entry, also a repo the model card links to whose name names the system; with one,
    such repos are the community's, not the system's."""
    return (
        repo in ev.repos
        or any(same_owner(repo.owner, owner) for owner in ev.owners)
        or (not ev.repos and names_the_system(repo.name, ev.own_identity))
    )


def own_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    return tuple(r for r in ev.all_repos if r.found and is_own_repo(ev, r))


def other_version_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """Own repos named for another version of the released model's family (TeleChat2
    beside a TeleChat2.5 release): that version's code, not this system's. Entry repos
    are the system's by the curator's word."""
    names = [m.repo_id for m in released_models(ev)] + [r.full_name for r in ev.repos]
    return tuple(r for r in own_repos(ev) if r not in ev.repos and another_version(r.full_name, names))


def _system_texts(ev: ProjectEvidence) -> list[str]:
    """The cards of the release and its bases, and the entry READMEs: where the makers
    say what each linked repo is to the system."""
    texts = [m.card.body for m in (*released_models(ev), *ev.bases) if m.card is not None]
    return texts + [r.readme.text for r in ev.repos]


def continued_version_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """Repos of another version that the system's cards or entry READMEs point to as how
    this one was made ("the fine-tuning method continues TeleChat2, see [repo]")."""
    making = pointed_to_as_making(_system_texts(ev))
    return tuple(r for r in other_version_repos(ev) if r.full_name.lower() in making)


def tool_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """Own repos the system's texts link only as tools to use or evaluate the model with
    (a cookbook, an evaluation harness, an inference engine): the makers' code, not the
    code that made this system (RUBRIC.md: a framework of the same organisation counts
    only when the makers point to it as this system's)."""
    tools = presented_only_as_tools(_system_texts(ev))
    return tuple(r for r in own_repos(ev) if r not in ev.repos and r.full_name.lower() in tools)


def processes_training_data(repo: RepoEvidence) -> bool:
    """The repo holds code that collects, generates or processes data and its README
    documents data: code that built the training data (RUBRIC.md: data processing only
    is partial), not a model repo's stray `data.py`."""
    return bool(repo.code.data_files) and "data" in repo.readme.sections


def claimed_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """Own repos that are the system's work or a version's of it: the entry repos, those
    whose name names the system, and those a sentence points to as how this system was
    made. The organisation's other work (another model, a general library, a demo) is
    left out: RUBRIC.md counts a framework of the same organisation only when the makers
    point to it as the code that made this system."""
    own = own_repos(ev)
    unnamed = [r for r in own if r not in ev.repos and not names_the_system(r.name, ev.own_identity)]
    if not unnamed:
        return own  # no sentence to read (most projects): reading them is most of the cost
    making = pointed_to_as_making(_system_texts(ev), lambda text: mentions_the_system(text, ev.own_identity))
    return tuple(r for r in own if r not in unnamed or r.full_name.lower() in making)


def system_code_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """Claimed repos whose code is this system's: all but another version's and the tools."""
    others = other_version_repos(ev) + tool_repos(ev)
    return tuple(r for r in claimed_repos(ev) if r not in others)


def base_models(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """The pre-trained model: the end of the declared lineage (the bases whose own declared
    base was not reached), else the released model itself (trained from scratch, or its
    base is not named), else Hub models a GitHub entry links to."""
    if ev.bases:
        return lineage_roots(ev)
    return released_models(ev)


def lineage_roots(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """The bases at the end of the crawled lineage: those declaring no base that was
    followed (Instruct <- DPO <- SFT <- base: the base; a continued pre-training of a
    third model: that model, readable or not)."""
    followed = {b.repo_id.lower() for b in ev.bases}
    ends = tuple(b for b in ev.bases if not any(d.lower() in followed for d in b.declared_bases))
    return ends or ev.bases


def is_own_base(ev: ProjectEvidence) -> bool:
    """The release is a single model: no base declared and not a tuned model."""
    return not ev.bases and not any(m.is_tuned for m in released_models(ev))


def tunes_someone_elses_base(ev: ProjectEvidence) -> bool:
    """The system is a tuned model built on a base made by others (or not named)."""
    released = released_models(ev)
    if not any(m.is_tuned for m in released):
        return False
    return not any(same_owner(b.repo_id.split("/")[0], m.repo_id.split("/")[0]) for b in ev.bases for m in released)


def own_stages(ev: ProjectEvidence) -> frozenset[str]:
    """The training stages the system's makers carried out: pre-training when they
    released an untuned model or a base of their own, tuning when the release is tuned.
    Empty when the evidence holds no model (a training framework on GitHub)."""
    released = released_models(ev)
    makers = {m.repo_id.split("/")[0] for m in released} | {r.owner for r in ev.repos}
    stages = set()
    if any(not m.is_tuned for m in released) or any(
        same_owner(b.repo_id.split("/")[0], maker) for b in ev.bases for maker in makers
    ):
        stages.add("pretraining")
    if any(m.is_tuned for m in released):
        stages.add("tuning")
    return frozenset(stages)


def released_models(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """The released model, else the text-generation models a GitHub entry links to."""
    if ev.released is not None:
        return (ev.released,)
    return tuple(m for m in ev.linked_models if m.found and m.generates_text)


def is_evaluation_dataset(repo_id: str) -> bool:
    return bool(EVALUATION_DATA_WORDS.search(repo_id))


def is_tuning_dataset(repo_id: str) -> bool:
    return bool(TUNING_DATA_WORDS.search(repo_id))


def training_datasets(ev: ProjectEvidence) -> tuple[DatasetEvidence, ...]:
    return tuple(d for d in ev.datasets if not is_evaluation_dataset(d.repo_id))


def pretraining_datasets(ev: ProjectEvidence) -> tuple[DatasetEvidence, ...]:
    """Data of the pre-trained model, by who names it (RUBRIC.md: a tuned release's own
    datasets are tuning data and say nothing about the base's): the lineage's end, or
    the release when it is its own base. Data the lineage does not name goes by its name."""
    pretrained = lineage_roots(ev) if ev.bases else _entry(ev) if is_own_base(ev) else ()
    named = _named_by(pretrained)
    return tuple(
        d
        for d in training_datasets(ev)
        if d.repo_id.lower() in named or (_unattributed(ev, d) and not is_tuning_dataset(d.repo_id))
    )


def tuning_datasets(ev: ProjectEvidence) -> tuple[DatasetEvidence, ...]:
    """Data of the tuning stages: named by the release or a stage between it and the
    pre-trained model (both, when the release is its own base), or, named outside the
    lineage, by a name that says so."""
    roots = {m.repo_id for m in lineage_roots(ev)} if ev.bases else set()
    stages = [*_entry(ev), *(b for b in ev.bases if b.repo_id not in roots)]
    # A tuned card's front matter often repeats its base's datasets: those the pre-trained
    # model names are its pre-training data, whoever repeats them.
    named = _named_by(stages) - _named_by(b for b in ev.bases if b.repo_id in roots)
    return tuple(
        d
        for d in training_datasets(ev)
        if d.repo_id.lower() in named or (_unattributed(ev, d) and is_tuning_dataset(d.repo_id))
    )


def _named_by(models: Iterable[ModelEvidence]) -> set[str]:
    return {d.lower() for m in models for d in m.datasets}


def _entry(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    return (ev.released,) if ev.released is not None else ()


def _unattributed(ev: ProjectEvidence, dataset: DatasetEvidence) -> bool:
    """Named by no model of the entry's lineage: only by a README, or by a model a README
    links (whose place in the lineage nothing states)."""
    return dataset.repo_id.lower() not in _named_by((*_entry(ev), *ev.bases))


def tuning_data_repos(ev: ProjectEvidence) -> tuple[RepoEvidence, ...]:
    """GitHub repos that publish instruction data (their name says so and they hold data),
    unless the system's texts link them only to credit them."""
    return tuple(
        r
        for r in ev.all_repos
        if r.found
        and r.full_name.lower() not in ev.credited_repos
        and TUNING_DATA_REPO_WORDS.search(r.full_name)
        and (r.code.data_files or "data" in r.readme.sections)
    )


def cards(models: Iterable[ModelEvidence]) -> list[tuple[Card, str]]:
    return [(m.card, m.card_url) for m in models if m.card is not None and m.card_url]


def is_open_license(lic: License) -> bool:
    return lic.osi_approved or is_permissive_content_license(lic.spdx)


def own_papers(ev: ProjectEvidence) -> tuple[Paper, ...]:
    """Papers about the system or its base, not tools it merely cites: the title names it,
    or one of its own Hub pages tags the paper (`arxiv:`) and the abstract names it ("we
    introduce CT-LLM" under the title "Chinese Tiny LLM"), or the makers' own text
    presents it as their paper ("our technical report: [DUMA](arxiv…)")."""
    announced = announced_papers(ev)
    return tuple(p for p in ev.papers if p.arxiv_id in announced or _is_about(p, ev.identity, tagged_papers(ev)))


def announced_papers(ev: ProjectEvidence) -> frozenset[str]:
    """arXiv ids the makers' own texts (release card, own READMEs) present as their paper."""
    return frozenset().union(*(papers_announced_as_own(text) for text, _ in makers_texts(ev)))


def makers_papers(ev: ProjectEvidence) -> tuple[Paper, ...]:
    """Own papers that name the makers' own models, not only a base another lab made (a
    paper on someone else's base documents that base, not this system)."""
    identity = makers_identity(ev)
    tagged = tagged_papers(ev)
    announced = announced_papers(ev)
    return tuple(p for p in own_papers(ev) if p.arxiv_id in announced or _is_about(p, identity, tagged))


def _is_about(paper: Paper, identity: frozenset[str], tagged: frozenset[str]) -> bool:
    if names_the_system(paper.title, identity):
        return True
    return paper.arxiv_id in tagged and mentions_the_system(paper.summary, identity)


def tagged_papers(ev: ProjectEvidence) -> frozenset[str]:
    """arXiv ids the `arxiv:` tags of the system's Hub pages (released model, bases) name."""
    return frozenset(t.removeprefix("arxiv:") for m in models_for_docs(ev) for t in m.tags if t.startswith("arxiv:"))


def makers(ev: ProjectEvidence) -> frozenset[str]:
    """Owners (lower case) of the released models and of the entry repos: who made the system."""
    return frozenset(m.repo_id.split("/")[0].lower() for m in released_models(ev)) | {r.owner.lower() for r in ev.repos}


def makers_models(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """The released models and the bases the same makers trained."""
    owners = makers(ev)
    return tuple(m for m in models_for_docs(ev) if any(same_owner(m.repo_id.split("/")[0], o) for o in owners))


def makers_identity(ev: ProjectEvidence) -> frozenset[str]:
    """Name tokens of the makers' own models and repos; a base another lab made is left out."""
    owners = makers(ev)
    names = [m.repo_id for m in (*released_models(ev), *ev.bases)] + [r.full_name for r in ev.repos]
    return identity_tokens(n for n in names if any(same_owner(n.split("/")[0], o) for o in owners))


def documentation_texts(ev: ProjectEvidence) -> list[str]:
    """The makers' own words: the system's model cards and its own repos' READMEs."""
    return [c.body for c, _ in cards(models_for_docs(ev))] + [r.readme.text for r in own_repos(ev)]


def peer_review_venue(ev: ProjectEvidence, paper: Paper) -> str | None:
    """Where the paper was peer reviewed: arXiv's journal_ref / DOI / comment, else the
    venue the makers write beside their link to it ("[GLM@ACL 22]")."""
    if paper.peer_reviewed:
        return paper.journal_ref or paper.doi or paper.comment
    return next(filter(None, (venue_stated_with_link(t, paper.arxiv_id) for t in documentation_texts(ev))), None)


def own_packages(ev: ProjectEvidence) -> tuple[PackageEvidence, ...]:
    """Versioned PyPI releases of the system's own code: the package is a directory of
    an own repo, is named like one, links to one, or names the system."""
    repos = own_repos(ev)
    repo_urls = {r.page_url.lower() for r in repos}
    found = []
    for package in ev.packages:
        name = normalise_package_name(package.name)
        if not package.version:
            continue
        if (
            any(name.replace("-", "_") in r.directories or name == normalise_package_name(r.name) for r in repos)
            or any(u.lower().rstrip("/") in repo_urls for u in package.project_urls)
            or names_the_system(name, ev.own_identity)
        ):
            found.append(package)
    return tuple(found)


def own_pypi_pages(ev: ProjectEvidence) -> tuple[tuple[str, str], ...]:
    """(package, README URL) for PyPI project pages an own repo's README links, where the
    package is that repo's (named like it) or names the system: a release on PyPI even
    when its PyPI record was not fetched."""
    found = []
    for repo in own_repos(ev):
        for link in find_links(repo.readme.text):
            if link.kind != "pypi" or not repo.readme_url:
                continue
            if link.target == normalise_package_name(repo.name) or names_the_system(link.target, ev.own_identity):
                found.append((link.target, repo.readme_url))
    return tuple(dict.fromkeys(found))


def release_texts(ev: ProjectEvidence) -> list[tuple[str, str]]:
    """(text, URL) of what was published about the release: the released model's card
    and the makers' own repos' READMEs (a base's own card speaks of the base)."""
    texts = [(c.body, u) for c, u in cards(released_models(ev))]
    return texts + [(r.readme.text, r.readme_url) for r in own_repos(ev) if r.readme_url]


# A base card this long that a release card holds whole is the documentation the release
# card gives, whatever it adds before or after ("The original model card follows.").
COPIED_CARD_MIN_WORDS = 50


def pasted_card(text: str, base_card: Card) -> tuple[int, int] | None:
    """Where `text` holds the base card's whole text, whitespace aside, for a base card
    long enough to be its documentation; None when it does not."""
    words = base_card.body.split()
    if base_card.word_count < COPIED_CARD_MIN_WORDS or " ".join(words) not in " ".join(text.split()):
        return None
    found = re.search(r"\s+".join(map(re.escape, words)), text)
    return found.span() if found else None


def copies_card(card: Card, base_card: Card) -> bool:
    """The card is the base's, verbatim, or holds the base's whole text with a few lines of
    its own around it (a fine-tune or re-upload that pastes the original card)."""
    return card.body.split() == base_card.body.split() or pasted_card(card.body, base_card) is not None


def makers_texts(ev: ProjectEvidence) -> list[tuple[str, str]]:
    """`release_texts` less any base card pasted whole into them (`pasted_card`): what the
    makers themselves say of their release. The base's API platform, Ollama line or paper
    announcement in a pasted card are the base makers'."""
    texts = []
    for text, url in release_texts(ev):
        for base in ev.bases:
            if base.card is not None and (span := pasted_card(text, base.card)):
                text = text[: span[0]] + text[span[1] :]
        texts.append((text, url))
    return texts


def models_for_docs(ev: ProjectEvidence) -> tuple[ModelEvidence, ...]:
    """Every model whose card documents the system: released and bases."""
    return (*released_models(ev), *ev.bases)
