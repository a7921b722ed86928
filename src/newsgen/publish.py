"""One build's writes into the output folder, from the first file staged to the state saved.

`Publication` is a context manager around that stretch: it takes the output's lock (one build at a
time per folder), removes what an interrupted build left, knows what newsgen wrote before (the
manifest), hands out the `Staging` the files go through, and on any exception before `publish()`
rolls everything back, so that a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from pathlib import Path

from .errors import BuildError, Diagnostic
from .fileio import is_empty
from .output import (
    MARKER,
    Manifest,
    Staging,
    clean_leftovers,
    journal,
    lists_exactly,
    prune,
    write_manifest,
)
from .output_guard import locked


class Publication:
    def __init__(self, root: Path, out: Path, last_outputs: AbstractSet[str] | None = None,
                 trusted: tuple[tuple[int, ...] | None, AbstractSet[str]] | None = None) -> None:
        self.root, self.out = root, out
        self._last_outputs = last_outputs  # what the build cache says the last build wrote (older outputs)
        self._trusted = trusted  # the manifest's identity as the last build left it, and what it listed then
        self._stack = contextlib.ExitStack()
        self._published = False
        self.staging = Staging(out)
        self.listed: AbstractSet[str] = frozenset()
        self._unfinished = False  # the manifest says a build killed while writing in place left it
        self._manifest = Manifest(None)
        self._expected: object = None  # the files given to expect() when they were exactly those listed before

    def __enter__(self) -> Publication:
        self._stack.enter_context(locked(self.root, self.out))  # (makes the folder when missing)
        try:
            self._manifest = Manifest.read(self.out, self._trusted)  # (read once)
            clean_leftovers(self.out, self._manifest)  # what an interrupted build left
            in_place = is_empty(self.out)  # nothing in it to keep intact or to compare with
            self._unfinished = self._manifest.unfinished
        except OSError as exc:
            self._stack.close()
            raise BuildError([Diagnostic(str(self.out), None, f"cannot prepare the output folder: {exc.strerror}",
                                         "check the path and its permissions")]) from None
        written = self._manifest.files
        if written is None:  # no output, or an older newsgen's: what its cache says it wrote
            marked = self._last_outputs is not None and (self.out / MARKER).exists()
            written = frozenset(self._last_outputs or ()) if marked and not in_place else frozenset()
        self.written_before = written
        self.staging = Staging(self.out, in_place)
        return self

    def expect(self, files: Iterable[str]) -> None:
        """Every file this build may write, listed in the manifest before the first is written. One that is
        in the output folder but not newsgen's (not in the manifest: a `CNAME` the user put there) stops the
        build: it would be replaced, then removed by the build after the one that stops making it."""
        if not self.staging.in_place and self._manifest.files is not None:  # (it says which files are newsgen's)
            files = files if isinstance(files, AbstractSet) else set(files)
            if files is not self.written_before and not self.written_before >= files:  # (usually no new file)
                _refuse_theirs(self.out, [rel for rel in files - self.written_before if not rel.endswith("/")],
                               self.written_before)
        try:
            self.listed = journal(self.out, self._manifest, self.written_before, files, in_place=self.staging.in_place)
        except OSError as exc:
            raise BuildError([Diagnostic(str(self.out), None,
                                         f"cannot write into the output folder: {exc.strerror}")]) from None
        if self.listed is self.written_before and isinstance(files, AbstractSet) and \
                (files is self.listed or len(files) == len(self.listed)):
            self._expected = files  # (the same files as listed: publish then has nothing to compare or prune)

    def publish(self, keep: AbstractSet[str],
                lock: AbstractContextManager[object] | None = None) -> tuple[int, list[str]]:
        """Move the staged files into place, remove what newsgen wrote before and no longer makes, and
        record what is there now. `lock` (newsgen serve) is held meanwhile. Returns (written, removed)."""
        with lock or contextlib.nullcontext():
            written = self.staging.commit()
            self._published = True
            if keep is self._expected and not self.staging.in_place and not self._unfinished:
                return written, []  # (a million files at a million articles: two passes over them spared)
            removed = prune(self.out, keep, self.listed)
            if not lists_exactly(self.listed, keep) or self.staging.in_place or self._unfinished:
                write_manifest(self.out, keep)
        return written, removed

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            if exc_type is not None and not self._published:
                self.staging.rollback()  # a build error, a worker killed, an interrupt: nothing stays
        finally:
            self._stack.close()


def _refuse_theirs(out: Path, new: Iterable[str], ours: AbstractSet[str]) -> None:
    """BuildError for each of `new` (files the manifest does not list) that is in the output folder, but
    one that is a listed file under another case or Unicode form (a file system that folds them: a
    static `Logo.png` renamed `logo.png`)."""
    theirs = [rel for rel in sorted(new) if os.path.lexists(os.path.join(out, rel))]
    if theirs:
        folded = {unicodedata.normalize("NFC", rel).casefold() for rel in ours}
        theirs = [rel for rel in theirs if unicodedata.normalize("NFC", rel).casefold() not in folded]
    if theirs:
        raise BuildError([Diagnostic(f"{out / rel}", None, "is not newsgen's (not in .newsgen-output), and this build "
                                     "would replace it", "to publish it with the site, move it into static/; else "
                                     "remove it") for rel in theirs])
