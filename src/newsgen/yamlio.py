"""YAML loading that knows the line of every key and rejects duplicate keys.

Timestamps are NOT resolved by YAML: dates stay strings and are parsed by `dates.py`, so that
"2025-03-19 17:40" and "2025-03-19T17:40:00+07:00" follow one rule (the site's timezone).

Every mapping also keeps the text each plain scalar was written as, where YAML typed it
(`title: yes` is True, `title: 2025` is 2025): `LineMap.texts[key]` is "yes" / "2025" (for a list,
a list of the items' texts). Text fields read that, so they are what the author wrote.

Hostile YAML is bounded: nesting deeper than MAX_DEPTH and documents that aliases (`*name`)
would expand to more than MAX_NODES values are refused before anything is built from them.
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


MAX_DEPTH = 32  # levels of nesting (a front matter needs 3, newsgen.yaml 4)
MAX_NODES = 100_000  # values in a document, each alias counted as the whole value it repeats


class LineMap(dict[str, Any]):
    """A mapping that also remembers the 1-based line of each key (`.lines[key]`) and, for values
    YAML typed (numbers, true/false, null), the text they were written as (`.texts[key]`)."""

    lines: dict[str, int]
    texts: dict[str, Any]  # key -> str, or a list (scalars as str) for a list with typed items

    def __init__(self) -> None:
        super().__init__()
        self.lines = {}
        self.texts = {}

    def text(self, key: str) -> Any:
        """The value of `key` with YAML's typing of plain scalars undone: what the author wrote."""
        return self.texts.get(key, self.get(key))


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


_STR = "tag:yaml.org,2002:str"


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
            raise YamlProblem("a key must be plain text", line)
        key = key_node.value  # as written: `yes:` is the key "yes", not "True"
        if key in out:
            raise YamlProblem(f'duplicate key "{key}"', line, f"first set on line {out.lines[key]}",
                              first_line=out.lines[key])
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.tag != _STR and value_node.value:
                out.texts[key] = value_node.value
        elif isinstance(value_node, yaml.SequenceNode) and any(
                isinstance(item, yaml.ScalarNode) and item.tag != _STR for item in value_node.value):
            out.texts[key] = [node.value if isinstance(node, yaml.ScalarNode) else item
                              for node, item in zip(value_node.value, out[key], strict=True)]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load(text: str) -> Any:
    """Parse YAML text; mappings come back as `LineMap`. Raises `YamlProblem`."""
    simple = _simple_mapping(text)
    if simple is not None:
        return simple
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node, 1, {}, set())
        return loader.construct_document(node)
    except YamlProblem:
        raise
    except RecursionError:  # pragma: no cover - _measure bounds the depth first
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        if exc.context_mark is not None and ("quoted scalar" in context or "flow" in context):
            mark = exc.context_mark  # a quote or a [list] never closed: the line it opens on, not the next one
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _hint_for(f"{context} {problem}")
        lines = text.split("\n")
        shown = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        if shown.lstrip().startswith("- ") and ("expected key" in problem or "expected <block end>" in problem):
            hint = "line up the items of a list, each `- ` under the one before"
        if "quoted scalar" in context and "end of stream" in problem:
            problem = "a quote opens a value and is never closed"
        tab_before = mark is not None and "\t" in shown[: mark.column + 1]
        if hint is None and "cannot start any token" in problem and tab_before:
            hint = "indent with spaces, not tabs"
        raise YamlProblem(f"invalid YAML: {problem}", line, hint) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()


def _measure(node: yaml.Node, depth: int, known: dict[int, tuple[int, int]], open_: set[int],
             used_at: int | None = None) -> tuple[int, int]:
    """(values, levels) of a node with its aliases expanded; raises YamlProblem past the limits.
    An alias is the same node object as its anchor: each is measured once, counted at every use
    (`used_at`: the line of the collection it is used in; the node's own mark is its anchor's)."""
    if isinstance(node, yaml.ScalarNode):
        return 1, 1
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", line)
    ident = id(node)
    if ident in known:
        size, height = known[ident]
        line = used_at or line
    else:
        if ident in open_:
            raise YamlProblem("an alias (*name) refers to the value it is part of", line, "write the value out")
        open_.add(ident)
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        size, height = 1, 1
        for child in children:
            child_size, child_height = _measure(child, depth + 1, known, open_, line)
            size += child_size
            height = max(height, child_height + 1)
            if size > MAX_NODES:
                break
        open_.discard(ident)
        known[ident] = size, height
    if size > MAX_NODES:
        raise YamlProblem(f"more than {MAX_NODES:,} values once aliases (*name) are expanded", line,
                          "write the values out instead of repeating aliases")
    if depth + height - 1 > MAX_DEPTH:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", line)
    return size, height


def _hint_for(problem: str) -> str | None:
    if "invalid Unicode character escape" in problem:  # ("\ud800": half of a character)
        return 'write the character itself, or the \\u escape of a whole character: "caf\\u00e9"'
    if "mapping values are not allowed" in problem:
        return 'quote a value that contains ": ", e.g. title: "Vote: what next"'
    if "found character '\\t'" in problem or "tab character" in problem:
        return "indent with spaces, not tabs"
    if "quoted scalar" in problem:
        return 'close the quote at the end of the value, on the same line: title: "Vote on the budget"'
    if "did not find expected ',' or ']'" in problem:
        return ('a [list] closes on its own line: tags: [Budget, Rail]; text that starts with [ is quoted: '
                'title: "[Update] Vote"')
    if "did not find expected ',' or '}'" in problem:
        return 'a {mapping} closes on its own line; text that starts with { is quoted: title: "{Live} Vote"'
    if "expected '-' indicator" in problem:
        return "each item of the list starts with `- `, lined up under the one before"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return 'a value that starts with a quote, [ or { is quoted whole: title: "[Update] Vote"'
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
        raw = (raw or "").rstrip(" ")
        value = _value(raw)
        if value is _NOT_STRING or key in out:
            return None
        out[key] = value
        out.lines[key] = number
        if raw and not isinstance(value, str):  # true/false/null, or a list holding some: as written
            if not isinstance(value, list):
                out.texts[key] = raw
            elif not all(isinstance(item, str) for item in value):
                out.texts[key] = [item.strip(" ") for item in raw[1:-1].split(",")]
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
