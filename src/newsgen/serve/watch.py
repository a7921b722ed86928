"""Watching the site with watchdog: content/, templates/ and static/ recursively, the site folder
itself (newsgen.yaml, and those folders appearing later) not. Every event becomes site-relative
paths; what matters is decided by `changes.classify`, so editor junk (swap files, `4913`, `~`
backups) never reaches the build loop. A move counts at both ends: an editor that saves by
writing `.x.md.tmp` and renaming it over `x.md` is a change of `x.md`.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_ATTRIB,
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from ..config import CONFIG_NAME
from ..content.discover import is_junk
from .changes import WATCHED_FOLDERS, classify

log = logging.getLogger(__name__)
_IGNORED_TYPES = (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE)
_NOISE_TYPES = (EVENT_TYPE_MODIFIED, EVENT_TYPE_CLOSED, EVENT_TYPE_ATTRIB)
_FOLDER_TYPES = (EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED)


def event_paths(event: FileSystemEvent, root: Path) -> list[str]:
    """The site-relative paths an event touches that the preview cares about."""
    if event.event_type in _IGNORED_TYPES or (event.is_directory and event.event_type in _NOISE_TYPES):
        return []  # a folder "modified" when an entry changes: the entry's own event says which
    found: list[str] = []
    for raw in (event.src_path, getattr(event, "dest_path", "")):
        if not raw:
            continue
        path = os.fsdecode(raw)
        try:
            rel = Path(path).relative_to(root).as_posix()
        except ValueError:
            continue
        if classify(rel) is not None and rel not in found:
            found.append(rel)
    return found


class _Handler(FileSystemEventHandler):
    """The events of one watch (`folder`: the path watched): `Watcher.sync` tells its own from another's."""

    def __init__(self, watcher: Watcher, folder: str) -> None:
        self.watcher, self.folder = watcher, folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.handle(event, self.folder)


class Watcher:
    """Calls `on_change(paths)` from watchdog's thread for every relevant event."""

    def __init__(self, root: Path, on_change: Callable[[list[str]], None],
                 observer: BaseObserver | None = None) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self._observer = observer or Observer()
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()
        self.complete = True  # False once a folder could not be watched: a change may go unreported
        self._waiting: set[str] = set()  # watched folders whose own attribute event `sync` waits for
        self._synced = threading.Event()

    def start(self) -> None:
        try:  # (watchdog adds its inotify watches here: out of them, the periodic walk still finds changes)
            self._observer.schedule(_Handler(self, str(self.root)), str(self.root), recursive=False)
            for name in WATCHED_FOLDERS:
                self._watch_folder(name)
            self._observer.start()
        except OSError as exc:
            log.warning("cannot watch %s: %s (saved files are found by a walk of the site every 30 s; on Linux, "
                        "raise fs.inotify.max_user_watches)", self.root, exc.strerror or exc)
            self._observer.unschedule_all()
            self.complete = False

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.ident is not None:  # (started: a Ctrl-C may come while watchdog starts it)
            self._observer.join(timeout=5)

    def sync(self, timeout: float = 5.0) -> bool:
        """True once every change made to the watched files before this call has been handed to `on_change`
        (watchman's cookies, without a file): each watched folder's mode is set to what it is, which changes
        only its ctime (no stamp of a build), and the watch's event of that comes after every earlier one of
        that watch (inotify keeps each watch's events in order, and watchdog hands them over in that order).
        False when it cannot be told: a folder that is a symlink (its events name it otherwise) or whose mode
        cannot be set (not the user's), or no event within `timeout` seconds (the watcher is then taken to be
        incomplete: a late event would answer the next sync too early)."""
        with self._lock:
            folders = [str(self.root), *(str(self.root / name) for name in self._watches)]
            self._waiting = set(folders)
            self._synced.clear()
        try:
            for folder in folders:
                st = os.lstat(folder)
                if stat.S_ISLNK(st.st_mode):
                    return False
                os.chmod(folder, stat.S_IMODE(st.st_mode))  # noqa: PTH101 - (a path string, as watchdog's)
            if self._synced.wait(timeout):
                return True
            self.complete = False
            return False
        except OSError:
            return False
        finally:
            with self._lock:
                self._waiting = set()

    def handle(self, event: FileSystemEvent, folder: str = "") -> None:
        if self._waiting and event.event_type == EVENT_TYPE_ATTRIB and os.fsdecode(event.src_path) == folder:
            with self._lock:  # (`sync`'s: the folder's own event, from its own watch)
                self._waiting.discard(folder)
                if not self._waiting:
                    self._synced.set()
        paths = event_paths(event, self.root)
        if not paths:
            return
        if event.event_type in _FOLDER_TYPES:
            for rel in paths:  # content/, templates/ or static/ created, deleted or moved at the top
                if rel in WATCHED_FOLDERS:
                    self._watch_folder(rel)
        self.on_change(paths)

    def _watch_folder(self, name: str) -> None:
        folder = self.root / name
        with self._lock:
            old = self._watches.pop(name, None)
            if old is not None:
                try:
                    self._observer.unschedule(old)
                except (KeyError, OSError):  # already gone with its folder
                    pass
            if not folder.is_dir():
                return
            try:
                self._watches[name] = self._observer.schedule(_Handler(self, str(folder)), str(folder), recursive=True)
            except OSError as exc:  # e.g. out of inotify watches: say so, keep serving
                log.warning("cannot watch %s: %s", folder, exc)
                self.complete = False


def modified_since(root: Path, since_ns: int) -> list[str]:
    """Watched paths (files and folders) whose mtime is `since_ns` or later: what changed while
    the first build ran, before the watcher was started."""
    found: list[str] = []
    config = root / CONFIG_NAME
    try:
        if config.stat().st_mtime_ns >= since_ns:
            found.append(CONFIG_NAME)
    except OSError:
        pass
    for name in WATCHED_FOLDERS:
        for dirpath, dirnames, filenames in os.walk(root / name):
            dirnames[:] = [d for d in dirnames if not is_junk(d)]
            folder = Path(dirpath)
            for entry in (folder, *(folder / f for f in filenames)):
                rel = entry.relative_to(root).as_posix()
                if classify(rel) is None:
                    continue
                try:
                    if entry.stat().st_mtime_ns >= since_ns:
                        found.append(rel)
                except OSError:
                    continue
    return found
