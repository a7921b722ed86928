"""inputs.check_names: one error for each path that cannot be published (a control character, bytes that
are not UTF-8), whichever way the paths are scanned (the usual answer, none, comes from a quick pass over
ASCII paths; anything else from the pattern)."""

from __future__ import annotations

import re

import pytest

from newsgen.inputs import _UNNAMEABLE, check_names

GOOD = ["newsgen.yaml", "content/", "content/politics/a story.md", "static/~tilde!.txt", "theme:base.html"]


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f",
                                 "\udce9", "\ud800"])
@pytest.mark.parametrize("other", ["", "café-", "日本-"])  # (other paths all ASCII, or not)
def test_each_unnameable_path_is_an_error(bad: str, other: str) -> None:
    paths = [*GOOD, f"static/{other}x.txt", f"content/politics/a{bad}b.md"]
    assert [d.path for d in check_names(paths)] == [f"content/politics/a{bad}b.md"]


@pytest.mark.parametrize("paths", [GOOD, [*GOOD, "static/café.txt", "content/日本/記事.md", "static/\u00a0.txt"], []])
def test_nameable_paths_are_no_error(paths: list[str]) -> None:
    assert check_names(paths) == []


def test_every_character_the_pattern_refuses_is_refused() -> None:
    for code in [*range(0x00, 0x100), 0x2028, 0xD800, 0xDCFF, 0xDFFF, 0xFFFD]:
        char = chr(code)
        assert bool(check_names([f"static/{char}.txt"])) == bool(re.search(_UNNAMEABLE, char)), hex(code)
