"""A JSON Feed that json cannot read for a reason other than its syntax, as one line with the place:
arrays and objects nested deeper than Python's recursion allows, or an integer longer than Python
converts (4,300 digits unless PYTHONINTMAXSTRDIGITS says otherwise). The file is scanned only then."""

from __future__ import annotations

import re
import sys

from .common import ImportFailure

_HINT = "a JSON Feed has a few levels and short numbers: the file is damaged, or is not a feed"
# a JSON string (skipped: its brackets and digits are text) or a bracket
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
# a JSON string or an integer (not the whole part of a number with a fraction or an exponent)
_INTEGERS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?![\d.eE])')


def _place(text: str, at: int) -> tuple[int, int]:
    """(line, column) of the character at `at`, both from 1."""
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def too_deep(text: str, label: str) -> ImportFailure:
    """json stopped at Python's recursion limit: the line where the nesting is deepest."""
    depth = deepest = where = 0
    for m in _BRACKETS.finditer(text):
        char = m.group(0)
        if char in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest, where = depth, m.start()
        elif char in ("]", "}"):
            depth -= 1
    line, column = _place(text, where)
    return ImportFailure(label, line, f"JSON nested too deeply to read: {deepest:,} levels of arrays or objects "
                                      f"(column {column})", _HINT)


def too_long(text: str, label: str, exc: ValueError) -> ImportFailure:
    """json stopped at an integer longer than Python converts: the line of the first one."""
    limit = sys.get_int_max_str_digits()
    for m in _INTEGERS.finditer(text):
        digits = len(m.group(0).lstrip("-"))
        if not m.group(0).startswith('"') and limit and digits > limit:
            line, column = _place(text, m.start())
            return ImportFailure(label, line, f"a number {digits:,} digits long: newsgen reads numbers of up to "
                                              f"{limit:,} digits (column {column})", _HINT)
    return ImportFailure(label, None, f"cannot read the JSON: {exc}", _HINT)
