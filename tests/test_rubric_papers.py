"""Whose paper it is and which stages it covers, on real-shaped names, titles and
abstracts (from systems released 2023-26): the findings behind `preprint` and `paper`.

The evidence builders are those of tests/test_rubric.py (the made-up system "Nimbus").
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.evidence.names import identity_tokens, mentions_the_system, names_the_system
from index.evidence.papers import paper_topics, papers_announced_as_own
from index.rubric import helpers as h
from index.rubric.criteria import RULES
from tests.test_rubric import BASE, RELEASED, model, paper, project
from tests.test_unseen_systems import arxiv_line, github_lines, graded_from_captures, line

HUB = "https://huggingface.co"

# --- names --------------------------------------------------------------------------------

CT_LLM_ABSTRACT = (
    "In this study, we introduce CT-LLM, a 2B large language model (LLM) that illustrates a "
    "pivotal shift towards prioritizing the Chinese language in developing LLMs. Uniquely "
    "initiated from scratch, CT-LLM diverges from the conventional methodology by primarily "
    "incorporating Chinese textual data, utilizing an extensive corpus of 1,200 billion tokens."
)


def test_an_abstract_introducing_the_system_by_its_short_name_mentions_it() -> None:
    assert mentions_the_system(CT_LLM_ABSTRACT, identity_tokens(["m-a-p/CT-LLM-SFT-DPO"]))


def test_mentions_the_system_needs_the_name_not_a_word_inside_it() -> None:
    # A title's word inside the name counts for titles ("RWKV" in ChatRWKV); running text
    # is full of such words ("seek" inside "deepseek").
    tokens = identity_tokens(["deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"])
    assert names_the_system("Seek: a search agent", tokens)
    assert not mentions_the_system("We seek a better policy for deep networks.", tokens)
    assert mentions_the_system("The model is distilled from DeepSeek-R1.", tokens)


# --- stages from abstracts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "present", "absent"),
    [
        (
            "dots.llm1 Technical Report",
            "dots.llm1 achieves performance comparable to Qwen2.5-72B after pretraining on 11.2T "
            "high-quality tokens and post-training to fully unlock its capabilities.",
            {"pretraining", "finetuning"},
            set(),
        ),
        (
            "SynLogic: Synthesizing Verifiable Reasoning Data at Scale",
            "All examples can be verified by simple rules, making them ideally suited for RL with "
            "verifiable rewards. We validate the effectiveness of RL training on the SynLogic dataset.",
            {"rlhf", "data"},
            {"pretraining"},
        ),
        (
            "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
            "We propose a one-shot weight quantization method.",
            set(),
            {"finetuning"},
        ),
        (
            # Other people's "base models" are not a pre-training the paper reports.
            "OpenAssistant Conversations -- Democratizing Large Language Model Alignment",
            "Models trained on OpenAssistant Conversations show consistent improvements on "
            "standard benchmarks over respective base models.",
            {"rlhf"},
            {"pretraining"},
        ),
    ],
)
def test_stages_are_what_the_abstract_reports_doing(
    title: str, summary: str, present: set[str], absent: set[str]
) -> None:
    topics = paper_topics(title, summary)
    assert present <= topics
    assert not absent & topics


# --- whose paper --------------------------------------------------------------------------

CHINESE_TINY = "Chinese Tiny LLM: Pretraining a Chinese-Centric Large Language Model"


def test_a_paper_the_release_tags_and_whose_abstract_names_it_is_its_own() -> None:
    release = model("m-a-p/CT-LLM-SFT-DPO", tags=("arxiv:2404.04167",))
    tagged = paper(CHINESE_TINY, CT_LLM_ABSTRACT, arxiv_id="2404.04167")
    assert h.own_papers(project(released=release, papers=(tagged,))) == (tagged,)
    # Untagged, the title alone does not name it; tagged, a cited paper's abstract must name it.
    assert h.own_papers(project(released=replace(release, tags=()), papers=(tagged,))) == ()
    cited = paper("Judging LLM-as-a-Judge with MT-Bench", "We study LLM judges.", arxiv_id="2404.04167")
    assert h.own_papers(project(released=release, papers=(cited,))) == ()


def test_a_tagged_paper_covering_pretraining_and_tuning_opens_the_preprint() -> None:
    release = model("m-a-p/CT-LLM-SFT-DPO", tags=("arxiv:2404.04167",))
    summary = CT_LLM_ABSTRACT + " It is further enhanced through alignment techniques and SFT."
    ev = project(released=release, papers=(paper(CHINESE_TINY, summary, arxiv_id="2404.04167"),))
    assert RULES["preprint"](ev).grade == "open"


# --- coverage -------------------------------------------------------------------------------

DEEPSEEK_V3 = paper(
    "DeepSeek-V3 Technical Report",
    "We pre-train DeepSeek-V3 on 14.8 trillion diverse and high-quality tokens, followed by "
    "Supervised Fine-Tuning and Reinforcement Learning stages to fully harness its capabilities.",
)


def test_a_paper_on_another_labs_base_does_not_cover_the_system() -> None:
    # RUBRIC.md: papers about another lab's base the system reused do not cover it.
    tuned = model("deepcogito/cogito-671b-v2.1", card_says_tuned=True)
    base = model("deepseek-ai/DeepSeek-V3-Base")
    grade = RULES["preprint"](project(released=tuned, bases=(base,), papers=(DEEPSEEK_V3,)))
    assert (grade.grade, grade.rule) == ("closed", "preprint.others_base_only")
    assert "DeepSeek-V3 Technical Report" in grade.reason and grade.evidence == (DEEPSEEK_V3.url,)


def test_beside_the_makers_own_paper_another_labs_base_paper_still_counts() -> None:
    tuned = model("deepcogito/cogito-671b-v2.1", card_says_tuned=True)
    own = paper("Cogito v2: Iterated Distillation", "We fine-tune Cogito with SFT and RL.", arxiv_id="2511.00002")
    ev = project(released=tuned, bases=(model("deepseek-ai/DeepSeek-V3-Base"),), papers=(DEEPSEEK_V3, own))
    assert RULES["preprint"](ev).grade == "open"


def test_the_makers_paper_on_their_own_base_covers_it() -> None:
    # The same paper, when the makers trained that base themselves, is the system's own.
    tuned = model("deepseek-ai/DeepSeek-V3", card_says_tuned=True)
    base = model("deepseek-ai/DeepSeek-V3-Base")
    grade = RULES["preprint"](project(released=tuned, bases=(base,), papers=(DEEPSEEK_V3,)))
    assert (grade.grade, grade.rule) == ("open", "preprint.covers_all_stages")


def test_the_makers_technical_report_covers_the_system_whatever_its_abstract_summarises() -> None:
    report = paper(
        "Nimbus 7B Technical Report",
        "Trained on a corpus of 4 trillion tokens, the model has been rigorously evaluated across "
        "benchmarks covering language understanding and conversational ability.",
    )
    tuned = model(RELEASED, card_says_tuned=True)
    grade = RULES["preprint"](project(released=tuned, bases=(model(BASE),), papers=(report,)))
    assert (grade.grade, grade.rule) == ("open", "preprint.covers_all_stages")
    assert "technical report" in grade.reason


def test_a_pretraining_paper_without_tuning_covers_part_of_a_tuned_system() -> None:
    pretraining = paper("Nimbus: An Efficient Language Model", "We pre-train Nimbus on 2T tokens.")
    tuned = model(RELEASED, card_says_tuned=True)
    grade = RULES["preprint"](project(released=tuned, bases=(model(BASE),), papers=(pretraining,)))
    assert (grade.grade, grade.rule) == ("partial", "preprint.covers_some")


# --- the makers' linked repo ------------------------------------------------------------------


def test_the_makers_linked_repo_readme_gives_their_technical_report(tmp_path: Path) -> None:
    """The card (written before the report) links only the makers' GitHub repo, whose
    README links the report; another owner's README linked beside it is not read for papers."""
    card = (
        "---\nlicense: apache-2.0\n---\n# Skylark-R1-32B\nRL-tuned with our recipe. The technical report is "
        "coming soon. Code: https://github.com/SkylarkAI/Skylark-R1 and https://github.com/otherlab/trainer\n"
    )
    lines = [
        line(f"{HUB}/api/models/Skylark/Skylark-R1-32B", json={"id": "Skylark/Skylark-R1-32B", "tags": []}),
        line(f"{HUB}/Skylark/Skylark-R1-32B/resolve/main/README.md", body=card),
        *github_lines("SkylarkAI/Skylark-R1", "# Skylark-R1\nReport: https://arxiv.org/abs/2505.00001\n"),
        *github_lines("otherlab/trainer", "# trainer\nBased on https://arxiv.org/abs/2501.00009\n"),
        arxiv_line("2505.00001", "Skylark R1 Technical Report", "We present Skylark-R1, trained with RL."),
        arxiv_line("2501.00009", "Skylark-R1 Is Not Ours", "A paper the crawler must not fetch."),
    ]
    entry = "id: sky\n  name: Skylark\n  org: Skylark\n  hf: Skylark/Skylark-R1-32B"
    preprint = graded_from_captures(tmp_path, lines, entry)["preprint"]
    assert (preprint["grade"], preprint["evidence"]) == ("open", ["https://arxiv.org/abs/2505.00001"])


# --- papers the makers present as theirs ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        (
            "* [2023/07/31] 更新了一篇技术报告[ChatHome](https://arxiv.org/abs/2307.15290)，探索了增量预训练",
            {"2307.15290"},
        ),
        ("Read our technical report: https://arxiv.org/pdf/2505.00001.pdf", {"2505.00001"}),
        ("- We have released a paper on the data recipe [here](https://arxiv.org/abs/2401.00007).", {"2401.00007"}),
        # Papers the makers build on or cite are not theirs.
        ("We build on LoRA (https://arxiv.org/abs/2106.09685) and DPO.", set()),
        ("See the Qwen2 technical report https://arxiv.org/abs/2407.10671 for the base.", set()),
        ("Our model is trained with [DPO](https://arxiv.org/abs/2305.18290).", set()),
    ],
)
def test_a_paper_is_announced_as_the_makers_own_by_the_line_that_links_it(line: str, ids: set[str]) -> None:
    assert papers_announced_as_own(f"# Nimbus\n\n{line}\n") == ids


def test_the_makers_announced_report_is_their_paper_whatever_its_title() -> None:
    report = paper(
        "ChatHome: Development and Evaluation of a Domain-Specific Language Model",
        "We pre-train on domain corpora and then fine-tune with instructions.",
        arxiv_id="2307.15290",
    )
    card = "# Nimbus\n\n* 更新了一篇技术报告[ChatHome](https://arxiv.org/abs/2307.15290)\n"
    announced = project(released=model(RELEASED, card_md=card), papers=(report,))
    assert h.own_papers(announced) == h.makers_papers(announced) == (report,)
    assert RULES["preprint"](announced).grade == "open"
    silent = project(
        released=model(RELEASED, card_md="# Nimbus\n\nSee [ChatHome](https://arxiv.org/abs/2307.15290)\n"),
        papers=(report,),
    )
    assert h.own_papers(silent) == ()
