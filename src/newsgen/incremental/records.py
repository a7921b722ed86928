"""A full cache file's records: the build state (as `codec` packs it) cut into parts that are each
marshalled and written on their own (`cache.encode`), and put back together when read.

Every part is bounded, whatever the site's size: marshal builds a record's bytes and a table of every
object it has written in memory, and one record of a million articles' worth made the build's
largest process ~0.3 GB larger for the moment it took (a cold build at 1,000,000 articles peaked at
~3.9 GB, most of the rest being the state itself). In order:

    head            (config digest, images, template refs, the site model's key, and how many parts
                    of each kind follow)
    outputs         every file of the output, RECORD_ENTRIES names a part
    order           the site model's articles (their sources), RECORD_ENTRIES a part
    memo            the related lists' memo (`site.RelatedMemo`) of those articles, a part for each of
                    the order's (a story's related ones are nearly all in its own part: earlier stories,
                    close in the order, 97 % at 100,000 articles, so marshal writes each source once a
                    part); then the memo of sources outside the order, if any. Records of their own: the
                    whole way uses the memo, an edit of bodies reads the order only (`keyed.Merged`
                    decodes them when first looked into: ~0.4 s at a million articles)
    model           the rest of the site model: its small fields, then its listings (PAGES_A_PART of
                    their pages a part, or one listing), the sections' lists (SECTION_ITEMS a part, or
                    one section), related lists and previous/next links (RECORD_ENTRIES a part)
    parsed          the parsed entries: those of the site model's articles in the order's parts, then
                    the others, ~RECORD_ENTRIES a part (`InOrder`); read back as a `keyed.Parts`,
                    a part decoded when a key in it is asked for
    pages           the page fingerprints, the same way (`keyed.page_part`: the feeds and other files
                    that are not a folder's index.html all in the first)

A delta that brings a site model of its own makes the full file's model parts useless: they are left
undecoded (`from_records`' `model`); its order is still read (the memo's parts refer to it). That model is in
a file of its own (`site_records`, `cache.site_file`), written by the build that made it and named by every
delta after it that keeps it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..model import Listing
from .codec import materialize, raw
from .keyed import Load, Merged, Parts, page_part, part_of, split
from .later import Later
from .names import Names, first_the_manifest
from .state import Fingerprint, State

RECORD_ENTRIES = 16_384  # names, entries or fingerprints per part
PAGES_A_PART = 2048  # listings' pages per part (a section's listing at 1M articles: ~6,000 pages, ~1 MB)
SECTION_ITEMS = 65_536  # articles of the sections' lists per part (a section at 1M: ~125,000)
_PAGES = [f.name for f in dataclasses.fields(Listing)].index("pages")  # (in a packed listing)
_HEAD = 14  # fields of the head


def records(state: State, release: bool = False) -> Iterator[Any]:
    """The state as records to marshal one by one, each made when it is written (a cache file's bytes
    are never all in memory, nor these tuples of every article and page). `release`: each entry's packed
    article dropped once its record is written (a first build keeps the articles to the end, and their
    packed copies would only wait for a save that already happened)."""
    if not materialize(state):  # (a lazily read state: every entry is written)
        raise ValueError("a part of the build cache read is damaged")
    outputs, memo = state.outputs, state.related
    key, packed = state.site if state.site is not None else (None, None)
    order: Any = packed[0] if packed is not None else ()
    aligned = sum(1 for source in order if source in memo)
    outside = {} if aligned == len(memo) else _outside(memo, set(order))
    n_model, model = _model_parts(packed[1:]) if packed is not None else (0, iter(()))
    order_parts = list(_chunks(order, tuple))  # (where the entries go, and the order's own records)
    placed = InOrder(order_parts)
    n_parsed = placed.ordered + -(-placed.outside(state.parsed) // RECORD_ENTRIES) if state.parsed else 0
    yield (state.config_digest, state.images, state.template_refs, key, n_parsed, _parts(state.pages),
           None if outputs is None else (_parts(outputs), len(outputs)), len(order_parts), _parts(outside), n_model,
           len(order), len(state.parsed), len(state.pages), _folders(state.parsed))
    yield from _chunks(first_the_manifest(outputs) if outputs is not None else (), list)
    yield from order_parts
    for part in order_parts:
        yield {source: memo[source] for source in part if source in memo}
    yield from _chunks(outside.items(), dict)
    del outside
    yield from model
    del model
    parsed, pages = state.parsed, state.pages
    for keys in _by_part(parsed, n_parsed, placed):
        yield {rel: raw(parsed[rel]) for rel in keys}
        if release:
            for rel in keys:
                parsed[rel].packed = None
    for keys in _by_part(pages, _parts(pages), page_part):
        yield {out: tuple(pages[out]) for out in keys}


def site_records(token: str, site: tuple[str, tuple[Any, ...]]) -> Iterator[Any]:
    """A site model a delta brings (`cache.site_file`), as records: a head (`token`, the model's key, how
    many parts follow), its order in parts, then the rest as a full file has it (`_model_parts`)."""
    key, packed = site
    order_parts = list(_chunks(packed[0], tuple))
    n_model, model = _model_parts(packed[1:])
    yield (token, key, len(order_parts), n_model, len(packed[0]))
    yield from order_parts
    yield from model


def site_from_records(found: Sequence[Load], token: str) -> tuple[str, tuple[Any, ...]]:
    """site_records() read back, its listings and lists read when first used (`_model`). ValueError when they
    are not the records of the site model the delta names (`token`), or do not fit together."""
    head = found[0]() if found else None
    if not isinstance(head, tuple) or len(head) != 5 or head[0] != token:
        raise ValueError("not the site model of this build state")
    _, key, n_order, n_model, size = head
    if len(found) != 1 + n_order + n_model:
        raise ValueError("not a site model")
    return key, (Ordered(found[1 : 1 + n_order], size), *_model(list(found[1 + n_order :])))


def _folders(parsed: Mapping[str, Any]) -> tuple[str, ...]:
    """The folders an entry depends on (`parsed._deps`: a bundle's, or the folder of an article that names
    files beside it), so that an edit saved by renaming (its folder's stamp changed) asks this set, not
    every entry (`bodyedit._LastParse.depends_on`: at a million articles every part decoded, ~2.9 s)."""
    return tuple(sorted({dep[0][0] for rel, e in parsed.items() for dep in e.deps
                         if dep[0][0] == rel.rpartition("/")[0]}))


def _by_part(mapping: Mapping[str, Any], n: int, where: Callable[[str, int], int]) -> Iterator[list[str]]:
    """The keys of each of `n` parts, in order (`keyed.split`), each list let go of once it is written."""
    parts = split(mapping, n, where)
    for i in range(len(parts)):
        keys, parts[i] = parts[i], []
        yield keys  # (one may be empty: each part's place is its number)

def from_records(found: Sequence[Load], model: bool = True) -> tuple[Any, ...]:
    """records() read back (`found`: each record's loader, without the file's own head): (config digest,
    parsed, pages, images, outputs, template refs, related, site); the parsed entries and the pages as
    `keyed.Parts`, read when asked for. `model`: False when a delta's site model replaces this one (its
    parts are not decoded). ValueError when they do not fit together."""
    head = found[0]() if found else None
    if not isinstance(head, tuple) or len(head) != _HEAD:
        raise ValueError("not a build state")
    config_digest, images, template_refs, key, n_parsed, n_pages, *counts = head
    n_outputs, n_order, n_outside, n_model, size, n_entries, n_fingerprints, folders = counts
    parts = iter(found[1:])
    n_names, count = n_outputs if n_outputs is not None else (0, 0)  # (the output's files: made a set when used)
    outputs = None if n_outputs is None else Names(list(itertools.islice(parts, n_names)), count)
    order = Ordered(list(itertools.islice(parts, n_order)), size)  # (each part decoded when first needed)
    related = Merged(list(itertools.islice(parts, n_order + n_outside)))  # (decoded when first looked into)
    placed = InOrder(order.parts, size)
    model_loads = list(itertools.islice(parts, n_model))
    site = (key, (order, *_model(model_loads))) if key is not None and model else None
    entries, pages = list(itertools.islice(parts, n_parsed)), list(parts)
    if len(pages) != n_pages or len(entries) != n_parsed:
        raise ValueError("not a build state")
    if n_parsed < placed.ordered and n_entries:
        raise ValueError("not a build state")
    fingerprints = Parts(pages, n_fingerprints, Fingerprint._make, page_part)
    entries_read = Parts(entries, n_entries, where=placed)
    entries_read.folders = frozenset(folders)
    return config_digest, entries_read, fingerprints, images, outputs, template_refs, related, site


class Ordered(Sequence[str]):
    """The site model's order as stored (`_chunks`: RECORD_ENTRIES sources a part, the last fewer), each part
    decoded when first needed: an article by its index, the index of a source (the parts in turn, newest
    first), and for `InOrder` (`parts`). An edit of a recent story decodes the first part, not the ~76 MB of
    a million articles' order. Every part but the last is as long as the first; ValueError (damage) for one
    that is not. Equal to the tuple it reads as; `whole()` decodes every part (the whole way,
    `codec.materialize`: damage found first)."""

    __slots__ = ("_loads", "_made", "_size", "_step", "parts")

    def __init__(self, loads: Sequence[Load], size: int) -> None:
        if (size > 0) != bool(loads):
            raise ValueError("not a build state")
        self._loads: list[Load | None] = list(loads)
        self._made: list[tuple[str, ...] | None] = [None] * len(loads)
        self._size, self._step = size, 0  # (the parts' length: the first's)
        self.parts = _PartsOf(self)

    def part(self, p: int) -> tuple[str, ...]:
        made = self._made[p]
        if made is None:
            if p and not self._step:
                self.part(0)  # (the first sets the length of every part but the last)
            load = self._loads[p]
            made = load() if load is not None else None
            if not isinstance(made, tuple) or not self._fits(p, len(made)):
                raise ValueError("not a build state part")
            self._made[p], self._loads[p] = made, None
            self._step = self._step or len(made)
        return made

    def _fits(self, p: int, length: int) -> bool:
        n, size, step = len(self._made), self._size, self._step
        if not p:
            return length == size if n == 1 else 0 < length * (n - 1) < size <= length * n
        return length == (step if p < n - 1 else size - step * (n - 1))

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(self._size)))
        if i < 0:
            i += self._size
        if not 0 <= i < self._size:
            raise IndexError(i)
        step = self._step or len(self.part(0))
        return self.part(i // step)[i % step]

    def __iter__(self) -> Iterator[str]:
        for p in range(len(self._made)):
            yield from self.part(p)

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        if start or stop is not None:
            return super().index(value, start, stop if stop is not None else self._size)
        for p in range(len(self._made)):
            if value in (part := self.part(p)):
                return p * self._step + part.index(value)
        raise ValueError(f"{value!r} is not in the order")

    def whole(self) -> tuple[str, ...]:
        return tuple(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(other) == self._size and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]


class _PartsOf(Sequence[tuple[str, ...]]):
    """An `Ordered`'s parts, each decoded when asked for (`InOrder` scans them)."""

    def __init__(self, order: Ordered) -> None:
        self._order = order

    def __len__(self) -> int:
        return len(self._order._made)

    def __getitem__(self, p: Any) -> Any:
        return self._order.part(p)


class InOrder:
    """Where a parsed entry is stored: the site model's articles in its order, in the parts the order
    itself is stored in (`records`: RECORD_ENTRIES a part), so that the newest stories, which every feed
    and Latest News show, are in the first part, and a story's neighbours and related stories (earlier
    ones, close in the order) mostly in its own; then the entries of the files not on the site (drafts,
    scheduled stories, files with errors) in the parts after those, by `keyed.part_of`. -1: in no part (a key
    outside the order when there are no parts after it). A key not placed yet is looked for in the parts
    not placed, newest first (`in` a tuple: a scan in C, ~5 ms for a million names), and only the part
    that holds it is placed in the map: an edit of a story in the middle of a million places a part or
    two, not half of them (~0.4 s). Once the scans have gone over the order twice, every part is placed."""

    __slots__ = ("_at", "_names", "_order", "_scanned", "_unplaced", "ordered")

    def __init__(self, order_parts: Sequence[Sequence[str]], names: int | None = None) -> None:
        self._order, self.ordered = order_parts, len(order_parts)  # (`Ordered.parts`: each decoded when scanned)
        self._at: dict[str, int] = {}
        self._unplaced = list(range(self.ordered))  # (newest first)
        self._scanned = 0  # names compared by the scans: at twice the order's, every part placed instead
        self._names = sum(map(len, order_parts)) if names is None else names

    def _place(self, p: int) -> None:
        self._at.update(dict.fromkeys(self._order[p], p))
        self._unplaced.remove(p)

    def _find(self, key: str) -> int | None:
        if self._scanned > 2 * self._names:
            while self._unplaced:
                self._place(self._unplaced[0])
            return self._at.get(key)
        for p in self._unplaced:
            part = self._order[p]
            if key in part:
                self._place(p)
                return p
            self._scanned += len(part)
        return None

    def outside(self, keys: Iterable[str]) -> int:
        """How many of `keys` are not in the order."""
        while self._unplaced:
            self._place(self._unplaced[0])
        at = self._at
        return sum(1 for key in keys if key not in at)

    def __call__(self, key: str, parts: int) -> int:
        i = self._at.get(key)
        if i is None and self._unplaced:
            i = self._find(key)
        if i is not None:
            return i
        return self.ordered + part_of(key, parts - self.ordered) if parts > self.ordered else -1


def _parts(items: Any) -> int:
    return -(-len(items) // RECORD_ENTRIES)


def _chunks(items: Iterable[Any], kind: type) -> Iterator[Any]:
    it = iter(items)
    while part := kind(itertools.islice(it, RECORD_ENTRIES)):
        yield part


def _outside(memo: dict[str, Any], order: set[str]) -> dict[str, Any]:
    return {source: entry for source, entry in memo.items() if source not in order}


def _model_parts(rest: tuple[Any, ...]) -> tuple[int, Iterator[Any]]:
    """The site model past its order (reuse.pack_site), in parts: how many, and the parts, each made when
    it is asked for (the small fields and the counts first)."""
    authors, tags, listings, by_section, latest, related, prev_next = rest
    listing_parts = list(_grouped(listings, lambda listing: len(listing[_PAGES]), PAGES_A_PART))  # (references)
    section_parts = list(_grouped(by_section.items(), lambda item: len(item[1]), SECTION_ITEMS))
    counts = (len(listing_parts), len(section_parts), _parts(related), _parts(prev_next))
    by_index = [sorted(related.items()), sorted(prev_next.items())]  # (an article's index: its part known)
    firsts = [tuple(items[k][0] for k in range(0, len(items), RECORD_ENTRIES)) for items in by_index]
    parts = itertools.chain([(authors, tags, latest, *counts, *firsts)], map(tuple, listing_parts),
                            map(dict, section_parts), *(_chunks(items, dict) for items in by_index))
    return 1 + sum(counts), parts


def _model(loads: list[Load]) -> tuple[Any, ...]:
    """_model_parts() put back together: (authors, tags, listings, by_section, latest, related, prev_next); the
    listings read when first used (`later.Later`: an edit of bodies does not show them), and every part of the
    dicts when a key in it is (`keyed.Merged`: an edit of a story looks up its related list and its neighbours,
    each in the one part that holds its index; ~0.3 s and ~0.25 GB less at a million articles)."""
    (authors, tags, latest, n_listings, n_sections, n_related, n_prev_next, *firsts) = loads[0]()
    if len(loads) != 1 + n_listings + n_sections + n_related + n_prev_next or len(firsts) != 2:
        raise ValueError("not a build state")
    listed = loads[1 : 1 + n_listings]
    listings = Later(lambda: tuple(itertools.chain.from_iterable(load() for load in listed)))
    rest = iter(loads[1 + n_listings :])
    by_section = Merged(list(itertools.islice(rest, n_sections)))  # (looked up by key, merged only if listed)
    related = Merged(list(itertools.islice(rest, n_related)), firsts[0])
    prev_next = Merged(list(rest), firsts[1])
    return authors, tags, listings, by_section, latest, related, prev_next


def _grouped(items: Iterable[Any], weight: Callable[[Any], int], limit: int) -> Iterator[list[Any]]:
    """`items` in groups of at least `limit` by `weight` (the last one less), each as small as that allows."""
    group: list[Any] = []
    total = 0
    for item in items:
        group.append(item)
        total += weight(item)
        if total >= limit:
            yield group
            group, total = [], 0
    if group:
        yield group
