"""YAML loading that knows the line of every key and rejects duplicate keys.

Timestamps are NOT resolved by YAML: dates stay strings and are parsed by `dates.py`, so that
"2025-03-19 17:40" and "2025-03-19T17:40:00+07:00" follow one rule (the site's timezone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is ~10x faster; the constructor (and so line tracking) is the same
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineMap(dict[str, Any]):
    """A mapping that also remembers the 1-based line of each key (`.lines[key]`)."""

    lines: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.lines = {}


@dataclass
class YamlProblem(Exception):
    message: str
    line: int | None  # 1-based, relative to the YAML text
    hint: str | None = None
    first_line: int | None = None  # for duplicate keys: where the key was first set

    def hint_at(self, offset: int) -> str | None:
        """The hint, with any line number in it shifted by `offset` (YAML inside a file)."""
        if self.first_line is not None:
            return f"first set on line {self.first_line + offset}"
        return self.hint


class _Loader(_Base):  # type: ignore[misc]
    pass


# strings, not datetimes: remove the implicit timestamp resolver
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) or key is None:
            raise YamlProblem("a key must be plain text", line)
        key = str(key)
        if key in out:
            raise YamlProblem(f'duplicate key "{key}"', line, f"first set on line {out.lines[key]}",
                              first_line=out.lines[key])
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load(text: str) -> Any:
    """Parse YAML text; mappings come back as `LineMap`. Raises `YamlProblem`."""
    simple = _simple_mapping(text)
    if simple is not None:
        return simple
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _hint_for(problem)
        if mark is not None and hint is None and "cannot start any token" in problem:
            lines = text.split("\n")
            if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
                hint = "indent with spaces, not tabs"
        raise YamlProblem(f"invalid YAML: {problem}", line, hint) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", None) from None


def _hint_for(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return 'quote a value that contains ": ", e.g. title: "Vote: what next"'
    if "found character '\\t'" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line needs `key: value`"
    if "found undefined alias" in problem or "found unknown escape" in problem:
        return "quote the value"
    return None


# ---------------------------------------------------------------------------- the common case, fast
# Front matter is nearly always `key: value` lines with plain, quoted or [flow, list] values. Those
# are read here without PyYAML (a third of parsing an article); anything else (nesting, block
# lists, comments, escapes, numbers, anchors, errors...) returns None and goes through PyYAML,
# which also reports every mistake. The values are exactly what PyYAML gives (tested).

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = re.compile("[][{}'\"#:]")
_NOT_STRING = object()
_PLAIN_KEYS: set[str] = set()  # keys seen to be plain strings
_RESOLVERS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}  # by first character
_BOOL = yaml.constructor.SafeConstructor.bool_values


def _simple_mapping(text: str) -> LineMap | None:
    out = LineMap()
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        m = _KEY_LINE.fullmatch(line)
        if m is None:
            return None
        key, raw = m.group(1, 2)
        if key not in _PLAIN_KEYS:
            if _plain(key) is not key:  # a key YAML reads as true, null...
                return None
            _PLAIN_KEYS.add(key)
        value = _value((raw or "").rstrip(" "))
        if value is _NOT_STRING or key in out:
            return None
        out[key] = value
        out.lines[key] = number
    return out or None  # no keys: PyYAML says what an empty document is


def _value(raw: str) -> Any:
    if not raw:
        return None
    if "\t" in raw or not raw.isprintable():
        return _NOT_STRING
    first = raw[0]
    if first == "'":
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != "'" or "'" in inner.replace("''", ""):
            return _NOT_STRING
        return inner.replace("''", "'")
    if first == '"':
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != '"' or '"' in inner or "\\" in inner:
            return _NOT_STRING
        return inner
    if first == "[":
        inner = raw[1:-1].strip(" ")
        if raw[-1] != "]" or _FLOW_UNSAFE.search(inner):
            return _NOT_STRING
        if not inner:
            return []
        items = [_plain(item.strip(" ")) for item in inner.split(",")]
        return _NOT_STRING if any(item is _NOT_STRING or item is None for item in items) else items
    if ": " in raw or " #" in raw or raw.endswith(":"):
        return _NOT_STRING
    return _plain(raw)


def _plain(value: str) -> Any:
    """A plain scalar: the string itself, True/False/None where YAML resolves it so, or
    _NOT_STRING (left to PyYAML: numbers, odd starts)."""
    if not value or value[0] in _PLAIN_START:
        return _NOT_STRING
    resolvers = _RESOLVERS.get(value[0])
    if resolvers is None:
        table = _Loader.yaml_implicit_resolvers
        resolvers = _RESOLVERS[value[0]] = tuple(table.get(value[0], [])) + tuple(table.get(None, []))
    for tag, pattern in resolvers:
        if pattern.match(value):
            if tag == "tag:yaml.org,2002:bool":
                return _BOOL[value.lower()]
            if tag == "tag:yaml.org,2002:null":
                return None
            return _NOT_STRING
    return value
