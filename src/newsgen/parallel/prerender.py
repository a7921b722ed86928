"""Article bodies rendered ahead, while the main process builds the site model and the plan.

A first build renders every article page. A body (Markdown -> HTML, ~45 % of the render work)
depends only on the article and the config, not on the site model, so a pool forked right after
parsing renders them while the main process does its serial work (~0.6 s at 10k articles, when the
other core would be idle). Bodies go to spool files in the system temp folder (one per worker,
never all in memory); the page renderers read each back by offset (`Spool.read`). A body that is
not in the spool (a chunk that failed, a full disk) is rendered with its page as without this.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..fileio import Readers, append_bytes
from .executor import alive, chunks, forked_pool

if TYPE_CHECKING:  # (concurrent.futures and tempfile: imported when a build renders bodies ahead)
    from concurrent.futures import Future

PRERENDER_MIN = 1000  # articles: below this the window it fills is too small to pay for a pool
Spooled = tuple[str, int, int]  # spool file, offset, length
K = TypeVar("K")


class Spool:
    """Where each body rendered ahead is (by article source), and the open files to read them from.
    Each process opens a spool file once (a worker reads thousands of bodies from the same few).
    `folder`: the spool folder these files are in, when this spool owns it (`discard` removes it)."""

    def __init__(self, places: dict[str, Spooled] | None = None, folder: str | None = None) -> None:
        self.places = places or {}
        self.folder = folder
        self._readers = Readers()

    def __bool__(self) -> bool:
        return bool(self.places)

    def read(self, source: str) -> str | None:
        where = self.places.get(source)
        if where is None:
            return None
        return self._readers.read(*where)  # None: rendered again instead

    def close(self) -> None:
        """Close this process's descriptors (before the files are deleted)."""
        self._readers.close()

    def discard(self) -> None:
        """Close, and remove the folder this spool owns (a spool nobody will read)."""
        self.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def spool_write(folder: str, pieces: list[tuple[K, bytes]]) -> list[tuple[K, Spooled]]:
    """`pieces` (key, bytes) appended to this process's spool file in `folder`: where each went."""
    path = f"{folder}/{os.getpid()}"  # one file per process, appended to chunk by chunk
    at = append_bytes(path, b"".join(data for _, data in pieces))
    placed = []
    for key, data in pieces:
        placed.append((key, (path, at, len(data))))
        at += len(data)
    return placed


Render = Callable[[Any, "str | None"], str]  # (article, its Markdown body when spooled at parse) -> the body's HTML


class BodiesAhead:
    """Bodies of `articles` rendered by `render` over a pool from the moment this is made;
    `spool()` waits and says where each went; `close()` (always) stops the pool and deletes the files.
    `markdown`: the articles' Markdown bodies as the parse stage spooled them (by source; any missing is
    read from its file), whose folder this takes over."""

    def __init__(self, render: Render, articles: Sequence[Any], jobs: int, markdown: Spool | None = None) -> None:
        self.folder = markdown.folder if markdown is not None and markdown.folder else spool_folder("bodies")
        self._spool: Spool | None = None
        self.pool: forked_pool | None = None
        self.futures: list[Future[list[tuple[str, Spooled]]]] = []
        try:
            self.pool = forked_pool(jobs, {"shared": (render, articles, self.folder, markdown)})
            self.futures = [self.pool.pool.submit(_body_chunk, chunk)
                            for chunk in chunks(range(len(articles)), jobs)]
            self.pool.started()
        except BaseException:  # a fork that failed half-way (a process limit): no worker, no folder left
            self.close(kill=True)
            raise

    @property
    def running(self) -> bool:
        """The pool still holds the other cores (until `spool()` has been called)."""
        return self._spool is None

    def spool(self) -> Spool:
        """Wait for the bodies; a chunk that failed is left out (its pages render their bodies)."""
        if self._spool is None:
            places: dict[str, Spooled] = {}
            for future in self.futures:
                try:
                    done: list[tuple[str, Spooled]] = self.pool.result(future) if self.pool else future.result()
                    places.update(done)
                except Exception:  # noqa: BLE001, S112 - an optimisation that did not happen, not an error
                    continue
            if self.pool is not None:
                self.pool.close()
            self._spool = Spool(places)
        return self._spool

    def close(self, kill: bool = False) -> None:
        if self.pool is not None:
            self.pool.close(kill=kill or self._spool is None)
        if self._spool is not None:
            self._spool.close()
        shutil.rmtree(self.folder, ignore_errors=True)


SPOOL_KINDS = ("bodies", "cards")


def spool_folder(kind: str) -> str:
    """A new folder in the system temp folder for this process's spool files of `kind` (one of
    SPOOL_KINDS), named for this process: a build killed before its cleanup leaves one that the next
    build removes (here, first)."""
    import tempfile

    _remove_stale_spools(tempfile.gettempdir())
    return tempfile.mkdtemp(prefix=f"newsgen-{kind}-{os.getpid()}-")


def _remove_stale_spools(temp: str) -> None:
    """Spool folders of builds that were killed (their process is gone)."""
    for folder in [p for kind in SPOOL_KINDS for p in Path(temp).glob(f"newsgen-{kind}-*-*")]:
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _body_chunk(indexes: list[int]) -> list[tuple[str, Spooled]]:
    from .executor import _WORKER

    render, articles, folder, markdown = _WORKER["shared"]
    done: list[tuple[str, bytes]] = []
    for i in indexes:
        article = articles[i]
        try:
            text = markdown.read(article.source) if markdown is not None else None
            done.append((article.source, render(article, text).encode("utf-8")))
        except Exception:  # noqa: BLE001, S112 - its page renders the body and reports the problem
            continue
    return spool_write(folder, done)
