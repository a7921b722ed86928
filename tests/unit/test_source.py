"""content/source.py: UTF-8 (BOM accepted), CRLF normalized, front matter split with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.content.source import SourceProblem, decode, split

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"


def problem(name: str) -> str:
    with pytest.raises(SourceProblem) as info:
        split(decode((FIXTURES / name).read_bytes(), name), name)
    return str(info.value.diagnostic)


def test_bom_and_crlf_are_accepted() -> None:
    src = split(decode((FIXTURES / "bom_crlf.md").read_bytes(), "x.md"), "x.md")
    assert src.front_matter == 'title: "With a BOM and CRLF"\nsection: Politics\ndate: 2025-03-19 17:40'
    assert "\r" not in src.body and "\ufeff" not in src.front_matter
    assert src.front_matter_line == 2
    assert src.body_line == 6
    assert src.body.startswith("\nFirst paragraph\nstill first.\n")


def test_old_mac_line_endings() -> None:
    src = split(decode((FIXTURES / "cr_only.md").read_bytes(), "x.md"), "x.md")
    assert "section: Politics" in src.front_matter
    assert src.body.strip() == "Body line."


def test_not_utf8_names_the_line() -> None:
    assert problem("not_utf8.md") == "not_utf8.md:2: file is not UTF-8 text (save it as UTF-8 in your editor)"


@pytest.mark.parametrize("name", ["empty.md", "whitespace_only.md"])
def test_empty_file(name: str) -> None:
    assert problem(name).startswith(f"{name}:1: article file is empty")


def test_unclosed_front_matter() -> None:
    assert problem("unclosed_front_matter.md").startswith("unclosed_front_matter.md:1: front matter is not closed")


def test_no_front_matter() -> None:
    assert problem("no_front_matter.md").startswith("no_front_matter.md:1: article has no front matter")


def test_body_line_counts_from_the_closing_fence() -> None:
    src = split("---\na: 1\nb: 2\n---\nbody\n", "x.md")
    assert (src.front_matter_line, src.body_line, src.body) == (2, 5, "body\n")


def test_yaml_document_end_marker_closes_front_matter() -> None:
    src = split("---\na: 1\n...\nbody", "x.md")
    assert (src.front_matter, src.body) == ("a: 1", "body")


def test_empty_front_matter() -> None:
    src = split("---\n---\nbody\n", "x.md")
    assert src.front_matter == "" and src.body == "body\n"


def test_thematic_break_in_body_is_not_a_fence() -> None:
    src = split("---\na: 1\n---\nabove\n\n---\n\nbelow\n", "x.md")
    assert src.front_matter == "a: 1"
    assert "below" in src.body


@pytest.mark.parametrize("raw", [b"", b"a\r\nb\rc\n", b"\xef\xbb\xbfx\r\n", b"\xef\xbb\xbf\xef\xbb\xbfx", b"\xef\xbb",
                                 "Hà Nội\r\n".encode(), b"ok\n\xff\n", b"\xef\xbb\xbfa\n\nb\xc3"])
def test_decode_is_utf8_sig_with_line_ends_made_newlines(raw: bytes) -> None:
    try:
        expected: str | int = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        expected = raw[: exc.start].count(b"\n") + 1
    try:
        got: str | int = decode(raw, "a.md")
    except SourceProblem as p:
        got = p.diagnostic.line or 0
    assert got == expected


@pytest.mark.parametrize("raw", [
    b"---\ntitle: A\n---\nBody \xc3\xa9 text.\n\nMore.\n",  # non-ASCII, trailing newline
    b"---\ntitle: A\n---\n",  # nothing after the fence
    b"---\ntitle: A\n---",  # the fence is the last line, no newline
    b"---\ntitle: A\n...\nBody after a YAML end marker\n",
    b"---\r\ntitle: A\r\n---\r\nWindows\r\nline ends\r\n",
    b"\xef\xbb\xbf---\ntitle: A\n---\nWith a BOM\n",
    b"---\rtitle: A\r---\rOld Mac\r",
    b"---\n---\n\n\nBlank lines first\n",
    b"--- \ntitle: A\n---  \nFences with trailing spaces\n",
])
def test_body_bytes_are_the_split_body(raw: bytes) -> None:
    """What the parse stage spools of a body for the bodies rendered ahead (`body_bytes`, taken from the
    file's bytes) is what `split` gives, encoded."""
    from newsgen.content.source import body_bytes

    src = split(decode(raw, "x.md"), "x.md")
    assert body_bytes(raw, src.body_line, "x.md") == src.body.encode("utf-8")


def test_body_bytes_of_every_fixture() -> None:
    from newsgen.content.source import body_bytes

    checked = 0
    for path in sorted((FIXTURES.parent).rglob("*.md")):
        raw = path.read_bytes()
        try:
            src = split(decode(raw, path.name), path.name)
        except SourceProblem:
            continue
        assert body_bytes(raw, src.body_line, path.name) == src.body.encode("utf-8"), path
        checked += 1
    assert checked >= 15
