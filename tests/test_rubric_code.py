"""`opencode` and `code` on real-shaped repository trees (from systems released 2023-26):
training code, user examples of tuning, and code that only runs the model.

The evidence builders are those of tests/test_rubric.py (the made-up system "Nimbus").
"""

from __future__ import annotations

from index.rubric.criteria import DOCS_PAGES_FOR_COMPREHENSIVE, RULES
from tests.test_rubric import BASE, DOCUMENTED_README, model, project, repo

# A bitnet.cpp-like inference repo: kernels, a GEMM tuning utility, a benchmark, a server.
INFERENCE_REPO = (
    "src/ggml-bitnet-lut.cpp",
    "include/ggml-bitnet.h",
    "utils/tune_gemm_config.py",
    "utils/e2e_benchmark.py",
    "run_inference.py",
    "run_inference_server.py",
    "setup_env.py",
)
# A Qwen1.5-like repo: demos and an SFT example for users, documentation pages.
EXAMPLES_REPO = (
    "examples/demo/cli_demo.py",
    "examples/demo/web_demo.py",
    "examples/sft/finetune.py",
    "examples/sft/finetune.sh",
    "examples/sft/ds_config_zero3.json",
) + tuple(f"docs/source/page_{n}.rst" for n in range(DOCS_PAGES_FOR_COMPREHENSIVE))
TRAINING_REPO = ("pretrain.py", "finetune/sft.py", "finetune/dpo.py", "configs/ds_zero3.json")


def _grades(files: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    ev = project(released=model(), bases=(model(BASE),), repos=(repo(files=files, readme_md=DOCUMENTED_README),))
    return {c: (RULES[c](ev).grade, RULES[c](ev).rule) for c in ("opencode", "code")}


def test_code_that_only_runs_the_model_is_no_training_code_and_documents_none() -> None:
    grades = _grades(INFERENCE_REPO)
    assert grades["opencode"] == ("closed", "opencode.inference_only")
    assert grades["code"] == ("closed", "code.no_training_code")


def test_user_examples_of_tuning_are_some_training_code_documented_in_part() -> None:
    grades = _grades(EXAMPLES_REPO)
    assert grades["opencode"] == ("partial", "opencode.tuning_examples_only")
    # Thorough docs do not make examples "all components documented".
    assert grades["code"] == ("partial", "code.readme_only")


def test_training_code_for_every_stage_with_docs_is_documented_code() -> None:
    files = TRAINING_REPO + tuple(f"docs/page_{n}.md" for n in range(DOCS_PAGES_FOR_COMPREHENSIVE))
    grades = _grades(files)
    assert grades["opencode"] == ("open", "opencode.training_code_public")
    assert grades["code"] == ("open", "code.documented")
