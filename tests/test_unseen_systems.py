"""Grading systems that are not in the calibration set, from captures written here: a
fully open system and a closed-weights one must land at opposite ends, for the reasons
the evidence gives."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from index.rubric.grades import CRITERIA

runner = CliRunner()
HUB = "https://huggingface.co"
GITHUB = "https://api.github.com"

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/{id}v1</id><published>2025-01-01T00:00:00Z</published>
<title>{title}</title><summary>{summary}</summary>{extra}</entry></feed>"""


def line(url: str, **fields: object) -> str:
    return json.dumps({"url": url, "status": 200, **fields})


def dataset_line(repo_id: str) -> str:
    info = {"id": repo_id, "gated": False, "tags": ["license:odc-by"], "cardData": {"license": "odc-by"}}
    return line(f"{HUB}/api/datasets/{repo_id}", json=info)


def github_lines(full_name: str, readme: str, tree: list[dict] | None = None, **repo: object) -> list[str]:
    """A GitHub repo's three captures: repo (with `repo` fields), README, tree."""
    info = {"full_name": full_name, "default_branch": "main", **repo}
    return [
        line(f"{GITHUB}/repos/{full_name}", json=info),
        line(
            f"{GITHUB}/repos/{full_name}/readme",
            json={"encoding": "base64", "content": base64.b64encode(readme.encode()).decode()},
        ),
        line(f"{GITHUB}/repos/{full_name}/git/trees/main?recursive=1", json={"sha": "t", "tree": tree or []}),
    ]


def arxiv_line(arxiv_id: str, title: str, summary: str = "", extra: str = "") -> str:
    return line(
        f"https://export.arxiv.org/api/query?id_list={arxiv_id}",
        body=ATOM.format(id=arxiv_id, title=title, summary=summary, extra=extra),
    )


def graded_from_captures(tmp_path: Path, lines: list[str], entry: str) -> dict[str, dict]:
    """Replay capture lines for one registry entry (`entry`: its YAML fields, `id` first)
    through `openness refresh --replay`; its grades by criterion, as `show --format json`
    gives them."""
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "system.jsonl").write_text("\n".join(lines) + "\n")
    registry = tmp_path / "registry.yaml"
    registry.write_text(f"projects:\n- {entry}\n")
    db = str(tmp_path / "index.duckdb")
    refreshed = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", db])
    assert refreshed.exit_code == 0, refreshed.output
    project = entry.split("\n", 1)[0].removeprefix("id: ")
    shown = runner.invoke(app, ["show", project, "--db", db, "--format", "json"])
    return {row["criterion"]: row for row in json.loads(shown.stdout)["grades"]}


def open_system_captures() -> list[str]:
    released, base = "acme/Acme-7B-Instruct", "acme/Acme-7B"
    card = (
        "---\nlicense: apache-2.0\nbase_model: acme/Acme-7B\ndatasets:\n- acme/acme-instruct-mix\n---\n"
        "# Acme 7B Instruct\n\nCode: https://github.com/acme/acme-train and paper https://arxiv.org/abs/2501.00001\n\n"
        "## Model Architecture\nA 32-layer decoder-only transformer with 4096 hidden size and rotary embeddings.\n\n"
        "## Training Data\nTuned on the acme-instruct-mix of 1M instruction / response pairs written by annotators.\n\n"
        "## Training Procedure\nSupervised fine-tuning for 2 epochs with learning rate 2e-5, batch size 128, "
        "followed by DPO on preference pairs.\n\n"
        "## Evaluation\n| Benchmark | Score |\n|---|---|\n| MMLU | 61.2 |\n| GSM8K | 70.1 |\n\n"
        "## Install\n```\npip install acme-train\n```\n"
    )
    base_card = "---\nlicense: apache-2.0\ndatasets:\n- acme/acme-pretrain-corpus\n---\n# Acme 7B\n\nPre-trained.\n"
    data_card = (
        "---\nlicense: odc-by\n---\n# Acme pretraining corpus\n\n"
        "## Dataset Description\nWeb text, code and papers, 4T tokens.\n\n"
        "## Dataset Creation\n" + "Sources were crawled, deduplicated and filtered for quality. " * 100 + "\n\n"
        "## Bias, Risks, and Limitations\n" + "Web text carries social biases that we measured. " * 40 + "\n\n"
        "## Licensing Information\nODC-By 1.0.\n\n"
        "## Citation Information\n```bibtex\n@article{acme2025, title={Acme}}\n```\n"
    )
    readme = (
        "# acme-train\n\nTraining and fine-tuning code for the Acme models.\n\n"
        "## Installation\n\npip install acme-train\n\n"
        "## Usage\n\nRun `python scripts/pretrain.py` to pre-train and `python scripts/finetune.py` to fine-tune.\n\n"
        "## API\n\nServe the model with `acme serve` and query the REST API.\n"
    )
    tree = [
        {"path": "scripts", "type": "tree"},
        {"path": "scripts/pretrain.py", "type": "blob"},
        {"path": "scripts/finetune.py", "type": "blob"},
        {"path": "scripts/dpo.py", "type": "blob"},
        {"path": "acme_train", "type": "tree"},
        {"path": "acme_train/__init__.py", "type": "blob"},
        {"path": "acme_train/model.py", "type": "blob"},
        {"path": "pyproject.toml", "type": "blob"},
        {"path": "docs", "type": "tree"},
        *({"path": f"docs/page{i}.md", "type": "blob"} for i in range(12)),
    ]

    def model(repo: str, tags: list[str], card_data: dict) -> dict:
        return {
            "id": repo,
            "tags": tags,
            "pipeline_tag": "text-generation",
            "library_name": "transformers",
            "cardData": card_data,
            "gated": False,
            "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
        }

    return [
        line(
            f"{HUB}/api/models/{released}",
            json=model(
                released,
                [
                    "license:apache-2.0",
                    "conversational",
                    f"base_model:finetune:{base}",
                    "dataset:acme/acme-instruct-mix",
                    "arxiv:2501.00001",
                ],
                {"license": "apache-2.0", "base_model": base, "datasets": ["acme/acme-instruct-mix"]},
            ),
        ),
        line(f"{HUB}/{released}/resolve/main/README.md", body=card),
        line(
            f"{HUB}/api/models/{base}",
            json=model(
                base,
                ["license:apache-2.0", "dataset:acme/acme-pretrain-corpus"],
                {"license": "apache-2.0", "datasets": ["acme/acme-pretrain-corpus"]},
            ),
        ),
        line(f"{HUB}/{base}/resolve/main/README.md", body=base_card),
        dataset_line("acme/acme-pretrain-corpus"),
        line(f"{HUB}/datasets/acme/acme-pretrain-corpus/resolve/main/README.md", body=data_card),
        dataset_line("acme/acme-instruct-mix"),
        *github_lines("acme/acme-train", readme, tree, license={"key": "apache-2.0", "spdx_id": "Apache-2.0"}),
        arxiv_line(
            "2501.00001",
            "Acme: Open Language Models",
            "We pre-train Acme on a corpus of 4T tokens, describe the transformer architecture, "
            "and instruction-tune it with supervised fine-tuning and RLHF via DPO.",
            "<arxiv:journal_ref>Proceedings of ACL 2025</arxiv:journal_ref>",
        ),
        line(
            "https://pypi.org/pypi/acme-train/json",
            json={
                "info": {
                    "name": "acme-train",
                    "version": "1.2.0",
                    "project_urls": {"Source": "https://github.com/acme/acme-train"},
                }
            },
        ),
    ]


def closed_system_captures() -> list[str]:
    released = "bigco/Bigco-70B-Chat"
    info = {
        "id": released,
        "gated": "manual",
        "tags": ["text-generation", "license:other"],
        "pipeline_tag": "text-generation",
        "cardData": {"license": "other", "license_name": "bigco-community"},
    }
    card = "---\nlicense: other\nlicense_name: bigco-community\n---\n# Bigco 70B Chat\n\nOur best chat model. Try it!\n"
    return [
        line(f"{HUB}/api/models/{released}", json=info),
        line(f"{HUB}/{released}/resolve/main/README.md", body=card),
    ]


def grades_for(tmp_path: Path) -> dict[str, dict[str, str]]:
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "systems.jsonl").write_text("\n".join(open_system_captures() + closed_system_captures()) + "\n")
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "projects:\n- id: acme\n  name: Acme\n  org: Acme\n  hf: acme/Acme-7B-Instruct\n"
        "- id: bigco\n  name: Bigco\n  org: Bigco\n  hf: bigco/Bigco-70B-Chat\n"
    )
    db = str(tmp_path / "u.duckdb")
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", db])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["leaderboard", "--db", db, "--format", "json"])
    return {row["project"]: row for row in json.loads(result.stdout)}


def test_fully_open_system_is_open_on_almost_everything(tmp_path: Path) -> None:
    acme = grades_for(tmp_path)["acme"]
    assert {c: acme[c] for c in CRITERIA} == {c: "open" for c in CRITERIA}
    assert acme["openness"] == 14


def test_closed_weights_system_scores_low(tmp_path: Path) -> None:
    board = grades_for(tmp_path)
    bigco = board["bigco"]
    assert bigco["rlweights"] == "partial"  # released, but access granted by hand
    assert bigco["license"] == "closed"
    assert bigco["modelcard"] == "closed"
    assert bigco["opencode"] == bigco["llmdata"] == bigco["rldata"] == "closed"
    assert bigco["openness"] <= 2.5
    assert board["acme"]["rank"] == 1


def test_lineage_is_followed_to_the_pretrained_base(tmp_path: Path) -> None:
    """Instruct <- DPO <- base: the pre-training data and weights are the base's."""

    def info(repo: str, base: str | None, datasets: list[str]) -> dict:
        card_data = {"license": "apache-2.0", "datasets": datasets, **({"base_model": base} if base else {})}
        tags = ["safetensors", "license:apache-2.0", *(f"dataset:{d}" for d in datasets)]
        return {"id": repo, "tags": tags, "pipeline_tag": "text-generation", "cardData": card_data, "gated": False}

    lines = [
        line(f"{HUB}/api/models/lab/Lm-7B-Instruct", json=info("lab/Lm-7B-Instruct", "lab/Lm-7B-DPO", [])),
        line(f"{HUB}/api/models/lab/Lm-7B-DPO", json=info("lab/Lm-7B-DPO", "lab/Lm-7B", ["lab/preference-mix"])),
        line(f"{HUB}/api/models/lab/Lm-7B", json=info("lab/Lm-7B", None, ["lab/web-corpus"])),
        line(f"{HUB}/api/datasets/lab/web-corpus", json={"id": "lab/web-corpus", "gated": False, "tags": []}),
        line(f"{HUB}/api/datasets/lab/preference-mix", json={"id": "lab/preference-mix", "gated": False, "tags": []}),
    ]
    grades = graded_from_captures(tmp_path, lines, "id: lm\n  name: Lm\n  org: Lab\n  hf: lab/Lm-7B-Instruct")
    assert grades["llmdata"]["grade"] == "open"
    assert grades["llmdata"]["evidence"] == [f"{HUB}/datasets/lab/web-corpus"]
    assert grades["rldata"]["grade"] == "open"
    assert f"{HUB}/lab/Lm-7B" in grades["llmweights"]["evidence"]


def data_first_system_captures() -> list[str]:
    """A GitHub project whose contribution is a dataset; only the dataset's card links
    the paper."""
    readme = "# DataChat\n\nWe collect conversations: https://huggingface.co/datasets/dataco/datachat-conversations\n"
    data_card = "# DataChat Conversations\n\n- **Paper:** https://arxiv.org/abs/2502.00002\n"
    return [
        *github_lines("dataco/DataChat", readme),
        dataset_line("dataco/datachat-conversations"),
        line(f"{HUB}/datasets/dataco/datachat-conversations/resolve/main/README.md", body=data_card),
        arxiv_line(
            "2502.00002",
            "DataChat Conversations: crowd-sourced dialogues for alignment",
            "We release a corpus of conversations for instruction tuning.",
        ),
    ]


def show_after_replay(tmp_path: Path, project_id: str, github: str, lines: list[str]) -> dict[str, str]:
    """Refresh one GitHub-entry project from `lines`; `show`'s line per criterion."""
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / f"{project_id}.jsonl").write_text("\n".join(lines) + "\n")
    registry = tmp_path / "registry.yaml"
    registry.write_text(f"projects:\n- id: {project_id}\n  name: X\n  org: X\n  github: {github}\n")
    db = str(tmp_path / "d.duckdb")
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", db])
    assert result.exit_code == 0, result.stderr
    shown = runner.invoke(app, ["show", project_id, "--db", db])
    assert shown.exit_code == 0, shown.stderr
    blocks: dict[str, list[str]] = {}
    current = None
    for text in shown.stdout.splitlines()[1:]:
        first_word = text.split()[0] if text.split() else ""
        current = first_word if first_word in CRITERIA else current
        blocks.setdefault(current, []).append(text)
    return {criterion: "\n".join(blocks[criterion]) for criterion in CRITERIA}


def test_the_paper_linked_from_a_dataset_card_is_the_projects_preprint(tmp_path: Path) -> None:
    shown = show_after_replay(tmp_path, "datachat", "dataco/DataChat", data_first_system_captures())
    assert "partial" in shown["preprint"].splitlines()[0]
    assert "https://arxiv.org/abs/2502.00002" in shown["preprint"]


def test_a_github_projects_linked_model_names_its_data_and_papers(tmp_path: Path) -> None:
    readme = "# ChatRNN\n\nWeights: https://huggingface.co/rnnco/rnn-raven\n"
    info = {
        "id": "rnnco/rnn-raven",
        "tags": ["pytorch", "dataset:rnnco/rnn-corpus", "arxiv:2503.00003"],
        "pipeline_tag": "text-generation",
        "cardData": {"datasets": ["rnnco/rnn-corpus"]},
        "siblings": [{"rfilename": "rnn-raven-7b.pth"}],
    }
    lines = [
        *github_lines("rnnco/ChatRNN", readme),
        line(f"{HUB}/api/models/rnnco/rnn-raven", json=info),
        dataset_line("rnnco/rnn-corpus"),
        arxiv_line("2503.00003", "ChatRNN: a recurrent chat model"),
    ]
    shown = show_after_replay(tmp_path, "chatrnn", "rnnco/ChatRNN", lines)
    assert "https://huggingface.co/datasets/rnnco/rnn-corpus" in shown["llmdata"]
    assert "https://arxiv.org/abs/2503.00003" in shown["preprint"]


def test_the_code_a_papers_abstract_links_is_crawled_as_the_systems(tmp_path: Path) -> None:
    """A card that links no repo, and a paper tagged on the model whose abstract says where
    its code is: the crawl follows that link, the repo's training code is the system's,
    and show says the link came from the abstract."""
    info = {
        "id": "evolab/EvoChat-13B",
        "tags": ["license:apache-2.0", "arxiv:2504.00004"],
        "cardData": {"license": "apache-2.0"},
    }
    summary = (
        "We fine-tune an open model on instructions rewritten step by step into harder ones. "
        "Our code and data are public at https://github.com/evoresearcher/EvoChat"
    )
    tree = [{"path": "training/train.py", "type": "blob"}, {"path": "training/finetune.py", "type": "blob"}]
    lines = [
        line(f"{HUB}/api/models/evolab/EvoChat-13B", json=info),
        line(f"{HUB}/evolab/EvoChat-13B/resolve/main/README.md", body="# EvoChat 13B\n\nA chat model.\n"),
        arxiv_line("2504.00004", "EvoChat: evolving instructions", summary),
        *github_lines("evoresearcher/EvoChat", "# EvoChat\n\nTrain with `python training/train.py`.\n", tree),
    ]
    entry = "id: evochat\n  name: EvoChat\n  org: Evolab\n  hf: evolab/EvoChat-13B"
    shown = graded_from_captures(tmp_path, lines, entry)
    assert shown["opencode"]["grade"] == "open", shown["opencode"]
    assert "https://github.com/evoresearcher/EvoChat" in shown["opencode"]["evidence"]
    via = {record["via"] for record in shown["opencode"]["provenance"]}
    assert "linked from the abstract of arXiv 2504.00004" in via
