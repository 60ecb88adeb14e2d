"""Discovery: the Hub's own model listing, paged, filtered and streamed.

`listed_models(query)` walks `/api/models` through the Hub client's pagination
(`huggingface_hub.utils.paginate`, the `Link: rel="next"` walk `list_models` uses) with
`expand=` for every field the grader and the families need, in pages of the largest
size public clients use. `list_models` itself is not called because its `limit` both
sizes the pages and caps the walk: a walk of every model would then go in pages of the
server's default size. Pages are fetched lazily, so a walk sorted by downloads stops at
the first model under `--min-downloads`, and one sorted by creation date at the first
model older than `--since`, without requesting the rest.

Every request goes through the Hub client's shared session, which `crawler.adapters`
routes through the project's HTTP core: listing pages are recorded and replayable like
any other capture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from huggingface_hub import ModelInfo
from huggingface_hub.utils import build_hf_headers, paginate

from crawler.http import SERVICE_BASES, FetchError

HUB = SERVICE_BASES["hf"][0]
# The largest page public clients ask for; the Hub documents no maximum (APIS.md 1.3).
PAGE_SIZE = 1000
# One fixed order: captures match listing URLs with their repeated `expand` in order.
GRADER_FIELDS = (
    "author",
    "cardData",
    "createdAt",
    "downloads",
    "gated",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "siblings",
    "tags",
)
# What `registry check` needs of each listed model: its id (always sent) and little else.
ID_FIELDS = ("downloads",)
# The command line's sort names -> the Hub's (always descending).
SORTS = {"downloads": "downloads", "likes": "likes", "trending": "trendingScore", "created": "createdAt"}


class DiscoveryError(Exception):
    """The listing could not be read; the message names the URL and why."""


@dataclass(frozen=True)
class ListingQuery:
    """What to list: the command line's discovery options."""

    pipeline_tag: str | None = "text-generation"
    min_downloads: int = 0
    top: int | None = None
    sort: str = "downloads"
    author: str | None = None
    since: date | None = None
    search: str | None = None  # ids containing this text
    fields: tuple[str, ...] = GRADER_FIELDS

    def describe(self) -> str:
        """The query in one stable line: stored as how a model was discovered, and the
        key by which a later run of the same query marks the models it no longer lists."""
        parts = [
            f"pipeline_tag={self.pipeline_tag}" if self.pipeline_tag else None,
            f"author={self.author}" if self.author else None,
            f"search={self.search}" if self.search else None,
            f"sort={self.sort}",
            f"min_downloads={self.min_downloads}" if self.min_downloads else None,
            f"since={self.since.isoformat()}" if self.since else None,
            f"top={self.top}" if self.top else None,
        ]
        return " ".join(p for p in parts if p)

    def params(self) -> list[tuple[str, str]]:
        params = [("sort", SORTS[self.sort]), ("limit", str(min(self.top or PAGE_SIZE, PAGE_SIZE)))]
        if self.pipeline_tag:
            params.append(("pipeline_tag", self.pipeline_tag))
        if self.author:
            params.append(("author", self.author))
        if self.search:
            params.append(("search", self.search))
        return params + [("expand", field) for field in self.fields]


@dataclass(frozen=True)
class ListedModel:
    """One model as the listing showed it: what the index keeps of a discovery."""

    repo_id: str
    author: str | None
    sha: str | None
    downloads: int | None
    likes: int | None
    created_at: datetime | None
    last_modified: datetime | None


def listed_models(query: ListingQuery) -> Iterator[ListedModel]:
    """The models the Hub lists for `query`, in its order, streamed page by page.
    Raises DiscoveryError when a page cannot be read."""
    headers = build_hf_headers()
    pages: Any = paginate(f"{HUB}/api/models", params=query.params(), headers=headers)
    accepted = 0
    try:
        for item in pages:
            model = _listed(ModelInfo(**item))
            if _past_the_end(model, query):
                return
            if not _matches(model, query):
                continue
            yield model
            accepted += 1
            if query.top is not None and accepted >= query.top:
                return
    except Exception as error:  # the client's errors, unusable pages, the core's FetchError
        raise DiscoveryError(_describe_failure(error)) from error


def _listed(info: ModelInfo) -> ListedModel:
    return ListedModel(
        repo_id=info.id,
        author=info.author,
        sha=info.sha,
        downloads=info.downloads,
        likes=info.likes,
        created_at=info.created_at,
        last_modified=info.last_modified,
    )


def _matches(model: ListedModel, query: ListingQuery) -> bool:
    if query.min_downloads and (model.downloads or 0) < query.min_downloads:
        return False
    return not (query.since and _created(model) < _start_of(query.since))


def _past_the_end(model: ListedModel, query: ListingQuery) -> bool:
    """In a listing sorted by the filtered field, the first model outside the filter
    means no later one is inside it."""
    if query.sort == "downloads" and query.min_downloads:
        return (model.downloads or 0) < query.min_downloads
    if query.sort == "created" and query.since:
        return _created(model) < _start_of(query.since)
    return False


def _created(model: ListedModel) -> datetime:
    return model.created_at or model.last_modified or datetime.min.replace(tzinfo=UTC)


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _describe_failure(error: Exception) -> str:
    if isinstance(error, FetchError):
        return f"{error.url}: the Hub listing could not be read ({error.detail})"
    response = getattr(error, "response", None)
    url = str(response.url) if response is not None else f"{HUB}/api/models"
    status = f"HTTP {response.status_code}" if response is not None else type(error).__name__
    return f"{url}: the Hub listing could not be read ({status})"
