"""Scale benchmark: discover + refresh + grade a generated hub of 100,000 models on loopback.

A server in a child process generates the hub on demand (nothing is stored): model
infos and cards of realistic size (a few kB to a few tens of kB, sections a grader
reads), a share of gated, fine-tuned, quantised (GGUF / AWQ), adapter, merged and
re-uploaded models built on a shared pool of base models, datasets from a shared pool,
GitHub repos for some, and the Hub's listing in pages of 1,000 with a `Link` cursor.
It answers conditional requests with 304s like the real services.

`openness refresh --discover` runs as a subprocess, twice (the second time with nothing
changed). Printed: requests per model, the listing's requests, URLs fetched twice,
models graded per second (wall clock with a zero-latency server, and the grading alone),
peak RSS of the refresh, the DuckDB file size, the leaderboard's and a grade-changes
query's time, and the unchanged re-run's full (non-304) requests as a share of the first
run's.

    python bench/scale.py                    # 100,000 models
    python bench/scale.py --models 10000     # a quicker run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from index.leaderboard import grade_changes, leaderboard  # noqa: E402
from tests.capture_server import _write as write_response  # noqa: E402

PAGE = 1000
BASES = 200  # pre-trained originals everything else derives from
DATASETS = 500
FILLER = (
    "The model was evaluated on held-out benchmarks covering reasoning, reading comprehension, "
    "code and multilingual tasks; results vary with prompt format and decoding settings. "
)


# ---- the generated hub ---------------------------------------------------------------


def kind_of(i: int) -> str:
    """What model i is: the shares of a text-generation listing."""
    if i < BASES:
        return "base"
    slot = _hash(i) % 100
    if slot < 35:
        return "finetune"
    if slot < 55:
        return "quantized"
    if slot < 62:
        return "adapter"
    if slot < 67:
        return "merge"
    if slot < 70:
        return "reupload"
    return "original"


def model_id(i: int) -> str:
    if i < BASES:
        return f"lab{i % 20}/Base-{i:03d}-7B"
    kind = kind_of(i)
    suffix = {"quantized": "-GGUF" if i % 2 else "-AWQ", "adapter": "-lora", "merge": "-merge"}.get(kind, "")
    if kind == "reupload":
        return f"mirror{i % 50}/Base-{base_of(i):03d}-7B"
    return f"user{i % 997}/model-{i:06d}{suffix}"


def base_of(i: int) -> int:
    """The model i derives from: a base, or (for quantisations and adapters) often a
    fine-tune of one."""
    kind = kind_of(i)
    if kind in ("quantized", "adapter") and i > 2 * BASES:
        parent = BASES + _hash(i, "parent") % (i - BASES)
        if kind_of(parent) == "finetune":
            return parent
    return _hash(i, "base") % BASES


def downloads(i: int) -> int:
    return max(0, 5_000_000 // (1 + i) + _hash(i, "dl") % 50)


def info(i: int, models: int) -> dict[str, Any]:
    kind, repo_id = kind_of(i), model_id(i)
    tags = ["transformers", "safetensors", "text-generation", "en", f"license:{_license(i)}"]
    card: dict[str, Any] = {"license": _license(i), "language": ["en"], "pipeline_tag": "text-generation"}
    files = ["README.md", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]
    if kind != "base":
        base = model_id(base_of(i))
        card["base_model"] = base
        relation = {"quantized": "quantized", "adapter": "adapter", "merge": "merge"}.get(kind, "finetune")
        tags.append(f"base_model:{relation}:{base}")
        if kind == "merge":
            other = model_id((base_of(i) + 1) % BASES)
            card["base_model"] = [base, other]
            tags.append(f"base_model:merge:{other}")
    if kind == "quantized" and repo_id.endswith("-GGUF"):
        files += ["model.Q4_K_M.gguf", "model.Q8_0.gguf"]
        tags.append("gguf")
    elif kind == "adapter":
        files += ["adapter_config.json", "adapter_model.safetensors"]
    else:
        files += [f"model-0000{n}-of-00004.safetensors" for n in range(1, 5)] + ["model.safetensors.index.json"]
    if i % 4 == 0:
        datasets = [f"data{j % 40}/corpus-{j:03d}" for j in (_hash(i, "d1") % DATASETS, _hash(i, "d2") % DATASETS)]
        card["datasets"] = datasets
        tags += [f"dataset:{d}" for d in datasets]
    if i % 25 == 3:
        tags.append(f"arxiv:24{1 + i % 12:02d}.{i % 100000:05d}")
    return {
        "id": repo_id,
        "author": repo_id.split("/")[0],
        "sha": _sha(f"{repo_id}@0"),
        "private": False,
        "gated": "manual" if i % 10 == 7 else False,
        "disabled": False,
        "downloads": downloads(i),
        "likes": downloads(i) // 500,
        "tags": tags,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "cardData": card,
        "siblings": [{"rfilename": f} for f in files],
        "safetensors": {"parameters": {"BF16": 7_241_732_096}, "total": 7_241_732_096},
        "lastModified": "2026-11-01T00:00:00.000Z",
        "createdAt": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00.000Z",
    }


def card(i: int) -> str:
    kind, repo_id = kind_of(i), model_id(i)
    parts = [
        f"---\nlicense: {_license(i)}\nlanguage:\n- en\n"
        + (f"base_model: {model_id(base_of(i))}\n" if kind != "base" else "")
        + "---",
        f"# {repo_id.split('/')[1]}\n\nA {kind} text-generation model.",
        "## Model details\n\n- Architecture: decoder-only transformer, 32 layers, 4096 hidden, 32 heads\n"
        "- Context length: 8192 tokens\n- Parameters: 7B",
        "## Training data\n\n"
        + (
            "Pre-trained on 2T tokens of filtered web text, code and books."
            if kind == "base"
            else "Fine-tuned on instruction and preference data."
        ),
        "## Training procedure\n\nAdamW, cosine schedule, peak learning rate 3e-4, 2,000 warm-up steps, "
        "global batch of 4M tokens, bf16 mixed precision on 256 GPUs.",
        "## Evaluation\n\n| benchmark | score |\n|---|---|\n| MMLU | 61.2 |\n| GSM8K | 40.1 |\n| HumanEval | 28.0 |",
        "## Limitations\n\nThe model can produce wrong, biased or offensive output; do not use it for "
        "decisions about people.",
    ]
    if i % 7 == 1:
        parts.append(f"Code: https://github.com/gh{i % 300}/repo-{i:06d}")
    # Sized like the Hub's cards (../shared/data/modelcards: median 1.6 kB, mean 4.1 kB,
    # a long tail): here median 1.6 kB, mean 2.4 kB, up to 7.4 kB.
    parts.append("## Details\n\n" + FILLER * ((_hash(i, "size") % 100) ** 3 // 25_000))
    return "\n\n".join(parts) + "\n"


def dataset_info(j: int) -> dict[str, Any]:
    repo_id = f"data{j % 40}/corpus-{j:03d}"
    return {
        "id": repo_id,
        "sha": _sha(repo_id),
        "gated": "auto" if j % 15 == 0 else False,
        "tags": ["license:cc-by-4.0", "task_categories:text-generation"],
        "cardData": {"license": "cc-by-4.0"},
    }


def _license(i: int) -> str:
    return ("apache-2.0", "mit", "llama3", "other", "cc-by-nc-4.0")[_hash(i, "lic") % 5]


def _hash(i: int, salt: str = "") -> int:
    return int.from_bytes(hashlib.blake2b(f"{salt}:{i}".encode(), digest_size=8).digest(), "big")


def _sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


# ---- the server ----------------------------------------------------------------------


class HubServer:
    """Answers the generated hub's URLs; counts every request by URL."""

    def __init__(self, models: int) -> None:
        self.models = models
        self.by_id = {model_id(i): i for i in range(models)}
        self.listing = sorted(range(models), key=lambda i: (-downloads(i), i))
        self.requests: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.lock = threading.Lock()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        route = unquote(parts.path)
        if route == "/hf/api/models":
            return self._listing(parts.query)
        if route.startswith("/hf/api/models/"):
            i = self.by_id.get(route.removeprefix("/hf/api/models/"))
            return _json(info(i, self.models)) if i is not None else _missing()
        if route.startswith("/hf/api/datasets/"):
            j = _dataset_number(route.removeprefix("/hf/api/datasets/"))
            return _json(dataset_info(j)) if j is not None else _missing()
        if route.startswith("/hf/datasets/") and route.endswith("/resolve/main/README.md"):
            name = route.removeprefix("/hf/datasets/").removesuffix("/resolve/main/README.md")
            return (200, {"content-type": "text/plain"}, f"# {name}\n\nInstruction data, CC-BY-4.0.\n".encode())
        if route.startswith("/hf/") and route.endswith("/resolve/main/README.md"):
            i = self.by_id.get(route.removeprefix("/hf/").removesuffix("/resolve/main/README.md"))
            return (200, {"content-type": "text/plain"}, card(i).encode()) if i is not None else _missing()
        if route.startswith("/github/repos/"):
            return self._github(route.removeprefix("/github/repos/"))
        return _missing()

    def _listing(self, query: str) -> tuple[int, dict[str, str], bytes]:
        params = parse_qs(query)
        start = int(params.get("cursor", ["0"])[0])
        limit = min(int(params.get("limit", [str(PAGE)])[0]), PAGE)
        fields = params.get("expand", [])
        page = [info(i, self.models) for i in self.listing[start : start + limit]]
        body = [{"id": m["id"], **{f: m[f] for f in fields if f in m}} for m in page]
        headers = {"content-type": "application/json"}
        if start + limit < self.models:
            following = urlencode({**params, "cursor": [str(start + limit)]}, doseq=True)
            headers["link"] = f'<{self.base}/hf/api/models?{following}>; rel="next"'
        return 200, headers, json.dumps(body).encode()

    def _github(self, rest: str) -> tuple[int, dict[str, str], bytes]:
        owner, _, tail = rest.partition("/")
        name, _, what = tail.partition("/")
        full = f"{owner}/{name}"
        if what == "":
            return _json(
                {
                    "full_name": full,
                    "default_branch": "main",
                    "license": {"spdx_id": "Apache-2.0"},
                    "description": "training code",
                    "archived": False,
                    "fork": False,
                }
            )
        if what == "readme":
            import base64

            text = f"# {name}\n\nTraining and fine-tuning scripts.\n\n```\npython train.py\n```\n"
            content = base64.b64encode(text.encode()).decode()
            return _json({"name": "README.md", "encoding": "base64", "content": content})
        if what.startswith("git/trees/"):
            files = ["README.md", "LICENSE", "train.py", "finetune.py", "configs/sft.yaml", "inference.py"]
            return _json(
                {
                    "sha": _sha(full),
                    "truncated": False,
                    "tree": [{"path": f, "type": "blob", "size": 1000} for f in files],
                }
            )
        return _missing()

    def serve(self, port_out: Any, stop: Any) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                if self.path.startswith("/__stats"):
                    with server.lock:
                        body = json.dumps(
                            {
                                "requests": sum(server.requests.values()),
                                "urls": len(server.requests),
                                "fetched_twice": sum(1 for n in server.requests.values() if n > 1),
                                "listing": sum(
                                    n for u, n in server.requests.items() if u.startswith("/hf/api/models?")
                                ),
                                **server.outcomes,
                            }
                        ).encode()
                    if self.path == "/__stats?reset=1":
                        with server.lock:
                            server.requests.clear()
                            server.outcomes.clear()
                    return self._write(200, {"content-type": "application/json"}, body)
                status, headers, body = server.answer(self.path)
                etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
                with server.lock:
                    server.requests[self.path] += 1
                if status == 200 and self.headers.get("if-none-match") == etag:
                    with server.lock:
                        server.outcomes["not_modified"] += 1
                    return self._write(304, {"etag": etag}, b"")
                with server.lock:
                    server.outcomes["full"] += 1
                    server.outcomes["bytes"] += len(body)
                self._write(status, {**headers, **({"etag": etag} if status == 200 else {})}, body)

            def _write(self, status: int, headers: dict[str, str], body: bytes) -> None:
                write_response(self, status, headers, body)

            def log_message(self, *args: object) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{httpd.server_port}"
        port_out.put(httpd.server_port)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        stop.wait()
        httpd.shutdown()


def _dataset_number(repo_id: str) -> int | None:
    try:
        return int(repo_id.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None


def _json(data: object) -> tuple[int, dict[str, str], bytes]:
    return 200, {"content-type": "application/json"}, json.dumps(data).encode()


def _missing() -> tuple[int, dict[str, str], bytes]:
    return 404, {"content-type": "application/json"}, b'{"error":"not found"}'


def _serve(models: int, port_out: Any, stop: Any) -> None:
    HubServer(models).serve(port_out, stop)


# ---- the benchmark -------------------------------------------------------------------


def stats(base: str, reset: bool = False) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(f"{base}/__stats{'?reset=1' if reset else ''}") as answer:
        return json.loads(answer.read())


def run_refresh(base: str, workdir: Path, workers: int) -> tuple[float, dict[str, Any], int]:
    """One `openness refresh --discover` subprocess: wall seconds, its summary, peak RSS (bytes)."""
    environment = {
        **os.environ,
        "HF_ENDPOINT": f"{base}/hf",
        "OPENNESS_GITHUB_API": f"{base}/github",
        "OPENNESS_PYPI_URL": f"{base}/pypi",
        "OPENNESS_ARXIV_API": f"{base}/arxiv",
    }
    registry = workdir / "registry.yaml"
    registry.write_text("projects:\n- id: seed\n  name: Seed\n  org: Lab 0\n  hf: lab0/Base-000-7B\n")
    command = [
        sys.executable,
        "-c",
        "import resource, sys, runpy; sys.argv = ['openness', *sys.argv[1:]];"
        "from cli import main\ntry:\n    main()\nfinally:\n"
        "    print('peak_rss_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
        "refresh",
        "--discover",
        "--pipeline-tag",
        "text-generation",
        "--registry",
        str(registry),
        "--db",
        str(workdir / "index.duckdb"),
        "--snapshots",
        str(workdir / "snapshots"),
        "--workers",
        str(workers),
        "--concurrency",
        f"127.0.0.1={workers}",
        "--json",
        "--quiet",
    ]
    started = time.monotonic()
    done = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"refresh failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak_rss_kib"))
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"refresh --json printed no single JSON document:\n{done.stdout[:2000]}") from None
    return wall, report, peak * 1024


def timed_queries(db: Path, repeats: int = 5) -> tuple[float, float, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        board_times, changes_times = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            board = leaderboard(connection)
            board_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            grade_changes(connection)
            changes_times.append(time.perf_counter() - started)
    return min(board_times), min(changes_times), len(board.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8, help="projects crawled at once")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    port_queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(args.models, port_queue, stop), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_queue.get(timeout=120)}"
    try:
        with tempfile.TemporaryDirectory(prefix="openness-scale-") as temporary:
            workdir = Path(temporary)
            first_wall, first, first_rss = run_refresh(base, workdir, args.workers)
            first_server = stats(base, reset=True)
            second_wall, second, second_rss = run_refresh(base, workdir, args.workers)
            second_server = stats(base, reset=True)
            db = workdir / "index.duckdb"
            size = db.stat().st_size
            board_seconds, changes_seconds, board_rows = timed_queries(db)
    finally:
        stop.set()
        server.join(timeout=10)

    figures = {
        "models": args.models,
        "graded": first["projects"],
        "requests": first_server["requests"],
        "requests_per_model": first_server["requests"] / first["projects"],
        "listing_requests": first_server["listing"],
        "listing_requests_per_1000": first_server["listing"] * 1000 / args.models,
        "fetched_twice": first_server["fetched_twice"],
        "wall_seconds": first_wall,
        "models_per_second": first["projects"] / first_wall,
        "grading_seconds": first.get("grading_microseconds", 0) / 1e6,
        "peak_rss_mib": first_rss / 2**20,
        "rerun_requests": second_server["requests"],
        "rerun_not_modified": second_server.get("not_modified", 0),
        "rerun_full": second_server.get("full", 0),
        "rerun_full_share": second_server.get("full", 0) / max(1, first_server.get("full", 0)),
        "rerun_carried_forward": second["carried_forward"],
        "rerun_fetched_twice": second_server["fetched_twice"],
        "rerun_wall_seconds": second_wall,
        "rerun_peak_rss_mib": second_rss / 2**20,
        "duckdb_mib": size / 2**20,
        "leaderboard_ms": board_seconds * 1000,
        "leaderboard_rows": board_rows,
        "grade_changes_ms": changes_seconds * 1000,
    }
    print(json.dumps(figures, indent=2) if args.json else report(figures))


def report(f: dict[str, Any]) -> str:
    grading_rate = f["graded"] / max(f["grading_seconds"], 1e-9)
    return "\n".join(
        [
            f"{f['models']:,} generated models; {f['graded']:,} graded (every listed model and the registry's one)",
            "",
            "first run (nothing known)",
            f"  requests            {f['requests']:>10,}  ({f['requests_per_model']:.2f} per model)",
            f"  listing requests    {f['listing_requests']:>10,}  ({f['listing_requests_per_1000']:.2f} per 1k models)",
            f"  URLs fetched twice  {f['fetched_twice']:>10,}",
            f"  wall time           {f['wall_seconds']:>10.1f} s  ({f['models_per_second']:.1f} models/s)",
            f"  grading alone       {f['grading_seconds']:>10.1f} s  ({grading_rate:.1f} models per second)",
            f"  peak RSS            {f['peak_rss_mib']:>10.0f} MiB",
            "",
            "second run (nothing changed)",
            f"  requests            {f['rerun_requests']:>10,}  ({f['rerun_not_modified']:,} answered 304)",
            f"  full answers        {f['rerun_full']:>10,}  ({f['rerun_full_share']:.1%} of the first run's)",
            f"  cards carried       {f['rerun_carried_forward']:>10,}  (not requested)",
            f"  wall time           {f['rerun_wall_seconds']:>10.1f} s",
            f"  peak RSS            {f['rerun_peak_rss_mib']:>10.0f} MiB",
            "",
            f"DuckDB file           {f['duckdb_mib']:>10.1f} MiB (two runs)",
            f"leaderboard           {f['leaderboard_ms']:>10.1f} ms  ({f['leaderboard_rows']:,} rows: originals)",
            f"grade changes query   {f['grade_changes_ms']:>10.1f} ms",
        ]
    )


if __name__ == "__main__":
    main()
