"""Crawl benchmark: a full refresh and an incremental one against a rate-limited server.

A loopback server (in this process) serves a generated hub of N systems with a fixed
latency per request and a token-bucket rate limit (429 beyond it). `openness refresh`
runs as a real subprocess, paced at the server's rate (or --client-rate), twice: first from nothing, then
after a share of the systems changed. Printed figures: wall time, requests per system,
429s received, wall time over the rate-limit bound (requests needed / allowed rate), and
the second run's full (non-304) requests and bytes as a share of the first run's.

With `--faults`, the same crawl runs twice from nothing instead: clean, then through a
night of transient faults (one on every other URL, in turn a 429 with `retry-after: 1`,
a 503 twice, a reset connection, a truncated body) while 2% of the URLs, not served at
all, answer 504 every time (404 in the clean run). Printed: both wall times and their
ratio, the 429s received, retries, the requests each run needed and the rate it sent them
at, and the waits the crawls sat through (paced, backoff, retry-after). With
`--calibration SET` the crawl is of a calibration set instead (its registry and
captures, e.g. `../shared/data/calibration`), as in issue 8: every URL it does not
capture answers 404 clean and 504 every time faulted.

    python bench/crawl.py                 # 2,000 systems, 30 ms latency, 50 requests/s
    python bench/crawl.py --systems 200   # a quick run
    python bench/crawl.py --faults        # clean vs faulted wall time
    python bench/crawl.py --faults --calibration ../shared/data/calibration
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.captures import CaptureStore, normalise_url  # noqa: E402
from index.registry import load_registry  # noqa: E402
from tests.capture_server import CaptureServer  # noqa: E402
from tests.synthetic_hub import synthetic_hub  # noqa: E402

# The share of URLs (by hash, never a model's info: the entry points stay) not served.
MISSING_SHARE = 0.02


@dataclass(frozen=True)
class RunFigures:
    wall_seconds: float
    summary: dict[str, object]
    requests: int
    full: int
    not_modified: int
    too_many: int
    bytes: int
    crawling_seconds: float  # from the first request the server saw to the last


def waited(run: RunFigures, counter: str) -> float:
    """Seconds the run's crawls spent in one kind of wait, summed over them."""
    return float(run.summary.get(f"{counter}_ms", 0)) / 1000  # type: ignore[arg-type]


def run_refresh(server: CaptureServer, workdir: Path, args: argparse.Namespace, db: str = "index") -> RunFigures:
    server.reset_counts()
    command = [
        sys.executable,
        "-m",
        "cli",
        "refresh",
        "--registry",
        str(workdir / "registry.yaml"),
        "--db",
        str(workdir / f"{db}.duckdb"),
        "--snapshots",
        str(workdir / "snapshots"),
        "--rate",
        f"127.0.0.1={args.client_rate or args.rate}",
        "--concurrency",
        "127.0.0.1=8",
        "--workers",
        str(args.workers),
        "--json",
        "--quiet",
    ]
    started = time.monotonic()
    done = subprocess.run(command, env={**os.environ, **server.environment()}, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"refresh failed ({done.returncode}):\n{done.stderr}")
    outcomes = server.outcomes
    arrivals = sorted(server.arrivals)
    return RunFigures(
        wall_seconds=wall,
        summary=json.loads(done.stdout),
        requests=sum(server.requests.values()),
        full=outcomes["full"],
        not_modified=outcomes["304"],
        too_many=sum(statuses.count(429) for statuses in server.statuses.values()),
        bytes=outcomes["bytes"],
        crawling_seconds=arrivals[-1] - arrivals[0] if arrivals else 0.0,
    )


def report(title: str, run: RunFigures, systems: int, rate: float) -> list[str]:
    bound = run.requests / rate
    return [
        title,
        f"  wall time                 {run.wall_seconds:8.1f} s"
        f"  (the refresh's own clock: {run.summary['duration_seconds']} s)",
        f"  requests                  {run.requests:8d}  ({run.requests / systems:.2f} per system)",
        f"  full answers / 304s       {run.full:8d} / {run.not_modified}",
        f"  cards carried forward     {run.summary['carried_forward']:8d}  (no request)",
        f"  bytes sent                {run.bytes:8d}",
        f"  429s received             {run.too_many:8d}",
        f"  rate-limit bound          {bound:8.1f} s  (requests / {rate:g} per second)",
        f"  wall time / bound         {run.wall_seconds / bound:8.2f}",
    ]


def with_missing(store: CaptureStore) -> CaptureStore:
    """The store less MISSING_SHARE of its URLs (never a model's info)."""

    def kept(url: str) -> bool:
        digest = int(hashlib.sha1(url.encode()).hexdigest()[:8], 16)
        return "/api/models/" in url or digest % 10_000 >= MISSING_SHARE * 10_000

    return CaptureStore({normalise_url(e.url): e for e in store.exchanges() if kept(normalise_url(e.url))})


def faults_benchmark(args: argparse.Namespace) -> list[str]:
    """Clean and faulted first runs of the same hub; their wall times and what they took."""
    with tempfile.TemporaryDirectory(prefix="openness-bench-") as temporary:
        workdir = Path(temporary)
        if args.calibration:
            (workdir / "registry.yaml").write_text((args.calibration / "registry.yaml").read_text())
            store = CaptureStore.load(args.calibration / "captures")
            systems, not_served = len(load_registry(workdir / "registry.yaml")), "every URL not captured"
        else:
            hub = synthetic_hub(args.systems)
            (workdir / "registry.yaml").write_text(hub.registry_yaml)
            store = with_missing(hub.store())
            systems, not_served = args.systems, f"{MISSING_SHARE:.0%} of URLs"
        with CaptureServer(store=store, latency=args.latency, rate_limit=args.rate) as server:
            clean = run_refresh(server, workdir, args, db="clean")
            faulted_urls = server.fault_mix()
            server.missing = 504
            faulted = run_refresh(server, workdir, args, db="faulted")
    ratio = faulted.wall_seconds / clean.wall_seconds
    summary = faulted.summary

    def pace(run: RunFigures) -> str:
        return f"{run.requests / run.crawling_seconds:.1f} requests/s over {run.crawling_seconds:.1f} s"

    return [
        f"{systems} systems, {args.latency * 1000:g} ms latency, {args.rate:g} requests/s (429 beyond), "
        f"{args.workers} workers; {faulted_urls} URLs faulted once, {not_served} 504 every time",
        "",
        f"  wall time clean           {clean.wall_seconds:8.1f} s  ({clean.requests} requests)",
        f"  wall time faulted         {faulted.wall_seconds:8.1f} s  ({faulted.requests} requests)",
        f"  faulted / clean           {ratio:8.2f}  (requests: {faulted.requests / clean.requests:.2f})",
        f"  crawling clean / faulted  {pace(clean)} / {pace(faulted)}",
        # Summed over the crawls that waited: worker-seconds, not wall time.
        f"  waits faulted (summed)    paced {waited(faulted, 'paced'):.0f} s,"
        f" backoff {waited(faulted, 'backoff'):.0f} s ({summary.get('backoffs', 0)}),"
        f" retry-after {waited(faulted, 'asked_wait'):.0f} s ({summary.get('asked_waits', 0)});"
        f" clean: paced {waited(clean, 'paced'):.0f} s",
        f"  429s received             {faulted.too_many:8d}",
        f"  retries                   {summary['retries']:8d}",
        f"  host pauses / slowdowns   {summary.get('host_pauses', 0):8d} / {summary.get('slowdowns', 0)}",
        f"  failures                  {json.dumps(summary['failures'])}",
        f"  stale projects            {summary['stale_projects']:8d}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.030, help="seconds per request")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second the server allows")
    parser.add_argument("--changed", type=float, default=0.05, help="share of systems changed before run 2")
    parser.add_argument("--workers", type=int, default=32, help="projects crawled at once")
    parser.add_argument("--client-rate", type=float, help="the crawler's pace, to see it overshoot [default: --rate]")
    parser.add_argument("--faults", action="store_true", help="clean vs faulted wall time (see above)")
    parser.add_argument(
        "--calibration", type=Path, metavar="SET", help="with --faults: crawl this calibration set's captures"
    )
    args = parser.parse_args()
    if args.faults:
        print("\n".join(faults_benchmark(args)))
        return

    with tempfile.TemporaryDirectory(prefix="openness-bench-") as temporary:
        workdir = Path(temporary)
        hub = synthetic_hub(args.systems)
        (workdir / "registry.yaml").write_text(hub.registry_yaml)
        with CaptureServer(store=hub.store(), latency=args.latency, rate_limit=args.rate) as server:
            first = run_refresh(server, workdir, args)
            changed = set(range(0, args.systems, max(1, round(1 / args.changed)))) if args.changed > 0 else set()
            server.store = synthetic_hub(args.systems, changed=changed).store()
            second = run_refresh(server, workdir, args)

    lines = [f"{args.systems} systems, {args.latency * 1000:g} ms latency, {args.rate:g} requests/s (429 beyond)", ""]
    lines += report("first run (nothing known)", first, args.systems, args.rate) + [""]
    lines += report(f"second run ({len(changed)} systems changed)", second, args.systems, args.rate) + [""]
    lines += [
        "second run / first run",
        f"  full requests             {second.full / first.full:8.3f}",
        f"  all requests              {second.requests / first.requests:8.3f}",
        f"  bytes                     {second.bytes / first.bytes:8.3f}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
