"""URL rules of the contract, and the guard that keeps every write inside the output folder."""

from __future__ import annotations

import html
import os
import posixpath
import re
import stat
from collections.abc import Callable
from pathlib import Path

from .config import SiteConfig


class UnsafePath(ValueError):
    pass


def output_file(url: str) -> str:
    """Site-relative URL -> file in the output: "politics/x/" -> "politics/x/index.html"."""
    if url == "" or url.endswith("/"):
        return url + "index.html"
    return url


def url_of(out: str) -> str:
    """output_file undone: "politics/x/index.html" -> "politics/x/", "feed.xml" -> "feed.xml"."""
    if out == "index.html" or out.endswith("/index.html"):
        return out[:-10]
    return out


def href(config: SiteConfig, url: str) -> str:
    """A link for a page, under the site's base path: "politics/" -> "/news/politics/"."""
    if url.startswith(("http://", "https://", "//")):
        return url
    return config.base_path + url.lstrip("/")


def absolute(config: SiteConfig, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return config.base_url + url.lstrip("/")


def safe_join(out: Path, rel: str) -> Path:
    """`out/rel`, refusing anything that would land outside `out` (.., absolute, backslashes, NUL, a
    symlinked folder on the way that leads out)."""
    path = safe_path(str(out), rel)
    check_folders(str(out), posixpath.dirname(posixpath.normpath(rel)), rel, set())
    return Path(path)


def safe_path(out: str, rel: str) -> str:
    """`out/rel` on strings (the writers' form: no Path objects per file), refusing any `rel` that
    would land outside `out`. Folders on the way are checked by `check_folders`."""
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        raise UnsafePath(rel)
    norm = posixpath.normpath(rel)
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        raise UnsafePath(rel)
    return f"{out}/{norm}"


def check_folders(out: str, rel_dir: str, rel: str, checked: set[str]) -> None:
    """No folder between `out` and a file may be a symlink that leads out of `out`. One lstat per
    folder not in `checked` (the caller's memo of folders already seen); only a symlink is resolved."""
    if not rel_dir or rel_dir in checked:
        return
    check_folders(out, posixpath.dirname(rel_dir), rel, checked)
    path = f"{out}/{rel_dir}"
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        link = False
    if link:
        resolved_out, real = Path(out).resolve(), Path(path).resolve()
        if real != resolved_out and resolved_out not in real.parents:
            raise UnsafePath(rel)  # e.g. through a symlinked folder inside the output
    checked.add(rel_dir)


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset)=")([^"]*)"')


def rebase_html(markup: str, resolve: Callable[[str], str]) -> str:
    """Every href, src and srcset URL of sanitized article HTML passed through `resolve`."""

    def one(m: re.Match[str]) -> str:
        value = original = html.unescape(m.group(2))
        if m.group(1).lstrip().startswith("srcset"):
            parts = [p.split(None, 1) for p in value.split(",") if p.strip()]
            value = ", ".join(" ".join([resolve(p[0]), *p[1:]]) for p in parts)
        else:
            value = resolve(value)
        if value == original:
            return m.group(0)  # untouched, as the sanitizer wrote it
        return f'{m.group(1)}{html.escape(value)}"'

    return _URL_ATTRIBUTE.sub(one, markup)


def site_rooted(config: SiteConfig, url: str) -> str:
    """A root-relative URL written in an article ("/politics/x/") under the site's base path."""
    return href(config, url) if url.startswith("/") and not url.startswith("//") else url
