"""The previous complete live run as this run's cache.

Its captures hold the bodies; the index remembers each URL's validators (`etag`,
`last-modified`). With both, a request can be made conditional, and a 304 answer turns
back into the previous 200 (clients never see a 304: the Hub client breaks on one).
A URL whose previous body is not at hand is fetched unconditionally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crawler.captures import CaptureStore, Exchange, normalise_url

# A 304 may carry fresh validators; everything else comes from the stored answer.
REVALIDATED_HEADERS = ("etag", "last-modified")


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PreviousRun:
    captures: CaptureStore
    validators: Mapping[str, Validators] = field(default_factory=dict)

    def exchange(self, url: str) -> Exchange | None:
        return self.captures.get(url)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for `url`, when its previous 200 is at hand."""
        previous = self.captures.get(url)
        if previous is None or previous.status != 200:
            return {}
        remembered = self.validators.get(normalise_url(url), Validators())
        etag = remembered.etag or previous.headers.get("etag")
        last_modified = remembered.last_modified or previous.headers.get("last-modified")
        headers = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        return headers

    def revalidated(self, url: str, not_modified: Exchange) -> Exchange:
        """The previous 200 for `url`, confirmed current by a 304 just now."""
        previous = self.captures.get(url)
        assert previous is not None and previous.status == 200, "revalidated() needs a previous 200"
        headers = dict(previous.headers)
        headers.update({name: value for name, value in not_modified.headers.items() if name in REVALIDATED_HEADERS})
        return Exchange(url, 200, headers, previous.body, not_modified.fetched_at)
