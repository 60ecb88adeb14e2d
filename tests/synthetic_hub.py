"""A generated hub of plausible systems, for live-mode tests and the crawl benchmark.

System i has a Hub model (info with `sha`, tags and card data, and a card); some have a
base model and a dataset drawn from shared pools, a GitHub repo (repo, README, tree)
linked from the card, an arXiv paper, and a PyPI package in a `pip install` line. The
`changed` systems get a new commit, card and README, as a nightly refresh would see.
Everything is deterministic in its arguments.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from crawler.captures import CaptureStore, Exchange, normalise_url

HF = "https://huggingface.co"
GITHUB = "https://api.github.com"
BASE_MODELS = 50
DATASETS = 100
JSON = {"content-type": "application/json"}
TEXT = {"content-type": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class SyntheticHub:
    registry_yaml: str
    exchanges: tuple[Exchange, ...]

    def store(self) -> CaptureStore:
        return CaptureStore({normalise_url(e.url): e for e in self.exchanges})

    def model_infos(self) -> list[dict[str, object]]:
        """Every model's info, as the Hub's listing shows them (see tests/hub_listing.py)."""
        infos = [e for e in self.exchanges if e.url.startswith(f"{HF}/api/models/")]
        return [json.loads(e.body) for e in infos]


def model_id(i: int) -> str:
    return f"org{i % 40}/model-{i:05d}"


def synthetic_hub(systems: int, changed: Collection[int] = ()) -> SyntheticHub:
    exchanges: dict[str, Exchange] = {}
    lines = ["projects:"]
    for i in range(systems):
        lines += [f"- id: system-{i:05d}", f"  name: System {i}", f"  org: Org {i % 40}", f"  hf: {model_id(i)}"]
        for exchange in _system(i, i in changed):
            exchanges[exchange.url] = exchange
    return SyntheticHub("\n".join(lines) + "\n", tuple(exchanges.values()))


def _features(i: int) -> dict[str, bool]:
    return {
        "base": i % 5 in (1, 2),
        "dataset": i % 5 in (2, 3),
        "github": i % 5 in (0, 3),
        "arxiv": i % 10 == 4,
        "pypi": i % 10 == 9,
    }


def _system(i: int, changed: bool) -> Iterator[Exchange]:
    features = _features(i)
    repo_id, revision = model_id(i), 1 if changed else 0
    base = f"base-org/base-{i % BASE_MODELS:03d}" if features["base"] else None
    dataset = f"data-org/corpus-{i % DATASETS:03d}" if features["dataset"] else None
    github = f"gh-org{i % 40}/project-{i:05d}" if features["github"] else None
    arxiv = f"24{(i % 12) + 1:02d}.{i:05d}" if features["arxiv"] else None
    card_data: dict[str, object] = {"license": "apache-2.0"}
    if base:
        card_data["base_model"] = base
    if dataset:
        card_data["datasets"] = [dataset]
    tags = ["text-generation", "license:apache-2.0", *([f"arxiv:{arxiv}"] if arxiv else [])]
    yield _model_info(repo_id, f"{repo_id}@{revision}", tags, card_data)
    yield _card(f"{HF}/{repo_id}/resolve/main/README.md", _card_text(i, revision, github, dataset, features["pypi"]))
    if base:
        yield _model_info(base, f"{base}@0", ["text-generation", "license:apache-2.0"], {"license": "apache-2.0"})
        yield _card(f"{HF}/{base}/resolve/main/README.md", f"# {base}\n\nA base model pre-trained on web text.\n")
    if dataset:
        yield _json(
            f"{HF}/api/datasets/{dataset}",
            {
                "id": dataset,
                "sha": _sha(dataset),
                "tags": ["license:cc-by-4.0"],
                "cardData": {"license": "cc-by-4.0"},
                "gated": False,
            },
        )
        yield _card(f"{HF}/datasets/{dataset}/resolve/main/README.md", f"# {dataset}\n\nInstruction data, CC-BY-4.0.\n")
    if github:
        yield from _github(github, i, revision)
    if arxiv:
        yield _arxiv(arxiv, i)
    if features["pypi"]:
        name = f"system-{i:05d}-tools"
        yield _json(
            f"https://pypi.org/pypi/{name}/json",
            {
                "info": {
                    "name": name,
                    "version": "1.0",
                    "summary": "Tools",
                    "license": "Apache-2.0",
                    "project_urls": None,
                }
            },
        )


def _model_info(repo_id: str, commit_seed: str, tags: list[str], card_data: dict[str, object]) -> Exchange:
    siblings = ["README.md", "config.json", "model.safetensors", "tokenizer.json", "generation_config.json"]
    return _json(
        f"{HF}/api/models/{repo_id}",
        {
            "id": repo_id,
            "author": repo_id.split("/")[0],
            "sha": _sha(commit_seed),
            "private": False,
            "gated": False,
            "disabled": False,
            "downloads": 1000,
            "likes": 10,
            "tags": tags,
            "pipeline_tag": "text-generation",
            "library_name": "transformers",
            "cardData": card_data,
            "siblings": [{"rfilename": f} for f in siblings],
            "lastModified": "2026-11-01T00:00:00.000Z",
            "createdAt": "2025-01-01T00:00:00.000Z",
        },
    )


def _card_text(i: int, revision: int, github: str | None, dataset: str | None, pypi: bool) -> str:
    parts = [
        "---\nlicense: apache-2.0\n---",
        f"# System {i}\n\nAn instruction-tuned chat model (revision {revision}).",
        "## Training procedure\n\nSupervised fine-tuning for 3 epochs with a learning rate of 2e-5, "
        "then preference tuning with DPO on human preference pairs.",
        "## Evaluation\n\n| benchmark | score |\n|---|---|\n| MMLU | 61.2 |\n| GSM8K | 40.1 |",
        "## Limitations\n\nThe model can produce wrong or biased output.",
    ]
    if github:
        parts.append(f"Code: https://github.com/{github}")
    if dataset:
        parts.append(f"Trained on https://huggingface.co/datasets/{dataset}")
    if pypi:
        parts.append(f"```\npip install system-{i:05d}-tools\n```")
    return "\n\n".join(parts) + "\n"


def _github(full_name: str, i: int, revision: int) -> Iterator[Exchange]:
    yield _json(
        f"{GITHUB}/repos/{full_name}",
        {
            "full_name": full_name,
            "default_branch": "main",
            "archived": False,
            "fork": False,
            "license": {"key": "apache-2.0", "spdx_id": "Apache-2.0", "name": "Apache License 2.0"},
            "description": f"Training code for system {i}",
            "html_url": f"https://github.com/{full_name}",
        },
    )
    readme = (
        f"# project-{i:05d}\n\nTraining and fine-tuning scripts (revision {revision}).\n\n"
        "```\npython train.py --config configs/sft.yaml\n```\n"
    )
    yield _json(
        f"{GITHUB}/repos/{full_name}/readme",
        {
            "name": "README.md",
            "path": "README.md",
            "encoding": "base64",
            "content": base64.encodebytes(readme.encode()).decode("ascii"),
        },
    )
    files = [
        "README.md",
        "LICENSE",
        "train.py",
        "finetune.py",
        "configs/sft.yaml",
        "data/prepare.py",
        "eval/run_eval.py",
        "inference.py",
        "requirements.txt",
    ]
    yield _json(
        f"{GITHUB}/repos/{full_name}/git/trees/main?recursive=1",
        {
            "sha": _sha(full_name),
            "truncated": False,
            "tree": [{"path": path, "type": "blob", "size": 1000 + n} for n, path in enumerate(files)],
        },
    )


def _arxiv(arxiv_id: str, i: int) -> Exchange:
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id><title>System {i}: an open chat model</title>
<summary>We describe the training data, procedure and evaluation of System {i}.</summary>
<author><name>A. Author</name></author><published>2024-01-01T00:00:00Z</published></entry>
</feed>
"""
    return Exchange(
        f"https://export.arxiv.org/api/query?id_list={arxiv_id}",
        200,
        {"content-type": "application/atom+xml"},
        feed.encode(),
    )


def _json(url: str, data: object) -> Exchange:
    return Exchange(url, 200, dict(JSON), json.dumps(data).encode())


def _card(url: str, text: str) -> Exchange:
    return Exchange(url, 200, dict(TEXT), text.encode())


def _sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()
