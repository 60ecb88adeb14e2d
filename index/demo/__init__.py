"""The demo sample shipped inside the package: four fictional systems (fully open, gated
under a community licence, weights only, API only) whose captures the project wrote, so
that `openness demo` grades them through the real replay path on any machine, offline."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEMO_DIR: Path = Path(str(files(__package__)))
DEMO_REGISTRY: Path = DEMO_DIR / "registry.yaml"
DEMO_CAPTURES: Path = DEMO_DIR / "captures"
DEMO_DB: Path = Path("openness-demo.duckdb")
