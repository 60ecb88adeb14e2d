"""Turn one project's crawl into plain evidence records.

No grading here: only what each resource says, with its URL, and what could not be
known. A resource that failed to fetch is listed in `unknown`, never read as absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.github import decode_readme
from crawler.lineage import declared_bases, unlinked_base_names
from crawler.links import Link, find_links
from crawler.results import Fetched, ProjectCrawl
from index.evidence.cards import Card, parse_card, without_credit_sections
from index.evidence.code import Readme, RepoCode, classify_tree, readme_evidence
from index.evidence.licenses import License, code_license_in_text, licenses_in_text, normalise_license
from index.evidence.names import identity_tokens, same_owner
from index.evidence.papers import Paper, claims_paper_as_own, parse_arxiv_feed, presents_as_paper

HUB_PAGE = "https://huggingface.co"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf", ".ggml", ".ckpt", ".h5", ".msgpack", ".npz", ".onnx")
WEIGHT_NAME = re.compile(r"(model|weights|pytorch_model|consolidated|adapter_model|rwkv|ckpt|checkpoint|params)", re.I)
GATE_TERMS = re.compile(
    r"\bagree|\blicen[cs]e\b|acceptable use|terms (?:of use|and conditions)|协议|许可", re.IGNORECASE
)
URLS_AND_TAGS = re.compile(r"<[^>]*>|\(?https?://\S+\)?")
ENCRYPTED_NAME = re.compile(r"(^|[-_.])enc([-_.]|$)", re.IGNORECASE)
# "-delta", "-diff", "-xor", and the weight diffs named "-wdiff" / "weight-diff"
DELTA_WORDS = re.compile(r"(^|[-_./])(delta|w?diff|weights?[-_]diff|xor)([-_./]|$)", re.I)
# Tags the Hub derives from the files it holds; they say weights exist even when the
# file listing is missing.
WEIGHT_FORMAT_TAGS = frozenset({"pytorch", "safetensors", "gguf", "jax", "tf", "onnx", "mlx", "keras", "ggml"})
WEIGHT_LIBRARIES = frozenset({"transformers", "peft", "mlx", "gguf", "llama.cpp", "vllm"})
# How cards say a model was tuned from another one.
TUNED_FROM_WORDS = re.compile(
    r"(?:fine-?tuned|trained|built|initiali[sz]ed|distilled)\s+(?:from|on top of|upon)\b|"
    r"fine-?tuned (?:version|variant) of|\b(?:its|the) base\b|instruction[- ](?:fine-?)?tuned",
    re.I,
)
# A link to another repo's license file (a license badge) credits it; it names no material.
LICENSE_FILE_URL = re.compile(r"/(?:[A-Z_]*LICEN[CS]E[\w.-]*|COPYING[\w.-]*)$", re.IGNORECASE)
TUNED_NAME = re.compile(r"(^|[-_.])(chat|instruct|instruction|it|sft|rlhf|dpo|tuned|assistant)([-_.]|$)", re.I)
# A generative AI system's model; None counts, since older repos lack the tag.
TEXT_GENERATION_TASKS = frozenset(
    {None, "text-generation", "text2text-generation", "conversational", "image-text-to-text"}
)


@dataclass(frozen=True)
class ModelEvidence:
    """A Hub model repo: the released model, a base model, or one linked from a README."""

    repo_id: str
    page_url: str
    found: bool
    card: Card | None
    card_url: str | None
    gated: str | None = None
    disabled: bool = False
    weight_files: tuple[str, ...] = ()
    encrypted: bool = False
    delta_only: bool = False
    adapter_only: bool = False
    licenses: tuple[License, ...] = ()
    datasets: tuple[str, ...] = ()  # named by its metadata (cardData / tags) or linked from its card
    tags: tuple[str, ...] = ()
    pipeline_tag: str | None = None
    library_name: str | None = None
    files_listed: bool = False  # the Hub returned a file listing (captures may lack it)
    card_says_tuned: bool = False  # the card says the model was tuned from another
    has_config: bool = False  # a config.json: the architecture in machine-readable form
    gate_text: str = ""  # what the Hub's access gate asks (extra_gated_* front matter)
    hosted_inference_disabled: bool = False  # the card's `inference: false` turns off the Hub's API
    parameters: int | None = None  # total parameter count in the Hub's safetensors metadata
    declared_bases: tuple[str, ...] = ()  # what its metadata, else its card, says it was made from
    unlinked_bases: tuple[str, ...] = ()  # base names its card gives with no Hub id to follow

    @property
    def gate_asks_to_accept_terms(self) -> bool:
        """The access gate makes users accept an agreement or licence, not merely leave
        contact details: terms beyond the declared licence."""
        return bool(self.gated) and bool(GATE_TERMS.search(URLS_AND_TAGS.sub(" ", self.gate_text)))

    @property
    def weights_seen(self) -> bool:
        """Weights are shown to be in the repo: listed weight files, or the format tags the
        Hub derives from the files it holds (a listing may be partial), or, without any
        listing, the library and task the Hub shows for a model."""
        if not self.found or self.disabled:
            return False
        if self.weight_files or WEIGHT_FORMAT_TAGS & set(self.tags):
            return True
        return not self.files_listed and (self.library_name in WEIGHT_LIBRARIES or bool(self.pipeline_tag))

    @property
    def has_weights(self) -> bool:
        """The repo holds weights, as far as is known: seen, or not ruled out. Without a file
        listing, what the repo holds is unknown, not absent; a model repo the Hub serves is
        taken to hold its model. Only a listing without weight files rules them out."""
        if not self.found or self.disabled:
            return False
        return self.weights_seen or not self.files_listed

    @property
    def is_tuned(self) -> bool:
        """An instruction / chat / preference-tuned model, by the Hub's conventions; a weight
        diff (`-delta`, `-wdiff`) is one too: it is a diff against the base it tunes."""
        name = self.repo_id.rsplit("/", 1)[-1]
        tuned = bool(TUNED_NAME.search(name)) or "conversational" in self.tags or self.card_says_tuned
        return tuned or self.delta_only

    @property
    def generates_text(self) -> bool:
        return self.pipeline_tag in TEXT_GENERATION_TASKS


# A dataset card saying the repo holds only part of the data it describes ("This public
# extract should contain 500-650GT", "a 10% sample of the corpus").
PART_OF_THE_DATA = re.compile(
    r"\b(?:this|the)\s+(?:public|released|open)\s+(?:extract|sample|subset|portion)\b"
    r"|\bonly\s+(?:a|an)\s+(?:small\s+)?(?:extract|sample|subset|part|portion)\s+of\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DatasetEvidence:
    repo_id: str
    page_url: str
    found: bool
    gated: str | None
    licenses: tuple[License, ...]
    card: Card | None
    card_url: str | None
    fetch_failed: bool = False  # its info could not be read: unknown, not absent

    @property
    def extract_only(self) -> bool:
        """Its card says it publishes only an extract of the data it describes."""
        return self.card is not None and bool(PART_OF_THE_DATA.search(self.card.body))


@dataclass(frozen=True)
class RepoEvidence:
    full_name: str
    page_url: str
    found: bool
    license: License | None
    code: RepoCode
    readme: Readme
    readme_url: str | None
    archived: bool = False
    directories: frozenset[str] = frozenset()  # where its own Python packages live (package_directories)

    @property
    def owner(self) -> str:
        return self.full_name.split("/")[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/")[-1]


@dataclass(frozen=True)
class PackageEvidence:
    name: str
    page_url: str
    version: str | None
    summary: str
    project_urls: tuple[str, ...]


@dataclass(frozen=True)
class ProjectEvidence:
    project_id: str
    released: ModelEvidence | None
    bases: tuple[ModelEvidence, ...] = ()
    linked_models: tuple[ModelEvidence, ...] = ()
    datasets: tuple[DatasetEvidence, ...] = ()
    repos: tuple[RepoEvidence, ...] = ()
    linked_repos: tuple[RepoEvidence, ...] = ()
    papers: tuple[Paper, ...] = ()
    packages: tuple[PackageEvidence, ...] = ()
    unknown: tuple[str, ...] = field(default=())
    identity: frozenset[str] = frozenset()  # words that name the system or its base (see names.py)
    # Words that name the makers' own work: the release and GitHub entries, not a base
    # another organisation made (its name does not make that organisation's repos ours).
    own_identity: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()  # Hub / GitHub owners of the entry repos
    own_links: tuple[Link, ...] = ()  # links in the system's own cards and README
    # Peer-review venue links those texts present as a paper (papers.presents_as_paper).
    venue_links_as_papers: tuple[str, ...] = ()
    # GitHub repos (lower-case owner/name) the own texts link only to credit them: in an
    # acknowledgements or citation section, or to their license file.
    credited_repos: frozenset[str] = frozenset()

    @property
    def all_repos(self) -> tuple[RepoEvidence, ...]:
        return self.repos + self.linked_repos


def extract(crawl: ProjectCrawl) -> ProjectEvidence:
    """Plain evidence for one project; a pure function of the crawl."""
    return assemble(
        crawl.project_id,
        released=_models(crawl, "model"),
        bases=_models(crawl, "base"),
        repos=_repos(crawl, "github"),
        linked_models=tuple(_models(crawl, "linked_model")),
        datasets=tuple(_datasets(crawl)),
        linked_repos=tuple(_repos(crawl, "linked_github")),
        papers=tuple(_papers(crawl)),
        packages=tuple(_packages(crawl)),
        unknown=tuple(sorted({f.url for _, f in crawl.resources if f.unknown})),
    )


def assemble(
    project_id: str,
    *,
    released: Sequence[ModelEvidence],
    bases: Sequence[ModelEvidence] = (),
    repos: Sequence[RepoEvidence] = (),
    linked_models: tuple[ModelEvidence, ...] = (),
    datasets: tuple[DatasetEvidence, ...] = (),
    linked_repos: tuple[RepoEvidence, ...] = (),
    papers: tuple[Paper, ...] = (),
    packages: tuple[PackageEvidence, ...] = (),
    unknown: tuple[str, ...] = (),
) -> ProjectEvidence:
    """A project's evidence from its parts. What names the system and what its makers say
    are derived from the entries (released models, bases, GitHub entries) and their cards
    and READMEs: identity, owners, own links, venue links presented as papers, credits."""
    released, bases, repos = list(released), list(bases), list(repos)
    entry_names = [m.repo_id for m in released + bases] + [r.full_name for r in repos]
    own_texts = [m.card.body for m in released + bases if m.card is not None] + [r.readme.text for r in repos]
    makers = makers_names(released, bases, repos)
    return ProjectEvidence(
        project_id=project_id,
        released=released[0] if released else None,
        bases=tuple(bases),
        linked_models=linked_models,
        datasets=datasets,
        repos=tuple(repos),
        linked_repos=linked_repos,
        papers=papers,
        packages=packages,
        unknown=unknown,
        # Base names count: a paper about the base documents the system's first stage.
        identity=identity_tokens(entry_names),
        own_identity=identity_tokens(makers),
        owners=frozenset(name.split("/")[0].lower() for name in makers),
        own_links=tuple(link for text in own_texts for link in find_links(text)),
        venue_links_as_papers=tuple(venue_links_as_papers_in(own_texts)),
        credited_repos=credited_repos(own_texts),
    )


def venue_links_as_papers_in(texts: list[str]) -> list[str]:
    """The peer-review venue links of the texts that they present as a paper of the makers'."""
    return [
        link.url
        for text in texts
        for line in text.splitlines()
        for link in find_links(line)
        if link.kind == "proceedings" and presents_as_paper(line, link.url) and claims_paper_as_own(line)
    ]


def makers_names(released: list[ModelEvidence], bases: list[ModelEvidence], repos: list[RepoEvidence]) -> list[str]:
    """Repo ids of the makers' own work: the release, the GitHub entries, and bases of
    the release's owner. A base another organisation made is reused material: its
    owner's tools (a training framework, an evaluation harness) are not the system's.
    Without a release, the bases are the system."""
    makers = [m.repo_id for m in released] + [r.full_name for r in repos]
    if not makers:
        return [m.repo_id for m in bases]
    owners = {name.split("/")[0] for name in makers}
    return makers + [b.repo_id for b in bases if any(same_owner(b.repo_id.split("/")[0], o) for o in owners)]


def credited_repos(texts: list[str]) -> frozenset[str]:
    """GitHub repos the texts link only to credit them (see ProjectEvidence.credited_repos)."""
    linked = {link.target for text in texts for link in find_links(text) if link.kind == "github"}
    as_material = {
        link.target
        for text in texts
        for link in find_links(without_credit_sections(text))
        if link.kind == "github" and not LICENSE_FILE_URL.search(link.url.rstrip("/"))
    }
    return frozenset(linked - as_material)


def _models(crawl: ProjectCrawl, role: str) -> list[ModelEvidence]:
    cards = {f.target: f for f in crawl.of(role, "hf_card")}
    return [model_evidence(info, cards.get(info.target)) for info in crawl.of(role, "hf_model")]


def model_evidence(info: Fetched, card: Fetched | None) -> ModelEvidence:
    parsed_card = parse_card(card.data) if card is not None and card.ok else None
    card_url = card.url if parsed_card is not None else None
    page = f"{HUB_PAGE}/{info.target}"
    if not info.ok:
        return ModelEvidence(info.target, page, False, parsed_card, card_url)
    data: Any = info.data
    # Releasers name delta and encrypted repos so ("...-delta", "...-enc"); the name is
    # evidence when the file listing is missing.
    name = info.target.rsplit("/", 1)[-1]
    files = tuple(s.rfilename for s in data.siblings or [])
    weights = tuple(f for f in files if is_weight_file(f))
    metadata = _card_metadata(data, parsed_card)
    card_text = card.data if card is not None and card.ok else ""
    unlinked = tuple(unlinked_base_names(card_text, info.target))
    return ModelEvidence(
        repo_id=info.target,
        page_url=page,
        found=True,
        card=parsed_card,
        card_url=card_url,
        gated=_gated(data.gated),
        disabled=bool(data.disabled),
        weight_files=weights,
        encrypted=any(f.endswith(".enc") for f in files) or bool(ENCRYPTED_NAME.search(name)),
        delta_only=bool(weights)
        and all(DELTA_WORDS.search(f) for f in weights)
        or _says_delta(data)
        or bool(DELTA_WORDS.search(name)),
        adapter_only=bool(weights) and all("adapter" in w.lower() for w in weights),
        licenses=_hub_licenses(data.tags or [], metadata, parsed_card),
        datasets=_datasets_named(data, metadata, parsed_card),
        tags=tuple(data.tags or []),
        pipeline_tag=data.pipeline_tag,
        library_name=data.library_name,
        files_listed=bool(files),
        card_says_tuned=bool(unlinked) or (parsed_card is not None and bool(TUNED_FROM_WORDS.search(parsed_card.body))),
        has_config="config.json" in files,
        gate_text=" ".join(str(v) for k, v in metadata.items() if k.startswith("extra_gated")),
        hosted_inference_disabled=metadata.get("inference") is False,
        parameters=_safetensors_total(data),
        declared_bases=tuple(declared_bases(data, card_text, info.target)),
        unlinked_bases=unlinked,
    )


def _datasets_named(data: Any, metadata: dict[str, Any], card: Card | None) -> tuple[str, ...]:
    """Datasets a model names: its front matter's `datasets`, its `dataset:` tags, and the
    Hub datasets its card links outside its credit sections."""
    declared = metadata.get("datasets")
    named = [declared] if isinstance(declared, str) else [d for d in declared or [] if isinstance(d, str)]
    named += [t.removeprefix("dataset:") for t in data.tags or [] if t.startswith("dataset:")]
    if card is not None:
        named += [link.target for link in find_links(without_credit_sections(card.body)) if link.kind == "hf_dataset"]
    return tuple(dict.fromkeys(d.strip() for d in named if d.strip()))


def _safetensors_total(data: Any) -> int | None:
    total = getattr(getattr(data, "safetensors", None), "total", None)
    return total if isinstance(total, int) and total > 0 else None


def is_weight_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower().removesuffix(".enc")
    if "." not in name:
        # Delta releases often ship extension-less files such as "model_13b_diff_v1".
        return bool(DELTA_WORDS.search(name))
    if not name.endswith(WEIGHT_SUFFIXES) or name.startswith("training_args"):
        return False
    return bool(WEIGHT_NAME.search(name)) or name.endswith((".safetensors", ".gguf"))


def _says_delta(data: Any) -> bool:
    return any("delta" in t.lower() for t in data.tags or [])


def _gated(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _card_metadata(data: Any, card: Card | None) -> dict[str, Any]:
    metadata = data.card_data.to_dict() if getattr(data, "card_data", None) else {}
    if not metadata and card is not None:
        metadata = card.metadata
    return metadata


def _hub_licenses(tags: list[str], metadata: dict[str, Any], card: Card | None) -> tuple[License, ...]:
    raw: list[str] = []
    declared = metadata.get("license")
    raw += [declared] if isinstance(declared, str) else [d for d in declared or [] if isinstance(d, str)]
    if isinstance(metadata.get("license_name"), str):
        raw.append(metadata["license_name"])
    raw += [t.removeprefix("license:") for t in tags if t.startswith("license:")]
    found = [normalise_license(r, "hf_metadata") for r in dict.fromkeys(raw)]
    if not found and card is not None:
        found = [normalise_license(r, "card_text") for r in licenses_in_text(card.body, of_the_model=True)]
    return tuple(lic for lic in found if lic is not None)


def _datasets(crawl: ProjectCrawl) -> list[DatasetEvidence]:
    cards = {f.target: f for f in crawl.of("dataset", "hf_dataset_card")}
    found = []
    for info in crawl.of("dataset", "hf_dataset"):
        card_fetch = cards.get(info.target)
        card = parse_card(card_fetch.data) if card_fetch is not None and card_fetch.ok else None
        data: Any = info.data if info.ok else None
        tags = list(data.tags or []) if data is not None else []
        metadata = data.card_data.to_dict() if data is not None and getattr(data, "card_data", None) else {}
        found.append(
            DatasetEvidence(
                repo_id=info.target,
                page_url=f"{HUB_PAGE}/datasets/{info.target}",
                found=info.ok,
                gated=_gated(data.gated) if data is not None else None,
                licenses=_hub_licenses(tags, metadata, card),
                card=card,
                card_url=card_fetch.url if card is not None and card_fetch is not None else None,
                fetch_failed=info.unknown,
            )
        )
    return found


def _repos(crawl: ProjectCrawl, role: str) -> list[RepoEvidence]:
    readmes = {f.target: f for f in crawl.of(role, "github_readme")}
    trees = {f.target: f for f in crawl.of(role, "github_tree")}
    repos = []
    for repo in crawl.of(role, "github_repo"):
        readme = readmes.get(repo.target)
        tree = trees.get(repo.target)
        data = repo.data if repo.ok else {}
        license_data = data.get("license") if isinstance(data.get("license"), dict) else None
        readme_text = decode_readme(readme.data) if readme is not None and readme.ok else ""
        repos.append(
            RepoEvidence(
                full_name=repo.target,
                page_url=f"https://github.com/{data.get('full_name') or repo.target}",
                found=repo.ok,
                license=_repo_license(license_data, readme_text),
                code=classify_tree(tree.data if tree is not None and tree.ok else None),
                readme=readme_evidence(readme_text),
                readme_url=readme.url if readme is not None and readme.ok else None,
                archived=bool(data.get("archived")),
                directories=package_directories(tree.data if tree is not None and tree.ok else None),
            )
        )
    return repos


def _repo_license(license_data: dict | None, readme: str) -> License | None:
    """GitHub's detected license; where it detected none (no LICENSE file, or one it
    cannot match: NOASSERTION), the code license the README states."""
    detected = normalise_license(license_data.get("spdx_id"), "github") if license_data else None
    if detected is not None and detected.spdx is not None:
        return detected
    return normalise_license(code_license_in_text(readme), "readme") or detected


def package_directories(tree: Any) -> frozenset[str]:
    """Names (lower-case) of the repo's directories where a Python package of its own
    lives: at the root or under `src/`, the two standard layouts. A folder deeper down
    (`examples/vllm`, `third_party/transformers`) holds examples or vendored code, not a
    package the repo releases."""
    entries = tree.get("tree") if isinstance(tree, dict) else None
    if not isinstance(entries, list):
        return frozenset()
    paths = [str(e["path"]) for e in entries if isinstance(e, dict) and e.get("type") == "tree" and e.get("path")]
    return frozenset(p.removeprefix("src/").lower() for p in paths if "/" not in p.removeprefix("src/"))


def _papers(crawl: ProjectCrawl) -> list[Paper]:
    papers = []
    for fetched in crawl.of("arxiv"):
        if fetched.ok:
            papers += parse_arxiv_feed(fetched.data, fetched.target)
    return papers


def _packages(crawl: ProjectCrawl) -> list[PackageEvidence]:
    packages = []
    for fetched in crawl.of("pypi"):
        info = fetched.data.get("info") if fetched.ok else None
        if not isinstance(info, dict):
            continue
        urls = info.get("project_urls") if isinstance(info.get("project_urls"), dict) else {}
        home = [info["home_page"]] if isinstance(info.get("home_page"), str) and info["home_page"] else []
        packages.append(
            PackageEvidence(
                name=str(info.get("name") or fetched.target),
                page_url=f"https://pypi.org/project/{fetched.target}/",
                version=str(info["version"]) if info.get("version") else None,
                summary=str(info.get("summary") or ""),
                project_urls=tuple(str(u) for u in [*home, *urls.values()] if isinstance(u, str)),
            )
        )
    return packages
