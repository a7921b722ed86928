"""An article's images: files next to it (taken from the uploads folder, or downloaded), else remote URLs.

`Bundle.image(url)` is given every image address of one article (the lead image and the body's) and
returns what the article should say: a file name next to it when the file could be had, else the URL
as it was (listed in the report); an address that is not http(s) (file:, data:, a path with no site to
read it against) is left out, with a warning: the build would refuse it, or the page could not show
it. Downloads use urllib with a timeout, only when asked (`--download`), never in a dry run; a file
is kept only when its first bytes are those of an image newsgen reads.
"""

from __future__ import annotations

import http.client
import os
import posixpath
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from ..slugs import slugify
from .common import Options, Report

MAX_BYTES = 50 * 1024 * 1024
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_SIZED = re.compile(r"-\d+x\d+(?=\.[a-z]+$)", re.I)  # WordPress's resized copies: photo-1024x768.jpg
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCALED = re.compile(r"-(scaled|rotated)(?=\.[a-z]+$)", re.I)


def is_image_bytes(head: bytes) -> bool:
    return (head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"))


def safe_name(path: str) -> str:
    """A file name for a bundle from a URL's path: lower-case ASCII letters, digits, '-', '.'."""
    base = posixpath.basename(unquote(path))
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = slugify(stem) or "image"
    suffix = "jpg" if suffix.lower() == "jpeg" else re.sub(r"[^a-z0-9]", "", suffix.lower())
    return f"{stem}.{suffix}" if suffix else stem


def uploads_path(url: str, uploads: Path) -> Path | None:
    """The file for `url` in the uploads folder (the part of its path after /uploads/), if it is there.
    A resized copy that is missing falls back to the original (photo-1024x768.jpg -> photo.jpg)."""
    path = unquote(urlsplit(url).path)
    marker = path.find("/uploads/")
    if marker < 0:
        return None
    rel = posixpath.normpath(path[marker + len("/uploads/"):])
    if rel.startswith(("../", "/")) or rel in ("..", ".") or "\\" in rel:
        return None
    for candidate in (rel, _SIZED.sub("", rel), _SCALED.sub("", _SIZED.sub("", rel))):
        full = uploads / candidate
        if full.is_file():
            return full
    return None


def fetch(url: str, timeout: float) -> bytes:
    """The bytes at an http(s) URL; OSError (with the reason) when it cannot be had."""
    if web_address(url) is None:
        raise OSError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "newsgen-import"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(MAX_BYTES + 1)
    except (OSError, http.client.HTTPException, ValueError) as exc:  # URLError is an OSError
        raise OSError(str(getattr(exc, "reason", exc))) from exc
    if len(data) > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def web_address(src: str, base: str = "") -> str | None:
    """`src` (read against `base`) as an http(s) URL with a host, its scheme in lower case (the build
    takes `https://` only so) and any space or control character percent-encoded; None for any other."""
    try:
        parts = urlsplit(urljoin(base, src) if base else src)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:  # (an unclosed IPv6 bracket: http://[x/)
        return None
    return _UNSAFE.sub(lambda m: quote(m.group(0)), urlunsplit(parts))


@dataclass
class Bundle:
    """The files of one article, gathered while its body is converted."""

    options: Options
    report: Report
    label: str
    base_url: str = ""  # to resolve relative addresses (the old site's)
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes
    sources: dict[str, str] = field(default_factory=dict)  # URL or uploads file -> file name (one file per source)
    remote: list[str] = field(default_factory=list)

    def image(self, src: str) -> str:
        """The address to write for the image at `src`: a file name next to the article, an http(s)
        URL, or "" (left out, with a warning) for any other address (file:, data:, a path on no site),
        which the build would refuse or the page could not show."""
        url = web_address(src, self.base_url)
        if url is None:
            return self._left_out(src)
        if url in self.sources:
            return self.sources[url]
        name = safe_name(urlsplit(url).path)
        if not name.lower().endswith(IMAGE_SUFFIXES):
            return self._kept(url, "not a JPEG, PNG, GIF or WebP file")
        data, why, path = self._local(url)
        if path and path in self.sources:  # photo-1024x768.jpg, missing, is photo.jpg, already here
            self.sources[url] = self.sources[path]
            return self.sources[path]
        if data is None and self.options.download and not self.options.dry_run:
            try:
                data = fetch(url, self.options.timeout)
                why = "" if is_image_bytes(data[:16]) else "the download is not an image"
                data = data if not why else None
            except OSError as exc:
                why = f"download failed: {exc}"
        if data is None:
            return self._kept(url, why)
        name = self._unique(name)
        self.files[name] = data
        self.sources[url] = name
        if path:
            self.sources[path] = name
        return name

    def _local(self, url: str) -> tuple[bytes | None, str, str]:
        """(the file's bytes or None, why not, the file's path or "")."""
        uploads = self.options.uploads
        if uploads is None:
            return None, ("would be downloaded" if self.options.download else "no --uploads folder, no --download"), ""
        path = uploads_path(url, uploads)
        if path is None:
            return None, f"not in {uploads}", ""
        try:
            if os.stat(path).st_size > MAX_BYTES:
                return None, f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB", ""
            data = path.read_bytes()
        except OSError as exc:
            return None, f"{path}: {exc.strerror or exc}", ""
        if not is_image_bytes(data[:16]):
            return None, f"{path} is not an image newsgen reads", ""
        return data, "", str(path)

    def _left_out(self, src: str) -> str:
        if src not in self.sources:
            self.sources[src] = ""
            shown = src if len(src) <= 100 else src[:100] + "..."
            self.report.warn(self.label, f"image left out: {shown} (not a web address: an article's image is a "
                                         "file next to it or an http(s) address)")
        return ""

    def _kept(self, url: str, why: str) -> str:
        if url not in self.remote:
            self.remote.append(url)
            self.report.warn(self.label, f"image kept as a remote URL: {url} ({why})")
        self.sources[url] = url
        return url

    def _unique(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        n, out = 1, name
        while out in self.files or out == "index.md":
            n += 1
            out = f"{stem}-{n}{dot}{suffix}"
        return out
