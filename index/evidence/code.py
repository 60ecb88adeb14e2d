"""Code evidence from GitHub: which kinds of files a repository tree holds (training,
fine-tuning, inference, data processing, docs, examples, packaging) and what a README
documents. Classification reads path words against keyword tables; nothing is graded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class RepoCode:
    """The repository's files by kind; a file can be of several kinds."""

    training_files: tuple[str, ...]  # pre-training code and launch configs
    # SFT, instruction tuning, RLHF / preference tuning, LoRA tuning: code and configs
    finetuning_files: tuple[str, ...]
    # training / fine-tuning scripts in example directories: how users may tune the model
    example_training_files: tuple[str, ...]
    inference_files: tuple[str, ...]  # inference, generation, serving, demos, chat, API
    data_files: tuple[str, ...]  # data collection, cleaning and processing scripts
    # docs/ contents, Markdown beyond the top README, doc-site configs
    docs_files: tuple[str, ...]
    example_files: tuple[str, ...]  # examples/, notebooks, tutorials
    packaging_files: tuple[str, ...]  # build files, requirements, Dockerfiles
    package_build_files: tuple[str, ...]  # the packaging files that build a package
    api_spec_files: tuple[str, ...]  # OpenAPI / Swagger descriptions of an HTTP API
    source_file_count: int  # code files, outside tests and vendored code
    truncated: bool  # GitHub cut the tree short: absence proves less


_EMPTY_REPO = RepoCode((), (), (), (), (), (), (), (), (), (), 0, False)


@dataclass(frozen=True)
class Readme:
    text: str
    sections: frozenset[str]  # see _SECTION_KEYWORDS
    word_count: int
    code_blocks: int


# --- tree classification ---------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class _Keywords:
    """Path words that mark a kind of file. Exact words match a whole path word; prefixes
    match its start, so "train" finds "trainer" and "training"."""

    prefixes: tuple[str, ...]
    exact: frozenset[str]

    @classmethod
    def of(cls, prefixes: str = "", exact: str = "") -> _Keywords:
        return cls(tuple(prefixes.split()), _words(exact))

    def found_in(self, words: tuple[str, ...]) -> bool:
        return any(word in self.exact or word.startswith(self.prefixes) for word in words)


_CODE_EXTENSIONS = _words(
    ".py .pyx .ipynb .ts .tsx .js .jsx .mjs .c .cc .cpp .cxx .h .hpp .cu .cuh .rs .go .java"
    " .kt .scala .swift .jl .r .lua .sh .bash .rb .php .cs .m .mm .metal .zig .dart .vue"
    " .svelte"
)
_NOTEBOOK = ".ipynb"  # code, but an example rather than a source file
_CONFIG_EXTENSIONS = _words(".yaml .yml .json .toml .cfg .ini .conf")
_DOC_EXTENSIONS = _words(".md .mdx .rst")
_DOC_PAGE_EXTENSIONS = _DOC_EXTENSIONS | _words(".txt .html .htm .ipynb .tex .adoc")
_MEDIA_EXTENSIONS = _words(
    ".png .jpg .jpeg .gif .svg .webp .ico .bmp .mp4 .mov .webm .mp3 .wav .ttf .woff .woff2 .eot .pdf"
)

# Directories whose files are not the project's own code, or not code at all.
_SKIPPED_DIRS = _words(
    "third_party thirdparty 3rdparty third-party 3p-integrations vendor vendors vendored _vendor external"
    " externals extern deps node_modules site-packages submodules test tests testing"
    " __tests__ __pycache__ wandb"
)

_FINETUNING = _Keywords.of(
    prefixes="finetun sft rlhf rlaif ppo dpo orpo kto grpo reward ptuning",
    exact="rm rl",
)
# "tune" alone also names kernel, hyper-parameter and auto-tuning (tune_gemm_config.py,
# tuning.h, autotuning/): fine-tuning only beside a word saying what is tuned.
_WEAK_TUNING = _Keywords.of(exact="tune tuned tuning tunes")
_TUNED_THING = _Keywords.of(prefixes="instruct prompt prefix chat model llm lm gpt llama", exact="it")
# Fine-tuning only next to a training word: alone they load adapters (lora.py).
_WEAK_FINETUNING = _Keywords.of(prefixes="lora qlora peft adapter")
_TRAINING = _Keywords.of(prefixes="train pretrain")
# Distributed-training launch configs count as training in config files.
_LAUNCH_CONFIG = _Keywords.of(prefixes="deepspeed megatron fsdp zero2 zero3", exact="ds")
_INFERENCE = _Keywords.of(
    prefixes="infer serv predict completion deploy webui gradio streamlit vllm",
    exact="chat cli app api interactive playground triton",
)
# Inference only when nothing else in the path explains them (generate_dataset.py).
_WEAK_INFERENCE = _Keywords.of(prefixes="generat demo", exact="sample run")
_EVALUATION = _Keywords.of(prefixes="eval benchmark bench metric score", exact="test")
_DATA = _Keywords.of(
    prefixes="dataset preprocess prepare clean dedup filter crawl scrap pretokeniz",
    exact="process processing prep tokenize augment augmentation collect collector",
)
_DATA_IN_FILE_NAME = _Keywords.of(exact="data")  # a data/ directory holds data itself

_EXAMPLE_DIRS = _words(
    "examples example notebooks notebook tutorials tutorial cookbook cookbooks recipes demos samples"
    " getting-started getting_started quickstart quick-start end-to-end-use-cases use-cases use_cases"
)
# Example directories whose training scripts show users how to use the system, rather
# than being the code that trained it ("recipes" often are that code, so they are not here).
_USER_EXAMPLE_DIRS = _EXAMPLE_DIRS - {"recipes"}
_DOCS_DIRS = _words("docs doc documentation wiki")
_DOC_SITE_FILES = _words("mkdocs.yml mkdocs.yaml .readthedocs.yml .readthedocs.yaml conf.py")
# Markdown about the project's governance rather than its code.
_NOT_DOC_NAMES = re.compile(r"^(readme|license|licence|.*_license|code_of_conduct|security|funding|changelog)")
_PACKAGE_BUILD_FILES = _words("setup.py setup.cfg pyproject.toml cargo.toml package.json go.mod meta.yaml")
_API_SPEC_NAME = re.compile(r"openapi|swagger")
_API_SPEC_EXTENSIONS = _words(".json .yaml .yml")
_DEPENDENCY_FILES = re.compile(
    r"^(requirements.*\.txt|environment\.ya?ml|pipfile(\.lock)?|poetry\.lock"
    r"|dockerfile(\..*)?|.*\.dockerfile)$"
)


def classify_tree(tree_json: object) -> RepoCode:
    """Sort a git tree's files into the kinds of code the rubric asks about."""
    if not isinstance(tree_json, dict) or not isinstance(tree_json.get("tree"), list):
        return _EMPTY_REPO
    paths = sorted(
        entry["path"]
        for entry in tree_json["tree"]
        if isinstance(entry, dict) and entry.get("type") == "blob" and isinstance(entry.get("path"), str)
    )
    files = [_FileFacts.of(path) for path in paths]
    own_files = [facts for facts in files if not facts.skipped]
    training = _select(own_files, _FileFacts.is_training)
    # A DeepSpeed / Megatron launch config trains nothing by itself: in a repo with no
    # training script it is a template (autotuning/config_templates/template_zero2.json).
    facts = {f.path: f for f in own_files}
    if not any(facts[path].is_source for path in training):
        training = tuple(path for path in training if facts[path]._trains())
    return RepoCode(
        training_files=training,
        finetuning_files=_select(own_files, _FileFacts.is_finetuning),
        example_training_files=_select(own_files, _FileFacts.is_example_training),
        inference_files=_select(own_files, _FileFacts.is_inference),
        data_files=_select(own_files, _FileFacts.is_data),
        docs_files=_select(own_files, _FileFacts.is_docs),
        example_files=_select(own_files, _FileFacts.is_example),
        packaging_files=_select(own_files, _FileFacts.is_packaging),
        package_build_files=_select(own_files, _FileFacts.is_package_build),
        api_spec_files=_select(own_files, _FileFacts.is_api_spec),
        source_file_count=sum(1 for facts in own_files if facts.is_source),
        truncated=tree_json.get("truncated") is True,
    )


def _select(files: list[_FileFacts], test: Callable[[_FileFacts], bool]) -> tuple[str, ...]:
    return tuple(facts.path for facts in files if test(facts))


def _path_words(text: str) -> tuple[str, ...]:
    # Join the spellings of compound terms first: "fine-tune", "pre_train", "p-tuning".
    text = text.lower()
    text = re.sub(r"fine[-_ ]?tun", "finetun", text)
    text = re.sub(r"pre[-_ ]?train", "pretrain", text)
    text = re.sub(r"\bp[-_]tuning", "ptuning", text)
    return tuple(word for word in re.split(r"[^a-z0-9]+", text) if word)


@dataclass(frozen=True)
class _FileFacts:
    path: str
    name: str  # lower-cased file name
    suffix: str
    dirs: tuple[str, ...]  # lower-cased directory names
    words: tuple[str, ...]  # every word of the path
    stem_words: tuple[str, ...]  # words of the file name alone

    @classmethod
    def of(cls, path: str) -> _FileFacts:
        pure = PurePosixPath(path)
        name = pure.name.lower()
        return cls(
            path=path,
            name=name,
            suffix=pure.suffix.lower(),
            dirs=tuple(part.lower() for part in pure.parts[:-1]),
            words=_path_words(path),
            stem_words=_path_words(pure.stem),
        )

    @property
    def skipped(self) -> bool:
        """Vendored code, tests and hidden directories (.github, .devcontainer)."""
        if any(part in _SKIPPED_DIRS or part.startswith(".") for part in self.dirs):
            return True
        return self.name == "conftest.py" or bool(re.match(r"^test_|.*_test\.\w+$", self.name))

    @property
    def is_code(self) -> bool:
        return self.suffix in _CODE_EXTENSIONS

    @property
    def is_source(self) -> bool:
        return self.is_code and self.suffix != _NOTEBOOK

    @property
    def is_config(self) -> bool:
        # JSON counts only when it looks like a config; most JSON in ML repos is data.
        if self.suffix == ".json":
            return "config" in self.name or _LAUNCH_CONFIG.found_in(self.stem_words)
        return self.suffix in _CONFIG_EXTENSIONS

    @property
    def is_training_candidate(self) -> bool:
        """Code or config that could train the system: not a user example, not evaluation."""
        if not (self.is_code or self.is_config) or self.suffix == _NOTEBOOK:
            return False
        in_examples = any(part in _USER_EXAMPLE_DIRS for part in self.dirs)
        return not in_examples and not _EVALUATION.found_in(self.words)

    def is_example_training(self) -> bool:
        """A training or fine-tuning script (or notebook) among the user examples
        (examples/sft/finetune.py): it shows how to tune the model, not how it was made."""
        if not (self.is_code or self.is_config) or _EVALUATION.found_in(self.words):
            return False
        if not any(part in _USER_EXAMPLE_DIRS for part in self.dirs):
            return False
        return self._tunes() or self._trains()

    def is_finetuning(self) -> bool:
        return self.is_training_candidate and self._tunes()

    def _tunes(self) -> bool:
        if _FINETUNING.found_in(self.words):
            return True
        if _WEAK_TUNING.found_in(self.words) and (_TUNED_THING.found_in(self.words) or self._trains()):
            return True
        return _WEAK_FINETUNING.found_in(self.words) and self._trains()

    def _trains(self) -> bool:
        # "trained" describes a thing (blocked_trained_kv_rotary.py); it does not train.
        return any(word != "trained" and word.startswith(_TRAINING.prefixes) for word in self.words)

    def is_training(self) -> bool:
        """Pre-training: training code that is not fine-tuning (rlhf/train_ppo.py is not)."""
        if not self.is_training_candidate or self.is_finetuning():
            return False
        if self._trains():
            return True
        return self.is_config and _LAUNCH_CONFIG.found_in(self.words)

    def is_inference(self) -> bool:
        """Inference words, unless the file name says training or evaluation (train_chat.sh)."""
        if not self.is_source or self._names_other_stage(self.stem_words):
            return False
        if _INFERENCE.found_in(self.words):
            return True
        explained_otherwise = self.is_data() or self._names_other_stage(self.words)
        return not explained_otherwise and _WEAK_INFERENCE.found_in(self.stem_words)

    @staticmethod
    def _names_other_stage(words: tuple[str, ...]) -> bool:
        return any(kind.found_in(words) for kind in (_TRAINING, _FINETUNING, _EVALUATION))

    def is_data(self) -> bool:
        if not self.is_source:
            return False
        return _DATA.found_in(self.words) or _DATA_IN_FILE_NAME.found_in(self.stem_words)

    def is_docs(self) -> bool:
        if any(part in _DOCS_DIRS for part in self.dirs):
            # Pages and doc-site configs; docs/ also holds styles, scripts and fonts.
            return self.suffix in _DOC_PAGE_EXTENSIONS or self.name in _DOC_SITE_FILES
        if self.name in _DOC_SITE_FILES:
            return self.name != "conf.py"  # a bare conf.py is a docs config in docs/ only
        if self.suffix not in _DOC_EXTENSIONS:
            return False
        # A README in a sub-directory documents that part; the top one is read apart.
        if self.dirs:
            return True
        return not _NOT_DOC_NAMES.match(self.name)

    def is_example(self) -> bool:
        if self.suffix in _MEDIA_EXTENSIONS:
            return False
        if self.suffix == _NOTEBOOK or any(part in _EXAMPLE_DIRS for part in self.dirs):
            return True
        return self.is_source and bool(self.stem_words) and self.stem_words[0].startswith("example")

    def is_api_spec(self) -> bool:
        return self.suffix in _API_SPEC_EXTENSIONS and bool(_API_SPEC_NAME.search(self.name))

    def is_package_build(self) -> bool:
        return self.name in _PACKAGE_BUILD_FILES

    def is_packaging(self) -> bool:
        in_requirements_dir = "requirements" in self.dirs and self.suffix == ".txt"
        return self.is_package_build() or bool(_DEPENDENCY_FILES.match(self.name)) or in_requirements_dir


# --- READMEs ---------------------------------------------------------------------------


# Heading keywords per section: an English regex, and Chinese words found as substrings
# (Chinese has no word boundaries, so the regex sees only the heading's ASCII).
_SECTION_KEYWORDS = {
    "install": (
        r"\binstall|\bset ?up\b|\brequirements?\b|\bdependenc|\benvironment\b",
        "安装 环境 依赖",
    ),
    "usage": (
        (
            r"\busage\b|\bhow to use\b|\bquick ?start|\bget(ting)? started\b|\bexamples?\b"
            r"|\bdemo|\binference\b|\brun(ning)?\b|\buse\b"
        ),
        "使用 用法 快速 推理 示例 演示 部署 调用",
    ),
    "training": (r"\btrain|\bpre-?train", "训练"),
    "finetuning": (
        (
            r"fine-?tun|\bsft\b|\binstruction[- ]tuning\b|\brlhf\b|\blora\b|\bp-?tuning"
            r"|\bdpo\b|\bppo\b|\breward|\breinforcement learning\b"
        ),
        "微调",
    ),
    "evaluation": (
        r"\bevaluat|\beval\b|\bbenchmark|\bresults?\b|\bperformance\b|\bmetrics?\b",
        "评测 评估 测评 效果 结果 性能",
    ),
    "data": (r"\bdata|\bcorpus|\bcorpora\b", "数据"),
    "model": (
        r"\bmodels?\b|\barchitecture|\bcheckpoints?\b|\bweights?\b|\bdownload",
        "模型 架构 权重",
    ),
    "api": (
        r"\bapis?\b|\bopenai[- ]compatible|\bserv(e|er|ing)\b|\bendpoints?\b|\bdeploy",
        "接口",
    ),
    "citation": (r"\bcit(e|ation|ing)\b|\bbibtex\b|\breferences?\b", "引用"),
    "license": (r"\blicen[sc]", "协议 许可"),
    "faq": (r"\bfaq\b|frequently asked|\bq ?& ?a\b|troubleshoot", "常见问题"),
    "contributing": (r"\bcontribut", "贡献"),
}
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BOLD_LINE_HEADING = re.compile(r"^\s{0,3}\*\*([^*]{1,80})\*\*:?\s*$")
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def readme_evidence(markdown: str) -> Readme:
    """What a README documents: its sections by heading, its size and its code examples."""
    if not isinstance(markdown, str):
        markdown = ""
    prose_lines, code_blocks = _split_code_blocks(markdown)
    headings = _headings(prose_lines) + _HTML_HEADING.findall("\n".join(prose_lines))
    return Readme(
        text=markdown,
        sections=frozenset(section for heading in headings for section in _sections_of(heading)),
        word_count=_word_count("\n".join(prose_lines)),
        code_blocks=code_blocks,
    )


def _split_code_blocks(markdown: str) -> tuple[list[str], int]:
    """Lines outside fenced code blocks, and how many blocks there are (an unclosed one counts)."""
    prose: list[str] = []
    blocks = 0
    open_fence: str | None = None
    for line in markdown.splitlines():
        fence = _FENCE.match(line)
        if open_fence is None and fence:
            open_fence = fence.group(1)
            blocks += 1
        elif open_fence is not None:
            if fence and fence.group(1) == open_fence:
                open_fence = None
        else:
            prose.append(line)
    return prose, blocks


def _headings(lines: list[str]) -> list[str]:
    headings = []
    for index, line in enumerate(lines):
        match = _ATX_HEADING.match(line) or _BOLD_LINE_HEADING.match(line)
        if match:
            headings.append(match.group(1))
        elif line.strip() and index + 1 < len(lines) and _SETEXT_UNDERLINE.match(lines[index + 1]):
            headings.append(line.strip())
    return headings


def _sections_of(heading: str) -> list[str]:
    text = re.sub(r"<[^>]+>|[*_`]", " ", heading).lower()
    ascii_text = re.sub(r"[^\x00-\x7f]+", " ", text)
    return [
        section
        for section, (english, chinese) in _SECTION_KEYWORDS.items()
        if re.search(english, ascii_text) or any(word in text for word in chinese.split())
    ]


def _word_count(text: str) -> int:
    # Chinese and Japanese are not space-separated: each character counts as a word.
    text = re.sub(r"<[^>]+>|\]\([^)]*\)", " ", text)
    return len(re.findall(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*|[\u3040-\u30ff\u4e00-\u9fff]", text))
