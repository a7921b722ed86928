"""Whether an article parsed by an earlier build can be used as it is.

An entry keeps the file's stamp and digest, and those of the files it depends on (its images, its
folder when it is a bundle or names local files). Stamps are compared first (taken once per build
by `snapshot.take`); only a stamp that differs costs a read, and the same bytes under a new mtime
(a fresh git checkout) still count as unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..fileio import Stamp, digest, stamp
from .state import Dependency, ParsedEntry

if TYPE_CHECKING:
    from ..errors import Diagnostic
    from ..model import Article


def dep(root: Path, rel: str) -> Dependency:
    return stamp(root, rel), digest(root, rel)


def entry_for(root: Path, rel: str, before: Stamp, article: Article | None, diagnostics: list[Diagnostic],
              memo: dict[str, Dependency], seen: Mapping[str, tuple[int, int]] | None = None) -> ParsedEntry:
    """What the cache keeps of a file just parsed. Made where it was parsed (the pool's workers):
    digesting the images it names reads them whole, which is no job for the main process.
    `before`: the file's stamp taken before it was read. A stamp taken after would pair a save made
    while it was parsed with the older text, and every later build would take that text as current.
    `seen`: the stamps the build took before reading anything (snapshot.take). A file the article names
    that changed since (an image replaced while the build ran) may have been read in either version:
    it is kept with a stamp and digest that match nothing, so the next build parses the article again."""
    digest_ = article.digest if article is not None else digest(root, rel)  # the same hash of the bytes
    return ParsedEntry(before, digest_, _deps(root, rel, article, memo, seen), article, tuple(diagnostics))


def _deps(root: Path, rel: str, article: Article | None, memo: dict[str, Dependency],
          seen: Mapping[str, tuple[int, int]] | None) -> tuple[Dependency, ...]:
    """Files besides the article itself whose change must re-parse it: its images and its folder
    (for bundles and bodies that name local files, so a newly dropped image is picked up).
    `memo`: many articles share one static image."""
    if article is None:
        return ()
    paths = [a.source for a in article.assets]
    if article.image and article.image.source:
        paths.append(article.image.source)
    if article.assets or rel.endswith(("/index.md", "/index.markdown")):
        paths.append(os.path.dirname(rel))
    out = []
    for p in dict.fromkeys(paths):
        if p not in memo:
            memo[p] = dep(root, p)
        d = memo[p]
        if seen is not None and (seen.get(p) or seen.get(f"{p}/")) != d[0][1:]:
            d = ((p, -1, -1), "-")  # (changed while the build ran: see entry_for)
        out.append(d)
    return tuple(out)


def still_valid(root: Path, entry: ParsedEntry, known: dict[str, tuple[int, int]] | None = None) -> ParsedEntry | None:
    """The entry, if its file and every dependency are unchanged: by stamp when possible, else by
    content (a checkout gives every file a new mtime). Returns it with refreshed stamps, or None.
    `known`: stamps taken at the start of the build (snapshot.take), used instead of stat calls."""
    if entry.article is None:
        return None  # a file with errors is read again every build: what it names may exist now
    if known is not None:  # the usual case, first: the file and what it names as they were
        was = known.get(entry.stamp[0])  # (a folder is in `known` as "content/x/": a bundle's folder)
        if was is not None and entry.stamp[1:] == was and all(
                [(known.get(d[0]) or known.get(f"{d[0]}/")) == d[1:] for d, _ in entry.deps]):
            return entry

    def stamp_of(rel: str) -> Stamp:
        st = known.get(rel) if known is not None else None
        return (rel, *st) if st is not None else stamp(root, rel)

    current = stamp_of(entry.stamp[0])
    if current != entry.stamp:
        if current[2] != entry.stamp[2] or digest(root, entry.stamp[0]) != entry.digest:
            return None
    deps = []
    for (st, dg) in entry.deps:
        now = stamp_of(st[0])
        if now != st and digest(root, st[0]) != dg:
            return None
        deps.append((now, dg))
    if current == entry.stamp and all(d[0] == e[0] for d, e in zip(deps, entry.deps, strict=True)):
        return entry
    return ParsedEntry(current, entry.digest, tuple(deps), entry.article, entry.diagnostics, entry.packed)
