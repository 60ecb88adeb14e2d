"""The registry of tracked systems: loading and validating registry YAML files.

A registry lists the entry points of each tracked system (Hub model repo,
GitHub repo, homepage); the crawler discovers everything else from there.
This module owns the file format and its validation: every problem is
reported as a RegistryError naming the file, the line and what is wrong, so
that a user can fix the file without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

DEFAULT_REGISTRY: Path = Path(str(files(__package__).joinpath("registry.yaml")))

REQUIRED_KEYS = ("id", "name", "org")
OPTIONAL_KEYS = ("hf", "github", "url")
ALLOWED_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
SCALAR_KINDS = {
    STR_TAG: "the text",
    "tag:yaml.org,2002:int": "the number",
    "tag:yaml.org,2002:float": "the number",
    "tag:yaml.org,2002:bool": "the boolean",
    "tag:yaml.org,2002:timestamp": "the date",
}

# Ids become file names, so they must not contain path separators and must not
# look like hidden files, relative paths or command-line options.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
REPO_ID_FORMAT = 'a repo id "owner/name" (letters, digits and "._-", not starting with "." or "-")'


@dataclass(frozen=True)
class Project:
    """One tracked system and its entry points."""

    id: str
    name: str
    org: str
    hf: str | None = None  # Hub model repo id "owner/name"
    github: str | None = None  # "owner/repo"
    url: str | None = None  # homepage, informational


class RegistryError(Exception):
    """A registry file that cannot be used; str() is one self-contained line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.problem}"
        return f"{self.path}:{self.line}: {self.problem}"


def load_registry(path: Path | None = None) -> list[Project]:
    """Read and validate a registry file (the packaged default when path is None)."""
    path = DEFAULT_REGISTRY if path is None else path
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RegistryError(str(path), None, f"cannot read registry file: {reason}") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RegistryError(str(path), line, "file is not valid UTF-8") from error
    return parse_registry(text, str(path))


def parse_registry(text: str, source: str) -> list[Project]:
    """Validate registry YAML text; `source` names the file in error messages."""
    root = _compose(text, source)
    sequence = _projects_sequence(root, source)
    projects: list[Project] = []
    first_line_of_id: dict[str, tuple[int, str]] = {}
    for item in sequence.value:
        project = _parse_project(item, source)
        _check_unique_id(project.id, _line(item), first_line_of_id, source)
        projects.append(project)
    return projects


def is_valid_repo_id(value: str) -> bool:
    """True for exactly "owner/name" with two safe path segments."""
    parts = value.split("/")
    return len(parts) == 2 and all(SAFE_NAME.fullmatch(part) for part in parts)


def _compose(text: str, source: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise RegistryError(source, *_describe_syntax_error(error)) from error
    except yaml.YAMLError as error:
        raise RegistryError(source, None, f"YAML syntax error: {error}") from error


def _describe_syntax_error(error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """Line and message for a YAML error, naming where an unclosed construct began."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    message = ", ".join(part for part in (error.context, error.problem) if part)
    context_line = error.context_mark.line + 1 if error.context_mark is not None else None
    if context_line is not None and context_line != line:
        message += f" (started at line {context_line})"
    return line, f"YAML syntax error: {message}"


def _projects_sequence(root: Node | None, source: str) -> SequenceNode:
    """The node under the top-level `projects:` key, checked to be a non-empty list."""
    if root is None:
        raise RegistryError(source, None, 'file is empty; expected the key "projects"')
    if not isinstance(root, MappingNode):
        raise RegistryError(source, _line(root), 'top level must be a mapping with the key "projects"')
    projects: Node | None = None
    for key_node, value_node in root.value:
        key = _key_text(key_node, source)
        if key != "projects":
            raise RegistryError(
                source,
                _line(key_node),
                f'unknown top-level key "{key}" (allowed: projects)',
            )
        if projects is not None:
            raise RegistryError(source, _line(key_node), 'duplicate key "projects"')
        projects = value_node
    if projects is None:
        raise RegistryError(source, _line(root), 'missing top-level key "projects"')
    if not isinstance(projects, SequenceNode):
        raise RegistryError(
            source,
            _line(projects),
            f'"projects" must be a list of project mappings, got {_describe(projects)}',
        )
    if not projects.value:
        raise RegistryError(source, _line(projects), '"projects" lists no projects')
    return projects


def _parse_project(node: Node, source: str) -> Project:
    if not isinstance(node, MappingNode):
        raise RegistryError(
            source,
            _line(node),
            f"each project must be a mapping, got {_describe(node)}",
        )
    fields: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = _key_text(key_node, source)
        if key not in ALLOWED_KEYS:
            allowed = ", ".join(ALLOWED_KEYS)
            raise RegistryError(source, _line(key_node), f'unknown key "{key}" (allowed: {allowed})')
        if key in fields:
            raise RegistryError(source, _line(key_node), f'duplicate key "{key}"')
        value = _string_value(key, value_node, source)
        problem = _format_problem(key, value)
        if problem is not None:
            raise RegistryError(source, _line(value_node), problem)
        fields[key] = value
    for key in REQUIRED_KEYS:
        if key not in fields:
            raise RegistryError(source, _line(node), _missing_key_problem(key, fields.get("id")))
    return Project(**fields)


def _check_unique_id(project_id: str, line: int, seen: dict[str, tuple[int, str]], source: str) -> None:
    # Compared without case: ids name files, and some file systems ignore case.
    folded = project_id.casefold()
    if folded not in seen:
        seen[folded] = (line, project_id)
        return
    first_line, first_id = seen[folded]
    if first_id == project_id:
        problem = f'duplicate project id "{project_id}" (first at line {first_line})'
    else:
        problem = f'project id "{project_id}" differs only in letter case from "{first_id}" (line {first_line})'
    raise RegistryError(source, line, problem)


def _key_text(node: Node, source: str) -> str:
    if not (isinstance(node, ScalarNode) and node.tag == STR_TAG):
        raise RegistryError(source, _line(node), f"keys must be text, got {_describe(node)}")
    return node.value


def _string_value(key: str, node: Node, source: str) -> str:
    if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
        raise RegistryError(source, _line(node), f'"{key}" has no value')
    if not (isinstance(node, ScalarNode) and node.tag == STR_TAG):
        raise RegistryError(
            source,
            _line(node),
            f'"{key}" must be a string, got {_describe(node)} (quote it)',
        )
    if not node.value.strip():
        raise RegistryError(source, _line(node), f'"{key}" is an empty string')
    return node.value


def _format_problem(key: str, value: str) -> str | None:
    """What is wrong with the format of one field's value, or None."""
    if key == "id" and not SAFE_NAME.fullmatch(value):
        return f'id "{value}" may only contain letters, digits and "._-" and must not start with "." or "-"'
    if key in ("hf", "github") and not is_valid_repo_id(value):
        return f'"{key}" must be {REPO_ID_FORMAT}, got "{value}"'
    if key == "url" and not _is_http_url(value):
        return f'"url" must be an http(s) URL, got "{value}"'
    return None


def _is_http_url(value: str) -> bool:
    if any(character.isspace() for character in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _missing_key_problem(key: str, project_id: str | None) -> str:
    if project_id is None:
        return f'project is missing required key "{key}"'
    return f'project "{project_id}" is missing required key "{key}"'


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing"
    kind = SCALAR_KINDS.get(node.tag, "a value")
    return f"{kind} {node.value!r}"


def _line(node: Node) -> int:
    return node.start_mark.line + 1
