"""Agreement metrics against hand calculations, labels-file errors, and `openness
calibrate` end to end on a replayed calibration run."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.calibrate import (
    Cell,
    LabelsError,
    agreement,
    detail,
    load_labels,
    majority_guess,
    quadratic_weighted_kappa,
    report,
    rule_records,
    rules_report,
    spearman,
)
from index.rubric.grades import CRITERIA
from tests.conftest import CALIBRATION

CLOSED, PARTIAL, OPEN = 0, 1, 2

runner = CliRunner()


# --- quadratic weighted kappa -----------------------------------------------------------


def test_kappa_is_one_for_perfect_agreement() -> None:
    grades = [CLOSED, PARTIAL, OPEN, PARTIAL, CLOSED]
    assert quadratic_weighted_kappa(grades, grades) == pytest.approx(1.0)


def test_kappa_on_a_small_matrix_computed_by_hand() -> None:
    # Pairs (0,0) (0,1) (1,1) (2,2); weights w = (i-j)^2 / 4.
    # Observed: only (0,1) disagrees, w = 1/4, so sum w*O/n = (1/4)(1/4) = 1/16.
    # Marginals: a = {0: 2, 1: 1, 2: 1}, b = {0: 1, 1: 2, 2: 1}; expected E_ij = a_i b_j / 16.
    # sum w*E = [ (0,1) 4*1/4 + (0,2) 2*1 + (1,0) 1*1/4 + (1,2) 1*1/4 + (2,0) 1*1 + (2,1) 2*1/4 ] / 16
    #         = (1 + 2 + 0.25 + 0.25 + 1 + 0.5) / 16 = 5/16.
    # kappa = 1 - (1/16) / (5/16) = 0.8.
    assert quadratic_weighted_kappa([0, 0, 1, 2], [0, 1, 1, 2]) == pytest.approx(0.8)


def test_kappa_is_negative_for_systematic_disagreement() -> None:
    # Every pair is two steps apart (w = 1): observed 1; expected (2*2 + 2*2) / 16 = 1/2.
    assert quadratic_weighted_kappa([0, 2, 0, 2], [2, 0, 2, 0]) == pytest.approx(-1.0)
    # Reversed grades: observed (1 + 1) / 3; expected (4 * 1/4 + 2 * 1) / 9 = 1/3; kappa = 1 - 2.
    assert quadratic_weighted_kappa([0, 1, 2], [2, 1, 0]) == pytest.approx(-1.0)
    assert quadratic_weighted_kappa([0, 0, 1, 2, 2], [1, 2, 2, 0, 1]) < 0


def test_kappa_is_zero_when_one_rater_gives_one_grade_to_all() -> None:
    # a always 1: observed w = (1/4 + 0 + 1/4) / 3 = 1/6; expected 3*(1/4 + 1/4) / 9 = 1/6.
    assert quadratic_weighted_kappa([1, 1, 1], [0, 1, 2]) == pytest.approx(0.0)


def test_kappa_is_symmetric_in_the_raters() -> None:
    a, b = [0, 0, 1, 2, 2, 1], [0, 1, 1, 2, 0, 2]
    assert quadratic_weighted_kappa(a, b) == pytest.approx(quadratic_weighted_kappa(b, a))


# --- Spearman ---------------------------------------------------------------------------


def test_spearman_with_ties_is_the_pearson_correlation_of_average_ranks() -> None:
    # x ranks: 1, 2.5, 2.5, 4 (the tied 2s share ranks 2 and 3); y ranks: 1, 3, 2, 4.
    # Deviations from the mean rank 2.5: x (-1.5, 0, 0, 1.5), y (-1.5, 0.5, -0.5, 1.5).
    # cov = 2.25 + 2.25 = 4.5; var_x = 4.5; var_y = 5; rho = 4.5 / sqrt(22.5) = sqrt(0.9).
    # (The tie-free shortcut 1 - 6*sum(d^2)/(n(n^2-1)) would give 0.95 instead.)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(math.sqrt(0.9))


def test_spearman_extremes() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([0.5, 3.0, 7.5], [1.0, 1.0, 1.0]) == 0.0  # no variation: no correlation


# --- agreement over cells ---------------------------------------------------------------

CELLS = [
    Cell("alpha", "opencode", "open", "open"),
    Cell("alpha", "llmdata", "partial", "closed"),
    Cell(
        "alpha",
        "license",
        "closed",
        "open",
        "https://example.org/terms",
        "custom terms",
        "MIT on GitHub",
        ("https://github.com/alpha/alpha",),
    ),
    Cell("beta", "opencode", "closed", "closed"),
    Cell("beta", "llmdata", "open", "partial"),
    Cell("gamma", "opencode", "partial", "open"),
]


def test_agreement_on_a_tiny_set_of_cells() -> None:
    result = agreement(CELLS, ("delta",))
    assert result.cells == 6
    # Steps apart: 0, 1, 2, 0, 1, 1.
    assert result.exact == pytest.approx(2 / 6)
    assert result.within_one == pytest.approx(5 / 6)
    assert result.per_criterion == {"opencode": pytest.approx(2 / 3), "llmdata": 0.0, "license": 0.0}
    assert result.confusion == {
        ("open", "open"): 1,
        ("partial", "closed"): 1,
        ("closed", "open"): 1,
        ("closed", "closed"): 1,
        ("open", "partial"): 1,
        ("partial", "open"): 1,
    }
    # Expert (2,1,0,0,2,1) against ours (2,0,2,0,1,2): observed sum w*O/n = (1/4 + 1 + 1/4 + 1/4) / 6 = 7/24;
    # marginals a = (2,2,2), b = (2,1,3) give expected sum w*E = 13.5 / 36 = 3/8; kappa = 1 - 7/9.
    assert result.kappa == pytest.approx(2 / 9)
    # Totals: experts alpha 1.5, beta 1, gamma 0.5; ours alpha 2, beta 0.5, gamma 1 -> ranks (3,2,1) v (3,1,2).
    assert result.spearman == pytest.approx(0.5)
    assert result.missing_projects == ("delta",)


def test_majority_guess_answers_each_criterion_its_most_common_expert_grade() -> None:
    # opencode: open, closed, partial (a three-way tie: one right whichever is guessed);
    # llmdata: partial, open (one right); license: closed (right). 3 of 6.
    assert majority_guess(CELLS) == pytest.approx(3 / 6)
    assert agreement(CELLS).majority_guess == pytest.approx(3 / 6)


def test_rule_records_count_where_each_branch_fired_and_agreed() -> None:
    cells = [
        Cell("alpha", "api", "open", "closed", our_rule="api.none"),
        Cell("beta", "api", "closed", "closed", our_rule="api.none"),
        Cell("gamma", "api", "partial", "closed", our_rule="api.none"),
        Cell("alpha", "opencode", "open", "open", our_rule="opencode.training_code_public"),
    ]
    records = {r.rule: r for r in rule_records(cells)}
    assert (records["api.none"].fired, records["api.none"].agreed) == (3, 1)
    assert records["api.none"].expert_grades == {"open": 1, "closed": 1, "partial": 1}
    # Criterion order first (opencode before api), as in the leaderboard.
    assert [r.rule for r in rule_records(cells)] == ["opencode.training_code_public", "api.none"]
    table = rules_report(cells)
    assert "api.none" in table and "33%" in table and "closed 1, partial 1, open 1" in table


def test_agreement_needs_cells() -> None:
    with pytest.raises(LabelsError):
        agreement([])


def test_report_prints_every_metric_and_the_confusion() -> None:
    text = report(agreement(CELLS, ("delta",)))
    assert "cells compared: 6" in text
    assert "exact agreement: 33.3%" in text
    assert "within one step: 83.3%" in text
    assert "quadratic-weighted kappa: 0.222" in text
    assert "Spearman of totals: 0.500" in text
    assert "labelled but not in the run: delta" in text
    rows = {
        line.split()[0]: line.split()[1:]
        for line in text.splitlines()
        if line.startswith("  ") and line.split()[0] in ("closed", "partial", "open") and len(line.split()) == 4
    }
    assert rows == {"closed": ["1", "0", "1"], "partial": ["1", "0", "1"], "open": ["0", "1", "1"]}


def test_detail_lists_only_disagreements_with_both_sides() -> None:
    text = detail(CELLS)
    headlines = [line for line in text.splitlines() if not line.startswith("  ")]
    assert headlines == [
        "alpha llmdata: experts partial, index closed",
        "alpha license: experts closed, index open",
        "beta llmdata: experts open, index partial",
        "gamma opencode: experts partial, index open",
    ]
    assert "custom terms https://example.org/terms" in text
    assert "MIT on GitHub https://github.com/alpha/alpha" in text
    assert detail([Cell("alpha", "api", "open", "open")]) == ""


# --- labels files -----------------------------------------------------------------------


def label_row(project: str, grades: dict[str, str], default: str = "closed") -> dict[str, str]:
    return {"project": project, **{c: grades.get(c, default) for c in CRITERIA}}


def write_labels(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or ["project", *(f for c in CRITERIA for f in (c, f"{c}_link", f"{c}_notes"))]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_load_labels_reads_grades_links_and_notes(tmp_path: Path) -> None:
    row = label_row("alpha", {"opencode": " Open ", "api": "partial"})
    row |= {"opencode_link": "https://github.com/alpha/alpha", "opencode_notes": "training code public"}
    labels = load_labels(write_labels(tmp_path / "labels.csv", [row, label_row("beta", {})]))
    assert sorted(labels) == ["alpha", "beta"]
    assert list(labels["alpha"]) == list(CRITERIA)
    opencode = labels["alpha"]["opencode"]
    assert (opencode.grade, opencode.link, opencode.note) == (
        "open",
        "https://github.com/alpha/alpha",
        "training code public",
    )
    assert labels["alpha"]["api"].grade == "partial"
    assert {label.grade for label in labels["beta"].values()} == {"closed"}


def test_a_bad_grade_names_the_file_line_and_criterion(tmp_path: Path) -> None:
    path = write_labels(tmp_path / "labels.csv", [label_row("alpha", {}), label_row("beta", {"paper": "opne"})])
    with pytest.raises(LabelsError) as raised:
        load_labels(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:3:")
    assert "paper" in message and "'opne'" in message


def test_an_empty_grade_is_an_error(tmp_path: Path) -> None:
    path = write_labels(tmp_path / "labels.csv", [label_row("alpha", {"api": ""})])
    with pytest.raises(LabelsError, match=r":2: api grade ''"):
        load_labels(path)


def test_missing_columns_are_named_with_the_file(tmp_path: Path) -> None:
    columns = ["project", *(c for c in CRITERIA if c not in ("paper", "api"))]
    path = write_labels(tmp_path / "labels.csv", [label_row("alpha", {})], columns)
    with pytest.raises(LabelsError) as raised:
        load_labels(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:1:")
    assert "paper" in message and "api" in message and "opencode" not in message


def test_an_unreadable_labels_file_is_a_labels_error(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match=r"missing\.csv"):
        load_labels(tmp_path / "missing.csv")


# --- `openness calibrate` ---------------------------------------------------------------


@pytest.fixture(scope="session")
def calibration_db(calibrated_index: Path) -> Path:
    return calibrated_index


def our_grades(db: Path, project: str) -> dict[str, str]:
    result = runner.invoke(app, ["show", project, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return {row["criterion"]: row["grade"] for row in json.loads(result.stdout)["grades"]}


def other_grade(grade: str) -> str:
    return "closed" if grade != "closed" else "open"


def first_project_ids(count: int) -> list[str]:
    """Registry ids, read without depending on the registry module's API."""
    ids = [
        line.split(":", 1)[1].strip()
        for line in (CALIBRATION / "registry.yaml").read_text().splitlines()
        if line.startswith("- id:")
    ]
    return ids[:count]


@pytest.fixture(scope="module")
def labels_file(calibration_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, str]:
    """Labels for two graded projects agreeing with the index on every cell but one, and
    one project that is not in the run."""
    disputed, agreed = first_project_ids(2)
    disputed_grades = our_grades(calibration_db, disputed)
    flipped = dict(disputed_grades, license=other_grade(disputed_grades["license"]))
    rows = [
        label_row(disputed, flipped) | {"license_notes": "experts read the terms"},
        label_row(agreed, our_grades(calibration_db, agreed)),
        label_row("not-in-the-run", {}),
    ]
    path = write_labels(tmp_path_factory.mktemp("labels") / "labels.csv", rows)
    return path, disputed, flipped["license"], disputed_grades["license"]


def test_calibrate_prints_the_metrics(calibration_db: Path, labels_file: tuple[Path, str, str, str]) -> None:
    path, _, _, _ = labels_file
    result = runner.invoke(app, ["calibrate", "--labels", str(path), "--db", str(calibration_db)])
    assert result.exit_code == 0, result.stderr
    cells = 2 * len(CRITERIA)
    assert f"cells compared: {cells}" in result.stdout
    assert f"exact agreement: {(cells - 1) / cells:.1%}" in result.stdout
    for metric in (
        "within one step:",
        "quadratic-weighted kappa:",
        "Spearman of totals:",
        "per criterion:",
        "confusion (rows: experts, columns: index):",
    ):
        assert metric in result.stdout
    assert "labelled but not in the run: not-in-the-run" in result.stdout
    assert "disagreements:" not in result.stdout


def test_calibrate_detail_lists_the_disagreement(calibration_db: Path, labels_file: tuple[Path, str, str, str]) -> None:
    path, disputed, expert, ours = labels_file
    result = runner.invoke(app, ["calibrate", "--labels", str(path), "--db", str(calibration_db), "--detail"])
    assert result.exit_code == 0, result.stderr
    listed = result.stdout.split("disagreements:\n", 1)[1]
    headlines = [line for line in listed.splitlines() if line and not line.startswith("  ")]
    assert headlines == [f"{disputed} license: experts {expert}, index {ours}"]
    assert "experts read the terms" in listed


def test_calibrate_rejects_a_bad_labels_file(calibration_db: Path, tmp_path: Path) -> None:
    path = write_labels(tmp_path / "bad.csv", [label_row("alpha", {"code": "maybe"})])
    result = runner.invoke(app, ["calibrate", "--labels", str(path), "--db", str(calibration_db)])
    assert result.exit_code == 2
    assert "bad.csv:2:" in result.stderr and "maybe" in result.stderr
    assert "Traceback" not in result.stderr


def test_calibrate_reports_each_set_then_all_pooled(
    calibration_db: Path, labels_file: tuple[Path, str, str, str], tmp_path: Path
) -> None:
    path, disputed, _, _ = labels_file
    second = tmp_path / "second-set" / "labels.csv"
    second.parent.mkdir()
    second.write_text(path.read_text())
    result = runner.invoke(
        app,
        ["calibrate", "--labels", str(path), "--labels", str(second), "--db", str(calibration_db), "--rules"],
    )
    assert result.exit_code == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert headers == [
        f"== {path.parent.name}: 2 systems ==",
        "== second-set: 2 systems ==",
        "== all sets: 4 systems ==",
    ]
    cells = 2 * len(CRITERIA)
    assert result.stdout.count(f"cells compared: {cells}\n") == 2
    assert f"cells compared: {2 * cells}" in result.stdout
    assert result.stdout.count("majority guess: ") == 3
    assert result.stdout.count("per rule branch:") == 3
    assert "license." in result.stdout.split("per rule branch:", 1)[1]


def test_calibrate_wants_one_db_or_one_per_labels_file(
    calibration_db: Path, labels_file: tuple[Path, str, str, str]
) -> None:
    path, _, _, _ = labels_file
    result = runner.invoke(app, ["calibrate", "--labels", str(path), *["--db", str(calibration_db)] * 3])
    assert result.exit_code == 2
    assert "one per --labels" in result.stderr
