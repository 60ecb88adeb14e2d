"""What a model card (or README) says, as plain evidence: front matter, documentation
sections, links, install commands, access restrictions, hyper-parameter and result tables.

Pure functions over text; `parse_card` never raises, whatever the input string.

Sections are recognised by meaning, not exact heading text. Headings are ATX (`#`..`######`),
setext (a one-line paragraph underlined with `===` / `---`), HTML `<h1>`..`<h6>`, and labels
starting a line (`**Training Data**`, `- **License:** apache-2.0`, `- CO2 Emissions (in
grams): 0.86`). Each heading's text is cleaned (markup, numbering and emoji dropped,
lower-cased) and looked up in `SECTION_RULES`. A heading only counts when its section (up to
the next heading of the same or a higher level) has real content: template placeholders
such as "[More Information Needed]" and the Hub template's boilerplate sentences do not
count, and a lone level-1 heading is the card's title, not a section. Two kinds are also
recognised without a heading: `citation` (a BibTeX entry anywhere) and `description` (25+
words of prose before the first section).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import yaml

from crawler.links import Link, find_links, pip_install_targets

SECTION_KINDS = (
    "description",
    "architecture",
    "training_data",
    "training_procedure",
    "hyperparameters",
    "finetuning",
    "evaluation",
    "intended_use",
    "limitations",
    "environmental_impact",
    "citation",
    "how_to_use",
    "license",
)


@dataclass(frozen=True)
class Card:
    metadata: dict  # YAML front matter; {} when absent or unparseable
    metadata_error: str | None  # one line: why the front matter could not be read
    body: str  # text after the front matter (newlines normalised to "\n")
    sections: frozenset[str]  # SECTION_KINDS present with real content
    links: tuple[Link, ...]
    pip_targets: tuple[str, ...]
    access_restrictions: tuple[str, ...]  # short sentences stating restricted access
    has_hyperparameters: bool  # a table / list / config naming 2+ training hyper-parameters
    has_eval_table: bool  # a Markdown or HTML table of benchmark-like scores
    word_count: int  # words of prose: code, HTML tags and URLs not counted; CJK per character


# --- front matter -----------------------------------------------------------------------

_FENCE_LINE = re.compile(r"^---[ \t]*$")
_CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_LOOKS_LIKE_YAML = re.compile(r"^[\w\"'-][^:\n]*:(?:\s|$)")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml_problem(error: Exception, first_line: int) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
    where = f" at line {first_line + mark.line}" if mark is not None else ""
    return f"invalid YAML in front matter{where}: {problem}"


def split_front_matter(text: str) -> tuple[dict, str | None, str]:
    """(metadata, error, body) of a card. A leading `---` ... `---` block is read with
    yaml.safe_load (BOM, leading blank lines and CRLF tolerated). Broken YAML or a
    non-mapping gives {} and a one-line error naming the problem and its line, and the
    text after the closing line is still returned as the body."""
    lines = _normalise_newlines((text or "").lstrip("\ufeff")).split("\n")
    start = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or not _FENCE_LINE.match(lines[start]):
        return {}, None, "\n".join(lines)
    end = next((n for n in range(start + 1, len(lines)) if _CLOSING_LINE.match(lines[n])), None)
    if end is None:
        # A lone leading "---" is usually a horizontal rule; only YAML-looking text is an error.
        following = next((line for line in lines[start + 1 :] if line.strip()), "")
        error = "front matter has no closing '---' line" if _LOOKS_LIKE_YAML.match(following) else None
        return {}, error, "\n".join(lines)
    body = "\n".join(lines[end + 1 :])
    try:
        metadata = yaml.safe_load("\n".join(lines[start + 1 : end]))
    except yaml.YAMLError as error:
        return {}, _yaml_problem(error, first_line=start + 2), body
    except ValueError as error:  # a well-formed but impossible value: "date: 2023-02-30"
        return {}, f"invalid value in front matter: {error}", body
    except RecursionError:
        return {}, "front matter is nested too deeply to read", body
    if metadata is None:
        return {}, None, body
    if not isinstance(metadata, dict):
        return {}, f"front matter is a YAML {type(metadata).__name__}, not a mapping", body
    return metadata, None, body


# --- lines: which are code --------------------------------------------------------------

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>((?:(?!</?h[1-6]\b)[\s\S]){0,500}?)</h\1\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]{0,1000}>")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class _Line:
    text: str
    is_code: bool


def _html_heading_as_markdown(match: re.Match[str]) -> str:
    title = _HTML_TAG.sub(" ", match.group(2)).replace("\n", " ").strip()
    return f"\n{'#' * int(match.group(1))} {title}\n"


def _card_lines(body: str) -> list[_Line]:
    """The body's lines without HTML comments, HTML headings rewritten as Markdown ones,
    each marked as inside a fenced code block or not (an unclosed fence runs to the end)."""
    text = _HTML_HEADING.sub(_html_heading_as_markdown, _HTML_COMMENT.sub("", body))
    lines: list[_Line] = []
    fence = ""
    for line in text.split("\n"):
        opening = _FENCE_OPEN.match(line)
        if fence:
            lines.append(_Line(line, is_code=True))
            if (
                opening
                and opening.group(1)[0] == fence[0]
                and len(opening.group(1)) >= len(fence)
                and not line.strip().lstrip(fence[0])
            ):
                fence = ""
        elif opening:
            fence = opening.group(1)
            lines.append(_Line(line, is_code=True))
        else:
            lines.append(_Line(line, is_code=False))
    return lines


# --- headings ---------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(={2,}|-{3,})[ \t]*$")
# "**Training Data**", "- **License:** apache-2.0", "**Model Architecture** Llama 3 is ..."
_BOLD_LABEL = re.compile(r"^ {0,3}(?:[-*+][ \t]+)?(\*\*|__)(?P<title>[^*_\n]{1,80}?)\1[ \t]*[:：]?[ \t]*(?P<rest>.*)$")
# "- CO2 Emissions (in grams): 0.86": a list item naming a field of the card
_LIST_LABEL = re.compile(r"^ {0,3}[-*+][ \t]+(?P<title>[^:：\n`\[\]*_]{1,40}?)[ \t]*[:：][ \t]+(?P<rest>\S.*)$")
_MAX_LABEL_WORDS = 6
_NOT_A_SETEXT_TITLE = re.compile(r"^\s*(?:[-*+>|]|\d+[.)]\s|#|<|$)")
_BOLD_LEVEL = 7  # a bold label sits below every real heading level
_MAX_HEADING_LINE = 300  # longer lines are prose, and not worth a backtracking regex
_MAX_BARE_TITLE = 60
_BARE_TITLE_END = re.compile(r"[.,;:!]\s*$")


@dataclass(frozen=True)
class _Heading:
    index: int  # line index of the heading text
    height: int  # lines the heading occupies (2 for setext)
    level: int
    title: str
    inline_text: str  # text after a label on the same line, which belongs to its section


def _heading_at(lines: Sequence[_Line], n: int) -> _Heading | None:
    text = lines[n].text
    if len(text) > _MAX_HEADING_LINE:
        return None
    if atx := _ATX.match(text):
        return _Heading(n, 1, len(atx.group(1)), atx.group(2) or "", "")
    if bold := _BOLD_LABEL.match(text):
        return _Heading(n, 1, _BOLD_LEVEL, bold.group("title"), bold.group("rest"))
    label = _LIST_LABEL.match(text)
    if label and len(label.group("title").split()) <= _MAX_LABEL_WORDS:
        return _Heading(n, 1, _BOLD_LEVEL, label.group("title"), label.group("rest"))
    below = lines[n + 1] if n + 1 < len(lines) else None
    above_is_blank = n == 0 or not lines[n - 1].text.strip() or lines[n - 1].is_code
    if (
        below
        and not below.is_code
        and _SETEXT_UNDERLINE.match(below.text)
        and above_is_blank
        and len(text) <= 100
        and not _NOT_A_SETEXT_TITLE.match(text)
    ):
        return _Heading(n, 2, 1 if below.text.strip()[0] == "=" else 2, text.strip(), "")
    if _is_bare_title(lines, n):
        return _Heading(n, 1, _BOLD_LEVEL, text.strip(), "")
    return None


def _is_bare_title(lines: Sequence[_Line], n: int) -> bool:
    """A heading that lost its Markdown (cards copied from a rendered page): a short line
    on its own between blank lines, followed by text, whose words name a section kind."""
    text = lines[n].text.strip()
    if not text or len(text) > _MAX_BARE_TITLE or _BARE_TITLE_END.search(text) or _NOT_A_SETEXT_TITLE.match(text):
        return False
    if len(text.split()) > _MAX_LABEL_WORDS:
        return False
    above_blank = n == 0 or not lines[n - 1].text.strip()
    below_blank = n + 1 < len(lines) and not lines[n + 1].text.strip()
    text_follows = any(line.text.strip() for line in lines[n + 2 : n + 4])
    return above_blank and below_blank and text_follows and bool(heading_kinds(text))


def _find_headings(lines: Sequence[_Line]) -> list[_Heading]:
    headings = []
    n = 0
    while n < len(lines):
        heading = None if lines[n].is_code else _heading_at(lines, n)
        if heading:
            headings.append(heading)
        n += heading.height if heading else 1
    return headings


@lru_cache(maxsize=64)
def _layout(body: str) -> tuple[tuple[_Line, ...], tuple[_Heading, ...]]:
    """The body's lines and headings. Cached: the criteria read one card's sections,
    prose and credits several times, and splitting it is most of what each costs."""
    lines = _card_lines(body)
    return tuple(lines), tuple(_find_headings(lines))


MARKDOWN_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")  # group 1: the alt text
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")  # group 1: the link text
_EMPHASIS = re.compile(r"[*`]+|(?<!\w)_+|_+(?!\w)")  # keeps the "_" inside snake_case names


def plain_text(markdown: str) -> str:
    """Markdown and HTML reduced to their text: images to their alt text, links to their
    label, tags and emphasis markers dropped."""
    text = MARKDOWN_LINK.sub(r"\1", MARKDOWN_IMAGE.sub(r"\1", markdown))
    return _EMPHASIS.sub("", _HTML_TAG.sub(" ", text))


_LEADING_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.|[a-z]\)|step \d+:?)\s+")
_NOT_WORD_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def clean_heading(title: str) -> str:
    """Heading text as matched against SECTION_RULES: markup, emoji, leading numbering and
    "[optional]" removed, lower-cased, whitespace collapsed."""
    text = re.sub(r"\[optional\]", " ", plain_text(title).lower())
    text = _NOT_WORD_EDGES.sub("", " ".join(text.split()))
    return _LEADING_NUMBERING.sub("", text).strip()


# --- what a heading means ---------------------------------------------------------------


@dataclass(frozen=True)
class SectionRule:
    """A heading means `kind` when one of `keywords` is found in its cleaned text and none
    of `unless` is; with `content_needs`, its section text must also match that."""

    kind: str
    keywords: tuple[str, ...]  # regular expressions searched in the cleaned heading
    unless: tuple[str, ...] = ()
    content_needs: str | None = None

    @cached_property
    def _keyword_pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(self.keywords))

    @cached_property
    def _unless_pattern(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.unless)) if self.unless else None

    def names(self, heading: str) -> bool:
        """Whether a cleaned heading names this kind of section."""
        if not self._keyword_pattern.search(heading):
            return False
        return self._unless_pattern is None or not self._unless_pattern.search(heading)


_ENERGY_WORDS = r"co2|carbon|emission|energy|kwh|electricity|power consumption|碳排放|能耗"

SECTION_RULES: tuple[SectionRule, ...] = (
    SectionRule(
        "description",
        (
            r"\bdescription\b",
            r"\boverview\b",
            r"\bintroduction\b",
            r"\bintro\b",
            r"\bsummary\b",
            r"^about( (the|this) model)?$",
            r"^what is (this|it)( model)?$",
            "介绍",
            "简介",
            "概述",
            "概要",
        ),
    ),
    SectionRule(
        "architecture",
        (
            r"\barchitecture\b",
            r"\bmodel (details|specifications?|specs|configuration|config|structure|type)\b",
            r"\btechnical specifications?\b",
            r"\bmodel (size|parameters)\b",
            "模型架构",
            "模型结构",
            "架构",
            "模型配置",
        ),
        unless=(r"\bprompt\b",),
    ),
    SectionRule(
        "training_data",
        (
            r"\btrain\w*\b.*\bdata\b",
            r"\bdata ?sets?\b",
            r"\bdata used\b",
            r"\bcorp(us|ora)\b",
            r"^data\b",
            r"\bdata (sources?|collection|mixture|composition|preparation|curation)\b",
            "训练数据",
            "数据集",
            "语料",
            "数据",
        ),
        unless=(r"^(test|testing|eval\w*|validation|benchmark\w*)\b", "测试", "评测", "评估"),
    ),
    SectionRule(
        "training_procedure",
        (
            r"\btraining\b",
            r"\bpre-?training\b",
            r"\btrain\b",
            r"\bhow\b.*\btrained\b",
            "训练",
        ),
        unless=(r"\bdata\b", r"\bdata ?sets?\b", r"\bcorp(us|ora)\b", r"\bresults?\b", "数据"),
    ),
    SectionRule(
        "hyperparameters",
        (
            r"\bhyper-?\s?param",
            r"\btraining (config|configuration|setup|settings|arguments|args)\b",
            "超参",
        ),
    ),
    SectionRule(
        "finetuning",
        (
            r"\bfine-?\s?tun",
            r"\binstruction[- ]?tun",
            r"\bsft\b",
            r"\brlhf\b",
            r"\bdpo\b",
            r"\balignment\b",
            r"\bpreference (tuning|optimi[sz]ation|data)\b",
            r"\breward model",
            "微调",
            "对齐",
        ),
        unless=(r"\b(chat|prompt) (template|format)\b", r"\bfine-?\s?tuned from\b"),
    ),
    SectionRule(
        "evaluation",
        (
            r"\beval(uat\w*|s)?\b",
            r"\bresults?\b",
            r"\bbenchmarks?\b",
            r"\bperformance\b",
            r"\bleaderboard\b",
            r"\bmetrics?\b",
            r"\btesting\b",
            "评测",
            "评估",
            "测评",
            "性能",
            "效果",
            "验证",
        ),
    ),
    SectionRule(
        "intended_use",
        (
            r"\bintended\b",
            r"^uses?$",
            r"\buse cases?\b",
            r"\b(direct|downstream|primary) uses?\b",
            "用途",
            "使用场景",
            "应用场景",
        ),
        unless=(r"\bout[- ]of[- ]scope\b",),
    ),
    SectionRule(
        "limitations",
        (
            r"\blimitations?\b",
            r"\bbias(es)?\b",
            r"\brisks?\b",
            r"\bethic",
            r"\bsafety\b",
            r"\bout[- ]of[- ]scope\b",
            r"\bcaveats?\b",
            r"\bdisclaimer\b",
            r"\bmisuse\b",
            "局限",
            "限制",
            "风险",
            "偏见",
            "免责",
        ),
    ),
    SectionRule(
        "environmental_impact",
        (
            r"\benvironment(al)?\b",
            r"\bcarbon\b",
            r"\bco2",
            r"\bemissions?\b",
            r"\benergy\b",
            "碳排放",
        ),
    ),
    # Hardware sections are only environmental reporting when they give CO2 or energy.
    SectionRule(
        "environmental_impact",
        (
            r"\bcompute infrastructure\b",
            r"\bhardware\b",
            r"\bcompute\b",
            "硬件",
        ),
        content_needs=_ENERGY_WORDS,
    ),
    SectionRule("citation", (r"\bcitations?\b", r"\bcit(e|ing)\b", r"\bbibtex\b", "引用")),
    SectionRule(
        "how_to_use",
        (
            r"\busage\b",
            r"\bhow to (use|run|get started|load|download|infer)",
            r"\bquick ?start",
            r"\bget(ting)? started\b",
            r"\binference\b",
            r"\b(use|using|run|running) (it |the model |this model )?(with|in|from)\b",
            r"\binstall(ation|ing)?\b",
            r"\bexample (usage|code)\b",
            r"\bcode examples?\b",
            r"\bdemo\b",
            "使用",
            "调用",
            "快速开始",
            "快速上手",
            "推理",
            "部署",
            "安装",
            "示例",
        ),
    ),
    SectionRule("license", (r"\blicen[cs]", "协议", "许可", "授权", "ライセンス")),
)


def heading_kinds(title: str) -> frozenset[str]:
    """Section kinds a heading names, ignoring content conditions ("" names none)."""
    heading = clean_heading(title)
    return frozenset(rule.kind for rule in SECTION_RULES if heading and rule.names(heading))


# --- does a section say anything --------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"\[\s*(?:more information needed|needs? more information|optional)\s*\]"
    r"|\b(?:more information needed|needs? more information|more info needed|information needed"
    r"|coming soon|to be (?:added|updated|announced|released)|tbd|tba|n/a)\b"
    r"|\btodo\b[^\n]*|\{\{[^}\n]*\}\}|待补充|待更新|更新中",
    re.IGNORECASE,
)
# Sentences the Hub's model-card templates ship with; they say nothing about the model.
_TEMPLATE_SENTENCES_TEXT = (
    "Use the code below to get started with the model.",
    "Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model.",
    "More information needed for further recommendations.",
    (
        "Carbon emissions can be estimated using the Machine Learning Impact calculator presented in"
        " Lacoste et al. (2019)."
    ),
    "This is the model card of a 🤗 transformers model that has been pushed on the Hub.",
    "This model card has been automatically generated.",
)
_TEMPLATE_SENTENCES = re.compile(
    "|".join(re.escape(sentence).replace(r"\ ", r"\s+") for sentence in _TEMPLATE_SENTENCES_TEXT), re.IGNORECASE
)
_LABEL_ONLY_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*[^:\n]{1,80}[:：]\s*$", re.MULTILINE)


def _says_something(section_text: str) -> bool:
    text = _PLACEHOLDER.sub(" ", _TEMPLATE_SENTENCES.sub(" ", plain_text(section_text)))
    text = _LABEL_ONLY_LINE.sub("", text)
    return re.search(r"[^\W_]", text) is not None


_ANCHOR_LINK_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*\[[^\]\n]*\]\(#[^)\n]*\)\s*$")


def card_prose(body: str) -> str:
    """What the card says in its own words: its lines outside code, headings, HTML
    comments, tables of contents, the Hub template's sentences and placeholders."""
    lines, found = _layout(body or "")
    headings = {heading.index for heading in found}
    kept = [
        line.text
        for n, line in enumerate(lines)
        if not line.is_code and n not in headings and not _ANCHOR_LINK_LINE.match(line.text)
    ]
    return _PLACEHOLDER.sub(" ", _TEMPLATE_SENTENCES.sub(" ", "\n".join(kept)))


def _content_of_line(line: _Line) -> str:
    """A code line stands for itself as one word of content; a fence line is empty."""
    if not line.is_code:
        return line.text
    return "" if _FENCE_OPEN.match(line.text) else "code"


def _section_text(lines: Sequence[_Line], heading: _Heading, end: int, headings_by_line: dict[int, _Heading]) -> str:
    parts = [heading.inline_text]
    n = heading.index + heading.height
    while n < end:
        inner = headings_by_line.get(n)
        if inner:
            parts.append(inner.inline_text)
            n += inner.height
            continue
        parts.append(_content_of_line(lines[n]))
        n += 1
    return "\n".join(parts)


def _section_ends(headings: Sequence[_Heading], line_count: int) -> list[int]:
    """Line index where each heading's section ends: the next heading of the same or a
    higher level (smaller number), else the end of the card."""
    ends = [line_count] * len(headings)
    open_sections: list[int] = []
    for position, heading in enumerate(headings):
        while open_sections and headings[open_sections[-1]].level >= heading.level:
            ends[open_sections.pop()] = heading.index
        open_sections.append(position)
    return ends


def _is_document_title(heading: _Heading, headings: Sequence[_Heading]) -> bool:
    return heading is headings[0] and heading.level == 1 and sum(h.level == 1 for h in headings) == 1


def _raw_section_text(lines: Sequence[_Line], heading: _Heading, end: int) -> str:
    """The section's own lines as written (code included), after the heading line."""
    body = [line.text for line in lines[heading.index + heading.height : end]]
    return "\n".join([heading.inline_text, *body])


def section_texts(body: str) -> dict[str, tuple[str, ...]]:
    """The text (prose and code as written, less the Hub template's sentences) of each
    section with real content, by the section kinds its heading names: what
    `Card.sections` found, with what it says. The template's "a 🤗 transformers model"
    under its "Model Details" heading states no design."""
    lines, headings = _layout(body or "")
    by_line = {heading.index: heading for heading in headings}
    found: dict[str, list[str]] = {}
    for heading, end in zip(headings, _section_ends(headings, len(lines)), strict=True):
        if _is_document_title(heading, headings):
            continue
        cleaned = clean_heading(heading.title)
        rules = [rule for rule in SECTION_RULES if cleaned and rule.names(cleaned)]
        if not rules or not _says_something(_section_text(lines, heading, end, by_line)):
            continue
        text = _TEMPLATE_SENTENCES.sub(" ", _raw_section_text(lines, heading, end))
        for rule in rules:
            if rule.content_needs is None or re.search(rule.content_needs, text, re.IGNORECASE):
                found.setdefault(rule.kind, []).append(text)
    return {kind: tuple(texts) for kind, texts in found.items()}


def _sections_under_headings(lines: Sequence[_Line], headings: Sequence[_Heading]) -> set[str]:
    by_line = {heading.index: heading for heading in headings}
    kinds: set[str] = set()
    for heading, end in zip(headings, _section_ends(headings, len(lines)), strict=True):
        if _is_document_title(heading, headings):
            continue  # "# Instruction-tuned GPT" names the model, not a section of the card
        cleaned = clean_heading(heading.title)
        rules = [rule for rule in SECTION_RULES if cleaned and rule.kind not in kinds and rule.names(cleaned)]
        if not rules:
            continue
        text = _section_text(lines, heading, end, by_line)
        if not _says_something(text):
            continue
        kinds.update(
            rule.kind
            for rule in rules
            if rule.content_needs is None or re.search(rule.content_needs, text, re.IGNORECASE)
        )
    return kinds


_BIBTEX_ENTRY = re.compile(
    r"@(?:article|misc|inproceedings|incollection|conference|techreport|book|phdthesis"
    r"|mastersthesis|online|software|unpublished)\s*\{",
    re.IGNORECASE,
)
_LEAD_WORDS_FOR_DESCRIPTION = 25


def _lead_prose(lines: Sequence[_Line], headings: Sequence[_Heading]) -> str:
    """Prose before the first section: above any heading, or under a level-1 title."""
    if not headings:
        end = len(lines)
    elif headings[0].level == 1:
        end = headings[1].index if len(headings) > 1 else len(lines)
    else:
        end = headings[0].index
    return "\n".join(
        line.text
        for line in lines[:end]
        if not line.is_code and not line.text.lstrip().startswith(("<", "|", "![")) and not _ATX.match(line.text)
    )


def _sections(body: str) -> frozenset[str]:
    lines, headings = _layout(body)
    kinds = _sections_under_headings(lines, headings)
    if _BIBTEX_ENTRY.search(body):
        kinds.add("citation")
    lead = plain_text(_PLACEHOLDER.sub(" ", _lead_prose(lines, headings)))
    if _count_words(lead) >= _LEAD_WORDS_FOR_DESCRIPTION:
        kinds.add("description")
    return frozenset(kind for kind in SECTION_KINDS if kind in kinds)


# --- credits ----------------------------------------------------------------------------

_CREDIT_HEADING = re.compile(
    r"acknowledg|\bthanks?\b|credits?\b|citation|\bcite\b|references?\b|star history|contributors?\b"
    r"|related (?:work|projects?)|致谢|引用",
    re.IGNORECASE,
)


def sections_titled(markdown: str, title: re.Pattern[str]) -> list[str]:
    """The text (heading, prose and code, up to the next heading of the same or a higher
    level) of each section whose heading matches `title`."""
    lines, headings = _layout(markdown or "")
    return [
        "\n".join(line.text for line in lines[heading.index : end])
        for heading, end in zip(headings, _section_ends(headings, len(lines)), strict=True)
        if title.search(heading.title)
    ]


def without_credit_sections(markdown: str) -> str:
    """The text less its acknowledgement, citation and reference sections, where links
    credit others' work rather than name what the system is made of."""
    lines, headings = _layout(markdown or "")
    dropped: set[int] = set()
    for heading, end in zip(headings, _section_ends(headings, len(lines)), strict=True):
        if _CREDIT_HEADING.search(heading.title):
            dropped.update(range(heading.index, end))
    return "\n".join(line.text for n, line in enumerate(lines) if n not in dropped)


# --- tables and hyper-parameters ---------------------------------------------------------

_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
_HTML_CELL_BREAK = re.compile(r"<(?:td|th|tr)\b", re.IGNORECASE)
_NUMERIC_CELL = re.compile(r"^[~≈<>]?\s*[-+]?\d+(?:[.,]\d+)?\s*%?\s*(?:±\s*\d+(?:\.\d+)?)?$")
_BENCHMARK_WORDS = re.compile(
    r"\b(?:mmlu|c-?mmlu|gsm-?8k|human-?eval|mbpp|hellaswag|arc(?:-[ce])?|truthful-?qa|winogrande|bbh"
    r"|big-?bench|drop|math|c-?eval|agieval|mt-?bench|alpaca-?eval|piqa|boolq|openbookqa|lambada"
    r"|trivia-?qa|squad|glue|superglue|accuracy|acc|f1|bleu|rouge\w*|meteor|chrf|wer|cer|perplexity|ppl"
    r"|exact match|pass@\d+|score|avg|average|win rate|elo|recall|precision|auc|spearman|pearson"
    r"|mean reward|mrr|ndcg)\b",
    re.IGNORECASE,
)


def _markdown_tables(lines: Sequence[_Line]) -> Iterable[list[str]]:
    """Each Markdown table as its lines (header row, separator, body rows)."""
    for n, line in enumerate(lines):
        if n == 0 or line.is_code or not _TABLE_SEPARATOR.match(line.text) or "|" not in lines[n - 1].text:
            continue
        end = n + 1
        while end < len(lines) and "|" in lines[end].text and not lines[end].is_code:
            end += 1
        yield [row.text for row in lines[n - 1 : end]]


def _table_cells(rows: Iterable[str]) -> list[str]:
    return [plain_text(cell).strip() for row in rows for cell in row.split("|")]


def _html_tables(body: str) -> Iterable[str]:
    lowered = body.lower()
    start = lowered.find("<table")
    while start != -1:
        end = lowered.find("</table", start)
        if end == -1:
            return
        yield body[start:end]
        start = lowered.find("<table", end)


def _is_score_table(cells: list[str]) -> bool:
    numbers = sum(1 for cell in cells if _NUMERIC_CELL.match(cell))
    return numbers >= 2 and any(_BENCHMARK_WORDS.search(cell) for cell in cells)


def _has_eval_table(body: str, lines: Sequence[_Line]) -> bool:
    if any(_is_score_table(_table_cells(table)) for table in _markdown_tables(lines)):
        return True
    return any(
        _is_score_table(_table_cells(_HTML_CELL_BREAK.sub("|<", table).split("\n"))) for table in _html_tables(body)
    )


_HYPERPARAMETER_NAMES = {
    "learning_rate": r"learning[\s_-]?rate|\blr\b",
    "batch_size": r"batch[\s_-]?size",
    "epochs": r"\bepochs?\b|num[\s_-]?(?:train[\s_-]?)?epochs|n_epochs",
    "warmup": r"warm[\s_-]?up",
    "optimizer": r"\boptimi[sz]er\b|\badamw?\b|\bsgd\b",
    "weight_decay": r"weight[\s_-]?decay",
    "sequence_length": r"seq(?:uence)?[\s_-]?len(?:gth)?|context[\s_-]?(?:length|len|window)|block[\s_-]?size"
    r"|cutoff[\s_-]?len|max[\s_-]?seq",
    "lr_schedule": r"(?:lr|learning[\s_-]?rate)[\s_-]?schedul",
    "gradient_accumulation": r"grad(?:ient)?[\s_-]?accum",
    "training_steps": r"(?:max|total|training|train|num)[\s_-]?(?:train[\s_-]?)?steps|n_timesteps",
    "dropout": r"\bdropout\b",
    "precision": r"mixed[\s_-]?precision|\b(?:fp16|bf16)\b",
    "lora": r"lora[\s_-]?(?:r|rank|alpha|dropout)\b",
    "rl_coefficients": r"\bgamma\b|ent[\s_-]?coef|clip[\s_-]?range|gae[\s_-]?lambda",
}
# Matched on lower-cased text; the leading look-ahead cheaply skips positions no name starts at.
_HYPERPARAMETER = re.compile(
    "(?=[a-z])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _HYPERPARAMETER_NAMES.items()) + ")"
)
_STRUCTURED_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|\|)|^\s*[\w .()/-]{1,40}\s*[:=]\s*\S|<t[dh]\b|<li\b")


def _has_hyperparameters(lines: Sequence[_Line]) -> bool:
    structured = "\n".join(line.text for line in lines if line.is_code or _STRUCTURED_LINE.search(line.text))
    named = {match.lastgroup for match in _HYPERPARAMETER.finditer(structured.lower())}
    return len(named) >= 2


# --- access restrictions ----------------------------------------------------------------

# Phrases that state restricted access, each matched from the start of a word.
_RESTRICTION_PHRASES = (
    r"(?:is|are|been|be)\s+gated\b",
    r"gated\s+(?:model|repo|repository|access|behind)\b",
    r"request(?:ing)?\s+access\b",
    r"access\s+requests?\b",
    r"share\s+your\s+contact\s+information\b",
    r"accept\w*\s+(?:the\s+)?(?:licen[cs]e|terms|conditions|agreement)",
    r"agree\w*\s+to\s+(?:the\s+)?(?:licen[cs]e|terms|conditions)",
    r"non-?\s?commercial\b",
    r"cc[\s-]by[\s-](?:sa[\s-])?nc\b",
    r"not\s+for\s+commercial\b",
    r"research\s+(?:purposes?|use)\s+only\b",
    r"only\s+for\s+(?:academic\s+|non-commercial\s+)?research\b",
    r"restricted\s+(?:to|for)\s+(?:academic\s+)?research\b",
    r"outside\s+of\s+research\s+purposes\b",
    r"apply\s+for\s+(?:access|a\s+licen|the\s+licen|commercial|permission|the\s+(?:model|weights))",
    r"application\s+form\b",
    r"fill\s+(?:out|in)\s+(?:the|this|a|our)\s+(?:\w+\s+)?form\b",
    r"(?:available|provided|released|shared)\s+(?:up)?on\s+request\b",
    r"upon\s+request\b",
    r"delta\s+(?:weights?|model|parameters)\b",
    r"weight\s+diffs?\b",
    r"xor\b",
    r"apply(?:ing)?\s+(?:the\s+)?(?:delta|diff)\b",
)
# The same in Chinese: "for ... only", "no commercial use", "non-commercial", "apply", "register".
_RESTRICTION_PHRASES_CJK = ("仅供", "禁止商用", "不可商用", "不得用于商业", "非商业", "申请", "登记")
# One leading \b for all English phrases lets the regex skip most positions cheaply.
_RESTRICTION_PATTERNS = re.compile(
    r"\b(?:" + "|".join(_RESTRICTION_PHRASES) + ")|" + "|".join(_RESTRICTION_PHRASES_CJK), re.IGNORECASE
)
# Statements that mention a restriction only to say there is none.
_NOT_A_RESTRICTION = re.compile(r"\bcommercial\s+(?:or|and|and/or)\s+non-?\s?commercial\b", re.IGNORECASE)
# Sentence ends: ". " and the like, after a CJK full stop, "！" or "？", and at line breaks
# (list items and table rows end there).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+")


def sentences(text: str) -> list[str]:
    """The sentences and lines of a text, blank ones left out."""
    return [part for part in _SENTENCE_BREAK.split(text) if part.strip()]


_MAX_SENTENCE = 240


def _shorten(sentence: str, match: re.Match[str]) -> str:
    if len(sentence) <= _MAX_SENTENCE:
        return sentence
    start = max(0, match.start() - _MAX_SENTENCE // 2)
    return "…" + sentence[start : start + _MAX_SENTENCE].strip() + "…"


def _is_table_row(line: _Line) -> bool:
    return line.text.count("|") >= 2


def _access_restrictions(lines: Sequence[_Line], metadata: dict) -> tuple[str, ...]:
    # Table rows are left out: comparison tables list the licenses of *other* models.
    prose = plain_text("\n".join(line.text for line in lines if not line.is_code and not _is_table_row(line)))
    found: list[str] = []
    found_sentences = sentences(prose) if _RESTRICTION_PATTERNS.search(prose) else []
    for sentence in found_sentences:
        sentence = " ".join(sentence.split()).strip(" -#>|")
        match = _RESTRICTION_PATTERNS.search(sentence)
        if match and not _NOT_A_RESTRICTION.search(sentence):
            short = _shorten(sentence, match)
            if short not in found:
                found.append(short)
    gating_keys = sorted(str(key) for key in metadata if str(key).startswith("extra_gated"))
    if gating_keys:
        found.append(f"Access is gated: the front matter sets {', '.join(gating_keys)}.")
    return tuple(found)


# --- words ------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_URL_TEXT = re.compile(r"https?://\S+|\]\([^)\s]*\)")


def _count_words(text: str) -> int:
    """Whitespace-separated words with a letter or digit; CJK scripts count per character."""
    cjk_characters = len(_CJK.findall(text))
    other_words = sum(1 for token in _CJK.sub(" ", text).split() if any(char.isalnum() for char in token))
    return cjk_characters + other_words


def _prose_word_count(lines: Sequence[_Line]) -> int:
    prose = "\n".join(line.text for line in lines if not line.is_code)
    return _count_words(_HTML_TAG.sub(" ", _URL_TEXT.sub(" ", prose)))


# --- the card ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def parse_card(text: str | None) -> Card:
    """Everything this module can read from a card's text; None or "" gives an empty Card.

    Cached: one card is often read for several projects in a run (a shared base model),
    and the Card is immutable."""
    metadata, error, body = split_front_matter(text or "")
    lines, _ = _layout(body)
    return Card(
        metadata=metadata,
        metadata_error=error,
        body=body,
        sections=_sections(body),
        links=tuple(find_links(body)),
        pip_targets=tuple(pip_install_targets(body)),
        access_restrictions=_access_restrictions(lines, metadata),
        has_hyperparameters=_has_hyperparameters(lines),
        has_eval_table=_has_eval_table(body, lines),
        word_count=_prose_word_count(lines),
    )
