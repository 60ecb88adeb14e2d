"""Which linked GitHub repos the system's texts present as the code that made the model,
which only as tools to use or evaluate it with, and which repos are named for another
version of the model.

Same owner is not same system: a lab links the repo of its previous model ("TeleChat2")
beside the current release ("TeleChat2.5"), and a card may point to that repo as the
method the release continues ("the fine-tuning method follows TeleChat2, see [repo]").
The sentence around a link and the version in a name say which; nothing is graded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from crawler.links import find_links
from index.evidence.cards import sentences

# What a link points at is not what the sentence says about it: drop URLs and HTML tags
# (".../tree/main/train" names a folder, not what the repo is to the model).
_NOT_PROSE = re.compile(r"<[^>]*>|\(\s*https?://[^)\s]*\s*\)|https?://\S+")
# The sentence speaks of how the model was made: its training, tuning or code base.
MAKING_WORDS = re.compile(
    r"\b(?:train\w*|pre-?train\w*|fine-?tun\w*|finetun\w*|codebase|code base|source code|creation)\b|训练|微调",
    re.IGNORECASE,
)


# The sentence speaks of using, serving or evaluating the model ("All evaluations were
# done using [X]", "recipes for how to use the model in applications: [X]").
TOOL_WORDS = re.compile(
    r"\b(?:use[sd]?|using|usage|run|running|inference|deploy\w*|serv(?:e|es|ing)|demos?|applications?"
    r"|integrations?|evaluat\w*|eval|benchmark\w*)\b|推理|部署|使用|评测|评估|体验",
    re.IGNORECASE,
)


def _linking_github(texts: Iterable[str]) -> Iterator[str]:
    """The texts that may link a GitHub repo: only those name github.com, and reading
    every sentence of every card for links is most of the grading time at scale."""
    return (text for text in texts if text and "github" in text.lower())


def presented_only_as_tools(texts: Iterable[str]) -> frozenset[str]:
    """GitHub repos (lower-case owner/name) that every sentence linking them presents as
    a tool to use, serve or evaluate the model with: none speaks of its making, none
    links it plainly ("GitHub: [X]", "see our repo")."""
    roles: dict[str, set[str]] = {}
    for text in _linking_github(texts):
        for sentence in _linking_github(sentences(text)):
            prose = _NOT_PROSE.sub(" ", sentence)
            role = "making" if MAKING_WORDS.search(prose) else "tool" if TOOL_WORDS.search(prose) else "plain"
            for link in find_links(sentence):
                if link.kind == "github":
                    roles.setdefault(link.target.lower(), set()).add(role)
    return frozenset(repo for repo, found in roles.items() if found == {"tool"})


_REPO_ID = re.compile(r"[\w.-]+/[\w.-]+")
# The sentence speaks of this system, not of what a library does in general: "this
# model", "the training code", "we trained", "was fine-tuned" (the system's name counts too).
THIS_SYSTEM = re.compile(
    r"\b(?:this|these|the|our) (?:model|models|checkpoint|checkpoints|release)\b|\btraining code\b"
    r"|\bwe (?:pre-?)?(?:trained|fine-?tuned|finetuned|tuned)\b"
    r"|\b(?:was|were|is|are) (?:pre-?)?(?:trained|fine-?tuned|finetuned)\b"
    r"|本模型|该模型|我们的模型",
    re.IGNORECASE,
)


def pointed_to_as_making(texts: Iterable[str], system: Callable[[str], bool] | None = None) -> frozenset[str]:
    """GitHub repos (lower-case owner/name) that some sentence of the texts links while
    speaking of training, tuning or the code base ("The training code is available at
    [X]", "This model uses the LLM codebase in [X]"). With `system` (does a text name the
    system?), only sentences that speak of this system's making count: "a library for
    distributed training of language models" speaks of training, but not of this one."""
    found: set[str] = set()
    for text in _linking_github(texts):
        for sentence in _linking_github(sentences(text)):
            repos = {link.target.lower() for link in find_links(sentence) if link.kind == "github"}
            prose = _NOT_PROSE.sub(" ", sentence)
            if not repos or not MAKING_WORDS.search(prose):
                continue
            # A repo's id in the link text ("[acme/trainer]") names its owner, not the system.
            if system is None or THIS_SYSTEM.search(prose) or system(_REPO_ID.sub(" ", prose)):
                found |= repos
    return frozenset(found)


# A family word and the version glued to it or right after it ("TeleChat2.5", "Llama-3",
# "ChatGLM2"); a number followed by a size unit ("7B", "115B") is a size, not a version.
_VERSIONED_NAME = re.compile(r"([a-z]{3,})[-_ ]?v?(\d+(?:[._]\d+)?)(?![\d._]*[bmkt]\b|\d)", re.IGNORECASE)


def versions(name: str) -> dict[str, str]:
    """Family word -> version in a repo or model name ("Tele-AI/TeleChat2.5-115B":
    telechat 2.5; "Llama-3_3-...": llama 3.3). The owner is not part of the name."""
    return {
        family.lower(): version.replace("_", ".")
        for family, version in _VERSIONED_NAME.findall(name.rsplit("/", 1)[-1])
    }


def another_version(repo_name: str, model_names: Iterable[str]) -> bool:
    """The repo is named for another version of the system's model family: it shares a
    family word with the system's names, each time with a different version ("TeleChat2"
    beside "TeleChat2.5"). A repo without a version ("fietje") names the whole family."""
    repo = versions(repo_name)
    shared = [(family, version) for name in model_names for family, version in versions(name).items() if family in repo]
    return bool(shared) and all(repo[family] != version for family, version in shared)
