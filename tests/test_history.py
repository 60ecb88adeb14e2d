"""History across runs: a grade that changes between two runs shows up with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app

runner = CliRunner()
MODEL = "example-org/Example-7B-Instruct"


def write_captures(directory: Path, license_id: str) -> Path:
    directory.mkdir(parents=True)
    info = {
        "id": MODEL,
        "tags": ["transformers", "safetensors", "text-generation", f"license:{license_id}"],
        "pipeline_tag": "text-generation",
        "cardData": {"license": license_id},
        "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
    }
    card = f"---\nlicense: {license_id}\n---\n# Example\n\nAn example model.\n"
    lines = [
        {"url": f"https://huggingface.co/api/models/{MODEL}", "status": 200, "json": info},
        {"url": f"https://huggingface.co/{MODEL}/resolve/main/README.md", "status": 200, "body": card},
    ]
    (directory / "example.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return directory


def test_history_lists_changed_grades(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text(f"projects:\n- id: example\n  name: Example\n  org: Example Org\n  hf: {MODEL}\n")
    db = str(tmp_path / "h.duckdb")
    for run, license_id in (("one", "other"), ("two", "apache-2.0")):
        captures = write_captures(tmp_path / run, license_id)
        result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", db])
        assert result.exit_code == 0, result.stderr

    result = runner.invoke(app, ["history", "example", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    changes = json.loads(result.stdout)
    license_change = next(c for c in changes if c["criterion"] == "license")
    assert (license_change["before"], license_change["now"]) == ("closed", "open")
    assert license_change["rule"] == "license.all_open"
    assert f"https://huggingface.co/{MODEL}" in license_change["evidence"]


def test_history_of_a_single_run_is_empty(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text(f"projects:\n- id: example\n  name: Example\n  org: Example Org\n  hf: {MODEL}\n")
    db = str(tmp_path / "h.duckdb")
    captures = write_captures(tmp_path / "one", "mit")
    assert (
        runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", db]).exit_code
        == 0
    )
    result = runner.invoke(app, ["history", "--db", db])
    assert result.exit_code == 0 and "no grade changed" in result.stdout
