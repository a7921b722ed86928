"""A build that saves its state, saved before its pages are rendered: the build cache written to a
temporary file then (a first build: while the bodies rendered ahead keep the pool busy), moved into
place by `done` once the output is published (removed by `cancel` if the build fails). What it holds
then leaves this process (`cache.release`: the parsed entries, the page fingerprints, the related
lists' memo and the packed site model are on disk), and the card and page workers forked afterwards
start that much smaller (a first build of 100,000 articles: ~405 MB instead of ~430;
docs/performance.md, "Where the memory goes")."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from . import cache
from .state import State


class SavedAhead:
    def __init__(self, root: Path, out: Path, state: State, fingerprints: Mapping[str, Any], keep: AbstractSet[str],
                 changed: bool) -> None:
        """`cache.remember`'s work up to the file moved into place (`changed`: what the plan changed in the
        state); then the state released, and `fingerprints` (the plan's: nothing reads them after the
        pages are rendered) emptied."""
        self.root, self.out = root, out
        self.encoded = cache.encode(root, out, state, release=True) if cache.settle(
            state, fingerprints, keep, changed) else None  # (None: the cache file as it is fits this build)
        cache.release(state)
        if isinstance(fingerprints, dict):
            fingerprints.clear()

    def done(self) -> str | None:
        """The build succeeded: the cache moved into place. Returns a warning when it could not be."""
        return cache.save(self.root, self.out, self.encoded) if self.encoded is not None else None

    def cancel(self) -> None:
        """The build failed: the file written ahead removed."""
        if self.encoded is not None:
            cache.discard(self.encoded)
