"""The build state's two big mappings read by key: a part of the cache file decoded when a key in it is
first asked for.

At a million articles a full cache file holds ~650 MB of parsed entries and ~140 MB of page
fingerprints (`marshal.loads` of them: ~2.9 s), and an edit of one article's body asks for ~30 entries
and ~5 fingerprints. So a full file stores each of the two in parts by a hash of the key (`part_of`:
a CRC-32 of the key's UTF-8, modulo the number of parts), and a key's part is known without reading
any other:

- `Parts`: the mapping as stored, each part decoded (its checksum checked: `cache.Damaged`, a
  ValueError) when a key in it is first asked for, or when it is iterated;
- `Overlay`: a delta file's changes (or a build's) put over it, with what they removed; a build that
  changed a few keys saves a delta made from those keys (`changes`), not from comparing every one.

A site of up to `records.RECORD_ENTRIES` keys has one part: nothing is hashed. A build that takes the
whole way turns both into dicts (`codec.materialize`)."""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

Load = Callable[[], Any]  # decodes one part (its checksum checked first)


def part_of(key: str, parts: int) -> int:
    """The part `key` is stored in, of `parts`."""
    if parts <= 1:
        return 0
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % parts


def page_part(key: str, parts: int) -> int:
    """The part a page's fingerprint is stored in: every file that is not a folder's index.html (the
    feeds, sitemaps, the home page...) in the first, with ~16,000 pages: an edit's build asks for every
    feed's (27 at eight sections), and in parts of their own they would be a third of the file's."""
    return part_of(key, parts) if key.endswith("/index.html") else 0


def split(keys: Iterable[str], parts: int, where: Callable[[str, int], int] = part_of) -> list[list[str]]:
    """`keys` in `parts` lists, each key in its part's (`where`: `part_of` or `page_part`); lists of keys,
    not dicts of entries: ~8 bytes a key while a full file is written (at a million articles the build
    is near its peak then)."""
    if parts <= 1:
        return [list(keys)] if parts else []
    out: list[list[str]] = [[] for _ in range(parts)]
    for key in keys:
        i = where(key, parts)
        if i < 0:
            raise ValueError(f"{key}: in no part")
        out[i].append(key)
    return out


class Parts(Mapping[str, Any]):
    """A mapping stored in parts (`split`, by `where`); part i decoded by `loads[i]()` when first needed, and
    each of its values then made by `make` (Fingerprint._make), when given. `size`: how many keys in all
    (the file's head says). Once `whole` is asked for, the parts are one dict, which every look-up uses."""

    __slots__ = ("_loads", "_made", "_make", "_size", "_where", "_whole", "folders")

    def __init__(self, loads: Sequence[Load], size: int, make: Callable[[Any], Any] | None = None,
                 where: Callable[[str, int], int] = part_of) -> None:
        self._loads: list[Load | None] = list(loads)
        self._made: list[dict[str, Any] | None] = [None] * len(loads)
        self._size, self._make, self._where = size, make, where
        self._whole: dict[str, Any] | None = None
        self.folders: frozenset[str] | None = None  # (parsed entries: the folders they depend on, the file's head says)

    def part(self, i: int) -> dict[str, Any]:
        made = self._made[i]
        if made is None:
            load = self._loads[i]
            if load is None:
                raise ValueError("a part read twice")  # (`drained`)
            found = load()
            if not isinstance(found, dict):
                raise ValueError("not a build state part")
            made = found if self._make is None else dict(zip(found, map(self._make, found.values()), strict=True))
            self._made[i], self._loads[i] = made, None  # (what it was read from let go of)
        return made

    def _of(self, key: str) -> dict[str, Any]:
        whole = self._whole
        if whole is not None:
            return whole
        n = len(self._made)
        i = self._where(key, n) if n > 1 else n - 1  # (one part: nothing to find; none: in none)
        return self.part(i) if i >= 0 else _EMPTY

    def __getitem__(self, key: str) -> Any:
        return self._of(key)[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._of(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._of(key).get(key, default)

    def __iter__(self) -> Iterator[str]:
        if self._whole is not None:
            yield from self._whole
            return
        for i in range(len(self._made)):
            yield from self.part(i)

    def __len__(self) -> int:
        return self._size

    def whole(self) -> dict[str, Any]:
        """Every part decoded, as one dict (the whole way), which look-ups use from then on: the same
        object each time, not to be changed."""
        if self._whole is None:
            parts = [self.part(i) for i in range(len(self._made))]  # (all decoded before any is let go of)
            merged = parts[0] if len(parts) == 1 else {key: v for part in parts for key, v in part.items()}
            if len(merged) != self._size:
                raise ValueError("not a build state")
            self._whole, self._made = merged, []  # (the parts let go of: every look-up goes to the whole)
        return self._whole

    def drained(self) -> Iterator[dict[str, Any]]:
        """Each part decoded in turn, and let go of once the next is asked for: a mapping read once, part by
        part, never whole (the last use of it: a part let go of cannot be read again, a ValueError)."""
        for i in range(len(self._made)):
            part = self.part(i)
            self._made[i] = None
            yield part
            del part

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Mapping) and not differ(self, other))

    __hash__ = None  # type: ignore[assignment]


class Overlay(Mapping[str, Any]):
    """`base` (a `Parts`, or a `Merged`: the related lists' memo) with `changed` put over it and `removed` taken
    out."""

    __slots__ = ("base", "changed", "removed")

    def __init__(self, base: Parts | Merged, changed: dict[str, Any], removed: frozenset[str] = frozenset()) -> None:
        self.base, self.changed, self.removed = base, changed, removed - changed.keys()

    def __getitem__(self, key: str) -> Any:
        if key in self.changed:
            return self.changed[key]
        if key in self.removed:
            raise KeyError(key)
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        return key in self.changed or (key not in self.removed and key in self.base)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        changed, removed = self.changed, self.removed
        for key in self.base:
            if key not in removed:
                yield key
        yield from (key for key in changed if key not in self.base)

    def __bool__(self) -> bool:  # (not every changed key looked up in the base, as counting does)
        return bool(self.changed) or len(self.base) > len(self.removed) or len(self) > 0

    def __len__(self) -> int:
        added = sum(1 for key in self.changed if key not in self.base)
        return len(self.base) + added - sum(1 for key in self.removed if key in self.base)

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Mapping) and not differ(self, other))

    __hash__ = None  # type: ignore[assignment]


def over(mapping: Mapping[str, Any], changes: Mapping[str, Any]) -> Mapping[str, Any]:
    """`mapping` with `changes` put over it: a dict for a dict (newsgen serve's state, the whole way), an
    `Overlay` of the same parts for one read by key."""
    if isinstance(mapping, Parts):
        return Overlay(mapping, dict(changes))
    if isinstance(mapping, Overlay):
        return Overlay(mapping.base, {**mapping.changed, **changes}, mapping.removed)
    return {**mapping, **changes}


def changes(mapping: Mapping[str, Any], base: Mapping[str, Any], carried: Mapping[str, Any] | None = None,
            values: bool = True) -> tuple[dict[str, Any], list[str]] | None:
    """(what `mapping` has that `base` has not, or another value of; the keys of `base` it has not),
    from an overlay's own keys when `mapping` is `base` or an overlay of it; None when only comparing
    every key can tell. `carried`: the last delta's changes as read, each still a change when `mapping`
    holds the very same object (not looked up in `base`: a part decoded for each). `values`: False when only
    the keys gone are wanted (the first is then empty: a key outside the order is looked for in every part)."""
    if mapping is base:
        return {}, []
    if isinstance(mapping, Overlay) and mapping.base is base:
        was = carried or {}
        changed = {k: v for k, v in mapping.changed.items()
                   if was.get(k) is v or base.get(k, _NONE) != v} if values else {}
        return changed, [k for k in mapping.removed if k in base]
    return None


def compared(mapping: Mapping[str, Any], base: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    """`changes` found by comparing every key, when `base` is a `Parts` not decoded whole: part by part,
    each let go of when compared (`Parts.drained`: the base's last use), so that it is never all in memory;
    None for any other `base`."""
    if not isinstance(base, Parts) or base._whole is not None:
        return None
    if not base._made:  # (no part: an empty base)
        return dict(mapping), []
    where = split(mapping, len(base._made), base._where)
    changed: dict[str, Any] = {}
    removed: list[str] = []
    for keys, part in zip(where, base.drained(), strict=True):
        changed.update((k, mapping[k]) for k in keys if part.get(k, _NONE) != mapping[k])
        removed += [k for k in part if k not in mapping]
    return changed, removed


def differ(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether `a` and `b` hold different keys or values: by the keys an overlay changed when both are
    of the same parts, else every key compared (as dicts compare)."""
    if a is b:
        return False
    if lazy(a) or lazy(b):
        try:
            return whole(a) != whole(b)
        except ValueError:  # (a part found damaged: the build started over, from nothing)
            return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a != b  # (compared in C: newsgen serve's state, the whole way)
    base_a = a.base if isinstance(a, Overlay) else a
    base_b = b.base if isinstance(b, Overlay) else b
    if base_a is base_b and isinstance(base_a, Parts):
        keys: set[str] = set()
        for m in (a, b):
            if isinstance(m, Overlay):
                keys.update(m.changed, m.removed)
        return any(a.get(k, _NONE) != b.get(k, _NONE) for k in keys)
    if len(a) != len(b):
        return True
    return any(b.get(k, _NONE) != v for k, v in a.items())


_NONE = object()  # (a key missing: unlike any value)
_EMPTY: dict[str, Any] = {}  # (the part of a key that can be in none: never changed)


def whole(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping as a dict (every part decoded)."""
    if isinstance(mapping, dict):
        return mapping
    if isinstance(mapping, Parts):
        return dict(mapping.whole())  # (a copy: the base stays as read)
    if isinstance(mapping, Overlay):
        return updated(mapping.base.whole(), mapping.changed, mapping.removed)
    if isinstance(mapping, Merged):
        return mapping.whole()  # (not a copy: as read, not to be changed)
    return dict(mapping)


def as_read(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A `Parts` or a `Merged` as the one dict it reads as (every part decoded; not a copy, not to be changed)."""
    return mapping.whole() if isinstance(mapping, (Parts, Merged)) else mapping


def updated(base: Mapping[str, Any], changed: Mapping[str, Any], removed: Iterable[str]) -> dict[str, Any]:
    """A copy of `base` with `changed` put over it and `removed` taken out (a delta applied)."""
    out = {**as_read(base), **changed}  # (copied in C, not key by key)
    for key in removed:
        out.pop(key, None)
    return out


class Merged(Mapping[Any, Any]):
    """Dicts with no key in common (a cache file's parts of one mapping) read as one, decoded when first
    looked into: a key looked up in each in turn; merged into one dict only when iterated or counted. At a
    million articles a merge is ~0.2 s, and an edit of article bodies looks up a few keys (the related
    lists' memo, which only the whole way uses, it does not look into at all: a build that changes it
    changes a copy, `codec.materialize`). `firsts`: each part's least key, when the parts hold the keys in
    order (the site model's related lists and neighbours, by article index): a look-up decodes the one part
    its key can be in."""

    def __init__(self, parts: list[dict[Any, Any]] | list[Load], firsts: Sequence[Any] | None = None) -> None:
        self._parts: list[Any] | None = parts  # (dicts, or each part's loader: decoded when first looked into)
        self._whole: dict[Any, Any] = {}
        self._firsts = firsts if firsts is not None and len(firsts) == len(parts) else None

    def _decoded(self) -> list[dict[Any, Any]]:
        parts = self._parts or []
        if any(callable(part) for part in parts):
            self._parts = parts = [part() if callable(part) else part for part in parts]
        return parts

    def _holding(self, key: Any) -> dict[Any, Any]:
        """The one part `key` can be in (`firsts`), decoded."""
        assert self._parts is not None and self._firsts is not None
        try:
            i = bisect.bisect_right(self._firsts, key) - 1
        except TypeError:  # (a key of another kind than the parts': in none)
            return {}
        if i < 0:
            return {}
        part = self._parts[i]
        if callable(part):
            part = self._parts[i] = part()
        if not isinstance(part, dict):
            raise ValueError("not a build state part")
        return part

    def whole(self) -> dict[Any, Any]:
        if self._parts is not None:
            parts = self._decoded()
            self._parts = None
            if len(parts) == 1:
                self._whole = parts[0]
            else:
                for part in parts:
                    self._whole.update(part)
        return self._whole

    def __getitem__(self, key: Any) -> Any:
        if self._parts is None:
            return self._whole[key]
        if self._firsts is not None:
            return self._holding(key)[key]
        for part in self._decoded():
            if key in part:
                return part[key]
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())

    def __eq__(self, other: object) -> bool:  # (as the dict it stands for)
        whole = other.whole() if isinstance(other, Merged) else other
        return self.whole() == whole if isinstance(whole, dict) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def lazy(mapping: Mapping[Any, Any]) -> bool:
    """Whether `mapping` is a `Merged`, or a delta's changes over one (`Overlay`): the related lists' memo as
    read, which a build that changes it changes a copy of (`codec.materialize`)."""
    return isinstance(mapping, Merged) or (isinstance(mapping, Overlay) and isinstance(mapping.base, Merged))


def read_whole(mapping: object) -> None:
    """Every part of the memo, or of a dict of the site model, as read decoded (damage in it found now), when it is."""
    base = mapping.base if isinstance(mapping, Overlay) else mapping
    whole = getattr(base, "whole", None)  # (a `Merged`; `records.Ordered`, the site model's order)
    if callable(whole):
        whole()


def unchanged(before: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """What to compare a mapping with after a build: a copy, or the memo as read itself (`lazy`: a build that
    changes it changes a copy); `differ(after, before)` then compares them (not if the same object)."""
    return before if lazy(before) else dict(before)
