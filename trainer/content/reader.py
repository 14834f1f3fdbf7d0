"""Read YAML with line numbers, and pull typed fields out of it while collecting precise errors.

Validation never stops at the first problem: an author fixing a file wants every error at once,
each naming the file, the line and the key.
"""

import re
from dataclasses import dataclass

import yaml

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CITATION = re.compile(r"^(000|001|002|003|004) \S.*$")


@dataclass(frozen=True)
class ContentError:
    file: str
    where: str  # "line 12, questions[3].answer" or a key path
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.problem}"


def _line_map(node, path=(), lines=None, offset=0):
    """Map every key path in a composed YAML node tree to its 1-based line number."""
    if lines is None:
        lines = {}
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _line_map(value_node, (*path, key_node.value), lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines, offset)
    return lines


class Reader:
    """Typed access to a parsed YAML mapping; problems go to ``errors`` instead of raising."""

    def __init__(self, file: str, text: str, line_offset: int = 0):
        self.file = file
        self.errors: list[ContentError] = []
        self.lines: dict = {}
        self.data = None
        try:
            node = yaml.compose(text)
            self.data = yaml.safe_load(text)
            if node is not None:
                self.lines = _line_map(node, offset=line_offset)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1 + line_offset}" if mark else "file"
            self.fail((), f"YAML syntax error: {getattr(exc, 'problem', exc)}", where=where)
            return
        if not isinstance(self.data, dict):
            self.fail((), "expected a mapping of keys at the top level")
            self.data = None

    @classmethod
    def open(cls, path, root, errors: list[ContentError]) -> "Reader | None":
        """Parse the YAML file at ``path`` (errors named relative to ``root``); ``None`` when unreadable,
        with the problems appended to ``errors``."""
        try:
            file = str(path.relative_to(root))
        except ValueError:
            file = str(path)
        reader = cls(file, path.read_text(encoding="utf-8"))
        if not reader.ok:
            errors.extend(reader.errors)
            return None
        return reader

    @property
    def ok(self) -> bool:
        return self.data is not None

    def where(self, path: tuple) -> str:
        line = None
        probe = path
        while line is None and probe is not None:
            line = self.lines.get(probe)
            probe = probe[:-1] if probe else None
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return f"line {line}, {dotted or '(top)'}" if line else (dotted or "(top)")

    def fail(self, path: tuple, problem: str, where: str | None = None) -> None:
        self.errors.append(ContentError(self.file, where or self.where(path), problem))

    def get(self, mapping: dict, path: tuple, key: str, kind, *, required=True, default=None):
        """``mapping[key]`` checked against ``kind`` (a type or tuple of types)."""
        if not isinstance(mapping, dict) or key not in mapping or mapping[key] is None:
            if required:
                self.fail(path, f"missing required key '{key}'")
            return default
        value = mapping[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail((*path, key), f"'{key}' must be {names}, got {type(value).__name__} {value!r}")
            return default
        if isinstance(value, str) and not value.strip():
            self.fail((*path, key), f"'{key}' must not be empty")
            return default
        return value

    def string_list(self, mapping: dict, path: tuple, key: str, *, required=True, min_len=0) -> list[str]:
        values = self.get(mapping, path, key, list, required=required, default=[])
        result = []
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
                self.fail((*path, key, index), f"'{key}' items must be non-empty text, got {value!r}")
            else:
                result.append(str(value).strip())
        if values and len(result) < min_len or (required and min_len and not values):
            self.fail((*path, key), f"'{key}' needs at least {min_len} item(s)")
        return result

    def identifier(self, mapping: dict, path: tuple, key: str = "id", *, expected: str | None = None) -> str:
        value = self.get(mapping, path, key, str, default="")
        if value and not KEBAB.match(value):
            self.fail((*path, key), f"'{value}' is not kebab-case (a-z, 0-9 and single hyphens)")
        if value and expected and value != expected:
            self.fail((*path, key), f"id '{value}' must equal the file name '{expected}'")
        return value

    def citations(self, mapping: dict, path: tuple, key: str, *, required=True) -> list[str]:
        values = self.string_list(mapping, path, key, required=required, min_len=1 if required else 0)
        for index, value in enumerate(values):
            self.check_citation(value, (*path, key, index))
        return values

    def check_citation(self, value: str, path: tuple) -> None:
        if not CITATION.match(value):
            self.fail(path, f"citation '{value}' must look like '000 §5.2.1', '001 篇1 八.(一).6' or '002 三.5'")
