"""Grades follow what the evidence says, not how it is spelled or whose it is (issue 10: the
rubric must carry over to systems it was not tuned on). Both calibration sets are replayed
through `openness refresh` twice more: once with every card and README rewritten in ways
that keep their meaning (HTML links, decorated and upper-cased headings, CRLF line ends,
arXiv PDF links, `hf.co` links, ...), once with every system's owners renamed throughout
the captures and its registry id and name made opaque. Every grade and the rule that gave
it must equal the plain replay's; with the registry listed in reverse, so must every reason
and piece of evidence. With one kind of resource made unreadable (READMEs, arXiv
entries, cards, datasets), a grade that finds nothing for want of it must say so. And
links that every card gains to what is not the system's (a general training library of
the same owner, a benchmark, leaderboard results, an image store) move none of the
grades that read them; nor does a sentence giving the code's licence move the model's,
or a pip line installing generic tooling the package grade.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import CALIBRATION, CALIBRATION_2025, replay_calibration_into

Rewrite = Callable[[str], str]


def _headings(decorate: Callable[[str, str], str]) -> Rewrite:
    pattern = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*(\r?)$", re.M)
    return lambda text: pattern.sub(lambda m: decorate(m.group(1), m.group(2)) + m.group(3), text)


# Each keeps the Markdown's meaning; a rule that moves under one reads the spelling.
REWRITES: dict[str, Rewrite] = {
    "html links": lambda t: re.sub(r"(?<!!)\[([^\]\n]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', t),
    "numbered headings": _headings(lambda level, title: f"{level} 1. {title}"),
    "emoji headings": _headings(lambda level, title: f"{level} 📌 {title}"),
    "upper-cased headings": _headings(lambda level, title: f"{level} {title.upper()}"),
    "HTML headings": _headings(lambda level, title: f"<h{len(level)}>{title}</h{len(level)}>"),
    "arXiv PDF links": lambda t: re.sub(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", r"arxiv.org/pdf/\1", t),
    "hf.co links": lambda t: t.replace("https://huggingface.co/", "https://hf.co/"),
    "GitHub links with a trailing slash": lambda t: re.sub(
        r"(https://github\.com/[\w.-]+/[\w.-]+)(?=[)\s\"'>])", r"\1/", t
    ),
    "star bullets": lambda t: re.sub(r"^(\s*)- ", r"\1* ", t, flags=re.M),
    "no-break spaces": lambda t: t.replace(". ", ".\u00a0"),
    "CRLF line ends": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n"),
}


def rewrite_documents(line: dict, rewrite: Rewrite) -> dict:
    """A capture line with its card or README body rewritten; other lines unchanged."""
    url = line["url"]
    if url.startswith("https://huggingface.co/") and url.endswith("/README.md") and isinstance(line.get("body"), str):
        return {**line, "body": rewrite(line["body"])}
    content = line.get("json")
    if url.endswith("/readme") and isinstance(content, dict) and content.get("encoding") == "base64":
        text = rewrite(base64.b64decode(content["content"]).decode("utf-8", "replace"))
        return {**line, "json": {**content, "content": base64.b64encode(text.encode()).decode()}}
    return line


def owner_renaming(registry: dict) -> Rewrite:
    """Every owner a registry entry names (Hub and GitHub) replaced by an invented one,
    case-insensitively and inside longer names too ("SkyworkAI" -> "ZqabAI"), so that
    names that resembled each other still do; owners of four letters or fewer only as
    whole words."""
    owners = {entry[key].split("/")[0] for entry in registry["projects"] for key in ("hf", "github") if entry.get(key)}
    longest_first = sorted(owners, key=len, reverse=True)
    invented = {o.lower(): f"Zq{chr(97 + i // 26)}{chr(97 + i % 26)}lab" for i, o in enumerate(longest_first)}
    whole_word = r"(?<![A-Za-z0-9]){}(?![A-Za-z0-9])"
    alternatives = (re.escape(o) if len(o) > 4 else whole_word.format(re.escape(o)) for o in longest_first)
    pattern = re.compile("|".join(alternatives), re.I)
    return lambda text: pattern.sub(lambda m: invented[m.group(0).lower()], text)


def rename_everywhere(value: object, rename: Rewrite) -> object:
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, list):
        return [rename_everywhere(item, rename) for item in value]
    if isinstance(value, dict):
        if value.get("encoding") == "base64" and isinstance(value.get("content"), str):
            text = rename(base64.b64decode(value["content"]).decode("utf-8", "replace"))
            value = {**value, "content": base64.b64encode(text.encode()).decode()}
        return {rename(key): rename_everywhere(item, rename) for key, item in value.items()}
    return value


def write_set(source: Path, target: Path, registry: dict, transform: Callable[[dict], dict | None]) -> Path:
    """A calibration set's copy with every capture line transformed (None drops it)."""
    (target / "captures").mkdir(parents=True)
    (target / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    for capture in sorted((source / "captures").glob("*.jsonl")):
        with capture.open(encoding="utf-8") as lines, (target / "captures" / capture.name).open("w") as out:
            for line in lines:
                transformed = transform(json.loads(line))
                if transformed is not None:
                    out.write(json.dumps(transformed, ensure_ascii=False) + "\n")
    return target


def grades(db: Path, project_ids: dict[str, str] | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """(project, criterion) -> (grade, rule) of the latest run; ids mapped back where renamed."""
    ids = project_ids or {}
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute("SELECT project, criterion, grade, rule FROM latest_grades").fetchall()
    return {(ids.get(project, project), criterion): (grade, rule) for project, criterion, grade, rule in rows}


def moved(plain: dict, changed: dict) -> list[str]:
    return [f"{key}: {plain[key]} -> {changed.get(key)}" for key in sorted(plain) if changed.get(key) != plain[key]]


_ENTRY_CARD = re.compile(r"https://huggingface\.co/([^/]+/[^/]+)/resolve/main/README\.md")


def hub_entries(registry: dict) -> set[str]:
    return {entry["hf"] for entry in registry["projects"] if entry.get("hf")}


def entry_card_of(line: dict, entries: set[str]) -> str | None:
    """The Hub entry (owner/name) whose card this capture line holds, if it is one."""
    card = _ENTRY_CARD.fullmatch(line["url"])
    return card.group(1) if card and card.group(1) in entries and isinstance(line.get("body"), str) else None


def appended(line: dict, text: str) -> dict:
    """A card's capture line with `text` added at the end of its body."""
    return {**line, "body": f"{line['body'].rstrip()}\n\n{text}\n"}


@pytest.fixture(scope="module", params=["calibration", "calibration-2025"])
def calibration_set(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """A set's directory and its plain replay (the session's shared one)."""
    source = {"calibration": CALIBRATION, "calibration-2025": CALIBRATION_2025}[request.param]
    fixture = {"calibration": "calibrated_index", "calibration-2025": "calibrated_index_2025"}[request.param]
    return source, request.getfixturevalue(fixture)


def test_rewriting_cards_and_readmes_without_changing_their_meaning_moves_no_grade(
    calibration_set: tuple[Path, Path], tmp_path: Path
) -> None:
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))

    def every_rewrite(text: str) -> str:
        for rewrite in REWRITES.values():
            text = rewrite(text)
        return text

    rewritten = write_set(source, tmp_path / "set", registry, lambda line: rewrite_documents(line, every_rewrite))
    changed = grades(replay_calibration_into(tmp_path / "rewritten.duckdb", rewritten))
    assert len(changed) == 14 * len(registry["projects"])
    assert moved(grades(plain_db), changed) == []


def test_renaming_every_owner_and_project_moves_no_grade(calibration_set: tuple[Path, Path], tmp_path: Path) -> None:
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    rename = owner_renaming(registry)
    renamed_registry = {
        **registry,
        "projects": [
            {**rename_everywhere(entry, rename), "id": f"system-{i}", "name": f"System {i}"}
            for i, entry in enumerate(registry["projects"])
        ],
    }
    original_ids = {f"system-{i}": entry["id"] for i, entry in enumerate(registry["projects"])}
    renamed = write_set(source, tmp_path / "set", renamed_registry, lambda line: rename_everywhere(line, rename))
    assert all("Zq" in capture.read_text() for capture in (renamed / "captures").glob("*.jsonl"))
    changed = grades(replay_calibration_into(tmp_path / "renamed.duckdb", renamed), original_ids)
    assert moved(grades(plain_db), changed) == []


def test_the_registrys_order_changes_nothing(calibration_set: tuple[Path, Path], tmp_path: Path) -> None:
    """Projects are graded each on its own evidence: listed in reverse, every grade, reason
    and piece of evidence is the same (a shared base model or dataset, fetched once for
    the run, reads the same whichever project reached it first)."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    reversed_registry = {**registry, "projects": registry["projects"][::-1]}
    reordered = write_set(source, tmp_path / "set", reversed_registry, lambda line: line)
    query = "SELECT project, criterion, grade, rule, reason, evidence, evidence_unknown FROM latest_grades"

    def rows(db: Path) -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as connection:
            return sorted(connection.execute(query).fetchall())

    assert rows(replay_calibration_into(tmp_path / "reordered.duckdb", reordered)) == rows(plain_db)


def _drop_kind(kind: str, entries: set[str]) -> Callable[[dict], dict | None]:
    """A filter of capture lines that removes one kind of resource (made not captured,
    so unknown to the crawl); the entry models' info stays, so every project is graded."""

    def keep(line: dict) -> dict | None:
        url = line["url"]
        repo = re.search(r"huggingface\.co/(?:api/models/)?([^/]+/[^/]+)", url)
        is_entry = bool(repo) and repo.group(1) in entries
        dropped = {
            "GitHub READMEs": url.startswith("https://api.github.com/") and url.endswith("/readme"),
            "arXiv entries": url.startswith("https://export.arxiv.org/"),
            "the entries' cards": is_entry and url.endswith("/README.md"),
            "datasets": "huggingface.co/api/datasets/" in url or "huggingface.co/datasets/" in url,
        }[kind]
        return None if dropped else line

    return keep


@pytest.mark.parametrize("kind", ["GitHub READMEs", "arXiv entries", "the entries' cards", "datasets"])
def test_a_grade_that_finds_nothing_for_want_of_a_read_says_so(
    calibration_set: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    """RUBRIC.md: unknown is not absent. With one kind of resource unreadable, every grade
    that becomes "nothing found" names what could not be read (and is marked unknown)."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    keep = _drop_kind(kind, hub_entries(registry))
    reduced = write_set(source, tmp_path / "set", registry, keep)
    query = "SELECT project, criterion, reason, evidence_unknown FROM latest_grades"
    with duckdb.connect(str(plain_db), read_only=True) as connection:
        plain = {(p, c): reason for p, c, reason, _ in connection.execute(query).fetchall()}
    db = replay_calibration_into(tmp_path / "reduced.duckdb", reduced)
    with duckdb.connect(str(db), read_only=True) as connection:
        reduced_rows = connection.execute(query).fetchall()
    newly_nothing = [
        (p, c, reason, unknown)
        for p, c, reason, unknown in reduced_rows
        if reason.startswith("nothing found") and not plain[(p, c)].startswith("nothing found")
    ]
    assert [row for row in newly_nothing if not (row[3] and "could not be read" in row[2])] == []


LIBRARY = "stratus-trainer"
LIBRARY_README = (
    "# stratus-trainer\n\nA general-purpose library for distributed training of large transformer models.\n\n"
    "## Installation\n\n```\npip install stratus-trainer\n```\n\n"
    "## Usage\n\n```\npython train.py --config gpt.yaml\n```\n"
)
LIBRARY_TREE = ("train.py", "finetune.py", "setup.py", "stratus/trainer.py", "stratus/data.py", "configs/gpt.yaml")


def _library_lines(repo: str) -> list[dict]:
    """A general training library's captures: info, README, tree with training code."""
    github = f"https://api.github.com/repos/{repo}"
    readme = {"encoding": "base64", "content": base64.b64encode(LIBRARY_README.encode()).decode()}
    tree = {"sha": "t", "truncated": False, "tree": [{"path": p, "type": "blob", "size": 4000} for p in LIBRARY_TREE]}
    answers = [(github, {"full_name": repo, "default_branch": "main"}), (f"{github}/readme", readme)]
    answers.append((f"{github}/git/trees/main?recursive=1", tree))
    return [
        {"url": url, "status": 200, "headers": {"content-type": "application/json"}, "json": body}
        for url, body in answers
    ]


def test_a_general_library_of_the_makers_is_not_the_systems_code(
    calibration_set: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every Hub entry's card also links a training library of the same owner ("We also
    maintain [owner/stratus-trainer], a general library for distributed training of large
    language models"), its repo captured with training code: RUBRIC.md counts such a
    framework only when the makers point to it as the code that trained this system, so
    no grade of the criteria that read the system's code moves."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    entries = hub_entries(registry)
    libraries: list[str] = []

    def link_library(line: dict) -> dict:
        if not (model := entry_card_of(line, entries)):
            return line
        library = f"{model.split('/')[0]}/{LIBRARY}"
        libraries.append(library)
        sentence = (
            f"We also maintain [{library}](https://github.com/{library}), "
            "a general library for distributed training of large language models."
        )
        return appended(line, sentence)

    linked = write_set(source, tmp_path / "set", registry, link_library)
    extra = [json.dumps(line) for library in sorted(set(libraries)) for line in _library_lines(library)]
    (linked / "captures" / "zz-libraries.jsonl").write_text("\n".join(extra) + "\n", encoding="utf-8")
    changed = grades(replay_calibration_into(tmp_path / "linked.duckdb", linked))
    plain = grades(plain_db)
    code_criteria = ("opencode", "code", "package", "api", "license")
    assert moved({key: value for key, value in plain.items() if key[1] in code_criteria}, changed) == []
    # The longer card may read as a sketch of the model, never the library as its training setup.
    raised = [key for key in plain if key[1] == "architecture" and changed[key][0] == "open" != plain[key][0]]
    assert raised == []


def _dataset_lines(repo: str, card: str) -> list[dict]:
    hub = "https://huggingface.co"
    info = {"id": repo, "tags": [], "cardData": {}}
    return [
        {
            "url": f"{hub}/api/datasets/{repo}",
            "status": 200,
            "headers": {"content-type": "application/json"},
            "json": info,
        },
        {"url": f"{hub}/datasets/{repo}/resolve/main/README.md", "status": 200, "headers": {}, "body": card},
    ]


def test_datasets_linked_for_other_purposes_are_not_training_data(
    calibration_set: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every Hub entry's card also links a benchmark, its Open LLM Leaderboard results and
    the dataset repo its banner image is kept in, each captured with a card: RUBRIC.md says
    benchmarks, leaderboard result sets and evaluation data are not training data, so no
    grade of the data criteria or the model card moves."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    entries = hub_entries(registry)
    extra: dict[str, dict] = {}

    def link_datasets(line: dict) -> dict:
        if not (model := entry_card_of(line, entries)):
            return line
        owner = model.split("/")[0]
        results, assets = f"open-llm-leaderboard/details_{model.replace('/', '__')}", f"{owner}/assets"
        linked = {
            "openai/gsm8k": "# GSM8K\n\nA benchmark of 8.5K grade-school math word problems for evaluating models.\n",
            results: f"# Evaluation run of {model}\n\nCreated by the evaluation run of {model}.\n",
            assets: "# assets\n\nImages for our model cards.\n",
        }
        for repo, dataset_card in linked.items():
            extra.update({answer["url"]: answer for answer in _dataset_lines(repo, dataset_card)})
        text = (
            f"![banner](https://huggingface.co/datasets/{assets}/resolve/main/banner.png)\n\n"
            "We evaluate it on [GSM8K](https://huggingface.co/datasets/openai/gsm8k). "
            f"Detailed results can be found [here](https://huggingface.co/datasets/{results})."
        )
        return appended(line, text)

    linked = write_set(source, tmp_path / "set", registry, link_datasets)
    lines = "\n".join(json.dumps(answer) for answer in extra.values())
    (linked / "captures" / "zz-datasets.jsonl").write_text(lines + "\n", encoding="utf-8")
    changed = grades(replay_calibration_into(tmp_path / "linked.duckdb", linked))
    data_criteria = ("llmdata", "rldata", "datasheet", "modelcard")
    assert moved({key: value for key, value in grades(plain_db).items() if key[1] in data_criteria}, changed) == []


def test_a_licence_stated_for_the_code_is_not_the_models(calibration_set: tuple[Path, Path], tmp_path: Path) -> None:
    """Every Hub entry's card also says "The code in the accompanying repository is released
    under the MIT License": RUBRIC.md grades the licence of the released model, whatever
    the code's, so no licence grade moves (a card with no licence in its metadata had its
    model licensed by that sentence)."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    entries = hub_entries(registry)
    sentence = "The code in the accompanying repository is released under the MIT License."

    def add_sentence(line: dict) -> dict:
        return appended(line, sentence) if entry_card_of(line, entries) else line

    changed = grades(
        replay_calibration_into(tmp_path / "said.duckdb", write_set(source, tmp_path / "set", registry, add_sentence))
    )
    assert moved({key: value for key, value in grades(plain_db).items() if key[1] == "license"}, changed) == []


def _pypi_line(name: str, summary: str, source: str) -> dict:
    info = {"name": name, "version": "4.40.0", "summary": summary, "project_urls": {"Source": source}}
    return {"url": f"https://pypi.org/pypi/{name}/json", "status": 200, "headers": {}, "json": {"info": info}}


def test_installing_generic_tooling_is_no_package_of_the_system(
    calibration_set: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every Hub entry's card also says `pip install transformers accelerate vllm`, their
    PyPI records captured: RUBRIC.md says only generic third-party tooling is `closed`, so
    no package grade moves (a folder named `vllm` deep in the makers' repo made it theirs)."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    entries = hub_entries(registry)
    tools = {
        "transformers": "https://github.com/huggingface/transformers",
        "accelerate": "https://github.com/huggingface/accelerate",
        "vllm": "https://github.com/vllm-project/vllm",
    }

    def install_tools(line: dict) -> dict | None:
        if line["url"] in {f"https://pypi.org/pypi/{name}/json" for name in tools}:
            return None  # answered below
        return appended(line, f"```\npip install {' '.join(tools)}\n```") if entry_card_of(line, entries) else line

    installed = write_set(source, tmp_path / "set", registry, install_tools)
    lines = [json.dumps(_pypi_line(name, "third-party tooling", url)) for name, url in tools.items()]
    (installed / "captures" / "zz-pypi.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = grades(replay_calibration_into(tmp_path / "installed.duckdb", installed))
    assert moved({key: value for key, value in grades(plain_db).items() if key[1] == "package"}, changed) == []


def test_a_paper_credited_as_inspiration_is_not_the_systems(calibration_set: tuple[Path, Path], tmp_path: Path) -> None:
    """Every Hub entry's card also asks to "also cite the [ACL 2023 paper](...) on
    instruction tuning that inspired it": a peer-reviewed paper, but another's, so no
    paper grade moves (it made the paper partial on 27 of the 40 systems)."""
    source, plain_db = calibration_set
    registry = yaml.safe_load((source / "registry.yaml").read_text(encoding="utf-8"))
    entries = hub_entries(registry)
    sentence = (
        "If you use it, please also cite the [ACL 2023 paper](https://aclanthology.org/2023.acl-long.1/) "
        "on instruction tuning that inspired it."
    )
    crediting = write_set(
        source,
        tmp_path / "set",
        registry,
        lambda line: appended(line, sentence) if entry_card_of(line, entries) else line,
    )
    changed = grades(replay_calibration_into(tmp_path / "credited.duckdb", crediting))
    assert moved({key: value for key, value in grades(plain_db).items() if key[1] == "paper"}, changed) == []
