"""PyPI fetcher: a project's JSON metadata (latest release)."""

from __future__ import annotations

from crawler.adapters import requests_session
from crawler.github import get_json
from crawler.http import SERVICE_BASES, HttpCore
from crawler.links import normalise_package_name
from crawler.results import Fetched

PYPI = SERVICE_BASES["pypi"][0]


class PyPIFetcher:
    def __init__(self, core: HttpCore) -> None:
        self.session = requests_session(core, {"accept": "application/json"})

    def project(self, name: str) -> Fetched:
        # PEP 503: PyPI redirects every other spelling to this one.
        normalised = normalise_package_name(name) or name
        return get_json(self.session, f"{PYPI}/pypi/{normalised}/json", "pypi", normalised)
