"""The `architecture` criterion: its findings (index/rubric/architecture_findings.py) on
small hand-written inputs, and the policy that reads them.

The evidence builders are those of tests/test_rubric.py (the made-up system "Nimbus" by
"orbitlabs"); "Cumulus" by "skyco" is another lab's base.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.rubric import architecture_findings as af
from index.rubric.criteria import architecture
from tests.test_rubric import (
    ADVERTISEMENT_CARD,
    COMPREHENSIVE_CARD,
    RELEASED,
    card_url,
    hub_page,
    model,
    paper,
    project,
    repo,
)
from tests.test_unseen_systems import HUB, arxiv_line, graded_from_captures, line

OTHER_LABS_BASE = "skyco/Cumulus-7B"
MODEL_PAPER = paper(
    "Nimbus: Open Chat Models",
    "We pre-train a decoder-only transformer with 7 billion parameters and fine-tune it for dialogue.",
    arxiv_id="2402.00010",
)
DATA_PAPER = paper(
    "The Nimbus Dialogue Dataset",
    "We present a dataset of French dialogue transcripts collected from public sources, describe "
    "the corpora it is made of and how we standardised their format.",
    arxiv_id="2402.00011",
)
BASE_PAPER = paper(
    "Cumulus: A Mixture-of-Experts Language Model",
    "We pre-train Cumulus, a mixture-of-experts transformer, on 9 trillion tokens.",
    arxiv_id="2402.00012",
)
TRAINING_REPO_FILES = ("train/sft.sh", "train/configs/deepspeed_zero3.json", "README.md")


def tuned_on_other_labs_base(**extra: object) -> object:
    """Nimbus-7B-Chat, tuned by orbitlabs from skyco's Cumulus-7B."""
    return project(
        released=model(card_md=COMPREHENSIVE_CARD, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=None),),
        **extra,
    )


# --- findings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "documents"),
    [
        ("We pre-train a decoder-only transformer on 2 trillion tokens.", True),
        ("We fine-tune an existing model on instruction data and align it with DPO.", True),
        ("We present a dataset of French dialogue transcripts and describe its corpora.", False),
        ("", False),
    ],
)
def test_a_paper_documents_a_model_when_its_abstract_speaks_of_design_or_training(
    summary: str, documents: bool
) -> None:
    assert af.paper_documents_a_model(paper("Nimbus", summary)) is documents


def test_a_paper_titled_after_a_dataset_is_about_data_though_it_reports_models() -> None:
    corpus = paper(
        "The Nimbus Web Corpus for Nimbus LLM: Filtered Web Data Only",
        "Properly filtered web data alone leads to powerful models: we pre-train transformers "
        "with 1 billion parameters on 350 billion tokens of it.",
    )
    assert corpus.topics & af.MODEL_TOPICS
    assert not af.paper_documents_a_model(corpus)
    assert af.paper_documents_a_model(replace(corpus, title="Nimbus: Open Models Trained on Web Data Only"))


def test_the_makers_papers_and_a_bases_papers_are_told_apart() -> None:
    ev = tuned_on_other_labs_base(papers=(MODEL_PAPER, BASE_PAPER, DATA_PAPER))
    assert af.makers_model_papers(ev) == (MODEL_PAPER,)
    assert af.base_model_papers(ev) == (BASE_PAPER,)


def test_own_training_code_is_a_makers_repo_with_training_files() -> None:
    training = repo(files=TRAINING_REPO_FILES)
    serving = repo("orbitlabs/nimbus-serve", files=("serve.py", "README.md"))
    ev = project(released=model(), repos=(training, serving))
    assert af.own_training_code(ev) == (training,)


def test_the_systems_cards_are_its_makers_models_and_bases_named_as_the_system() -> None:
    # Tuned by orbitlabs from skyco's Cumulus-7B, whose card states the design.
    ev = project(
        released=model(card_md=ADVERTISEMENT_CARD, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=COMPREHENSIVE_CARD),),
    )
    assert af.system_cards_with_details(ev) == ()
    # The makers' own card, and a base of another lab the system is named after, count.
    own = project(released=model(card_md=COMPREHENSIVE_CARD))
    assert [u for _, u in af.system_cards_with_details(own)] == [card_url(RELEASED)]
    named = "orbitlabs/Cumulus-7B-Nimbus-Chat"
    ev = project(
        released=model(named, card_md=ADVERTISEMENT_CARD, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=COMPREHENSIVE_CARD),),
    )
    assert [u for _, u in af.system_cards_with_details(ev)] == [card_url(OTHER_LABS_BASE)]


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Nimbus-7B was trained on 1 A100 80GB GPU for about 50 GPU hours.", True),
        ("The policy is trained on 8 H800, with a global batch of 512.", True),
        ("These models were trained on a cluster of 16 CS-2 wafer-scale systems.", True),
        ("We pre-train on 512 TPUv4 chips for three weeks.", True),
        ("Training was conducted on the LUMI supercomputer.", True),
        ("Pre-training took 2.7M H800 GPU hours.", True),
        ("所有训练实验都是在8块NVIDIA A100-40GB GPU上进行的。", True),
        # Hardware to run or serve the model, or a training word without hardware.
        ("It runs inference on a single H100 GPU while trained on 45B tokens.", False),
        ("Fine-tuning the 7B model needs four A100s with 80GB VRAM.", False),
        ("- Test hardware: 2x NVIDIA H100-80GB", False),
        ("Trained on 35 diverse reasoning tasks.", False),
        # A hash in a link is not a count of accelerators.
        ("Fine-tuned on [the cleaned data](https://github.com/o/r/blob/a3027fea37c2/data.json).", False),
    ],
)
def test_training_hardware_is_a_count_of_accelerators_or_a_supercomputer_it_was_trained_on(
    text: str, states: bool
) -> None:
    assert bool(af.states_training_hardware(text)) is states


def test_training_hardware_is_read_from_the_systems_own_cards_readmes_and_papers() -> None:
    hardware = "\n\nThe model was fine-tuned on 8 A100 GPUs for 12 hours.\n"
    own_card = project(released=model(card_md=ADVERTISEMENT_CARD + hardware))
    assert af.training_hardware_stated(own_card) == (card_url(RELEASED),)
    # Another lab's base: its card states how that base was trained.
    base_card = project(
        released=model(card_md=ADVERTISEMENT_CARD, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=ADVERTISEMENT_CARD + hardware),),
    )
    assert af.training_hardware_stated(base_card) == ()
    readme = project(released=model(card_md=ADVERTISEMENT_CARD), repos=(repo(readme_md="# Nimbus" + hardware),))
    assert len(af.training_hardware_stated(readme)) == 1
    report = paper("Nimbus Technical Report", "We pre-train Nimbus, a transformer, on 1024 H100 GPUs.")
    assert af.training_hardware_stated(project(released=model(), papers=(report,))) == (report.url,)


def test_release_cards_are_unread_when_behind_the_gate_or_their_fetch_failed() -> None:
    gated = project(released=model(card_md=None, gated="manual"))
    assert af.release_cards_unread(gated) == (hub_page(RELEASED),)
    failed = replace(project(released=model(card_md=None)), unknown=(card_url(RELEASED),))
    assert af.release_cards_unread(failed) == (hub_page(RELEASED),)
    read = project(released=model(card_md=ADVERTISEMENT_CARD, gated="manual"))
    assert af.release_cards_unread(read) == ()
    # The Hub says the ungated model has no card: absent, not unknown.
    assert af.release_cards_unread(project(released=model(card_md=None))) == ()


# --- policy -------------------------------------------------------------------------------


def test_the_makers_paper_on_their_model_with_a_design_card_is_open() -> None:
    grade = architecture(project(released=model(card_md=COMPREHENSIVE_CARD), papers=(MODEL_PAPER,)))
    assert (grade.grade, grade.rule) == ("open", "architecture.paper_and_details")


def test_the_makers_paper_beside_only_another_labs_base_card_is_partial() -> None:
    # SynLogic-32B on Qwen2.5-32B: the base's card states the base's design, not how the
    # makers trained theirs.
    ev = project(
        released=model(card_md=ADVERTISEMENT_CARD, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=COMPREHENSIVE_CARD),),
        papers=(MODEL_PAPER,),
    )
    grade = architecture(ev)
    assert (grade.grade, grade.rule) == ("partial", "architecture.partly_documented")
    assert card_url(OTHER_LABS_BASE) in grade.evidence


def test_a_paper_about_data_alone_does_not_document_the_architecture() -> None:
    grade = architecture(project(released=model(card_md=COMPREHENSIVE_CARD), papers=(DATA_PAPER,)))
    assert (grade.grade, grade.rule) == ("partial", "architecture.partly_documented")
    assert DATA_PAPER.url not in grade.evidence


def test_a_bases_paper_documents_the_design_not_the_systems_training() -> None:
    grade = architecture(tuned_on_other_labs_base(papers=(BASE_PAPER,)))
    assert (grade.grade, grade.rule) == ("partial", "architecture.partly_documented")
    assert BASE_PAPER.url in grade.evidence
    assert "base's paper" in grade.reason


def test_a_bases_paper_with_the_makers_training_code_is_open() -> None:
    ev = tuned_on_other_labs_base(papers=(BASE_PAPER,), repos=(repo(files=TRAINING_REPO_FILES),))
    grade = architecture(ev)
    assert (grade.grade, grade.rule) == ("open", "architecture.base_paper_and_training_setup")


def test_a_bases_paper_with_the_makers_statement_of_their_training_hardware_is_open() -> None:
    card = ADVERTISEMENT_CARD + "\n\nWe fine-tuned it on 64 H100 GPUs for two days.\n"
    ev = project(
        released=model(card_md=card, declared_bases=(OTHER_LABS_BASE,)),
        bases=(model(OTHER_LABS_BASE, card_md=None),),
        papers=(BASE_PAPER,),
    )
    grade = architecture(ev)
    assert (grade.grade, grade.rule) == ("open", "architecture.base_paper_and_training_setup")
    assert card_url(RELEASED) in grade.evidence
    serving = replace(ev, released=model(card_md=ADVERTISEMENT_CARD + "\n\nServe it on 8 H100 GPUs.\n"))
    assert architecture(serving).grade == "partial"


def test_the_makers_paper_and_a_card_stating_the_training_hardware_is_open(tmp_path: Path) -> None:
    """Replayed: a card with no architecture heading, no hyper-parameters and no code
    link, beside the makers' report, says what the model was trained on."""
    repo_id = "acme/Acme-7B"
    card = (
        "---\nlicense: apache-2.0\n---\n# Acme 7B\n\nAcme 7B is our open model; see the report "
        "https://arxiv.org/abs/2502.00002 for how it was built.\n\nAcme 7B was pre-trained on 256 H100 GPUs "
        "over 21 days.\n"
    )
    info = {"id": repo_id, "gated": False, "tags": ["license:apache-2.0", "arxiv:2502.00002"]}
    lines = [
        line(f"{HUB}/api/models/{repo_id}", json=info),
        line(f"{HUB}/{repo_id}/resolve/main/README.md", body=card),
        arxiv_line("2502.00002", "Acme 7B Technical Report", "We pre-train Acme 7B, a decoder-only transformer."),
    ]
    entry = f"id: acme\n  name: Acme\n  org: Acme\n  hf: {repo_id}"
    grade = graded_from_captures(tmp_path, lines, entry)["architecture"]
    assert (grade["grade"], grade["rule"]) == ("open", "architecture.paper_and_details")
    lines[1] = line(f"{HUB}/{repo_id}/resolve/main/README.md", body=card.replace("pre-trained on", "served from"))
    (tmp_path / "again").mkdir()
    grade = graded_from_captures(tmp_path / "again", lines, entry)["architecture"]
    assert (grade["grade"], grade["rule"]) == ("partial", "architecture.partly_documented")


def test_a_release_card_that_could_not_be_read_is_unknown_not_absent() -> None:
    grade = architecture(project(released=model(card_md=None, gated="auto")))
    assert (grade.grade, grade.rule, grade.evidence) == (
        "partial",
        "architecture.card_unreadable",
        (hub_page(RELEASED),),
    )
    open_repo = architecture(project(released=model(card_md=None)))
    assert (open_repo.grade, open_repo.rule) == ("closed", "architecture.none")
