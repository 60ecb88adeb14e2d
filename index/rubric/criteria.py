"""The 14 criteria of RUBRIC.md, one pure function each, listed in `RULES`.

Each rule reads only the evidence and returns a Grade whose reason a person can check
against the evidence URLs. Rule ids name the branch that decided. Thresholds are set
from the calibration set's pattern of expert grades, stated where they are used.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.evidence.access import ollama_library_models, own_api_sections
from index.evidence.card_topics import card_topics
from index.evidence.licenses import License, is_noncommercial_license, noncommercial_terms
from index.evidence.names import names_the_system, same_family
from index.evidence.papers import Paper
from index.evidence.project import DatasetEvidence, ModelEvidence, ProjectEvidence, RepoEvidence
from index.rubric import architecture_findings as af
from index.rubric import helpers as h
from index.rubric.grades import CRITERIA, Grade

# A model card is comprehensive when it documents all of these (RUBRIC.md: "architecture,
# training (data and procedure), tuning and evaluation"; tuning is training too).
FULL_CARD = frozenset({"architecture", "training_data", "training", "evaluation"})
# A card of this many words sketches the model (architecture.sketched_in_card).
CARD_MIN_WORDS = 60
# Dataset cards: experts call short cards "no datasheet"; collection and curation need room.
DATASHEET_PARTIAL_WORDS = 300
DATASHEET_OPEN_WORDS = 1000
DATASHEET_OPEN_SECTIONS = 4
# Code documentation beyond a README: a docs folder or several documentation pages.
DOCS_PAGES_FOR_COMPREHENSIVE = 10
README_MIN_WORDS = 100
PRETRAINING_PATH = re.compile(r"pre[-_]?train", re.IGNORECASE)
# Trillions of training tokens is pre-training, not tuning: a tuned model's card that
# states them describes a base its makers trained themselves.
PRETRAINING_SCALE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:T|trillion)\s+tokens\b", re.IGNORECASE)


def opencode(ev: ProjectEvidence) -> Grade:
    repos = h.system_code_repos(ev)
    training = [r for r in repos if r.code.training_files or r.code.finetuning_files]
    stages = h.own_stages(ev)
    covered = _stages_in_code(training, stages)
    urls = [r.page_url for r in training]
    if training and covered >= stages:
        example = next(f for r in training for f in (*r.code.finetuning_files, *r.code.training_files))
        return h.grade(
            "opencode",
            "open",
            f"training code for every stage of the system is public (e.g. {example})",
            urls,
            "opencode.training_code_public",
        )
    if training:
        missing = ", ".join(sorted(stages - covered))
        return h.grade(
            "opencode",
            "partial",
            f"training code public for one stage only; none for {missing}",
            urls,
            "opencode.one_stage_only",
        )
    examples = [r for r in repos if r.code.example_training_files]
    if examples:
        example = examples[0].code.example_training_files[0]
        return h.grade(
            "opencode",
            "partial",
            f"only example scripts for users to tune the model (e.g. {example}), not the code that trained it",
            [r.page_url for r in examples],
            "opencode.tuning_examples_only",
        )
    # Another version's training code that the makers say this one continues ("the
    # fine-tuning method follows TeleChat2, see [repo]"): some code, not this system's.
    continued = [r for r in h.continued_version_repos(ev) if r.code.training_files or r.code.finetuning_files]
    if continued:
        return h.grade(
            "opencode",
            "partial",
            f"only the training code of another version ({continued[0].full_name}), which the makers say this one"
            " continues, is public",
            [r.page_url for r in continued],
            "opencode.other_version_only",
        )
    # RUBRIC.md: code for some stages "or data processing only" is partial.
    data = [r for r in repos if h.processes_training_data(r)]
    if data:
        return h.grade(
            "opencode",
            "partial",
            f"only code that builds the training data is public (e.g. {data[0].code.data_files[0]}), none that trains",
            [r.page_url for r in data],
            "opencode.data_processing_only",
        )
    # RUBRIC.md: inference, serving, quantisation or evaluation code alone is not training
    # code; the tools the makers link for running or evaluating the model hold such code.
    with_code = [r for r in (*repos, *h.tool_repos(ev)) if r.code.source_file_count]
    if with_code:
        return h.grade(
            "opencode",
            "closed",
            "the system's repos hold code to run the model, none to train or tune it",
            [r.page_url for r in with_code],
            "opencode.inference_only",
        )
    return h.nothing("opencode", "no repository of the system's own with source code", "opencode.none")


def _stages_in_code(repos: list, stages: frozenset[str]) -> frozenset[str]:
    """Stages the training code covers. Paths cannot tell pre-training from fine-tuning
    scripts reliably (a fine-tune's `train.py`), so for a system with one stage of its
    own, any training code covers it. Otherwise pre-training needs code that says so, or
    training code in a repo with no fine-tuning code: beside fine-tuning scripts, a
    generic `train_utils.py` serves the fine-tuning."""
    if not repos:
        return frozenset()
    if len(stages) <= 1:
        return stages
    found = set()
    if any(_pretrains(r.code.training_files) or not r.code.finetuning_files for r in repos if r.code.training_files):
        found.add("pretraining")
    if any(r.code.finetuning_files for r in repos):
        found.add("tuning")
    return frozenset(found)


def _pretrains(paths: tuple[str, ...]) -> bool:
    return any(PRETRAINING_PATH.search(path) for path in paths)


def llmdata(ev: ProjectEvidence) -> Grade:
    return _data_grade("llmdata", "pre-training data", h.pretraining_datasets(ev), ())


def rldata(ev: ProjectEvidence) -> Grade:
    return _data_grade("rldata", "instruction / preference data", h.tuning_datasets(ev), h.tuning_data_repos(ev))


def _data_grade(
    criterion: str, what: str, datasets: tuple[DatasetEvidence, ...], repos: tuple[RepoEvidence, ...]
) -> Grade:
    """Open when every dataset named is downloadable (or data is published in a repo),
    partial when named but not all available, closed when none is named: a card section
    that describes the data ("a mix of web, code and synthetic data") is not disclosure
    (RUBRIC.md conventions), however long."""
    fetched = [d for d in datasets if d.found]
    available = [d for d in fetched if not d.gated and not d.extract_only]
    if (datasets and len(available) == len(datasets)) or (repos and not datasets):
        names = ", ".join([d.repo_id for d in available] + [r.full_name for r in repos])
        urls = [d.page_url for d in available] + [r.page_url for r in repos]
        return h.grade(criterion, "open", f"{what} published: {names}", urls, f"{criterion}.data_published")
    if datasets or repos:
        gated = [d.repo_id for d in fetched if d.gated]
        extracts = [d.repo_id for d in fetched if d.extract_only]
        why = (
            f"gated: {', '.join(gated)}"
            if gated
            else f"only an extract published: {', '.join(extracts)}"
            if extracts
            else f"{len(datasets) - len(fetched)} of {len(datasets)} not reachable"
        )
        urls = [d.page_url for d in datasets] + [r.page_url for r in repos]
        return h.grade(
            criterion, "partial", f"{what} named, not all available ({why})", urls, f"{criterion}.partly_available"
        )
    return h.nothing(criterion, f"no {what} named", f"{criterion}.none")


def _restriction(model: ModelEvidence) -> str | None:
    """Why a model's weights are not freely downloadable, if they are not."""
    if model.delta_only:
        return "delta weights only"
    if model.encrypted:
        return "encrypted weights"
    if model.adapter_only:
        return "adapter weights only"
    if model.gated == "manual":
        return "access granted by hand"
    if model.gated and not any(h.is_open_license(lic) for lic in model.licenses):
        return "gated behind a licence agreement"
    return None


def _weights(criterion: str, models: tuple[ModelEvidence, ...], what: str) -> Grade:
    found = [m for m in models if m.found]
    free = [m for m in found if m.has_weights and _restriction(m) is None]
    restricted = [m for m in found if _restriction(m)]
    if free and len(restricted) > len(free):
        return h.grade(
            criterion,
            "partial",
            f"{what} weights mostly restricted ({_restriction(restricted[0])}); {len(free)} of "
            f"{len(free) + len(restricted)} released freely",
            [m.page_url for m in free + restricted],
            f"{criterion}.mostly_restricted",
        )
    if free and not any(m.weights_seen for m in free):
        return h.grade(
            criterion,
            "open",
            f"{what} on the Hub, not gated (its file listing was not seen)",
            [m.page_url for m in free],
            f"{criterion}.on_hub_files_unlisted",
        )
    if free:
        return h.grade(
            criterion,
            "open",
            f"{what} weights downloadable from the Hub",
            [m.page_url for m in free],
            f"{criterion}.downloadable",
        )
    if restricted:
        return h.grade(
            criterion,
            "partial",
            f"{what} weights restricted: {_restriction(restricted[0])}",
            [m.page_url for m in restricted],
            f"{criterion}.restricted",
        )
    if found:
        return h.grade(
            criterion,
            "partial",
            f"{what} model on the Hub, but no weight files in it",
            [m.page_url for m in found],
            f"{criterion}.no_weight_files",
        )
    if models:
        return h.grade(
            criterion,
            "partial",
            f"{what} named ({models[0].repo_id}) but its repository could not be read",
            [m.page_url for m in models],
            f"{criterion}.named_unreadable",
        )
    return h.nothing(criterion, f"no {what} repository found", f"{criterion}.none")


def llmweights(ev: ProjectEvidence) -> Grade:
    """The pre-trained model's weights (RUBRIC.md conventions: a system with no separate
    base is its own base; an in-house base not published is closed; "base not identified"
    and "base could not be read" are unknowns, graded from what else is known: the
    weights the same makers released)."""
    released = h.released_models(ev)
    if ev.bases:
        roots = h.lineage_roots(ev)
        if any(m.found for m in roots):
            return _weights("llmweights", roots, "base model")
        unread = f"its base ({roots[0].repo_id}) could not be read"
        return _as_release(ev, unread, "llmweights.base_unreadable", [m.page_url for m in roots])
    tuned = [m for m in released if m.is_tuned]
    if not tuned:
        return _weights("llmweights", released, "base model")
    in_house = [(m, scale) for m in tuned if m.card and (scale := PRETRAINING_SCALE.search(m.card.body))]
    if in_house:
        model, scale = in_house[0]
        return h.grade(
            "llmweights",
            "closed",
            f"the makers pre-trained their own base ({scale.group(0)}) but share only the tuned weights",
            [model.card_url],
            "llmweights.own_base_not_shared",
        )
    named = [(m, name) for m in tuned for name in m.unlinked_bases]
    # RUBRIC.md: a base of the makers' own that they did not publish is closed. A base
    # named as a sibling of the release ("TeleChat2.5 is trained from TeleBase2.5") with
    # no Hub id to follow is theirs, and the card points to no published weights of it.
    own = [(m, name) for m, name in named if same_family(name, m.repo_id)]
    if own:
        model, name = own[0]
        return h.grade(
            "llmweights",
            "closed",
            f"the makers tuned the release from a base of their own ({name}) but link no published weights of it",
            [model.card_url or model.page_url],
            "llmweights.own_base_named_not_shared",
        )
    if named:
        model, name = named[0]
        return h.grade(
            "llmweights",
            "partial",
            f"the card names its base ({name}) but links no published weights of it",
            [model.card_url or model.page_url],
            "llmweights.base_named_not_linked",
        )
    return _as_release(ev, "its base is not named", "llmweights.base_unknown")


def _as_release(ev: ProjectEvidence, unknown: str, rule: str, unread: list[str] | None = None) -> Grade:
    """llmweights when the base is unknown: as the released weights, saying what is unknown."""
    released = _weights("llmweights", h.released_models(ev), "released model")
    reason = f"{unknown}; graded as the release: {released.reason}"
    return h.grade("llmweights", released.grade, reason, [*released.evidence, *(unread or [])], rule)


def rlweights(ev: ProjectEvidence) -> Grade:
    return _weights("rlweights", h.released_models(ev), "released model")


# --- license: findings, then the policy ---------------------------------------------------
# RUBRIC.md, Licence: decided by the licence of the released model (its weights); the
# code's licence can only lower an open model licence, never raise a closed one.


def _licence_names(licences: list[License]) -> str:
    return ", ".join(sorted({lic.spdx or lic.raw for lic in licences}))


def _noncommercial_terms(ev: ProjectEvidence) -> list[tuple[str, str]]:
    """Finding: the makers' own texts (the released card, their READMEs) restrict the
    release to non-commercial or research use: (sentence, URL). A base's card pasted into
    the release's counts: the terms it states bind what is made from the base."""
    return [(sentence, url) for text, url in h.release_texts(ev) if (sentence := noncommercial_terms(text))]


def _noncommercial_licences(models: tuple[ModelEvidence, ...]) -> list[License]:
    """Finding: a released model is under a non-commercial licence (CC-BY-NC and kin)."""
    return [
        lic for m in models for lic in m.licenses if not h.is_open_license(lic) and is_noncommercial_license(lic.spdx)
    ]


def _non_osi_model_licences(models: tuple[ModelEvidence, ...]) -> list[License]:
    """Finding: a released model declares a licence that is neither OSI-approved nor an
    open content licence (custom, "community", "open model", responsible-use, `other`)."""
    return [lic for m in models for lic in m.licenses if not h.is_open_license(lic)]


def license(ev: ProjectEvidence) -> Grade:  # noqa: A001 - the criterion's id
    """Policy (RUBRIC.md conventions, Licence): non-commercial or research-only terms =
    partial, whichever licence carries them; else a non-OSI licence on the model = closed,
    whatever the code's; a model stating no licence is partial when its base states one
    (unclear which applies), else closed; an open model licence is undercut (partial) by
    terms in the gate, a base's restrictive licence or code under no OSI licence. A system
    with no model (software) is graded on its code."""
    released = h.released_models(ev)
    code = [(r.license, r.page_url) for r in h.own_repos(ev) if r.license is not None]
    model = [lic for m in released for lic in m.licenses]
    model_urls = [m.page_url for m in released if m.licenses]
    code_urls = [u for _, u in code]
    inherited = [lic for m in ev.bases for lic in m.licenses]
    base_urls = [m.page_url for m in ev.bases if m.licenses]

    terms = _noncommercial_terms(ev)
    noncommercial = _noncommercial_licences(released)
    if terms or noncommercial:
        why = f"'{terms[0][0]}'" if terms else f"the model is under {_licence_names(noncommercial)}"
        return h.grade(
            "license",
            "partial",
            f"use restricted to non-commercial or research purposes: {why}",
            [u for _, u in terms] + model_urls + code_urls,
            "license.noncommercial_terms",
        )
    if released and not model:
        return _unlicensed_model(released, inherited, base_urls, code_urls)
    if not released:
        return _code_only(code)

    custom = _non_osi_model_licences(released)
    if custom:
        gated = [m for m in released if m.gate_asks_to_accept_terms]
        how = ", to be accepted before download" if gated else ""
        return h.grade(
            "license",
            "closed",
            f"the model is under a non-OSI licence ({_licence_names(custom)}){how}, whatever the code's licence",
            model_urls + code_urls,
            "license.model_not_osi",
        )
    names = _licence_names(model)
    encumbered = [m for m in released if m.gate_asks_to_accept_terms]
    if encumbered:
        return h.grade(
            "license",
            "partial",
            f"open licence on the model ({names}), but access requires accepting further terms",
            model_urls + [m.page_url for m in encumbered] + code_urls,
            "license.open_but_gated_by_terms",
        )
    restrictive_base = [lic for lic in inherited if not h.is_open_license(lic)]
    if restrictive_base:
        return h.grade(
            "license",
            "partial",
            f"open licence on the model ({names}), but its base's licence ({_licence_names(restrictive_base)}) "
            "still applies",
            model_urls + base_urls,
            "license.base_licence_applies",
        )
    closed_code = [(lic, u) for lic, u in code if not h.is_open_license(lic)]
    if closed_code:
        return h.grade(
            "license",
            "partial",
            f"open licence on the model ({names}), but code under {_licence_names([lic for lic, _ in closed_code])}",
            model_urls + code_urls,
            "license.some_open",
        )
    everything = _licence_names(model + [lic for lic, _ in code])
    return h.grade(
        "license",
        "open",
        f"model and code under open licences ({everything})",
        model_urls + code_urls,
        "license.all_open",
    )


def _unlicensed_model(
    released: tuple[ModelEvidence, ...], inherited: list[License], base_urls: list[str], code_urls: list[str]
) -> Grade:
    """The released model states no licence. Its base's licence, if stated, is the one
    that applies, but the release does not say so: unclear, partial (the study's grade).
    Nothing stated at all is closed, whatever the code's licence."""
    urls = [m.page_url for m in released]
    if inherited:
        return h.grade(
            "license",
            "partial",
            f"the released model states no license; its base is under {_licence_names(inherited)}",
            urls + base_urls,
            "license.only_base_licensed",
        )
    return h.grade(
        "license",
        "closed",
        "no licence stated for the released model" + (", whatever its code's licence" if code_urls else ""),
        urls + code_urls,
        "license.model_unlicensed",
    )


def _code_only(code: list[tuple[License, str]]) -> Grade:
    """A system that is software, with no model of its own: its code's licences decide."""
    if not code:
        return h.nothing("license", "no license on the model or its code", "license.none")
    names = _licence_names([lic for lic, _ in code])
    urls = [u for _, u in code]
    open_ones = [lic for lic, _ in code if h.is_open_license(lic)]
    if len(open_ones) == len(code):
        return h.grade("license", "open", f"all components under open licenses ({names})", urls, "license.all_open")
    if open_ones:
        return h.grade(
            "license", "partial", f"only some components under open licenses ({names})", urls, "license.some_open"
        )
    return h.grade("license", "closed", f"no OSI-approved license ({names})", urls, "license.none_open")


def code(ev: ProjectEvidence) -> Grade:
    # RUBRIC.md: code documentation is that of the training / tuning code; a README that
    # only shows how to run the model documents none.
    if not _training_code_repos(ev):
        return h.nothing(
            "code", "no training or tuning code of the system's own, so none documented", "code.no_training_code"
        )
    repos = [r for r in _training_code_repos(ev) if r.readme_url]
    # All components documented needs code for all of them: documentation of example
    # scripts, or of one stage's code, documents some.
    training = [r for r in h.system_code_repos(ev) if r.code.training_files or r.code.finetuning_files]
    every_stage = bool(training) and _stages_in_code(training, h.own_stages(ev)) >= h.own_stages(ev)
    thorough = [
        r
        for r in repos
        if every_stage
        and {"install", "usage"} <= r.readme.sections
        and len(r.code.docs_files) >= DOCS_PAGES_FOR_COMPREHENSIVE
    ]
    if thorough:
        return h.grade(
            "code",
            "open",
            "README covers install and usage, and further documentation pages exist",
            [r.readme_url for r in thorough],
            "code.documented",
        )
    partly = [r for r in repos if r.readme.sections or r.readme.word_count >= README_MIN_WORDS]
    if partly:
        return h.grade(
            "code", "partial", "a README documents some of the code", [r.readme_url for r in partly], "code.readme_only"
        )
    return h.nothing("code", "no documentation of the system's code", "code.none")


def _training_code_repos(ev: ProjectEvidence) -> list[RepoEvidence]:
    """The system's repos holding code to train or tune it, user examples and code that
    builds the training data included."""
    return [
        r
        for r in h.system_code_repos(ev)
        if r.code.training_files
        or r.code.finetuning_files
        or r.code.example_training_files
        or h.processes_training_data(r)
    ]


def architecture(ev: ProjectEvidence) -> Grade:
    """RUBRIC.md, Architecture: design and training setup documented = open; some of it or a
    sketch = partial; nothing = closed. Reads the findings of `architecture_findings`: the
    makers' own paper on their model, with a card of the system's own models stating the
    design or hyper-parameters, with training code or with the training hardware stated, is
    open; a paper or card on another lab's base documents the design the system inherits,
    not its training (open only with the makers' own training code or statement of the
    training hardware); a paper about data alone documents no architecture; a
    release card that could not be read (fetch failed, or behind the gate) is unknown, not
    absent."""
    own = af.makers_model_papers(ev)
    base = af.base_model_papers(ev)
    cards = af.system_cards_with_details(ev)
    # Any card with details, a base's of another lab included, documents the design in part.
    detailed = [u for c, u in h.cards(h.models_for_docs(ev)) if af.states_details(c)]
    readmes = [r for r in h.claimed_repos(ev) if r.readme_url and r.readme.sections & {"model", "training"}]
    training_code = af.own_training_code(ev)
    hardware = af.training_hardware_stated(ev)
    if own and (cards or training_code or hardware):
        return h.grade(
            "architecture",
            "open",
            "described in the system's own paper, with card, training code or the training hardware stated",
            [p.url for p in own] + [u for _, u in cards] + [r.page_url for r in training_code] + list(hardware),
            "architecture.paper_and_details",
        )
    if base and (training_code or hardware):
        return h.grade(
            "architecture",
            "open",
            "the base's paper describes the design; the makers' training code or their statement of the "
            "training hardware sets out how they trained it",
            [p.url for p in base] + [r.page_url for r in training_code] + list(hardware),
            "architecture.base_paper_and_training_setup",
        )
    sources = [p.url for p in (*own, *base)] + detailed + [r.readme_url for r in readmes]
    if sources:
        reason = "architecture partly documented"
        if base and not own:
            reason += " (the base's paper describes the design, not how this system was trained)"
        return h.grade("architecture", "partial", reason, sources, "architecture.partly_documented")
    described = [u for c, u in h.cards(h.models_for_docs(ev)) if c.word_count >= CARD_MIN_WORDS]
    if described:
        return h.grade(
            "architecture", "partial", "the model card sketches the model", described, "architecture.sketched_in_card"
        )
    configured = [m.page_url for m in h.models_for_docs(ev) if m.has_config]
    if configured:
        return h.grade(
            "architecture",
            "partial",
            "only the published config.json specifies the architecture",
            configured,
            "architecture.config_only",
        )
    unread = af.release_cards_unread(ev)
    if unread:
        # Unknown is not absent: the card that would document the model could not be read.
        return h.grade(
            "architecture",
            "partial",
            "the released model's card could not be read (fetch failed or behind the access gate); "
            "nothing else read documents the architecture",
            unread,
            "architecture.card_unreadable",
        )
    return h.nothing("architecture", "no architecture description", "architecture.none")


# A technical report titled after the system is the makers' account of how they built it:
# its abstract may summarise results only, the report covers the stages.
TECHNICAL_REPORT = re.compile(r"\btech(?:nical)? report\b", re.IGNORECASE)


def _covers_every_stage(papers: list[Paper], ev: ProjectEvidence) -> str | None:
    """Why these papers cover every stage of the system, or None. Stages are read from the
    abstracts. A system tuned from someone else's base has only its tuning stage to
    document; papers that name only another lab's base document none of the system's."""
    makers = set(h.makers_papers(ev)) & set(papers)
    if not makers:
        return None
    if any(TECHNICAL_REPORT.search(p.title) for p in makers):
        return "include the makers' technical report on the system"
    topics = set().union(*(p.topics for p in papers))
    if not topics & {"finetuning", "rlhf"}:
        return None
    if topics & {"pretraining", "architecture"}:
        return "cover pre-training and tuning"
    if h.tunes_someone_elses_base(ev):
        return "cover the tuning, the system's own stage"
    return None


def preprint(ev: ProjectEvidence) -> Grade:
    papers = list(h.own_papers(ev))
    if not papers:
        return h.nothing("preprint", "no arXiv preprint naming the system or its base", "preprint.none")
    urls = [p.url for p in papers]
    # RUBRIC.md: papers about another lab's base the system reused do not cover it.
    if not h.makers_papers(ev):
        return h.grade(
            "preprint",
            "closed",
            f"only papers on a base another lab made ({papers[0].title}), none on the system itself",
            urls,
            "preprint.others_base_only",
        )
    coverage = _covers_every_stage(papers, ev)
    if coverage:
        return h.grade("preprint", "open", f"the system's preprints {coverage}", urls, "preprint.covers_all_stages")
    return h.grade(
        "preprint", "partial", f"preprint covers part of the system: {papers[0].title}", urls, "preprint.covers_some"
    )


def paper(ev: ProjectEvidence) -> Grade:
    venues = {p: h.peer_review_venue(ev, p) for p in h.own_papers(ev)}
    reviewed = [p for p, venue in venues.items() if venue]
    if reviewed:
        venue = venues[reviewed[0]]
        coverage = _covers_every_stage(reviewed, ev)
        if coverage:
            return h.grade(
                "paper",
                "open",
                f"peer-reviewed papers {coverage} ({venue})",
                [p.url for p in reviewed],
                "paper.covers_all_stages",
            )
        return h.grade(
            "paper",
            "partial",
            f"peer-reviewed paper on part of the system ({venue})",
            [p.url for p in reviewed],
            "paper.covers_some",
        )
    # RUBRIC.md: papers about methods the system reused do not cover it; a venue link on a
    # method's name is such a citation, one presented as a paper is the makers' own.
    proceedings = list(ev.venue_links_as_papers)
    if proceedings:
        return h.grade(
            "paper",
            "partial",
            "the system's documentation links a peer-reviewed paper",
            proceedings,
            "paper.proceedings_link",
        )
    return h.nothing("paper", "no peer-reviewed paper (journal_ref, DOI or proceedings link)", "paper.none")


def modelcard(ev: ProjectEvidence) -> Grade:
    """RUBRIC.md, Model card: open when the card gives substance on architecture, training
    data, training procedure and evaluation; partial when it documents some topic of
    `card_topics.TOPICS`; closed when it is a landing page. A card copied verbatim from
    the base, or holding the base's whole card, documents the base: at most partial. A card that exists but could not be
    read is unknown, not absent: partial, since its depth is unknown either way."""
    cards = h.cards(h.released_models(ev))
    unread = [u for m in h.released_models(ev) if (u := f"{m.page_url}/resolve/main/README.md") in ev.unknown]
    if not cards and unread:
        return h.grade(
            "modelcard",
            "partial",
            "the released model's card could not be read: its depth is unknown",
            unread,
            "modelcard.card_unreadable",
        )
    if not cards:
        return h.nothing("modelcard", "no model card for the released model", "modelcard.none")
    declared = [t.removeprefix("dataset:") for m in h.released_models(ev) for t in m.tags if t.startswith("dataset:")]
    documented = [(card, url, card_topics(card, declared)) for card, url in cards]
    card, url, topics = max(documented, key=lambda d: (len(d[2]), d[0].word_count))
    named = ", ".join(t.replace("_", " ") for t in sorted(topics))
    inherited = any(b.card is not None and h.copies_card(card, b.card) for b in ev.bases)
    if topics >= FULL_CARD and not inherited:
        return h.grade(
            "modelcard",
            "open",
            "card documents architecture, training data and procedure, and evaluation results",
            [url],
            "modelcard.comprehensive",
        )
    if topics:
        why = "the base's card, copied" if inherited else "card"
        return h.grade("modelcard", "partial", f"{why} documents only {named}", [url], "modelcard.partial")
    return h.grade(
        "modelcard",
        "closed",
        "card introduces the model but documents none of its making (a landing page)",
        [url],
        "modelcard.advertisement_only",
    )


def datasheet(ev: ProjectEvidence) -> Grade:
    documented = [
        d for d in h.training_datasets(ev) if d.card is not None and d.card.word_count >= DATASHEET_PARTIAL_WORDS
    ]
    thorough = [
        d
        for d in documented
        if d.card.word_count >= DATASHEET_OPEN_WORDS and len(d.card.sections) >= DATASHEET_OPEN_SECTIONS
    ]
    if thorough:
        return h.grade(
            "datasheet",
            "open",
            "dataset card documents collection and curation in depth",
            [d.card_url for d in thorough],
            "datasheet.comprehensive",
        )
    if documented:
        return h.grade(
            "datasheet",
            "partial",
            "dataset card with some documentation of the data",
            [d.card_url for d in documented],
            "datasheet.partial",
        )
    return h.nothing("datasheet", "no substantial dataset card for the training data", "datasheet.none")


def package(ev: ProjectEvidence) -> Grade:
    own = h.own_packages(ev)
    if own:
        return h.grade(
            "package",
            "open",
            f"versioned package {own[0].name} {own[0].version} on PyPI",
            [p.page_url for p in own],
            "package.versioned_release",
        )
    pages = h.own_pypi_pages(ev)
    if pages:
        return h.grade(
            "package",
            "open",
            f"the system's README links its package on PyPI ({pages[0][0]})",
            [u for _, u in pages],
            "package.pypi_page_linked",
        )
    library = [(name, url) for text, url in h.makers_texts(ev) for name in ollama_library_models(text)]
    library = [(name, url) for name, url in library if names_the_system(name.split(":")[0], ev.own_identity)]
    if library:
        return h.grade(
            "package",
            "open",
            f"the model is published in the Ollama library (ollama run {library[0][0]})",
            [url for _, url in library],
            "package.ollama_library",
        )
    # A model's repo that installs from source ships inference code, not a release of
    # the model; the system's own software installable from source is user-facing code.
    installable = [r for r in h.own_repos(ev) if r.code.package_build_files]
    if installable and not h.released_models(ev):
        return h.grade(
            "package",
            "partial",
            "the system's software installs from source, but no versioned release found",
            [r.page_url for r in installable],
            "package.source_only",
        )
    return h.nothing("package", "no package of the system's own", "package.none")


def api(ev: ProjectEvidence) -> Grade:
    """RUBRIC.md, API: an API of the makers' own or a hosted endpoint = open, access
    behind conditions = partial; being downloadable, or servable with a generic engine
    on one's own machine, is not an API."""
    documented = [url for text, url in h.makers_texts(ev) if own_api_sections(text)]
    if documented:
        return h.grade(
            "api",
            "open",
            "the makers document an API of their own (a hosted platform or their own server)",
            documented,
            "api.documented",
        )
    specified = [r for r in h.own_repos(ev) if r.code.api_spec_files]
    if specified:
        example = specified[0].code.api_spec_files[0]
        return h.grade(
            "api",
            "open",
            f"the system's repo publishes an OpenAPI description of its API ({example})",
            [r.page_url for r in specified],
            "api.openapi_spec",
        )
    # A system that is software, not a model (a training library, a chat framework): its
    # own public code, documented for use, is its programmatic interface.
    library = [
        r
        for r in h.own_repos(ev)
        if r.readme_url and r.code.source_file_count and r.readme.sections & {"install", "usage"}
    ]
    if library and not h.released_models(ev):
        return h.grade(
            "api",
            "open",
            "the system is software: its own code, documented for use, is its programmatic interface",
            [r.readme_url for r in library],
            "api.software_library",
        )
    # The makers switched off the Hub's hosted inference for the model: no API there,
    # whatever the download gate asks.
    disabled = [m for m in h.released_models(ev) if m.found and m.hosted_inference_disabled]
    if disabled:
        return h.grade(
            "api",
            "closed",
            "the model card turns off hosted inference (inference: false) and no API is documented",
            [m.page_url for m in disabled],
            "api.hosted_inference_disabled",
        )
    # Hosting weights is not an API; access behind an agreement is the restricted kind.
    restricted = [m for m in h.released_models(ev) if m.found and m.gated]
    if restricted:
        return h.grade(
            "api",
            "partial",
            "access to the model only after accepting conditions",
            [m.page_url for m in restricted],
            "api.restricted_access",
        )
    return h.nothing("api", "no API documented by the system's makers", "api.none")


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
