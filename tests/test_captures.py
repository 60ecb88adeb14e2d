"""The capture contract of CAPTURES.md: matching, last-wins, credentials, round trip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from crawler.captures import (
    CaptureFormatError,
    CaptureStore,
    CaptureWriter,
    Exchange,
    exchange_to_record,
    normalise_url,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://HuggingFace.co:443/api/models/A/B", "https://huggingface.co/api/models/A/B"),
        ("http://example.org:80/x", "http://example.org/x"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
        ("https://h/api?b=2&a=1", "https://h/api?a=1&b=2"),
        ("https://h/api?expand=b&expand=a", "https://h/api?expand=a&expand=b"),
        ("https://h/api?expand[]=a", "https://h/api?expand%5B%5D=a"),
        ("https://h/Path/Case", "https://h/Path/Case"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_expand_brackets_are_a_different_name() -> None:
    assert normalise_url("https://h/a?expand[]=x") != normalise_url("https://h/a?expand=x")


def _write(path: Path, records: list[dict]) -> None:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def test_last_line_wins_across_a_directory_tree(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "a.jsonl", [{"url": "https://pypi.org/pypi/x/json", "status": 404}])
    _write(
        tmp_path / "sub" / "b.jsonl.gz",
        [
            {"url": "https://PYPI.org/pypi/x/json", "status": 200, "json": {"v": 1}},
            {"url": "https://pypi.org/pypi/x/json", "status": 200, "json": {"v": 2}},
        ],
    )
    store = CaptureStore.load(tmp_path)
    exchange = store.get("https://pypi.org/pypi/x/json")
    assert exchange is not None and json.loads(exchange.body) == {"v": 2}


def test_uncaptured_url_is_none_and_nearest_is_suggested(tmp_path: Path) -> None:
    _write(tmp_path / "a.jsonl", [{"url": "https://huggingface.co/api/models/org/Model-7B", "status": 200, "json": {}}])
    store = CaptureStore.load(tmp_path)
    assert store.get("https://huggingface.co/api/models/org/Model-7b") is None
    assert store.nearest("https://huggingface.co/api/models/org/Model-7b") == [
        "https://huggingface.co/api/models/org/Model-7B"
    ]


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"url": "https://x/y", "status": 200}\nnot json\n')
    with pytest.raises(CaptureFormatError, match=r"bad\.jsonl:2: not valid JSON"):
        CaptureStore.load(tmp_path)


def test_credentials_never_written(tmp_path: Path) -> None:
    exchange = Exchange(
        "https://user:secret@api.github.com/repos/o/r?access_token=tok123&x=1",
        200,
        {"content-type": "application/json", "set-cookie": "s=1", "authorization": "Bearer tok123", "etag": '"e"'},
        b'{"a": 1}',
    )
    writer = CaptureWriter(tmp_path / "run.jsonl")
    writer.write(exchange)
    writer.close()
    text = (tmp_path / "run.jsonl").read_text()
    assert "tok123" not in text and "secret" not in text and "cookie" not in text
    record = json.loads(text)
    assert record["url"] == "https://api.github.com/repos/o/r?x=1"
    assert record["headers"] == {"content-type": "application/json", "etag": '"e"'}
    assert record["json"] == {"a": 1}


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (b'{"a": 1}', "application/json", "json"),
        (b"# Card", "text/markdown", "body"),
        (b"\xff\xfe\x00", "application/octet-stream", "body_base64"),
    ],
)
def test_round_trip_keeps_the_body(tmp_path: Path, body: bytes, content_type: str, field: str) -> None:
    exchange = Exchange("https://huggingface.co/x/resolve/main/README.md", 200, {"content-type": content_type}, body)
    assert field in exchange_to_record(exchange)
    writer = CaptureWriter(tmp_path / "c.jsonl")
    writer.write(exchange)
    writer.close()
    replayed = CaptureStore.load(tmp_path).get(exchange.url)
    assert replayed is not None and replayed.status == 200
    assert json.loads(replayed.body) == json.loads(body) if field == "json" else replayed.body == body
