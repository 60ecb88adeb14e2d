"""Agreement between the index's grades and expert grades (the `labels.csv` format).

Reads expert labels, pairs them with the latest run's grades, and computes per-criterion
agreement, the confusion of grades, exact and within-one-step agreement, quadratic
weighted kappa, the Spearman correlation of total scores, the majority-guess baseline
(each criterion's most common expert grade), and per rule branch how often it fired and
agreed. Several label sets are reported one by one and pooled. Pure functions over the
paired cells; no database or file access below `load_labels`.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from index.rubric.grades import CRITERIA, POINTS

GRADES = ("closed", "partial", "open")
ORDINAL = {g: i for i, g in enumerate(GRADES)}


class LabelsError(ValueError):
    """A labels file that cannot be used; names the file and line."""


@dataclass(frozen=True)
class Label:
    grade: str
    link: str
    note: str


@dataclass(frozen=True)
class Cell:
    project: str
    criterion: str
    expert: str
    ours: str
    expert_link: str = ""
    expert_note: str = ""
    our_reason: str = ""
    our_evidence: tuple[str, ...] = ()
    our_rule: str = ""


@dataclass(frozen=True)
class Agreement:
    cells: int
    exact: float
    within_one: float
    kappa: float
    spearman: float
    per_criterion: dict[str, float]
    confusion: dict[tuple[str, str], int]  # (expert, ours) -> count
    missing_projects: tuple[str, ...]
    majority_guess: float  # exact agreement of answering each criterion's most common expert grade


@dataclass(frozen=True)
class RuleRecord:
    """How one rule branch fared: the cells where it decided, and the experts' grades there."""

    rule: str
    fired: int
    agreed: int
    expert_grades: dict[str, int]

    @property
    def precision(self) -> float:
        return self.agreed / self.fired


def load_labels(path: Path) -> dict[str, dict[str, Label]]:
    """project -> criterion -> Label, from a labels.csv file."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise LabelsError(f"{path}: cannot read labels ({error.strerror})") from error
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("project", *CRITERIA) if c not in (reader.fieldnames or [])]
        if missing:
            raise LabelsError(f"{path}:1: labels file lacks columns {', '.join(missing)}")
        labels: dict[str, dict[str, Label]] = {}
        for row in reader:
            line = reader.line_num
            labels[row["project"]] = {c: _label(row, c, path, line) for c in CRITERIA}
    return labels


def _label(row: dict[str, str], criterion: str, path: Path, line: int) -> Label:
    grade = (row.get(criterion) or "").strip().lower()
    if grade not in POINTS:
        raise LabelsError(f"{path}:{line}: {criterion} grade {grade!r} is not open, partial or closed")
    return Label(grade, row.get(f"{criterion}_link") or "", row.get(f"{criterion}_notes") or "")


def agreement(cells: list[Cell], missing_projects: tuple[str, ...] = ()) -> Agreement:
    if not cells:
        raise LabelsError("no project is both labelled and graded in the latest run")
    confusion = Counter((c.expert, c.ours) for c in cells)
    distance = [abs(ORDINAL[c.expert] - ORDINAL[c.ours]) for c in cells]
    per_criterion = {}
    for criterion in CRITERIA:
        of_criterion = [c for c in cells if c.criterion == criterion]
        if of_criterion:
            per_criterion[criterion] = sum(c.expert == c.ours for c in of_criterion) / len(of_criterion)
    return Agreement(
        cells=len(cells),
        exact=distance.count(0) / len(cells),
        within_one=sum(d <= 1 for d in distance) / len(cells),
        kappa=quadratic_weighted_kappa([ORDINAL[c.expert] for c in cells], [ORDINAL[c.ours] for c in cells]),
        spearman=spearman(*_totals(cells)),
        per_criterion=per_criterion,
        confusion=dict(confusion),
        missing_projects=missing_projects,
        majority_guess=majority_guess(cells),
    )


def majority_guess(cells: list[Cell]) -> float:
    """Exact agreement of a grader that answers, per criterion, the experts' most common
    grade: the baseline a rubric has to beat to be worth reading."""
    by_criterion: dict[str, Counter[str]] = {}
    for c in cells:
        by_criterion.setdefault(c.criterion, Counter())[c.expert] += 1
    hits = sum(max(counts[g] for g in GRADES) for counts in by_criterion.values())
    return hits / len(cells)


def rule_records(cells: list[Cell]) -> list[RuleRecord]:
    """Per rule branch: fired, agreed with the experts, and what the experts said there;
    in criterion order, the least precise branch first."""
    by_rule: dict[str, list[Cell]] = {}
    for c in cells:
        by_rule.setdefault(c.our_rule or f"{c.criterion}.?", []).append(c)
    records = [
        RuleRecord(rule, len(fired), sum(c.expert == c.ours for c in fired), dict(Counter(c.expert for c in fired)))
        for rule, fired in by_rule.items()
    ]

    def order(record: RuleRecord) -> tuple[int, float, str]:
        criterion = record.rule.split(".", 1)[0]
        return (CRITERIA.index(criterion) if criterion in CRITERIA else len(CRITERIA), record.precision, record.rule)

    return sorted(records, key=order)


def rules_report(cells: list[Cell]) -> str:
    """The per-rule table: a branch right 1 time in 5 stands out."""
    lines = [f"  {'rule':<44} {'fired':>5} {'agreed':>6}  experts said"]
    for r in rule_records(cells):
        said = ", ".join(f"{g} {r.expert_grades[g]}" for g in GRADES if g in r.expert_grades)
        lines.append(f"  {r.rule:<44} {r.fired:>5} {r.agreed:>4} {r.precision:>4.0%}  {said}")
    return "\n".join(lines) + "\n"


def _totals(cells: list[Cell]) -> tuple[list[float], list[float]]:
    expert: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    for c in cells:
        expert[c.project] += POINTS[c.expert]
        ours[c.project] += POINTS[c.ours]
    projects = sorted(expert)
    return [expert[p] for p in projects], [ours[p] for p in projects]


def quadratic_weighted_kappa(a: list[int], b: list[int], levels: int = 3) -> float:
    """Cohen's kappa with quadratic weights; 1 is perfect agreement, 0 chance."""
    n = len(a)
    observed = Counter(zip(a, b, strict=True))
    count_a, count_b = Counter(a), Counter(b)
    numerator = denominator = 0.0
    for i in range(levels):
        for j in range(levels):
            weight = (i - j) ** 2 / (levels - 1) ** 2
            numerator += weight * observed[(i, j)] / n
            denominator += weight * count_a[i] * count_b[j] / n**2
    return 1.0 - numerator / denominator if denominator else 1.0


def _ranks(values: list[float]) -> list[float]:
    """Ranks with ties given their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho: the Pearson correlation of the ranks."""
    rx, ry = _ranks(x), _ranks(y)
    n = len(rx)
    mean_x, mean_y = sum(rx) / n, sum(ry) / n
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mean_x) ** 2 for a in rx)
    var_y = sum((b - mean_y) ** 2 for b in ry)
    return cov / (var_x * var_y) ** 0.5 if var_x and var_y else 0.0


def report(result: Agreement) -> str:
    lines = [
        f"cells compared: {result.cells}",
        f"exact agreement: {result.exact:.1%}",
        f"majority guess: {result.majority_guess:.1%}",
        f"within one step: {result.within_one:.1%}",
        f"quadratic-weighted kappa: {result.kappa:.3f}",
        f"Spearman of totals: {result.spearman:.3f}",
        "",
        "per criterion:",
        *(f"  {c:<13} {share:.0%}" for c, share in result.per_criterion.items()),
        "",
        "confusion (rows: experts, columns: index):",
        "  " + " " * 9 + "".join(f"{g:>9}" for g in GRADES),
        *(f"  {e:<9}" + "".join(f"{result.confusion.get((e, o), 0):>9}" for o in GRADES) for e in GRADES),
    ]
    if result.missing_projects:
        lines += ["", f"labelled but not in the run: {', '.join(result.missing_projects)}"]
    return "\n".join(lines) + "\n"


def detail(cells: list[Cell]) -> str:
    """Every disagreement with both sides' evidence."""
    lines = []
    for c in sorted(cells, key=lambda c: (c.project, CRITERIA.index(c.criterion))):
        if c.expert == c.ours:
            continue
        lines.append(f"{c.project} {c.criterion}: experts {c.expert}, index {c.ours}")
        lines.append(f"  experts: {c.expert_note or '(no note)'} {c.expert_link}".rstrip())
        lines.append(f"  index:   {c.our_reason} {' '.join(c.our_evidence)}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def label_set_name(path: Path) -> str:
    """A set is named after its folder when the file is the usual labels.csv, else after the file."""
    return path.parent.name if path.stem == "labels" and path.parent.name else path.stem


def calibration_report(
    sets: list[tuple[str, list[Cell], tuple[str, ...]]], show_detail: bool = False, show_rules: bool = False
) -> str:
    """The report for one label set, or for each of several and then all of them pooled."""

    def section(cells: list[Cell], missing: tuple[str, ...]) -> str:
        text = report(agreement(cells, missing))
        if show_rules:
            text += "\nper rule branch:\n" + rules_report(cells)
        if show_detail:
            text += "\ndisagreements:\n" + detail(cells)
        return text

    if len(sets) == 1:
        _, cells, missing = sets[0]
        return section(cells, missing)
    parts = []
    for name, cells, missing in sets:
        parts.append(f"== {name}: {len({c.project for c in cells})} systems ==\n" + section(cells, missing))
    # Projects are told apart by set when pooled: two sets may grade a project of the same id.
    pooled = [replace(c, project=f"{name}/{c.project}") for name, cells, _ in sets for c in cells]
    missing = tuple(f"{name}/{p}" for name, _, absent in sets for p in absent)
    parts.append(f"== all sets: {len({c.project for c in pooled})} systems ==\n" + section(pooled, missing))
    return "\n".join(parts)
