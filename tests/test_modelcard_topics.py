"""The model card rule on real-shaped text: a card is graded on what it documents
(index/evidence/card_topics.py), not on its headings or length. Evidence is built with
the same builders as tests/test_rubric.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.evidence.card_topics import card_topics, dimensions_stated, links_its_training_data, states_size_and_design
from index.evidence.cards import parse_card
from index.rubric.criteria import RULES
from tests.test_rubric import model, project
from tests.test_unseen_systems import HUB, graded_from_captures, line

# --- model cards: what they document ------------------------------------------------------

# A card copied from a rendered page: no Markdown, the hyper-parameter table flattened.
FLATTENED_SPEC_CARD = """Viking 33B

Viking 33B is a 33B parameter decoder-only transformer pretrained on Finnish, English, Swedish,
Danish, Norwegian, Icelandic and code.

Model Overview

Viking is a generative pretrained transformer using a LLaMA-like GPT architecture.

Hyperparameter Value
n_parameters 33B
n_layers 56
n_heads 56
d_model 7168
vocab_size 131072
"""

# Architecture, training and results, but no word on the data: a thorough card, not a full one.
NO_DATA_CARD = """# BitNet b1.58 2B4T

## Model Details

* **Architecture:** Transformer-based, modified with `BitLinear` layers.
* **Parameters:** ~2 Billion
* **Context Length:** Maximum sequence length of **4096 tokens**.
* **Tokenizer:** LLaMA 3 Tokenizer (vocab size: 128,256).
* **Training Stages:**
    1. **Pre-training:** Large-scale training using a two-stage learning rate and weight decay schedule.
    2. **Supervised Fine-tuning (SFT):** Fine-tuned on instruction-following data.

## Evaluation

| Benchmark | LLaMA 3.2 1B | BitNet b1.58 2B |
|-----------|--------------|-----------------|
| ARC-Challenge | 37.80 | 49.91 |
| MMLU | 45.58 | 53.17 |
"""

FULL_CARD = (
    NO_DATA_CARD
    + """
## Training Data

Pre-trained on [FineWeb-Edu](https://huggingface.co/datasets/HuggingFaceFW/fineweb-edu) and
[The Stack v2](https://huggingface.co/datasets/bigcode/the-stack-v2); tuned on
[UltraChat](https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k).
"""
)

# The evaluation section only points to a report: no result is in the card.
POINTER_EVALUATION = """# dots1

## 4. Evaluation Results

Detailed evaluation results are reported in this [📑 report](https://github.com/o/r/blob/main/report.pdf).
"""

# The Hub template, unfilled: headings and comments over placeholders.
TEMPLATE_CARD = """# Model Card for Model ID

<!-- Provide a quick summary of what the model is/does. -->

1. [Model Details](#model-details)
2. [Bias, Risks, and Limitations](#bias-risks-and-limitations)

## Uses

### Direct Use

[More Information Needed]

## Bias, Risks, and Limitations

<!-- This section is meant to convey both technical and sociotechnical limitations. -->

[More Information Needed]

## Training Details

### Training Data

[More Information Needed]
"""

# Use and risks stated in prose, under no heading of their own.
PROSE_USE_CARD = """# Orca 2

Orca 2 is built for research purposes only and provides a single turn response.

1. This is a research model, intended to show that we can use capable models to create synthetic data.
2. The model is not optimized for chat and has not been trained with RLHF or DPO.
3. Beyond reasoning, the model inherits capabilities and limitations of its base.
"""


@pytest.mark.parametrize(
    ("card_md", "topics"),
    [
        (FLATTENED_SPEC_CARD, {"architecture"}),
        (NO_DATA_CARD, {"architecture", "training", "evaluation"}),
        (FULL_CARD, {"architecture", "training", "evaluation", "training_data"}),
        (POINTER_EVALUATION, set()),
        (TEMPLATE_CARD, set()),
        (PROSE_USE_CARD, {"limitations"}),
    ],
    ids=["flattened-spec", "no-data", "full", "pointer-evaluation", "template", "prose-use"],
)
def test_card_topics_judge_content(card_md: str, topics: set[str]) -> None:
    assert card_topics(parse_card(card_md)) == topics


def test_dimensions_are_read_from_lists_and_flattened_tables() -> None:
    card = parse_card("- **Layers:** 40\n- **Number of heads:** 32\n- **Vocabulary size:** 2**17 ~= 128k\n")
    assert dimensions_stated(card.body) == {"layers", "heads", "vocabulary"}
    assert dimensions_stated(FLATTENED_SPEC_CARD) == {"layers", "heads", "hidden", "vocabulary"}
    assert dimensions_stated("A 7B model with a context of its own.") == frozenset()


@pytest.mark.parametrize(
    ("card_md", "grade", "rule"),
    [
        (FULL_CARD, "open", "modelcard.comprehensive"),
        (NO_DATA_CARD, "partial", "modelcard.partial"),
        (FLATTENED_SPEC_CARD, "partial", "modelcard.partial"),
        (PROSE_USE_CARD, "partial", "modelcard.partial"),
        (POINTER_EVALUATION, "closed", "modelcard.advertisement_only"),
        (TEMPLATE_CARD, "closed", "modelcard.advertisement_only"),
    ],
    ids=["full", "no-data", "flattened-spec", "prose-use", "pointer-evaluation", "template"],
)
def test_modelcard_grades_what_the_card_documents(card_md: str, grade: str, rule: str) -> None:
    result = RULES["modelcard"](project(released=model(card_md=card_md)))
    assert (result.grade, result.rule) == (grade, rule)


def test_a_card_copied_from_the_base_documents_only_the_base() -> None:
    released = model(card_md=FULL_CARD)
    base = model("orbitlabs/Nimbus-7B", card_md=FULL_CARD)
    result = RULES["modelcard"](project(released=released, bases=(base,)))
    assert (result.grade, result.rule) == ("partial", "modelcard.partial")
    assert "the base's card" in result.reason


def test_a_card_that_pastes_the_bases_whole_card_documents_only_the_base() -> None:
    # A fine-tune's card: one line of its own, then the original card pasted below.
    pasted = "# Nimbus 7B Chat\n\nA fine-tune of Nimbus 7B. The original model card follows.\n\n" + FULL_CARD
    base = model("orbitlabs/Nimbus-7B", card_md=FULL_CARD)
    result = RULES["modelcard"](project(released=model(card_md=pasted), bases=(base,)))
    assert (result.grade, result.rule) == ("partial", "modelcard.partial")
    assert "the base's card" in result.reason
    # A card of its own that quotes a line of the base's is its own card.
    own = model(card_md=FULL_CARD)
    short_base = model("orbitlabs/Nimbus-7B", card_md="Nimbus 7B is a base model.\n")
    assert RULES["modelcard"](project(released=own, bases=(short_base,))).rule == "modelcard.comprehensive"


def test_a_data_section_naming_a_declared_dataset_names_the_training_data() -> None:
    card = parse_card(
        "---\ndatasets:\n- acme/acme-instruct-mix\n---\n# Acme\n\n## Training Data\n"
        "Tuned on the acme-instruct-mix of 1M instruction / response pairs written by annotators.\n"
    )
    assert card_topics(card) == {"training_data"}
    generic = parse_card("# Acme\n\n## Training Data\nTuned on a large amount of publicly available data.\n")
    assert card_topics(generic) == frozenset()


@pytest.mark.parametrize(
    "line",
    [
        "We evaluate it on [GSM8K](https://huggingface.co/datasets/openai/gsm8k).",
        "Detailed results can be found [here](https://huggingface.co/datasets/open-llm-leaderboard/details_acme__Acme-7B).",
        "![banner](https://huggingface.co/datasets/acme/assets/resolve/main/banner.png)",
        "| main | 4 | 128 | [wikitext](https://huggingface.co/datasets/wikitext/viewer/wikitext-2-v1/test) | 4096 |",
    ],
    ids=["benchmark", "leaderboard-results", "image-store", "quantisation-calibration-set"],
)
def test_a_hub_dataset_linked_for_another_purpose_names_no_training_data(line: str) -> None:
    # RUBRIC.md: benchmarks, leaderboard result sets and evaluation data are not training
    # data; nor is the repo a card's images are kept in, or a GPTQ calibration set.
    assert "training_data" not in card_topics(parse_card(f"# Acme 7B\n\n{line}\n"))


def test_a_linked_hub_dataset_the_model_declares_names_the_training_data() -> None:
    line = "Data: [acme-instruct-mix](https://huggingface.co/datasets/acme/acme-instruct-mix)\n"
    in_front_matter = parse_card(f"---\ndatasets:\n- acme/acme-instruct-mix\n---\n# Acme 7B\n\n{line}")
    assert "training_data" in card_topics(in_front_matter)
    # The Hub's `dataset:` tags declare it too (a card whose front matter was not kept).
    assert "training_data" not in card_topics(parse_card(f"# Acme 7B\n\n{line}"))
    assert "training_data" in card_topics(parse_card(f"# Acme 7B\n\n{line}"), ["acme/acme-instruct-mix"])


def test_a_data_section_naming_a_dataset_the_card_links_elsewhere_names_the_training_data() -> None:
    # Stable Diffusion's card shape: the section names the set, the next section links it.
    card = parse_card(
        "# Acme Diffusion\n\n## Training Data\n\nThe developers used the following dataset for training:\n\n"
        "- LAION-2B (en) and subsets thereof (see next section)\n\n## Training Procedure\n\n"
        "Trained for 200k steps on [laion2B-en](https://huggingface.co/datasets/laion/laion2B-en) at 256x256.\n"
    )
    assert "training_data" in card_topics(card)


@pytest.mark.parametrize(
    ("card_md", "names_its_data"),
    [
        ("# Acme-7B-Chat\n\nAcme-7B tuned on the [Acme dialogues dataset](https://github.com/acme/dialogues).\n", True),
        ("Fine-tuned on assertion data from the [2012 Acme shared task](https://acme.example.org/task).\n", True),
        ("A chat model trained with [our toolkit](https://github.com/acme/trainkit), see v0.1.\n", False),
        ("A fine-tuned version of [acme-base](https://huggingface.co/acme-base) on the None dataset.\n", False),
        ("Trained on a large amount of publicly available data.\n", False),
        ("See [the data](https://github.com/acme/data). It was fine-tuned for chat.\n", False),
        # The Hub trainer's opening: the base link's URL stands between "fine-tuned" and "on".
        (
            "This model is a fine-tuned version of [acme-lab/acme-7b-sft-beta-preview](https://huggingface.co/"
            "acme-lab/acme-7b-sft-beta-preview) on the [acme-lab/Feedback](https://huggingface.co/datasets/"
            "acme-lab/Feedback) dataset.\n",
            True,
        ),
        ("Acme-7B [finetuned](https://acme.example.org/how) on [acme/mix](https://hf.co/datasets/acme/mix).\n", True),
    ],
    ids=[
        "github-dataset",
        "web-page",
        "toolkit",
        "hub-model",
        "no-link",
        "other-sentence",
        "trainer-card",
        "hub-dataset",
    ],
)
def test_a_sentence_linking_the_data_it_was_tuned_on_names_the_training_data(
    card_md: str, names_its_data: bool
) -> None:
    card = parse_card(card_md)
    assert links_its_training_data(card) is names_its_data
    assert ("training_data" in card_topics(card)) is names_its_data


def test_an_unreadable_card_is_unknown_not_absent() -> None:
    # A card the Hub serves but that could not be read exists; how deep it goes is
    # unknown, so neither a landing page (closed) nor comprehensive (open).
    released = model(card_md=None)
    card_url = f"{released.page_url}/resolve/main/README.md"
    result = RULES["modelcard"](replace(project(released=released), unknown=(card_url,)))
    assert (result.grade, result.rule, result.evidence) == ("partial", "modelcard.card_unreadable", (card_url,))
    assert "could not be read" in result.reason
    assert RULES["modelcard"](project(released=released)).rule == "modelcard.none"


@pytest.mark.parametrize(
    ("card_md", "states_design"),
    [
        ("Falcon-180B-Chat is a 180B parameters causal decoder-only model built by TII.\n", True),
        ("This checkpoint is a 671B parameter Mixture of Experts model in BF16 format.\n", True),
        ("Acme 70B Base is a 70B parameter decoder-only transformer, continued from Llama 3.1 70B.\n", True),
        # the networks of image and audio generators are kinds of design too
        ("Acme-Image is a 2.6B parameter latent diffusion model with a frozen text encoder.\n", True),
        ("Acme-Voice is a 300M parameter conformer trained with flow matching.\n", True),
        # a name and size, without the kind of design
        ("Acme-8B is small and efficient with a size of 2.7 billion parameters.\n", False),
        # a design word, but no size: a claim about Transformers, not this model's design
        ("Acme is the first alternative model competitive with the best open-source Transformers.\n", False),
        # size and design kind in different sentences say nothing of one model together
        ("Acme has 7B parameters. It beats every transformer of its size.\n", False),
        # a heading is not prose
        ("# A 7B parameter decoder-only model\n\nTry it!\n", False),
        # a comparison table's row describes another model
        ("| Model | Size | Type |\n|---|---|---|\n| Other-7B | 7B parameters | decoder-only |\n", False),
    ],
    ids=[
        "decoder-only",
        "moe",
        "transformer",
        "diffusion",
        "conformer",
        "size-only",
        "design-word-only",
        "two-sentences",
        "heading",
        "table",
    ],
)
def test_a_sentence_giving_size_and_design_kind_states_the_architecture(card_md: str, states_design: bool) -> None:
    card = parse_card(card_md)
    assert states_size_and_design(card) is states_design
    assert ("architecture" in card_topics(card)) is states_design


def test_an_image_generators_model_type_documents_its_architecture() -> None:
    # Stable Diffusion's card shape: the design is the model type under "Model Details".
    card = parse_card(
        "# Acme Diffusion\n\n## Model Details\n\n- **Model type:** Diffusion-based text-to-image generation model\n"
        "- **Model Description:** a latent diffusion model that uses a fixed, pretrained text encoder.\n"
    )
    assert "architecture" in card_topics(card)
    undesigned = parse_card("# Acme Diffusion\n\n## Model Details\n\n- **Model type:** text-to-image generation\n")
    assert "architecture" not in card_topics(undesigned)


def test_a_lead_stating_size_and_design_is_not_a_landing_page(tmp_path) -> None:
    # The shape of a chat model's card that states its design in the lead and points
    # elsewhere for the rest: partial insight, not a landing page.
    repo = "acme/Acme-40B-Chat"
    card = (
        "---\nlicense: apache-2.0\n---\n\nAcme-40B-Chat is a 40B parameters causal decoder-only model built by "
        "Acme and finetuned on a mixture of chat data. Paper coming soon.\n\nWhy use Acme-40B-Chat?\n\n"
        "- It is the best open-access model currently available.\n- Try it in our demo!\n"
    )
    info = {"id": repo, "gated": False, "tags": ["license:apache-2.0"], "cardData": {"license": "apache-2.0"}}
    lines = [line(f"{HUB}/api/models/{repo}", json=info), line(f"{HUB}/{repo}/resolve/main/README.md", body=card)]
    grade = graded_from_captures(tmp_path, lines, f"id: acme\n  name: Acme\n  org: Acme\n  hf: {repo}")["modelcard"]
    assert (grade["grade"], grade["rule"]) == ("partial", "modelcard.partial")
    assert "architecture" in grade["reason"]
    landing = card.replace("40B parameters causal decoder-only model", "chat model")
    lines[-1] = line(f"{HUB}/{repo}/resolve/main/README.md", body=landing)
    (tmp_path / "again").mkdir()
    grade = graded_from_captures(tmp_path / "again", lines, f"id: acme\n  name: Acme\n  org: Acme\n  hf: {repo}")
    assert grade["modelcard"]["rule"] == "modelcard.advertisement_only"


def test_the_hub_templates_own_sentences_under_model_details_state_no_design() -> None:
    # A template filled in one line: its "Model Details" heading stands over the
    # template's sentence about "a 🤗 transformers model", which is no design fact.
    card = parse_card(
        "# Model Card\n\nA QLoRA fine-tune of a 12.8B model.\n\n## Model Details\n\n### Model Description\n\n"
        "only guided by a tutorial\n\nThis is the model card of a 🤗 transformers model that has been pushed on"
        " the Hub. This model card has been automatically generated.\n\n- **Developed by:** a student\n"
        "- **Model type:** [More Information Needed]\n"
    )
    assert "architecture" not in card_topics(card)
