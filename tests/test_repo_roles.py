"""The findings of index/evidence/repo_roles.py on small hand-written inputs: which
repos a text points to as the code that made the model, and which repo names are of
another version of the model."""

from __future__ import annotations

import pytest

from index.evidence.repo_roles import another_version, pointed_to_as_making, presented_only_as_tools, versions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The training code is available at [here](https://github.com/orbit/lit-nimbus).", {"orbit/lit-nimbus"}),
        ("This model uses the LLM codebase in the [foundry](https://github.com/orbit/foundry).", {"orbit/foundry"}),
        # Chinese: "the fine-tuning method continues Nimbus2, see [Nimbus2](...)"
        (
            "Nimbus2.5 的微调方法延续了 Nimbus2 系列，具体请参考 [Nimbus2](https://github.com/orbit/Nimbus2)。",
            {"orbit/nimbus2"},
        ),
        # Only the sentence that links the repo counts, not the one before it.
        ("We fine-tuned the model for a week. Evaluations were done using [kit](https://github.com/orbit/kit).", set()),
        ("All evaluations were done using [kit](https://github.com/orbit/kit).", set()),
        ("🐙 **GitHub Repo:** [https://github.com/orbit/nimbus](https://github.com/orbit/nimbus)", set()),
        # A folder named "train" in the URL says nothing about what the sentence presents.
        ("Example scripts: https://github.com/orbit/nimbus/tree/main/train", set()),
    ],
)
def test_a_repo_is_pointed_to_as_making_by_the_sentence_that_links_it(text: str, expected: set[str]) -> None:
    assert pointed_to_as_making([text]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The training code is available at [here](https://github.com/orbit/kit).", {"orbit/kit"}),
        ("This model was trained with [kit](https://github.com/orbit/kit).", {"orbit/kit"}),
        ("Nimbus was fine-tuned using [kit](https://github.com/orbit/kit).", {"orbit/kit"}),
        # training in general, not this system's
        ("[kit](https://github.com/orbit/kit) is a library for distributed training of language models.", set()),
        # the link text names the repo's owner, not the system
        ("We maintain [nimbus-labs/kit](https://github.com/nimbus-labs/kit), a training framework.", set()),
    ],
)
def test_pointed_to_as_this_systems_making_needs_a_sentence_about_this_system(text: str, expected: set[str]) -> None:
    assert pointed_to_as_making([text], system=lambda prose: "nimbus" in prose.lower()) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Tele-AI/TeleChat2.5-115B", {"telechat": "2.5"}),
        ("ChatGLM2-6B", {"chatglm": "2"}),
        ("ChatGLM-6B", {}),  # 6B is a size
        ("meta-llama/Meta-Llama-3-70B-Instruct", {"llama": "3"}),
        ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", {"llama": "3.3"}),
        ("BramVanroy/fietje", {}),
    ],
)
def test_versions_are_read_from_names_and_sizes_are_not_versions(name: str, expected: dict[str, str]) -> None:
    assert versions(name) == expected


@pytest.mark.parametrize(
    ("repo", "models", "expected"),
    [
        ("orbit/Nimbus2", ["orbit/Nimbus2.5-70B-Chat"], True),
        ("orbit/Nimbus2.5", ["orbit/Nimbus2.5-70B-Chat"], False),
        ("orbit/nimbus3", ["orbit/Nimbus-3-8B-Instruct"], False),  # "nimbus3" and "Nimbus-3" are one version
        ("orbit/nimbus", ["orbit/Nimbus2.5-70B-Chat"], False),  # no version: the family's repo
        ("orbit/Comet2", ["orbit/Nimbus2.5-70B-Chat"], False),  # another family, not another version
        ("orbit/Nimbus2", ["orbit/Nimbus-70B-Chat"], False),  # the release names no version to differ from
    ],
)
def test_a_repo_is_of_another_version_when_a_shared_family_word_has_another_version(
    repo: str, models: list[str], expected: bool
) -> None:
    assert another_version(repo, models) is expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["All evaluations were done using [Kit](https://github.com/orbit/kit)."], {"orbit/kit"}),
        (
            ["Recipes for how to use Nimbus in applications: [here](https://github.com/orbit/cookbook)."],
            {"orbit/cookbook"},
        ),
        # Also linked plainly, or as what made the model: not only a tool.
        (["Evaluated with [Kit](https://github.com/orbit/kit).", "GitHub: https://github.com/orbit/kit"], set()),
        (["Trained and evaluated with [Kit](https://github.com/orbit/kit)."], set()),
    ],
)
def test_a_repo_every_linking_sentence_presents_for_use_or_evaluation_is_a_tool(
    texts: list[str], expected: set[str]
) -> None:
    assert presented_only_as_tools(texts) == expected
