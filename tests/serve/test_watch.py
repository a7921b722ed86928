"""watch.py with real watchdog on a temporary site: what reaches the build loop."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.serve.watch import Watcher, modified_since


class Seen:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self._cond = threading.Condition()

    def __call__(self, paths: list[str]) -> None:
        with self._cond:
            self.paths.extend(paths)
            self._cond.notify_all()

    def wait_for(self, rel: str, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while rel not in self.paths:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def settle(self, seconds: float = 0.3) -> list[str]:
        time.sleep(seconds)
        with self._cond:
            return list(self.paths)

    def clear(self) -> None:
        with self._cond:
            self.paths.clear()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "politics").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "newsgen.yaml").write_text("title: T\n")
    (root / "content" / "politics" / "a.md").write_text("a\n")
    return root


@pytest.fixture
def watched(site: Path) -> Iterator[Seen]:
    seen = Seen()
    watcher = Watcher(site, seen)
    watcher.start()
    time.sleep(0.1)
    yield seen
    watcher.stop()


def test_plain_write(site: Path, watched: Seen) -> None:
    (site / "content" / "politics" / "a.md").write_text("changed\n")
    assert watched.wait_for("content/politics/a.md")
    assert "content/politics" not in watched.settle()  # the folder's own "modified" is noise


def test_editor_junk_never_arrives(site: Path, watched: Seen) -> None:
    folder = site / "content" / "politics"
    for name in (".a.md.swp", "4913", "a.md~", "#a.md#", ".#a.md"):
        (folder / name).write_text("junk")
        (folder / name).unlink()
    (site / "public").mkdir()
    (site / "public" / "index.html").write_text("x")
    (site / ".newsgen-cache").mkdir()
    (site / ".newsgen-cache" / "build.pickle").write_text("x")
    (site / "README.md").write_text("x")
    assert watched.settle(0.5) == []


def test_atomic_save_by_rename_counts_as_the_real_file(site: Path, watched: Seen) -> None:
    folder = site / "content" / "politics"
    tmp = folder / ".a.md.tmp"
    tmp.write_text("new text\n")
    os.replace(tmp, folder / "a.md")
    assert watched.wait_for("content/politics/a.md")
    assert all(".tmp" not in p for p in watched.settle())


def test_rename_reports_both_names(site: Path, watched: Seen) -> None:
    folder = site / "content" / "politics"
    os.rename(folder / "a.md", folder / "b.md")
    assert watched.wait_for("content/politics/a.md")
    assert watched.wait_for("content/politics/b.md")


def test_config_and_static(site: Path, watched: Seen) -> None:
    (site / "newsgen.yaml").write_text("title: U\n")
    assert watched.wait_for("newsgen.yaml")
    (site / "static" / "site.css").write_text("body{}")
    assert watched.wait_for("static/site.css")


def test_templates_folder_created_later_is_watched(site: Path, watched: Seen) -> None:
    (site / "templates").mkdir()
    assert watched.wait_for("templates")
    time.sleep(0.2)
    (site / "templates" / "article.html").write_text("{% extends 'theme/article.html' %}")
    assert watched.wait_for("templates/article.html")


# watchdog may warn that it adds content/world twice (its scan of the new folder and the folder's
# own creation event race); harmless
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
def test_content_folder_replaced_is_watched_again(site: Path, watched: Seen) -> None:
    os.rename(site / "content", site / "content-old")
    assert watched.wait_for("content")
    (site / "content" / "world").mkdir(parents=True)
    time.sleep(0.2)
    watched.clear()
    (site / "content" / "world" / "w.md").write_text("w\n")
    assert watched.wait_for("content/world/w.md")
    (site / "content-old" / "politics" / "a.md").write_text("gone\n")
    assert all(not p.startswith("content/politics") for p in watched.settle())


def test_modified_since(site: Path) -> None:
    before = time.time_ns()
    time.sleep(0.01)
    (site / "content" / "politics" / "new.md").write_text("n\n")
    (site / "content" / "politics" / ".new.md.swp").write_text("n\n")
    found = modified_since(site, before)
    assert "content/politics/new.md" in found
    assert all(".swp" not in p for p in found)
    assert "content/politics/a.md" not in found


def test_a_watcher_stopped_before_it_started_and_one_out_of_inotify_watches(tmp_path: Path,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    """Ctrl-C while watchdog starts its observer (it adds the inotify watches there): stop() joined a thread
    never started (RuntimeError, a traceback, the preview's folder left behind). Out of inotify watches, the
    observer's start raised OSError and ended the preview: a warning now, and the walk finds changes."""
    import errno

    from watchdog.observers import Observer

    Watcher(tmp_path, lambda paths: None).stop()  # (never started)

    class Full(Observer):  # type: ignore[misc,valid-type]
        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    (tmp_path / "content").mkdir()
    watcher = Watcher(tmp_path, lambda paths: None, observer=Full())
    with caplog.at_level("WARNING"):
        watcher.start()
    assert any("cannot watch" in r.getMessage() and "inotify watch limit reached" in r.getMessage()
               for r in caplog.records)
    watcher.stop()


def test_sync_returns_once_every_earlier_save_was_handed_over(site: Path) -> None:
    """Watcher.sync (a plain `newsgen build` asking `newsgen build --watch`): whatever was saved before it is
    reported by the time it returns, in every watched folder, with no sleep between the save and the sync;
    and the folders' stamps (mtime, size) are as they were."""
    (site / "static" / "site.css").write_text("body {}\n")
    seen = Seen()
    watcher = Watcher(site, seen)
    watcher.start()
    try:
        stamps = [(site / name).stat() for name in ("", "content", "static")]
        for n in range(20):
            rel = ["content/politics/a.md", "static/site.css", "newsgen.yaml"][n % 3]
            (site / rel).write_text(f"version {n}\n")
            assert watcher.sync()
            with seen._cond:
                assert rel in seen.paths, n
            seen.clear()
        for before, name in zip(stamps, ("", "content", "static"), strict=True):
            after = (site / name).stat()
            assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    finally:
        watcher.stop()


def test_sync_of_a_watcher_that_sees_nothing_says_so(site: Path) -> None:
    watcher = Watcher(site, lambda paths: None)  # (never started: no event comes)
    assert watcher.sync(timeout=0.2) is False
