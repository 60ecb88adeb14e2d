"""The `architecture` criterion: its findings (index/rubric/architecture_findings.py) on
small hand-written inputs, and the policy that reads them.

The evidence builders are those of tests/test_rubric.py (the made-up system "Nimbus" by
"orbitlabs"); "Cumulus" by "skyco" is another lab's base.
"""

from __future__ import annotations

from dataclasses import replace

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
    assert (grade.grade, grade.rule) == ("open", "architecture.base_paper_and_training_code")


def test_a_release_card_that_could_not_be_read_is_unknown_not_absent() -> None:
    grade = architecture(project(released=model(card_md=None, gated="auto")))
    assert (grade.grade, grade.rule, grade.evidence) == (
        "partial",
        "architecture.card_unreadable",
        (hub_page(RELEASED),),
    )
    open_repo = architecture(project(released=model(card_md=None)))
    assert (open_repo.grade, open_repo.rule) == ("closed", "architecture.none")
