"""Plain data handed from the crawler to evidence extraction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

# Statuses by which a service says a resource does not exist or may not be seen.
ABSENT_STATUSES = frozenset({401, 403, 404, 410, 451})


@dataclass(frozen=True, slots=True)
class Fetched:
    """One resource as the crawler saw it. `kind` says what it is (hf_model, hf_card,
    hf_dataset, hf_dataset_card, github_repo, github_readme, github_tree, pypi, arxiv),
    so extraction never guesses from the URL.

    `status` is the HTTP status when the service answered (200, 404, ...), None when the
    content is unknown (not captured, timeout, unusable body); `error` then says why.
    `data` is the parsed payload of a 200: a dict for JSON, a str for text.
    `final_url` is where redirects led (a renamed repo), when that is not `url`."""

    url: str
    kind: str
    target: str
    status: int | None
    data: Any = None
    error: str | None = None
    final_url: str | None = None

    @property
    def ok(self) -> bool:
        """Fetched and usable (the fetchers record an unusable 200 with status None)."""
        return self.status == 200 and self.error is None

    @property
    def absent(self) -> bool:
        """The service said it does not exist (or may not be seen)."""
        return self.status in ABSENT_STATUSES

    @property
    def unknown(self) -> bool:
        return not self.ok and not self.absent


@dataclass
class ProjectCrawl:
    """Everything fetched for one project, keyed by role.

    Roles: "model" (the released model), "base" (its base models), "dataset",
    "github", "arxiv", "pypi", "linked_model" (Hub models linked from a README)."""

    project_id: str
    resources: list[tuple[str, Fetched]] = field(default_factory=list)

    def add(self, role: str, fetched: Fetched) -> None:
        self.resources.append((role, fetched))

    def of(self, role: str, kind: str | None = None) -> list[Fetched]:
        return [f for r, f in self.resources if r == role and (kind is None or f.kind == kind)]

    def drop_payloads(self) -> None:
        """Forget the parsed bodies once graded, keeping what each fetch came to: a
        nightly run of thousands of projects need not hold every tree and card."""
        self.resources = [(role, replace(fetched, data=None)) for role, fetched in self.resources]

    def keep_only(self, needed: Callable[[str, Fetched], bool]) -> None:
        """Forget the fetches `needed` does not want: a run of 100,000 projects keeps of
        each only what the run's end looks at (see index/staleness.py needed_at_end)."""
        self.resources = [(role, fetched) for role, fetched in self.resources if needed(role, fetched)]
