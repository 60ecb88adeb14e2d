"""Crawler: HTTP with record/replay, and the per-service fetchers (Hub, GitHub, PyPI, arXiv)."""
