"""The 14 rubric rules on hand-built evidence: one table of cases per criterion, then
invariants over many generated evidences (grade shape, evidence, order, determinism,
independence from the project id).

Evidence is built the way `index.evidence.project.extract` builds it: cards through
`parse_card`, trees through `classify_tree`, READMEs through `readme_evidence`, licenses
through `normalise_license` and papers as `Paper` records with their derived fields.
The system in these tests is a made-up one, "Nimbus" by "orbitlabs".
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import cycle, islice
from pathlib import PurePosixPath

import pytest
from huggingface_hub import ModelInfo

from crawler.results import Fetched
from index.evidence.cards import parse_card
from index.evidence.code import classify_tree, readme_evidence
from index.evidence.licenses import License, normalise_license
from index.evidence.papers import Paper, is_peer_reviewed, paper_topics
from index.evidence.project import (
    DatasetEvidence,
    ModelEvidence,
    PackageEvidence,
    ProjectEvidence,
    RepoEvidence,
    assemble,
    model_evidence,
    package_directories,
)
from index.rubric import helpers as h
from index.rubric.criteria import (
    CARD_MIN_WORDS,
    DATASHEET_OPEN_SECTIONS,
    DATASHEET_OPEN_WORDS,
    DATASHEET_PARTIAL_WORDS,
    DOCS_PAGES_FOR_COMPREHENSIVE,
    RULES,
    grade_project,
)
from index.rubric.grades import CRITERIA, Grade

HUB = "https://huggingface.co"
RELEASED = "orbitlabs/Nimbus-7B-Chat"
BASE = "orbitlabs/Nimbus-7B"
OWN_REPO = "orbitlabs/nimbus"


# --- evidence builders -----------------------------------------------------------------


PROSE = ("the", "text", "was", "collected", "from", "public", "web", "pages", "and", "filtered", "for", "quality")


def words(count: int) -> str:
    """`count` words of plain English prose about a data set or model."""
    return " ".join(islice(cycle(PROSE), count)) + "."


def hub_page(repo_id: str) -> str:
    return f"{HUB}/{repo_id}"


def card_url(repo_id: str) -> str:
    return f"{HUB}/{repo_id}/resolve/main/README.md"


def dataset_page(repo_id: str) -> str:
    return f"{HUB}/datasets/{repo_id}"


def dataset_card_url(repo_id: str) -> str:
    return f"{HUB}/datasets/{repo_id}/resolve/main/README.md"


def github_page(full_name: str) -> str:
    return f"https://github.com/{full_name}"


def readme_url(full_name: str) -> str:
    return f"https://api.github.com/repos/{full_name}/readme"


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pypi_page(name: str) -> str:
    return f"https://pypi.org/project/{name}/"


def licenses(*raw: str) -> tuple[License, ...]:
    return tuple(normalise_license(r, "hf_metadata") for r in raw)


def model(
    repo_id: str = RELEASED,
    *,
    card_md: str | None = "",
    weights: tuple[str, ...] = ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"),
    license_ids: tuple[str, ...] = ("apache-2.0",),
    **overrides: object,
) -> ModelEvidence:
    """A Hub model that was fetched, with a file listing, weights and an Apache license;
    `card_md=None` means no card, "" an empty one."""
    card = parse_card(card_md) if card_md is not None else None
    built = ModelEvidence(
        repo_id=repo_id,
        page_url=hub_page(repo_id),
        found=True,
        card=card,
        card_url=card_url(repo_id) if card is not None else None,
        weight_files=weights,
        licenses=licenses(*license_ids),
        files_listed=True,
        pipeline_tag="text-generation",
    )
    return replace(built, **overrides)


def unreadable_model(repo_id: str) -> ModelEvidence:
    """A model named somewhere whose Hub page could not be fetched."""
    return ModelEvidence(repo_id, hub_page(repo_id), False, None, None)


def tree(paths: tuple[str, ...]) -> dict:
    """A GitHub git-tree response holding these files and their directories."""
    directories = sorted({str(parent) for p in paths for parent in PurePosixPath(p).parents if str(parent) != "."})
    entries = [{"path": d, "type": "tree"} for d in directories] + [{"path": p, "type": "blob"} for p in paths]
    return {"sha": "0" * 40, "truncated": False, "tree": entries}


def repo(
    full_name: str = OWN_REPO,
    *,
    files: tuple[str, ...] = (),
    readme_md: str = "",
    license_id: str | None = "apache-2.0",
    found: bool = True,
) -> RepoEvidence:
    listing = tree(files)
    return RepoEvidence(
        full_name=full_name,
        page_url=github_page(full_name),
        found=found,
        license=normalise_license(license_id, "github") if license_id else None,
        code=classify_tree(listing),
        readme=readme_evidence(readme_md),
        readme_url=readme_url(full_name) if readme_md else None,
        directories=package_directories(listing),
    )


def dataset(
    repo_id: str, *, card_md: str | None = None, gated: str | None = None, found: bool = True
) -> DatasetEvidence:
    card = parse_card(card_md) if card_md is not None else None
    return DatasetEvidence(
        repo_id=repo_id,
        page_url=dataset_page(repo_id),
        found=found,
        gated=gated,
        licenses=(),
        card=card,
        card_url=dataset_card_url(repo_id) if card is not None else None,
    )


def paper(title: str, summary: str = "", *, arxiv_id: str = "2401.00001", journal_ref: str | None = None) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        url=arxiv_url(arxiv_id),
        title=title,
        summary=summary,
        published="2024-01-01T00:00:00Z",
        journal_ref=journal_ref,
        doi=None,
        comment=None,
        peer_reviewed=is_peer_reviewed(journal_ref, None, None),
        topics=paper_topics(title, summary),
    )


def package(name: str, *, version: str | None = "1.2.0", project_urls: tuple[str, ...] = ()) -> PackageEvidence:
    return PackageEvidence(name, pypi_page(name), version, "", project_urls)


def project(
    *,
    project_id: str = "nimbus",
    released: ModelEvidence | None = None,
    bases: tuple[ModelEvidence, ...] = (),
    linked_models: tuple[ModelEvidence, ...] = (),
    datasets: tuple[DatasetEvidence, ...] = (),
    repos: tuple[RepoEvidence, ...] = (),
    linked_repos: tuple[RepoEvidence, ...] = (),
    papers: tuple[Paper, ...] = (),
    packages: tuple[PackageEvidence, ...] = (),
) -> ProjectEvidence:
    """A project as `extract` makes it from a crawl (`project.assemble`)."""
    return assemble(
        project_id,
        released=[released] if released is not None else [],
        bases=bases,
        repos=repos,
        linked_models=linked_models,
        datasets=datasets,
        linked_repos=linked_repos,
        papers=papers,
        packages=packages,
    )


# --- texts ------------------------------------------------------------------------------

COMPREHENSIVE_CARD = f"""---
license: apache-2.0
---
# Nimbus 7B Chat

Nimbus 7B Chat is a chat model tuned from Nimbus 7B for helpful dialogue in English and
French, released by Orbit Labs for research and commercial use.

## Model Architecture

Nimbus is a decoder-only transformer with 32 layers, a hidden size of 4096, grouped-query
attention and rotary position embeddings. {words(20)}

## Training Data

The base model was pre-trained on two trillion tokens of deduplicated web text from
[FineWeb](https://huggingface.co/datasets/HuggingFaceFW/fineweb), code and books. {words(20)}

## Training Procedure

Tuned with supervised fine-tuning, then DPO, at a learning rate of 2e-5 for 3 epochs.

## Evaluation

| Benchmark | Score |
|-----------|-------|
| MMLU      | 61.2  |
| GSM8K     | 40.1  |
"""

PARTIAL_CARD = f"""# Nimbus 7B Chat

Nimbus 7B Chat is a chat model tuned from Nimbus 7B for helpful dialogue in English and
French, released by Orbit Labs for research and commercial use.

## Limitations

The model can produce false or biased statements and should not be relied on for advice.
{words(CARD_MIN_WORDS)}
"""

ADVERTISEMENT_CARD = """# Nimbus 7B Chat

Nimbus 7B Chat is the friendliest chat model yet: fast, fun and ready for your next
project. Try it today and join thousands of happy users building with Nimbus.

## Usage

```python
from transformers import pipeline
chat = pipeline("text-generation", model="orbitlabs/Nimbus-7B-Chat")
```
"""

DOCUMENTED_README = f"""# Nimbus

{words(40)}

## Installation

```bash
pip install -r requirements.txt
```

## Usage

Run `python chat.py` to talk to the model. {words(30)}
"""

API_README = """# Nimbus

## API

Start an OpenAI-compatible server with `python -m nimbus.serve` and send requests to
`/v1/chat/completions`.
"""


def dataset_card(word_count: int, *, headings: tuple[str, ...]) -> str:
    """A dataset card of about `word_count` prose words spread over these headings."""
    per_section = max(1, word_count // len(headings))
    return "\n\n".join(f"## {heading}\n\n{words(per_section)}" for heading in headings)


DATASHEET_HEADINGS = ("Dataset Description", "Data Collection", "Intended Uses", "Limitations and Bias")
assert len(DATASHEET_HEADINGS) >= DATASHEET_OPEN_SECTIONS
LONG_DATASET_CARD = dataset_card(DATASHEET_OPEN_WORDS * 2, headings=DATASHEET_HEADINGS)


# --- table-driven cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    evidence: ProjectEvidence
    criterion: str
    grade: str
    rule: str
    urls: tuple[str, ...]  # the evidence URLs expected, in any order


def case(name: str, evidence: ProjectEvidence, criterion: str, grade: str, rule: str, *urls: str) -> object:
    return pytest.param(Case(evidence, criterion, grade, rule, urls), id=f"{criterion}-{name}")


TRAINING_TREE = ("nimbus/model.py", "scripts/finetune_sft.py", "scripts/train_dpo.py", "requirements.txt")
INFERENCE_TREE = ("nimbus/model.py", "inference.py", "web_demo.py")

WEIGHT_CASES = [
    case("free", project(released=model()), "rlweights", "open", "rlweights.downloadable", hub_page(RELEASED)),
    case(
        "gated-manual",
        project(released=model(gated="manual")),
        "rlweights",
        "partial",
        "rlweights.restricted",
        hub_page(RELEASED),
    ),
    case(
        "delta-only",
        project(released=model(weights=("delta-00001.bin",), delta_only=True)),
        "rlweights",
        "partial",
        "rlweights.restricted",
        hub_page(RELEASED),
    ),
    case(
        "gated-auto-apache",
        project(released=model(gated="auto")),
        "rlweights",
        "open",
        "rlweights.downloadable",
        hub_page(RELEASED),
    ),
    case(
        "gated-auto-custom-license",
        project(released=model(gated="auto", license_ids=("other",))),
        "rlweights",
        "partial",
        "rlweights.restricted",
        hub_page(RELEASED),
    ),
    case(
        "no-listing-but-format-tags",
        project(released=model(weights=(), files_listed=False, pipeline_tag=None, tags=("safetensors",))),
        "rlweights",
        "open",
        "rlweights.downloadable",
        hub_page(RELEASED),
    ),
    case(
        # Without a file listing what the repo holds is unknown, not absent (2025 README).
        "no-listing-no-format-tags",
        project(released=model(weights=(), files_listed=False, pipeline_tag=None, tags=("conversational",))),
        "rlweights",
        "open",
        "rlweights.on_hub_files_unlisted",
        hub_page(RELEASED),
    ),
    case(
        "listing-without-weights",
        project(released=model(weights=())),
        "rlweights",
        "partial",
        "rlweights.no_weight_files",
        hub_page(RELEASED),
    ),
    case("no-model", project(), "rlweights", "closed", "rlweights.none"),
    case("no-model", project(), "llmweights", "closed", "llmweights.none"),
    case(
        "base-free",
        project(released=model(), bases=(model(BASE),)),
        "llmweights",
        "open",
        "llmweights.downloadable",
        hub_page(BASE),
    ),
    case(
        # Unknown is not absent: a base that could not be read is graded as the release.
        "base-named-not-fetched",
        project(released=model(), bases=(unreadable_model(BASE),)),
        "llmweights",
        "open",
        "llmweights.base_unreadable",
        hub_page(RELEASED),
        hub_page(BASE),
    ),
    case(
        # "Base not identified" is never a grade of its own: as the release.
        "tuned-without-named-base",
        project(released=model()),
        "llmweights",
        "open",
        "llmweights.base_unknown",
        hub_page(RELEASED),
    ),
    case(
        "gated-tuned-release-without-named-base",
        project(released=model(gated="manual")),
        "llmweights",
        "partial",
        "llmweights.base_unknown",
        hub_page(RELEASED),
    ),
    case(
        # a base named only in prose ("trained from **Llama-2 13b**"): no weights to point at
        "tuned-from-a-base-named-in-prose",
        project(released=model(unlinked_bases=("Llama-2",))),
        "llmweights",
        "partial",
        "llmweights.base_named_not_linked",
        card_url(RELEASED),
    ),
    case(
        # RUBRIC.md: a base of the makers' own they did not publish is closed; the card
        # names it as a sibling of the release ("Nimbus-7B-Chat ... trained from NimbusBase")
        "tuned-from-an-own-base-named-in-prose",
        project(released=model(unlinked_bases=("NimbusBase-2",))),
        "llmweights",
        "closed",
        "llmweights.own_base_named_not_shared",
        card_url(RELEASED),
    ),
    case(
        "tuned-from-an-in-house-base-that-is-not-released",
        project(
            released=model(
                card_md="# Nimbus 7B Chat\n\nDeveloped by Orbit Labs, which used 4.5T tokens of training data, "
                "then aligned with SFT and DPO.\n"
            )
        ),
        "llmweights",
        "closed",
        "llmweights.own_base_not_shared",
        card_url(RELEASED),
    ),
    case(
        "trained-from-scratch",
        project(released=model(BASE)),
        "llmweights",
        "open",
        "llmweights.downloadable",
        hub_page(BASE),
    ),
]

NONCOMMERCIAL_CARD = """---
license: other
license_name: nimbus-research-license
---
# Nimbus 7B Chat

Nimbus is available under the Nimbus Research License, a license allowing non-commercial use only.
"""

# "For research" as what the model is for, not as its terms: no restriction of use.
INTENDED_FOR_RESEARCH_CARD = """---
license: other
---
# Nimbus 7B Chat

Nimbus 7B Chat is built for research purposes only and answers in a single turn.
"""

LICENSE_CASES = [
    case(
        "all-osi",
        project(released=model(license_ids=("mit",)), repos=(repo(),)),
        "license",
        "open",
        "license.all_open",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    # RUBRIC.md conventions: non-commercial terms such as CC-BY-NC are partial.
    case(
        "non-commercial-cc-licence",
        project(released=model(license_ids=("cc-by-nc-4.0",)), repos=(repo(),)),
        "license",
        "partial",
        "license.noncommercial_terms",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    # ... whichever licence carries them: a custom licence the card calls non-commercial.
    case(
        "custom-licence-stated-non-commercial",
        project(released=model(card_md=NONCOMMERCIAL_CARD, license_ids=("other", "nimbus-research-license"))),
        "license",
        "partial",
        "license.noncommercial_terms",
        card_url(RELEASED),
        hub_page(RELEASED),
    ),
    case(
        "readme-restricts-weights-to-research",
        project(
            released=model(license_ids=("apache-2.0",)),
            repos=(
                repo(
                    readme_md="# Nimbus\n\nThe model weights are restricted for academic research purposes only "
                    "and cannot be used for commercial purposes.\n"
                ),
            ),
        ),
        "license",
        "partial",
        "license.noncommercial_terms",
        readme_url(OWN_REPO),
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    case(
        "intended-for-research-is-no-licence-term",
        project(released=model(card_md=INTENDED_FOR_RESEARCH_CARD, license_ids=("other",))),
        "license",
        "closed",
        "license.model_not_osi",
        hub_page(RELEASED),
    ),
    case(
        "custom-model-licence",
        project(released=model(license_ids=("other",))),
        "license",
        "closed",
        "license.model_not_osi",
        hub_page(RELEASED),
    ),
    # The model's licence decides: open code does not open a model under a custom licence.
    case(
        "custom-model-licence-open-code",
        project(released=model(license_ids=("other", "nimbus-open-model-license")), repos=(repo(),)),
        "license",
        "closed",
        "license.model_not_osi",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    case(
        "non-osi-model-behind-agreement-open-code",
        project(
            released=model(
                license_ids=("llama3",), gated="manual", gate_text="You agree to the Nimbus Community License."
            ),
            repos=(repo(),),
        ),
        "license",
        "closed",
        "license.model_not_osi",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    case(
        "open-model-gate-adds-terms",
        project(released=model(gated="auto", gate_text="You agree to the Nimbus acceptable use policy.")),
        "license",
        "partial",
        "license.open_but_gated_by_terms",
        hub_page(RELEASED),
    ),
    case(
        "open-model-code-under-no-osi-licence",
        project(released=model(), repos=(repo(license_id="NOASSERTION"),)),
        "license",
        "partial",
        "license.some_open",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    # A permissive tag over a base whose restrictive licence still applies.
    case(
        "open-model-restrictive-base",
        project(released=model(), bases=(model(BASE, license_ids=("llama3",)),)),
        "license",
        "partial",
        "license.base_licence_applies",
        hub_page(RELEASED),
        hub_page(BASE),
    ),
    case(
        "model-unlicensed-open-code",
        project(released=model(license_ids=()), repos=(repo(),)),
        "license",
        "closed",
        "license.model_unlicensed",
        hub_page(RELEASED),
        github_page(OWN_REPO),
    ),
    case(
        "nothing-licensed",
        project(released=model(license_ids=())),
        "license",
        "closed",
        "license.model_unlicensed",
        hub_page(RELEASED),
    ),
    case(
        "only-base-licensed",
        project(released=model(license_ids=()), bases=(model(BASE),)),
        "license",
        "partial",
        "license.only_base_licensed",
        hub_page(RELEASED),
        hub_page(BASE),
    ),
    # A system that is software, with no model: its code's licences decide.
    case(
        "software-mixed-licences",
        project(repos=(repo(), repo("orbitlabs/nimbus-ui", license_id="NOASSERTION"))),
        "license",
        "partial",
        "license.some_open",
        github_page(OWN_REPO),
        github_page("orbitlabs/nimbus-ui"),
    ),
    case(
        "software-no-osi-licence",
        project(repos=(repo(license_id="NOASSERTION"),)),
        "license",
        "closed",
        "license.none_open",
        github_page(OWN_REPO),
    ),
    case("software-unlicensed", project(repos=(repo(license_id=None),)), "license", "closed", "license.none"),
]

OPENCODE_CASES = [
    case(
        "finetuning-in-own-repo",
        project(repos=(repo(files=TRAINING_TREE),)),
        "opencode",
        "open",
        "opencode.training_code_public",
        github_page(OWN_REPO),
    ),
    case(
        "same-owner-linked-repo",
        project(
            released=model(card_md="The training code is at [tuner](https://github.com/orbitlabs/tuner).\n"),
            linked_repos=(repo("orbitlabs/tuner", files=TRAINING_TREE),),
        ),
        "opencode",
        "open",
        "opencode.training_code_public",
        github_page("orbitlabs/tuner"),
    ),
    # RUBRIC.md: a framework of the same organisation counts only when the makers point to
    # it as the code that made this system; one that does not name the system and that no
    # sentence points to is the organisation's other work.
    case(
        "same-owner-repo-not-pointed-to",
        project(
            released=model(card_md="Our other projects: [tuner](https://github.com/orbitlabs/tuner).\n"),
            linked_repos=(repo("orbitlabs/tuner", files=TRAINING_TREE),),
        ),
        "opencode",
        "closed",
        "opencode.none",
    ),
    # A two-letter name is still the system's name: "orbitlabs/Yi" names "Yi-34B-Chat".
    case(
        "same-owner-repo-named-with-a-two-letter-name",
        project(
            released=model("orbitlabs/Yi-34B-Chat", card_md="See [Yi](https://github.com/orbitlabs/Yi).\n"),
            linked_repos=(repo("orbitlabs/Yi", files=TRAINING_TREE),),
        ),
        "opencode",
        "open",
        "opencode.training_code_public",
        github_page("orbitlabs/Yi"),
    ),
    # RUBRIC.md: inference, serving or evaluation code alone is not training code.
    case(
        "inference-only",
        project(repos=(repo(files=INFERENCE_TREE),)),
        "opencode",
        "closed",
        "opencode.inference_only",
        github_page(OWN_REPO),
    ),
    case(
        "other-owner-not-naming-system",
        project(released=model(), linked_repos=(repo("Dao-AILab/flash-attention", files=TRAINING_TREE),)),
        "opencode",
        "closed",
        "opencode.none",
    ),
    case(
        "other-owner-naming-system-without-github-entry",
        project(released=model(), linked_repos=(repo("community/nimbus-finetune", files=TRAINING_TREE),)),
        "opencode",
        "open",
        "opencode.training_code_public",
        github_page("community/nimbus-finetune"),
    ),
    case(
        "other-owner-naming-system-beside-github-entry",
        project(
            repos=(repo(files=INFERENCE_TREE),), linked_repos=(repo("community/nimbus-finetune", files=TRAINING_TREE),)
        ),
        "opencode",
        "closed",
        "opencode.inference_only",
        github_page(OWN_REPO),
    ),
    case(
        "unreachable-own-repo",
        project(repos=(repo(files=TRAINING_TREE, found=False),)),
        "opencode",
        "closed",
        "opencode.none",
    ),
    case(
        "own-base-and-tuning-with-only-finetuning-and-its-utils",
        project(
            released=model(),
            bases=(model(BASE),),
            repos=(
                repo(files=("recipes/finetuning.py", "recipes/utils/train_utils.py", "recipes/configs/training.py")),
            ),
        ),
        "opencode",
        "partial",
        "opencode.one_stage_only",
        github_page(OWN_REPO),
    ),
    case(
        "own-base-and-tuning-with-pretraining-and-finetuning",
        project(
            released=model(),
            bases=(model(BASE),),
            repos=(repo(files=("scripts/pretrain.py", "scripts/finetune.py", "nimbus/train_utils.py")),),
        ),
        "opencode",
        "open",
        "opencode.training_code_public",
        github_page(OWN_REPO),
    ),
]

OWN_PAPER = paper(
    "Nimbus: Open Chat Models Pre-trained from Scratch",
    "We pre-train a transformer on 2 trillion tokens and fine-tune it with instruction data.",
    arxiv_id="2402.00002",
)
STAGE_PAPER = paper("Nimbus: Instruction Tuning at Scale", "We fine-tune an existing model.", arxiv_id="2402.00003")
CITED_PAPER = paper(
    "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
    "We pre-train and fine-tune transformers faster.",
    arxiv_id="2205.14135",
    journal_ref="NeurIPS 2022",
)
ARCHITECTURE_ONLY_PAPER = paper("Nimbus: A Recurrent Architecture", "We describe the layers.", arxiv_id="2402.00004")
REVIEWED_OWN_PAPER = replace(
    OWN_PAPER, journal_ref="Transactions on Machine Learning Research, 2024", peer_reviewed=True
)
REVIEWED_ARCHITECTURE_PAPER = replace(ARCHITECTURE_ONLY_PAPER, journal_ref="TMLR 2024", peer_reviewed=True)
PROCEEDINGS = "https://aclanthology.org/2024.acl-long.1"
PROCEEDINGS_CARD = f"{PARTIAL_CARD}\n## Citation\n\nPublished at ACL 2024: {PROCEEDINGS}\n"
OTHERS_BASE = "otherlab/Cirrus-7B"

PAPER_CASES = [
    case(
        "own-covers-all",
        project(released=model(), papers=(OWN_PAPER,)),
        "preprint",
        "open",
        "preprint.covers_all_stages",
        OWN_PAPER.url,
    ),
    case(
        "own-covers-tuning-of-others-base",
        project(released=model(), bases=(model(OTHERS_BASE),), papers=(STAGE_PAPER,)),
        "preprint",
        "open",
        "preprint.covers_all_stages",
        STAGE_PAPER.url,
    ),
    case(
        "own-covers-some",
        project(released=model(BASE), papers=(ARCHITECTURE_ONLY_PAPER,)),
        "preprint",
        "partial",
        "preprint.covers_some",
        ARCHITECTURE_ONLY_PAPER.url,
    ),
    case("cited-only", project(released=model(), papers=(CITED_PAPER,)), "preprint", "closed", "preprint.none"),
    case(
        "own-journal-ref-all-stages",
        project(released=model(), papers=(REVIEWED_OWN_PAPER,)),
        "paper",
        "open",
        "paper.covers_all_stages",
        REVIEWED_OWN_PAPER.url,
    ),
    case(
        "own-journal-ref-some-stages",
        project(released=model(BASE), papers=(REVIEWED_ARCHITECTURE_PAPER,)),
        "paper",
        "partial",
        "paper.covers_some",
        REVIEWED_ARCHITECTURE_PAPER.url,
    ),
    case(
        "venue-written-beside-the-link-in-own-card",
        project(
            released=model(
                BASE,
                card_md=f"# Nimbus\n\n[Nimbus: A Recurrent Architecture]({ARCHITECTURE_ONLY_PAPER.url}) (ICLR 2024)\n",
            ),
            papers=(ARCHITECTURE_ONLY_PAPER,),
        ),
        "paper",
        "partial",
        "paper.covers_some",
        ARCHITECTURE_ONLY_PAPER.url,
    ),
    case(
        "venue-beside-a-cited-paper-is-not-the-systems",
        project(
            released=model(card_md=f"# Nimbus\n\nBuilds on [FlashAttention]({CITED_PAPER.url}) (NeurIPS 2022)\n"),
            papers=(OWN_PAPER, replace(CITED_PAPER, peer_reviewed=False, journal_ref=None)),
        ),
        "paper",
        "closed",
        "paper.none",
    ),
    case("own-not-reviewed", project(released=model(), papers=(OWN_PAPER,)), "paper", "closed", "paper.none"),
    case("cited-reviewed", project(released=model(), papers=(CITED_PAPER,)), "paper", "closed", "paper.none"),
    case(
        "proceedings-link-in-own-card",
        project(released=model(card_md=PROCEEDINGS_CARD)),
        "paper",
        "partial",
        "paper.proceedings_link",
        PROCEEDINGS,
    ),
    case(
        "proceedings-link-on-a-reused-method-is-a-citation",
        project(released=model(card_md=f"{PARTIAL_CARD}\n* Employs [subln]({PROCEEDINGS}) normalization.\n")),
        "paper",
        "closed",
        "paper.none",
    ),
]

CARD_CASES = [
    case(
        "comprehensive",
        project(released=model(card_md=COMPREHENSIVE_CARD)),
        "modelcard",
        "open",
        "modelcard.comprehensive",
        card_url(RELEASED),
    ),
    case(
        "partial",
        project(released=model(card_md=PARTIAL_CARD)),
        "modelcard",
        "partial",
        "modelcard.partial",
        card_url(RELEASED),
    ),
    case(
        "advertisement-only",
        project(released=model(card_md=ADVERTISEMENT_CARD)),
        "modelcard",
        "closed",
        "modelcard.advertisement_only",
        card_url(RELEASED),
    ),
    case("none", project(released=model(card_md=None)), "modelcard", "closed", "modelcard.none"),
    case(
        "base-card-is-not-the-released-card",
        project(released=model(card_md=None), bases=(model(BASE, card_md=COMPREHENSIVE_CARD),)),
        "modelcard",
        "closed",
        "modelcard.none",
    ),
    case(
        "architecture-in-card",
        project(released=model(card_md=COMPREHENSIVE_CARD)),
        "architecture",
        "partial",
        "architecture.partly_documented",
        card_url(RELEASED),
    ),
    case(
        "architecture-paper-and-card",
        project(released=model(card_md=COMPREHENSIVE_CARD), papers=(OWN_PAPER,)),
        "architecture",
        "open",
        "architecture.paper_and_details",
        OWN_PAPER.url,
        card_url(RELEASED),
    ),
    case(
        "architecture-none",
        project(released=model(card_md=ADVERTISEMENT_CARD)),
        "architecture",
        "closed",
        "architecture.none",
    ),
]

PRETRAINING_DATA = "orbitlabs/nimbus-web-corpus"
TUNING_DATA = "orbitlabs/nimbus-sft-mix"


def datasheet_case(name: str, word_count: int, headings: tuple[str, ...], grade: str, rule: str) -> object:
    card_md = dataset_card(word_count, headings=headings)
    evidence = project(released=model(), datasets=(dataset(PRETRAINING_DATA, card_md=card_md),))
    urls = () if grade == "closed" else (dataset_card_url(PRETRAINING_DATA),)
    return case(name, evidence, "datasheet", grade, rule, *urls)


DATA_CASES = [
    case(
        "pretraining-downloadable",
        project(released=model(), datasets=(dataset(PRETRAINING_DATA),)),
        "llmdata",
        "open",
        "llmdata.data_published",
        dataset_page(PRETRAINING_DATA),
    ),
    case(
        "pretraining-gated",
        project(released=model(), datasets=(dataset(PRETRAINING_DATA, gated="manual"),)),
        "llmdata",
        "partial",
        "llmdata.partly_available",
        dataset_page(PRETRAINING_DATA),
    ),
    case(
        "pretraining-only-described-in-base-card-is-not-disclosure",
        project(released=model(), bases=(model(BASE, card_md=COMPREHENSIVE_CARD),)),
        "llmdata",
        "closed",
        "llmdata.none",
    ),
    case("pretraining-none", project(released=model()), "llmdata", "closed", "llmdata.none"),
    case(
        "tuning-data-published",
        project(released=model(), datasets=(dataset(TUNING_DATA),)),
        "rldata",
        "open",
        "rldata.data_published",
        dataset_page(TUNING_DATA),
    ),
    case(
        "tuning-data-unreachable",
        project(released=model(), datasets=(dataset(TUNING_DATA, found=False),)),
        "rldata",
        "partial",
        "rldata.partly_available",
        dataset_page(TUNING_DATA),
    ),
    case("tuning-data-none", project(released=model()), "rldata", "closed", "rldata.none"),
    case(
        "tuning-data-repo-linked-in-the-readme",
        project(
            repos=(repo(readme_md="# nimbus\n\n## Data\n\nWe tune on https://github.com/labx/alpaca-data.\n"),),
            linked_repos=(repo("labx/alpaca-data", files=("data/prepare_data.py",)),),
        ),
        "rldata",
        "open",
        "rldata.data_published",
        github_page("labx/alpaca-data"),
    ),
    case(
        "tuning-data-repo-only-thanked-or-its-license-linked",
        project(
            repos=(
                repo(
                    readme_md="# nimbus\n\n[![Code License](https://img.shields.io/badge/Code%20License-MIT-green.svg)]"
                    "(https://github.com/labx/alpaca-data/blob/main/LICENSE)\n\n"
                    "## Acknowledgements\n\nThanks to [Alpaca data](https://github.com/labx/alpaca-data).\n"
                ),
            ),
            linked_repos=(repo("labx/alpaca-data", files=("data/prepare_data.py",)),),
        ),
        "rldata",
        "closed",
        "rldata.none",
    ),
    case(
        "evaluation-data-is-not-training-data",
        project(released=model(), datasets=(dataset("cais/mmlu", card_md=LONG_DATASET_CARD),)),
        "datasheet",
        "closed",
        "datasheet.none",
    ),
    datasheet_case("short-card", DATASHEET_PARTIAL_WORDS // 2, DATASHEET_HEADINGS, "closed", "datasheet.none"),
    datasheet_case(
        "medium-card",
        (DATASHEET_PARTIAL_WORDS + DATASHEET_OPEN_WORDS) // 2,
        DATASHEET_HEADINGS,
        "partial",
        "datasheet.partial",
    ),
    datasheet_case(
        "long-card-few-sections", DATASHEET_OPEN_WORDS * 2, DATASHEET_HEADINGS[:1], "partial", "datasheet.partial"
    ),
    datasheet_case(
        "long-card-many-sections", DATASHEET_OPEN_WORDS * 2, DATASHEET_HEADINGS, "open", "datasheet.comprehensive"
    ),
    case(
        "no-dataset-card",
        project(released=model(), datasets=(dataset(PRETRAINING_DATA),)),
        "datasheet",
        "closed",
        "datasheet.none",
    ),
]

DOCS_TREE = tuple(f"docs/page_{n}.md" for n in range(DOCS_PAGES_FOR_COMPREHENSIVE))

CODE_CASES = [
    case(
        "readme-and-docs",
        project(repos=(repo(files=DOCS_TREE + TRAINING_TREE, readme_md=DOCUMENTED_README),)),
        "code",
        "open",
        "code.documented",
        readme_url(OWN_REPO),
    ),
    case(
        "readme-only",
        project(repos=(repo(files=TRAINING_TREE, readme_md=DOCUMENTED_README),)),
        "code",
        "partial",
        "code.readme_only",
        readme_url(OWN_REPO),
    ),
    case("no-readme", project(repos=(repo(files=DOCS_TREE + TRAINING_TREE),)), "code", "closed", "code.none"),
    case(
        "own-directory-package",
        project(repos=(repo(files=("cloudkit/__init__.py", "setup.py")),), packages=(package("cloudkit"),)),
        "package",
        "open",
        "package.versioned_release",
        pypi_page("cloudkit"),
    ),
    case(
        "package-naming-the-system",
        project(released=model(), packages=(package("nimbus-chat"),)),
        "package",
        "open",
        "package.versioned_release",
        pypi_page("nimbus-chat"),
    ),
    case(
        "unrelated-package",
        project(repos=(repo(files=("cloudkit/__init__.py",)),), packages=(package("requests"),)),
        "package",
        "closed",
        "package.none",
    ),
    # A folder named after a third-party package deep in the repo (examples, vendored
    # code) is not a package the repo releases: `pip install vllm` in the card is tooling.
    case(
        "third-party-package-with-a-folder-of-examples",
        project(
            released=model(),
            repos=(repo(files=("examples/vllm/serve.py", "third_party/transformers/patch.py", "setup.py")),),
            packages=(package("vllm"), package("transformers")),
        ),
        "package",
        "closed",
        "package.none",
    ),
    case(
        "own-package-under-src",
        project(repos=(repo(files=("src/cloudkit/__init__.py", "pyproject.toml")),), packages=(package("cloudkit"),)),
        "package",
        "open",
        "package.versioned_release",
        pypi_page("cloudkit"),
    ),
    case(
        "unversioned-package",
        project(repos=(repo(files=("cloudkit/__init__.py",)),), packages=(package("cloudkit", version=None),)),
        "package",
        "closed",
        "package.none",
    ),
    case(
        "pypi-page-linked-from-own-readme",
        project(
            repos=(
                repo(
                    readme_md="# nimbus\n\n[![PyPi](https://img.shields.io/pypi/v/nimbus)](https://pypi.org/project/nimbus/)\n"
                ),
            )
        ),
        "package",
        "open",
        "package.pypi_page_linked",
        readme_url(OWN_REPO),
    ),
    case(
        "pypi-page-of-a-dependency-is-not-the-systems",
        project(
            repos=(
                repo(
                    files=("nimbus/__init__.py", "pyproject.toml"),
                    readme_md="# nimbus\n\nNeeds [torch](https://pypi.org/project/torch/).\n",
                ),
            )
        ),
        "package",
        "partial",
        "package.source_only",
        github_page(OWN_REPO),
    ),
    case(
        "source-only",
        project(repos=(repo(files=("cloudkit/__init__.py", "pyproject.toml")),)),
        "package",
        "partial",
        "package.source_only",
        github_page(OWN_REPO),
    ),
    case(
        "readme-api-section",
        project(repos=(repo(readme_md=API_README),)),
        "api",
        "open",
        "api.documented",
        readme_url(OWN_REPO),
    ),
    case(
        "gated-model",
        project(released=model(gated="auto")),
        "api",
        "partial",
        "api.restricted_access",
        hub_page(RELEASED),
    ),
    case(
        "readme-vllm-deployment-section",
        project(
            released=model(),
            repos=(repo(readme_md="# nimbus\n\n## Deployment\n\nStart an OpenAI-compatible server with vLLM.\n"),),
        ),
        "api",
        "closed",
        "api.none",
    ),
    case(
        "openapi-spec-in-own-repo",
        project(repos=(repo(files=("docs/api/openapi.json", "server/app.py")),)),
        "api",
        "open",
        "api.openapi_spec",
        github_page(OWN_REPO),
    ),
    case(
        "hosted-inference-disabled-beats-gate",
        project(released=model(gated="auto", hosted_inference_disabled=True)),
        "api",
        "closed",
        "api.hosted_inference_disabled",
        hub_page(RELEASED),
    ),
    case("open-weights-are-not-an-api", project(released=model()), "api", "closed", "api.none"),
]


@pytest.mark.parametrize(
    "spec", WEIGHT_CASES + LICENSE_CASES + OPENCODE_CASES + PAPER_CASES + CARD_CASES + DATA_CASES + CODE_CASES
)
def test_rule(spec: Case) -> None:
    result = RULES[spec.criterion](spec.evidence)
    assert (result.criterion, result.grade, result.rule) == (spec.criterion, spec.grade, spec.rule), result.reason
    assert sorted(result.evidence) == sorted(spec.urls)


def test_a_missing_file_listing_is_unknown_not_no_weights() -> None:
    # A Hub model whose info carries no siblings (and no format tags, library or task):
    # the repo exists and is served, so its weights are presumed there but not "seen".
    unlisted = model(weights=(), files_listed=False, pipeline_tag=None, tags=())
    assert unlisted.has_weights and not unlisted.weights_seen
    assert not model(weights=(), pipeline_tag=None).has_weights  # a complete listing without weights
    assert not replace(unlisted, disabled=True).has_weights
    base = replace(unlisted, repo_id=BASE, page_url=hub_page(BASE))
    result = RULES["llmweights"](project(released=model(), bases=(base,)))
    assert (result.grade, result.rule) == ("open", "llmweights.on_hub_files_unlisted")
    assert "file listing was not seen" in result.reason


def test_weight_format_tags_prove_weights_even_with_a_partial_listing() -> None:
    # The Hub derives format tags from the files it holds; a listing may be cut short.
    assert model(weights=(), tags=("safetensors",)).has_weights
    assert model(weights=(), files_listed=False, tags=("safetensors",)).has_weights
    assert not model(weights=(), tags=("text-generation",)).has_weights


def test_a_free_model_wins_over_a_restricted_one() -> None:
    evidence = project(released=model(), bases=(model(BASE, gated="manual"), model("orbitlabs/Nimbus-7B-v2")))
    result = RULES["llmweights"](evidence)
    assert (result.grade, result.evidence) == ("open", (hub_page("orbitlabs/Nimbus-7B-v2"),))


# --- invariants over generated evidence -----------------------------------------------


def random_model(rng: random.Random, repo_id: str) -> ModelEvidence:
    if rng.random() < 0.15:
        return unreadable_model(repo_id)
    return model(
        repo_id,
        card_md=rng.choice([None, "", ADVERTISEMENT_CARD, PARTIAL_CARD, COMPREHENSIVE_CARD, PROCEEDINGS_CARD]),
        weights=rng.choice([(), ("model.safetensors",), ("delta-weights.bin",), ("adapter_model.bin",)]),
        license_ids=rng.choice([(), ("apache-2.0",), ("other",), ("cc-by-nc-4.0", "mit")]),
        gated=rng.choice([None, None, "auto", "manual"]),
        delta_only=rng.random() < 0.1,
        encrypted=rng.random() < 0.05,
        files_listed=rng.random() < 0.8,
        tags=rng.choice([(), ("safetensors",), ("conversational",)]),
    )


def random_project(rng: random.Random) -> ProjectEvidence:
    def some(make: Callable[[int], object], most: int) -> tuple:
        return tuple(make(n) for n in range(rng.randint(0, most)))

    return project(
        released=random_model(rng, RELEASED) if rng.random() < 0.8 else None,
        bases=some(lambda n: random_model(rng, [BASE, OTHERS_BASE][n]), 2),
        linked_models=some(lambda n: random_model(rng, f"someone/linked-{n}"), 1),
        datasets=some(
            lambda n: dataset(
                rng.choice([PRETRAINING_DATA, TUNING_DATA, "cais/mmlu"]) + str(n),
                card_md=rng.choice([None, dataset_card(rng.choice([100, 600, 2500]), headings=DATASHEET_HEADINGS)]),
                gated=rng.choice([None, "auto"]),
                found=rng.random() < 0.9,
            ),
            3,
        ),
        repos=some(
            lambda n: repo(
                f"{OWN_REPO}{n}",
                files=rng.choice(
                    [
                        (),
                        TRAINING_TREE,
                        INFERENCE_TREE,
                        DOCS_TREE,
                        DOCS_TREE + TRAINING_TREE,
                        ("cloudkit/__init__.py", "setup.py"),
                    ]
                ),
                readme_md=rng.choice(["", DOCUMENTED_README, API_README]),
                license_id=rng.choice([None, "mit", "other"]),
                found=rng.random() < 0.9,
            ),
            2,
        ),
        linked_repos=some(
            lambda n: repo(
                rng.choice(["community/nimbus-tools", "Dao-AILab/flash-attention"]) + str(n), files=TRAINING_TREE
            ),
            2,
        ),
        papers=tuple(
            rng.sample(
                [OWN_PAPER, STAGE_PAPER, CITED_PAPER, ARCHITECTURE_ONLY_PAPER, REVIEWED_OWN_PAPER], rng.randint(0, 3)
            )
        ),
        packages=some(
            lambda n: package(rng.choice(["cloudkit", "nimbus-chat", "requests"]), version=rng.choice(["1.0", None])), 2
        ),
    )


GENERATED = [random_project(random.Random(seed)) for seed in range(150)]


def urls_in(ev: ProjectEvidence) -> set[str]:
    """Every URL the evidence holds; a grade may cite only these."""
    models = [m for m in (ev.released, *ev.bases, *ev.linked_models) if m is not None]
    found = {m.page_url for m in models} | {m.card_url for m in models if m.card_url}
    found |= {d.page_url for d in ev.datasets} | {d.card_url for d in ev.datasets if d.card_url}
    found |= {r.page_url for r in ev.all_repos} | {r.readme_url for r in ev.all_repos if r.readme_url}
    found |= {p.url for p in ev.papers} | {p.page_url for p in ev.packages} | {link.url for link in ev.own_links}
    return found


def test_generated_evidence_covers_every_grade_of_every_criterion() -> None:
    """Guards the invariant tests below against generated data too bland to mean much."""
    seen = {(g.criterion, g.grade) for ev in GENERATED for g in grade_project(ev)}
    # No rule grades `paper` open yet (peer review of a paper covering all parts is not
    # probed), so that pair cannot be asked of the generator.
    wanted = {(c, g) for c in CRITERIA for g in ("open", "partial", "closed")} - {("paper", "open")}
    missing = wanted - seen
    assert missing == set()


@pytest.mark.parametrize("index", range(len(GENERATED)))
def test_every_rule_grades_its_own_criterion_with_evidence_from_the_record(index: int) -> None:
    ev = GENERATED[index]
    known_urls = urls_in(ev)
    for criterion, rule in RULES.items():
        result = rule(ev)
        assert isinstance(result, Grade)
        assert result.criterion == criterion
        assert result.rule.startswith(f"{criterion}.")
        if result.grade != "closed":
            assert result.evidence
        assert len(set(result.evidence)) == len(result.evidence)
        assert set(result.evidence) <= known_urls


@pytest.mark.parametrize("index", range(len(GENERATED)))
def test_grade_project_returns_the_criteria_in_order_and_deterministically(index: int) -> None:
    ev = GENERATED[index]
    first = grade_project(ev)
    assert [g.criterion for g in first] == list(CRITERIA)
    assert grade_project(ev) == first
    rebuilt = random_project(random.Random(index))
    assert rebuilt == ev and grade_project(rebuilt) == first


@pytest.mark.parametrize("index", range(len(GENERATED)))
def test_no_rule_reads_the_project_id(index: int) -> None:
    ev = GENERATED[index]
    renamed = replace(ev, project_id="an-entirely-different-id")
    assert grade_project(renamed) == grade_project(ev)


def test_weights_mostly_restricted_are_partial() -> None:
    free = model("orbitlabs/Nimbus-7B-Chat")
    encrypted = [model(f"orbitlabs/Nimbus-{size}-Chat-enc", encrypted=True) for size in ("13B", "33B")]
    result = RULES["rlweights"](project(released=None, linked_models=(free, *encrypted)))
    assert (result.grade, result.rule) == ("partial", "rlweights.mostly_restricted")


@pytest.mark.parametrize(
    ("repo_id", "encrypted", "delta"),
    [
        ("orbitlabs/Nimbus-7B-enc", True, False),
        ("orbitlabs/nimbus-13b-delta-v1", False, True),
        ("tatsu-lab/alpaca-7b-wdiff", False, True),
        ("orbitlabs/Nimbus-7B-weight-diff", False, True),
        ("orbitlabs/Nimbus-7B-diffusion", False, False),
        ("orbitlabs/Nimbus-7B", False, False),
        ("orbitlabs/encoder-7B", False, False),
    ],
)
def test_repo_names_mark_encrypted_and_delta_releases(repo_id: str, encrypted: bool, delta: bool) -> None:
    info = ModelInfo(id=repo_id, tags=["pytorch"], pipeline_tag="text-generation")
    evidence = model_evidence(
        Fetched(f"https://huggingface.co/api/models/{repo_id}", "hf_model", repo_id, 200, info), None
    )
    assert (evidence.encrypted, evidence.delta_only) == (encrypted, delta)


@pytest.mark.parametrize(
    ("card_data", "disabled"), [({"inference": False}, True), ({"inference": True}, False), ({}, False)]
)
def test_a_cards_inference_false_marks_hosted_inference_disabled(card_data: dict, disabled: bool) -> None:
    info = ModelInfo(id=RELEASED, tags=["pytorch"], pipeline_tag="text-generation", cardData=card_data)
    evidence = model_evidence(Fetched(f"{HUB}/api/models/{RELEASED}", "hf_model", RELEASED, 200, info), None)
    assert evidence.hosted_inference_disabled is disabled


@pytest.mark.parametrize(
    ("gate_text", "expected"),
    [
        (
            "Access to this model requires reading and agreeing to the following agreement [here](https://x/y.pdf)",
            "partial",
        ),
        ("You agree to the [Example TII license](https://x/LICENSE.txt) and acceptable use policy.", "partial"),
        (
            'If you want to learn more about how we process your personal data, please read our <a href="https://x/terms/">'
            "Privacy Policy</a>.",
            "open",
        ),
    ],
)
def test_a_gate_asking_to_accept_terms_encumbers_an_open_license(gate_text: str, expected: str) -> None:
    released = model(gated="auto", gate_text=gate_text)
    result = RULES["license"](project(released=released))
    assert result.grade == expected


def test_a_datasets_role_is_who_names_it() -> None:
    """RUBRIC.md: a tuned release's own datasets are tuning data; the pre-trained model's
    are pre-training data; a continued pre-training between them is a stage of the
    makers (its data is the end model's); a single model's data counts for both."""
    web, mix, dutch = "acme/web-corpus", "orbitlabs/reasoning-problems", "orbitlabs/dutch-wiki"
    root = replace(model("acme/Acme-2B"), datasets=(web,))
    adapted = replace(model(BASE), datasets=(dutch,), declared_bases=("acme/Acme-2B",))
    tuned = replace(model(), datasets=(mix,), declared_bases=(BASE,))
    evidence = project(released=tuned, bases=(adapted, root), datasets=(dataset(web), dataset(mix), dataset(dutch)))
    assert [d.repo_id for d in h.pretraining_datasets(evidence)] == [web]
    assert sorted(d.repo_id for d in h.tuning_datasets(evidence)) == sorted([mix, dutch])
    # the tuned release alone: its data is tuning data, and nothing is said of the base's
    alone = project(released=tuned, datasets=(dataset(mix),))
    assert (RULES["llmdata"](alone).grade, RULES["rldata"](alone).grade) == ("closed", "open")
    # a model that is its own base: its data is both
    single = project(released=replace(model(BASE), datasets=(web,)), datasets=(dataset(web),))
    assert (RULES["llmdata"](single).grade, RULES["rldata"](single).grade) == ("open", "open")


def test_the_lineage_ends_where_no_declared_base_was_followed() -> None:
    unread = unreadable_model("microsoft/phi-2")
    adapted = replace(model(BASE), declared_bases=("microsoft/phi-2",))
    evidence = project(released=replace(model(), declared_bases=(BASE,)), bases=(adapted, unread))
    assert h.lineage_roots(evidence) == (unread,)
    assert h.lineage_roots(project(released=model(), bases=(model(BASE),))) == (model(BASE),)


@pytest.mark.parametrize(
    ("repo_id", "evaluation"),
    [
        ("open-llm-leaderboard/details_orbitlabs__Nimbus-7B-Chat", True),
        ("orbitlabs/nimbus-eval-results", True),
        ("orbitlabs/Nimbus-results", True),
        ("orbitlabs/card-images", True),
        ("THUDM/humaneval-x", True),
        ("orbitlabs/nimbus-web-corpus", False),
        ("orbitlabs/nimbus-sft-mix", False),
        ("orbitlabs/resultant-dialogues", False),
    ],
)
def test_benchmarks_leaderboard_results_and_image_repos_are_not_training_data(repo_id: str, evaluation: bool) -> None:
    assert h.is_evaluation_dataset(repo_id) == evaluation


def test_a_tuned_card_repeating_its_bases_datasets_names_no_tuning_data() -> None:
    """A chat card's front matter copied from its base lists the base's corpus: that is
    pre-training data, not the tuning's."""
    web = "acme/web-corpus"
    base = replace(model("acme/Acme-180B"), datasets=(web,))
    chat = replace(model("acme/Acme-180B-chat"), datasets=(web,), declared_bases=("acme/Acme-180B",))
    evidence = project(released=chat, bases=(base,), datasets=(dataset(web),))
    assert [d.repo_id for d in h.pretraining_datasets(evidence)] == [web]
    assert h.tuning_datasets(evidence) == ()
    assert RULES["rldata"](evidence).rule == "rldata.none"


def test_a_dataset_publishing_only_an_extract_of_the_corpus_is_partly_available() -> None:
    """RUBRIC.md: some of the data obtainable is partial; a card saying its repo holds a
    public extract of the corpus the model was trained on publishes part of it."""
    web = "acme/web-corpus"
    extract = dataset(web, card_md="# Web corpus\n\nThis public extract should contain 500-650GT of the 5T.\n")
    whole = dataset(web, card_md="# Web corpus\n\nThe full corpus, 5T tokens, deduplicated.\n")
    released = replace(model("acme/Acme-180B"), datasets=(web,))
    partly = RULES["llmdata"](project(released=released, datasets=(extract,)))
    assert (partly.grade, partly.rule) == ("partial", "llmdata.partly_available")
    assert "only an extract published: acme/web-corpus" in partly.reason
    assert RULES["llmdata"](project(released=released, datasets=(whole,))).grade == "open"
