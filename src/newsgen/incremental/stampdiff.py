"""Which input stamps differ between two walks: `differences` (newsgen serve: what a periodic walk found that
its watcher did not say), and `changed_slices` (an edit's `newsgen build`: the stamps of the slices that
differ, without decoding a million of them).

The stamps are packed (`snapshot.pack`: marshal format 0, a dict's pairs between `{` and `0`) a slice of
`SLICE` pairs at a time, and each slice's length in bytes is kept with them (`pack_sliced`; the snapshot
saves the lengths). Two walks of the same files list them in the same order, so slice k of one holds the same
paths as slice k of the other: an edit of one article changes the bytes of one slice (and, saved by renaming, of
its folder's). Comparing the slices' bytes (~60 MB at a million inputs: a few ms) and decoding only those that
differ replaces decoding the last build's stamps whole (~0.4 s) and comparing them pair by pair (~0.15 s)."""

from __future__ import annotations

import itertools
import marshal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TypeAlias

    Stamps: TypeAlias = dict[str, tuple[int, int]]  # (snapshot.Stamps: path -> (mtime_ns, size))

SLICE = 8192  # stamps packed at a time


def sliced_pairs(stamps: Stamps) -> Iterator[bytes]:
    """The pairs' bytes of marshal.dumps(stamps, 0), SLICE pairs at a time (between `{` and `0`)."""
    items = iter(stamps.items())
    while part := dict(itertools.islice(items, SLICE)):
        yield marshal.dumps(part, 0)[1:-1]


def pack_sliced(stamps: Stamps) -> tuple[bytes, list[int]]:
    """marshal.dumps(stamps, 0), made a slice at a time, and each slice's length (its pairs' bytes)."""
    parts = list(sliced_pairs(stamps))
    return b"{" + b"".join(parts) + b"0", [len(part) for part in parts]


def changed_slices(now: bytes, now_slices: list[int] | None, then: bytes,
                   then_slices: list[int] | None) -> tuple[Stamps, frozenset[str]] | None:
    """The last walk's stamps of the slices whose bytes differ, and the paths whose stamps differ (or that
    are in one walk only): `bodyedit._edited`'s `then` and `touched`. None when either walk's slices are
    unknown or do not add up (every stamp is compared then)."""
    if now_slices is None or then_slices is None or sum(now_slices) != len(now) - 2 or \
            sum(then_slices) != len(then) - 2 or now[:1] != b"{" or then[:1] != b"{":
        return None
    old: Stamps = {}
    new: Stamps = {}
    a = b = 1  # (past the dict's marker)
    for k in range(max(len(now_slices), len(then_slices))):
        m = then_slices[k] if k < len(then_slices) else 0
        n = now_slices[k] if k < len(now_slices) else 0
        if m != n or then[a : a + m] != now[b : b + n]:
            old.update(_loads(then[a : a + m]))
            new.update(_loads(now[b : b + n]))
        a, b = a + m, b + n
    return old, frozenset(rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel))


def _loads(pairs: bytes) -> Stamps:
    return marshal.loads(b"{" + pairs + b"0") if pairs else {}  # noqa: S302 - our own bytes, checksummed


def differences(a: Stamps, b: Stamps) -> list[str]:
    """Files stamped differently in `a` and `b`, leaving out editor junk (swap files, temporaries) and
    folders (a file added or removed is itself a difference): what a periodic walk found that a
    watcher's events did not say."""
    from ..content.discover import is_junk

    return sorted(rel for rel in a.keys() ^ b.keys() | {k for k in a.keys() & b.keys() if a[k] != b[k]}
                  if not rel.endswith("/") and not any(is_junk(part) for part in rel.split("/")))
