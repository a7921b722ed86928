"""typography.py writes out markdown-it-py's character classes (importing them loads all of
markdown-it-py): they must stay the same as markdown-it-py's, for every character."""

from __future__ import annotations

from markdown_it.common import utils

from newsgen.content import typography


def test_the_character_classes_are_markdown_it_pys() -> None:
    codes = [*range(0x3000 + 1), *range(0x3000, 0x110000, 97)]
    for code in codes:
        assert typography._is_white_space(code) == utils.isWhiteSpace(code), hex(code)
        ours = code in typography._MD_ASCII_PUNCT
        assert ours == utils.isMdAsciiPunct(code), hex(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert (ours or utils.isPunctChar(chr(code))) == (ours or _punct(code)), hex(code)


def _punct(code: int) -> bool:
    import unicodedata

    return unicodedata.category(chr(code)).startswith(("P", "S"))
