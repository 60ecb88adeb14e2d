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


# --- another version's repo ----------------------------------------------------------

NEXT_RELEASE = "orbitlabs/Nimbus2.5-70B-Chat"
PREVIOUS_VERSION_REPO = "orbitlabs/Nimbus2"


def _next_release(card_md: str, *, entry: bool = False) -> dict[str, tuple[str, str]]:
    """Nimbus2.5 released with a card, beside the Nimbus2 repo holding Nimbus2's training code."""
    previous = repo(PREVIOUS_VERSION_REPO, files=TRAINING_REPO, readme_md=DOCUMENTED_README)
    own = repo("orbitlabs/Nimbus2.5", readme_md=DOCUMENTED_README)
    repos = {"repos": (previous,)} if entry else {"linked_repos": (own, previous)}
    ev = project(released=model(NEXT_RELEASE, card_md=card_md), **repos)
    return {c: (RULES[c](ev).grade, RULES[c](ev).rule) for c in ("opencode", "code")}


def test_the_previous_versions_training_code_is_not_this_systems() -> None:
    card = f"# Nimbus2.5\n\n[GitHub](https://github.com/orbitlabs/Nimbus2.5). Nimbus2.5 improves on [Nimbus2](https://github.com/{PREVIOUS_VERSION_REPO}).\n"
    grades = _next_release(card)
    assert grades["opencode"] == ("closed", "opencode.none")
    assert grades["code"] == ("closed", "code.no_training_code")


def test_the_previous_versions_code_pointed_to_as_the_method_continued_is_some_code() -> None:
    card = (
        "# Nimbus2.5\n\n[GitHub](https://github.com/orbitlabs/Nimbus2.5)\n\n"
        f"Nimbus2.5 follows the fine-tuning method of Nimbus2, see [Nimbus2](https://github.com/{PREVIOUS_VERSION_REPO}).\n"
    )
    grades = _next_release(card)
    assert grades["opencode"] == ("partial", "opencode.other_version_only")
    # It documents Nimbus2's code, none of this system's.
    assert grades["code"] == ("closed", "code.no_training_code")


def test_an_entry_repo_is_the_systems_whatever_its_version() -> None:
    grades = _next_release("# Nimbus2.5\n", entry=True)
    assert grades["opencode"][0] == "open"


# --- tools the makers link, and data-processing code ------------------------------------


def test_an_evaluation_harness_of_the_makers_is_not_the_systems_training_code() -> None:
    card = "# Nimbus 7B Chat\n\nAll evaluations were done using [Kit](https://github.com/orbitlabs/kit).\n"
    harness = repo("orbitlabs/kit", files=TRAINING_REPO, readme_md=DOCUMENTED_README)
    ev = project(released=model(card_md=card), bases=(model(BASE),), linked_repos=(harness,))
    assert (RULES["opencode"](ev).grade, RULES["opencode"](ev).rule) == ("closed", "opencode.inference_only")
    assert RULES["code"](ev).rule == "code.no_training_code"


def _with_library(sentence: str) -> dict[str, tuple[str, str]]:
    """Nimbus's card links a repo of the same owner that does not name Nimbus and holds
    training code for every stage: a general library of the organisation, or this
    system's training code, as the sentence linking it says."""
    card = f"# Nimbus 7B Chat\n\n{sentence}\n"
    library = repo("orbitlabs/stratus-trainer", files=TRAINING_REPO, readme_md=DOCUMENTED_README)
    ev = project(released=model(card_md=card), bases=(model(BASE),), linked_repos=(library,))
    return {c: (RULES[c](ev).grade, RULES[c](ev).rule) for c in ("opencode", "code", "architecture")}


def test_a_general_library_of_the_makers_is_not_the_systems_training_code() -> None:
    # RUBRIC.md: a framework of the same organisation counts only when the makers point
    # to it as the code that trained this system; speaking of training in general is not that.
    for sentence in (
        "We also maintain [orbitlabs/stratus-trainer](https://github.com/orbitlabs/stratus-trainer), "
        "a general library for distributed training of large language models.",
        "Check out our other projects: [Stratus](https://github.com/orbitlabs/stratus-trainer).",
    ):
        grades = _with_library(sentence)
        assert grades["opencode"] == ("closed", "opencode.none"), sentence
        assert grades["code"] == ("closed", "code.no_training_code"), sentence
        assert grades["architecture"][1] != "architecture.paper_and_details", sentence


def test_a_library_the_makers_point_to_as_this_systems_training_code_is_its_code() -> None:
    for sentence in (
        "The training code is available at [Stratus](https://github.com/orbitlabs/stratus-trainer).",
        "This model was trained with [Stratus](https://github.com/orbitlabs/stratus-trainer).",
        "Nimbus was fine-tuned with our library [Stratus](https://github.com/orbitlabs/stratus-trainer).",
    ):
        assert _with_library(sentence)["opencode"] == ("open", "opencode.training_code_public"), sentence


def test_code_that_builds_the_training_data_is_some_code_documented_in_part() -> None:
    readme = DOCUMENTED_README + "\n## Data\n\nGenerate the puzzles with `python games/generate.py`.\n"
    data_repo = repo(files=("games/sudoku/prepare_data.py", "games/sudoku/verifier.py"), readme_md=readme)
    ev = project(released=model(), bases=(model(BASE),), repos=(data_repo,))
    assert (RULES["opencode"](ev).grade, RULES["opencode"](ev).rule) == ("partial", "opencode.data_processing_only")
    assert RULES["code"](ev).grade == "partial"


# --- a base's card pasted into the release's -------------------------------------------

BASE_CARD_WITH_API = (
    "# Nimbus 7B\n\nNimbus 7B is a 7B parameter decoder-only transformer pre-trained by Orbit Labs on 2T tokens "
    "of web text, code and books, with a 4k context and rotary embeddings, for research and products alike.\n\n"
    "## API\n\nStart an OpenAI-compatible server with `python -m nimbus.serve` and send requests to "
    "`/v1/chat/completions`, or use our hosted platform.\n\n"
    "Run it locally with `ollama run nimbus`.\n"
)


def test_what_a_pasted_base_card_offers_is_the_base_makers_not_the_releases() -> None:
    # A fine-tune of another lab's base whose card is one line of its own over the original
    # card: the API and the Ollama line there are the base makers'.
    pasted = "# Stratus 7B\n\nA fine-tune of Nimbus 7B. The original model card follows.\n\n" + BASE_CARD_WITH_API
    release = model("cirrus/Stratus-7B", card_md=pasted)
    base = model(BASE, card_md=BASE_CARD_WITH_API)
    ev = project(released=release, bases=(base,))
    assert RULES["api"](ev).rule == "api.none"
    assert RULES["package"](ev).rule == "package.none"
    # The makers' own words still count.
    own = model("cirrus/Stratus-7B", card_md=BASE_CARD_WITH_API.replace("Nimbus", "Stratus"))
    assert RULES["api"](project(released=own, bases=(base,))).rule == "api.documented"
