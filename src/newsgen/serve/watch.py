"""Watching the site with watchdog: content/, templates/ and static/ recursively, the site folder
itself (newsgen.yaml, and those folders appearing later) not. Every event becomes site-relative
paths; what matters is decided by `changes.classify`, so editor junk (swap files, `4913`, `~`
backups) never reaches the build loop. A move counts at both ends: an editor that saves by
writing `.x.md.tmp` and renaming it over `x.md` is a change of `x.md`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from .changes import WATCHED_FOLDERS, classify

log = logging.getLogger(__name__)
_IGNORED_TYPES = (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE)
_FOLDER_TYPES = (EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED)


def event_paths(event: FileSystemEvent, root: Path) -> list[str]:
    """The site-relative paths an event touches that the preview cares about."""
    if event.event_type in _IGNORED_TYPES:
        return []
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
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.handle(event)


class Watcher:
    """Calls `on_change(paths)` from watchdog's thread for every relevant event."""

    def __init__(self, root: Path, on_change: Callable[[list[str]], None],
                 observer: BaseObserver | None = None) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self._observer = observer or Observer()
        self._handler = _Handler(self)
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        for name in WATCHED_FOLDERS:
            self._watch_folder(name)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def handle(self, event: FileSystemEvent) -> None:
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
                self._watches[name] = self._observer.schedule(self._handler, str(folder), recursive=True)
            except OSError as exc:  # e.g. out of inotify watches: say so, keep serving
                log.warning("cannot watch %s: %s", folder, exc)
