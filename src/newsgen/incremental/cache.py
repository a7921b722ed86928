"""The build cache (.newsgen-cache/): what the last build parsed and rendered. Safe to delete.

It holds, per output folder, the parsed articles keyed by file stamp (with the files each one
depends on) and the fingerprint of every page written: a full file, and a small delta file next to
it for the builds since (an edit writes a few KB, not the whole cache).

Every file starts with a magic line; the rest is a sequence of records, each a length, a checksum
(CRC-32) of its bytes and a marshalled object (`records.records`). A record's checksum is verified
before it is decoded: a damaged cache (flipped bits, a truncated file, something else in its place)
means a full build with a warning, never wrong output. The parsed entries and the page fingerprints
are decoded a part at a time, when a key in that part is asked for (`keyed.Parts`; an edit of one
body at a million articles reads ~2 of their ~140 parts); the file stays mapped while any of them is
undecoded. A cache that cannot be saved is a warning: the site is already published by then, and the
next build is simply a full one.

A full file is written record by record into a temporary file (ahead, on a first build: while the
workers finish) and moved into place when the build has succeeded, so that saving never holds the
bytes of the whole file (~100 MB at 100,000 articles), let alone a second copy with the header.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import zlib
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fileio import map_regular
from ..parallel import alive, give_back_free_memory
from .state import State
from .version import VERSION

CACHE_DIR = ".newsgen-cache"
_MAGIC = b"newsgen-cache 6\n"
_LENGTH = 8  # bytes of a record's length, before its checksum and its marshalled object
_SUM = 4  # bytes of a record's CRC-32: damage, not tampering, is what it guards against (4 ms for 10 MB,
# where blake2b takes 15: every build reads the cache)
_LIMIT = 1 << 31  # a cache file larger than this is not ours
_BIG = 4 << 20  # a record of more bytes than this: the C heap's free memory is given back after it


class Damaged(ValueError):
    """The cache file is not sound (a ValueError: a record found damaged while a build reads by key is
    a reason to take the whole way, like any other it cannot read)."""


def cache_file(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
    return root / CACHE_DIR / f"build-{key}.marshal"


def delta_file(root: Path, out: Path) -> Path:
    return cache_file(root, out).with_suffix(".delta")


def site_file(root: Path, out: Path) -> Path:
    """The site model a delta brings (a story published since the full file), named by the deltas after it."""
    return cache_file(root, out).with_suffix(".site")


def load(root: Path, out: Path, lazy: bool = False) -> tuple[State, str | None]:
    """The last build's state, or an empty one and a warning saying why it was not usable. `lazy`: the
    parsed entries and the pages left as read (`State.pending`, see codec.decode), each part decoded
    when a key in it is asked for."""
    from . import codec
    from .records import from_records

    path = cache_file(root, out)
    try:
        if not os.path.lexists(path):
            return State(), None
        delta: Any = None
        damage: Damaged | None = None
        try:  # (read first: a site model in it spares decoding the full file's)
            found = _read(delta_file(root, out))
            found = [load() for load in found] if found is not None else None  # type: ignore[misc]
            if found and _other_version(found[0]):
                found = None  # written by another newsgen: the full file says what to do
            delta = found[0] if found is not None and len(found) == 1 else found
        except Damaged as exc:
            damage = exc
        fits = isinstance(delta, tuple) and len(delta) >= 3 and delta[0] == VERSION
        records = _read(path)
        if records is None:
            return State(), None
        head = records[0]()
        if not isinstance(head, tuple) or len(head) != 2 or head[0] != VERSION:
            return State(), None  # an upgrade (the checksum held): silently start over
        if damage is not None:
            raise damage
        if delta is not None and not fits:
            raise Damaged("not a build state delta")
        if delta is not None and delta[1] != head[1]:
            delta = None  # left from before the last full save: that one is newer
        token = _site_token(delta)  # (the delta's site model, in its own file: read as the full file's is)
        site = (token, _site(root, out, token)) if token is not None else None
        data = (head[1], *from_records(records[1:], model=delta is None or delta[-1] is None))
        del records  # (the parts not decoded yet keep the file mapped, each until it is)
        state = codec.decode(data, delta[3:] if delta else None, lazy=True, site_file=site)
        if not lazy and not codec.materialize(state):
            raise Damaged("a part of it")
        state.token = delta[2] if delta else data[0]  # (VERSION, the base's id, its own id, what changed)
        return state, None
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild everything
        reason = str(exc) if isinstance(exc, Damaged) else type(exc).__name__
        return State(), f"{path}: build cache unreadable ({reason}), doing a full build"


def _site_token(delta: tuple[Any, ...] | None) -> str | None:
    """The token of the site file a delta (as stored) names (`codec._site`), if it names one."""
    return delta[-1][1] if delta and delta[-1] is not None and delta[-1][0] == "file" else None


def _site(root: Path, out: Path, token: str) -> Any:
    """The site model of the site file the delta names (`token`); Damaged when it is missing or another."""
    from .records import site_from_records

    found = _read(site_file(root, out))
    if found is None:
        raise Damaged("its site model is missing")
    try:
        return site_from_records(found, token)
    except ValueError as exc:
        raise Damaged(str(exc)) from None


def _read(path: Path) -> list[_Record] | None:
    """The records of a cache file, each decoded (its checksum checked) when called; None when there is
    none, or it was written by an older newsgen; Damaged when it is not sound. Opened without blocking
    and checked to be a regular file first (a FIFO put there would hang), then mapped, not read (cache
    files are only ever replaced, never rewritten in place: see save)."""
    if not os.path.lexists(path):
        return None
    raw = map_regular(path)  # (a FIFO put there would hang a plain read)
    if raw is None:
        raise Damaged("not a file")
    return _records(raw) or None


class _Record:
    """One record of a mapped cache file (at `at` in it): called, its checksum is checked and its object
    decoded (once: the bytes are let go of then, and with the last of them the file's mapping). Its pages
    of the mapping are given back then too: while other records wait to be decoded (an edit's build reads
    a few), the file stays mapped, and every page read would else count in this process's memory until the
    last one is (~1 GB of a million articles' file, when the build reads all but the page fingerprints)."""

    __slots__ = ("_at", "_data", "_sum")

    def __init__(self, data: memoryview, checksum: bytes, at: int) -> None:
        self._data: memoryview | None = data
        self._sum, self._at = checksum, at

    def __call__(self) -> object:
        data = self._data
        if data is None:
            raise Damaged("read twice")
        self._data = None
        mapped, size = data.obj, len(data)
        with data:
            if _checksum(data) != self._sum:
                raise Damaged("checksum mismatch")
            found = marshal.loads(data)  # noqa: S302 - our own cache file, checksummed
        _unmapped(mapped, self._at, size)
        return found


def _unmapped(mapped: object, at: int, size: int) -> None:
    """The whole pages of bytes [at, at + size) of a mapped file dropped from this process's memory (they
    stay in the kernel's page cache; the file is never read there again)."""
    import mmap

    advise = getattr(mapped, "madvise", None)  # (an mmap's; not the bytes of a file that could not be mapped)
    if advise is not None and hasattr(mmap, "MADV_DONTNEED"):
        start = -(-at // mmap.PAGESIZE) * mmap.PAGESIZE
        end = (at + size) // mmap.PAGESIZE * mmap.PAGESIZE
        if end > start:
            with contextlib.suppress(OSError, ValueError):
                advise(mmap.MADV_DONTNEED, start, end - start)


def _records(raw: memoryview) -> list[_Record]:
    if len(raw) > _LIMIT:
        raise Damaged("too large")
    with raw:
        if raw[: len(_MAGIC)] != _MAGIC:
            if bytes(raw[:14]) == b"newsgen-cache " or _older_newsgen(raw):
                return []  # written by an older newsgen (an upgrade): silently start over
            raise Damaged("not a newsgen cache file")
        records: list[_Record] = []
        at = len(_MAGIC)
        while at < len(raw):
            length = int.from_bytes(raw[at : at + _LENGTH], "big")
            at += _LENGTH + _SUM
            if length > len(raw) - at:
                raise Damaged("truncated")
            records.append(_Record(raw[at : at + length], bytes(raw[at - _SUM : at]), at))
            at += length
    if not records:
        raise Damaged("empty")
    return records


def _other_version(first: object) -> bool:
    """Whether a file's first record (a full file's head, or a delta) names another version of newsgen's
    code: a cache of a million articles is then not decoded (~4 s, and gigabytes) to be thrown away."""
    return isinstance(first, tuple) and bool(first) and isinstance(first[0], str) and first[0] != VERSION


def _older_newsgen(raw: bytes | memoryview) -> bool:
    try:
        data = marshal.loads(raw)  # noqa: S302 - only looked at, then thrown away
    except (ValueError, EOFError, TypeError):
        return False
    return isinstance(data, tuple) and bool(data) and isinstance(data[0], str) and data[0].startswith("newsgen ")


@dataclass
class Encoded:
    """What save() writes, made ahead (a first build encodes while its workers finish): a delta's bytes
    (a few KB for an edit), or the whole state already written to a temporary file next to the cache
    file, which save() moves into place (or removes, when it is not saved after all)."""

    target: Path
    data: bytes | None = None
    tmp: Path | None = None
    error: OSError | ValueError | None = None  # the temporary file could not be written, or the state read was damaged
    site_tmp: Path | None = None  # a delta's new site model, written to a temporary file (moved into place first)


def encode(root: Path, out: Path, state: State, release: bool = False) -> Encoded:
    """What save() writes, made ahead (a first build encodes while its workers finish). `release`: the
    articles' packed tuples dropped as they are written (records.records)."""
    from . import codec
    from .records import records, site_records

    state.token = token = os.urandom(8).hex()  # (the snapshot saved with it names it: State.token)
    try:
        delta = codec.encode_delta(state)
    except ValueError as exc:  # a part of the file read found damaged only now (cache.Damaged): not saved
        return Encoded(cache_file(root, out), error=exc)
    if delta is not None:
        site_tmp = None
        if delta[-1] is not None and delta[-1][0] == "new":  # (a new site model: in a file of its own)
            site_tmp = site_file(root, out).with_suffix(f".site.{os.getpid()}.tmp")
            error = _write(site_tmp, site_records(token, delta[-1][1]))
            if error is not None:
                return Encoded(delta_file(root, out), error=error)
            delta = (*delta[:-1], ("file", token))
        return Encoded(delta_file(root, out), data=_file([(VERSION, delta[0], token, *delta[1:])]), site_tmp=site_tmp)
    target = cache_file(root, out)
    tmp = _tmp(target)
    error = _write(tmp, itertools.chain([(VERSION, token)], records(state, release)))
    return Encoded(target, error=error) if error is not None else Encoded(target, tmp=tmp)


def _write(tmp: Path, records: Iterable[Any]) -> OSError | ValueError | None:
    """A cache file written record by record (a record is marshalled only when the last one is written); the
    error, when it could not be (the file then removed)."""
    try:
        _folder(tmp.parent)
        with open(tmp, "wb", buffering=0) as f:  # (records are written whole: no buffer needed)
            f.write(_MAGIC)
            for record in records:
                data = marshal.dumps(record)
                del record  # (neither kept while the next record is made)
                f.write(len(data).to_bytes(_LENGTH, "big") + _checksum(data))
                f.write(data)
                big = len(data) > _BIG
                del data
                if big:  # (its buffer and marshal's table of what it wrote, given back now: they added up)
                    give_back_free_memory()
    except (OSError, ValueError) as exc:  # (ValueError: a part of the state read was damaged)
        tmp.unlink(missing_ok=True)
        return exc
    return None


def _file(records: Iterable[Any]) -> bytes:
    """A cache file's bytes (a small one: a delta)."""
    return _MAGIC + b"".join(len(data).to_bytes(_LENGTH, "big") + _checksum(data) + data
                              for data in map(marshal.dumps, records))


def _checksum(payload: bytes | memoryview) -> bytes:
    return zlib.crc32(payload).to_bytes(_SUM, "big")


def _tmp(target: Path) -> Path:
    return target.with_suffix(f".{os.getpid()}.tmp")


def _folder(folder: Path) -> None:
    """The cache folder, made with its .gitignore when missing; temporary files that builds which were
    killed left in it removed."""
    folder.mkdir(parents=True, exist_ok=True)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    for stale in folder.glob("build-*.*.tmp"):
        pid = stale.suffixes[-2][1:] if len(stale.suffixes) >= 2 else ""
        if pid.isdigit() and not alive(int(pid)):
            stale.unlink(missing_ok=True)


def discard(encoded: Encoded) -> None:
    """An encoded state that will not be saved: its temporary files removed."""
    for tmp in (encoded.tmp, encoded.site_tmp):
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def settle(state: State, fingerprints: Mapping[str, Any], keep: AbstractSet[str], changed: bool,
           deferred: Iterable[str] = ()) -> bool:
    """The state updated for the next build with this build's page fingerprints and output files (`keep`,
    and the manifest). `deferred`: pages this build left for later (newsgen serve's `only`). Returns whether
    it must be saved: `changed` (what the plan changed in it), or the pages or the files differ."""
    from ..output import MARKER, lists_exactly
    from .keyed import differ

    last = state.outputs
    same = last is not None and MARKER in last and lists_exactly(keep, last)  # (last is keep and the manifest)
    changed = changed or not same or differ(state.pages, fingerprints)
    state.pages = fingerprints
    state.unrendered.clear()  # (the pages of every file parsed are this build's now, and every page shown early
    state.early.intersection_update(deferred)  # but those left for later: rendered again when they are)
    state.outputs = last if same else frozenset((MARKER,)).union(keep)  # (the same files: the same set, not a copy)
    return changed


def remember(root: Path, out: Path, state: State, fingerprints: Mapping[str, Any], keep: AbstractSet[str],
             changed: bool, persist: bool, deferred: Iterable[str] = ()) -> str | None:
    """The state settled (`settle`) and saved (`persist`; newsgen serve keeps it in its memory) when
    something in it changed. Returns a warning when it could not be saved."""
    if settle(state, fingerprints, keep, changed, deferred) and persist:
        return save(root, out, encode(root, out, state))
    return None


def release(state: State) -> None:
    """What an encoded state holds dropped from memory (`ahead.SavedAhead`: it is on disk, and this
    process will only move that file into place): the state is good for nothing else afterwards."""
    state.parsed, state.pages, state.related, state.site = {}, {}, {}, None
    state.pending = state.base = state.outputs = None  # (outputs: a set of every file's name, 64 MB at 1M)


def save(root: Path, out: Path, encoded: Encoded) -> str | None:
    """Write the state (a delta file of a few KB for an edit, or all of it when much changed).
    Returns a warning instead of raising when it cannot be written; no temporary file is left."""
    path = cache_file(root, out)
    target = encoded.target
    tmp = encoded.tmp or _tmp(target)
    try:
        if encoded.error is not None:
            raise encoded.error
        if encoded.site_tmp is not None:  # (before the delta that names it; the last delta names another)
            os.replace(encoded.site_tmp, site_file(root, out))
        if encoded.data is not None:
            _folder(path.parent)
            tmp.write_bytes(encoded.data)
        os.replace(tmp, target)
    except (OSError, ValueError) as exc:  # (ValueError: the state read was found damaged while it was encoded)
        for stale in (tmp, encoded.site_tmp, path, delta_file(root, out), site_file(root, out)):  # an older state
            if stale is None:  # must not pass for this build's
                continue
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass
        why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return (f"{target}: cannot save the build cache ({why}); "
                "the site was built, and the next build will be a full one")
    if target == path:
        for stale in (delta_file(root, out), site_file(root, out)):  # written for the previous base: ignored
            try:  # from now on anyway
                stale.unlink()
            except OSError:
                pass
    return None
