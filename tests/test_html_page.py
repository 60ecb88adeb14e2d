"""`openness leaderboard --format html`: the published page, read the way a person reads
it, in real headless Chromium (Debian's chromium + chromium-driver, driven by selenium),
and its contents checked directly: grade colours, evidence links, reasons on hover,
sorting by a click on a header, stale and unknown marks, flags, escaped hostile text.
The browser test skips when chromium is not installed, except in CI (`.ci/run` installs
it)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.demo import DEMO_CAPTURES, DEMO_REGISTRY
from index.html_page import render_page
from index.leaderboard import CellData, PageData, SystemRow
from index.rubric.grades import CRITERIA
from tests.small_index import add_run

runner = CliRunner()
HOSTILE_NAME = '<img src=x onerror="window.pwned=1">Evil & Co</td>'
HOSTILE_ORG = '"><script>window.pwned=2</script>'
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1366,768",
)
OPEN, PARTIAL, CLOSED = "rgba(46, 157, 74, 1)", "rgba(242, 193, 46, 1)", "rgba(214, 69, 65, 1)"


def html_page(db: Path, tmp_path: Path) -> Path:
    page = tmp_path / "leaderboard.html"
    result = runner.invoke(app, ["leaderboard", "--db", str(db), "--format", "html", "--output", str(page)])
    assert result.exit_code == 0, result.stderr
    return page


@pytest.fixture
def demo_with_hostile_system(tmp_path: Path) -> Path:
    """The demo sample plus a system whose registry text and card are hostile, replayed."""
    captures = tmp_path / "captures"
    shutil.copytree(DEMO_CAPTURES, captures)
    card = '---\nlicense: other\nlicense_name: "<b>evil</b>-licence"\n---\n# Evil\n\n<script>window.pwned=3</script>\n'

    info = {
        "id": "demo-evil/Evil-1B",
        "tags": ["license:other"],
        "gated": False,
        "cardData": {"license": "other", "license_name": "<b>evil</b>-licence"},
        "siblings": [{"rfilename": "model.safetensors"}],
    }
    lines = [
        {"url": "https://huggingface.co/api/models/demo-evil/Evil-1B", "status": 200, "json": info},
        {"url": "https://huggingface.co/demo-evil/Evil-1B/resolve/main/README.md", "status": 200, "body": card},
    ]
    (captures / "evil.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    registry = tmp_path / "registry.yaml"
    entry = f"- id: evil\n  name: {json.dumps(HOSTILE_NAME)}\n  org: {json.dumps(HOSTILE_ORG)}\n"
    entry += "  hf: demo-evil/Evil-1B\n"
    registry.write_text(DEMO_REGISTRY.read_text() + entry)
    db = tmp_path / "index.duckdb"
    result = runner.invoke(app, ["refresh", "--registry", str(registry), "--replay", str(captures), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    return db


def test_the_page_is_one_self_contained_file_with_every_part(demo_with_hostile_system: Path, tmp_path: Path) -> None:
    text = html_page(demo_with_hostile_system, tmp_path).read_text(encoding="utf-8")
    # Nothing to fetch: no external script, style, image, font or frame.
    assert not re.search(r"<(link|img|iframe|object|embed)\b|<script[^>]+src=|@import|url\(", text)
    for header in ("Availability", "Documentation", "Access", "Openness", "Flags"):
        assert f">{header}" in text
    assert re.search(r"Run 1, \d{4}-\d\d-\d\d \d\d:\d\d UTC &middot; rubric \d{4}\.\d\d-\d+", text)
    assert 'id="legend"' in text and 'id="distribution"' in text
    # Hostile crawled / registry text arrives escaped, never as markup.
    assert "<img src=x" not in text and "<script>window" not in text and "<b>evil" not in text
    assert html.escape(HOSTILE_NAME, quote=True) in text


def test_stale_unknown_flags_and_unsafe_links_are_marked(tmp_path: Path) -> None:
    db = tmp_path / "small.duckdb"
    add_run(
        db,
        {
            "alpha": {"license": ("open", "MIT licence", ("https://github.com/a/alpha",))},
            "beta": {"llmweights": ("partial", "base named but could not be read", ("https://huggingface.co/b/b",))},
            "gamma": {"api": ("partial", "a link", ("javascript:alert(1)",))},
        },
        stale=frozenset({"alpha"}),
        rules={("beta", "llmweights"): "llmweights.named_unreadable"},
        unknown={("beta", "llmweights")},
        flags={"gamma": (("open_source_claim", "calls itself open source", ("https://huggingface.co/g/g",)),)},
    )
    text = html_page(db, tmp_path).read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr class="[^"]*" data-project="(\w+)".*?</tr>', text, re.S)}
    assert 'class="stale"' in rows["alpha"] and ">stale</span>" in rows["alpha"]
    assert "key resources failed" in rows["alpha"]  # why, on hover
    unread = re.search(r'<td class="g partial unread" data-grade="partial" data-unread="true"[^>]*>', rows["beta"])
    assert unread and 'title="evidence could not be read: base named but could not be read' in unread.group(0)
    assert "unread" not in rows["alpha"]
    assert 'data-flag="open_source_claim"' in rows["gamma"] and 'title="calls itself open source"' in rows["gamma"]
    # A javascript: URL as evidence is shown on hover as text, never made a link.
    api = re.search(r'<td class="g partial"[^>]*>(.*?)</td>', rows["gamma"])
    assert api and api.group(1) == "~" and "evidence: javascript:alert(1)" in api.group(0)
    assert 'href="javascript' not in text


def test_a_criterion_without_a_grade_is_shown_unknown() -> None:
    cells = {c: CellData("open", "fine", ("https://example.org/x",), f"{c}.rule") for c in CRITERIA[1:]}
    system = SystemRow(1, "p", "P", "Org", None, 13.0, False, None, None, cells, ())
    text = render_page(PageData(1, None, "v", [system]))
    assert text.count('class="g open"') == 13
    assert (
        '<td class="g unknown" data-grade="unknown" data-sort="-1" title="unknown: not graded in this run">?</td>'
        in text
    )


# --- the browser ------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = "chromium / chromedriver not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):  # .ci/run installs them: a skip there would hide the test
            pytest.fail(missing)
        pytest.skip(missing)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield session
    finally:
        session.quit()


def test_the_page_in_headless_chromium(browser, demo_with_hostile_system: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    db = demo_with_hostile_system
    page = html_page(db, tmp_path)
    browser.get(page.as_uri())
    assert browser.title == "Openness Index"

    def order() -> list[str]:
        return [row.get_attribute("data-project") for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]

    assert order()[0] == "wren" and set(order()) == {"wren", "heron", "kestrel", "osprey", "evil"}
    # Colours: a cell's computed background is its grade's colour.
    wren = browser.find_element(By.CSS_SELECTOR, 'tr[data-project="wren"]')
    cells = wren.find_elements(By.CSS_SELECTOR, "td.g")
    assert len(cells) == 14 and {c.get_attribute("data-grade") for c in cells} == {"open"}
    assert {c.value_of_css_property("background-color") for c in cells} == {OPEN}
    heron = browser.find_element(By.CSS_SELECTOR, 'tr[data-project="heron"]')
    colours = {
        c.get_attribute("data-grade"): c.value_of_css_property("background-color")
        for c in heron.find_elements(By.CSS_SELECTOR, "td.g")
    }
    assert colours == {"open": OPEN, "partial": PARTIAL, "closed": CLOSED}
    # Links and hover: the licence cell links to its evidence and carries its reason.
    shown = json.loads(runner.invoke(app, ["show", "wren", "--db", str(db), "--format", "json"]).stdout)
    licence = next(row for row in shown["grades"] if row["criterion"] == "license")
    cell = cells[5]
    assert cell.get_attribute("title").startswith(licence["reason"])
    assert cell.find_element(By.TAG_NAME, "a").get_attribute("href") == licence["evidence"][0]
    # Sorting by clicking a header changes the order; a second click reverses it.
    system_header = browser.find_element(By.CSS_SELECTOR, 'th[data-col="1"]')
    system_header.click()
    assert order() == ["evil", "heron", "kestrel", "osprey", "wren"]
    assert system_header.get_attribute("aria-sort") == "ascending"
    system_header.click()
    assert order() == ["wren", "osprey", "kestrel", "heron", "evil"]
    api_header = browser.find_element(By.CSS_SELECTOR, 'th[data-col="15"]')
    api_header.click()
    api_grades = [
        browser.find_element(By.CSS_SELECTOR, f'tr[data-project="{p}"] td:nth-child(16)').get_attribute("data-sort")
        for p in order()
    ]
    assert api_grades == sorted(api_grades, key=float, reverse=True)
    assert api_header.get_attribute("aria-sort") == "descending"
    score_header = browser.find_element(By.CSS_SELECTOR, 'th[data-col="16"]')
    score_header.click()
    score_header.click()
    assert order()[-1] == "wren"
    # Hostile text is text: shown literally, never run.
    evil = browser.find_element(By.CSS_SELECTOR, 'tr[data-project="evil"] td.name')
    assert HOSTILE_NAME in evil.text and HOSTILE_ORG in evil.text
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "tbody img, tbody script, tbody b") == []
    # Legend, chart (one bar per point, the counts add up to the systems) and run line.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#legend li")) == 7
    bars = browser.find_elements(By.CSS_SELECTOR, "#distribution rect")
    assert len(bars) == 15
    assert (
        browser.find_element(By.CSS_SELECTOR, '#distribution rect[data-score="14"] title')
        .get_attribute("textContent")
        .startswith("1 system scoring 14")
    )
    # It fits a laptop screen: no horizontal scrolling at 1366 px.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    browser.save_screenshot(str(tmp_path / "leaderboard.png"))
    assert (tmp_path / "leaderboard.png").stat().st_size > 10_000
