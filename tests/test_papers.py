"""arXiv feed parsing, peer-review detection and paper topics, on realistic feeds and
on every arXiv response in the calibration captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.captures import capture_files, iter_records
from index.evidence.papers import (
    MAX_FEED_BYTES,
    Paper,
    arxiv_id_without_version,
    claims_paper_as_own,
    is_peer_reviewed,
    paper_topics,
    parse_arxiv_feed,
    presents_as_paper,
    venue_stated_with_link,
)

FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
    ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
    "  <title>ArXiv Query: id_list=2305.18290,2203.02155</title>\n"
    "  <opensearch:totalResults>2</opensearch:totalResults>\n"
)
DPO_ENTRY = """
  <entry>
    <id>http://arxiv.org/abs/2305.18290v3</id>
    <updated>2024-07-29T22:26:36Z</updated>
    <published>2023-05-29T17:57:46Z</published>
    <title>Direct Preference Optimization: Your Language Model is Secretly a
      Reward Model</title>
    <summary>  While large-scale unsupervised language models (LMs) learn broad world
knowledge, we fine-tune LMs to align with human preferences.
</summary>
    <author><name>Rafael Rafailov</name></author>
    <arxiv:comment>NeurIPS 2023 camera-ready</arxiv:comment>
    <link href="http://arxiv.org/abs/2305.18290v3" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.LG"/>
  </entry>"""
INSTRUCTGPT_ENTRY = """
  <entry>
    <id>http://arxiv.org/abs/2203.02155v1</id>
    <published>2022-03-04T07:04:42Z</published>
    <title>Training language models to follow instructions with human feedback</title>
    <summary>We fine-tune GPT-3 using supervised learning and then reinforcement learning
from human feedback. Our 1.3B parameter InstructGPT model is preferred.</summary>
    <arxiv:comment>Under review at a journal</arxiv:comment>
    <arxiv:doi>10.48550/arXiv.2203.02155</arxiv:doi>
    <arxiv:journal_ref>Advances in Neural Information Processing Systems 35 (2022)</arxiv:journal_ref>
  </entry>"""
ERROR_FEED = (
    FEED_HEAD
    + """
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345v99x</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345v99x</summary>
  </entry>
</feed>"""
)


def test_parse_feed_entries() -> None:
    papers = parse_arxiv_feed(FEED_HEAD + DPO_ENTRY + INSTRUCTGPT_ENTRY + "</feed>")
    assert [paper.arxiv_id for paper in papers] == ["2305.18290", "2203.02155"]
    dpo = papers[0]
    assert dpo == Paper(
        arxiv_id="2305.18290",
        url="https://arxiv.org/abs/2305.18290",
        title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
        summary="While large-scale unsupervised language models (LMs) learn broad world "
        "knowledge, we fine-tune LMs to align with human preferences.",
        published="2023-05-29T17:57:46Z",
        journal_ref=None,
        doi=None,
        comment="NeurIPS 2023 camera-ready",
        peer_reviewed=True,
        topics=frozenset({"finetuning", "rlhf"}),
    )


def test_journal_ref_or_doi_marks_a_published_version() -> None:
    instructgpt = parse_arxiv_feed(FEED_HEAD + INSTRUCTGPT_ENTRY + "</feed>")[0]
    assert instructgpt.doi == "10.48550/arXiv.2203.02155"
    assert instructgpt.journal_ref == "Advances in Neural Information Processing Systems 35 (2022)"
    assert instructgpt.peer_reviewed is True
    assert instructgpt.topics == frozenset({"finetuning", "rlhf", "architecture"})


@pytest.mark.parametrize(
    "requested",
    [
        "2203.02155",
        "2203.02155v1",
        "arXiv:2203.02155",
        "https://arxiv.org/abs/2203.02155",
    ],
)
def test_requested_id_selects_its_entry(requested: str) -> None:
    papers = parse_arxiv_feed(FEED_HEAD + DPO_ENTRY + INSTRUCTGPT_ENTRY + "</feed>", requested)
    assert [paper.arxiv_id for paper in papers] == ["2203.02155"]


def test_requested_id_not_in_feed_gives_nothing() -> None:
    assert parse_arxiv_feed(FEED_HEAD + DPO_ENTRY + "</feed>", "2101.00027") == []


@pytest.mark.parametrize(
    "body",
    [
        ERROR_FEED,
        FEED_HEAD + "</feed>",
        (FEED_HEAD + DPO_ENTRY)[:-40],  # truncated
        "",
        "not xml at all",
        '{"json": "instead"}',
        "<feed><entry><id>http://arxiv.org/abs/1</id></entry></feed>",  # no Atom namespace
        None,
        42,
        FEED_HEAD + DPO_ENTRY + " " * MAX_FEED_BYTES + "</feed>",
    ],
)
def test_errors_and_malformed_feeds_give_no_papers(body: object) -> None:
    assert parse_arxiv_feed(body) == []  # type: ignore[arg-type]


def test_bytes_bodies_are_decoded() -> None:
    body = (FEED_HEAD + DPO_ENTRY + "</feed>").encode()
    assert [paper.arxiv_id for paper in parse_arxiv_feed(body)] == ["2305.18290"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "arxiv_id"),
    [
        ("http://arxiv.org/abs/2306.01116v2", "2306.01116"),
        ("http://arxiv.org/abs/1909.08593", "1909.08593"),
        ("https://arxiv.org/pdf/2306.01116v1.pdf", "2306.01116"),
        ("arXiv:2306.01116", "2306.01116"),
        ("http://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
    ],
)
def test_arxiv_id_without_version(text: str, arxiv_id: str) -> None:
    assert arxiv_id_without_version(text) == arxiv_id


@pytest.mark.parametrize(
    ("comment", "reviewed"),
    [
        ("Accepted at ACL 2023", True),
        ("EMNLP 2023 (main conference)", True),
        ("NeurIPS'23 camera-ready", True),
        ("Findings of EMNLP 2023", True),
        ("Accepted to the main conference of NAACL", True),
        ("Published in Transactions on Machine Learning Research (10/2023)", True),
        ("Accepted as a workshop paper at ICLR 2023", True),
        ("To appear in Proceedings of the AAAI Conference", True),
        ("Accepted at COLING 2024; extended version under review", True),
        ("Submitted to NeurIPS 2023", False),
        ("Under review at ICLR 2024", False),
        ("Work in progress. Submitted to ACL", False),
        ("An extended version of our conference paper", False),
        ("Technical report, 20 pages, 5 figures", False),
        ("Code at https://github.com/o/r", False),
        ("", False),
        (None, False),
    ],
)
def test_peer_review_from_comment(comment: str | None, reviewed: bool) -> None:
    assert is_peer_reviewed(None, None, comment) is reviewed


@pytest.mark.parametrize(
    ("title", "summary", "topics"),
    [
        (
            "GLM-130B: An Open Bilingual Pre-trained Model",
            "We pre-train on a corpus of 400B tokens.",
            {"pretraining", "data"},
        ),
        (
            "Llama 2: Open Foundation and Fine-Tuned Chat Models",
            "We release pretrained and fine-tuned large language models.",
            {"pretraining", "finetuning"},
        ),
        (
            "Fine-Tuning Language Models from Human Preferences",
            "We train a reward model and optimise with PPO.",
            {"finetuning", "rlhf"},
        ),
        (
            "The Pile: An 800GB Dataset of Diverse Text for Language Modeling",
            "",
            {"data"},
        ),
        (
            "FlashAttention: Fast and Memory-Efficient Exact Attention",
            "",
            {"architecture"},
        ),
        (
            "Stanford Alpaca",
            "7B model trained on 2 trillion tokens, then instruction tuned.",
            {"pretraining", "finetuning"},
        ),
        ("Measuring Massive Multitask Chinese Understanding", "", set()),
    ],
)
def test_paper_topics(title: str, summary: str, topics: set[str]) -> None:
    assert paper_topics(title, summary) == frozenset(topics)


# --- real captures ---------------------------------------------------------------------


def _arxiv_bodies(calibration: Path) -> dict[str, str]:
    bodies = {}
    for path in capture_files(calibration / "captures"):
        for _, record in iter_records(path):
            if record["url"].startswith("https://export.arxiv.org/api/query?id_list="):
                bodies[record["url"].split("id_list=", 1)[1]] = record.get("body") or ""
    return bodies


def test_every_calibration_feed_parses_to_its_paper(calibration: Path) -> None:
    bodies = _arxiv_bodies(calibration)
    assert len(bodies) > 25
    for requested, body in bodies.items():
        papers = parse_arxiv_feed(body, requested)
        assert [paper.arxiv_id for paper in papers] == [requested]
        assert papers[0].title


def test_refinedweb_entry(calibration: Path) -> None:
    [refinedweb] = parse_arxiv_feed(_arxiv_bodies(calibration)["2306.01116"], "2306.01116")
    assert refinedweb.title == (
        "The RefinedWeb Dataset for Falcon LLM: Outperforming Curated Corpora with Web Data, and Web Data Only"
    )
    assert refinedweb.url == "https://arxiv.org/abs/2306.01116"
    assert "data" in refinedweb.topics


@pytest.mark.parametrize(
    ("text", "arxiv_id", "venue"),
    [
        (
            '📃 <a href="https://arxiv.org/abs/2103.10360" target="_blank">[GLM@ACL 22]</a> '
            '<a href="https://github.com/THUDM/GLM">[GitHub]</a> • 📃 '
            '<a href="https://arxiv.org/abs/2210.02414" target="_blank">[GLM-130B@ICLR 23]</a>',
            "2210.02414",
            "ICLR 23",
        ),
        (
            '<a href="https://arxiv.org/abs/2304.12244" target="_blank">[WizardLM] @ICLR2024</a>',
            "2304.12244",
            "ICLR2024",
        ),
        ("[GLM: General Language Model](https://arxiv.org/abs/2103.10360) (ACL 2022)", "2103.10360", "ACL 2022"),
        ("* [ACL 2022] [P-Tuning v2](https://arxiv.org/pdf/2110.07602.pdf)", "2110.07602", "ACL 2022"),
        # A label after one link is not the next link's.
        (
            "| [A](https://arxiv.org/abs/1111.11111) (ACL 2022) | [B](https://arxiv.org/abs/2222.22222) |",
            "2222.22222",
            None,
        ),
        # A venue on another line, or none at all.
        ("Paper: https://arxiv.org/abs/2401.00001\n\nWe thank the ACL 2022 reviewers.", "2401.00001", None),
        ("Paper: https://arxiv.org/abs/2401.00001", "2401.00001", None),
        ("(ACL 2022) https://arxiv.org/abs/2401.00002", "2401.00001", None),  # another paper's id
    ],
)
def test_venue_stated_with_link(text: str, arxiv_id: str, venue: str | None) -> None:
    assert venue_stated_with_link(text, arxiv_id) == venue


@pytest.mark.parametrize(
    ("line", "url", "expected"),
    [
        # A badge whose alt text names the paper, a plain "Paper:" label, a citation's url.
        (
            "[![EMNLP Paper](https://img.shields.io/badge/EMNLP_Paper-grey.svg)](https://aclanthology.org/2023.emnlp-main.530/)",
            "https://aclanthology.org/2023.emnlp-main.530/",
            True,
        ),
        ("- **Paper:** https://openreview.net/forum?id=RCdoMrg4I0", "https://openreview.net/forum?id=RCdoMrg4I0", True),
        ("  url = {https://aclanthology.org/2024.acl-long.1},", "https://aclanthology.org/2024.acl-long.1", True),
        (
            "Our work appears at [ICML 2024](https://proceedings.mlr.press/v235/x24a.html).",
            "https://proceedings.mlr.press/v235/x24a.html",
            True,
        ),
        # A method the model reuses, cited on its name; a label that belongs to another link.
        (
            "* Employs [`subln`](https://proceedings.mlr.press/v202/wang23u.html) normalization.",
            "https://proceedings.mlr.press/v202/wang23u.html",
            False,
        ),
        (
            "[Paper](https://arxiv.org/abs/2501.1) uses [FlashAttention](https://proceedings.neurips.cc/p/1.html)",
            "https://proceedings.neurips.cc/p/1.html",
            False,
        ),
    ],
)
def test_a_venue_link_is_the_makers_paper_only_when_presented_as_one(line: str, url: str, expected: bool) -> None:
    assert presents_as_paper(line, url) is expected


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("Published at ACL 2024: https://aclanthology.org/2024.acl-long.1", True),
        (
            "[![EMNLP Paper](https://img.shields.io/badge/EMNLP_Paper-grey.svg)](https://aclanthology.org/2023.emnlp-main.530)",
            True,
        ),
        ('    url = "https://aclanthology.org/2023.emnlp-main.530",', True),
        ("Our paper describing the model was accepted: [ACL 2024](https://aclanthology.org/2024.acl-long.1)", True),
        (
            "If you use it, please also cite the [ACL 2023 paper](https://aclanthology.org/2023.acl-long.1/) "
            "on instruction tuning that inspired it.",
            False,
        ),
        (
            "It follows the work on preference tuning in the [NeurIPS 2023 paper](https://openreview.net/forum?id=x).",
            False,
        ),
    ],
    ids=["label", "badge", "bibtex-url", "own-voice", "credited-inspiration", "the-work-of-others"],
)
def test_a_venue_link_is_the_makers_paper_on_a_label_line_or_in_their_voice(line: str, own: bool) -> None:
    assert claims_paper_as_own(line) is own
