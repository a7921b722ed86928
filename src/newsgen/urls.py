"""URL rules of the contract, and the guard that keeps every write inside the output folder."""

from __future__ import annotations

import functools
import html
import posixpath
import re
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
    """`out/rel`, refusing anything that would land outside `out` (.., absolute, backslashes, NUL)."""
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        raise UnsafePath(rel)
    norm = posixpath.normpath(rel)
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        raise UnsafePath(rel)
    target = out / norm
    parent = str(target.parent)
    if parent not in _checked_dirs:  # resolve each folder once per process, not once per file
        resolved_out = _resolved(str(out))
        real = Path(parent).resolve()
        if real != resolved_out and resolved_out not in real.parents:
            raise UnsafePath(rel)  # e.g. through a symlinked folder inside the output
        _checked_dirs.add(parent)
    return target


_checked_dirs: set[str] = set()


def forget_checked() -> None:
    """Check folders afresh (each build: the output may have changed since the last one)."""
    _checked_dirs.clear()


@functools.lru_cache(maxsize=64)
def _resolved(out: str) -> Path:
    return Path(out).resolve()


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset)=")([^"]*)"')


def rebase_html(markup: str, resolve: Callable[[str], str]) -> str:
    """Every href, src and srcset URL of sanitized article HTML passed through `resolve`."""

    def one(m: re.Match[str]) -> str:
        value = html.unescape(m.group(2))
        if m.group(1).lstrip().startswith("srcset"):
            parts = [p.split(None, 1) for p in value.split(",") if p.strip()]
            value = ", ".join(" ".join([resolve(p[0]), *p[1:]]) for p in parts)
        else:
            value = resolve(value)
        return f'{m.group(1)}{html.escape(value)}"'

    return _URL_ATTRIBUTE.sub(one, markup)


def site_rooted(config: SiteConfig, url: str) -> str:
    """A root-relative URL written in an article ("/politics/x/") under the site's base path."""
    return href(config, url) if url.startswith("/") and not url.startswith("//") else url
