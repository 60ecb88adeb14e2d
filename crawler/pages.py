"""The page a person would open for a URL the crawler fetched.

The crawler reads services' APIs (`api.github.com/repos/O/R/readme` is base64 JSON,
`huggingface.co/ID/resolve/main/README.md` raw Markdown); a reader checking a grade wants
the page those answers stand for: the Hub model or dataset page, the GitHub repository
(or the file's page where the evidence is one file), the arXiv abstract, the PyPI project.
`human_page` maps one to the other for every URL shape the crawler fetches (see
CAPTURES.md's endpoint table and crawler/*.py) and leaves any other URL as it is. It is a
pure function of the URL: no request, no lookup, never raises.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

HUB = "https://huggingface.co"
GITHUB = "https://github.com"
# Query parameters of the Hub's model listing API that its web listing understands too.
LISTING_PARAMETERS = ("author", "search", "pipeline_tag", "library", "sort")
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
# `resolve/REVISION/PATH` on the Hub; the card (README.md) is shown on the repo's page.
_HUB_FILE = re.compile(r"^(?P<repo>(?:datasets/|spaces/)?[^/]+(?:/[^/]+)?)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")


def human_page(url: str) -> str:
    """The page for a person of a fetched URL (the URL itself when it is not an API URL)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=True)
    mapper = _MAPPERS.get(host)
    page = mapper(segments, query) if mapper else None
    return page or url


def _hub(segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if segments[:1] == ["api"]:
        rest = segments[1:]
        if rest[:1] in (["models"], ["datasets"]) and len(rest) >= 2:
            prefix = "" if rest[0] == "models" else "datasets/"
            return f"{HUB}/{prefix}{_path(rest[1:3])}"
        if rest == ["models"]:
            kept = [(k, v) for k, v in query if k in LISTING_PARAMETERS]
            return f"{HUB}/models" + (f"?{urlencode(kept)}" if kept else "")
        return None
    found = _HUB_FILE.match("/".join(segments))
    if not found:
        return None
    repo, path = found.group("repo"), found.group("path")
    if path.lower() == "readme.md":
        return f"{HUB}/{_path(repo.split('/'))}"
    return f"{HUB}/{_path(repo.split('/'))}/blob/{quote(found.group('rev'), safe='')}/{_path(path.split('/'))}"


def _github_api(segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if segments[:1] != ["repos"] or len(segments) < 3:
        return None
    repo = f"{GITHUB}/{_path(segments[1:3])}"
    rest = segments[3:]
    if not rest:
        return repo
    if rest == ["readme"]:
        return f"{repo}#readme"
    if rest[:2] == ["git", "trees"] and len(rest) == 3:
        return f"{repo}/tree/{quote(rest[2], safe='')}"
    if rest[:1] == ["contents"] and len(rest) >= 2:
        ref = next((v for k, v in query if k == "ref"), "HEAD")
        return f"{repo}/blob/{quote(ref, safe='')}/{_path(rest[1:])}"
    return repo


def _github_raw(segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if len(segments) < 4:
        return f"{GITHUB}/{_path(segments[:2])}" if len(segments) >= 2 else None
    return f"{GITHUB}/{_path(segments[:2])}/blob/{quote(segments[2], safe='')}/{_path(segments[3:])}"


def _pypi(segments: list[str], query: list[tuple[str, str]]) -> str | None:
    # /pypi/NAME/json and /pypi/NAME/VERSION/json
    if segments[:1] == ["pypi"] and segments[-1:] == ["json"] and len(segments) in (3, 4):
        version = f"{quote(segments[2], safe='')}/" if len(segments) == 4 else ""
        return f"https://pypi.org/project/{quote(segments[1], safe='')}/{version}"
    return None


def _arxiv_api(segments: list[str], query: list[tuple[str, str]]) -> str | None:
    ids = [i for k, v in query if k == "id_list" for i in v.split(",") if i]
    if segments == ["api", "query"] and len(ids) == 1 and _ARXIV_ID.match(ids[0]):
        return f"https://arxiv.org/abs/{ids[0]}"
    return None


def _path(segments: list[str]) -> str:
    return "/".join(quote(s, safe="") for s in segments)


_MAPPERS = {
    "huggingface.co": _hub,
    "api.github.com": _github_api,
    "raw.githubusercontent.com": _github_raw,
    "pypi.org": _pypi,
    "export.arxiv.org": _arxiv_api,
}
