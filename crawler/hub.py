"""Hugging Face Hub fetcher: model / dataset info and cards, through huggingface_hub.

The Hub client builds the URLs and turns statuses into its own errors; this module only
maps those errors onto `Fetched` (absent vs unknown). Info objects are the library's own
`ModelInfo` / `DatasetInfo`.

A card is `resolve/main/README.md`, which is pinned by the repo's commit: when the info
fetched this run names the same commit (`sha`) as the previous run's, the card cannot
have changed, and the previous run's card is carried forward without a request."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx2
from huggingface_hub import HfApi, get_session, hf_hub_url
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

from crawler.http import SERVICE_BASES, FetchError, HttpCore
from crawler.results import ABSENT_STATUSES, Fetched

HUB = SERVICE_BASES["hf"][0]


class HubFetcher:
    """Fetches from the Hub's canonical URLs; the core maps them to HF_ENDPOINT."""

    def __init__(self, core: HttpCore | None = None) -> None:
        # token=None lets the library pick up HF_TOKEN itself; it never reaches captures.
        self.api = HfApi(endpoint=HUB)
        self.core = core
        self._commits: dict[str, str] = {}
        self._lock = threading.Lock()

    def model(self, repo_id: str) -> Fetched:
        url = f"{HUB}/api/models/{repo_id}"
        return self._info(url, "hf_model", repo_id, lambda: self.api.model_info(repo_id))

    def dataset(self, repo_id: str) -> Fetched:
        url = f"{HUB}/api/datasets/{repo_id}"
        return self._info(url, "hf_dataset", repo_id, lambda: self.api.dataset_info(repo_id))

    def model_card(self, repo_id: str) -> Fetched:
        return self._card(repo_id, None, "hf_card")

    def dataset_card(self, repo_id: str) -> Fetched:
        return self._card(repo_id, "dataset", "hf_dataset_card")

    def _info(self, url: str, kind: str, repo_id: str, load: Callable[[], Any]) -> Fetched:
        fetched = _call(url, kind, repo_id, self._through_core(url, load))
        commit = getattr(fetched.data, "sha", None) if fetched.ok else None
        if isinstance(commit, str):
            with self._lock:
                self._commits[url] = commit
        return fetched

    def _card(self, repo_id: str, repo_type: str | None, kind: str) -> Fetched:
        url = hf_hub_url(repo_id, "README.md", repo_type=repo_type, endpoint=HUB)
        info_url = f"{HUB}/api/{'datasets' if repo_type else 'models'}/{repo_id}"
        if self._commit_unchanged(info_url):
            assert self.core is not None
            # The core now holds the previous card for this URL; the request below is
            # answered from it, through the same error mapping as a live answer.
            self.core.carry_forward(url)

        def load() -> str:
            response = get_session().get(url, headers=build_hf_headers())
            hf_raise_for_status(response)
            return response.content.decode("utf-8", errors="replace")

        return _call(url, kind, repo_id, self._through_core(url, load))

    def _through_core(self, url: str, load: Callable[[], Any]) -> Callable[[], Any]:
        """`load`, refused once the run is stopped: the library's client goes through
        the core only while `hub_client` routes it, and a stop tears that routing down;
        a call after it would reach the real network, unrecorded and unpaced."""

        def guarded() -> Any:
            if self.core is not None and self.core.cancelled:
                raise FetchError(url, "cancelled", "the run was interrupted")
            return load()

        return guarded

    def _commit_unchanged(self, info_url: str) -> bool:
        """The info fetched this run names the commit the previous run saw."""
        with self._lock:
            commit = self._commits.get(info_url)
        previous = self.core.previous_exchange(info_url) if self.core is not None else None
        if commit is None or previous is None or previous.status != 200:
            return False
        return _commit_in(previous.body) == commit


def _commit_in(info_body: bytes) -> str | None:
    try:
        info = json.loads(info_body)
    except ValueError:
        return None
    return info.get("sha") if isinstance(info, dict) else None


def _call(url: str, kind: str, target: str, load: Callable[[], Any]) -> Fetched:
    try:
        return Fetched(url, kind, target, 200, load())
    except FetchError as error:
        return Fetched(url, kind, target, None, error=error.detail)
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status in ABSENT_STATUSES:
            return Fetched(url, kind, target, status, error=f"HTTP {status}")
        return Fetched(url, kind, target, None, error=f"HTTP {status}: {error.server_message or ''}".strip())
    except httpx2.HTTPError as error:  # e.g. a redirect loop
        return Fetched(url, kind, target, None, error=f"request failed ({type(error).__name__})")
    except (ValueError, TypeError, KeyError) as error:
        # The Hub answered but the body is not what the endpoint promises.
        return Fetched(url, kind, target, None, error=f"unusable response ({type(error).__name__})")


def declared_datasets(info: Any) -> list[str]:
    """The datasets a model's Hub metadata declares, as written: its cardData `datasets`
    (one name or a list) and its `dataset:` tags."""
    card_data = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
    declared = card_data.get("datasets")
    found = [declared] if isinstance(declared, str) else [d for d in declared or [] if isinstance(d, str)]
    return found + [t.removeprefix("dataset:") for t in info.tags or [] if t.startswith("dataset:")]


def tagged_papers(info: Any) -> list[str]:
    """The arXiv ids a model's or a dataset's Hub page tags (`arxiv:` tags)."""
    return [t.removeprefix("arxiv:") for t in info.tags or [] if t.startswith("arxiv:")]
