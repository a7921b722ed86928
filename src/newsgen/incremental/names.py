"""The output's files as the build cache holds them (`State.outputs`), made a set only when a build uses
them as one.

At a million articles that is 1.28 million names: decoded, hashed into a frozenset, copied without the
manifest and compared with the last build's list, ~0.55 s of an edit of one body, which asks none of
that: it keeps every file, lists the same ones and saves the same set. `Names` answers what such a build
asks without making the set: its size (the cache's head gives the full file's count), whether the manifest
is among the names (the full file writes it first), whether the output less its manifest is within the
names it was taken from (`output.lists_exactly`, as `cache.settle` asks), the names a delta added and
removed (against the same full file: `delta`), and the same object back when nothing changed. Anything else
(iterating, a look-up, a set operation) makes the set once, and every answer after it comes from the set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from ..fileio import MANIFEST
from .keyed import Load


class Names(AbstractSet[str]):
    """A full cache file's names (`loads`: its parts, `count` of them, the manifest first when among
    them), or another `Names` (`base`) with names `added` (none of them in it) and `removed` (all in it):
    a delta's, or the output without its manifest (`without`)."""

    __slots__ = ("_count", "_first", "_loads", "_made", "added", "base", "removed")

    def __init__(self, loads: Sequence[Load] = (), count: int = 0, base: Names | None = None,
                 added: AbstractSet[str] = frozenset(), removed: AbstractSet[str] = frozenset()) -> None:
        self._loads: list[Load] = list(loads)
        self._count, self.base, self.added, self.removed = count, base, frozenset(added), frozenset(removed)
        self._made: frozenset[str] | None = None
        self._first: Any = None  # (the first part, once decoded to look at its first name)

    def _part(self, i: int) -> Any:
        if i == 0 and self._first is not None:
            return self._first
        part = self._loads[i]()
        if i == 0:
            self._first = part
        return part

    def made(self) -> frozenset[str]:
        """The names as a set (made once; a part that is not a list of names is damage: a ValueError)."""
        if self._made is None:
            if self.base is not None:
                made = (self.base.made() - self.removed) | self.added
            else:
                parts = [self._part(i) for i in range(len(self._loads))]
                if not all(isinstance(part, list) for part in parts):
                    raise ValueError("not a build state part")
                made = frozenset(itertools.chain.from_iterable(parts))
                if len(made) != self._count:
                    raise ValueError("not a build state")
            self._made, self._loads, self._first = made, [], None
        return self._made

    whole = made  # (`keyed.read_whole`: the whole way makes it first, and finds damage in it then)

    def marked(self) -> bool:
        """Whether the manifest is among the names, without making the set."""
        if self._made is not None:
            return MANIFEST in self._made
        if self.base is not None:
            return MANIFEST in self.added or (MANIFEST not in self.removed and self.base.marked())
        if not self._loads:
            return False
        first = self._part(0)  # (one part decoded, its first name looked at)
        return isinstance(first, list) and bool(first) and first[0] == MANIFEST

    def __contains__(self, name: object) -> bool:
        return self.marked() if name == MANIFEST else name in self.made()

    def __len__(self) -> int:
        if self._made is not None:
            return len(self._made)
        if self.base is not None:
            return len(self.base) + len(self.added) - len(self.removed)
        return self._count

    def __iter__(self) -> Iterator[str]:
        return iter(self.made())

    def __le__(self, other: AbstractSet[Any]) -> bool:  # (its base less some names: within it, not made to say so)
        if self._made is None and self.base is other and not self.added:
            return True
        return super().__le__(other)

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> frozenset[Any]:  # (what set operations give: a frozenset)
        return frozenset(it)

    __hash__ = None  # type: ignore[assignment]


def first_the_manifest(names: AbstractSet[str]) -> Iterator[str]:
    """`names` as a full cache file writes them: the manifest first when it is one of them (`Names.marked`)."""
    if MANIFEST in names:
        yield MANIFEST
        yield from (name for name in names if name != MANIFEST)
    else:
        yield from names


def without(names: AbstractSet[str], name: str) -> AbstractSet[str]:
    """`names` less `name` (the manifest: a `Names` not made when `names` is not; an edit of bodies keeps every
    file)."""
    if isinstance(names, Names) and names._made is None:
        return Names(base=names, removed=frozenset((name,)) if name in names else frozenset())
    return names - {name}


def changed(names: AbstractSet[str], added: Iterable[str], removed: Iterable[str]) -> AbstractSet[str]:
    """`names` with a delta's names added and removed (computed against the same full file: `delta`)."""
    if isinstance(names, Names):
        return Names(base=names, added=frozenset(added), removed=frozenset(removed))
    return (names - frozenset(removed)) | frozenset(added)


def delta(ours: AbstractSet[str] | None, read: AbstractSet[str] | None) -> tuple[list[str], list[str]]:
    """(the names `ours` has that the full file's `read` has not, those it has not), sorted: none when the
    same object; a delta's own when `ours` is the full file's with it (the names not made)."""
    if ours is None or read is None or ours is read:
        return [], []
    if isinstance(ours, Names) and ours.base is read and ours._made is None:
        return sorted(ours.added), sorted(ours.removed)
    if not read:
        return [], []
    return sorted(ours - read), sorted(read - ours)
