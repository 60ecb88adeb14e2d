"""Calibration regression: agreement with the experts' grades on both calibration sets of
../shared/data (the 2023 study's 22 systems and the successor index's 18 systems of
2023-26) must not drop below what the rubric reaches now. Raise the pins when the rubric
improves; a change is kept only when it holds on both sets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import CALIBRATION, CALIBRATION_2025

# Measured with `openness calibrate` on the replayed captures of each set.
PINNED = {
    "calibration": {
        "cells compared": 308,
        "exact agreement": 0.766,
        "quadratic-weighted kappa": 0.659,
        # Lowered from 0.826: BELLE's preprint and architecture are now open, as the experts
        # have them, and its total passes systems it ties with in the experts' ranking.
        "Spearman of totals": 0.825,
        "lowest criterion": 0.64,
    },
    "calibration-2025": {
        "cells compared": 252,
        "exact agreement": 0.762,
        # Lowered from 0.716 and 0.541: Llama-Nemotron's opencode was open only because its
        # evaluation harness counted as training code (RUBRIC.md says it does not); the
        # experts' repos (NeMo, NeMo-Aligner, Megatron-LM) are not in the captures.
        "quadratic-weighted kappa": 0.715,
        "Spearman of totals": 0.524,
        "lowest criterion": 0.28,
    },
}


@pytest.fixture(scope="module")
def reports(calibrated_index: Path, calibrated_index_2025: Path) -> dict[str, str]:
    result = CliRunner().invoke(
        app,
        [
            "calibrate",
            *["--labels", str(CALIBRATION / "labels.csv"), "--labels", str(CALIBRATION_2025 / "labels.csv")],
            *["--db", str(calibrated_index), "--db", str(calibrated_index_2025)],
        ],
    )
    assert result.exit_code == 0, result.stderr
    sections = re.split(r"^== (.+?): \d+ systems ==$", result.stdout, flags=re.M)
    return dict(zip(sections[1::2], sections[2::2], strict=True))


def metric(report: str, name: str) -> float:
    if name == "lowest criterion":
        return min(int(s) for s in re.findall(r"^  \w+ +(\d+)%$", report, re.M)) / 100
    match = re.search(rf"^{re.escape(name)}: ([0-9.]+)(%?)$", report, re.M)
    assert match, f"{name!r} missing from the report:\n{report}"
    value = float(match.group(1))
    return round(value / 100, 6) if match.group(2) else value


@pytest.mark.parametrize(("calibration_set", "name"), [(s, n) for s, pins in PINNED.items() for n in pins])
def test_agreement_does_not_regress(reports: dict[str, str], calibration_set: str, name: str) -> None:
    measured = metric(reports[calibration_set], name)
    if name == "cells compared":
        assert measured == PINNED[calibration_set][name]
    else:
        assert measured >= PINNED[calibration_set][name]


@pytest.mark.parametrize("calibration_set", ["calibration", "calibration-2025"])
def test_exact_agreement_beats_the_majority_guess(reports: dict[str, str], calibration_set: str) -> None:
    report = reports[calibration_set]
    assert metric(report, "exact agreement") > metric(report, "majority guess")
