"""What a service's answer says about its rate limits.

GitHub reports its quota in `x-ratelimit-*` headers and signals an exhausted one with
403; the Hub reports `RateLimit: "api";r=R;t=T` (an IETF draft); anyone may send
`retry-after`, as seconds or as an HTTP date. These functions read those signals; what
to do about them is the politeness policy's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime


def quota_left(headers: Mapping[str, str], now: float) -> list[tuple[str, int, float]]:
    """(quota name, requests left, seconds until it resets) for each quota an answer
    reports: GitHub's `x-ratelimit-*` and the Hub's `RateLimit: "api";r=R;t=T`."""
    quotas = []
    try:
        if "x-ratelimit-remaining" in headers and "x-ratelimit-reset" in headers:
            seconds = max(0.0, float(headers["x-ratelimit-reset"]) - now)
            quota = headers.get("x-ratelimit-resource", "core")
            quotas.append((quota, int(headers["x-ratelimit-remaining"]), seconds))
        if "ratelimit" in headers:
            name, *parameters = (part.strip() for part in headers["ratelimit"].split(";"))
            values = dict(p.partition("=")[::2] for p in parameters)
            if "r" in values and "t" in values:
                quotas.append((name.strip('"'), int(values["r"]), float(values["t"])))
    except ValueError:
        pass
    return quotas


def requested_wait(status: int, headers: Mapping[str, str], now: float) -> float | None:
    """For a rate-limit answer, the seconds the service asks us to wait (0: it did not
    say); None when the answer is not about rate limits. GitHub signals an exhausted
    quota with 403 and `x-ratelimit-remaining: 0`, its secondary limits with 403 plus
    `retry-after`; other 403s are real refusals."""
    exhausted = headers.get("x-ratelimit-remaining") == "0"
    if status != 429 and not (status == 403 and (exhausted or "retry-after" in headers)):
        return None
    if "retry-after" in headers:
        return retry_after_seconds(headers["retry-after"], now)
    exhausted_quotas = [seconds for _, remaining, seconds in quota_left(headers, now) if remaining == 0]
    return max(exhausted_quotas, default=0.0)


def quota_spent(headers: Mapping[str, str]) -> bool:
    """Whether an answer says a quota is used up (GitHub's `x-ratelimit-remaining: 0`,
    the Hub's `RateLimit: ...;r=0`): then no request to the host can succeed before
    the reset, whichever URL it is for."""
    if headers.get("x-ratelimit-remaining") == "0":
        return True
    return any(remaining == 0 for _, remaining, _ in quota_left(headers, now=0.0))


def retry_after_seconds(value: str, now: float) -> float:
    """`retry-after` is either seconds or an HTTP date."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return 0.0
