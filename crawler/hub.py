"""Hugging Face Hub fetcher: model / dataset info and cards, through huggingface_hub.

The Hub client builds the URLs and turns statuses into its own errors; this module only
maps those errors onto `Fetched` (absent vs unknown). Info objects are the library's own
`ModelInfo` / `DatasetInfo`."""

from __future__ import annotations

from huggingface_hub import HfApi, get_session, hf_hub_url
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import hf_raise_for_status

from crawler.http import SERVICE_BASES, FetchError
from crawler.results import Fetched

HUB = SERVICE_BASES["hf"][0]


class HubFetcher:
    """Fetches from the Hub's canonical URLs; the core maps them to HF_ENDPOINT."""

    def __init__(self) -> None:
        # token=None lets the library pick up HF_TOKEN itself; it never reaches captures.
        self.api = HfApi(endpoint=HUB)

    def model(self, repo_id: str) -> Fetched:
        url = f"{HUB}/api/models/{repo_id}"
        return _call(url, "hf_model", repo_id, lambda: self.api.model_info(repo_id))

    def dataset(self, repo_id: str) -> Fetched:
        url = f"{HUB}/api/datasets/{repo_id}"
        return _call(url, "hf_dataset", repo_id, lambda: self.api.dataset_info(repo_id))

    def model_card(self, repo_id: str) -> Fetched:
        return self._card(repo_id, None, "hf_card")

    def dataset_card(self, repo_id: str) -> Fetched:
        return self._card(repo_id, "dataset", "hf_dataset_card")

    def _card(self, repo_id: str, repo_type: str | None, kind: str) -> Fetched:
        url = hf_hub_url(repo_id, "README.md", repo_type=repo_type, endpoint=HUB)

        def load() -> str:
            response = get_session().get(url)
            hf_raise_for_status(response)
            return response.content.decode("utf-8", errors="replace")

        return _call(url, kind, repo_id, load)


def _call(url: str, kind: str, target: str, load) -> Fetched:  # type: ignore[no-untyped-def]
    try:
        return Fetched(url, kind, target, 200, load())
    except FetchError as error:
        return Fetched(url, kind, target, None, error=error.detail)
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status in (401, 403, 404, 410, 451):
            return Fetched(url, kind, target, status, error=f"HTTP {status}")
        return Fetched(url, kind, target, None, error=f"HTTP {status}: {error.server_message or ''}".strip())
    except (ValueError, TypeError, KeyError) as error:
        # The Hub answered but the body is not what the endpoint promises.
        return Fetched(url, kind, target, None, error=f"unusable response ({type(error).__name__})")
