"""GitHub fetcher: repository, README and recursive tree, over a requests session.

The session follows redirects (a renamed or transferred repo answers 301 with its new
location); each hop goes through the core and is recorded, and `Fetched.final_url`
says where the chain ended. GITHUB_TOKEN, when set, is sent as a bearer token; the core
keeps it out of captures, logs and errors."""

from __future__ import annotations

import base64
import binascii
import os
from typing import Any
from urllib.parse import quote

import requests

from crawler.adapters import requests_session
from crawler.http import SERVICE_BASES, FetchError, HttpCore
from crawler.results import Fetched

GITHUB = SERVICE_BASES["github"][0]
API_VERSION = "2022-11-28"


class GitHubFetcher:
    def __init__(self, core: HttpCore) -> None:
        headers = {"accept": "application/vnd.github+json", "x-github-api-version": API_VERSION}
        token = os.environ.get("GITHUB_TOKEN", "").strip()
        if token:
            headers["authorization"] = f"Bearer {token}"
        self.session = requests_session(core, headers)

    def repo(self, full_name: str) -> Fetched:
        return self._json(f"{GITHUB}/repos/{full_name}", "github_repo", full_name)

    def readme(self, full_name: str) -> Fetched:
        return self._json(f"{GITHUB}/repos/{full_name}/readme", "github_readme", full_name)

    def tree(self, full_name: str, branch: str) -> Fetched:
        url = f"{GITHUB}/repos/{full_name}/git/trees/{quote(branch, safe='')}?recursive=1"
        return self._json(url, "github_tree", full_name)

    def _json(self, url: str, kind: str, target: str) -> Fetched:
        return get_json(self.session, url, kind, target)


def get_json(session: Any, url: str, kind: str, target: str) -> Fetched:
    """GET a JSON endpoint; non-200 answers and bodies that are not JSON objects are
    recorded as such, never raised."""
    try:
        response = session.get(url)
    except FetchError as error:
        return Fetched(url, kind, target, None, error=error.detail)
    except requests.RequestException as error:  # e.g. a redirect loop
        return Fetched(url, kind, target, None, error=f"request failed ({type(error).__name__})")
    final_url = response.url if response.url and response.url != url else None
    if response.status_code != 200:
        status = response.status_code
        return Fetched(url, kind, target, status, error=f"HTTP {status}", final_url=final_url)
    try:
        data = response.json()
    except ValueError:
        return Fetched(url, kind, target, None, error="body is not valid JSON", final_url=final_url)
    if not isinstance(data, dict):
        return Fetched(url, kind, target, None, error="JSON body is not an object", final_url=final_url)
    return Fetched(url, kind, target, 200, data, final_url=final_url)


def decode_readme(readme_json: object) -> str:
    """The text of a GitHub readme response; "" when it is missing or not base64."""
    if not isinstance(readme_json, dict):
        return ""
    content = readme_json.get("content")
    encoding = readme_json.get("encoding", "base64")
    if not isinstance(content, str) or encoding != "base64":
        return ""
    try:
        raw = base64.b64decode(content)
    except (binascii.Error, ValueError):
        return ""
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
