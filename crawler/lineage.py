"""Which models a card says its model was made from: the lineage a careful reader follows
when the Hub metadata (`base_model`) names none.

Findings, each a pure function over card text (never raising):
- a *lineage statement*: a phrase saying the model was made from another ("a fine-tuned
  version of", "based on", "built upon", "builds on", "derived from", "continued
  pretraining of", "initialized from", "alignment version of", an adapter's "LoRA
  adaption weights for", a copy's "converted to GGUF format from", "quants of" or
  "fork of", "a fine-tuned checkpoint of", "Fine-tuned" straight before a Hub link)
  followed, in the same sentence, by the other model: a Hub link, a bare `owner/name`
  of a model's shape (a size or version in its name, linked by the card, or in code
  format: "function/tool calls" is prose), or, after the
  phrases that can only name a model, a bare model name (read as the card owner's repo);
  a name written with spaces ("the Poro 2 70B Base model") is no Hub id: it resolves only
  to the family's own base, else stays a name (never a design: "the Llama 3.1 70B
  architecture"); or preceded by the model: "LLaMA 7B fine-tuned on X", "[X](link)
  finetuned on", a merge's "[X](link) as a base";
- a *lineage label*: a card field naming the base ("Base Model: X", "Backbone Model: X",
  "Finetuned from model: X", "Instruction tuned from: [X](link)", a quantised copy's
  "Original model: X"), in Markdown or HTML emphasis or none, also as a key-value
  table row ("| Base model | X |") or a table's base column, in the row naming this model,
  or as a heading ("## Original Model", a merge's "### Models Merged") over Hub links;
- a *sibling base*: a link to a model of the same owner whose name marks it as the
  family's base (`…-base`, or this model's name less its tuned suffix: `Acme-7B` from
  `Acme-7B-Instruct`), from a card whose own name does not.

What the phrase is followed by decides: "fine-tuned on" names data as often as a model,
so after it only a Hub model link or an `owner/name` with a parameter count counts, and
an unresolved name is never taken for a base; after the other phrases that may name
something else ("based on SentencePiece-BPE"), an unlinked name counts only with a size
or version in it; "for fine-tuning purposes" says nothing about where the model came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from crawler import links

# Words that make "a ... version of X" a model made from X.
_TUNED_KIND = (
    r"(?:fine-?\s?tuned|tuned|instruct(?:ion)?(?:[- ]tuned)?|chat|aligned|alignment(?:-enhanced)?|adapt?ed|adapated"
    r"|upgraded|improved|enhanced|distilled|quantized|merged|dpo|sft|rlhf)"
)
# Phrases after which the next model mentioned is the one this model was made from.
_MADE_FROM = (
    r"fine-?\s?tuned\s+(?:(?:version|variant|model|checkpoint)\s+)?(?:of|from)",
    # "Fine-tuned [X](url) for speech recognition": a Hub model's link straight after it
    r"fine-?\s?tuned(?=\s+\[[^\]\n]*\]\(https?://huggingface\.co/[\w.-]+/[\w.-]+/?\))",
    r"(?:instruction|instruct|chat|dpo|sft|rlhf)[- ]?(?:fine-?)?tuned\s+(?:version\s+of|from)",
    r"fine-?\s?tune\s+of",
    r"fine-?\s?tuned\s+on(?:\s+top\s+of)?",
    r"tuned\s+from",
    r"based\s+on(?:\s+top\s+of)?",
    r"(?:built|builds?)\s+(?:on(?:\s+top\s+of)?|upon|from)",
    r"initiali[sz]ed\s+(?:from|by|with)",
    r"derivative\s+of",
    r"derived\s+from",
    r"fork\s+of",
    # a converted or quantised copy: "converted to GGUF format from X", "static quants of X"
    r"converted\s+(?:to\s+[\w.-]+\s+(?:format\s+)?)?from",
    r"quant(?:s|i[sz]ations?)\s+of",
    # "an alignment version of X", "an adapted version of X"; not "the beta version of X"
    rf"{_TUNED_KIND}[- ](?:version|variant|continuation)\s+of",
    r"(?:built|created|made|obtained|trained)\s+by\s+(?:fine-?\s?tuning|further\s+training|continu\w*\s+pre-?\s?training)(?:\s+of)?",
    r"continu\w*\s+(?:the\s+)?pre-?\s?train\w*\s+(?:of|from|on)",
    r"further\s+(?:pre-?)?trained\s+(?:from|on)",
    r"trained\s+from(?!\s+scratch)",
    r"(?:sft|dpo|rlhf)\)?(?:\s+and\s+\w+)?\s+of",
    r"(?:its|the)\s+base(?:\s+model)?\s*(?=\()",
    # an adapter's card: "LoRA adaption weights for X", "An adapter for the X model"
    r"(?:lora|adapter)\s+(?:adapt(?:at)?ion\s+)?weights\s+for",
    r"an\s+\[?adapter\]?(?:\([^)\s]*\))?\s+for(?:\s+the)?",
)
# Of those, the ones that cannot be followed by a dataset: a bare name after them is a model.
_NAMES_A_MODEL = re.compile(
    r"(?:version|variant|derivative|continuation|checkpoint)\s+of|initiali[sz]ed\s+(?:from|by|with)|tuned\s+from"
    r"|weights\s+for|adapter\s+for",
    re.I,
)
# "fine-tuned on X" names the data as often as the model: X counts only as a Hub model
# link, an owner/name with a parameter count in its name, or a name that resolves to one.
_MAY_NAME_DATA = re.compile(r"fine-?\s?tuned\s+on(?!\s+top)", re.I)
_PARAMETER_COUNT = re.compile(r"(?<![A-Za-z])\d+(?:\.\d+)?(?:x\d+)?[BbMm](?![A-Za-z])")
MADE_FROM = re.compile(r"\b(?:" + "|".join(_MADE_FROM) + r")(?:\b|(?=\())", re.I)
# "基于 X 训练" (trained based on X): the model is the first Latin name before the clause ends.
MADE_FROM_CJK = re.compile(r"基于|基於")
# "a Llama 2 70b fine tune", "LLaMA 7B fine-tuned on X": the name comes before the phrase.
NAME_THEN_FINE_TUNE = re.compile(r"\b([A-Z][A-Za-z]*(?:[ -]\d[\w.]*)+)(?:\s+model)?\s+fine[- ]?tuned?\b")
# Phrases the model comes before, on the same line: "[X](url) as base", "X as the
# backbone", "X was the base" (a merge's or an encoder's card); "[X](url) finetuned on
# [data](url)", where X is a linked model or an owner/name.
AS_BASE_PHRASE = re.compile(
    r"\b(?:as\s+(?:the\s+|its\s+|a\s+)?(?:base|backbone)|(?:was|is)\s+(?:the|its)\s+base)\b", re.I
)
TUNED_ON_PHRASE = re.compile(r"\b(?:fine-?\s?tuned|trained)\s+(?:on|with)\b", re.I)
# The model just before such a phrase: a Markdown link, or a name standing on its own (not
# a URL's tail). Matched backwards from the phrase, which is rare, rather than tried at
# every position of the card.
_LINK = r"\[[^\]\n]*\]\([^)\s]*\)"
_LINK_OR_NAME_AT_END = re.compile(rf"(?:{_LINK}|(?<![\w./:-])`?[\w./-]+`?)$")
_LINK_OR_ID_AT_END = re.compile(rf"(?:{_LINK}|(?<![\w./:-])`?[\w.-]+/[\w.-]+`?)$")
_BEFORE_SPAN = 300


def _models_before(card: str) -> Iterable[str]:
    """The model written just before each phrase of `AS_BASE_PHRASE` or `TUNED_ON_PHRASE`."""
    for phrase, model in ((AS_BASE_PHRASE, _LINK_OR_NAME_AT_END), (TUNED_ON_PHRASE, _LINK_OR_ID_AT_END)):
        for match in phrase.finditer(card):
            start = max(0, match.start() - _BEFORE_SPAN)
            end = start + len(card[start : match.start()].rstrip(" \t"))
            if end == match.start():
                continue  # the phrase must follow the model after a space
            line_start = card.rfind("\n", start, end) + 1
            found = model.search(card, max(line_start, start), end)
            if found:
                yield found.group(0)


_CJK_NAME = re.compile(r"^[^，。；\n]{0,20}?([A-Za-z][\w.-]*\d[\w.-]*)")
# "Base Model: X", "- **Finetuned from model:** X", "Instruction tuned from: [X](url)"
_LABEL = (
    r"(?:base\s+model|backbone(?:\s+model)?|parent\s+model|original\s+model|"
    r"(?:fine-?\s?tuned|instruction[- ]tuned|tuned|trained|distilled)\s+from(?:\s+model)?"
    # the same labels in Chinese cards: original, base, foundation model
    r"|原始模型|基础模型|基座模型)"
)
# Around a label, Markdown or HTML emphasis ("<b>Base Model</b>: X").
_LABEL_MARKUP = r"(?:[\s>*_-]|</?(?:b|strong|em|i)>)*"
LINEAGE_LABEL = re.compile(rf"^{_LABEL_MARKUP}{_LABEL}{_LABEL_MARKUP}[:：]{_LABEL_MARKUP}(?P<value>\S.*)$", re.I | re.M)
# "| Base model | [X](url) |": a key-value table row whose first cell is such a label.
LINEAGE_TABLE_ROW = re.compile(rf"^\s*\|[\s*_]*{_LABEL}[\s*_]*\|(?P<value>[^|\n]*)", re.I | re.M)
# A statement's model comes within the same sentence, shortly after its phrase.
_SPAN = 160
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)|\n\s*\n")
_OWNER_SLASH_NAME = r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*[A-Za-z0-9]"
_REPO_ID = re.compile(rf"(?<![\w./-])({_OWNER_SLASH_NAME})(?![\w/-])")
_REPO_FILE = re.compile(r"/(?:blob|resolve|raw)/")
_CODED_REPO_ID = re.compile(rf"`({_OWNER_SLASH_NAME})`")
# A bare model name: a word with a digit or an inner hyphen ("CT-LLM-SFT", "Qwen2.5-32B").
_BARE_NAME = re.compile(r"^[\s*_`\[(]*(?:the\s+)?([A-Za-z][\w.]*(?:-[\w.]+)+|[A-Za-z]+\d[\w.]*)(?=[\s*_`\]),;:.]|$)")
# A name written in prose with spaces: capitalised words and numbers, one with a digit
# ("Poro 2 70B Base", "Llama 3.1 70B").
_SPACED_NAME = re.compile(
    r"^[\s*_`\[(]*(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z\d][\w.]*)*\s+\d[\w.]*(?:\s+[A-Z\d][\w.]*)*)(?=[\s*_`\]),;:.]|$)"
)
# "based on the Llama 3.1 70B architecture": the name is a design, not the model made from.
_NOT_A_MODEL = re.compile(r"^[\s*_`\])]*(?:architecture|tokeni[sz]er|design|recipe|template|format)\b", re.I)
HUB = "https://huggingface.co"
_BASE_NAME = re.compile(r"(^|[-_.])base([-_.]|$)", re.I)


NAME = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
REPO_ID = re.compile(rf"{NAME}/{NAME}")
BASE_MODEL_TAG_KINDS = ("finetune", "adapter", "quantized", "merge")


def declared_bases(info: Any, card: str, repo_id: str) -> list[str]:
    """The models a Hub model says it was made from: its metadata's, else its card's."""
    return base_models(info) or bases_named_in_card(card, repo_id)


def base_models(info: Any) -> list[str]:
    """Base models named by `cardData.base_model` (a string or a list) or `base_model:` tags."""
    if info is None:
        return []
    named: list[str] = []
    card_data = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
    declared = card_data.get("base_model")
    if isinstance(declared, str):
        named.append(declared)
    elif isinstance(declared, list):
        named += [b for b in declared if isinstance(b, str)]
    for tag in info.tags or []:
        if tag.startswith("base_model:"):
            value = tag.removeprefix("base_model:")
            kind, _, rest = value.partition(":")
            named.append(rest if kind in BASE_MODEL_TAG_KINDS and rest else value)
    return list(dict.fromkeys(n.strip() for n in named if REPO_ID.fullmatch(n.strip())))


def bases_named_in_card(card: str, repo_id: str) -> list[str]:
    """Hub ids of the models the card of `repo_id` says it was made from, first-seen order."""
    card = card or ""
    found = [m for ids, _ in _statements(card, repo_id) for m in ids] + _sibling_bases(card, repo_id)
    return [m for m in dict.fromkeys(found) if m.lower() != repo_id.lower()]


def unlinked_base_names(card: str, repo_id: str) -> list[str]:
    """Names of models the card says its model was made from, given with no Hub id that
    could be followed ("trained from **Llama-2 13b**", "基于 TeleBase2.5 训练")."""
    return list(dict.fromkeys(name for ids, name in _statements(card or "", repo_id) if not ids and name))


@lru_cache(maxsize=64)
def _statements(card: str, repo_id: str) -> tuple[tuple[tuple[str, ...], str | None], ...]:
    """(Hub ids, bare name) per lineage label or statement of the card. Cached: a model's
    evidence reads them twice (named bases, unlinked names), and a shared base's card is
    read for every project built on it."""
    return tuple((tuple(ids), name) for ids, name in _read_statements(card, repo_id))


def _read_statements(card: str, repo_id: str) -> Iterable[tuple[list[str], str | None]]:
    linked = links.hf_models(card)
    names = _BareNames(repo_id.split("/")[0], linked, repo_id.split("/")[-1])
    for match in [*LINEAGE_LABEL.finditer(card), *LINEAGE_TABLE_ROW.finditer(card)]:
        yield _models_in(match.group("value"), names, guess=True)
    for cell in _base_column_cells(card, repo_id.split("/")[-1]):
        yield _models_in(cell, names, guess=True)
    for match in MADE_FROM.finditer(card):
        span = card[match.end() : match.end() + _SPAN]
        end = _SENTENCE_END.search(_without_urls(span))
        span = span[: end.start()] if end else span
        phrase = match.group(0)
        ids, name = _models_in(span, names, guess=bool(_NAMES_A_MODEL.search(phrase)))
        if _MAY_NAME_DATA.fullmatch(phrase):
            # only what resolves is a model; an unresolved name is as likely the data
            yield [m for m in ids[:1] if m.lower() in names.linked_ids or _PARAMETER_COUNT.search(m)], None
        elif _NAMES_A_MODEL.search(phrase) or name is None or _MODEL_LIKE_NAME.search(name):
            yield ids[:1], name
        else:
            # "based on SentencePiece-BPE": a model's name carries a size or a version
            yield ids[:1], None
    for match in NAME_THEN_FINE_TUNE.finditer(card):
        yield [], match.group(1)
    for model in _models_before(card):
        yield _models_in(model, names, guess=False)
    for section in _lineage_sections(card):
        yield _models_in(section, names, guess=False)[0], None
    for match in MADE_FROM_CJK.finditer(card):
        if named := _CJK_NAME.match(card[match.end() : match.end() + _SPAN]):
            yield [], named.group(1)


# A heading that is a lineage label ("## Original Model", "### Models Merged"): the Hub
# models linked in its section are the ones this model was made from.
_LINEAGE_HEADING = re.compile(
    rf"^#{{1,6}}[\s*_]*(?:{_LABEL}|models?\s+merged|merged\s+models?|models?\s+based\s+on|source\s+models?)s?"
    r"[\s*_:：]*$",
    re.I | re.M,
)
_NEXT_HEADING = re.compile(r"^#{1,6}\s", re.M)
_SECTION_SPAN = 1000


def _lineage_sections(card: str) -> Iterable[str]:
    """The text under each heading that is a lineage label, up to the next heading."""
    for heading in _LINEAGE_HEADING.finditer(card):
        rest = card[heading.end() : heading.end() + _SECTION_SPAN]
        end = _NEXT_HEADING.search(rest)
        yield rest[: end.start()] if end else rest


# A table column naming each row's base: "| Model | Base model |", "| Model | Based on |".
_BASE_COLUMN = re.compile(rf"^[\s*_]*(?:{_LABEL}|based\s+on)[\s*_]*$", re.I)
_BASED_ON = re.compile(r"^[\s*_]*based\s+on", re.I)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _base_column_cells(card: str, own_name: str) -> list[str]:
    """In a Markdown table with a base column, that column's cell in the row that names
    this model (a cell that is the card's own repo name, or its tail, up to case and
    separators: "| Poro 2 70B Instruct | … |" on Llama-Poro-2-70B-Instruct)."""
    own = _squashed(own_name)
    found: list[str] = []
    header: list[str] | None = None
    for line in card.splitlines():
        if not line.strip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            continue
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue
        # "Base model" names the nearest stage; "Based on" may name the stage before it
        columns = sorted(
            (i for i, h in enumerate(header) if _BASE_COLUMN.match(h)),
            key=lambda i: _BASED_ON.match(header[i]) is not None,
        )
        named = [c for c in cells if c and len(_squashed(c)) >= 4 and own.endswith(_squashed(_plain_cell(c)))]
        if columns and named and columns[0] < len(cells):
            found.append(cells[columns[0]])
    return found


def _plain_cell(cell: str) -> str:
    """A cell's text without Markdown emphasis or a link target."""
    return re.sub(r"\]\([^)]*\)|[\[\]*_`]", "", cell)


# What a tuned model's name adds to its base's: "falcon-180B-chat" is falcon-180B, chat-tuned.
_TUNED_SUFFIX = re.compile(
    r"^[-_.](?:[\w.]+[-_.])*?(?:chat|instruct|instruction|it|sft|rlhf|dpo|tuned)(?:[-_.]|$)", re.I
)


class _BareNames:
    """Reads a bare model name: the card's own link of that name (any owner, any case) is
    the Hub id the makers meant; else, where the wording can only name a model, the card
    owner's repo of that name; else, whatever the wording, the family's base, when the
    name is the card's own model name less its tuned suffix ("Falcon-180B-Chat ... based
    on Falcon-180B"), spelled as the card's repo id spells it."""

    def __init__(self, owner: str, linked: list[str], own_name: str = "") -> None:
        self.owner, self.own_name = owner, own_name
        self.linked = {m.split("/")[-1].lower(): m for m in linked}
        self.linked_ids = {m.lower() for m in linked}

    def resolve(self, name: str, *, guess: bool) -> str | None:
        if name.lower() in self.linked:
            return self.linked[name.lower()]
        if " " in name:
            return self._family_base(name)
        if guess:
            return f"{self.owner}/{name}"
        family = self.own_name[: len(name)]
        if family.lower() == name.lower() and _TUNED_SUFFIX.match(self.own_name[len(name) :]):
            return f"{self.owner}/{family}"
        return None

    def _family_base(self, name: str) -> str | None:
        """A name written in prose with spaces is no Hub id; it is the family's base when
        it says so and the rest is the tail of the card's own model name less its tuned
        suffix ("Poro 2 70B Base" on Llama-Poro-2-70B-Instruct: Llama-Poro-2-70B-Base)."""
        base = _BASE_WORD.search(name)
        family = _family(self.own_name)
        if not base or not family or not _squashed(family).endswith(_squashed(name[: base.start()])):
            return None
        return f"{self.owner}/{family}{self.own_name[len(family)]}{base.group(1)}"


_BASE_WORD = re.compile(r"\s(base)$", re.I)
_SEPARATORS = "-_."


def _family(own_name: str) -> str | None:
    """The card's own model name less its tuned suffix ("Acme-7B" of "Acme-7B-Chat")."""
    for index in range(len(own_name) - 1, 0, -1):
        if own_name[index] in _SEPARATORS and _TUNED_SUFFIX.match(own_name[index:]):
            return own_name[:index]
    return None


def _squashed(name: str) -> str:
    """A name without case, spaces or separators: "Poro 2 70B" and "Poro-2-70B" are one."""
    return re.sub(r"[\s._-]", "", name.lower())


def _models_in(span: str, names: _BareNames, *, guess: bool) -> tuple[list[str], str | None]:
    """The models a phrase is followed by, as (Hub ids, bare name): Hub model links, else
    `owner/name` mentions, else one bare name (an id when it resolves). A dataset link
    names no model."""
    linked = links.find_links(span)
    # a link to a file of a model's repo ("[Apache 2.0](…/Qwen2.5-1.5B/blob/main/LICENSE)")
    # names that file, not the model
    models = [link.target for link in linked if link.kind == "hf_model" and not _REPO_FILE.search(link.url)]
    if models or any(link.kind == "hf_dataset" for link in linked):
        return models, None
    plain = _without_urls(span)
    # an `owner/name` in code format is an identifier whatever its shape
    coded = {m.group(1) for m in _CODED_REPO_ID.finditer(plain)}
    ids = [m for m in _REPO_ID.findall(plain) if m in coded or _plausible_repo_id(m, names)]
    if ids:
        return ids, None
    bare = _BARE_NAME.match(plain) or _SPACED_NAME.match(plain)
    if not bare or _NOT_A_MODEL.match(plain[bare.end() :]):
        return [], None
    name = bare.group(1).rstrip(".")
    resolved = names.resolve(name, guess=guess)
    return ([resolved] if resolved else []), name


# A model's repo name carries a size or a version ("Claire-7B-0.1", "phi-2", "falcon-7b");
# a slash between two words in prose ("function/tool calls", "pre-training/fine-tuning")
# is an alternative, not a repo.
_MODEL_LIKE_NAME = re.compile(r"\d")
# "GPT-3/GPT-4", "Llama-2/Llama-3": two model names side by side, not an owner and a repo.
_MODEL_NAME_AS_OWNER = re.compile(r"^[A-Za-z]+[-_ ]?v?\d+(?:\.\d+)*[A-Za-z]?$")


def _plausible_repo_id(candidate: str, names: _BareNames) -> bool:
    """An `owner/name` written in prose is a Hub model id when the card links that model,
    or when it has a model's shape: a repo name with a size or version, under an owner
    that is not itself a model name."""
    if candidate.lower() in names.linked_ids:
        return True
    owner, name = candidate.split("/")
    if links.classify_url(f"{HUB}/{candidate}")[0] != "hf_model":
        return False
    # "Llama 30B/33B": two sizes side by side, not an owner and a repo
    sizes = _PARAMETER_COUNT.fullmatch(owner) is not None
    return bool(_MODEL_LIKE_NAME.search(name)) and not _MODEL_NAME_AS_OWNER.match(owner) and not sizes


def _sibling_bases(card: str, repo_id: str) -> list[str]:
    """Same-owner links to the family's base: a `…-base` repo, or the repo named as this
    model less its tuned suffix (`Acme-7B` from `Acme-7B-Instruct`)."""
    owner, name = repo_id.split("/")[0].lower(), repo_id.split("/")[-1]
    if _BASE_NAME.search(name):
        return []
    return [
        m
        for m in links.hf_models(card or "")
        if m.split("/")[0].lower() == owner and (_BASE_NAME.search(m.split("/")[-1]) or _is_family_of(m, name))
    ]


def _is_family_of(model: str, own_name: str) -> bool:
    """`model` is named as `own_name` less its tuned suffix."""
    family = model.split("/")[-1]
    return own_name.lower().startswith(family.lower()) and bool(_TUNED_SUFFIX.match(own_name[len(family) :]))


_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|https?://\S+")


def _without_urls(text: str) -> str:
    """The text with link targets blanked (same length), so a sentence end or an
    `owner/name` is never read inside a URL."""
    return _MARKDOWN_LINK_TARGET.sub(lambda m: " " * len(m.group(0)), text)
