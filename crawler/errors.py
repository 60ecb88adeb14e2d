"""The one error a fetch can end in: the resource's content is unknown, and why."""

from __future__ import annotations

# The kinds a FetchError can have, for the run summary and the resources table.
FAILURE_KINDS = (
    "not_captured",  # replay: the URL is not in the captures
    "timeout",  # no (complete) answer within the timeout, after retries
    "connection",  # refused, reset or dropped, after retries
    "server_error",  # 5xx, after retries
    "rate_limited",  # still limited after waiting, or asked to wait too long
    "unreachable",  # not tried: the host failed too often earlier in the run
    "bad_body",  # the answer is not what the endpoint promises
    "too_large",  # a JSON body past the size limit
    "cancelled",  # the run was interrupted
    "deadline",  # not fetched: the run's deadline was reached first
)


class FetchError(Exception):
    """A resource whose content is unknown: not captured, unreachable, or unusable.

    `kind` is one of FAILURE_KINDS; the message names the URL (never credentials)."""

    def __init__(self, url: str, kind: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.kind = kind
        self.detail = detail
