"""Diagnostics: every user-facing problem is one `path:line: message (hint)` line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# what must never reach a terminal as it is: C0/C1 controls (ESC starts sequences that set the title,
# move the cursor, write files in some terminals), DEL, the bidirectional overrides that reorder what
# is shown ("Trojan source"), and the lone surrogates of an undecodable file name. They are shown
# escaped instead, so the problem can still be found.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def visible(text: str) -> str:
    """`text` on one line with every control character shown as an escape (\\x1b, \\u202e)."""
    text = " ".join(text.split())  # newlines and tabs (and the other whitespace controls) are spaces
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int | None
    message: str
    hint: str | None = None
    draft: bool = False  # a mistake in a file that says `draft: true` (a warning when drafts are not built)

    def __str__(self) -> str:
        path = _UNSAFE.sub(_escaped, self.path)  # (a line break in a file name is shown as \x0a, not a space)
        where = f"{path}:{self.line}" if self.line else path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return visible(text)  # always exactly one line, and no control character reaches a terminal


class BuildError(Exception):
    """The one exception for user mistakes: carries every diagnostic of the run."""

    def __init__(self, diagnostics: Iterable[Diagnostic], outcome: str | None = None) -> None:
        self.diagnostics = sorted(set(diagnostics), key=_sort_key)
        self.outcome = outcome  # what became of the output, when not "nothing was written" (the summary line)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def _sort_key(d: Diagnostic) -> tuple[str, int, str]:
    return (d.path, d.line or 0, d.message)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """A 'did you mean "X"?' hint for a near miss, case-insensitively."""
    import difflib

    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return f'did you mean "{lowered[word.lower()]}"?'
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    if close:
        return f'did you mean "{lowered[close[0]]}"?'
    return None
