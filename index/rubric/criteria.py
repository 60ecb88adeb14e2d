"""The 14 criteria of RUBRIC.md, one pure function each, listed in `RULES`.

Each rule reads only the evidence and returns a Grade whose reason a person can check
against the evidence URLs. Rule ids name the branch that decided.
"""

from __future__ import annotations

from collections.abc import Callable

from index.evidence.project import ProjectEvidence
from index.rubric import helpers as h
from index.rubric.grades import CRITERIA, Grade

SECTION_GROUPS_FOR_FULL_CARD = ("architecture", "training_data", "training_procedure", "evaluation")


def opencode(ev: ProjectEvidence) -> Grade:
    repos = h.own_repos(ev)
    training = [r for r in repos if r.code.training_files or r.code.finetuning_files]
    if training:
        files = [f for r in training for f in (*r.code.training_files, *r.code.finetuning_files)]
        return h.grade("opencode", "open", f"training / fine-tuning code in the repo, e.g. {files[0]}",
                       [r.page_url for r in training], "opencode.training_code_public")
    with_code = [r for r in repos if r.code.source_file_count]
    if with_code:
        return h.grade("opencode", "partial", "public code, but no training or fine-tuning code found",
                       [r.page_url for r in with_code], "opencode.some_code_only")
    return h.nothing("opencode", "no public repository with source code", "opencode.none")


def llmdata(ev: ProjectEvidence) -> Grade:
    datasets = h.pretraining_datasets(ev)
    available = [d for d in datasets if d.found and not d.gated]
    if available and len(available) == len(datasets):
        return h.grade("llmdata", "open", f"pre-training data downloadable: {', '.join(d.repo_id for d in available)}",
                       [d.page_url for d in available], "llmdata.datasets_downloadable")
    if datasets:
        return h.grade("llmdata", "partial", "pre-training data named, but some of it gated or not found",
                       [d.page_url for d in datasets], "llmdata.datasets_partly_available")
    described = [(c, u) for c, u in h.cards(h.base_models(ev)) if "training_data" in c.sections]
    if described:
        return h.grade("llmdata", "partial", "pre-training data described in the base model card, not downloadable",
                       [u for _, u in described], "llmdata.described_only")
    return h.nothing("llmdata", "no pre-training dataset named or described", "llmdata.none")


def _weights(criterion: str, models: tuple, what: str) -> Grade:
    found = [m for m in models if m.found]
    restricted = [m for m in found if m.gated or m.delta_only or m.encrypted or m.adapter_only]
    free = [m for m in found if m.downloadable and m not in restricted]
    if free:
        return h.grade(criterion, "open", f"{what} weights downloadable ({free[0].weight_files[0]}, ...)",
                       [m.page_url for m in free], f"{criterion}.downloadable")
    if restricted:
        why = "gated" if restricted[0].gated else "delta / encrypted / adapter-only"
        return h.grade(criterion, "partial", f"{what} weights released but restricted ({why})",
                       [m.page_url for m in restricted], f"{criterion}.restricted")
    if found:
        return h.grade(criterion, "partial", f"{what} model repo exists but lists no weight files",
                       [m.page_url for m in found], f"{criterion}.repo_without_weights")
    return h.nothing(criterion, f"no {what} model repo found", f"{criterion}.none")


def llmweights(ev: ProjectEvidence) -> Grade:
    return _weights("llmweights", h.base_models(ev), "base")


def rlweights(ev: ProjectEvidence) -> Grade:
    return _weights("rlweights", h.released_models(ev), "released")


def rldata(ev: ProjectEvidence) -> Grade:
    datasets = h.tuning_datasets(ev)
    available = [d for d in datasets if d.found and not d.gated]
    if available and len(available) == len(datasets):
        return h.grade("rldata", "open", f"tuning data downloadable: {', '.join(d.repo_id for d in available)}",
                       [d.page_url for d in available], "rldata.datasets_downloadable")
    if datasets:
        return h.grade("rldata", "partial", "tuning data named, but some of it gated or not found",
                       [d.page_url for d in datasets], "rldata.datasets_partly_available")
    return h.nothing("rldata", "no instruction / preference dataset named", "rldata.none")


def license(ev: ProjectEvidence) -> Grade:
    code = [(r.license, r.page_url) for r in h.own_repos(ev) if r.license is not None]
    model = [(lic, m.page_url) for m in h.released_models(ev) for lic in m.licenses]
    found = code + model
    if not found:
        return h.nothing("license", "no license on the model or its repository", "license.none")
    open_ones = [(lic, url) for lic, url in found if h.is_open_license(lic)]
    names = ", ".join(sorted({lic.spdx or lic.raw for lic, _ in found}))
    if len(open_ones) == len(found):
        return h.grade("license", "open", f"all components under open licenses ({names})",
                       [u for _, u in found], "license.all_open")
    if open_ones:
        return h.grade("license", "partial", f"only some components under open licenses ({names})",
                       [u for _, u in found], "license.some_open")
    return h.grade("license", "closed", f"no OSI-approved license ({names})", [u for _, u in found],
                   "license.none_open")


def code(ev: ProjectEvidence) -> Grade:
    repos = h.own_repos(ev)
    documented = [r for r in repos if {"install", "usage"} <= r.readme.sections]
    thorough = [r for r in documented if r.code.docs_files or len(r.readme.sections) >= 5]
    if thorough:
        return h.grade("code", "open", "README covers install and usage, with further documentation",
                       [r.readme_url for r in thorough], "code.documented")
    partly = documented or [r for r in repos if r.readme.sections]
    if partly:
        return h.grade("code", "partial", "README documents only some of the code",
                       [r.readme_url for r in partly], "code.partly_documented")
    return h.nothing("code", "no code documentation", "code.none")


def architecture(ev: ProjectEvidence) -> Grade:
    cards = h.cards(h.models_for_docs(ev))
    described = [(c, u) for c, u in cards if "architecture" in c.sections or c.has_hyperparameters]
    papers = [p for p in h.project_papers(ev) if "architecture" in p.topics]
    if described and papers:
        return h.grade("architecture", "open", "architecture in the model card and a paper",
                       [u for _, u in described] + [p.url for p in papers], "architecture.card_and_paper")
    if described or papers:
        urls = [u for _, u in described] + [p.url for p in papers]
        return h.grade("architecture", "partial", "architecture partly documented", urls,
                       "architecture.partly_documented")
    return h.nothing("architecture", "no architecture description", "architecture.none")


def preprint(ev: ProjectEvidence) -> Grade:
    papers = h.project_papers(ev)
    topics = set().union(*(p.topics for p in papers)) if papers else set()
    if papers and "pretraining" in topics and topics & {"finetuning", "rlhf"}:
        return h.grade("preprint", "open", "preprints cover pre-training and tuning",
                       [p.url for p in papers], "preprint.covers_all_stages")
    if papers:
        return h.grade("preprint", "partial", f"preprints cover only {', '.join(sorted(topics))}",
                       [p.url for p in papers], "preprint.covers_some")
    return h.nothing("preprint", "no arXiv preprint about the model", "preprint.none")


def paper(ev: ProjectEvidence) -> Grade:
    reviewed = [p for p in h.project_papers(ev) if p.peer_reviewed]
    if reviewed:
        return h.grade("paper", "partial", f"peer-reviewed: {reviewed[0].journal_ref or reviewed[0].doi or 'published'}",
                       [p.url for p in reviewed], "paper.peer_reviewed")
    return h.nothing("paper", "no peer-reviewed paper (journal_ref / DOI / proceedings)", "paper.none")


def modelcard(ev: ProjectEvidence) -> Grade:
    cards = h.cards(h.released_models(ev))
    if not cards:
        return h.nothing("modelcard", "no model card for the released model", "modelcard.none")
    card, url = max(cards, key=lambda c: len(c[0].sections))
    covered = [s for s in SECTION_GROUPS_FOR_FULL_CARD if s in card.sections]
    if len(covered) == len(SECTION_GROUPS_FOR_FULL_CARD):
        return h.grade("modelcard", "open", "card covers architecture, training and evaluation", [url],
                       "modelcard.comprehensive")
    if covered or len(card.sections) >= 2:
        return h.grade("modelcard", "partial", f"card covers {', '.join(covered) or 'few sections'}", [url],
                       "modelcard.partial")
    return h.grade("modelcard", "closed", "card has almost no documentation", [url], "modelcard.thin")


def datasheet(ev: ProjectEvidence) -> Grade:
    documented = [d for d in ev.datasets if d.card is not None and d.card.word_count >= 100]
    thorough = [d for d in documented if len(d.card.sections) >= 4]
    if thorough:
        return h.grade("datasheet", "open", "dataset card documents the data in depth",
                       [d.card_url for d in thorough], "datasheet.comprehensive")
    if documented:
        return h.grade("datasheet", "partial", "dataset card with some documentation",
                       [d.card_url for d in documented], "datasheet.partial")
    return h.nothing("datasheet", "no dataset card for the training data", "datasheet.none")


def package(ev: ProjectEvidence) -> Grade:
    repos = h.own_repos(ev)
    own_urls = {r.page_url.lower() for r in repos}
    own_names = {r.full_name.split("/")[-1].lower().replace("_", "-") for r in repos}
    own = [p for p in ev.packages if p.version and (
        any(u.lower().rstrip("/") in own_urls for u in p.project_urls) or p.name.lower().replace("_", "-") in own_names)]
    if own:
        return h.grade("package", "open", f"versioned package {own[0].name} {own[0].version} on PyPI",
                       [p.page_url for p in own], "package.versioned_release")
    packaged = [r for r in repos if r.code.packaging_files or r.code.inference_files]
    if packaged:
        return h.grade("package", "partial", "user-facing code, but no versioned package of its own",
                       [r.page_url for r in packaged], "package.code_only")
    return h.nothing("package", "no package or user-facing code", "package.none")


def api(ev: ProjectEvidence) -> Grade:
    models = [m for m in h.released_models(ev) if m.found and m.pipeline_tag]
    open_models = [m for m in models if not m.gated and m.downloadable]
    if open_models:
        return h.grade("api", "open", "model served through the Hub's open inference API",
                       [m.page_url for m in open_models], "api.hub_inference")
    if models:
        return h.grade("api", "partial", "model on the Hub, access restricted", [m.page_url for m in models],
                       "api.restricted")
    return h.nothing("api", "no programmatic access found", "api.none")


RULES: dict[str, Callable[[ProjectEvidence], Grade]] = {
    "opencode": opencode,
    "llmdata": llmdata,
    "llmweights": llmweights,
    "rldata": rldata,
    "rlweights": rlweights,
    "license": license,
    "code": code,
    "architecture": architecture,
    "preprint": preprint,
    "paper": paper,
    "modelcard": modelcard,
    "datasheet": datasheet,
    "package": package,
    "api": api,
}
assert tuple(RULES) == CRITERIA


def grade_project(ev: ProjectEvidence) -> list[Grade]:
    """All 14 grades, in criterion order."""
    return [rule(ev) for rule in RULES.values()]
