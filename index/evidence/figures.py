"""Figures a text states about a model: its parameter count and its training tokens.

Pure functions over text. A figure counts only when the text ties it to what it measures
("7B parameters", "| Params | 6.9B |", "trained on 2T tokens"); a bare "7B" is not a
parameter count and "32k tokens" of context is not training data. Each figure keeps the
words it was read from, so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_UNIT = r"(?P<unit>thousand|million|billion|trillion|bn|[kmbt])"
# "7B parameters", "7 billion parameters", "a 70B-parameter model", "1.3B params".
PARAMETERS_AFTER = re.compile(
    rf"{_NUMBER}\s*{_UNIT}\b\+?\s*[- ]?\s*(?:total\s+|trainable\s+)?(?:parameters?|params)\b", re.I
)
# "Parameters: 7B", "| # Params | 6.9B |", "model size: 13B".
PARAMETERS_BEFORE = re.compile(
    rf"(?:#\s*)?(?:parameters?|params|model size|parameter count)\s*(?:\*\*)?\s*[:|=]?\s*(?:\|\s*)?(?:~\s*)?"
    rf"{_NUMBER}\s*{_UNIT}\b",
    re.I,
)
# "trained on 2T tokens", "1.5 trillion tokens", "3,000B high-quality tokens".
TOKENS = re.compile(
    rf"{_NUMBER}\s*{_UNIT}\b\+?\s*(?:(?:high[- ]quality|training|text|pre-?training|multilingual|unique)\s+){{0,2}}"
    r"tokens\b",
    re.I,
)
CONTEXT_WORDS = re.compile(r"context|window|sequence length|max(?:imum)? length", re.I)
# "less than 10B parameters", "the 7B to 8B parameter range": sizes of other models.
COMPARED_BEFORE = re.compile(r"(?:than|under|below|over|above|up to|between|like)\s*$", re.I)
COMPARED_AFTER = re.compile(r"\s*(?:range|class|scale|category|models)\b", re.I)
# A mixture of experts computes with its active parameters: "14B activated", "A2B" in a name.
ACTIVE_PARAMETERS = re.compile(
    rf"{_NUMBER}\s*{_UNIT}\b\s*(?:active|activated)\b|(?:active|activated)\s+(?:parameters?|params)\s*[:|=]?\s*"
    rf"(?:\|\s*)?(?P<number2>\d+(?:\.\d+)?)\s*(?P<unit2>[mbt]|million|billion)\b",
    re.I,
)
ACTIVE_IN_NAME = re.compile(r"(?:^|[-_.])A(?P<number>\d+(?:\.\d+)?)(?P<unit>[mb])(?=$|[-_.])", re.I)
# Figures stated for a tuning stage, not for the model's training from scratch.
TUNING_WORDS = re.compile(
    r"fine-?tun|instruction|\bSFT\b|\bKD\b|distill|\bRL\b|RLHF|DPO|post-?train|alignment|continued", re.I
)
# The size in a model's repo name: "Llama-2-70b-chat", "Qwen2.5-7B-Instruct", "8x7B".
SIZE_IN_NAME = re.compile(r"(?:^|[-_.])(?:(?P<experts>\d+)x)?(?P<number>\d+(?:\.\d+)?)(?P<unit>[mbt])(?=$|[-_.])", re.I)
# Training-token figures below this are fine-tuning sets, not a model's training.
MIN_TRAINING_TOKENS = 1e9


@dataclass(frozen=True)
class StatedFigure:
    value: float
    words: str  # the words the figure was read from
    tuning: bool = False  # stated for a tuning stage (fine-tuning, distillation, RL)
    whole: float | None = None  # for active parameters: the size stated just before, the whole model's


def _value(match: re.Match[str]) -> float:
    return float(match["number"].replace(",", "")) * SCALE[match["unit"].lower()]


def _words(text: str, match: re.Match[str]) -> str:
    start = max(0, text.rfind("\n", 0, match.start()) + 1, match.start() - 60)
    end = text.find("\n", match.end())
    end = min(end if end != -1 else len(text), match.end() + 40)
    return " ".join(text[start:end].replace("|", " ").split())


def stated_parameter_counts(text: str) -> list[StatedFigure]:
    """Every parameter count the text states, in order of appearance, one per value."""
    found: dict[float, StatedFigure] = {}
    matches = sorted([*PARAMETERS_AFTER.finditer(text), *PARAMETERS_BEFORE.finditer(text)], key=lambda m: m.start())
    for match in matches:
        value = _value(match)
        compared = COMPARED_BEFORE.search(text, 0, match.start()) or COMPARED_AFTER.match(text, match.end())
        if value >= 1e6 and not compared:
            found.setdefault(value, StatedFigure(value, _words(text, match)))
    return list(found.values())


def sizes_mentioned(text: str) -> list[float]:
    """Every number with a size unit in the text ("24B", "1.5 trillion")."""
    return [_value(m) for m in re.finditer(rf"{_NUMBER}\s*{_UNIT}\b", text, re.I)]


def stated_active_parameters(text: str) -> list[StatedFigure]:
    """Active-parameter counts of a mixture of experts ("14B activated")."""
    found: dict[float, StatedFigure] = {}
    for match in ACTIVE_PARAMETERS.finditer(text):
        number, unit = (match["number"], match["unit"]) if match["number"] else (match["number2"], match["unit2"])
        value = float(number.replace(",", "")) * SCALE[unit.lower()]
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = sizes_mentioned(text[max(line_start, match.start() - 60) : match.start()])
        found.setdefault(value, StatedFigure(value, _words(text, match), whole=before[-1] if before else None))
    return list(found.values())


def stated_training_tokens(text: str) -> list[StatedFigure]:
    """Every training-token count the text states (context lengths left out)."""
    found: dict[float, StatedFigure] = {}
    for match in TOKENS.finditer(text):
        value = _value(match)
        before = text[max(0, match.start() - 40) : match.start()]
        if value >= MIN_TRAINING_TOKENS and not CONTEXT_WORDS.search(before + match.group(0)):
            words = _words(text, match)
            found.setdefault(value, StatedFigure(value, words, tuning=bool(TUNING_WORDS.search(words))))
    return list(found.values())


def size_in_name(repo_id: str) -> float | None:
    """The parameter count a repo name states ("-70b", "-8x7B"), if any."""
    match = SIZE_IN_NAME.search(repo_id.rsplit("/", 1)[-1])
    if match is None:
        return None
    experts = int(match["experts"]) if match["experts"] else 1
    return experts * float(match["number"]) * SCALE[match["unit"].lower()]


def active_size_in_name(repo_id: str) -> float | None:
    """The active parameters a mixture of experts' name states ("LFM2-24B-A2B"), if any."""
    match = ACTIVE_IN_NAME.search(repo_id.rsplit("/", 1)[-1])
    return float(match["number"]) * SCALE[match["unit"].lower()] if match else None
