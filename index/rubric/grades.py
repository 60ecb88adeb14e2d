"""The grade record and the fixed criterion list (RUBRIC.md)."""

from __future__ import annotations

from dataclasses import dataclass

RUBRIC_VERSION = "2026.12-6"

# Fixed ids, in leaderboard column order.
CRITERIA = (
    "opencode",
    "llmdata",
    "llmweights",
    "rldata",
    "rlweights",
    "license",
    "code",
    "architecture",
    "preprint",
    "paper",
    "modelcard",
    "datasheet",
    "package",
    "api",
)
POINTS = {"open": 1.0, "partial": 0.5, "closed": 0.0}


@dataclass(frozen=True)
class Grade:
    """One criterion's grade with what it rests on. `evidence` holds URLs; it may be
    empty only for `closed` ("nothing found"), and the reason then says what was sought."""

    criterion: str
    grade: str
    reason: str
    evidence: tuple[str, ...]
    rule: str

    def __post_init__(self) -> None:
        if self.criterion not in CRITERIA:
            raise ValueError(f"unknown criterion {self.criterion!r}")
        if self.grade not in POINTS:
            raise ValueError(f"unknown grade {self.grade!r}")
        if self.grade != "closed" and not self.evidence:
            raise ValueError(f"{self.criterion}: a {self.grade} grade needs evidence ({self.rule})")

    @property
    def points(self) -> float:
        return POINTS[self.grade]
