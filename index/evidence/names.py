"""Which papers, repos and packages are about the system itself, and which it merely cites.

A careful reader recognises a system's own paper or code by its name: "OpenChat:
Advancing ..." is OpenChat's paper, FlashAttention is a tool it uses. The names come
from the evidence (the repo ids the crawl started from), never from a list of systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Words that name a kind of model or a size, not a particular system.
GENERIC_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "with",
        "to",
        "in",
        "on",
        "at",
        "by",
        "from",
        "via",
        "is",
        "are",
        "its",
        "ai",
        "lm",
        "llm",
        "llms",
        "model",
        "models",
        "language",
        "large",
        "small",
        "tiny",
        "base",
        "chat",
        "instruct",
        "instruction",
        "instructions",
        "it",
        "hf",
        "sft",
        "rlhf",
        "dpo",
        "tuned",
        "tuning",
        "fine",
        "finetuned",
        "pretrained",
        "pretraining",
        "pretrain",
        "research",
        "lab",
        "labs",
        "assistant",
        "open",
        "source",
        "gpt",
        "transformer",
        "transformers",
        "v",
        "version",
        "release",
        "preview",
        "beta",
        "alpha",
        "demo",
        "meta",
    ]
)
WORD = re.compile(r"[a-z]{3,}")
# A name that starts with two letters joined to the next word ("CT-LLM", "XY_Coder"): too
# short to stand alone, distinctive together ("ctllm"). Only at the start: inside a name
# two letters are a language or a variant ("Claire-7B-FR-Instruct").
SHORT_COMPOUND = re.compile(r"^([a-z]{2})[-_]([a-z]{3,})")
# A name whose only word of its own is two letters at its start ("Yi-34B-Chat"): that is
# its name, read as a whole word only, and never a word English text uses on its own.
SHORT_NAME = re.compile(r"^([a-z]{2})(?![a-z])")
COMMON_SHORT_WORDS = frozenset(
    ["am", "as", "be", "do", "go", "he", "if", "me", "my", "no", "or", "ok", "so", "up", "us", "we"]
)


def name_tokens(name: str) -> frozenset[str]:
    """Distinctive lowercase words of a repo / model / package name; sizes and versions
    ("7B", "v1.2") are dropped. The whole name run together ("openassistant") counts too."""
    lowered = name.lower()
    tokens = set(WORD.findall(lowered))
    whole = "".join(WORD.findall(lowered))
    if len(whole) >= 5:
        tokens.add(whole)
    tokens |= {short + word for short, word in SHORT_COMPOUND.findall(lowered) if short not in GENERIC_WORDS}
    return frozenset(t for t in tokens if t not in GENERIC_WORDS)


def identity_tokens(names: Iterable[str]) -> frozenset[str]:
    """Tokens that identify the system, from the names of its entry repos (owner dropped)."""
    tokens: set[str] = set()
    for name in names:
        repo_name = name.rsplit("/", 1)[-1]
        tokens |= name_tokens(repo_name) or _short_name(repo_name)
    return frozenset(tokens)


def _short_name(name: str) -> frozenset[str]:
    short = SHORT_NAME.match(name.lower())
    if short is None or short.group(1) in GENERIC_WORDS | COMMON_SHORT_WORDS:
        return frozenset()
    return frozenset([short.group(1)])


def _says_short_name(text: str, token: str) -> bool:
    """A two-letter identity token as a word of its own ("Yi:", "01-ai/Yi", not "yield")."""
    return re.search(rf"(?<![a-z]){token}(?![a-z])", text.lower()) is not None


def compacted(text: str) -> str:
    """Lower-case letters and digits only: "LAION-2B (en)" and "laion2B-en" alike."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def names_the_system(text: str, identity: frozenset[str]) -> bool:
    """True when `text` (a title, a repo or package name) names the system."""
    if not identity:
        return False
    words = name_tokens(text)
    compact = compacted(text)
    for token in identity:
        if _says_token(text, token, words, compact):
            return True
        if len(token) == 2:
            continue
        # "RWKV" names ChatRWKV; require a long enough word so "chat" alone does not.
        if any(len(word) >= 4 and word in token for word in words):
            return True
        # "GLM" names ChatGLM: a short word that is the token less one generic affix.
        if words & _stems(token):
            return True
    return False


def mentions_the_system(text: str, identity: frozenset[str]) -> bool:
    """True when running text (an abstract) names the system: one of its tokens as a word,
    or a long one anywhere ("CT-LLM" in "we introduce CT-LLM, a 2B model"). Stricter than
    `names_the_system`, which also reads a title's words inside the system's name."""
    if not identity:
        return False
    words = name_tokens(text)
    compact = compacted(text)
    return any(_says_token(text, token, words, compact) for token in identity)


def _says_token(text: str, token: str, words: frozenset[str], compact: str) -> bool:
    """The text says an identity token: a two-letter one as a word of its own, another as
    one of its words (`words`), or, when long enough, anywhere in its letters (`compact`)."""
    if len(token) == 2:
        return _says_short_name(text, token)
    return token in words or (len(token) >= 5 and token in compact)


def same_family(name: str, model_name: str) -> bool:
    """True when `name` is another member of the family `model_name` belongs to: the two
    are one family word with different generic affixes ("TeleBase2.5" beside
    "TeleChat2.5": tele-base and tele-chat). A shared word alone is not enough ("Llama-2"
    beside "Llama-Poro-2-70B": another lab's model that Poro is built on)."""
    stems = {stem for token in name_tokens(name) for stem in _stems(token)}
    return any(stems & _stems(token) for token in name_tokens(model_name.rsplit("/", 1)[-1]))


@lru_cache(maxsize=4096)
def _stems(token: str) -> frozenset[str]:
    """The token less a generic prefix or suffix ("chatglm" -> "glm"), 3 letters or more."""
    stems = set()
    for generic in GENERIC_WORDS:
        if len(generic) < 3 or len(token) - len(generic) < 3:
            continue
        if token.startswith(generic):
            stems.add(token[len(generic) :])
        if token.endswith(generic):
            stems.add(token[: -len(generic)])
    return frozenset(stem for stem in stems if stem not in GENERIC_WORDS)


def same_owner(owner_a: str, owner_b: str) -> bool:
    """Hub and GitHub owners of one organisation are often spelled alike: Qwen / QwenLM,
    mistralai / mistral, google / google-research, lmsys / lm-sys; but meta is not metaflow."""
    shorter, longer = sorted((owner_a.lower(), owner_b.lower()), key=len)
    if shorter == longer or _unpunctuated(shorter) == _unpunctuated(longer):
        return True
    rest = longer.removeprefix(shorter)
    return len(shorter) >= 4 and rest != longer and (len(rest) <= 3 or rest[0] in "-_.")


def _unpunctuated(owner: str) -> str:
    return re.sub(r"[-_.]", "", owner)
