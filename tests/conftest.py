"""Shared fixtures: the ../shared data (skipped where absent) and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CALIBRATION = SHARED / "data" / "calibration"
CALIBRATION_2025 = SHARED / "data" / "calibration-2025"
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


def replay_calibration_into(db: Path, calibration_set: Path = CALIBRATION) -> Path:
    """Run `openness refresh` over a calibration set's captures into `db`, as a user would."""
    from typer.testing import CliRunner

    from cli import app

    if not (calibration_set / "captures").is_dir():
        pytest.skip(f"../shared/data/{calibration_set.name} is not here")
    arguments = [
        "refresh",
        "--registry",
        str(calibration_set / "registry.yaml"),
        "--replay",
        str(calibration_set / "captures"),
    ]
    result = CliRunner().invoke(app, [*arguments, "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def calibrated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One replayed calibration run shared by the tests that only read it."""
    return replay_calibration_into(tmp_path_factory.mktemp("calibrated") / "index.duckdb")


@pytest.fixture(scope="session")
def calibrated_index_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One replayed run of the second calibration set (2023-26 systems)."""
    return replay_calibration_into(tmp_path_factory.mktemp("calibrated-2025") / "index.duckdb", CALIBRATION_2025)


def duplicated_run_keys(db: Path) -> dict[str, int]:
    """Per-run table -> rows sharing a key (index.store.RUN_KEYS) with another row: the
    tables have no primary keys, so the writers keep them unique."""
    import duckdb

    from index.store import RUN_KEYS

    with duckdb.connect(str(db), read_only=True) as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) - count(DISTINCT ({', '.join(key)})) FROM {table}").fetchone()[
                0
            ]
            for table, key in RUN_KEYS.items()
        }
    return {table: count for table, count in counts.items() if count}
