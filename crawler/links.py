"""Links and install commands found in card / README text, normalised for the crawler.

This module owns the question "what does this text point to?": every URL in a piece of
Markdown or HTML is classified (GitHub repo, Hub model / dataset / Space, arXiv entry,
peer-reviewed venue, DOI, PyPI project, blog post, other) and reduced to the id the
crawler fetches next. It also reads `pip install` commands and arXiv ids mentioned in
prose. Everything here is a pure function over a string and never raises on any input.

The classification is driven by the tables below (`_HOST_PARSERS`, `_DOMAIN_KINDS`,
`_BLOG_PATH_SEGMENTS`, the reserved first path segments); extend a table rather than
adding a branch.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

LINK_KINDS = (
    "github",
    "hf_model",
    "hf_dataset",
    "hf_space",
    "arxiv",
    "proceedings",
    "doi",
    "pypi",
    "blog",
    "other",
)


@dataclass(frozen=True)
class Link:
    url: str  # absolute URL as found (trailing punctuation and stray brackets trimmed)
    kind: str  # one of LINK_KINDS
    target: str  # normalised id (see find_links); the URL itself for the URL-only kinds


# --- where URLs are in the text ---------------------------------------------------------

# URL characters: printable ASCII except quotes, <>, [], backslash, braces, "|" and "^", so a
# URL stops where Markdown, HTML or a table cell around it resumes. Cards glue URLs to
# CJK text ("详见https://github.com/o/r。"); real URLs percent-encode anything non-ASCII.
_URL_CHARS = r"[A-Za-z0-9!#$%&()*+,\-./:;=?@_~]+"
_URL = re.compile(
    r"(?:https?://|(?<![\w.@/:-])(?=(?:www\.)?(?:github\.com|huggingface\.co|arxiv\.org)/))" + _URL_CHARS,
    re.IGNORECASE,
)
_MARKDOWN_ESCAPE = re.compile(r"\\([_*\[\]()#~])")
_TRAILING_JUNK = ".,;:!?*_~'\""


def _trim_url(url: str) -> str:
    """Cut a URL at the first ")" it did not open (the end of a Markdown link, as in
    "[a](url1)/[b](url2)") and drop the sentence punctuation after it."""
    depth = 0
    for index, char in enumerate(url):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                url = url[:index]
                break
    return url.rstrip(_TRAILING_JUNK)


# --- per-host parsers: path segments -> (kind, target) or None ---------------------------

_GITHUB_RESERVED = frozenset(
    {
        "about",
        "account",
        "apps",
        "blog",
        "codespaces",
        "collections",
        "contact",
        "copilot",
        "customer-stories",
        "dashboard",
        "enterprise",
        "events",
        "explore",
        "features",
        "issues",
        "join",
        "login",
        "logout",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "organizations",
        "pricing",
        "pulls",
        "readme",
        "search",
        "security",
        "settings",
        "signup",
        "site",
        "solutions",
        "sponsors",
        "stars",
        "team",
        "topics",
        "trending",
        "user-attachments",
        "users",
        "watching",
    }
)
_HF_RESERVED = frozenset(
    {
        "api",
        "blog",
        "chat",
        "collections",
        "courses",
        "docs",
        "enterprise",
        "front",
        "inference-api",
        "inference-endpoints",
        "join",
        "learn",
        "login",
        "models",
        "new",
        "new-dataset",
        "new-space",
        "notifications",
        "organizations",
        "posts",
        "pricing",
        "privacy",
        "search",
        "settings",
        "storage",
        "support",
        "tasks",
        "terms-of-service",
        "transformers",
        "welcome",
    }
)
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_ARXIV_ID = r"(?:\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})"
_ARXIV_PATH = re.compile(rf"^({_ARXIV_ID})(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)

ParsedTarget = tuple[str, str] | None


def _owner_and_name(owner: str, name: str) -> str | None:
    name = name.removesuffix(".git")
    if name in {"", ".", ".."} or not _REPO_NAME.match(name) or not _REPO_NAME.match(owner):
        return None
    return f"{owner}/{name}"


def _github_repo(segments: list[str]) -> ParsedTarget:
    if len(segments) < 2 or segments[0].lower() in _GITHUB_RESERVED:
        return None
    if not _GITHUB_OWNER.match(segments[0]):
        return None
    repo = _owner_and_name(segments[0], segments[1])
    return ("github", repo) if repo else None


def _github_raw_file(segments: list[str]) -> ParsedTarget:
    # raw.githubusercontent.com/{owner}/{repo}/{ref}/{path} is a file of that repo.
    repo = _owner_and_name(*segments[:2]) if len(segments) >= 2 else None
    return ("github", repo) if repo else None


def _arxiv_entry(segments: list[str]) -> ParsedTarget:
    if len(segments) < 2 or segments[0].lower() not in {"abs", "pdf", "html", "format"}:
        return None
    found = _ARXIV_PATH.match("/".join(segments[1:]))
    return ("arxiv", found.group(1)) if found else None


def _hub_repo(segments: list[str]) -> ParsedTarget:
    if not segments:
        return None
    first = segments[0].lower()
    if first == "papers":
        return _arxiv_entry(["abs", *segments[1:2]])
    if first in {"datasets", "spaces"}:
        kind = "hf_dataset" if first == "datasets" else "hf_space"
        if len(segments) >= 3:
            repo = _owner_and_name(segments[1], segments[2])
        elif first == "datasets" and len(segments) == 2:
            # legacy canonical datasets have no owner: huggingface.co/datasets/squad
            repo = segments[1] if _REPO_NAME.match(segments[1]) else None
        else:
            repo = None
        return (kind, repo) if repo else None
    if first in _HF_RESERVED or len(segments) < 2:
        return None
    repo = _owner_and_name(segments[0], segments[1])
    return ("hf_model", repo) if repo else None


def _pypi_project(segments: list[str]) -> ParsedTarget:
    if len(segments) >= 2 and segments[0] in {"project", "pypi"}:
        name = normalise_package_name(segments[1])
        return ("pypi", name) if name else None
    return None


# Hosts whose URLs name a fetchable thing. Matched on the exact host (after "www.").
_HOST_PARSERS: dict[str, Callable[[list[str]], ParsedTarget]] = {
    "github.com": _github_repo,
    "raw.githubusercontent.com": _github_raw_file,
    "huggingface.co": _hub_repo,
    "hf.co": _hub_repo,
    "arxiv.org": _arxiv_entry,
    "export.arxiv.org": _arxiv_entry,
    "ar5iv.org": _arxiv_entry,
    "ar5iv.labs.arxiv.org": _arxiv_entry,
    "pypi.org": _pypi_project,
    "pypi.python.org": _pypi_project,
}

# Domains (and all their subdomains) whose URLs are of one kind; the target is the URL.
_DOMAIN_KINDS: tuple[tuple[str, str], ...] = (
    ("doi.org", "doi"),
    ("aclanthology.org", "proceedings"),
    ("aclweb.org", "proceedings"),
    ("openreview.net", "proceedings"),
    ("proceedings.neurips.cc", "proceedings"),
    ("papers.nips.cc", "proceedings"),
    ("proceedings.mlr.press", "proceedings"),
    ("jmlr.org", "proceedings"),
    ("ieeexplore.ieee.org", "proceedings"),
    ("dl.acm.org", "proceedings"),
    ("link.springer.com", "proceedings"),
    ("aaai.org", "proceedings"),
    ("ijcai.org", "proceedings"),
    ("openaccess.thecvf.com", "proceedings"),
    ("isca-archive.org", "proceedings"),
    ("direct.mit.edu", "proceedings"),
    ("nature.com", "proceedings"),
    ("science.org", "proceedings"),
    ("pnas.org", "proceedings"),
    ("sciencedirect.com", "proceedings"),
    ("github.io", "blog"),
    ("medium.com", "blog"),
    ("substack.com", "blog"),
    ("blogspot.com", "blog"),
    ("wordpress.com", "blog"),
    ("notion.site", "blog"),
    ("hashnode.dev", "blog"),
    ("towardsdatascience.com", "blog"),
)
# A URL on any other host is a blog post when one of its path segments is one of these.
_BLOG_PATH_SEGMENTS = frozenset({"blog", "blogs", "news", "post", "posts"})


def _on_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def classify_url(url: str) -> tuple[str, str]:
    """Return (kind, target) for one absolute URL; ("other", url) when nothing fits."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # e.g. a malformed IPv6 host
        return "other", url
    segments = [segment for segment in parts.path.split("/") if segment]
    parser = _HOST_PARSERS.get(host)
    parsed = parser(segments) if parser else None
    if parsed:
        return parsed
    for domain, kind in _DOMAIN_KINDS:
        if _on_domain(host, domain):
            return kind, url
    if any(segment.lower() in _BLOG_PATH_SEGMENTS for segment in segments):
        return "blog", url
    return "other", url


# --- public API ---------------------------------------------------------------------------


def _dedup_key(link: Link) -> tuple[str, str]:
    # GitHub and the Hub resolve owner/name case-insensitively, so "THUDM/GLM" and
    # "thudm/glm" are one repo to fetch.
    case_insensitive = link.kind in {"github", "hf_model", "hf_dataset", "hf_space"}
    return link.kind, link.target.lower() if case_insensitive else link.target


def _links_with_positions(text: str) -> Iterator[tuple[int, Link]]:
    unescaped = _MARKDOWN_ESCAPE.sub(r"\1", text)
    position = 0
    while match := _URL.search(unescaped, position):
        url = _trim_url(match.group(0))
        # resume right after the trimmed URL: what was cut off may hold the next link
        position = match.start() + max(len(url), 1)
        url = url.replace("&amp;", "&")
        if not url.lower().startswith(("http://", "https://")):
            url = "https://" + url
        if len(url) > len("https://") + 3:
            kind, target = classify_url(url)
            yield match.start(), Link(url=url, kind=kind, target=target)


def find_links(text: str) -> list[Link]:
    """Every URL in the text (Markdown links, <autolinks>, bare URLs, HTML href/src, and
    scheme-less github.com / huggingface.co / arxiv.org mentions, which get "https://"),
    de-duplicated by (kind, target) in first-seen order.

    Targets: "owner/repo" for github; "owner/name" for hf_model / hf_dataset / hf_space;
    the bare arXiv id without version for arxiv; the PEP 503 name for pypi; the URL for
    the other kinds.
    """
    seen: set[tuple[str, str]] = set()
    links = []
    for _, link in _links_with_positions(text or ""):
        key = _dedup_key(link)
        if key not in seen:
            seen.add(key)
            links.append(link)
    return links


def _targets(text: str, kind: str) -> list[str]:
    return [link.target for link in find_links(text) if link.kind == kind]


def github_repos(text: str) -> list[str]:
    """ "owner/repo" of every GitHub repository linked from the text."""
    return _targets(text, "github")


def hf_models(text: str) -> list[str]:
    """ "owner/name" of every Hub model linked from the text."""
    return _targets(text, "hf_model")


def hf_datasets(text: str) -> list[str]:
    """ "owner/name" of every Hub dataset linked from the text."""
    return _targets(text, "hf_dataset")


_ARXIV_MENTION = re.compile(
    rf"\barxiv\s*[:：.]?\s*(?:preprint\s+)?(?:arxiv\s*[:：]?\s*)?(?:abs/)?({_ARXIV_ID})(?:v\d+)?\b"
    rf"|\beprint\s*=\s*[{{\"]\s*({_ARXIV_ID})(?:v\d+)?\s*[}}\"]",
    re.IGNORECASE,
)


def arxiv_ids(text: str) -> list[str]:
    """arXiv ids (no version) from links and from mentions such as "arXiv:2304.07327v2"
    or a BibTeX "eprint={2304.07327}", in order of first appearance."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text or "")  # positions must match _links_with_positions
    found = [(pos, link.target) for pos, link in _links_with_positions(text) if link.kind == "arxiv"]
    found += [(m.start(), m.group(1) or m.group(2)) for m in _ARXIV_MENTION.finditer(text)]
    ids: list[str] = []
    for _, arxiv_id in sorted(found, key=lambda item: item[0]):
        if arxiv_id not in ids:
            ids.append(arxiv_id)
    return ids


# --- pip install ------------------------------------------------------------------------

_PIP_INSTALL = re.compile(r"\bpip(?:3(?:\.\d+)?)?\s+install\b")
_LINE_CONTINUATION = re.compile(r"\\[ \t]*\r?\n")
# A command ends at a shell separator, a comment (also "//" in prose), the next pip
# command, or the first non-ASCII character (install lines are glued to Chinese prose:
# "`pip install gradio`，然后运行").
_COMMAND_END = re.compile(r"&&|\|\||[;|&)]|\s#|\s//|\bpip(?:3(?:\.\d+)?)?\s+install\b|[^\x00-\x7f]")
_FLAGS_WITH_VALUE = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--src",
        "--upgrade-strategy",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--trusted-host",
        "--proxy",
        "--cache-dir",
        "--log",
        "--progress-bar",
        "-C",
        "--config-settings",
        "--global-option",
        "--install-option",
        "--only-binary",
        "--no-binary",
        "--report",
        "--retries",
        "--timeout",
    }
)
# Prose after an inline command ("pip install ochat to get started") is not a package list.
_PROSE_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "by",
        "can",
        "e.g.",
        "first",
        "for",
        "from",
        "if",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "should",
        "that",
        "the",
        "then",
        "this",
        "to",
        "using",
        "via",
        "which",
        "will",
        "with",
        "you",
    }
)
_NOT_A_PACKAGE_PREFIXES = ("git+", "hg+", "svn+", "bzr+", ".", "/", "~", "$", "<", "%", "{")
_FILE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".zip", ".txt", ".py", ".cfg", ".toml")
_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_SPECIFIER_START = re.compile(r"[\[=<>!~;(@ ]")


def normalise_package_name(name: str) -> str:
    """PEP 503 normalised form ("Foo_Bar.baz" -> "foo-bar-baz"); "" when not a valid name."""
    name = name.strip()
    return re.sub(r"[-_.]+", "-", name).lower() if _PACKAGE_NAME.match(name) else ""


def _requirement_name(token: str) -> str:
    if "://" in token or token.startswith(_NOT_A_PACKAGE_PREFIXES) or token.endswith(_FILE_SUFFIXES):
        return ""
    name = _SPECIFIER_START.split(token, maxsplit=1)[0].rstrip(".,:)")
    if "/" in name:  # a local path such as "x/" or "src/pkg"
        return ""
    return normalise_package_name(name)


def _split_arguments(arguments: str) -> list[str]:
    try:
        return shlex.split(arguments)
    except ValueError:  # unbalanced quotes in hand-written docs
        return [token.strip("'\"") for token in arguments.split()]


def _packages_in_arguments(arguments: str) -> list[str]:
    tokens = _split_arguments(_COMMAND_END.split(arguments, maxsplit=1)[0])
    names: list[str] = []
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
        elif token.startswith("-"):
            skip_next = "=" not in token and token in _FLAGS_WITH_VALUE
        elif token == "@":  # "name @ git+https://...": the URL is not a package
            skip_next = True
        elif token.lower() in _PROSE_WORDS:
            break
        elif name := _requirement_name(token):
            names.append(name)
    return names


def pip_install_targets(text: str) -> list[str]:
    """PEP 503 names of the packages installed by `pip install` commands in the text, in
    first-seen order (flags and their values, URLs, VCS and local paths are skipped)."""
    joined = _LINE_CONTINUATION.sub(" ", text or "")
    names: list[str] = []
    for match in _PIP_INSTALL.finditer(joined):
        line_end = joined.find("\n", match.end())
        rest_of_line = joined[match.end() : line_end if line_end != -1 else len(joined)]
        arguments = rest_of_line.split("`", 1)[0]  # inline code ends at its closing backtick
        for name in _packages_in_arguments(arguments):
            if name not in names:
                names.append(name)
    return names
