"""URL rules of the contract, and the guard that keeps every write inside the output folder."""

from __future__ import annotations

import posixpath
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
    resolved_out = out.resolve()
    parent = target.parent.resolve()
    if parent != resolved_out and resolved_out not in parent.parents:
        raise UnsafePath(rel)  # e.g. through a symlinked folder inside the output
    return target
