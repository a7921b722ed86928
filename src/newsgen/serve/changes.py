"""Pure rules of the preview: which changed paths matter, and what a build means for a tab.

Nothing here touches the disk or the clock, so every rule is a unit test on strings. Models:
zola `src/fs_utils.rs` (`detect_change_kind`), hugo `commands/server.go`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from ..config import CONFIG_NAME
from ..content.discover import is_junk

Kind = Literal["content", "template", "static", "config"]
Action = Literal["reload", "styles"]

WATCHED_FOLDERS: dict[str, Kind] = {"content": "content", "templates": "template", "static": "static"}
_STYLES = (".css",)
# Files that any page may show without the page's own HTML changing: a new copy means every tab
# reloads (we cannot know which pages use the image or the script). Feeds, JSON and other pages
# only reload the tab that shows them.
_PAGE_ASSETS = (".js", ".mjs", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico",
                ".woff", ".woff2", ".ttf", ".otf")


def classify(rel: str) -> Kind | None:
    """What a site-relative path ("content/politics/x.md") is to the preview, or None when no
    build can depend on it: editor junk, the output, the build cache, anything else at the top."""
    rel = rel.strip("/")
    if not rel or "\\" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") or is_junk(p) for p in parts):
        return None
    if rel == CONFIG_NAME:
        return "config"
    return WATCHED_FOLDERS.get(parts[0])


@dataclass(frozen=True)
class Rebuild:
    """One rebuild for a batch of changes."""

    paths: tuple[str, ...]  # the relevant changed paths, sorted
    kinds: frozenset[Kind]

    @property
    def pages_may_change(self) -> bool:
        """False when only static files changed: pages stay, so the browser needs no page first."""
        return bool(self.kinds - {"static"})

    @property
    def styles_only(self) -> bool:
        return self.kinds == {"static"} and all(p.endswith(_STYLES) for p in self.paths)

    def describe(self) -> str:
        """"content/x.md changed", "a, b and c changed", "12 files changed (content)". Names without a
        suffix (an editor's temporary file renamed over the real one, a folder) are left out of the wording
        when there is anything else."""
        named = [p for p in self.paths if "." in p.rsplit("/", 1)[-1]] or list(self.paths)
        if len(named) == 1:
            return f"{named[0]} changed"
        if len(named) <= 3:  # (a folder renamed is its two names, not "2 files")
            return f"{', '.join(named[:-1])} and {named[-1]} changed"
        return f"{len(named)} files changed ({', '.join(sorted(self.kinds))})"


def rebuild_for(rels: Iterable[str]) -> Rebuild | None:
    """The rebuild a batch of changed paths calls for, or None when none of them matters."""
    kept: dict[str, Kind] = {}
    for rel in rels:
        kind = classify(rel)
        if kind is not None:
            kept[rel.strip("/")] = kind
    if not kept:
        return None
    return Rebuild(tuple(sorted(kept)), frozenset(kept.values()))


def output_for_url(path: str, base_path: str = "/") -> str | None:
    """The output file a browser URL path shows ("/politics/x/" -> "politics/x/index.html"), or
    None when the path is outside the site's base path or cannot name a file inside the output.
    Percent-escapes are decoded first, so "%2e%2e" is "..", and ".." is always refused."""
    try:
        path = unquote(path.split("?", 1)[0].split("#", 1)[0] or "/", errors="strict")
    except UnicodeDecodeError:
        return None
    if not base_path.endswith("/"):
        base_path += "/"
    if not path.startswith(base_path):
        if path + "/" == base_path:
            path = base_path
        else:
            return None
    rel = path[len(base_path):]
    if "\x00" in rel or "\\" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("..", ".") for p in parts):
        return None
    rel = "/".join(p for p in parts if p)
    if rel == "" or path.endswith("/"):
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
    return rel


def tab_action(shown: str | None, changed: Collection[str], removed: Collection[str]) -> Action | None:
    """What a tab showing the output file `shown` does after a build that wrote `changed` and
    deleted `removed` (output-relative paths): reload, refresh its style sheets, or nothing."""
    if shown is not None and (shown in changed or shown in removed):
        return "reload"
    touched = [*changed, *removed]
    if any(p.lower().endswith(_PAGE_ASSETS) for p in touched):
        return "reload"
    if any(p.lower().endswith(_STYLES) for p in touched):
        return "styles"
    return None
