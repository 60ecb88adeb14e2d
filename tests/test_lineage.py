"""Lineage findings on real-shaped card text: which model a card says its model was made
from, and that the crawler follows such a statement to the base when the Hub metadata
names none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.lineage import bases_named_in_card, unlinked_base_names
from index.evidence.project import DatasetEvidence
from index.rubric import helpers as h
from tests.test_rubric import model, project
from tests.test_unseen_systems import graded_from_captures

HUB = "https://huggingface.co"


@pytest.mark.parametrize(
    ("card", "repo_id", "bases"),
    [
        # a lineage statement with a Hub link
        (
            "CT-LLM-SFT-DPO is an alignment version of [CT-LLM](https://huggingface.co/m-a-p/CT-LLM-Base).",
            "m-a-p/CT-LLM-SFT-DPO",
            ["m-a-p/CT-LLM-Base"],
        ),
        (
            "It is built by finetuning [MPT-30B](https://huggingface.co/mosaicml/mpt-30b) on Dolly HHRLHF.",
            "mosaicml/mpt-30b-instruct",
            ["mosaicml/mpt-30b"],
        ),
        (
            "This model is a fine-tuned version of [BramVanroy/fietje-2b](https://huggingface.co/BramVanroy/fietje-2b)",
            "BramVanroy/fietje-2-instruct",
            ["BramVanroy/fietje-2b"],
        ),
        (
            "Llama-3.3-Nemotron-Super-49B-v1 is a large language model (LLM) which is a derivative of "
            "[Meta Llama-3.3-70B-Instruct](https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct) (AKA the "
            "*reference model*).",
            "nvidia/Llama-3_3-Nemotron-Super-49B-v1",
            ["meta-llama/Llama-3.3-70B-Instruct"],
        ),
        # a bare owner/name after the phrase
        (
            "This is the instruction-finetuned model based on OpenLLM-France/Claire-7B-0.1, using the Vigogne dataset.",
            "OpenLLM-France/Claire-7B-FR-Instruct-0.1",
            ["OpenLLM-France/Claire-7B-0.1"],
        ),
        # a bare owner/name with no size or version in its name counts when the card links it
        (
            "We fine-tuned from bigscience/bloom. Weights: [bloom](https://huggingface.co/bigscience/bloom)",
            "lab/bloom-chat",
            ["bigscience/bloom"],
        ),
        (
            "Built upon 01-ai/Yi-34B with a longer context.",
            "lab/Yi-34B-Long",
            ["01-ai/Yi-34B"],
        ),
        # a bare name after a phrase that can only name a model: the owner's repo
        (
            "1. Our model, an alignment-enhanced variant of CT-LLM-SFT, is trained using DPO.",
            "m-a-p/CT-LLM-SFT-DPO",
            ["m-a-p/CT-LLM-SFT"],
        ),
        # lineage labels
        ("- **Finetuned from model: OpenLLM-France/Claire-7B-0.1", "x/y", ["OpenLLM-France/Claire-7B-0.1"]),
        ("* Backbone Model: [Qwen2.5-7B](https://huggingface.co/Qwen/Qwen2.5-7B)", "lab/R1-7B", ["Qwen/Qwen2.5-7B"]),
        (
            "**Instruction tuned from:** [Mistral-7B-v0.1](https://huggingface.co/mistralai/Mistral-7B-v0.1)",
            "lab/Chat-7B",
            ["mistralai/Mistral-7B-v0.1"],
        ),
        # a sibling base linked from a tuned model's card
        (
            "* [Arctic-Base](https://huggingface.co/Snowflake/snowflake-arctic-base/)\n"
            "* [Arctic-Instruct](https://huggingface.co/Snowflake/snowflake-arctic-instruct/)",
            "Snowflake/snowflake-arctic-instruct",
            ["Snowflake/snowflake-arctic-base"],
        ),
        # a bare name is the card's own link of that name, whatever its case and owner
        (
            "Falcon-180B-Chat is a causal decoder-only model built upon Falcon-180B and finetuned on Ultrachat.\n"
            "See [the base](https://huggingface.co/tiiuae/falcon-180B).",
            "tiiuae/falcon-180B-chat",
            ["tiiuae/falcon-180B"],
        ),
        # a bare name that is the card's own model name less its tuned suffix: the family's
        # base, spelled as the card's repo id spells it
        (
            "Falcon-180B-Chat is a 180B parameters causal decoder-only model built by TII based on Falcon-180B "
            "and finetuned on a mixture of Ultrachat, Platypus and Airoboros.",
            "tiiuae/falcon-180B-chat",
            ["tiiuae/falcon-180B"],
        ),
    ],
)
def test_a_card_names_the_model_it_was_made_from(card: str, repo_id: str, bases: list[str]) -> None:
    assert bases_named_in_card(card, repo_id) == bases


@pytest.mark.parametrize(
    ("card", "repo_id"),
    [
        # a variant to use for fine-tuning is not where the model came from
        (
            "* [**`microsoft/bitnet-b1.58-2B-4T-bf16`**](https://huggingface.co/microsoft/bitnet-b1.58-2B-4T-bf16): "
            "Contains the master weights in BF16 format. **Use this only for training or fine-tuning purposes.**",
            "microsoft/bitnet-b1.58-2B-4T",
        ),
        # "trained from scratch" names no base
        ("**Crucially, the model was *trained from scratch* with this quantization scheme.**", "microsoft/bitnet"),
        # an earlier version of a later model
        ("Qwen1.5 is the beta version of Qwen2, a transformer-based decoder-only language model.", "Qwen/Qwen1.5-72B"),
        # "fine-tuned on" names data: a dataset link, or a plain name, is no model
        (
            "Fine-tuned on [Alpaca](https://huggingface.co/datasets/tatsu-lab/alpaca) and CodeAlpaca-20k.",
            "lab/Chat-7B",
        ),
        ("This is a chat finetuned version of the base model. The best prompt to use is:", "adept/persimmon-8b-chat"),
        # an architecture, not a model
        ("Poro 2 70B Instruct is based on the Llama 3.1 70B architecture and has been fine-tuned.", "LumiOpen/Poro"),
        # "based on" a name that is not the card's own less a tuned suffix names no model
        ("Acme-180B-v2 is based on Acme-180B with a longer context.", "acme/Acme-180B-v2"),
        ("Acme-180B-Chat is based on Acme-18 tokenizers.", "acme/Acme-180B-Chat"),
        # a base's own card linking itself
        ("Use [MPT-30B](https://huggingface.co/mosaicml/mpt-30b) as a base model: x", "mosaicml/mpt-30b"),
        # a slash between two words in prose is an alternative, not a repo id
        (
            "Based on the question, you will need to make one or more function/tool calls to achieve the purpose.",
            "nvidia/Nemotron-49B-v1",
        ),
        ("The model is based on pre-training/fine-tuning recipes we describe below.", "lab/Chat-7B"),
        ("Responses are based on English/Finnish prompts.", "lab/Chat-7B"),
        # two model names side by side are a comparison, not an owner and a repo
        ("Its answers are based on GPT-3/GPT-4 outputs.", "lab/Chat-7B"),
    ],
)
def test_no_lineage_where_the_card_states_none(card: str, repo_id: str) -> None:
    assert bases_named_in_card(card, repo_id) == []


@pytest.mark.parametrize(
    ("card", "names"),
    [
        (
            "This is the **Full-Weight** of WizardLM-13B V1.2 model, this model is trained from **Llama-2 13b**.",
            ["Llama-2"],
        ),
        (
            "3. Beyond reasoning, the model inherits capabilities and limitations of its base (LLAMA-2 base).",
            ["LLAMA-2"],
        ),
        (
            "Falcon-180B-Chat is a 180B parameters causal decoder-only model built by TII based on Falcon-180B.",
            ["Falcon-180B"],
        ),
        (
            "TeleChat2.5 基于最新强化的 TeleBase2.5 系列模型进行训练，在理科、通用问答等任务上有显著的效果提升。",
            ["TeleBase2.5"],
        ),
        ("Xwin-LM-70B is a Llama 2 70b fine tune, trained with RLHF.", ["Llama 2 70b"]),
        ("LLaMA 7B fine-tuned on the English part of a role-play dataset.", ["LLaMA 7B"]),
        ("Mistral 7B model fine-tuned on the Acme v1 dataset with QLoRA.", ["Mistral 7B"]),
        # linked, or no name at all: nothing unlinked
        ("It is an alignment version of [CT-LLM](https://huggingface.co/m-a-p/CT-LLM-Base).", []),
        ("This is a chat finetuned version of the base model.", []),
        ("We apply reinforcement learning (RL) to the base model without relying on SFT.", []),
        ("You can fine tune it on your data: see the fine-tune guide.", []),
    ],
)
def test_a_base_named_without_a_hub_id(card: str, names: list[str]) -> None:
    assert unlinked_base_names(card, "lab/Model-7B-Chat") == names


def test_a_card_stated_lineage_is_followed_to_the_base(tmp_path: Path) -> None:
    """No `base_model` anywhere: the DPO card names its SFT stage by bare name, the SFT
    card names the base; the crawler takes both hops and the base's weights decide."""

    def info(repo: str) -> dict:
        return {"id": repo, "tags": ["safetensors", "license:apache-2.0"], "pipeline_tag": "text-generation"}

    def card(repo: str, text: str) -> str:
        return json.dumps({"url": f"{HUB}/{repo}/resolve/main/README.md", "status": 200, "body": text})

    def model(repo: str) -> str:
        return json.dumps({"url": f"{HUB}/api/models/{repo}", "status": 200, "json": info(repo)})

    lines = [
        model("lab/Lm-2B-SFT-DPO"),
        card("lab/Lm-2B-SFT-DPO", "---\nlicense: apache-2.0\n---\nOur model, a DPO-tuned variant of Lm-2B-SFT.\n"),
        model("lab/Lm-2B-SFT"),
        card("lab/Lm-2B-SFT", "Lm-2B-SFT is an alignment version of [Lm](https://huggingface.co/lab/Lm-2B-Base).\n"),
        model("lab/Lm-2B-Base"),
    ]
    grades = graded_from_captures(tmp_path, lines, "id: lm\n  name: Lm\n  org: Lab\n  hf: lab/Lm-2B-SFT-DPO")
    assert grades["llmweights"]["grade"] == "open"
    assert grades["llmweights"]["evidence"] == [f"{HUB}/lab/Lm-2B-Base"]


# The forms in which cards of systems outside the calibration sets name their base
# (issue 10, failure class 1), one hand-written snippet each.
@pytest.mark.parametrize(
    ("card", "repo_id", "bases"),
    [
        # "fine-tuned on X" where X is a model: a Hub link or an owner/name of a model's shape
        (
            "Acme-7B-Chat is fine-tuned on [Mistral-7B](https://huggingface.co/mistralai/Mistral-7B-v0.1) with DPO.",
            "acme/Acme-7B-Chat",
            ["mistralai/Mistral-7B-v0.1"],
        ),
        (
            "This model was fine-tuned on meta-llama/Llama-2-13b-hf using QLoRA.",
            "acme/Acme-13B",
            ["meta-llama/Llama-2-13b-hf"],
        ),
        # "based on X", "built upon X" with a link
        (
            "Acme-Coder is based on [StarCoder2-15B](https://huggingface.co/bigcode/starcoder2-15b).",
            "acme/Acme-Coder",
            ["bigcode/starcoder2-15b"],
        ),
        (
            "Acme-Math is built upon [Qwen2.5-Math-7B](https://huggingface.co/Qwen/Qwen2.5-Math-7B) with RL.",
            "acme/Acme-Math",
            ["Qwen/Qwen2.5-Math-7B"],
        ),
        # labels, bold or not
        ("**Backbone Model**: Qwen/Qwen2.5-7B-Instruct", "acme/Acme-R1", ["Qwen/Qwen2.5-7B-Instruct"]),
        (
            "- Instruction tuned from: [Acme-7B](https://huggingface.co/acme/Acme-7B)",
            "acme/Acme-7B-it",
            ["acme/Acme-7B"],
        ),
        # a key-value table row
        (
            "| Property | Value |\n|---|---|\n"
            "| Base model | [Llama-3-8B](https://huggingface.co/meta-llama/Meta-Llama-3-8B) |\n",
            "acme/Acme-8B",
            ["meta-llama/Meta-Llama-3-8B"],
        ),
        (
            "| **Base Model** | mistralai/Mistral-7B-v0.1 |\n| License | Apache 2.0 |",
            "acme/Zeph",
            ["mistralai/Mistral-7B-v0.1"],
        ),
        ("| Finetuned from | `01-ai/Yi-34B` |", "acme/Yi-Chat", ["01-ai/Yi-34B"]),
        # a link to the same owner's repo named as this model less its tuned suffix
        (
            "Weights of the pre-trained model: [Acme-7B](https://huggingface.co/acme/Acme-7B).",
            "acme/Acme-7B-Instruct",
            ["acme/Acme-7B"],
        ),
        # the forms a reading of 45 cards of data/modelcards found missed:
        # a quantised re-upload's "Original model" label, an HTML-bold label
        (
            "- Model creator: [Acme](https://huggingface.co/acme)\n"
            "- Original model: [Acme Chat 7B](https://huggingface.co/acme/Acme-Chat-7B)",
            "quants/Acme-Chat-7B-GGUF",
            ["acme/Acme-Chat-7B"],
        ),
        ("<b>Base Model</b>: acme/Acme-7B-v1", "artist/Acme-7B-style", ["acme/Acme-7B-v1"]),
        ("原始模型：https://huggingface.co/acme/Acme-7B\n\n将Acme-7B与lora合并", "me/zh-GPTQ", ["acme/Acme-7B"]),
        # an adapter's card, its base's id in code format whatever its shape
        (
            "These are LoRA adaption weights for runwayml/stable-diffusion-v1-5.",
            "me/pokemon-lora",
            ["runwayml/stable-diffusion-v1-5"],
        ),
        (
            "An [adapter](https://adapterhub.ml) for the `allenai/scibert_scivocab_uncased` model.",
            "me/scibert-ner-adapter",
            ["allenai/scibert_scivocab_uncased"],
        ),
        # "builds on X"; a merge's "X as base"
        (
            "This model builds on the [google/pegasus-large](https://huggingface.co/google/pegasus-large) model.",
            "me/pegasus-news",
            ["google/pegasus-large"],
        ),
        (
            "* [Acme-7B-slerp](https://huggingface.co/lab/Acme-7B-slerp) as base.\n"
            "* [Other-7B](https://huggingface.co/o/Other-7B) as model 0.",
            "me/Acme-2x7B-MoE",
            ["lab/Acme-7B-slerp"],
        ),
        # a converted or quantised copy's sentence; a heading that is a lineage label
        (
            "This model was converted to GGUF format from [`acme/Acme-7B`](https://huggingface.co/acme/Acme-7B) "
            "using llama.cpp.",
            "me/Acme-7B-Q4_K_M-GGUF",
            ["acme/Acme-7B"],
        ),
        ("static quants of https://huggingface.co/acme/Acme-4x7b\n", "me/Acme-4x7b-GGUF", ["acme/Acme-4x7b"]),
        (
            "## Original Model\n\n[acme/acme-34b](https://huggingface.co/acme/acme-34b)\n\n"
            "## Run with LlamaEdge\n\nSee [the 7B](https://huggingface.co/acme/acme-7b).",
            "me/Acme-34B-GGUF",
            ["acme/acme-34b"],
        ),
        (
            "### Models Merged\n\nThe following models were included in the merge:\n"
            "* [a/A-7B](https://huggingface.co/a/A-7B)\n* [b/B-7B](https://huggingface.co/b/B-7B)\n\n"
            "### Configuration\n",
            "me/AB-7B",
            ["a/A-7B", "b/B-7B"],
        ),
        # a merge's base; a linked model before "finetuned on"
        (
            "This model was merged using the task arithmetic merge method using "
            "[a/Base-8B](https://huggingface.co/a/Base-8B) as a base.",
            "me/Merge-8B",
            ["a/Base-8B"],
        ),
        (
            "[Acme-v2-7B](https://huggingface.co/acme/Acme-v2-7B) finetuned on "
            "[acme/truthy](https://huggingface.co/datasets/acme/truthy).",
            "acme/Acme-truthy-7B",
            ["acme/Acme-v2-7B"],
        ),
        # a Hub model's link straight after "Fine-tuned"; a fine-tuned checkpoint; a fork
        (
            "Fine-tuned [facebook/wav2vec2-large-xlsr-53](https://huggingface.co/facebook/wav2vec2-large-xlsr-53) "
            "for speech recognition in Swedish.",
            "me/w2v2-sv",
            ["facebook/wav2vec2-large-xlsr-53"],
        ),
        (
            "This model is a fine-tuned checkpoint of [mBART-large-50](https://huggingface.co/facebook/mbart-large-50).",
            "facebook/mbart-large-50-one-to-many-mmt",
            ["facebook/mbart-large-50"],
        ),
        (
            "Fork of [CompVis/stable-diffusion-v1-4](https://huggingface.co/CompVis/stable-diffusion-v1-4).",
            "me/sd-endpoints",
            ["CompVis/stable-diffusion-v1-4"],
        ),
    ],
)
def test_the_forms_unseen_cards_name_their_base_in(card: str, repo_id: str, bases: list[str]) -> None:
    assert bases_named_in_card(card, repo_id) == bases


@pytest.mark.parametrize(
    ("card", "repo_id"),
    [
        # "fine-tuned on X" where X is data
        ("Acme-7B-Chat is fine-tuned on UltraChat-200k and OpenHermes-2.5.", "acme/Acme-7B-Chat"),
        ("Fine-tuned on HuggingFaceH4/ultrachat_200k.", "acme/Acme-7B-Chat"),
        # an architecture, a method, a library
        ("Acme is based on the transformer architecture with rotary embeddings.", "acme/Acme-7B"),
        ("The tokenizer is based on SentencePiece-BPE with a 64k vocabulary.", "acme/Acme-7B"),
        # a table that names no base
        ("| Model | Size |\n|---|---|\n| Acme-7B | 7B |", "acme/Acme-7B-Chat"),
        ("| Base model | - |", "acme/Acme-7B-Chat"),
        # the same owner's link to a larger sibling or another version is no base
        ("See also [Acme-70B-Instruct](https://huggingface.co/acme/Acme-70B-Instruct).", "acme/Acme-7B-Instruct"),
        ("Previous version: [Acme-7B](https://huggingface.co/acme/Acme-7B).", "acme/Acme-7B-v2"),
        # a baseline compared with, and a model's weights for running it, are no base
        ("We compare with [Llama-2-7B](https://huggingface.co/meta-llama/Llama-2-7b) as the baseline.", "acme/Acme-7B"),
        ("The original model weights for inference are in the fp16 folder.", "acme/Acme-7B"),
        # two sizes side by side are no owner and repo
        ("Llama 30B/33B fine-tuned on the Acme v2 dataset.", "me/Acme-30B-LoRA"),
        # a URL's tail on the line above "Trained on" is no model before the phrase
        ("Code: https://github.com/acme/project-0001\n\nTrained on https://huggingface.co/datasets/a/b", "acme/Acme"),
        # "our fine-tuned [models](org page)" announces the releases; it names no base
        (
            "We release all our fine-tuned [models](https://huggingface.co/acme), including "
            "[Acme-70B-32k](https://huggingface.co/acme/Acme-70B-32k).",
            "acme/Acme-7B",
        ),
        # a lineage heading over no Hub link
        ("## Base model\n\nSee the technical report.\n", "acme/Acme-7B"),
        # a link to a licence file in a model's repo names the licence, not a base
        (
            "Acme-R1-1.5B is derived from [Qwen-2.5 series](https://github.com/QwenLM/Qwen2.5), which are licensed "
            "under [Apache 2.0 License](https://huggingface.co/Qwen/Qwen2.5-1.5B/blob/main/LICENSE).",
            "acme/Acme-R1-32B",
        ),
    ],
)
def test_the_forms_that_name_no_base(card: str, repo_id: str) -> None:
    assert bases_named_in_card(card, repo_id) == []


@pytest.mark.parametrize(
    ("card", "names"),
    [
        ("Acme-7B-Chat is fine-tuned on UltraChat-200k and OpenHermes-2.5.", []),
        ("The tokenizer is based on SentencePiece-BPE with a 64k vocabulary.", []),
    ],
)
def test_data_and_methods_are_not_unlinked_bases(card: str, names: list[str]) -> None:
    assert unlinked_base_names(card, "acme/Acme-7B-Chat") == names


def test_a_weight_diff_is_a_tuned_model_not_its_own_base() -> None:
    """A `-wdiff` / `-delta` repo is a diff against the base it tunes: the release is a
    tuned model, so its datasets are tuning data and say nothing about the base's."""
    mix = DatasetEvidence("lab/evol-mix", f"{HUB}/datasets/lab/evol-mix", True, None, (), None, None)
    delta = model("lab/Lm-13B-V1.0-wdiff", weights=("model_13b_diff_v1",), delta_only=True, datasets=(mix.repo_id,))
    whole = model("lab/Lm-13B-V1.0", datasets=(mix.repo_id,))
    assert delta.is_tuned and not whole.is_tuned
    assert not h.is_own_base(project(released=delta, datasets=(mix,)))
    assert h.is_own_base(project(released=whole, datasets=(mix,)))
    assert h.pretraining_datasets(project(released=delta, datasets=(mix,))) == ()
    assert h.pretraining_datasets(project(released=whole, datasets=(mix,))) == (mix,)


# Bases named in prose with spaces: the family's own base (by the card's own model name),
# else a name with no Hub id.
@pytest.mark.parametrize(
    ("card", "repo_id", "bases", "unlinked"),
    [
        (
            "Poro 2 70B Instruct is created through supervised fine-tuning (SFT) and Direct Preference "
            "Optimization (DPO) of the Poro 2 70B Base model.",
            "LumiOpen/Llama-Poro-2-70B-Instruct",
            ["LumiOpen/Llama-Poro-2-70B-Base"],
            [],
        ),
        ("Acme 7B Chat is a fine-tuned version of Acme 7B Base.", "acme/Acme_7B_chat", ["acme/Acme_7B_Base"], []),
        # another family's base, or a third model: named, no id to follow
        (
            "Acme 7B Chat is a fine-tuned version of Other 7B Base.",
            "acme/Acme-7B-Chat",
            [],
            ["Other 7B Base"],
        ),
        (
            "Poro 2 70B Base is created through continued pretraining of Llama 3.1 70B to add Finnish.",
            "LumiOpen/Llama-Poro-2-70B-base",
            [],
            ["Llama 3.1 70B"],
        ),
        # a design, not a model
        ("Poro 2 70B Instruct is based on the Llama 3.1 70B architecture.", "LumiOpen/Poro-Instruct", [], []),
        ("Acme-7B-Chat is based on the Llama-3 tokenizer.", "acme/Acme-7B-Chat", [], []),
        # no digit: no model name
        ("Acme is based on the Transformer Decoder.", "acme/Acme-Chat", [], []),
    ],
)
def test_a_base_named_with_spaces(card: str, repo_id: str, bases: list[str], unlinked: list[str]) -> None:
    assert bases_named_in_card(card, repo_id) == bases
    assert unlinked_base_names(card, repo_id) == unlinked


# A table with a base column: the cell in the row that names this model.
@pytest.mark.parametrize(
    ("card", "repo_id", "bases"),
    [
        (
            "| **Model** | **Base Model** | **Download** |\n| :---: | :---: | :---: |\n"
            "| Acme-R1-Distill-Qwen-7B | [Qwen2.5-Math-7B](https://huggingface.co/Qwen/Qwen2.5-Math-7B) | x |\n"
            "| Acme-R1-Distill-Qwen-32B | [Qwen2.5-32B](https://huggingface.co/Qwen/Qwen2.5-32B) | x |\n",
            "acme/Acme-R1-Distill-Qwen-32B",
            ["Qwen/Qwen2.5-32B"],
        ),
        # "Base Model" names the nearest stage, before a "Based on" column
        (
            "| Model | Based on | Base Model | Instruct |\n| :-: | :-: | :-: | :-: |\n"
            "| Acme 8B | Llama 3.1 8B | Acme 8B Base | Acme 8B Instruct |\n"
            "| Acme 70B | Llama 3.1 70B | Acme 70B Base | Acme 70B Instruct |",
            "acme/Llama-Acme-70B-Instruct",
            ["acme/Llama-Acme-70B-Base"],
        ),
    ],
)
def test_a_base_named_in_a_table_column(card: str, repo_id: str, bases: list[str]) -> None:
    assert bases_named_in_card(card, repo_id) == bases


@pytest.mark.parametrize(
    ("card", "repo_id"),
    [
        # no row names this model
        (
            "| Model | Base Model |\n|---|---|\n| Acme-R1-7B | [Q](https://huggingface.co/Qwen/Qwen2.5-7B) |",
            "acme/Other-9B",
        ),
        # no base column
        (
            "| Model | Size |\n|---|---|\n| Acme-7B-Chat | [7B](https://huggingface.co/acme/Acme-7B-Chat) |",
            "acme/Acme-7B-Chat",
        ),
        # a benchmark table that merely lists the model
        ("| Benchmark | Acme-7B-Chat | Llama-2-7B |\n|---|---|---|\n| MMLU | 60.1 | 45.3 |", "acme/Acme-7B-Chat"),
    ],
)
def test_a_table_that_names_no_base_of_this_model(card: str, repo_id: str) -> None:
    assert bases_named_in_card(card, repo_id) == []
