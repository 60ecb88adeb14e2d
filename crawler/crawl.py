"""The crawl: from each project's entry point, fetch what a careful human would read,
one hop deep.

Entry points are a Hub model (info and card) and/or a GitHub repo (repo, README, tree).
From those, one hop: base models (with their cards), datasets named in the cards (info
and card), GitHub repos linked, arXiv ids, PyPI packages in `pip install` lines, and Hub
models linked from a README. Links in the base models' cards count as the project's own
cards; for a project with no Hub entry, the metadata (datasets, arxiv tags) of the Hub
models its README links counts as its own. Of the one-hop resources, only dataset cards
are read for links, and only for the dataset's paper, and the READMEs of linked repos of
the entry's own owner, only for the makers' papers; other links there are not followed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

from crawler import links
from crawler.arxiv import ArxivFetcher
from crawler.github import GitHubFetcher, decode_readme
from crawler.http import HttpCore
from crawler.hub import HubFetcher, declared_datasets, tagged_papers
from crawler.lineage import NAME as _NAME
from crawler.lineage import REPO_ID, declared_bases
from crawler.pypi import PyPIFetcher
from crawler.results import Fetched, ProjectCrawl
from crawler.workers import WorkerPermits, together
from index.evidence.names import same_owner
from index.registry import Project

# A README can link dozens of repos; a careful reader follows the first ones.
MAX_LINKS_PER_KIND = 20
MAX_LINEAGE_STEPS = 4
REPO_ID_OR_NAME = re.compile(rf"(?:{_NAME}/)?{_NAME}")


@dataclass
class Fetchers:
    hub: HubFetcher
    github: GitHubFetcher
    pypi: PyPIFetcher
    arxiv: ArxivFetcher
    core: HttpCore | None = None  # the core they all fetch through, to stop a run

    @classmethod
    def over(cls, core: HttpCore) -> Fetchers:
        return cls(HubFetcher(core), GitHubFetcher(core), PyPIFetcher(core), ArxivFetcher(core), core)

    def cancel(self) -> None:
        """Make every fetch not yet sent fail at once as `cancelled`."""
        if self.core is not None:
            self.core.cancel()


def crawl_all(
    projects: Iterable[Project],
    fetchers: Fetchers,
    workers: int = 4,
    on_done: Callable[[ProjectCrawl], None] | None = None,
) -> list[ProjectCrawl]:
    """Crawl every project on a bounded pool; `on_done` sees each crawl as it finishes
    (in the calling thread), and the results come back in registry order whatever the
    pool did. `workers` crawls do work at once; a crawl waiting on a URL's backoff or
    retry-after lends its permit to another (`crawler/workers.py`). An exception
    (Ctrl-C included) cancels the projects not yet started and the fetches not yet
    sent, stops the crawls in a wait from going on, and returns only once the running
    crawls have: the caller tears down the clients' routing through the core next, and
    a crawl still running after that would fetch past the core (the Hub client falls
    back to its defaults: the real network, unrecorded and unpaced)."""
    projects = list(projects)
    permits = WorkerPermits(workers)

    def crawl_one(project: Project) -> ProjectCrawl:
        with permits.working():
            return crawl_project(project, fetchers)

    pool = ThreadPoolExecutor(max_workers=permits.most_in_progress, thread_name_prefix="crawl")
    # Projects are handed to the pool a few at a time: a future per project submitted
    # at once (a lock, a condition and a queue entry each) would hold 100,000 of them.
    queue = iter(enumerate(projects))
    backlog = 2 * permits.most_in_progress
    pending: dict[Future[ProjectCrawl], int] = {}
    results: list[ProjectCrawl | None] = [None] * len(projects)
    try:
        pending.update((pool.submit(crawl_one, project), index) for index, project in islice(queue, backlog))
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                crawl = future.result()
                results[pending.pop(future)] = crawl
                if on_done is not None:
                    on_done(crawl)
            pending.update(
                (pool.submit(crawl_one, project), index) for index, project in islice(queue, backlog - len(pending))
            )
    except BaseException:
        permits.stop()
        pool.shutdown(wait=False, cancel_futures=True)
        fetchers.cancel()
        # Cancelled, each running crawl's remaining fetches fail at once; a request on
        # the wire ends within the core's timeout.
        pool.shutdown(wait=True)
        raise
    pool.shutdown()
    return [crawl for crawl in results if crawl is not None]


def crawl_project(project: Project, fetchers: Fetchers) -> ProjectCrawl:
    crawl = ProjectCrawl(project.id)
    own_texts: list[str] = []
    if project.hf:
        own_texts += _crawl_hub_entry(project.hf, fetchers, crawl)
    if project.github:
        own_texts += _crawl_github_entry(project.github, fetchers, crawl)
    _follow_links(own_texts, fetchers, crawl)
    return crawl


def _crawl_hub_entry(repo_id: str, fetchers: Fetchers, crawl: ProjectCrawl) -> list[str]:
    ((info, card),) = _models_with_cards("model", [repo_id], fetchers, crawl)
    texts = [card]
    seen = {repo_id}
    bases = declared_bases(info.data if info.ok else None, card, repo_id)
    # A declared base may itself be a tuned stage (Instruct <- DPO <- SFT <- base); a
    # careful reader follows the lineage to the pre-trained model, a few steps at most.
    for _ in range(MAX_LINEAGE_STEPS):
        step = [b for b in bases if b not in seen][:MAX_LINKS_PER_KIND]
        seen.update(step)
        bases = []
        for base, (base_info, base_card) in zip(step, _models_with_cards("base", step, fetchers, crawl), strict=True):
            texts.append(base_card)
            bases += declared_bases(base_info.data if base_info.ok else None, base_card, base)
    return texts


def _crawl_github_entry(full_name: str, fetchers: Fetchers, crawl: ProjectCrawl) -> list[str]:
    return _github_repos("github", [full_name], fetchers, crawl)


def _models_with_cards(
    role: str, repo_ids: list[str], fetchers: Fetchers, crawl: ProjectCrawl
) -> list[tuple[Fetched, str]]:
    """Each model's info and card (the models fetched together); each card's text ("" if unread)."""
    return [_add_model(role, pair, crawl) for pair in together(_model_calls(repo_ids, fetchers))]


def _model_calls(repo_ids: list[str], fetchers: Fetchers) -> list[Callable[[], tuple[Fetched, Fetched]]]:
    return [partial(_with_card, fetchers.hub.model, fetchers.hub.model_card, r) for r in repo_ids]


def _with_card(
    info_of: Callable[[str], Fetched], card_of: Callable[[str], Fetched], repo_id: str
) -> tuple[Fetched, Fetched]:
    # The info first: a card whose commit is unchanged since the last run is not asked for.
    info = info_of(repo_id)
    return info, card_of(repo_id)


def _add_model(role: str, pair: tuple[Fetched, Fetched], crawl: ProjectCrawl) -> tuple[Fetched, str]:
    info, card = pair
    crawl.add(role, info)
    crawl.add(role, card)
    return info, card.data if card.ok else ""


def _github_repos(role: str, full_names: list[str], fetchers: Fetchers, crawl: ProjectCrawl) -> list[str]:
    """Each repo's info (then its tree) and README, all fetched together; the READMEs' texts."""
    fetched = together(_repo_calls(full_names, fetchers))
    return [_add_repo(role, with_tree, readme, crawl) for with_tree, readme in _pairs(fetched)]


def _repo_calls(full_names: list[str], fetchers: Fetchers) -> list[Callable[[], Any]]:
    return [
        call
        for name in full_names
        for call in (partial(_repo_with_tree, name, fetchers), partial(fetchers.github.readme, name))
    ]


def _repo_with_tree(full_name: str, fetchers: Fetchers) -> tuple[Fetched, Fetched | None]:
    repo = fetchers.github.repo(full_name)
    if not (repo.ok and isinstance(repo.data.get("default_branch"), str)):
        return repo, None
    # A renamed repo answers under its new name; address the tree by that name.
    current_name = repo.data.get("full_name") or full_name
    return repo, fetchers.github.tree(current_name, repo.data["default_branch"])


def _add_repo(role: str, with_tree: tuple[Fetched, Fetched | None], readme: Fetched, crawl: ProjectCrawl) -> str:
    repo, tree = with_tree
    crawl.add(role, repo)
    crawl.add(role, readme)
    if tree is not None:
        crawl.add(role, tree)
    return decode_readme(readme.data) if readme.ok else ""


def _follow_links(texts: list[str], fetchers: Fetchers, crawl: ProjectCrawl) -> None:
    """One hop from the project's own cards and README. What does not depend on another
    fetch of the hop is fetched together (`crawler/workers.py`), in three rounds: what the
    project's own texts link; then the papers these and the datasets name; then the repos
    the papers' abstracts link. Resources are recorded in the same order whatever the
    rounds' timing."""
    text = "\n\n".join(t for t in texts if t)
    infos = [f.data for role in ("model", "base") for f in crawl.of(role, "hf_model") if f.ok]
    entry_repos = {f.target.lower() for f in crawl.of("github", "github_repo")}
    crawled_models = {f.target for f in crawl.of("model") + crawl.of("base")}
    models = [m for m in links.hf_models(text) if m not in crawled_models][:MAX_LINKS_PER_KIND]
    linked_repos = [r for r in links.github_repos(text) if r.lower() not in entry_repos][:MAX_LINKS_PER_KIND]
    packages = links.pip_install_targets(text)[:MAX_LINKS_PER_KIND]
    # A GitHub project's released models are the Hub models its README links: the
    # datasets and papers their metadata names are the project's own, so its datasets
    # wait for those models.
    datasets = _datasets(infos, text) if infos else []
    groups = [
        _model_calls(models, fetchers),
        _repo_calls(linked_repos, fetchers),
        [partial(fetchers.pypi.project, p) for p in packages],
        _dataset_calls(datasets, fetchers),
    ]
    model_results, repo_results, package_results, dataset_results = _together_each(groups)
    for pair in model_results:
        _add_model("linked_model", pair, crawl)
    if not infos:
        infos = [f.data for f in crawl.of("linked_model", "hf_model") if f.ok]
        datasets = _datasets(infos, text)
        dataset_results = together(_dataset_calls(datasets, fetchers))
    for info, card in dataset_results:
        crawl.add("dataset", info)
        crawl.add("dataset", card)
    own_readmes: list[str] = []
    for repo, (with_tree, readme) in zip(linked_repos, _pairs(repo_results), strict=True):
        readme_text = _add_repo("linked_github", with_tree, readme, crawl)
        if _is_makers_repo(repo, crawl):
            own_readmes.append(readme_text)
    dataset_infos = [f.data for f in crawl.of("dataset", "hf_dataset") if f.ok]
    # A dataset's card names its paper ("**Paper:** arxiv.org/abs/…") even where the
    # Hub shows no arxiv: tag; for a data-first project that paper is its own.
    dataset_cards = "\n\n".join(f.data for f in crawl.of("dataset", "hf_dataset_card") if f.ok)
    # The makers' own repo that a card links is their own text too: its README is where a
    # release often links its technical report ("coming soon" on a card written earlier).
    arxiv = _arxiv_of(infos) + links.arxiv_ids(text) + _arxiv_of(dataset_infos) + links.arxiv_ids(dataset_cards)
    arxiv += links.arxiv_ids("\n\n".join(own_readmes))
    for entry in together([partial(fetchers.arxiv.entry, a) for a in _unique(arxiv)[:MAX_LINKS_PER_KIND]]):
        crawl.add("arxiv", entry)
    # A paper's abstract links the code behind it ("Our code and data are public at
    # github.com/X") where a card often does not: the same hop as a card's links.
    seen_repos = entry_repos | {r.lower() for r in linked_repos}
    abstracts = "\n\n".join(f.data for f in crawl.of("arxiv") if f.ok)
    from_papers = [r for r in links.github_repos(abstracts) if r.lower() not in seen_repos]
    _github_repos("linked_github", from_papers[: MAX_LINKS_PER_KIND - len(linked_repos)], fetchers, crawl)
    for package in package_results:
        crawl.add("pypi", package)


def _together_each(groups: list[list[Callable[[], Any]]]) -> list[list[Any]]:
    """All groups' calls fetched together; the results, group by group."""
    results = together([call for group in groups for call in group])
    split, start = [], 0
    for group in groups:
        split.append(results[start : start + len(group)])
        start += len(group)
    return split


def _datasets(infos: list[Any], text: str) -> list[str]:
    return _unique(_datasets_of(infos) + links.hf_datasets(text))[:MAX_LINKS_PER_KIND]


def _dataset_calls(datasets: list[str], fetchers: Fetchers) -> list[Callable[[], tuple[Fetched, Fetched]]]:
    return [partial(_with_card, fetchers.hub.dataset, fetchers.hub.dataset_card, d) for d in datasets]


def _is_makers_repo(full_name: str, crawl: ProjectCrawl) -> bool:
    """A linked GitHub repo of the entry's owner (spelled alike: Skywork / SkyworkAI)."""
    entries = [f.target for f in crawl.of("model", "hf_model")] + [f.target for f in crawl.of("github", "github_repo")]
    owner = full_name.split("/")[0]
    return any(same_owner(owner, entry.split("/")[0]) for entry in entries)


def is_repo_id(value: str, allow_bare_name: bool = False) -> bool:
    """A Hub or GitHub `owner/name` of safe characters (never a path like `../x`)."""
    pattern = REPO_ID_OR_NAME if allow_bare_name else REPO_ID
    return bool(pattern.fullmatch(value))


def _datasets_of(infos: list[Any]) -> list[str]:
    found = [name for info in infos for name in declared_datasets(info)]
    return _unique(d.strip() for d in found if is_repo_id(d.strip(), allow_bare_name=True))


def _arxiv_of(infos: list[Any]) -> list[str]:
    return _unique(paper for info in infos for paper in tagged_papers(info))


def _pairs(items: list[Any]) -> list[tuple[Any, Any]]:
    """(1st, 2nd), (3rd, 4th), ...: the two fetches each resource was made of."""
    return list(zip(items[::2], items[1::2], strict=True))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
