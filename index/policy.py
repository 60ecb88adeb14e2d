"""EU AI Act indicators per system, for the policy analysts the index serves.

Two questions, answered from the evidence and the grades, never from a name:
- Does the system meet the conditions of the open-source exemption of Art. 53(2): a free
  and open-source licence, public weights, public information on the architecture and on
  usage, and no presumption of systemic risk?
- How much compute did its training take? Estimated as 6 x parameters x training tokens
  (the usual dense-transformer approximation), from figures the Hub metadata, the cards or
  the makers' papers state; unknown when a figure is not stated. Art. 51 presumes systemic
  risk above 10^25 FLOPs; estimates within 10x of that are flagged as near it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.evidence.figures import (
    StatedFigure,
    active_size_in_name,
    size_in_name,
    stated_active_parameters,
    stated_parameter_counts,
    stated_training_tokens,
)
from index.evidence.project import ProjectEvidence
from index.rubric.grades import Grade
from index.rubric.helpers import base_models, own_papers

SYSTEMIC_RISK_FLOPS = 1e25
NEAR_FACTOR = 10


@dataclass(frozen=True)
class Figure:
    """A stated figure with where it was read."""

    value: float
    source: str  # one line: what said it
    url: str


@dataclass(frozen=True)
class ComputeEstimate:
    parameters: Figure | None
    tokens: Figure | None

    @property
    def flops(self) -> float | None:
        if self.parameters is None or self.tokens is None:
            return None
        return 6 * self.parameters.value * self.tokens.value

    @property
    def systemic_risk(self) -> str:
        """`presumed` (above 10^25), `near` (within 10x), `not_presumed`, or `unknown`."""
        if self.flops is None:
            return "unknown"
        if self.flops >= SYSTEMIC_RISK_FLOPS:
            return "presumed"
        return "near" if self.flops * NEAR_FACTOR >= SYSTEMIC_RISK_FLOPS else "not_presumed"

    def describe(self) -> str:
        if self.flops is None:
            missing = [
                name
                for name, f in (("parameter count", self.parameters), ("training tokens", self.tokens))
                if f is None
            ]
            return f"training compute unknown: {' and '.join(missing)} not stated"
        assert self.parameters is not None and self.tokens is not None
        return (
            f"about {self.flops:.1e} FLOPs = 6 x {self.parameters.value:.3g} parameters ({self.parameters.source})"
            f" x {self.tokens.value:.3g} tokens ({self.tokens.source})"
        )


@dataclass(frozen=True)
class PolicyIndicators:
    exemption: str  # met | not_met
    exemption_reason: str
    compute: ComputeEstimate


def policy_indicators(ev: ProjectEvidence, grades: Sequence[Grade]) -> PolicyIndicators:
    """Both indicators for one system; a pure function of its evidence and grades."""
    compute = ComputeEstimate(parameter_count(ev), training_tokens(ev))
    by_criterion = {g.criterion: g for g in grades}
    unmet = [
        what
        for what, holds in (
            (
                f"licence is not free and open-source ({by_criterion['license'].reason})",
                by_criterion["license"].grade == "open",
            ),
            ("weights are not publicly downloadable", by_criterion["rlweights"].grade == "open"),
            ("no public information on the architecture", by_criterion["architecture"].grade != "closed"),
            ("no public usage information (model card)", by_criterion["modelcard"].grade != "closed"),
            ("training compute presumes systemic risk (Art. 51)", compute.systemic_risk != "presumed"),
        )
        if not holds
    ]
    if unmet:
        return PolicyIndicators("not_met", "; ".join(unmet), compute)
    below = "training compute not stated" if compute.flops is None else f"training compute {compute.flops:.1e} FLOPs"
    return PolicyIndicators(
        "met", f"OSI-approved licence, public weights, architecture and usage documented; {below}", compute
    )


def parameter_count(ev: ProjectEvidence) -> Figure | None:
    """The parameters the released model computes with: a mixture of experts' active
    ones when its card or name states them; else the Hub's safetensors count, else the
    count its card states (the one its name names, when the card lists several sizes),
    else its name's."""
    model = ev.released or next(iter(base_models(ev)), None)
    if model is None:
        return None
    card_text = model.card.body if model.card is not None else ""
    card_url = model.card_url or model.page_url
    active = active_parameters(ev)
    if active is not None:
        return active
    named = size_in_name(model.repo_id)
    if model.parameters:
        return Figure(float(model.parameters), f"safetensors metadata of {model.repo_id}", model.page_url)
    chosen = _the_models_size(stated_parameter_counts(card_text), named)
    if chosen is not None:
        return Figure(chosen.value, f"card of {model.repo_id}: '{chosen.words}'", card_url)
    if named is not None:
        return Figure(named, f"the repo name {model.repo_id}", model.page_url)
    return None


def active_parameters(ev: ProjectEvidence) -> Figure | None:
    """A mixture of experts' active parameters, as the released model's or its base's card
    (a tuned model keeps its base's architecture) or name states them."""
    for model in (m for m in (ev.released, *base_models(ev)) if m is not None):
        named = size_in_name(model.repo_id)
        text = model.card.body if model.card is not None else ""
        # A family card may state another member's active parameters: they must follow this model's size.
        active = [a for a in stated_active_parameters(text) if named is None or (a.whole and _near(named, [a.whole]))]
        if active:
            where = model.card_url or model.page_url
            return Figure(active[0].value, f"active parameters, card of {model.repo_id}: '{active[0].words}'", where)
        if (active_named := active_size_in_name(model.repo_id)) is not None:
            return Figure(active_named, f"active parameters in the repo name {model.repo_id}", model.page_url)
    return None


def _the_models_size(stated: list[StatedFigure], named: float | None) -> StatedFigure | None:
    """A family card lists every size: the one within 10% of the name's is this model's."""
    if named is not None:
        return next((f for f in stated if _near(named, [f.value])), None)
    return stated[0] if len(stated) == 1 else None


def _near(size: float, candidates: list[float]) -> bool:
    return any(abs(c - size) <= 0.1 * size for c in candidates)


def training_tokens(ev: ProjectEvidence) -> Figure | None:
    """The largest training-token figure the system's cards or papers state: pre-training,
    the stage that dominates compute, is the largest. Figures stated for a tuning stage
    (fine-tuning, distillation, RL) are not the model's training."""
    stated: list[tuple[StatedFigure, str, str]] = []
    models = {m.repo_id: m for m in (ev.released, *base_models(ev)) if m is not None}
    for model in models.values():
        if model.card is not None:
            where = model.card_url or model.page_url
            stated += [(f, f"card of {model.repo_id}", where) for f in stated_training_tokens(model.card.body)]
    for paper in own_papers(ev):
        stated += [(f, f"arXiv {paper.arxiv_id}", paper.url) for f in stated_training_tokens(paper.summary)]
    training = [Figure(f.value, f"{said}: '{f.words}'", url) for f, said, url in stated if not f.tuning]
    return max(training, key=lambda f: f.value, default=None)
