"""Families through the CLI over loopback HTTP: a discovering refresh groups a hub's
quantisation, adapter, merge, re-upload and fine-tunes under their original; the
leaderboard shows originals, `--members` the rest with relation and original."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from crawler.captures import CaptureStore, Exchange, normalise_url
from tests.capture_server import CaptureServer

runner = CliRunner()
HF = "https://huggingface.co"
JSON, TEXT = {"content-type": "application/json"}, {"content-type": "text/plain"}


def info(repo_id: str, tags: tuple[str, ...] = (), files: tuple[str, ...] = (), downloads: int = 10, **card: object):
    return {
        "id": repo_id,
        "author": repo_id.split("/")[0],
        "sha": f"{abs(hash(repo_id)):040x}"[:40],
        "downloads": downloads,
        "likes": 1,
        "pipeline_tag": "text-generation",
        "tags": ["text-generation", *tags],
        "cardData": {"license": "apache-2.0", **card},
        "siblings": [{"rfilename": f} for f in ("README.md", "config.json", *files)],
        "gated": False,
    }


HUB_MODELS = [
    info("acme/Base-7B", files=("model.safetensors",), downloads=900),
    info(
        "acme/Base-7B-Instruct",
        ("base_model:finetune:acme/Base-7B",),
        ("model.safetensors",),
        downloads=800,
        base_model="acme/Base-7B",
    ),
    info(
        "quant/Base-7B-Instruct-GGUF",
        ("gguf", "base_model:quantized:acme/Base-7B-Instruct"),
        ("base-7b-instruct.Q4_K_M.gguf",),
        downloads=700,
        base_model="acme/Base-7B-Instruct",
    ),
    info("lora/base-helper", files=("adapter_config.json", "adapter_model.safetensors"), base_model="acme/Base-7B"),
    info(
        "merger/Base-Mix",
        ("merge", "base_model:merge:acme/Base-7B-Instruct", "base_model:merge:other/Solo-1B"),
        ("model.safetensors",),
        base_model=["acme/Base-7B-Instruct", "other/Solo-1B"],
    ),
    info("copy/Base-7B", files=("model.safetensors",), base_model="acme/Base-7B"),
    info("other/Solo-1B", files=("model.safetensors",), downloads=50),
    # copies of an original nobody lists: the most downloaded stands in for the family
    info("q1/Ghost-3B-GGUF", ("base_model:quantized:gone/Ghost-3B",), ("g.gguf",), 300, base_model="gone/Ghost-3B"),
    info("q2/Ghost-3B-AWQ", ("awq", "base_model:quantized:gone/Ghost-3B"), downloads=200, base_model="gone/Ghost-3B"),
]


@pytest.fixture
def hub(capture_server: CaptureServer, tmp_path: Path) -> Path:
    exchanges = {}
    for model in HUB_MODELS:
        url = f"{HF}/api/models/{model['id']}"
        exchanges[normalise_url(url)] = Exchange(
            url, 200, {"content-type": "application/json"}, json.dumps(model).encode()
        )
        card = f"{HF}/{model['id']}/resolve/main/README.md"
        exchanges[normalise_url(card)] = Exchange(
            card, 200, {"content-type": "text/plain"}, f"# {model['id']}\n".encode()
        )
    capture_server.store = CaptureStore(exchanges)
    capture_server.listing = HUB_MODELS
    registry = tmp_path / "registry.yaml"
    registry.write_text("projects:\n- id: solo\n  name: Solo\n  org: Other\n  hf: other/Solo-1B\n")
    return registry


def board(tmp_path: Path, *extra: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["leaderboard", "--db", str(tmp_path / "i.duckdb"), "--format", "csv", *extra])
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_top_n_board_shows_originals_and_members_list_the_copies(hub: Path, tmp_path: Path) -> None:
    arguments = ["refresh", "--registry", str(hub), "--db", str(tmp_path / "i.duckdb")]
    result = runner.invoke(app, [*arguments, "--snapshots", str(tmp_path / "s"), "--discover", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert {row["project"] for row in board(tmp_path)} == {"acme--Base-7B", "solo", "q1--Ghost-3B-GGUF"}
    members = {row["project"]: (row["relation"], row["base"], row["original"]) for row in board(tmp_path, "--members")}
    assert members == {
        "acme--Base-7B-Instruct": ("finetune", "acme/Base-7B", "acme/Base-7B"),
        "quant--Base-7B-Instruct-GGUF": ("quantized", "acme/Base-7B-Instruct", "acme/Base-7B"),
        "lora--base-helper": ("adapter", "acme/Base-7B", "acme/Base-7B"),
        "merger--Base-Mix": ("merge", "acme/Base-7B-Instruct", "acme/Base-7B"),
        "copy--Base-7B": ("reupload", "acme/Base-7B", "acme/Base-7B"),
        "q2--Ghost-3B-AWQ": ("quantized", "gone/Ghost-3B", "gone/Ghost-3B"),
    }
    query = "SELECT original, original_project, members FROM latest_families ORDER BY original"
    result = runner.invoke(app, ["query", query, "--db", str(tmp_path / "i.duckdb"), "--format", "csv"])
    assert result.stdout.splitlines()[1:] == ["acme/Base-7B,acme--Base-7B,5", "gone/Ghost-3B,,2"]
