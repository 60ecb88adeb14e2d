"""Tests for the registry of tracked systems: shipped registries and error paths."""

import os

import pytest

from index.registry import (
    DEFAULT_REGISTRY,
    Project,
    RegistryError,
    is_valid_repo_id,
    load_registry,
    parse_registry,
)
from tests.conftest import CALIBRATION

CALIBRATION_REGISTRY = CALIBRATION / "registry.yaml"

VALID = """\
projects:
- id: olmo
  name: OLMo
  org: AI2
  hf: allenai/OLMo-7B-Instruct
  github: allenai/OLMo
- id: closed
  name: Closed system
  org: Someone
"""


def test_default_registry_loads_with_many_unique_ids():
    projects = load_registry()
    ids = [project.id for project in projects]
    assert len(ids) >= 60
    assert len({project_id.casefold() for project_id in ids}) == len(ids)


def test_default_registry_is_the_packaged_file():
    assert DEFAULT_REGISTRY.name == "registry.yaml"
    assert load_registry(None) == load_registry(DEFAULT_REGISTRY)


def test_default_registry_repo_ids_are_valid():
    projects = load_registry()
    repo_ids = [value for project in projects for value in (project.hf, project.github) if value]
    assert repo_ids
    assert [repo_id for repo_id in repo_ids if not is_valid_repo_id(repo_id)] == []


def test_default_registry_keeps_calibration_ids():
    if not CALIBRATION_REGISTRY.exists():
        pytest.skip("shared calibration data not available")
    calibration_ids = {project.id for project in load_registry(CALIBRATION_REGISTRY)}
    default_ids = {project.id for project in load_registry()}
    assert calibration_ids <= default_ids


def test_calibration_registry_loads():
    if not CALIBRATION_REGISTRY.exists():
        pytest.skip("shared calibration data not available")
    projects = load_registry(CALIBRATION_REGISTRY)
    assert len(projects) == 22
    url_only = [project for project in projects if project.url and not (project.hf or project.github)]
    assert [(project.id, project.url) for project in url_only] == [("chatgpt", "https://chat.openai.com/")]


def test_parse_builds_projects_with_optional_fields():
    assert parse_registry(VALID, "inline.yaml") == [
        Project(
            id="olmo",
            name="OLMo",
            org="AI2",
            hf="allenai/OLMo-7B-Instruct",
            github="allenai/OLMo",
        ),
        Project(id="closed", name="Closed system", org="Someone"),
    ]


@pytest.mark.parametrize(
    "repo_id, valid",
    [
        ("allenai/OLMo-2-1124-7B-Instruct", True),
        ("01-ai/Yi-34B-Chat", True),
        ("a_b/c.d-e", True),
        ("../x", False),
        ("a/..", False),
        ("a/b/c", False),
        ("a", False),
        ("a b/c", False),
        ("/x", False),
        ("x/", False),
        ("-a/b", False),
        ("a/.b", False),
        ("a/b\n", False),
    ],
)
def test_is_valid_repo_id(repo_id, valid):
    assert is_valid_repo_id(repo_id) is valid


def one_project_registry(**fields: str) -> str:
    """A one-project registry text whose keys appear in the given order from line 2."""
    lines = [f"  {key}: {value}" for key, value in fields.items()]
    lines[0] = "-" + lines[0][1:]
    return "projects:\n" + "\n".join(lines) + "\n"


INVALID_REGISTRIES = [
    pytest.param(
        "projects:\n- id: a\n  name: [unclosed\n  org: o\n",
        4,
        "YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got ':' (started at line 3)",
        id="yaml-syntax",
    ),
    pytest.param("", None, 'file is empty; expected the key "projects"', id="empty-file"),
    pytest.param(
        "- id: a\n",
        1,
        'top level must be a mapping with the key "projects"',
        id="top-level-list",
    ),
    pytest.param(
        "systems:\n- id: a\n",
        1,
        'unknown top-level key "systems" (allowed: projects)',
        id="unknown-top-level-key",
    ),
    pytest.param(
        "projects:\n  id: a\n  name: n\n",
        2,
        '"projects" must be a list of project mappings, got a mapping',
        id="projects-not-a-list",
    ),
    pytest.param("projects: []\n", 1, '"projects" lists no projects', id="no-projects"),
    pytest.param(
        "projects:\n- just-a-name\n",
        2,
        "each project must be a mapping, got the text 'just-a-name'",
        id="project-not-a-mapping",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o", homepage="https://a.org"),
        5,
        'unknown key "homepage" (allowed: id, name, org, hf, github, url)',
        id="unknown-key",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o") + "  name: m\n",
        5,
        'duplicate key "name"',
        id="duplicate-key",
    ),
    pytest.param(
        one_project_registry(id="a", org="o"),
        2,
        'project "a" is missing required key "name"',
        id="missing-name",
    ),
    pytest.param(
        one_project_registry(name="n", org="o"),
        2,
        'project is missing required key "id"',
        id="missing-id",
    ),
    pytest.param(
        one_project_registry(id="a", name="1.5", org="o"),
        3,
        "\"name\" must be a string, got the number '1.5' (quote it)",
        id="non-string-value",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="[o]"),
        4,
        '"org" must be a string, got a list (quote it)',
        id="list-value",
    ),
    pytest.param(
        one_project_registry(id="a", name="", org="o"),
        3,
        '"name" has no value',
        id="no-value",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org='"  "'),
        4,
        '"org" is an empty string',
        id="empty-string",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o")
        + "- id: b\n  name: n\n  org: o\n- id: a\n  name: m\n  org: o\n",
        8,
        'duplicate project id "a" (first at line 2)',
        id="duplicate-id",
    ),
    pytest.param(
        one_project_registry(id="Koala", name="n", org="o") + "- id: koala\n  name: n\n  org: o\n",
        5,
        'project id "koala" differs only in letter case from "Koala" (line 2)',
        id="duplicate-id-ignoring-case",
    ),
    pytest.param(
        one_project_registry(id="../etc", name="n", org="o"),
        2,
        'id "../etc" may only contain letters, digits and "._-" and must not start with "." or "-"',
        id="unsafe-id",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o", hf="../x"),
        5,
        '"hf" must be a repo id "owner/name" (letters, digits and "._-", not starting with "." or "-"), got "../x"',
        id="hf-path-traversal",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o", github="a/b/c"),
        5,
        '"github" must be a repo id "owner/name" (letters, digits and "._-", '
        'not starting with "." or "-"), got "a/b/c"',
        id="github-three-segments",
    ),
    pytest.param(
        one_project_registry(id="a", name="n", org="o", url="ftp://a.org/"),
        5,
        '"url" must be an http(s) URL, got "ftp://a.org/"',
        id="url-not-http",
    ),
]


@pytest.mark.parametrize("text, line, problem", INVALID_REGISTRIES)
def test_invalid_registry_names_file_line_and_problem(tmp_path, text, line, problem):
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    error = caught.value
    assert (error.path, error.line, error.problem) == (str(path), line, problem)
    location = f"{path}:{line}" if line is not None else str(path)
    assert str(error) == f"{location}: {problem}"


def test_missing_file_is_reported(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == f"{path}: cannot read registry file: No such file or directory"


def test_directory_is_reported_as_unreadable(tmp_path):
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert str(caught.value) == f"{tmp_path}: cannot read registry file: Is a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(VALID, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == f"{path}: cannot read registry file: Permission denied"


def test_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_bytes(b"projects:\n- id: caf\xe9\n")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == f"{path}:2: file is not valid UTF-8"


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert [project.id for project in load_registry(path)] == ["olmo", "closed"]


def test_first_problem_is_reported():
    text = one_project_registry(id="a", name="n", org="o", hf="bad") + "- id: a\n  name: n\n  org: o\n"
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "two-problems.yaml")
    assert str(caught.value) == (
        'two-problems.yaml:5: "hf" must be a repo id "owner/name" '
        '(letters, digits and "._-", not starting with "." or "-"), got "bad"'
    )
