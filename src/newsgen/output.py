"""Writing the output: stage every changed file, then commit or roll back; remove only what newsgen wrote.

A page is first written to a temporary file in the output's staging folder (`.newsgen-staging/`, on the
same file system); only when the whole build has succeeded are the temporary files moved into place with
`os.replace` (atomic per file). A failed build removes its temporary files and leaves the previous output
as it was; a build that was killed leaves them in the staging folder, which the next build removes first.
Into an output folder that was empty, pages are written under their own names (nothing to keep intact:
~13k files at 10k articles); a failed build then empties it again. Unchanged files are never rewritten.

newsgen deletes only files it wrote. The output's manifest (`.newsgen-output`) lists them; it is
extended with every file a build is about to write *before* the build writes it, so even a build
killed half-way leaves nothing of its own unlisted. Anything else in the folder (a gh-pages worktree's
`.git/`, `CNAME`, `.nojekyll`, a file you keep there) is never touched.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import itertools
import os
import shutil
import stat
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, Diagnostic
from .fileio import CLOEXEC, MANIFEST, identity, read_bytes, read_regular, write_all, write_bytes
from .urls import UnsafePath, check_folders, safe_join, safe_path

MARKER = MANIFEST  # the manifest: what newsgen wrote here
STAGING = ".newsgen-staging"  # temporary files of the build in progress
_MANIFEST_HEADER = ("This folder is written by newsgen build. newsgen replaces and removes only the files "
                    "listed below (files it wrote); anything else here is left alone.\nnewsgen-manifest 1\n")
_UNFINISHED = "(a build is writing files under their own names)\n"
_TMP_SUFFIX = ".newsgen-tmp"  # temporary files of newsgen before the staging folder (cleaned once)
Staged = tuple[str, str]  # (temporary file, or "" when written in place; the file's path in the output folder)
_FOLDERS_KEPT = 8192  # folders a process remembers having made or checked (Staging._folders)


class WriteFailed(BuildError):
    """A file could not be staged (or put in place); `diagnostic` says why in one line (the same line for every
    file that failed for the same reason: a full disk is reported once). A BuildError: raised outside the page
    renderer (a copy, publishing), it ends the build like any user-facing problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__([diagnostic])
        self.diagnostic = diagnostic


def _failed(out: str, rel: str, exc: Exception) -> WriteFailed:
    if isinstance(exc, UnsafePath):
        return WriteFailed(Diagnostic(rel, None, "cannot write this file into the output folder",
                                      "a folder on its way is a link that leads out of the output folder"))
    cause = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    code = f" (errno {exc.errno})" if isinstance(exc, OSError) and exc.errno else ""
    hint = {errno.ENOSPC: "free some space and build again", errno.EDQUOT: "free some space and build again",
            errno.EACCES: "check the output folder's permissions", errno.EROFS: "the output folder is read-only",
            }.get(getattr(exc, "errno", None) or 0, "nothing was published; fix it and build again")
    return WriteFailed(Diagnostic(out, None, f"cannot write into the output folder: {cause}{code}", hint))


class Staging:
    """This build's files on their way into `out`. Made once per build and inherited by the worker
    processes, each of which keeps its own memo of the folders it has made or checked."""

    def __init__(self, out: Path, in_place: bool = False) -> None:
        self.out = out
        self.in_place = in_place  # `out` was empty: pages are written under their own names
        self.pending: list[Staged] = []
        self._folders: set[str] = set()  # output folders this process made or checked (the last few thousand)
        self._serial = itertools.count()

    def _tmp(self) -> str:
        return f"{self.out}/{STAGING}/{os.getpid()}.{next(self._serial)}"

    def write(self, rel: str, data: bytes) -> Staged | None:
        """Stage `data` for `rel`, unless the file already holds these bytes. Returns what to commit, or
        None. (Strings and os calls, not Path objects: a big site stages tens of thousands of pages.)"""
        out = str(self.out)
        tmp = written = ""
        try:
            target = safe_path(out, rel)
            folder = os.path.dirname(target)
            if self.in_place:  # (a first build's pages mostly go into folders not made yet: an article's own)
                if folder not in self._folders:  # made first, not after failing to open the file
                    _make_folder(folder)
                    self._folders.add(folder)
            else:
                check_folders(out, os.path.dirname(os.path.normpath(rel)), rel, self._folders)
                try:
                    if os.stat(target).st_size == len(data) and read_bytes(target) == data:
                        return None
                except (FileNotFoundError, NotADirectoryError):
                    pass
                tmp = self._tmp()
            if len(self._folders) > _FOLDERS_KEPT:  # (a first build makes a folder per article: not kept
                self._folders.clear()  # for a million; one made or checked again is one more syscall)
            written = tmp or target
            try:
                write_bytes(written, data)
            except FileNotFoundError:
                _make_folder(os.path.dirname(written))
                write_bytes(written, data)
        except (UnsafePath, OSError) as exc:
            if written:
                with contextlib.suppress(OSError):
                    os.unlink(written)  # no empty or cut-short file left behind
            raise _failed(out, rel, exc) from None
        return tmp, rel if (name := target[len(out) + 1 :]) == rel else name  # (the caller's string: one a page)

    def copy(self, rel: str, source: Path) -> Staged | None:
        """Copy `source` to `rel` (via a temporary file) unless the target has its size and mtime."""
        tmp = ""
        try:
            target = safe_join(self.out, rel)
            st = source.stat()
            if not stat.S_ISREG(st.st_mode):
                raise WriteFailed(Diagnostic(str(source), None, "is not a regular file (a pipe, a device...)",
                                             "remove it: only files are published"))
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
            tmp = self._tmp()
            try:
                shutil.copy2(source, tmp)
            except FileNotFoundError:
                if not source.exists():
                    raise
                _make_folder(os.path.dirname(tmp))
                shutil.copy2(source, tmp)
        except (UnsafePath, OSError) as exc:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise _failed(str(self.out), rel, exc) from None
        return tmp, str(target)[len(str(self.out)) + 1 :]

    def add(self, staged: Staged | None) -> None:
        if staged is not None:
            self.pending.append(staged)

    def commit(self) -> int:
        out = str(self.out)
        for tmp, rel in self.pending:
            if not tmp:
                continue  # written in place into a folder that was empty
            target = f"{out}/{rel}"
            try:  # (an OSError: a folder where the page goes, made by hand: one line, not a traceback)
                try:
                    os.replace(tmp, target)
                except FileNotFoundError:  # the target's folder is new
                    os.makedirs(os.path.dirname(target), exist_ok=True)  # noqa: PTH103
                    os.replace(tmp, target)
            except OSError as exc:
                raise WriteFailed(Diagnostic(target, None, f"cannot put the new file in place: {exc.strerror}",
                                             "the files before it are in place: make room, build again")) from None
        count, self.pending = len(self.pending), []
        _remove_staging(self.out)
        return count

    def rollback(self) -> None:
        """Undo everything staged: the temporary files; in a folder that was empty, everything in it."""
        self.pending.clear()
        if self.in_place:
            _empty(self.out)
        else:
            _remove_staging(self.out)


def _make_folder(folder: str) -> None:
    try:
        os.mkdir(folder)  # noqa: PTH102 - the usual case: a new article's folder in an existing section
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)  # noqa: PTH103
    except FileExistsError:
        pass  # there already, or made by the other worker meanwhile


def _remove_staging(out: Path) -> None:
    folder = out / STAGING
    if folder.is_symlink():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder, ignore_errors=True)


def _empty(folder: Path) -> None:
    """Remove everything in `folder` (a build that started with it empty, and failed)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


# ---------------------------------------------------------------------------- the manifest


def read_manifest(out: Path) -> AbstractSet[str] | None:
    """The files newsgen wrote into `out`, or None when it has no manifest (an older newsgen's marker)."""
    return Manifest.read(out).files


@dataclass(frozen=True)
class Manifest:
    """The manifest as a build found it (read once): the files it lists (None: no manifest, or an older
    newsgen's marker), whether a build writing in place left it unfinished, and whether lines can be
    appended to it (a finished manifest that ends with a whole line)."""

    files: AbstractSet[str] | None
    unfinished: bool = False
    appendable: bool = False
    size: int = -1  # bytes, as read

    @staticmethod
    def read(out: Path, trusted: tuple[tuple[int, ...] | None, AbstractSet[str]] | None = None) -> Manifest:
        """The manifest of `out`; the one read last is kept while its file is the same (inode, size,
        times) and newsgen has not written it (newsgen serve: ~50 ms of a body edit's ~250 at 100k).
        `trusted`: the identity the last build left it with, and the files it then listed (not read while
        it has that identity: ~0.7 s at a million articles)."""
        path = out / MARKER
        seen = identity(path)
        if trusted is not None and seen is not None and seen == trusted[0]:
            return Manifest(trusted[1], appendable=True, size=seen[3])  # (identity: dev, ino, nlink, size, ...)
        last = _LAST_READ.get(str(path))
        if seen is not None and last is not None and last[0] == seen:
            return last[1]
        found = Manifest._read(path)
        _LAST_READ.clear()
        if seen is not None and identity(path) == seen:  # (not changed while it was read)
            _LAST_READ[str(path)] = (seen, found)
        return found

    @staticmethod
    def _read(path: Path) -> Manifest:
        raw = read_regular(path)
        try:
            text = raw.decode("utf-8") if raw is not None else ""
        except UnicodeDecodeError:
            return Manifest(None)
        if not text.startswith(_MANIFEST_HEADER):
            return Manifest(None)
        lines = text[len(_MANIFEST_HEADER):].split("\n")
        del lines[-1]  # "" after the last newline; or a line cut short (a build killed while appending it)
        unfinished = text.startswith(_MANIFEST_HEADER + _UNFINISHED)
        return Manifest(frozenset(line for line in lines if line and line != _UNFINISHED[:-1]), unfinished,
                        appendable=not unfinished and text.endswith("\n"), size=len(raw or b""))


_LAST_READ: dict[str, tuple[tuple[int, ...], Manifest]] = {}  # path -> (identity, Manifest): the one read last


def unfinished(out: Path) -> bool:
    """True when a build that wrote pages in place (into an empty folder) did not finish: a page in the
    output may then be cut short, so the next build compares every page instead of trusting its cache."""
    mark = (_MANIFEST_HEADER + _UNFINISHED).encode()
    raw = read_regular(out / MARKER, limit=len(mark))  # (its first line and the next: not the whole list)
    return raw is not None and raw.startswith(mark)


def write_manifest(out: Path, files: Iterable[str], finished: bool = True) -> None:
    """Replace the manifest (atomically: a temporary file in the staging folder, then os.replace), written
    a slice of names at a time (1M articles: no text of every name in memory, ~0.4 GB at the build's end)."""
    names = sorted(files if isinstance(files, (set, frozenset)) else set(files))
    _LAST_READ.clear()
    tmp = out / STAGING / f"manifest.{os.getpid()}"
    made = False
    try:
        f = open(tmp, "w", encoding="utf-8")  # noqa: SIM115 - closed by the with below, whichever open it was
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        made = True
        f = open(tmp, "w", encoding="utf-8")  # noqa: SIM115
    with f:
        f.write(_MANIFEST_HEADER + ("" if finished else _UNFINISHED))
        for k in range(0, len(names), 8192):
            f.write("".join([f"{rel}\n" for rel in names[k : k + 8192] if rel != MARKER]))
    os.replace(tmp, out / MARKER)
    if made:  # the staging folder was made for this file alone: not left in the output
        with contextlib.suppress(OSError):
            tmp.parent.rmdir()


def journal(out: Path, before: Manifest, written_before: AbstractSet[str], to_write: Iterable[str],
            in_place: bool) -> AbstractSet[str]:
    """Before a build writes anything: list in the manifest every file it may write (so that files of a
    build killed half-way are still known as newsgen's). `in_place`: pages are written under their own
    names (an empty output folder), marked unfinished until `write_manifest` at the end. Returns the list.
    New files are appended to a manifest that lists `written_before` (a new article: a few lines); a line
    counts once its newline is written (a build killed while appending lists no name cut short)."""
    to_write = to_write if isinstance(to_write, AbstractSet) else set(to_write)
    listed = written_before if to_write is written_before or written_before >= to_write else (
        written_before | to_write if written_before else to_write)  # (no copy: those listed, or those given)
    if listed is not written_before:
        _LAST_READ.clear()  # (appended to or written again below)
    if in_place or not (out / MARKER).exists():
        write_manifest(out, listed, finished=not in_place)
    elif listed is not written_before and not (before.appendable and before.files == written_before and _append(
            out / MARKER, before.size, "".join(f"{rel}\n" for rel in sorted(listed - written_before - {MARKER})))):
        write_manifest(out, listed)
    return listed


def _append(path: Path, size: int, text: str) -> bool:
    """Append `text` to the manifest when it is still the file that was read: a regular file of `size`
    bytes, not a symlink and not hard-linked elsewhere (a snapshot made with `cp -al` must not list this
    folder's files). False when it is not, or the write failed (then it is written again, whole)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | CLOEXEC)
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_size != size:
            return False
        write_all(fd, text.encode())
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def clean_leftovers(out: Path, manifest: Manifest | None = None) -> None:
    """Remove what an interrupted build left: the staging folder, and (once, in an output written by an
    older newsgen, which kept its temporary files next to their targets) every `*.newsgen-tmp` file.
    `manifest`: the output's, when already read."""
    _remove_staging(out)
    if not out.is_dir() or (manifest or Manifest.read(out)).files is not None:
        return
    for dirpath, _dirnames, filenames in os.walk(out):
        for name in filenames:
            if name.endswith(_TMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))


OWNED_FOLDERS = ("pagefind/",)  # folders newsgen owns whole (the search index, written by Pagefind)


def lists_exactly(listed: AbstractSet[str], keep: AbstractSet[str]) -> bool:
    """Whether the manifest's `listed` files are `keep` (less the manifest itself), without a copy of either."""
    return MARKER not in listed and len(listed) == len(keep) - (MARKER in keep) and listed <= keep


def prune(out: Path, keep: AbstractSet[str], written_before: AbstractSet[str]) -> list[str]:
    """Remove the files newsgen wrote before (`written_before`, the manifest) that this build did not
    produce (deleted articles, renamed pages), then the folders left empty. Files newsgen did not write
    are never removed; nor is anything the manifest could not have listed (a hidden name such as .git,
    a path out of the folder, a folder that is not one newsgen owns), whatever the manifest says."""
    gone: list[str] = []
    if written_before <= keep:  # (every file the manifest lists is kept: nothing to remove, and no copy made)
        return gone
    for rel in sorted(written_before - keep - {MARKER}):
        if any(part.startswith(".") or part == ".." for part in rel.split("/")) or \
                (rel.endswith("/") and rel not in OWNED_FOLDERS):
            continue
        try:
            target = safe_join(out, rel.rstrip("/"))
            if rel.endswith("/"):
                if not target.is_symlink():
                    shutil.rmtree(target, ignore_errors=True)
            elif target.is_file() or target.is_symlink():
                target.unlink()
            else:
                continue  # not a file (any more): nothing of ours to remove there
        except (UnsafePath, OSError):
            continue
        _remove_empty_parents(target.parent, out)
        gone.append(rel)
    return gone
