"""The page a person would open for each URL shape the crawler fetches (crawler/pages.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.pages import human_page
from index.demo import DEMO_CAPTURES

SHAPES = [
    # Hub model info and card (CAPTURES.md endpoint table)
    ("https://huggingface.co/api/models/allenai/OLMo-7B-Instruct", "https://huggingface.co/allenai/OLMo-7B-Instruct"),
    (
        "https://huggingface.co/allenai/OLMo-7B-Instruct/resolve/main/README.md",
        "https://huggingface.co/allenai/OLMo-7B-Instruct",
    ),
    ("https://huggingface.co/api/models/gpt2", "https://huggingface.co/gpt2"),
    ("https://huggingface.co/gpt2/resolve/main/README.md", "https://huggingface.co/gpt2"),
    # Hub dataset info and card, with an owner and a legacy canonical one without
    ("https://huggingface.co/api/datasets/allenai/dolma", "https://huggingface.co/datasets/allenai/dolma"),
    (
        "https://huggingface.co/datasets/allenai/dolma/resolve/main/README.md",
        "https://huggingface.co/datasets/allenai/dolma",
    ),
    ("https://huggingface.co/api/datasets/squad", "https://huggingface.co/datasets/squad"),
    ("https://huggingface.co/datasets/squad/resolve/main/README.md", "https://huggingface.co/datasets/squad"),
    # one file of a Hub repo: its blob page
    (
        "https://huggingface.co/acme/Widget-7B/resolve/main/config.json",
        "https://huggingface.co/acme/Widget-7B/blob/main/config.json",
    ),
    # the Hub listing (discovery, registry check): the web listing with the same filters
    (
        "https://huggingface.co/api/models?author=acme&expand=downloads&limit=1000&pipeline_tag=text-generation"
        "&sort=downloads",
        "https://huggingface.co/models?author=acme&pipeline_tag=text-generation&sort=downloads",
    ),
    ("https://huggingface.co/api/models?limit=1000", "https://huggingface.co/models"),
    # GitHub repo, README, tree (also a branch with a slash), a file
    ("https://api.github.com/repos/allenai/OLMo", "https://github.com/allenai/OLMo"),
    ("https://api.github.com/repos/allenai/OLMo/readme", "https://github.com/allenai/OLMo#readme"),
    (
        "https://api.github.com/repos/allenai/OLMo/git/trees/main?recursive=1",
        "https://github.com/allenai/OLMo/tree/main",
    ),
    (
        "https://api.github.com/repos/acme/tool/git/trees/release%2Fv1?recursive=1",
        "https://github.com/acme/tool/tree/release%2Fv1",
    ),
    (
        "https://api.github.com/repos/acme/tool/contents/docs/train.md?ref=dev",
        "https://github.com/acme/tool/blob/dev/docs/train.md",
    ),
    (
        "https://raw.githubusercontent.com/acme/tool/main/LICENSE",
        "https://github.com/acme/tool/blob/main/LICENSE",
    ),
    # PyPI project (latest release, and a version)
    ("https://pypi.org/pypi/olmo-core/json", "https://pypi.org/project/olmo-core/"),
    ("https://pypi.org/pypi/olmo-core/1.2.0/json", "https://pypi.org/project/olmo-core/1.2.0/"),
    # arXiv export API: new-style and old-style ids
    ("https://export.arxiv.org/api/query?id_list=2402.00838", "https://arxiv.org/abs/2402.00838"),
    ("https://export.arxiv.org/api/query?id_list=hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001"),
]


@pytest.mark.parametrize(("fetched", "page"), SHAPES)
def test_each_fetched_shape_maps_to_the_page_a_person_opens(fetched: str, page: str) -> None:
    assert human_page(fetched) == page


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/allenai/OLMo-7B-Instruct",
        "https://github.com/allenai/OLMo",
        "https://arxiv.org/abs/2402.00838",
        "https://pypi.org/project/olmo-core/",
        "https://aclanthology.org/2023.emnlp-main.530/",
        "https://export.arxiv.org/api/query?id_list=2402.00838,2402.00839",
        "not a url",
        "https://[::1/broken",
        "",
    ],
)
def test_pages_and_other_urls_are_left_as_they_are(url: str) -> None:
    assert human_page(url) == url


def test_every_url_in_the_demo_captures_has_a_page_that_is_no_api() -> None:
    fetched = [
        json.loads(text)["url"]
        for path in sorted(Path(DEMO_CAPTURES).glob("*.jsonl"))
        for text in path.read_text(encoding="utf-8").splitlines()
        if text.strip()
    ]
    assert len(fetched) > 20
    for url in fetched:
        page = human_page(url)
        assert page != url, url
        assert "api.github.com" not in page and "/api/" not in page and "/resolve/" not in page, url
        assert "export.arxiv.org" not in page and not page.endswith("/json"), url
