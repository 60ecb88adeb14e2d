"""Open-washing flags: where what a release says of its openness outruns its evidence.

Each flag is a pure function of a system's evidence (and its grades), with the URLs it
rests on and a one-line reason:
- `licence_more_permissive_than_base`: a derived model declares an OSI-approved licence
  while the base it was built from carries only a restrictive one, which still applies.
- `open_source_claim`: the card or README calls the model open source while its licence
  grade is not open (RUBRIC.md's licence convention) or its openness score is below half of
  the 14 points.
- `gated_while_claiming_open`: the weights sit behind an access gate while the card
  claims openness.
- `datasets_named_not_available`: datasets the card names do not exist on the Hub, or are
  gated. A dataset that could not be read is unknown and never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.evidence.licenses import License
from index.evidence.project import ProjectEvidence
from index.rubric.grades import Grade
from index.rubric.helpers import base_models, is_open_license, own_repos

FLAG_KINDS = (
    "licence_more_permissive_than_base",
    "open_source_claim",
    "gated_while_claiming_open",
    "datasets_named_not_available",
)
LOW_SCORE = 7.0  # half of the 14 points: "open" said of a system that is mostly closed
_OPEN_SOURCE = r"(?:fully[- ]|truly[- ]|completely[- ]|100% )?(?:open[- ]?sourc(?:e|ed|ing)|open[- ]weights?|open)"
_OPEN_MODEL = r"(?:models?|llms?|weights|checkpoints?|release)"
# The makers saying it of their own model: "X is a fully open source model", "we open-source
# the weights", "our open-source model", "the models will be open-sourced".
SELF_CLAIMS = re.compile(
    r"\b(?:is|are|will be|was|were|being|remains?)\s+(?:a\s+|an\s+|now\s+)?(?:fully[- ]|truly[- ]|completely[- ])?"
    r"(?:open[- ]?sourced?|open[- ]weights?|fully[- ]open)\b"
    r"|\bwe\s+(?:have\s+|are\s+|proudly\s+)?(?:\w+\s+){0,2}?open[- ]?sourc(?:e|ed|ing)\b"
    rf"|\b(?:our|this|these)\s+(?:\w+\s+){{0,2}}?{_OPEN_SOURCE}[- ](?:source\s+)?{_OPEN_MODEL}\b"
    r"|\bfully[- ]open\b",
    re.I,
)
# Sentences that compare with other models ("outperforms open-source models") claim nothing.
COMPARISON = re.compile(
    r"\b(?:than|other|others|leading|best|existing|comparable|competitive|outperform\w*|sota|"
    r"state[- ]of[- ]the[- ]art|compared|among|alternatives?)\b",
    re.I,
)
# What the next few words make the claim about: this model, or something else ("the
# open-source community", "we open-source our inference stack").
MODEL_WORDS = re.compile(r"models?|llms?|weights|checkpoints?|release[sd]?|versions?", re.I)
OTHER_SUBJECT = re.compile(
    r"community|communities|librar(?:y|ies)|tools?|toolkits?|projects?|software|frameworks?|ecosystem|"
    r"datasets?|data|implementations?|contributors?|developers?|initiative|definition|licen[cs]es?|"
    r"inference|stacks?|code|research",
    re.I,
)
NEGATION = re.compile(r"\b(?:not|never|no|non|isn't|aren't|without)\W+(?:\w+\W+)?$", re.I)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class Flag:
    kind: str
    reason: str
    evidence: tuple[str, ...]


def openness_flags(ev: ProjectEvidence, grades: Sequence[Grade]) -> list[Flag]:
    """Every flag that applies to one system, in FLAG_KINDS order."""
    score = sum(g.points for g in grades)
    found = [
        _licence_more_permissive_than_base(ev),
        _open_source_claim(ev, grades, score),
        _gated_while_claiming_open(ev),
        _datasets_named_not_available(ev),
    ]
    return [flag for flag in found if flag is not None]


def openness_claim(text: str) -> str | None:
    """The first sentence in which the text calls its model open (open source, open
    weights, fully open), not negated and not about a community or a library."""
    for sentence in SENTENCE.findall(text):
        if COMPARISON.search(sentence):
            continue
        for match in SELF_CLAIMS.finditer(sentence):
            if NEGATION.search(sentence[: match.start()]) or _about_something_else(sentence[match.end() :]):
                continue
            return " ".join(sentence.split())[:200]
    return None


def _about_something_else(following: str) -> bool:
    for word in re.findall(r"[\w-]+", following)[:4]:
        if MODEL_WORDS.fullmatch(word):
            return False
        if OTHER_SUBJECT.fullmatch(word):
            return True
    return False


def _licence_names(licences: Sequence[License]) -> str:
    return ", ".join(lic.spdx or lic.raw for lic in licences)


def _licence_more_permissive_than_base(ev: ProjectEvidence) -> Flag | None:
    released = ev.released
    if released is None or not any(is_open_license(lic) for lic in released.licenses):
        return None
    for base in base_models(ev):
        if base is released or not base.found or not base.licenses:
            continue
        if not any(is_open_license(lic) for lic in base.licenses):
            return Flag(
                "licence_more_permissive_than_base",
                f"declares {_licence_names(released.licenses)} while its base {base.repo_id} is under "
                f"{_licence_names(base.licenses)}, whose terms still apply",
                (released.page_url, base.page_url),
            )
    return None


def _claim_and_where(ev: ProjectEvidence) -> tuple[str, str] | None:
    released = ev.released
    if released is not None and released.card is not None:
        claim = openness_claim(released.card.body)
        if claim:
            return claim, released.page_url
    for repo in own_repos(ev):
        claim = openness_claim(repo.readme.text)
        if claim:
            return claim, repo.page_url
    return None


def _open_source_claim(ev: ProjectEvidence, grades: Sequence[Grade], score: float) -> Flag | None:
    claimed = _claim_and_where(ev)
    if claimed is None:
        return None
    claim, where = claimed
    licence = next(g for g in grades if g.criterion == "license")
    problems = []
    if licence.grade != "open":
        problems.append(f"its licence is not OSI-approved throughout (license {licence.grade}: {licence.reason})")
    if score < LOW_SCORE:
        problems.append(f"it scores {score:g} of 14")
    if not problems:
        return None
    return Flag("open_source_claim", f"says '{claim}' but {' and '.join(problems)}", (where,))


def _gated_while_claiming_open(ev: ProjectEvidence) -> Flag | None:
    released = ev.released
    if released is None or not released.gated or released.card is None:
        return None
    claim = openness_claim(released.card.body)
    if claim is None:
        return None
    return Flag(
        "gated_while_claiming_open",
        f"weights are gated ({released.gated} approval) while the card says '{claim}'",
        (released.page_url,),
    )


def _datasets_named_not_available(ev: ProjectEvidence) -> Flag | None:
    missing = [d for d in ev.datasets if not d.found and not d.fetch_failed]
    gated = [d for d in ev.datasets if d.found and d.gated]
    if not missing and not gated:
        return None
    parts = []
    if missing:
        parts.append(f"not on the Hub: {', '.join(d.repo_id for d in missing)}")
    if gated:
        parts.append(f"gated: {', '.join(d.repo_id for d in gated)}")
    unavailable = len(missing) + len(gated)
    return Flag(
        "datasets_named_not_available",
        f"{unavailable} of {len(ev.datasets)} named datasets are not openly available ({'; '.join(parts)})",
        tuple(d.page_url for d in missing + gated),
    )
