"""Read an article file: UTF-8 (BOM accepted), CRLF normalized, front matter split with line offsets."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Diagnostic


@dataclass(frozen=True)
class Source:
    front_matter: str  # the YAML text between the fences
    front_matter_line: int  # 1-based line where the YAML text starts
    body: str
    body_line: int  # 1-based line where the body starts


class SourceProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def decode(raw: bytes, path: str) -> str:
    """The text, without a BOM, its line ends made \\n. (What raw.decode("utf-8-sig") does, without
    the codec's Python-level wrapper; and line ends replaced only when a \\r is there: together half of
    the ~20 us a Vietnamese article took, read twice by a cold build.)"""
    try:
        text = (raw[3:] if raw.startswith(_BOM) else raw).decode("utf-8")
    except UnicodeDecodeError as exc:  # (start counts from after the BOM, as utf-8-sig's did)
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceProblem(Diagnostic(path, line, "file is not UTF-8 text",
                                       "save it as UTF-8 in your editor")) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_BOM = b"\xef\xbb\xbf"  # codecs.BOM_UTF8


def split(text: str, path: str) -> Source:
    if not text.strip():
        raise SourceProblem(Diagnostic(path, 1, "article file is empty",
                                       "start it with front matter: ---, title:, section:, date:, ---"))
    end = text.find("\n")
    if (text if end < 0 else text[:end]).rstrip() != "---":
        raise SourceProblem(Diagnostic(path, 1, "article has no front matter",
                                       "the first line must be --- and the front matter must end with ---"))
    # line by line through the front matter only (the body is not split into lines and joined again)
    fm_start = start = end + 1
    number = 1
    while end >= 0:
        number += 1
        end = text.find("\n", start)
        if (text[start:] if end < 0 else text[start:end]).rstrip() in ("---", "..."):
            return Source(front_matter=text[fm_start : max(start - 1, fm_start)], front_matter_line=2,
                          body="" if end < 0 else text[end + 1 :], body_line=number + 1)
        start = end + 1
    raise SourceProblem(Diagnostic(path, 1, "front matter is not closed",
                                   "end it with a line of three dashes: ---"))


def body_bytes(raw: bytes, body_line: int, path: str) -> bytes:
    """The body's UTF-8 bytes, as `split` gives it (`body_line`: its first line, from `split`), taken from
    the file's bytes without decoding them again when they need nothing of `decode` (no BOM, no \\r)."""
    if raw.startswith(_BOM) or b"\r" in raw:
        return split(decode(raw, path), path).body.encode("utf-8")
    at = 0
    for _ in range(body_line - 1):
        at = raw.find(b"\n", at) + 1
        if not at:  # the closing fence is the file's last line: no body
            return b""
    return raw[at:]
