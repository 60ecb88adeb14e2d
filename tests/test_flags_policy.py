"""Open-washing flags and EU AI Act indicators: the stated-figure readers on real-shaped
text, the claim reader, and both through `openness refresh --replay` and `show` on
captures of fictional systems written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.evidence.figures import (
    active_size_in_name,
    size_in_name,
    stated_active_parameters,
    stated_parameter_counts,
    stated_training_tokens,
)
from index.flags import openness_claim
from tests.test_unseen_systems import HUB, line

runner = CliRunner()


# --- stated figures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Viking 33B is a 33B parameter decoder-only transformer", [33e9]),
        ("A 141 billion parameter model pretrained and finetuned", [141e9]),
        ("| Parameters | 6.9B |", [6.9e9]),
        ("with only 111M parameters instruction fine-tuned", [111e6]),
        ("It is highly competitive among models with less than 10B parameters.", []),
        ("leading open-source models in the 7B to 8B parameter range", []),
        ("Llama 3 comes in two sizes — 8B and 70B parameters", [70e9]),
        ("We release the weights for the 7B model.", []),
    ],
)
def test_parameter_counts_need_the_word_parameters(text: str, expected: list[float]) -> None:
    assert [f.value for f in stated_parameter_counts(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected", "tuning"),
    [
        ("pretrained from scratch on 1T tokens of English text and code", 1e12, False),
        ("trained on 1,500B tokens of RefinedWeb", 1.5e12, False),
        ("Trained on a corpus of 4 trillion tokens, this model", 4e12, False),
        ("The KD step included 40 billion tokens consisting of a mixture", 40e9, True),
        ("Supervised fine-tuning on 2B tokens of chat data", 2e9, True),
    ],
)
def test_training_tokens_and_their_stage(text: str, expected: float, tuning: bool) -> None:
    (figure,) = stated_training_tokens(text)
    assert (figure.value, figure.tuning) == (expected, tuning)


def test_context_lengths_and_small_sets_are_not_training_tokens() -> None:
    assert stated_training_tokens("a context window of 128k tokens and 32K tokens per sequence") == []
    assert stated_training_tokens("fine-tuned on 50M tokens") == []


def test_active_parameters_of_a_mixture_of_experts() -> None:
    (active,) = stated_active_parameters("An MoE language model with 671B total parameters with 37B activated")
    assert (active.value, active.whole) == (37e9, 671e9)
    assert [a.value for a in stated_active_parameters("480B total and 17B active parameters")] == [17e9]
    assert active_size_in_name("LiquidAI/LFM2-24B-A2B") == 2e9
    assert size_in_name("meta-llama/Llama-2-70b-chat-hf") == 70e9
    assert size_in_name("mistralai/Mixtral-8x7B-Instruct") == 56e9
    assert size_in_name("org/model-v2") is None


# --- claims of openness ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Viking 33B is a fully open source model and is made available under the Apache 2.0 license.",
        "We open-source the model weights and the training code.",
        "All of the trained models will be open-source.",
        "Our open-source models are free for everyone.",
        "Acme is an open-weight model.",
    ],
)
def test_a_claim_of_openness_is_read(text: str) -> None:
    assert openness_claim(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "The model outperforms many of the available open source chat models on common benchmarks.",
        "We thank the open-source community for their tools.",
        "This model is not open source.",
        "We open-source our inference and fine-tuning stacks.",
        "It is competitive with the best open-source Transformers of similar size.",
        "Evaluated with the Open LLM leaderboard.",
    ],
)
def test_what_is_not_a_claim_about_the_model(text: str) -> None:
    assert openness_claim(text) is None


# --- through the CLI ---------------------------------------------------------------------------


def model_info(
    repo: str,
    *,
    licence: str,
    gated: object = False,
    base: str | None = None,
    datasets: tuple[str, ...] = (),
    **extra: object,
) -> dict:
    tags = ["text-generation", f"license:{licence}", *(f"dataset:{d}" for d in datasets)]
    tags += [f"base_model:finetune:{base}"] if base else []
    card_data: dict = {"license": licence, "datasets": list(datasets)} | ({"base_model": base} if base else {})
    return {
        "id": repo,
        "gated": gated,
        "tags": tags,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "cardData": card_data,
        "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
        **extra,
    }


def washed_captures() -> list[str]:
    """A Llama-style community-licensed base, re-released as apache-2.0, gated, claiming to
    be open source, naming one dataset that does not exist and one that is gated."""
    released, base = "washco/Wash-70B-Chat", "bigco/Big-70B"
    datasets = ("washco/lost-data", "washco/locked-data")
    card = (
        "---\nlicense: apache-2.0\nbase_model: bigco/Big-70B\n---\n"
        "# Wash 70B Chat\n\nWash-70B-Chat is a fully open source model, fine-tuned from Big-70B.\n"
    )
    base_card = "---\nlicense: other\nlicense_name: bigco-community\n---\n# Big 70B\n\nPretrained on 15T tokens.\n"
    return [
        line(
            f"{HUB}/api/models/{released}",
            json=model_info(released, licence="apache-2.0", gated="manual", base=base, datasets=datasets),
        ),
        line(f"{HUB}/{released}/resolve/main/README.md", body=card),
        line(f"{HUB}/api/models/{base}", json=model_info(base, licence="other")),
        line(f"{HUB}/{base}/resolve/main/README.md", body=base_card),
        json.dumps({"url": f"{HUB}/api/datasets/washco/lost-data", "status": 404, "json": {"error": "not found"}}),
        line(f"{HUB}/api/datasets/washco/locked-data", json={"id": "washco/locked-data", "gated": "auto", "tags": []}),
    ]


def plain_captures() -> list[str]:
    """An apache-2.0 model trained from scratch whose card makes no claim; its size is in
    the Hub's safetensors metadata."""
    repo = "plainco/Plain-1B"
    card = (
        "---\nlicense: apache-2.0\n---\n# Plain 1B\n\n"
        "## Model Architecture\nA decoder-only transformer: 24 layers, hidden size 2048, 16 attention heads, "
        "rotary embeddings, 4096-token context.\n\n"
        "## Training Data\nTrained from scratch on 2T tokens of the plainco/plain-web corpus: filtered web pages, "
        "code and papers, deduplicated.\n\n"
        "## Training Procedure\n64 GPUs for 20 days with AdamW, learning rate 3e-4, cosine schedule, batch size 4M "
        "tokens.\n\n"
        "## Evaluation\n| Benchmark | Score |\n|---|---|\n| MMLU | 41.2 |\n| HellaSwag | 60.1 |\n"
    )
    info = model_info(
        repo, licence="apache-2.0", safetensors={"parameters": {"BF16": 1_100_000_000}, "total": 1_100_000_000}
    )
    return [line(f"{HUB}/api/models/{repo}", json=info), line(f"{HUB}/{repo}/resolve/main/README.md", body=card)]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("flags")
    (folder / "captures").mkdir()
    (folder / "captures" / "systems.jsonl").write_text("\n".join(washed_captures() + plain_captures()) + "\n")
    registry = folder / "registry.yaml"
    registry.write_text(
        "projects:\n- id: wash\n  name: Wash\n  org: Washco\n  hf: washco/Wash-70B-Chat\n"
        "- id: plain\n  name: Plain\n  org: Plainco\n  hf: plainco/Plain-1B\n"
    )
    path = folder / "index.duckdb"
    arguments = ["refresh", "--registry", str(registry), "--replay", str(folder / "captures"), "--db", str(path)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.stderr
    return path


def query(db: Path, sql: str) -> list[dict]:
    result = runner.invoke(app, ["query", sql, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_open_washing_flag_fires_on_the_washed_system(db: Path) -> None:
    flags = {row["flag"]: row for row in query(db, "SELECT * FROM latest_flags WHERE project = 'wash'")}
    assert set(flags) == {
        "licence_more_permissive_than_base",
        "open_source_claim",
        "gated_while_claiming_open",
        "datasets_named_not_available",
    }
    assert "Apache-2.0" in flags["licence_more_permissive_than_base"]["reason"]
    assert "bigco/Big-70B" in flags["licence_more_permissive_than_base"]["reason"]
    assert "https://huggingface.co/bigco/Big-70B" in flags["licence_more_permissive_than_base"]["evidence"]
    assert "fully open source model" in flags["open_source_claim"]["reason"]
    assert "manual" in flags["gated_while_claiming_open"]["reason"]
    reason = flags["datasets_named_not_available"]["reason"]
    assert "not on the Hub: washco/lost-data" in reason and "gated: washco/locked-data" in reason


def test_a_plain_open_system_has_no_flag_and_meets_the_exemption(db: Path) -> None:
    assert query(db, "SELECT * FROM latest_flags WHERE project = 'plain'") == []
    (policy,) = query(db, "SELECT * FROM latest_policy WHERE project = 'plain'")
    assert policy["parameters"] == 1.1e9 and "safetensors metadata" in policy["parameters_source"]
    assert policy["training_tokens"] == 2e12
    assert policy["training_flops"] == pytest.approx(6 * 1.1e9 * 2e12)
    assert policy["systemic_risk"] == "not_presumed"
    assert policy["exemption"] == "met", policy["exemption_reason"]


def test_the_washed_system_fails_the_exemption_and_is_near_the_threshold(db: Path) -> None:
    (policy,) = query(db, "SELECT * FROM latest_policy WHERE project = 'wash'")
    # 6 x 70e9 (the name) x 15e12 (the base's card) = 6.3e24: within 10x of 10^25.
    assert policy["training_flops"] == pytest.approx(6.3e24)
    assert policy["systemic_risk"] == "near"
    assert policy["exemption"] == "not_met"
    assert "weights are not publicly downloadable" in policy["exemption_reason"]


def test_show_prints_flags_and_indicators_with_their_sources(db: Path) -> None:
    result = runner.invoke(app, ["show", "wash", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert "open-washing flags: 4" in result.stdout
    assert "licence_more_permissive_than_base:" in result.stdout
    # A flag's evidence carries its provenance, as a grade's does: here the base another
    # owner published, named in the release's metadata.
    text = " ".join(result.stdout.split())
    assert (
        f"evidence: {HUB}/bigco/Big-70B fetched: {HUB}/api/models/bigco/Big-70B from bigco/Big-70B: "
        f"base model named in the Hub metadata of washco/Wash-70B-Chat ({HUB}/api/models/washco/Wash-70B-Chat); "
        "bigco is another owner than the registry entry (washco)"
    ) in text
    assert "EU AI Act open-source exemption (Art. 53(2)): not met" in result.stdout
    assert "training tokens:  1.5e+13 (card of bigco/Big-70B: 'Pretrained on 15T tokens.')" in result.stdout
    assert "systemic risk presumed above 10^25 (Art. 51): near" in result.stdout
    plain = runner.invoke(app, ["show", "plain", "--db", str(db)])
    assert "open-washing flags: none" in plain.stdout


def test_show_json_carries_grades_flags_and_indicators(db: Path) -> None:
    result = runner.invoke(app, ["show", "wash", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["project"] == "wash"
    assert len(shown["grades"]) == 14
    assert shown["openness"] == sum(row["points"] for row in shown["grades"])
    flags = {row["flag"]: row for row in shown["flags"]}
    assert len(flags) == 4
    base = next(r for r in flags["licence_more_permissive_than_base"]["provenance"] if r["repo"] == "bigco/Big-70B")
    assert (base["via"], base["same_owner"]) == ("base model named in the Hub metadata of washco/Wash-70B-Chat", False)
    assert shown["policy"]["systemic_risk"] == "near"
    assert shown["policy"]["training_tokens"] == 1.5e13
