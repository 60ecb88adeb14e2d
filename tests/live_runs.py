"""Live refreshes of a synthetic hub served on loopback, run in-process on a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from crawler.http import HttpPolicy
from index.refresh import RefreshOptions, RefreshResult, refresh
from index.registry import load_registry
from tests.capture_server import CaptureServer
from tests.fake_clock import FakeClock
from tests.synthetic_hub import SyntheticHub, synthetic_hub

# Short timeouts; the fake clock makes backoff and pacing free.
TEST_POLICY = HttpPolicy(timeout=1.0, max_wait=120.0)


@dataclass
class LiveWorld:
    server: CaptureServer
    root: Path
    clock: FakeClock = field(default_factory=FakeClock)

    @property
    def db(self) -> Path:
        return self.root / "index.duckdb"

    @property
    def registry(self) -> Path:
        return self.root / "registry.yaml"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @classmethod
    def serving(cls, server: CaptureServer, root: Path, systems: int) -> LiveWorld:
        """A world whose server publishes a synthetic hub of `systems` systems."""
        world = cls(server, root)
        world.publish(synthetic_hub(systems))
        return world

    def publish(self, hub: SyntheticHub) -> None:
        """Serve this hub from now on (the registry follows it)."""
        self.registry.write_text(hub.registry_yaml)
        self.server.store = hub.store()

    def cli_args(self, *extra: str) -> list[str]:
        """`openness refresh` arguments pointing at this world's registry, index and snapshots."""
        paths = ["--registry", str(self.registry), "--db", str(self.db), "--snapshots", str(self.snapshots)]
        return ["refresh", *paths, *extra]

    def refresh(self, **options: Any) -> RefreshResult:
        settings = {"http": TEST_POLICY, "clock": self.clock, "snapshots": self.snapshots, **options}
        return refresh(load_registry(self.registry), RefreshOptions(db=self.db, registry_label="test", **settings))

    def grades(self, run_id: int) -> list[tuple[Any, ...]]:
        """Every grade of a run, sorted, for comparing runs."""
        return self.query(
            """SELECT project, criterion, grade, points, reason, evidence FROM grades
               WHERE run_id = ? ORDER BY project, criterion""",
            run_id,
        )

    def query(self, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return connection.execute(sql, list(parameters)).fetchall()
