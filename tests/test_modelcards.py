"""The 379 real Hub model cards of ../shared/data/modelcards through the whole pipeline:
nothing crashes, and the `modelcard` grade tracks the human quality label."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import MODELCARDS

POINTS = {"open": 1.0, "partial": 0.5, "closed": 0.0}


@pytest.fixture(scope="module")
def graded_cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, int]]]:
    """model id -> (modelcard grade, high_quality label), from one replayed refresh."""
    if not (MODELCARDS / "captures.jsonl.gz").is_file():
        pytest.skip("../shared/data/modelcards is not here")
    tmp = tmp_path_factory.mktemp("modelcards")
    labels = {r["model_id"]: int(r["high_quality"]) for r in csv.DictReader((MODELCARDS / "quality.csv").open())}
    registry = tmp / "registry.yaml"
    lines = ["projects:"]
    for number, model_id in enumerate(labels):
        lines += [f"- id: card-{number}", f"  name: {json.dumps(model_id)}", "  org: unknown", f"  hf: {model_id}"]
    registry.write_text("\n".join(lines) + "\n")
    db = tmp / "cards.duckdb"
    runner = CliRunner()
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(MODELCARDS), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    query = (
        "SELECT p.name, g.grade FROM latest_grades g JOIN projects p USING (run_id, project) "
        "WHERE g.criterion = 'modelcard'"
    )
    result = runner.invoke(app, ["query", query, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    yield {row["name"]: (row["grade"], labels[row["name"]]) for row in json.loads(result.stdout)}


def test_every_card_is_graded(graded_cards: dict[str, tuple[str, int]]) -> None:
    assert len(graded_cards) == 379
    assert {grade for grade, _ in graded_cards.values()} <= set(POINTS)


def test_open_cards_are_high_quality_cards(graded_cards: dict[str, tuple[str, int]]) -> None:
    open_labels = [label for grade, label in graded_cards.values() if grade == "open"]
    assert open_labels and all(label == 1 for label in open_labels)


def test_high_quality_cards_score_higher(graded_cards: dict[str, tuple[str, int]]) -> None:
    def mean_points(label: int) -> float:
        points = [POINTS[grade] for grade, lab in graded_cards.values() if lab == label]
        return sum(points) / len(points)

    assert mean_points(1) > mean_points(0) + 0.1
