"""What each endpoint promises to send back, and whether a body keeps the promise.

JSON endpoints (the Hub's `/api/`, GitHub's REST API, PyPI's `/json`) must answer
with UTF-8 JSON; anything else there (an HTML error page, a body cut short) is a
`bad_body` failure rather than something for the parsers to trip over. Text endpoints
(cards, Atom feeds) are read up to a cap and kept, cut at the cap, beyond it.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

# GitHub trees run up to 7 MB (APIS.md); anything much larger is not an answer we can use.
JSON_BODY_LIMIT = 16 * 1024 * 1024
# Cards past a few hundred kilobytes carry embedded images or pasted data; the text we
# grade is at the start. The largest of the 800-odd real cards in the shared data is
# 117 kB; 1 MiB leaves room and bounds what grading one card costs (seconds, not minutes).
TEXT_BODY_CAP = 1024 * 1024


def promises_json(canonical_url: str) -> bool:
    parts = urlsplit(canonical_url)
    host = (parts.hostname or "").lower()
    if host == "api.github.com":
        return True
    if host == "huggingface.co":
        return parts.path.startswith("/api/")
    if host == "pypi.org":
        return parts.path.endswith("/json")
    return False


def body_limit(canonical_url: str) -> tuple[int, bool]:
    """(bytes, whether a longer body is cut to that size rather than refused)."""
    if promises_json(canonical_url):
        return JSON_BODY_LIMIT, False
    return TEXT_BODY_CAP, True


def broken_promise(canonical_url: str, content_type: str, body: bytes) -> str | None:
    """Why a 200 body is not what the endpoint promises, or None when it is."""
    if not promises_json(canonical_url):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not valid UTF-8"
    try:
        json.loads(text)
    except ValueError:
        if "html" in content_type or text.lstrip().startswith("<"):
            return "expected JSON, got HTML"
        return "body is truncated or not JSON"
    return None
