"""Repository tree classification and README evidence, on realistic trees and on every
GitHub tree and README in the calibration captures."""

from __future__ import annotations

import base64
import re

import pytest

from crawler.captures import capture_files, iter_records
from crawler.github import decode_readme
from index.evidence.code import RepoCode, classify_tree, readme_evidence
from tests.conftest import CALIBRATION


def _tree(*paths: str, truncated: bool = False) -> dict:
    return {
        "sha": "abc",
        "truncated": truncated,
        "tree": [{"path": path, "type": "blob", "size": 10} for path in paths],
    }


def _categories(code: RepoCode, path: str) -> set[str]:
    fields = {
        "training": code.training_files,
        "finetuning": code.finetuning_files,
        "inference": code.inference_files,
        "data": code.data_files,
        "docs": code.docs_files,
        "examples": code.example_files,
        "packaging": code.packaging_files,
        "package_build": code.package_build_files,
        "api_spec": code.api_spec_files,
    }
    return {name for name, files in fields.items() if path in files}


@pytest.mark.parametrize(
    ("path", "categories"),
    [
        ("train.py", {"training"}),
        ("scripts/pretrain_gpt.sh", {"training"}),
        ("src/trainer.py", {"training"}),
        # A launch config alone is a template; beside a training script it trains (below).
        ("configs/accelerate/zero3.yaml", set()),
        ("configs/ds_config_gptj.json", set()),
        ("utils/tune_gemm_config.py", set()),  # kernel tuning, not fine-tuning
        ("include/tuning.h", set()),
        ("kernels/blocked_trained_kv_rotary.py", set()),
        ("scripts/instruction_tuning.py", {"finetuning"}),
        ("hendrycks/tune_gpt.py", {"finetuning"}),
        ("rlhf/train_ppo.py", {"finetuning"}),
        ("sft/train_gptj_summarize.py", {"finetuning"}),
        ("trainer/accelerate_dpo_trainer.py", {"finetuning"}),
        ("reward_model/reward_model.py", {"finetuning"}),
        ("ptuning/main.py", {"finetuning"}),
        ("model_training/trainer_rl.py", {"finetuning"}),
        ("config/finetune_shakespeare.py", {"finetuning"}),
        ("scripts/Fine-Tune_LoRA.sh", {"finetuning"}),
        ("lora/train.py", {"finetuning"}),
        ("yamls/finetune/mpt-7b_dolly_sft.yaml", {"finetuning"}),
        ("src/lora.py", set()),  # loading adapters is not fine-tuning
        ("inference.py", {"inference"}),
        ("llama/generation.py", {"inference"}),
        ("serving/openai_api_server.py", {"inference"}),
        ("web_demo.py", {"inference"}),
        ("cli_demo.py", {"inference"}),
        ("api.py", {"inference"}),
        ("scripts/train_chat.sh", {"training"}),
        ("data/openwebtext/prepare.py", {"data"}),
        ("data/generate_dataset.py", {"data"}),
        ("scripts/dedup_corpus.py", {"data"}),
        ("tools/make_data.py", {"data"}),
        ("trlx/data/configs.py", set()),  # a data/ directory holds types, not scripts
        ("data/alpaca_data.json", set()),
        ("docs/index.md", {"docs"}),
        ("docs/source/conf.py", {"docs"}),
        ("docs/css/theme.css", set()),
        ("mkdocs.yml", {"docs"}),
        ("examples/hh/README.md", {"docs", "examples"}),
        ("FAQ.md", {"docs"}),
        ("README.md", set()),
        ("README_en.md", set()),
        ("LICENSE.md", set()),
        ("examples/ppo_sentiments.py", {"examples"}),
        ("examples/screenshot.png", set()),
        ("notebooks/explore.ipynb", {"examples"}),
        ("example_chat_completion.py", {"examples", "inference"}),
        ("setup.py", {"packaging", "package_build"}),
        ("pyproject.toml", {"packaging", "package_build"}),
        ("requirements-dev.txt", {"packaging"}),
        ("requirements/base.txt", {"packaging"}),
        ("deploy/Dockerfile", {"packaging"}),
        ("model.py", set()),
        ("docs/docs/api/inference-openapi.json", {"api_spec"}),
        ("api/swagger.yaml", {"api_spec"}),
        ("inference/worker/openapi_parser.py", {"inference"}),  # code that reads a spec is not one
    ],
)
def test_path_categories(path: str, categories: set[str]) -> None:
    assert _categories(classify_tree(_tree(path)), path) == categories


def test_vendored_code_tests_and_github_files_are_ignored() -> None:
    code = classify_tree(
        _tree(
            "third_party/megatron/train.py",
            "node_modules/pkg/index.js",
            "tests/test_train.py",
            "llama/test_tokenizer.py",
            ".github/workflows/train.yml",
            "src/model.py",
            "src/model.cu",
        )
    )
    assert code.training_files == ()
    assert code.source_file_count == 2


def test_source_count_covers_code_languages_but_not_notebooks_or_data() -> None:
    code = classify_tree(_tree("a.py", "b.ts", "c.cpp", "d.cu", "e.rs", "f.go", "g.sh", "h.ipynb", "i.json"))
    assert code.source_file_count == 7


def test_directories_and_submodules_are_not_files() -> None:
    tree = _tree("train.py")
    tree["tree"] += [
        {"path": "scripts/train", "type": "tree"},
        {"path": "vendor/train", "type": "commit"},
    ]
    assert classify_tree(tree).training_files == ("train.py",)


def test_truncated_flag_is_kept() -> None:
    assert classify_tree(_tree("train.py", truncated=True)).truncated is True
    assert classify_tree(_tree("train.py")).truncated is False


@pytest.mark.parametrize(
    "tree_json",
    [
        None,
        "not json",
        [],
        {},
        {"tree": "x"},
        {"tree": [1, None, {"path": 5, "type": "blob"}, {"type": "blob"}]},
    ],
)
def test_malformed_trees_give_empty_evidence(tree_json: object) -> None:
    code = classify_tree(tree_json)
    assert code.source_file_count == 0
    assert code.training_files == code.docs_files == code.packaging_files == ()


# --- READMEs ---------------------------------------------------------------------------


def _readme_json(text: bytes) -> dict:
    encoded = base64.encodebytes(text).decode()  # with line breaks, as GitHub sends it
    return {"name": "README.md", "encoding": "base64", "content": encoded}


def test_decode_readme() -> None:
    assert decode_readme(_readme_json("# Titel\nÜber 模型".encode())) == "# Titel\nÜber 模型"
    assert decode_readme(_readme_json(b"\xef\xbb\xbfhello")) == "hello"
    assert decode_readme(_readme_json(b"bad \xff byte")) == "bad \ufffd byte"


@pytest.mark.parametrize(
    "readme_json",
    [
        None,
        "text",
        {},
        {"content": 5},
        {"content": "!!!not base64@@", "encoding": "base64"},
        {"content": "", "encoding": "none"},
    ],
)
def test_undecodable_readmes_are_empty(readme_json: object) -> None:
    assert decode_readme(readme_json) == ""


def test_readme_sections_words_and_code_blocks() -> None:
    readme = readme_evidence(
        "# MyModel\n\nA small model for chatting with people.\n\n"
        "## Installation\n\n```bash\npip install mymodel\n# Training inside code is no heading\n```\n\n"
        "## Quick Start\n\n```python\nimport mymodel\n```\n\n"
        "Fine-tuning with LoRA\n---------------------\n\nSteps.\n\n"
        "<h2>Evaluation Results</h2>\n\n"
        "**Citation**\n\n## License\n\nMIT\n"
    )
    assert readme.sections == frozenset({"install", "usage", "finetuning", "evaluation", "citation", "license"})
    assert readme.code_blocks == 2
    assert readme.word_count == 20  # "Fine-tuning" is one word; markup is none


def test_chinese_headings_are_recognised() -> None:
    readme = readme_evidence(
        "## 环境安装\n\n## 使用方式\n\n## 高效参数微调\n\n## 模型训练\n\n## 评测结果\n\n"
        "## 数据集\n\n## 引用\n\n## 开源协议\n"
    )
    assert readme.sections == frozenset(
        {
            "install",
            "usage",
            "finetuning",
            "model",
            "training",
            "evaluation",
            "data",
            "citation",
            "license",
        }
    )
    assert readme.word_count == len("环境安装使用方式高效参数微调模型训练评测结果数据集引用开源协议")


def test_an_unclosed_code_block_still_counts_and_hides_its_lines() -> None:
    readme = readme_evidence("## Usage\n```\n## Training\n")
    assert (readme.sections, readme.code_blocks) == (frozenset({"usage"}), 1)


@pytest.mark.parametrize("markdown", ["", None, 12])
def test_empty_or_wrong_readmes_give_empty_evidence(markdown: object) -> None:
    readme = readme_evidence(markdown)  # type: ignore[arg-type]
    assert (readme.sections, readme.word_count, readme.code_blocks) == (
        frozenset(),
        0,
        0,
    )


# --- real captures ---------------------------------------------------------------------

_TREE_URL = re.compile(r"https://api\.github\.com/repos/([^/]+/[^/]+)/git/trees/")
_README_URL = re.compile(r"https://api\.github\.com/repos/([^/]+/[^/]+)/readme$")


def _github_bodies(url_pattern: re.Pattern[str]) -> dict[str, object]:
    """The GitHub response bodies whose URL matches, by owner/repo; skip without data."""
    if not (CALIBRATION / "captures").is_dir():
        pytest.skip("../shared/data/calibration is not here")
    bodies = {}
    for path in capture_files(CALIBRATION / "captures"):
        for _, record in iter_records(path):
            match = url_pattern.match(record["url"])
            if match:
                bodies[match.group(1)] = record.get("json")
    return bodies


@pytest.fixture(scope="module")
def calibration_trees() -> dict[str, RepoCode]:
    trees = _github_bodies(_TREE_URL)
    return {repo: classify_tree(tree) for repo, tree in trees.items()}


def test_every_calibration_tree_classifies(
    calibration_trees: dict[str, RepoCode],
) -> None:
    assert len(calibration_trees) > 60
    assert sum(code.source_file_count for code in calibration_trees.values()) > 5000


def test_rl_library_has_fine_tuning_and_rlhf_files(
    calibration_trees: dict[str, RepoCode],
) -> None:
    trlx = calibration_trees["CarperAI/trlx"]
    assert "trlx/trainer/accelerate_ppo_trainer.py" in trlx.finetuning_files
    # Scripts under examples/ show users how to train; they are not the system's own training code.
    example = "examples/summarize_rlhf/reward_model/train_reward_model_gptj.py"
    assert example in trlx.example_files and example not in trlx.finetuning_files
    assert "trlx/trainer/accelerate_ppo_trainer.py" not in trlx.training_files
    assert "docs/source/index.rst" in trlx.docs_files


@pytest.mark.parametrize("repo", ["meta-llama/llama3", "mistralai/mistral-inference"])
def test_inference_only_repositories(calibration_trees: dict[str, RepoCode], repo: str) -> None:
    code = calibration_trees[repo]
    assert code.training_files == code.finetuning_files == ()
    assert code.inference_files


def test_pretraining_repositories(calibration_trees: dict[str, RepoCode]) -> None:
    nano = calibration_trees["karpathy/nanoGPT"]
    assert "train.py" in nano.training_files
    assert nano.finetuning_files == ("config/finetune_shakespeare.py",)
    assert "data/openwebtext/prepare.py" in nano.data_files
    foundry = calibration_trees["mosaicml/llm-foundry"]
    assert "scripts/train/yamls/pretrain/mpt-7b.yaml" in foundry.training_files
    assert "scripts/train/yamls/finetune/mpt-7b_dolly_sft.yaml" in foundry.finetuning_files
    assert "RWKV-v5/train.py" in calibration_trees["BlinkDL/RWKV-LM"].training_files


def test_ptuning_directory_is_fine_tuning(
    calibration_trees: dict[str, RepoCode],
) -> None:
    chatglm = calibration_trees["THUDM/ChatGLM-6B"]
    assert "ptuning/main.py" in chatglm.finetuning_files
    assert chatglm.training_files == ()
    assert {"api.py", "cli_demo.py", "web_demo.py"} <= set(chatglm.inference_files)


def test_full_stack_project_has_every_kind_of_code(
    calibration_trees: dict[str, RepoCode],
) -> None:
    assistant = calibration_trees["LAION-AI/Open-Assistant"]
    for files in (
        assistant.training_files,
        assistant.finetuning_files,
        assistant.inference_files,
        assistant.data_files,
        assistant.docs_files,
        assistant.example_files,
        assistant.package_build_files,
    ):
        assert files


def test_every_calibration_readme_decodes() -> None:
    readmes = {repo: readme_evidence(decode_readme(body)) for repo, body in _github_bodies(_README_URL).items()}
    assert len(readmes) > 60
    assert all(readme.word_count > 0 for readme in readmes.values())
    chatglm = readmes["THUDM/ChatGLM-6B"]  # Chinese headings
    assert {"install", "usage", "finetuning", "license", "citation"} <= chatglm.sections
    nano = readmes["karpathy/nanoGPT"]
    assert {"install", "usage", "finetuning", "faq"} <= nano.sections
    assert nano.code_blocks >= 10


def test_user_examples_and_benchmarks_are_not_training_code() -> None:
    tree = _tree(
        "getting-started/finetuning/finetuning.py",
        "benchmarks/inference/pretrained_api_benchmark.py",
        "3p-integrations/vendor/finetune_args.py",
        "recipes/zephyr/sft/config_full.yaml",
        "src/pkg/train.py",
    )
    code = classify_tree(tree)
    assert code.training_files == ("src/pkg/train.py",)
    assert code.finetuning_files == ("recipes/zephyr/sft/config_full.yaml",)


def test_a_launch_config_trains_only_beside_a_training_script() -> None:
    template = "deepspeed/autotuning/config_templates/template_zero2.json"
    assert classify_tree(_tree(template, "deepspeed/runtime/engine.py")).training_files == ()
    code = classify_tree(_tree("configs/ds_config_zero2.json", "train.py"))
    assert set(code.training_files) == {"configs/ds_config_zero2.json", "train.py"}


def test_training_scripts_among_user_examples_are_examples_of_tuning() -> None:
    # Qwen1.5's repo: an SFT example for users, beside demos; not the code that trained it.
    code = classify_tree(
        _tree("examples/sft/finetune.py", "examples/sft/ds_config_zero2.json", "examples/demo/cli_demo.py")
    )
    assert code.finetuning_files == () and code.training_files == ()
    assert set(code.example_training_files) == {"examples/sft/finetune.py", "examples/sft/ds_config_zero2.json"}
    assert classify_tree(_tree("examples/demo/web_demo.py")).example_training_files == ()
