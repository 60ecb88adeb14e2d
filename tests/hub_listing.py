"""The Hub's model listing (`/api/models`), answered over a list of model infos, for
loopback servers: filters, descending sort, `expand`, pages of `limit` (at most 1000)
and the `Link: rel="next"` cursor, as APIS.md describes the real one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from crawler.captures import Exchange

MAX_PAGE = 1000
LISTING_PATH = "/api/models"


def is_listing(url: str) -> bool:
    return urlsplit(url).path == LISTING_PATH


def listing_page(url: str, models: Sequence[dict[str, Any]]) -> Exchange:
    """The answer to one canonical listing URL."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    first = {key: values[0] for key, values in query.items()}
    selected = [m for m in models if _selected(m, first)]
    sort = first.get("sort")
    if sort:
        selected.sort(key=lambda m: m.get(sort) or 0 if sort != "createdAt" else m.get(sort) or "", reverse=True)
    limit = min(int(first.get("limit", MAX_PAGE)), MAX_PAGE)
    start = int(first.get("cursor", 0))
    page = selected[start : start + limit]
    fields = query.get("expand")
    body = [{"id": m["id"], **{f: m[f] for f in fields if f in m}} if fields else m for m in page]
    headers = {"content-type": "application/json"}
    if start + limit < len(selected):
        following = {**query, "cursor": [str(start + limit)]}
        next_url = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(following, doseq=True)}"
        headers["link"] = f'<{next_url}>; rel="next"'
    return Exchange(url, 200, headers, json.dumps(body).encode())


def _selected(model: dict[str, Any], query: dict[str, str]) -> bool:
    if "pipeline_tag" in query and model.get("pipeline_tag") != query["pipeline_tag"]:
        return False
    if "author" in query and model["id"].split("/")[0].lower() != query["author"].lower():
        return False
    return "search" not in query or query["search"].lower() in model["id"].lower()
