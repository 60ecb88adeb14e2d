"""Paper evidence from arXiv: entries of an Atom feed as `Paper` records, whether each
is peer reviewed (journal reference, DOI, or a venue named in the comment), and which
stages of a model (pre-training, fine-tuning, RLHF, data, architecture) it covers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from index.evidence.cards import MARKDOWN_IMAGE, MARKDOWN_LINK

# Atom from a known service is parsed with the standard library; the cap keeps a
# hostile or broken body from costing much.
MAX_FEED_BYTES = 5_000_000

_NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
}
_ERROR_ID_PREFIX = "http://arxiv.org/api/errors"


@dataclass(frozen=True)
class Paper:
    arxiv_id: str  # without version
    url: str  # https://arxiv.org/abs/{id}
    title: str
    summary: str
    published: str | None
    journal_ref: str | None
    doi: str | None
    comment: str | None
    peer_reviewed: bool
    topics: frozenset[str]  # see _TOPIC_PATTERNS


def parse_arxiv_feed(xml_text: str, requested_id: str | None = None) -> list[Paper]:
    """Papers in an arXiv API feed; only the requested one when an id is given.

    Error entries, malformed XML and oversized bodies give [].
    """
    if isinstance(xml_text, bytes):
        xml_text = xml_text.decode("utf-8", errors="replace")
    if not isinstance(xml_text, str) or len(xml_text) > MAX_FEED_BYTES:
        return []
    try:
        feed = ET.fromstring(xml_text)
    except (ET.ParseError, ValueError):
        return []
    wanted = arxiv_id_without_version(requested_id) if requested_id else None
    papers = [_paper(entry) for entry in feed.findall("atom:entry", _NAMESPACES)]
    return [paper for paper in papers if paper is not None and (wanted is None or paper.arxiv_id == wanted)]


def arxiv_id_without_version(text: str) -> str:
    """'http://arxiv.org/abs/2306.01116v2', 'arXiv:2306.01116' -> '2306.01116'."""
    cleaned = text.strip()
    cleaned = re.sub(r"^https?://(export\.)?arxiv\.org/(abs|pdf)/", "", cleaned)
    cleaned = re.sub(r"^arxiv:", "", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\.pdf$", "", cleaned)
    return re.sub(r"v\d+$", "", cleaned)


def paper_topics(title: str, summary: str) -> frozenset[str]:
    """The model-building stages a paper's title and abstract speak about."""
    text = f"{title or ''} {summary or ''}".lower()
    return frozenset(topic for topic, pattern in _TOPIC_PATTERNS.items() if re.search(pattern, text))


def is_peer_reviewed(journal_ref: str | None, doi: str | None, comment: str | None) -> bool:
    """A journal reference or DOI, or a comment saying the paper was accepted at a venue."""
    if journal_ref or doi:
        return True
    # Judge each clause apart: "Accepted at ACL 2023; extended version under review".
    clauses = re.split(r"[;\n]|\.\s", comment or "")
    return any(_clause_reports_acceptance(clause) for clause in clauses)


def _paper(entry: ET.Element) -> Paper | None:
    entry_id = _text(entry, "atom:id")
    if not entry_id or entry_id.startswith(_ERROR_ID_PREFIX):
        return None
    arxiv_id = arxiv_id_without_version(entry_id)
    title = _text(entry, "atom:title") or ""
    summary = _text(entry, "atom:summary") or ""
    journal_ref = _text(entry, "arxiv:journal_ref")
    doi = _text(entry, "arxiv:doi")
    comment = _text(entry, "arxiv:comment")
    return Paper(
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        title=title,
        summary=summary,
        published=_text(entry, "atom:published"),
        journal_ref=journal_ref,
        doi=doi,
        comment=comment,
        peer_reviewed=is_peer_reviewed(journal_ref, doi, comment),
        topics=paper_topics(title, summary),
    )


def _text(entry: ET.Element, path: str) -> str | None:
    """The element's text with whitespace runs collapsed; None when absent or empty."""
    element = entry.find(path, _NAMESPACES)
    if element is None or not element.text:
        return None
    return " ".join(element.text.split()) or None


# --- peer review -----------------------------------------------------------------------

_VENUE_ACRONYMS = (
    r"ACL|EMNLP|NAACL|EACL|AACL|COLING|CoNLL|LREC|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|CVPR"
    r"|ICCV|ECCV|WACV|KDD|SIGIR|WWW|WSDM|AISTATS|UAI|COLM|ICASSP|Interspeech|TMLR|JMLR|TACL"
)
_VENUE = re.compile(rf"\b(?:{_VENUE_ACRONYMS})\b", re.IGNORECASE)
_GENERIC_VENUE = re.compile(
    r"\b(?:transactions|journal|proceedings|conference|workshop|symposium)\b",
    re.IGNORECASE,
)
_ACCEPTANCE = re.compile(
    r"\b(?:accepted|published|to appear|appears? in|appeared in|camera[- ]ready"
    r"|presented at|oral|spotlight|main conference|findings of)\b",
    re.IGNORECASE,
)
_NOT_YET_REVIEWED = re.compile(
    r"\b(?:under review|submitted|in submission|under submission|in preparation"
    r"|work in progress|rejected)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d|'\d\d\b")


def _clause_reports_acceptance(clause: str) -> bool:
    # A named venue with a year ("ACL 2023") or an acceptance verb counts; a generic
    # word like "conference" needs the verb ("an extended conference paper" does not).
    if not clause.strip() or _NOT_YET_REVIEWED.search(clause):
        return False
    if _VENUE.search(clause):
        return bool(_ACCEPTANCE.search(clause) or _YEAR.search(clause))
    return bool(_GENERIC_VENUE.search(clause) and _ACCEPTANCE.search(clause))


_VENUE_WITH_YEAR = re.compile(rf"\b(?:{_VENUE_ACRONYMS})\s*['’]?\s*(?:(?:19|20)\d\d|\d\d)\b", re.IGNORECASE)
_ANY_URL = re.compile(r"https?://\S+")
_NEAR_LINK = 120  # characters around a link where a venue label belongs to it


def venue_stated_with_link(text: str, arxiv_id: str) -> str | None:
    """A venue with its year that a README or card writes next to its link to this arXiv
    paper: "[GLM@ACL 22]", "(ACL 2022)", "* [ICLR 2024] [Title](…)". Only the same line
    counts, and not past a neighbouring link, so a list of papers does not lend one
    paper's venue to the next."""
    if not isinstance(text, str) or not arxiv_id:
        return None
    link = re.compile(rf"arxiv\.org/(?:abs|pdf)/{re.escape(arxiv_id)}(?:v\d+)?(?:\.pdf)?\b", re.IGNORECASE)
    for match in link.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end == -1 else line_end
        after = text[match.end() : min(line_end, match.end() + _NEAR_LINK)]
        after = _ANY_URL.split(after, maxsplit=1)[0]
        before = text[max(line_start, match.start() - _NEAR_LINK) : match.start()]
        # A label before the link is this link's only when no other link precedes it
        # ("[A](…) (ACL 2022) | [B](…)": the label is A's).
        before = "" if _ANY_URL.search(before) else before
        venue = _VENUE_WITH_YEAR.search(after) or _VENUE_WITH_YEAR.search(before)
        if venue:
            return venue.group(0)
    return None


# How a text presents a link as a paper: its anchor or badge text, or the label before it
# ("Paper:", "📃"), names a paper, a venue or a citation ("[EMNLP Paper](…)", "url = {…}").
# A link on a method's name ("Employs [subln](…) normalization") cites what the model reuses.
_PAPER_LABEL = re.compile(
    rf"\b(?:paper|publication|proceedings|article|cite|citation|bibtex|{_VENUE_ACRONYMS})\b"
    r"|\burl\s*=\s*[{\"]?\s*$|howpublished|论文|📃|📄",
    re.IGNORECASE,
)


def presents_as_paper(line: str, url: str) -> bool:
    """The line presents `url` as a paper: the Markdown link text around it (a badge's alt
    text included) or, for a bare URL, the words before it since the last link, name a
    paper, a venue or a citation."""
    start = line.find(url)
    if start < 0:
        return False
    before = MARKDOWN_IMAGE.sub(r" \1 ", line[:start])
    if before.endswith("]("):
        opening = before.rfind("[", 0, len(before) - 2)
        label = before[opening + 1 : -2] if opening >= 0 else ""
    else:
        label = _ANY_URL.split(before)[-1]
    return bool(_PAPER_LABEL.search(label))


# A line that speaks of the paper as its writers' own, or of this model: "our paper",
# "we published", "the model was presented at".
_OWN_VOICE = re.compile(r"\b(?:our|we|us)\b|\bthis (?:model|system|work)\b|\bthe model\b|我们|本文", re.IGNORECASE)
# A label line gives a paper with at most this many words of its own: "Published at ACL
# 2024: <url>", a badge, a BibTeX `url = ...` field. A longer sentence must say whose it is.
LABEL_LINE_MAX_WORDS = 6


def claims_paper_as_own(line: str) -> bool:
    """The line gives a paper as the makers': a label with a few words at most, or a
    sentence in their own voice. "Please also cite the ACL paper that inspired it" names
    a paper, but another's."""
    prose = _ANY_URL.sub(" ", MARKDOWN_LINK.sub(" ", MARKDOWN_IMAGE.sub(r" \1 ", line)))
    return len(re.findall(r"\w+", prose)) <= LABEL_LINE_MAX_WORDS or bool(_OWN_VOICE.search(prose))


# A line in which the makers present a paper as their own: "our technical report",
# "we released a paper", "更新了一篇技术报告" (updated a technical report).
_ANNOUNCED_AS_OWN = re.compile(
    r"\bour\s+(?:[\w-]+\s+){0,2}(?:papers?|reports?|preprints?)\b"
    r"|\bwe\s+(?:have\s+)?(?:release|publish|update|post)(?:e?d)?\s+(?:a|an|our|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:paper|report|preprint)\b"
    r"|(?:发布|更新|公开)了?(?:一篇|我们的)?(?:技术报告|论文)",
    re.IGNORECASE,
)
_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/+(\d{4}\.\d{4,5})", re.IGNORECASE)


def papers_announced_as_own(text: str) -> frozenset[str]:
    """arXiv ids the text links on a line presenting the paper as the authors' own (see
    _ANNOUNCED_AS_OWN): a lab's report is theirs whatever its title names."""
    if not isinstance(text, str) or "arxiv" not in text.lower():
        return frozenset()
    return frozenset(
        arxiv_id
        for line in text.splitlines()
        for arxiv_id in _ARXIV_LINK.findall(line)
        if _ANNOUNCED_AS_OWN.search(line)
    )


# --- topics ----------------------------------------------------------------------------

# Stages read from the title and abstract: what the paper reports doing, not the models it
# mentions ("base models", "foundation models" name other people's models).
_TOPIC_PATTERNS = {
    "pretraining": (
        r"pre-?train|trained from scratch|from scratch"
        r"|\b\d+(?:\.\d+)?\s*(?:[bt]|billion|trillion)\s+(?:\w+\s+)?tokens\b|corpus of [^.]{0,30}tokens"
    ),
    "finetuning": (
        r"instruction[- ]tun|fine-?tun|\bsft\b|supervised fine|chat models?"
        r"|instruction[- ]following|instruction data|follow\w*\s+(?:\w+\s+)?instructions"
        # "post-training" is tuning; "post-training quantization" is not.
        r"|post-?train(?:ing|ed)?\b(?!\s+quantiz)"
    ),
    "rlhf": (
        r"\brlhf\b|human feedback|preference|reward|reinforcement learning|\brl\b|\bgrpo\b"
        r"|\bppo\b|proximal policy|\bdpo\b|alignment|\baligned?\b|\baligning\b"
    ),
    "data": r"\bdatasets?\b|\bdata ?set\b|\bcorpus\b|\bcorpora\b|data collection",
    "architecture": (
        r"architecture|attention|transformer|\bparameters?\b|mixture[- ]of[- ]experts"
        r"|\blayers?\b|positional (?:encoding|embedding)|recurrent|\brnns?\b"
    ),
}
