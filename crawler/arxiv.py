"""arXiv fetcher: one Atom entry per id through the export API."""

from __future__ import annotations

import requests

from crawler.adapters import requests_session
from crawler.http import SERVICE_BASES, FetchError, HttpCore
from crawler.results import Fetched

ARXIV = SERVICE_BASES["arxiv"][0]


class ArxivFetcher:
    def __init__(self, core: HttpCore) -> None:
        self.session = requests_session(core, {"accept": "application/atom+xml"})

    def entry(self, arxiv_id: str) -> Fetched:
        url = f"{ARXIV}/api/query?id_list={arxiv_id}"
        try:
            response = self.session.get(url)
        except FetchError as error:
            return Fetched(url, "arxiv", arxiv_id, None, error=error.detail)
        except requests.RequestException as error:  # e.g. a redirect loop
            return Fetched(url, "arxiv", arxiv_id, None, error=f"request failed ({type(error).__name__})")
        if response.status_code != 200:
            return Fetched(url, "arxiv", arxiv_id, response.status_code, error=f"HTTP {response.status_code}")
        return Fetched(url, "arxiv", arxiv_id, 200, response.content.decode("utf-8", errors="replace"))
