"""What a model card documents, judged on content (RUBRIC.md, "Model card": depth, not
headings). Each finding is a yes/no with a one-line definition in `TOPICS`; a heading
only helps find where a topic is written, and its section must say something of that
topic: a heading over a generic sentence or a pointer elsewhere documents nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.links import Link, find_links
from index.evidence.cards import Card, card_prose, plain_text, section_texts, sentences
from index.evidence.names import compacted

TOPICS: dict[str, str] = {
    "architecture": "states the model's design: an architecture section giving a design fact, "
    "two of its dimensions (layers, heads, hidden size, vocabulary, experts, context) anywhere, "
    "or a sentence giving both its parameter count and its kind of design ('a 180B parameters "
    "causal decoder-only model')",
    "training_data": "names what the model was trained or tuned on: a training-data section "
    "linking, listing or naming (as its metadata declares them) its sources, a link to a Hub dataset "
    "its metadata declares, or a sentence saying it was trained or tuned on data it links",
    "training": "describes how the model was trained or tuned: a training section naming a "
    "method or setting, or a list of two or more training hyper-parameters",
    "evaluation": "reports results: an evaluation section with figures (a score table, numbers "
    "or a results chart), not only a pointer to a report",
    "limitations": "discusses risks, biases, limitations or intended use: a section beyond the Hub "
    "template, or prose naming two of these",
}

_NUMBER = r"\d[\d,.]*\s*[kKmMbB]?"
# A dimension named next to its value ("n_layers 56", "**Layers:** 40", "32 attention
# heads", "| Vocabulary size | 65,536 |"), each kind once.
_DIMENSIONS = {
    "layers": rf"\b(?:n_layers|num_hidden_layers|(?:number of |num )?(?:transformer |hidden )?layers)\b"
    rf"\W{{0,8}}{_NUMBER}"
    rf"|\b\d+\s+(?:transformer\s+|decoder\s+|hidden\s+)?layers\b|层数",
    "heads": rf"\b(?:n_heads|num_attention_heads|(?:number of |num )?(?:attention |kv-)?heads)\b\W{{0,8}}{_NUMBER}"
    r"|\b\d+\s+(?:attention\s+|query\s+|kv\s+)?heads\b|注意力头",
    "hidden": rf"\b(?:d_model|hidden[ _](?:size|dim\w*)|model dim\w*|embedding (?:size|dim\w*)|dim)\b\W{{0,8}}{_NUMBER}"
    r"|隐藏层维度|隐层维度",
    "vocabulary": rf"\bvocab(?:ulary)?[ _]?size\b\W{{0,8}}{_NUMBER}|\b\d[\d,]*\s+(?:token\s+)?vocabulary\b|词表",
    "experts": r"\b\d+\s+(?:routed\s+|shared\s+|total\s+)?experts\b|\bnum_(?:local_)?experts\b"
    r"|\btop-?\d+\s+(?:gating|routing)\b",
    "context": rf"\b(?:context (?:length|size|window)|sequence length|seq_len\w*|max_position_embeddings)\b"
    rf"(?:\W{{0,12}}|\s+of\W{{0,4}}){_NUMBER}"
    r"|\b\d+\s*[kK]\s+(?:token\s+)?context\b|上下文长度",
}
_DIMENSION_PATTERNS = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _DIMENSIONS.items()}
_PARAMETER_COUNT = rf"\b{_NUMBER}\s*(?:billion|million|b|m)?\s*(?:total |active |activated )?param"
# The kind of network a model is; with its parameter count, a sentence states its design.
_DESIGN_KIND = (
    r"decoder[- ]only|encoder[- ]decoder|transformer|mixture[- ]of[- ]experts|\bmoe\b|state[- ]space"
    r"|recurrent|\brnn\b"
    # the networks of image, audio and video generators
    r"|diffusion|u-?net\b|\bvit\b|auto-?encoder|\bvae\b|generative adversarial|\bgans?\b|conformer|flow[- ]matching"
)
_DESIGN_FACT = re.compile(
    rf"{_DESIGN_KIND}|auto-?regressive|attention|convolution|recurren|rotary|\brope\b|alibi|swiglu|gelu"
    rf"|layer ?norm|{_PARAMETER_COUNT}|架构|参数",
    re.IGNORECASE,
)
_PARAMETER_COUNT_PATTERN = re.compile(_PARAMETER_COUNT, re.IGNORECASE)
_DESIGN_KIND_PATTERN = re.compile(_DESIGN_KIND, re.IGNORECASE)
# Training methods and settings: what a section about training says when it says anything.
_TRAINING_FACT = re.compile(
    r"\b(?:sft|supervised fine-?tun\w*|fine-?tun\w*|instruction[- ]tun\w*|dpo|rlhf|ppo|grpo|orpo|kto"
    r"|reinforcement learning|reward|preference|distill\w*|lora|qlora|pre-?train\w*|continued|curriculum"
    r"|learning rate|batch size|epochs?|optimi[sz]er|adamw?|warm-?up|steps|tokens|gpus?|tpus?|h100|a100"
    r"|h800|hours|from scratch)\b|训练|微调|强化学习|对齐|蒸馏",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*%|\b\d+\.\d+\b|!\[|<img\b|\|\s*\d", re.IGNORECASE)
# What a card says when it discusses use and risk, one pattern per kind of statement.
_USE_AND_RISK = {
    "intended_use": r"\bintended (?:for|to|use)\b|\bout[- ]of[- ]scope\b",
    "unsuitable": r"\bnot (?:intended|suitable|optimi[sz]ed|recommended) for\b|\bshould not be (?:used|relied)\b"
    r"|\bresearch purposes only\b|\bfor research only\b",
    "limitations": r"\blimitations\b",  # plural: a licence's "without limitation" is not one
    "bias": r"\bbias(?:es|ed)?\b",
    "harm": r"\bhallucinat\w*|\bharmful\b|\btoxic\w*",
    "risk": r"\brisks?\b",
}
_USE_AND_RISK_PATTERNS = [re.compile(pattern, re.IGNORECASE) for pattern in _USE_AND_RISK.values()]
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE)


def dimensions_stated(text: str) -> frozenset[str]:
    """The kinds of model dimension the text states with a value."""
    return frozenset(kind for kind, pattern in _DIMENSION_PATTERNS.items() if pattern.search(text))


def _any(texts: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(text) for text in texts)


def states_size_and_design(card: Card) -> bool:
    """A sentence of the card's prose gives the model's parameter count and its kind of
    design ("a 180B parameters causal decoder-only model"): where many cards state their
    design, in the lead, under no architecture heading. A size alone is a name and size;
    a design word alone ("better than Transformers") is no statement about this model; a
    table row is left out, as comparison tables describe other models."""
    return any(
        _PARAMETER_COUNT_PATTERN.search(sentence) and _DESIGN_KIND_PATTERN.search(sentence)
        for sentence in sentences(card_prose(card.body))
        if sentence.count("|") < 2
    )


def documents_architecture(card: Card, sections: dict[str, tuple[str, ...]]) -> bool:
    return (
        len(dimensions_stated(card.body)) >= 2
        or _any(sections.get("architecture", ()), _DESIGN_FACT)
        or states_size_and_design(card)
    )


def declared_dataset_names(card: Card) -> frozenset[str]:
    """The names (owner dropped, lower-cased) of the datasets the card's front matter declares."""
    declared = card.metadata.get("datasets")
    items = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else []
    return frozenset(str(d).rsplit("/", 1)[-1].lower() for d in items if isinstance(d, str) and d.strip())


# A sentence of the card's prose that says what the model was trained or tuned on and
# links it: "fine-tuned on assertion data from the [2010 i2b2 challenge](…)", "using the
# [Vigogne dataset](…)". A data word (or a Hub dataset link, data by its kind) is
# required, so "trained with [a toolkit](…)" and "a fine-tuned version of [a base](…)"
# name no data.
_TRAINED_ON = re.compile(
    r"\b(?:pre-?)?(?:trained|tuned|fine-?tuned|finetuned)\b.{0,80}?\b(?:on|with|using)\b", re.IGNORECASE
)
_DATA_WORD = re.compile(r"\b(?:data|datasets?|corpus|corpora)\b|数据", re.IGNORECASE)
# Where data is published: a Hub dataset, a GitHub repo, or a page elsewhere; a Hub model
# page (an owner-less legacy id such as huggingface.co/bert-base-uncased too) holds none.
_DATA_LINK_KINDS = frozenset({"hf_dataset", "github", "other"})
_HUB_PAGE = re.compile(r"^https?://(?:www\.)?(?:huggingface|hf)\.co/", re.IGNORECASE)


def _is_data_link(link: Link) -> bool:
    return link.kind == "hf_dataset" or (link.kind in _DATA_LINK_KINDS and not _HUB_PAGE.match(link.url))


def links_its_training_data(card: Card) -> bool:
    """A sentence of the card's prose says the model was trained or tuned on data it links.
    The wording is read with links reduced to their text: the URLs of the Hub trainer's
    "a fine-tuned version of [base](…) on the [owner/data](…) dataset" would otherwise
    stand between "fine-tuned" and "on"."""
    prose = sentences(card_prose(card.body))
    return any(_TRAINED_ON.search(plain_text(sentence)) and _links_data(sentence) for sentence in prose)


def _links_data(sentence: str) -> bool:
    """A Hub dataset link is data by its kind; a repo or page elsewhere is data when the
    wording says so ("the [Vigogne dataset](…)")."""
    links = find_links(sentence)
    if any(link.kind == "hf_dataset" for link in links):
        return True
    return bool(_DATA_WORD.search(plain_text(sentence))) and any(map(_is_data_link, links))


def links_a_declared_dataset(card: Card, declared: frozenset[str]) -> bool:
    """The card links a Hub dataset the model's metadata declares (names as in
    `declared_dataset_names`): the Hub's field for training data. Any other dataset link
    may be a benchmark, a leaderboard's result set or the repo the card's images are kept
    in, which name no training data."""
    return any(link.kind == "hf_dataset" and link.target.rsplit("/", 1)[-1].lower() in declared for link in card.links)


def names_training_data(card: Card, sections: dict[str, tuple[str, ...]], declared: frozenset[str]) -> bool:
    if links_a_declared_dataset(card, declared) or links_its_training_data(card):
        return True
    # A training-data section that names a dataset the metadata declares or the card links
    # elsewhere ("LAION-2B (en)" for laion/laion2B-en) names its source.
    linked = {link.target.rsplit("/", 1)[-1].lower() for link in card.links if link.kind == "hf_dataset"}
    names = {compacted(name) for name in declared | linked} - {""}
    return any(
        find_links(text) or len(_LIST_ITEM.findall(text)) >= 2 or any(name in compacted(text) for name in names)
        for text in sections.get("training_data", ())
    )


def describes_training(card: Card, sections: dict[str, tuple[str, ...]]) -> bool:
    texts = sum((sections.get(kind, ()) for kind in ("training_procedure", "finetuning", "hyperparameters")), ())
    return card.has_hyperparameters or _any(texts, _TRAINING_FACT)


def reports_evaluation(card: Card, sections: dict[str, tuple[str, ...]]) -> bool:
    return _any(sections.get("evaluation", ()), _FIGURE)


def discusses_use_and_risk(card: Card) -> bool:
    if card.sections & {"limitations", "intended_use"}:
        return True
    # Headings and template text are left out: the Hub template's "Intended uses &
    # limitations" over "More information needed" names two kinds and says nothing.
    prose = card_prose(card.body)
    return sum(1 for pattern in _USE_AND_RISK_PATTERNS if pattern.search(prose)) >= 2


def card_topics(card: Card, declared_datasets: Iterable[str] = ()) -> frozenset[str]:
    """The TOPICS the card documents; `declared_datasets` are the Hub dataset ids the
    model's metadata declares beyond the card's own front matter (its `dataset:` tags)."""
    sections = section_texts(card.body)
    declared = declared_dataset_names(card) | {d.rsplit("/", 1)[-1].lower() for d in declared_datasets}
    found = {
        "architecture": documents_architecture(card, sections),
        "training_data": names_training_data(card, sections, declared),
        "training": describes_training(card, sections),
        "evaluation": reports_evaluation(card, sections),
        "limitations": discusses_use_and_risk(card),
    }
    return frozenset(topic for topic, present in found.items() if present)
