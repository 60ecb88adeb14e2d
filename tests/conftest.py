"""Shared fixtures: the ../shared data (skipped where absent) and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CALIBRATION = SHARED / "data" / "calibration"
MODELCARDS = SHARED / "data" / "modelcards"


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


def replay_calibration_into(db: Path) -> Path:
    """Run `openness refresh` over the calibration captures into `db`, as a user would."""
    from typer.testing import CliRunner

    from cli import app

    if not (CALIBRATION / "captures").is_dir():
        pytest.skip("../shared/data/calibration is not here")
    arguments = ["refresh", "--registry", str(CALIBRATION / "registry.yaml"), "--replay", str(CALIBRATION / "captures")]
    result = CliRunner().invoke(app, [*arguments, "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def calibrated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One replayed calibration run shared by the tests that only read it."""
    return replay_calibration_into(tmp_path_factory.mktemp("calibrated") / "index.duckdb")
