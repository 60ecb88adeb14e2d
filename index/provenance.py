"""Where each piece of evidence came from, and whether it could be read.

Three questions a reader checking a grade asks, answered here from a project's crawl
(while its payloads are still held) and nowhere else:

- Which page do I open? Every evidence URL is stored as the page a person reads
  (`crawler.pages.human_page`), and the URL the crawler fetched it from beside it.
- Why is this resource the project's at all? `resource_origins` says, for every
  resource fetched for the project, how the crawl reached it: the registry's entry, a
  base model named in a model's metadata or card, a repo linked from a card or README,
  a dataset or paper a model names, a package a README installs; with the page that
  named it and whether its owner is the project's own. These are the
  `project_resources` rows.
- Nothing found, or could not be read? A grade is `evidence_unknown` when its rule
  says it rests on unreadable evidence (an id ending in UNREADABLE_RULE_SUFFIX), when
  evidence it cites could not be fetched, or when it found nothing while a resource of
  a kind its criterion reads (`READS`, in the roles a rule reads), or one through which
  the crawl finds such resources (`FOUND_THROUGH`: the card or README that would have
  linked them), could not be fetched; its reason then says what could not be read.
  Grades themselves are never changed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler import links
from crawler.github import decode_readme
from crawler.hub import declared_datasets, tagged_papers
from crawler.lineage import base_models, bases_named_in_card
from crawler.pages import human_page
from crawler.results import Fetched, ProjectCrawl
from index.evidence.names import same_owner
from index.rubric.grades import Grade

# A rule branch whose id ends so decided on evidence that could not be read (the
# rubric's convention, e.g. modelcard.card_unreadable).
UNREADABLE_RULE_SUFFIX = "_unreadable"
# The kinds of resource each criterion's rule reads: a criterion that found nothing
# while one of these could not be fetched does not know that there is nothing.
READS: dict[str, frozenset[str]] = {
    "opencode": frozenset({"github_repo", "github_readme", "github_tree", "hf_card"}),
    "llmdata": frozenset({"hf_model", "hf_card", "hf_dataset"}),
    "llmweights": frozenset({"hf_model", "hf_card"}),
    "rldata": frozenset({"hf_model", "hf_card", "hf_dataset", "github_tree"}),
    "rlweights": frozenset({"hf_model"}),
    "license": frozenset({"hf_model", "hf_card", "github_repo", "github_readme"}),
    "code": frozenset({"github_repo", "github_readme", "github_tree"}),
    "architecture": frozenset({"arxiv", "hf_card", "github_readme", "github_tree"}),
    "preprint": frozenset({"arxiv", "hf_model", "hf_card", "github_readme"}),
    "paper": frozenset({"arxiv", "hf_model", "hf_card", "github_readme"}),
    "modelcard": frozenset({"hf_card"}),
    "datasheet": frozenset({"hf_model", "hf_card", "hf_dataset", "hf_dataset_card"}),
    "package": frozenset({"pypi", "github_readme", "github_tree", "hf_card"}),
    "api": frozenset({"hf_model", "hf_card", "github_readme", "github_tree"}),
}
# Where the crawl finds each kind of resource it reads (crawler/crawl.py's hops), as the
# (role, kind) of the resources whose text or metadata name it. When one of those could
# not be read, what it would have named was never asked for: a criterion that found
# nothing depends on them too.
_OWN_TEXTS = frozenset({("model", "hf_card"), ("base", "hf_card"), ("github", "github_readme")})
_MODEL_INFOS = frozenset({("model", "hf_model"), ("base", "hf_model"), ("linked_model", "hf_model")})
_REPO_SOURCES = _OWN_TEXTS | {("arxiv", "arxiv")}  # an abstract links the code behind it
_REPO_INFOS = frozenset({("github", "github_repo"), ("linked_github", "github_repo")})
FOUND_THROUGH: dict[str, frozenset[tuple[str, str]]] = {
    "hf_model": _OWN_TEXTS | _MODEL_INFOS,  # bases declared in metadata, models linked
    "hf_card": _OWN_TEXTS | _MODEL_INFOS,
    "hf_dataset": _OWN_TEXTS | _MODEL_INFOS,
    "hf_dataset_card": _OWN_TEXTS | _MODEL_INFOS,
    "github_repo": _REPO_SOURCES,
    # A repo is read with its info: the README and the tree (whose branch the info names).
    "github_readme": _REPO_SOURCES | _REPO_INFOS,
    "github_tree": _REPO_SOURCES | _REPO_INFOS,
    # Papers are named by cards, READMEs (the makers' own repos' too), model and dataset metadata.
    "arxiv": _OWN_TEXTS
    | _MODEL_INFOS
    | {("dataset", "hf_dataset"), ("dataset", "hf_dataset_card"), ("linked_github", "github_readme")},
    "pypi": _OWN_TEXTS,
}


def sources_of(criterion: str) -> frozenset[tuple[str, str]]:
    """The (role, kind) of the resources through which the crawl finds what a criterion reads."""
    return frozenset().union(*(FOUND_THROUGH.get(kind, frozenset()) for kind in READS.get(criterion, ())))


# Resources that come in pairs with an info resource (a card with its model info): the
# info stands for the repo in evidence given as the repo's page.
_INFO_KINDS = ("hf_model", "hf_dataset", "github_repo", "arxiv", "pypi")
# Kinds whose target is an owner/name repo.
_OWNED_KINDS = frozenset(
    {"hf_model", "hf_card", "hf_dataset", "hf_dataset_card", "github_repo", "github_readme", "github_tree"}
)
# Roles whose resources a rule reads as the system's own material (a Hub model linked
# from a README only for a project without a Hub entry: crawler/crawl.py).
_MATERIAL_ROLES = frozenset({"model", "base", "github", "dataset", "arxiv", "pypi", "linked_github"})
_ENTRY_VIA = {"model": "the registry's Hub entry", "github": "the registry's GitHub entry"}


@dataclass(frozen=True, slots=True)
class ResourceOrigin:
    """A `project_resources` row: one resource fetched for a project, and why."""

    project: str
    url: str  # as fetched (resources.url)
    role: str  # the crawl's role: model, base, dataset, github, linked_github, linked_model, arxiv, pypi
    kind: str  # hf_model, hf_card, github_repo, ... (crawler.results.Fetched)
    target: str  # owner/name, arXiv id or package name
    page: str  # the page a person opens
    owner: str | None  # the Hub / GitHub owner, for repos
    same_owner: bool | None  # that owner is one of the registry entries' owners
    via: str  # why the crawl fetched it for this project
    source: str | None  # the fetched URL of what named or linked it (None: the registry)


@dataclass(frozen=True)
class TracedGrade:
    """A grade as stored: evidence as pages, the fetched URL of each, and the unknowns."""

    evidence: list[str]
    fetched: list[str | None]
    unknown: bool
    reason: str


# What each role's resources are found through in a text (crawler/crawl.py's one hop).
_FINDERS: dict[str, tuple[str, Callable[[str], list[str]]]] = {
    "linked_model": ("linked from", links.hf_models),
    "linked_github": ("linked from", links.github_repos),
    "dataset": ("dataset linked from", links.hf_datasets),
    "arxiv": ("paper cited in", links.arxiv_ids),
    "pypi": ("installed by a pip command in", links.pip_install_targets),
}


@dataclass
class _Text:
    url: str
    label: str  # "the card of acme/x", "the README of acme/x"
    text: str
    _found: dict[str, frozenset[str]] = field(default_factory=dict)

    def names(self, role: str) -> frozenset[str]:
        """What the text points to for `role`, lower-cased (read once per text)."""
        if role not in self._found:
            self._found[role] = frozenset(found.lower() for found in _FINDERS[role][1](self.text))
        return self._found[role]


class CrawlView:
    """One project's crawl, indexed for tracing evidence (built while payloads are held)."""

    def __init__(self, crawl: ProjectCrawl) -> None:
        self.crawl = crawl
        self.by_url: dict[str, Fetched] = {}
        self._by_page: dict[str, str] = {}
        for _, fetched in crawl.resources:
            self.by_url.setdefault(fetched.url, fetched)
        # Info resources first: a repo's page stands for its info, not its card.
        ordered = sorted(self.by_url.values(), key=lambda f: f.kind not in _INFO_KINDS)
        for fetched in ordered:
            for page in _pages_of(fetched):
                self._by_page.setdefault(_page_key(page), fetched.url)
        self.texts = [text for role in ("model", "base", "github") for text in _texts(crawl, role)]
        self.dataset_texts = _texts(crawl, "dataset")
        self.linked_texts = _texts(crawl, "linked_github")  # read for the makers' papers
        self.paper_texts = _texts(crawl, "arxiv")  # their abstracts link code
        self.owners = frozenset(
            f.target.split("/")[0].lower() for role, f in crawl.resources if role in _ENTRY_VIA and "/" in f.target
        )

    def fetched_for(self, evidence: str) -> str | None:
        """The URL the evidence was read from: itself when fetched, the info resource of
        the page it names, else the card or README that links it (None: none does)."""
        if evidence in self.by_url:
            return evidence
        found = self._by_page.get(_page_key(evidence))
        if found is not None:
            return found
        return next((t.url for t in (*self.texts, *self.dataset_texts) if evidence in t.text), None)


def _pages_of(fetched: Fetched) -> list[str]:
    pages = [human_page(fetched.url)]
    data = fetched.data if fetched.ok else None
    if fetched.kind == "github_repo" and isinstance(data, dict) and isinstance(data.get("full_name"), str):
        pages.append(f"https://github.com/{data['full_name']}")  # a renamed repo's page
    return pages


def _page_key(url: str) -> str:
    return human_page(url).split("#", 1)[0].rstrip("/").lower()


def _texts(crawl: ProjectCrawl, role: str) -> list[_Text]:
    found = []
    for fetched in crawl.of(role):
        if not fetched.ok:
            continue
        if fetched.kind in ("hf_card", "hf_dataset_card"):
            what = "the card of dataset" if fetched.kind == "hf_dataset_card" else "the card of"
            found.append(_Text(fetched.url, f"{what} {fetched.target}", str(fetched.data)))
        elif fetched.kind == "github_readme":
            found.append(_Text(fetched.url, f"the README of {fetched.target}", decode_readme(fetched.data)))
        elif fetched.kind == "arxiv":
            found.append(_Text(fetched.url, f"the abstract of arXiv {fetched.target}", str(fetched.data)))
    return found


def trace(grade: Grade, view: CrawlView) -> TracedGrade:
    """A grade's evidence as pages with their fetched URLs, and what could not be read."""
    fetched = [view.fetched_for(url) for url in grade.evidence]
    unread = [view.by_url[url] for url in fetched if url is not None and view.by_url[url].unknown]
    if not grade.evidence:
        reads = READS.get(grade.criterion, frozenset())
        roles = _MATERIAL_ROLES | ({"linked_model"} if not view.crawl.of("model") else set())
        sources = sources_of(grade.criterion)
        unread += [
            f
            for role, f in view.crawl.resources
            if f.unknown
            and role in roles
            and (f.kind in reads or ((role, f.kind) in sources and _read_for_names(role, f, view)))
        ]
    unread = list({f.url: f for f in unread}.values())
    unknown = grade.rule.endswith(UNREADABLE_RULE_SUFFIX) or bool(unread)
    reason = grade.reason
    if unread and "could not be read" not in reason:
        # What could not be read first, not why nor how many more (show and the resources
        # table list them): a grade's reason is the same whichever way fetches failed.
        more = ", among others" if len(unread) > 1 else ""
        reason = f"{reason}; could not be read: {unread[0].url}{more}"
    return TracedGrade([human_page(url) for url in grade.evidence], fetched, unknown, reason)


def _read_for_names(role: str, fetched: Fetched, view: CrawlView) -> bool:
    """Whether the crawl reads this resource for what it names (crawler/crawl.py): a
    linked repo's README only when the repo is the makers' own (for their papers)."""
    if role == "linked_github" and fetched.kind == "github_readme":
        owner = fetched.target.split("/")[0]
        return any(same_owner(owner, o) for o in view.owners)
    return True


def resource_origins(view: CrawlView) -> list[ResourceOrigin]:
    """Every resource fetched for the project, once per role, with why it was fetched."""
    crawl = view.crawl
    rows: dict[tuple[str, str], ResourceOrigin] = {}
    reasons: dict[tuple[str, str], tuple[str, str | None]] = {}
    for role, fetched in crawl.resources:
        if (fetched.url, role) in rows:
            continue
        key = (role, fetched.target.lower())
        if key not in reasons:
            reasons[key] = _why(role, fetched.target, view)
        via, source = reasons[key]
        owner = fetched.target.split("/")[0] if fetched.kind in _OWNED_KINDS and "/" in fetched.target else None
        rows[(fetched.url, role)] = ResourceOrigin(
            project=crawl.project_id,
            url=fetched.url,
            role=role,
            kind=fetched.kind,
            target=fetched.target,
            page=human_page(fetched.url),
            owner=owner,
            same_owner=None if owner is None else any(same_owner(owner, o) for o in view.owners),
            via=via,
            source=source,
        )
    return list(rows.values())


def _why(role: str, target: str, view: CrawlView) -> tuple[str, str | None]:
    """How the crawl reached `target` in `role` (crawler/crawl.py's one hop), and from where."""
    if role in _ENTRY_VIA:
        return _ENTRY_VIA[role], None
    if role == "base":
        return _base_origin(target, view)
    if role == "dataset":
        named = _named_by_metadata(target, view, "hf_model", declared_datasets, "dataset named in the Hub metadata of")
        if named:
            return named
    if role == "arxiv":
        for kind, what in (("hf_model", "paper tagged on"), ("hf_dataset", "paper tagged on dataset")):
            named = _named_by_metadata(target, view, kind, tagged_papers, what)
            if named:
                return named
    if role in _FINDERS:
        texts = {
            "arxiv": [*view.texts, *view.dataset_texts, *view.linked_texts],
            "linked_github": [*view.texts, *view.paper_texts],
        }.get(role, view.texts)
        for text in texts:
            if target.lower() in text.names(role):
                return f"{_FINDERS[role][0]} {text.label}", text.url
    return f"fetched as {role.replace('_', ' ')}", None


def _base_origin(target: str, view: CrawlView) -> tuple[str, str | None]:
    models = [f for role in ("model", "base") for f in view.crawl.of(role, "hf_model") if f.ok]
    for model in models:
        if target.lower() in {b.lower() for b in base_models(model.data)}:
            return f"base model named in the Hub metadata of {model.target}", model.url
    for text in (t for t in view.texts if t.url.startswith("https://huggingface.co/")):
        owner_repo = text.label.removeprefix("the card of ")
        if target.lower() in {b.lower() for b in bases_named_in_card(text.text, owner_repo)}:
            return f"base model named in {text.label}", text.url
    return "base model of the release", None


def _named_by_metadata(target: str, view: CrawlView, kind: str, names: Any, words: str) -> tuple[str, str] | None:
    roles = ("model", "base", "linked_model") if kind == "hf_model" else ("dataset",)
    for role in roles:
        for info in view.crawl.of(role, kind):
            if info.ok and target.lower() in {n.lower() for n in names(info.data)}:
                return f"{words} {info.target}", info.url
    return None
