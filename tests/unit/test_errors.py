"""errors.py: one-line diagnostics, sorted and de-duplicated, and "did you mean"."""

from __future__ import annotations

from newsgen.errors import BuildError, Diagnostic, did_you_mean


def test_diagnostic_with_line_and_hint() -> None:
    d = Diagnostic("content/a.md", 4, 'unknown section "Sprots"', 'did you mean "Sports"?')
    assert str(d) == 'content/a.md:4: unknown section "Sprots" (did you mean "Sports"?)'


def test_diagnostic_without_line_or_hint() -> None:
    assert str(Diagnostic("newsgen.yaml", None, "no sections")) == "newsgen.yaml: no sections"


def test_diagnostic_is_always_one_line() -> None:
    d = Diagnostic("a.md", 2, "bad\nvalue\r\n here", "fix\nit")
    assert "\n" not in str(d) and "\r" not in str(d)
    assert str(d) == "a.md:2: bad value here (fix it)"


def test_build_error_sorts_by_path_and_line_and_drops_duplicates() -> None:
    a = Diagnostic("b.md", 3, "x")
    b = Diagnostic("a.md", 9, "y")
    c = Diagnostic("a.md", 2, "z")
    err = BuildError([a, b, c, a])
    assert err.diagnostics == [c, b, a]
    assert str(err).splitlines() == [str(c), str(b), str(a)]


def test_did_you_mean() -> None:
    assert did_you_mean("Sprots", ["Politics", "Sports"]) == 'did you mean "Sports"?'
    assert did_you_mean("sports", ["Politics", "Sports"]) == 'did you mean "Sports"?'
    assert did_you_mean("Weather", ["Politics", "Sports"]) is None


def test_control_characters_never_reach_the_terminal() -> None:
    from newsgen.errors import Diagnostic

    d = Diagnostic("content/a\x1b]0;x\x07.md", 3, 'unknown section "\x1b[2J\x9b\u202eevil\x7f"', "line\nbreak\tand tab")
    text = str(d)
    assert text == ('content/a\\x1b]0;x\\x07.md:3: unknown section "\\x1b[2J\\x9b\\u202eevil\\x7f" '
                    "(line break and tab)")
    assert text.isprintable()


def test_ordinary_text_is_unchanged() -> None:
    from newsgen.errors import Diagnostic, visible

    assert visible("Hội nghị «Trung ương» — 2025 \u00a0 ok") == "Hội nghị «Trung ương» — 2025 ok"
    assert str(Diagnostic("a.md", None, "x", None)) == "a.md: x"
    assert visible("bad \udcff name") == "bad \\udcff name"  # a lone surrogate of an undecodable file name
