"""Evidence a person can check, through the CLI on replayed captures: evidence is the page
to open with the fetched URL beside it, every piece of evidence says where it came from
(a third party's fork linked from a card shows up as another owner's), a grade whose
evidence could not be read says so, and `project_resources` ties resources to projects."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli import app
from tests.test_unseen_systems import github_lines, line

runner = CliRunner()
HUB = "https://huggingface.co"
RELEASE, FORK_BASE, FORK_REPO, DATASET = (
    "acme/Widget-7B-Instruct",
    "randomdev/Widget-7B-fork",
    "randomdev/widget",
    ("otherlab/web-corpus"),
)
CARD_URL = f"{HUB}/{RELEASE}/resolve/main/README.md"


def widget_captures() -> list[str]:
    """A release whose metadata names a third party's re-upload as its base and whose card
    links a third party's fork of the code; its dataset was not captured (unknown)."""
    info = {
        "id": RELEASE,
        "gated": False,
        "tags": ["safetensors", "license:apache-2.0", f"dataset:{DATASET}", f"base_model:finetune:{FORK_BASE}"],
        "pipeline_tag": "text-generation",
        "cardData": {"license": "apache-2.0", "base_model": FORK_BASE, "datasets": [DATASET]},
        "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
    }
    base = {
        "id": FORK_BASE,
        "gated": False,
        "tags": ["safetensors", "license:apache-2.0"],
        "pipeline_tag": "text-generation",
        "cardData": {"license": "apache-2.0"},
        "siblings": [{"rfilename": "model.safetensors"}],
    }
    card = (
        "---\nlicense: apache-2.0\n---\n# Widget 7B Instruct\n\n"
        f"The code we trained it with: https://github.com/{FORK_REPO}\n"
    )
    tree = [{"path": "train.py", "type": "blob", "size": 900}, {"path": "finetune.py", "type": "blob", "size": 800}]
    return [
        line(f"{HUB}/api/models/{RELEASE}", json=info),
        line(CARD_URL, body=card),
        line(f"{HUB}/api/models/{FORK_BASE}", json=base),
        line(f"{HUB}/{FORK_BASE}/resolve/main/README.md", body="# Widget 7B (re-upload)\n"),
        *github_lines(FORK_REPO, "# widget\n\nA fork of the Widget training code.\n", tree, license={"spdx_id": "MIT"}),
    ]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("provenance")
    captures = root / "captures"
    captures.mkdir()
    (captures / "widget.jsonl").write_text("\n".join(widget_captures()) + "\n")
    registry = root / "registry.yaml"
    registry.write_text(f"projects:\n- id: widget\n  name: Widget\n  org: Acme\n  hf: {RELEASE}\n")
    path = root / "index.duckdb"
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


def show_json(db: Path) -> dict[str, dict]:
    result = runner.invoke(app, ["show", "widget", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return {row["criterion"]: row for row in json.loads(result.stdout)["grades"]}


def test_evidence_is_the_page_a_person_opens_with_the_fetched_url_beside_it(db: Path) -> None:
    grades = show_json(db)
    pages = [url for row in grades.values() for url in row["evidence"]]
    fetched = [url for row in grades.values() for url in row["evidence_fetched"]]
    assert pages and len(pages) == len(fetched)
    for page in pages:
        assert "api.github.com" not in page and "/api/" not in page and "/resolve/" not in page, page
    assert f"{HUB}/{FORK_BASE}" in grades["llmweights"]["evidence"]
    assert grades["modelcard"]["evidence"] == [f"{HUB}/{RELEASE}"]
    assert grades["modelcard"]["evidence_fetched"] == [CARD_URL]
    weights = grades["llmweights"]
    base_at = weights["evidence"].index(f"{HUB}/{FORK_BASE}")
    assert weights["evidence_fetched"][base_at] == f"{HUB}/api/models/{FORK_BASE}"

    policy = runner.invoke(
        app, ["query", "SELECT parameters_url, parameters_fetched FROM policy", "--db", str(db), "--format", "json"]
    )
    assert json.loads(policy.stdout) == [
        {"parameters_url": f"{HUB}/{RELEASE}", "parameters_fetched": f"{HUB}/api/models/{RELEASE}"}
    ]

    long = runner.invoke(app, ["leaderboard", "--long", "--db", str(db), "--format", "csv"])
    rows = {row["criterion"]: row for row in csv.DictReader(io.StringIO(long.stdout))}
    assert rows["modelcard"]["evidence"] == f"{HUB}/{RELEASE}" and rows["modelcard"]["evidence_fetched"] == CARD_URL

    page = db.parent / "board.html"
    assert runner.invoke(app, ["leaderboard", "--db", str(db), "--format", "html", "-o", str(page)]).exit_code == 0
    links = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    assert f"{HUB}/{RELEASE}" in links
    assert not [url for url in links if "api.github.com" in url or "/resolve/" in url or "/api/" in url]


def test_show_says_where_each_piece_of_evidence_came_from(db: Path) -> None:
    shown = runner.invoke(app, ["show", "widget", "--db", str(db)])
    assert shown.exit_code == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    # A base that is a third party's re-upload, named in the release's metadata.
    assert (
        f"evidence: {HUB}/{FORK_BASE} fetched: {HUB}/api/models/{FORK_BASE} "
        f"from {FORK_BASE}: base model named in the Hub metadata of {RELEASE} ({HUB}/api/models/{RELEASE}); "
        "randomdev is another owner than the registry entry (acme)"
    ) in text
    # The card the release's own documentation grade rests on: the registry's entry.
    assert (
        f"evidence: {HUB}/{RELEASE} fetched: {CARD_URL} from {RELEASE}: the registry's Hub entry; "
        "acme is the same owner as the registry entry (acme)"
    ) in text
    # A third party's fork linked from the card: wherever a grade rests on it, show says so.
    fork_lines = [
        f"evidence: https://github.com/{FORK_REPO} fetched: https://api.github.com/repos/{FORK_REPO} "
        f"from {FORK_REPO}: linked from the card of {RELEASE} ({CARD_URL}); "
        "randomdev is another owner than the registry entry (acme)"
    ]
    cited = [c for c, row in show_json(db).items() if f"https://github.com/{FORK_REPO}" in row["evidence"]]
    assert text.count(fork_lines[0]) == len(cited)
    for row in show_json(db).values():
        for record in row["provenance"]:
            if record["repo"] == FORK_REPO:
                assert (record["via"], record["same_owner"]) == (f"linked from the card of {RELEASE}", False)


def test_project_resources_ties_every_resource_to_the_project_and_says_why(db: Path) -> None:
    sql = (
        "SELECT role, kind, target, via, source, same_owner FROM project_resources "
        "WHERE project = 'widget' ORDER BY role, kind, target"
    )
    result = runner.invoke(app, ["query", sql, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    by_target = {(r["target"], r["kind"]): r for r in rows}
    assert by_target[(RELEASE, "hf_model")]["via"] == "the registry's Hub entry"
    assert by_target[(RELEASE, "hf_model")]["source"] is None
    fork = by_target[(FORK_REPO, "github_repo")]
    assert (fork["role"], fork["via"], fork["source"], fork["same_owner"]) == (
        "linked_github",
        f"linked from the card of {RELEASE}",
        CARD_URL,
        False,
    )
    assert by_target[(DATASET, "hf_dataset")]["via"] == f"dataset named in the Hub metadata of {RELEASE}"
    # every resource of the run belongs to the project that fetched it
    joined = runner.invoke(
        app,
        [
            "query",
            "SELECT count(*) AS orphans FROM resources r ANTI JOIN project_resources p USING (run_id, url)",
            "--db",
            str(db),
            "--format",
            "json",
        ],
    )
    assert json.loads(joined.stdout) == [{"orphans": 0}]


def test_could_not_be_read_is_not_nothing_found(db: Path) -> None:
    grades = show_json(db)
    data = grades["llmdata"]
    # The dataset the release names was not captured: unknown, and the reason says so.
    assert data["evidence_unknown"] is True
    assert f"could not be read: {HUB}/api/datasets/{DATASET}" in data["reason"]
    assert grades["datasheet"]["evidence_unknown"] is True and "could not be read" in grades["datasheet"]["reason"]
    # Nothing of what the package criterion reads failed: plain "nothing found".
    assert grades["package"]["evidence_unknown"] is False and "could not be read" not in grades["package"]["reason"]

    long = runner.invoke(app, ["leaderboard", "--long", "--db", str(db), "--format", "csv"])
    flags = {row["criterion"]: row["evidence_unknown"] for row in csv.DictReader(io.StringIO(long.stdout))}
    assert flags["llmdata"] == "true" and flags["package"] == "false"

    out = db.parent / "export"
    assert runner.invoke(app, ["export", str(out), "--format", "csv", "--db", str(db)]).exit_code == 0
    exported = {
        row["criterion"]: row["evidence_unknown"] for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))
    }
    assert exported["llmdata"] == "true" and exported["package"] == "false"

    page = db.parent / "unknown.html"
    runner.invoke(app, ["leaderboard", "--db", str(db), "--format", "html", "-o", str(page)])
    cell = re.search(r'<td class="g [a-z]+ unread"[^>]*data-unread="true"[^>]*title="([^"]*)"', page.read_text())
    assert cell and "could not be read" in cell.group(1)


def test_an_older_index_is_migrated_and_shows_pages(tmp_path: Path) -> None:
    """An index written before evidence was stored as pages: its fetched URLs become the
    provenance, the evidence their pages, and readers see them without a refresh."""
    from index import store

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
        )
        for version, (name, sql, *_) in enumerate(store.MIGRATIONS[:5], start=1):
            connection.execute(sql)
            connection.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
        connection.execute("INSERT INTO runs VALUES (1, now(), now(), 'complete', 'live', 'r', 'c', 'v', '{}')")
        connection.execute("INSERT INTO projects (run_id, project, name, org) VALUES (1, 'old', 'Old', 'Org')")
        connection.execute(
            "INSERT INTO grades VALUES (1, 'old', 'code', 'partial', 0.5, "
            "['https://api.github.com/repos/o/r/readme'], 'a README', 'code.readme_only', 'v'), "
            "(1, 'old', 'modelcard', 'closed', 0, ['https://huggingface.co/o/m/resolve/main/README.md'], "
            "'unread', 'modelcard.card_unreadable', 'v')"
        )
        connection.execute(
            "INSERT INTO policy (run_id, project, exemption, exemption_reason, parameters, parameters_source, "
            "parameters_url, systemic_risk) VALUES (1, 'old', 'not_met', 'why', 7e9, 'the card', "
            "'https://huggingface.co/o/m/resolve/main/README.md', 'unknown')"
        )
    grades = {
        row["criterion"]: row
        for row in json.loads(runner.invoke(app, ["show", "old", "--db", str(db), "--format", "json"]).stdout)["grades"]
    }
    assert grades["code"]["evidence"] == ["https://github.com/o/r#readme"]
    assert grades["code"]["evidence_fetched"] == ["https://api.github.com/repos/o/r/readme"]
    assert grades["modelcard"]["evidence"] == ["https://huggingface.co/o/m"]
    assert (grades["modelcard"]["evidence_unknown"], grades["code"]["evidence_unknown"]) == (True, False)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(store.MIGRATIONS),)
        assert connection.execute("SELECT parameters_url, parameters_fetched FROM policy").fetchone() == (
            "https://huggingface.co/o/m",
            "https://huggingface.co/o/m/resolve/main/README.md",
        )


def test_nothing_found_says_what_it_could_not_read_on_the_way(tmp_path: Path) -> None:
    """A criterion that found nothing depends on the resources through which the crawl
    finds what it reads: a GitHub project's README names its Hub models (weights, card),
    a paper's abstract links the code behind it. When those could not be read, "nothing
    found" says so."""
    paper = "2401.00001"
    card = f"---\nlicense: apache-2.0\n---\n# Gadget 7B\n\nOur report: https://arxiv.org/abs/{paper}\n"
    licence = {"tags": ["license:apache-2.0"], "cardData": {"license": "apache-2.0"}}
    info = {"id": "acme/Gadget-7B", "gated": False, **licence}
    captures = tmp_path / "captures"
    captures.mkdir()
    lines = [
        line(f"{HUB}/api/models/acme/Gadget-7B", json=info),
        line(f"{HUB}/acme/Gadget-7B/resolve/main/README.md", body=card),
        # gizmo's repo answers, its README does not (not captured).
        line("https://api.github.com/repos/acme/gizmo", json={"full_name": "acme/gizmo", "default_branch": "main"}),
        line("https://api.github.com/repos/acme/gizmo/git/trees/main?recursive=1", json={"tree": []}),
    ]
    (captures / "two.jsonl").write_text("\n".join(lines) + "\n")
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "projects:\n- id: gadget\n  name: Gadget\n  org: Acme\n  hf: acme/Gadget-7B\n"
        "- id: gizmo\n  name: Gizmo\n  org: Acme\n  github: acme/gizmo\n"
    )
    db = tmp_path / "index.duckdb"
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", str(db)])
    assert result.exit_code == 0, result.stderr

    def grades(project: str) -> dict[str, dict]:
        shown = runner.invoke(app, ["show", project, "--db", str(db), "--format", "json"])
        assert shown.exit_code == 0, shown.stderr
        return {row["criterion"]: row for row in json.loads(shown.stdout)["grades"]}

    gadget = grades("gadget")
    for criterion in ("opencode", "code"):
        assert gadget[criterion]["grade"] == "closed" and gadget[criterion]["evidence_unknown"] is True
        assert f"could not be read: https://export.arxiv.org/api/query?id_list={paper}" in gadget[criterion]["reason"]
    # Nothing the datasheet criterion reads is found through a paper: plain "nothing found".
    assert gadget["datasheet"]["grade"] == "closed" and gadget["datasheet"]["evidence_unknown"] is False
    assert "could not be read" not in gadget["datasheet"]["reason"]

    gizmo = grades("gizmo")
    readme = "could not be read: https://api.github.com/repos/acme/gizmo/readme"
    for criterion in ("llmweights", "rlweights", "modelcard"):
        assert gizmo[criterion]["grade"] == "closed" and gizmo[criterion]["evidence_unknown"] is True
        assert readme in gizmo[criterion]["reason"]
