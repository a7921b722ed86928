"""Writing the output: stage every changed file next to its target, then commit or roll back.

A page is first written to a temporary file in its own folder; only when the whole build has
succeeded are the temporary files moved into place with `os.replace` (atomic per file). A failed
build removes its temporary files and leaves the previous output as it was. Files whose bytes
did not change are never rewritten, and every path goes through `urls.safe_join`.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic
from .fileio import read_bytes, write_bytes
from .urls import made_folders, safe_join, safe_path

MARKER = ".newsgen-output"
_TMP_SUFFIX = ".newsgen-tmp"


def _tmp_for(target: str) -> str:
    """The temporary file a target is staged in: hidden, next to it, named for this process."""
    folder, name = os.path.split(target)
    return f"{folder}/.{name}.{os.getpid()}{_TMP_SUFFIX}"


def stage_bytes(out: Path, rel: str, data: bytes, fresh: bool = False) -> tuple[str, str] | None:
    """Write `data` for `rel` to a temporary file, unless the file already holds these bytes.
    Returns (temporary path, target path) to commit, or None when nothing changed.
    `fresh`: the output folder was empty when the build started, so there is nothing to compare
    with or to keep intact: the file is written under its own name (rollback deletes it).
    (Strings and os calls, not Path objects: a big site stages tens of thousands of pages.)"""
    target = safe_path(str(out), rel, check_folders=not fresh)
    folder = os.path.dirname(target)
    if fresh:
        # a first build's pages mostly go into folders not made yet (an article's own): make the
        # folder first instead of failing to open the file, once per folder and process
        if folder not in made_folders:
            _make_folder(folder)
            made_folders.add(folder)
        tmp = target
    else:
        try:
            if os.stat(target).st_size == len(data) and read_bytes(target) == data:
                return None
        except (FileNotFoundError, NotADirectoryError):
            pass
        tmp = _tmp_for(target)
    try:
        write_bytes(tmp, data)  # the folder is made only when missing
    except FileNotFoundError:
        _make_folder(folder)
        write_bytes(tmp, data)
    return tmp, target


def _make_folder(folder: str) -> None:
    try:
        os.mkdir(folder)  # noqa: PTH102 - the usual case: a new article's folder in an existing section
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)  # noqa: PTH103
    except FileExistsError:
        pass  # there already, or made by the other worker meanwhile


def stage_copy(out: Path, rel: str, source: Path) -> tuple[str, str] | None:
    """Copy `source` to `rel` (via a temporary file) unless the target has its size and mtime."""
    target = safe_join(out, rel)
    st = source.stat()
    try:
        tt = target.stat()
        if tt.st_size == st.st_size:
            if tt.st_mtime_ns == st.st_mtime_ns:
                return None
            if filecmp.cmp(source, target, shallow=False):  # same bytes, new mtime (a fresh checkout)
                os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
                return None
    except (FileNotFoundError, NotADirectoryError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_for(str(target))
    shutil.copy2(source, tmp)
    return tmp, str(target)


@dataclass
class Staging:
    out: Path
    pending: list[tuple[str, str]] = field(default_factory=list)

    def add(self, staged: tuple[str, str] | None) -> None:
        if staged is not None:
            self.pending.append(staged)

    def commit(self) -> int:
        for tmp, target in self.pending:
            if tmp != target:  # (written in place into a folder that was empty)
                os.replace(tmp, target)
        count = len(self.pending)
        self.pending.clear()
        return count

    def rollback(self) -> None:
        for tmp, _ in self.pending:
            Path(tmp).unlink(missing_ok=True)
            _remove_empty_parents(Path(tmp).parent, self.out)
        self.pending.clear()


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def prune(out: Path, keep: set[str], keep_folders: tuple[str, ...] = (),
          previous: frozenset[str] | None = None) -> list[str]:
    """Remove every file in the output that this build did not produce (deleted articles, renamed
    pages, leftovers of interrupted builds), then the folders left empty. `keep_folders` belong to
    tools that run after the build (the search index). With `previous` (what the last build left),
    only the files that dropped out are removed, without walking the whole output."""
    if previous is not None:
        gone = sorted(p for p in previous - keep if p.split("/", 1)[0] not in keep_folders)
        for rel in gone:
            target = safe_join(out, rel)
            target.unlink(missing_ok=True)
            _remove_empty_parents(target.parent, out)
        return gone
    removed: list[str] = []
    top = str(out)
    for dirpath, _dirnames, filenames in os.walk(top, topdown=False):
        rel_dir = dirpath[len(top) + 1 :]  # os.walk's paths start with `top` (no relpath per folder)
        if rel_dir.split("/")[0] in keep_folders:
            continue
        for name in filenames:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if rel not in keep and rel != MARKER:
                os.unlink(os.path.join(dirpath, name))
                removed.append(rel)
        if rel_dir:
            try:
                os.rmdir(dirpath)
            except OSError:
                pass
    return removed


def check_output_folder(out: Path, root: Path) -> list[Diagnostic]:
    """Refuse an output folder that would destroy the site or someone else's files."""
    resolved, site = out.resolve(), root.resolve()
    shown = str(out)
    if resolved == site or resolved in site.parents or resolved == Path.home().resolve():
        return [Diagnostic(shown, None, "the output folder cannot be the site folder or one of its parents",
                           "use --out public")]
    for special in ("content", "templates", "static"):
        own = (site / special).resolve()
        if resolved == own or own in resolved.parents:
            return [Diagnostic(shown, None, f"the output folder cannot be inside {special}/",
                               "use --out public")]
    if resolved.exists() and not resolved.is_dir():
        return [Diagnostic(shown, None, "the output path is a file, not a folder")]
    if resolved.is_dir() and not (resolved / MARKER).exists() and any(resolved.iterdir()):
        return [Diagnostic(shown, None, "the output folder is not empty and was not made by newsgen",
                           "choose an empty folder, or empty this one: newsgen replaces what is in it")]
    return []


def is_empty(folder: Path) -> bool:
    """True when `folder` is missing or holds nothing."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except (FileNotFoundError, NotADirectoryError):
        return True


def mark(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("This folder is written by newsgen build; files in it are replaced.\n",
                          encoding="utf-8")
