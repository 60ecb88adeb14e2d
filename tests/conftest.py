"""Shared fixtures: the ../shared data (skipped where absent) and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CALIBRATION = SHARED / "data" / "calibration"


@pytest.fixture
def calibration() -> Path:
    if not (CALIBRATION / "captures").is_dir():
        pytest.skip("../shared/data/calibration is not here")
    return CALIBRATION


@pytest.fixture
def capture_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CaptureServer]:
    """A loopback server standing in for all four services; the environment points
    the crawler at it."""
    with CaptureServer() as server:
        for variable, url in server.environment().items():
            monkeypatch.setenv(variable, url)
        yield server
