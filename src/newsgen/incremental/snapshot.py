"""The stamps of a build's inputs, for the no-change fast path. Safe to delete.

After a complete build newsgen records the stamp (mtime, size) of every file a build can read: newsgen.yaml,
content/, static/, templates/ and the built-in theme, with the moment from which the clock alone would change the
output (a scheduled article coming due, a story leaving the two-day news sitemap, a new year in the footer) and the
files the build left in the output. The next build with the same options takes the stamps again; when they are the
same, the clock is before that moment and every output file is there, there is nothing to do and the build stops,
before loading the build cache, the templates or the Markdown engine.

A stamp that differs only means "look closer": the build then decides by content (a git checkout gives every
file a new mtime and changes nothing). The stamps taken at a build's start are saved at its end: a file saved
while a build runs is seen by the next.

`newsgen build` asks `quick` before click or any stage is imported (`cli.run`; a child walks a big site while the
build's modules are imported: `walkaside`): this module imports only os, marshal and zlib, and the stamps are
kept as the bytes of the walk (`pack`), compared as bytes."""

from __future__ import annotations

import marshal
import os
import zlib

from ..codestamp import code_stamps
from ..fileio import CLOEXEC, MANIFEST, identity, map_regular
from .outputs import Outputs
from .stampdiff import SLICE, pack_sliced, sliced_pairs

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator, Sequence
    from collections.abc import Set as AbstractSet
    from typing import TypeAlias

    from ..model import Article

    Place: TypeAlias = str | os.PathLike[str]  # a folder: a build passes Paths, `quick` the command line's strings

FORMAT = 11
CONFIG = "newsgen.yaml"
INPUT_FOLDERS = ("content", "static", "templates")
CACHE_DIR = ".newsgen-cache"  # cache.CACHE_DIR (a test checks), not imported: the no-change answer never loads it
PACKAGE = os.path.dirname(os.path.dirname(__file__))  # newsgen's code: part of the key
THEME = os.path.join(PACKAGE, "theme")

# path relative to the site -> (mtime_ns, size); folders end in "/", theme files start with "theme:"
Stamps = dict[str, tuple[int, int]]


class Inputs:
    """What a build may read, as found at its start."""

    __slots__ = ("_stamps", "checked", "links", "packed", "slices", "touched")

    def __init__(self, stamps: Stamps | None, links: list[str] | None = None) -> None:
        self._stamps = stamps  # None: decoded from `packed` when asked for (`restamp.named`'s, a walk aside's)
        self.packed: bytes | None = None  # pack(stamps), once made (`packed_stamps`): the snapshot saves these bytes
        self.slices: list[int] | None = None  # and their slices' lengths (stampdiff.pack_sliced), when known
        self.links = [] if links is None else links  # symlinks met in the input folders (inputs.check_links)
        # (output folder, the last build's snapshot, its output check under way) when `quick` found a
        # change: the build goes on with them instead of reading and checking again
        self.checked: tuple[str, Snapshot, Outputs] | None = None
        # newsgen serve: the paths stamped again (`restamp.refresh`) since the inputs of its last good build, which
        # sets this to () after it; every other stamp is that build's. None: unknown (compare every stamp)
        self.touched: frozenset[str] | None = None

    @property
    def stamps(self) -> Stamps:
        if self._stamps is None:
            self._stamps = marshal.loads(self.packed or b"{0")  # noqa: S302 - our walk's, or a checksummed snapshot's
        return self._stamps

    @stamps.setter
    def stamps(self, stamps: Stamps) -> None:
        self._stamps = stamps

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Inputs) and (self.stamps, self.links) == (other.stamps, other.links)

    __hash__ = None  # type: ignore[assignment]  # (mutable, like the dataclass it was)


class Snapshot:
    """What a complete build leaves for the next one's no-change answer. `packed`: the stamps as saved
    (`pack`); a snapshot that was loaded has only those, and gives `stamps` when asked for them."""

    __slots__ = ("_names", "_outputs", "_packed", "_stamps", "articles", "count", "key", "links", "manifest", "pages",
                 "since", "slices", "state", "valid_until")

    def __init__(self, key: str, stamps: Stamps | Inputs | None, valid_until: float, outputs: list[str] | bytes,
                 articles: int,
                 pages: int, packed: bytes | None = None, since: float = 0.0, state: str = "",
                 manifest: tuple[int, ...] | None = None, slices: list[int] | None = None,
                 links: list[str] | None = None) -> None:
        if isinstance(stamps, Inputs):  # (a build's: its stamps, and their bytes when the no-change check made them)
            packed, slices = (stamps.packed, stamps.slices) if packed is None else (packed, slices)
            links = stamps.links
            stamps = stamps._stamps  # noqa: SLF001 - (not decoded for this: the bytes are saved)
        self.links = links or []  # the symlinks met in the input folders (`Inputs.links`)
        self.slices = slices  # the lengths of `packed`'s slices (stampdiff), when known
        self.key = key  # newsgen's version and code, the output folder and the build options
        self._stamps = stamps
        self._packed = packed if packed is not None or stamps is not None else b""  # (packed when asked for)
        self.valid_until = valid_until  # POSIX time from which the clock changes the output
        # the clock the build saw (POSIX time): a clock set back before it (another machine's, a corrected
        # one) may show what that build no longer showed (a scheduled story not due yet): look closer
        self.since = since
        # files the build left in the output folder: a list, or its marshal bytes as saved (decoded when asked for)
        self._outputs: list[str] | None = None if isinstance(outputs, bytes) else outputs
        self._names: bytes | None = outputs if isinstance(outputs, bytes) else None
        self.count = int.from_bytes(outputs[1:5], "little") if isinstance(outputs, bytes) else len(outputs)
        self.articles, self.pages = articles, pages
        self.state = state  # the build cache this build saved or kept (State.token): it describes this output
        self.manifest = manifest  # the output's manifest's `fileio.identity` as saved, when it listed `outputs`

    @property
    def stamps(self) -> Stamps:
        if self._stamps is None:
            self._stamps = marshal.loads(self.packed)  # noqa: S302 - our own bytes, checksummed
        return self._stamps

    @property
    def outputs(self) -> list[str]:
        if self._outputs is None:
            self._outputs = outputs = marshal.loads(self._names or b"[\0\0\0\0")  # noqa: S302 - (checksummed)
            return outputs  # type: ignore[no-any-return]
        return self._outputs

    def saved_names(self) -> list[str] | bytes:
        """The output's files, as loaded: their bytes when they were not decoded (saved again as they are)."""
        return self._names if self._outputs is None and self._names is not None else self.outputs

    @property
    def packed(self) -> bytes:
        if self._packed is None:
            self._packed = pack(self._stamps) if self._stamps is not None else b""
        return self._packed

    def release(self) -> float:
        """The stamps let go of (the build took the whole way, and compares none: ~190 MB at a million
        inputs); returns `since`, the clock that build saw."""
        self._packed, self._stamps = b"", {}
        return self.since


def pack(stamps: Stamps) -> bytes:
    """The stamps as bytes, in the order of the walk that took them: the same walk of the same files
    gives the same bytes. marshal format 0: no references between objects, no interning flags, so
    the bytes depend on the values only (not on what else holds them). The no-change check compares
    these bytes: ~2 ms at 10,000 files, where loading the stamps and comparing them took ~6."""
    return marshal.dumps(stamps, 0)


def take(root: Place) -> Inputs:
    """Stamps of every input file and folder (folders too: a new image in an article's folder
    matters), and the symlinks met on the way."""
    found = Inputs({})
    try:
        st = os.stat(f"{root}/{CONFIG}")
        found.stamps[CONFIG] = (st.st_mtime_ns, st.st_size)
    except OSError:
        pass
    for name in INPUT_FOLDERS:
        walk(f"{root}/{name}", name, found.stamps, found.links)
    walk(THEME, "theme:", found.stamps, None)
    return found


def walk(path: str, rel: str, stamps: Stamps, links: list[str] | None = None, parent: int | None = None) -> None:
    """Stamp the folder `path` (`rel` in the stamps) and everything under it. Each folder is opened, and
    its entries listed and stamped, by descriptor: a stat of one name relative to its folder instead of
    a whole path (10,000 files: ~3 ms less of ~40)."""
    try:  # (a subfolder is known not to be a symlink; the input folders themselves may be)
        fd = os.open(path, _FOLDER if parent is None else _SUBFOLDER, dir_fd=parent)
    except OSError:
        return
    try:
        try:
            st = os.fstat(fd)
            entries = os.scandir(fd)
        except OSError:
            return
        stamps[f"{rel}/"] = (st.st_mtime_ns, st.st_size)
        prefix = f"{rel}/" if rel != "theme:" else rel
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):  # like os.walk: symlinked folders are not entered
                        walk(entry.name, prefix + entry.name, stamps, links, fd)
                        continue
                    if links is not None and entry.is_symlink():
                        links.append(prefix + entry.name)
                    est = entry.stat()
                    stamps[prefix + entry.name] = (est.st_mtime_ns, est.st_size)
                except OSError:
                    continue
    finally:
        os.close(fd)


_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | CLOEXEC  # (POSIX, like fileio.present and output.py)
_SUBFOLDER = _FOLDER | getattr(os, "O_NOFOLLOW", 0)


def key(out: Place, drafts: bool, future: bool, preview: bool, base_url: str | None) -> str:
    """What besides the input files decides a build's output: newsgen's code, the output folder
    and the options (jobs, explain and progress do not change the output)."""
    return f"{code()}|{out}|drafts={drafts}|future={future}|preview={preview}|base_url={base_url}"


def code() -> str:
    """newsgen's code by the stamps of its files (`codestamp`): a newsgen upgraded, or its code edited,
    is a build to look closer at."""
    return code_stamps(PACKAGE)


def horizon(articles: Sequence[Article], shown: Sequence[Article], now: dt.datetime) -> float:
    """The POSIX time from which the clock alone changes the output: the next scheduled article
    comes due (`articles`: all of them), a story shown (`shown`: newest first) leaves the two-day
    news sitemap, or a new year starts (the footer's year)."""
    import datetime as dt  # noqa: F811 - (only the annotations have it at the top)

    moments = [now.replace(year=now.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)]
    moments += [a.date for a in articles if a.date > now]
    two_days = dt.timedelta(days=2)
    moments += [a.date + two_days for a in shown[:1000] if a.date + two_days > now]
    return min(moments).timestamp()


def file_for(root: Place, out: Place) -> str:
    """The snapshot's file for output folder `out` (by its real path). A CRC-32 names it, without
    hashlib: two folders that share a name only share (and lose) the fast path, the key tells them apart."""
    where = os.path.realpath(out).encode("utf-8", "surrogateescape")
    return f"{root}/{CACHE_DIR}/inputs-{zlib.crc32(where):08x}.marshal"


def load(root: Place, out: Place, whole: bool = True) -> Snapshot | None:
    """The snapshot of the last complete build into `out`, or None (none, damaged, another format). `whole=False`:
    its head alone (options' key, clock, horizon, counts, the manifest's identity; no stamps, no names), not
    checked against the file's checksum (a pass over 190 MB at a million articles): for a plain build that a
    watcher answers (`cli._watcher_said`), which compares the key and the manifest with what it finds."""
    try:
        data = map_regular(file_for(root, out))  # (a FIFO must not hang us; only ever replaced, never rewritten)
        if data is None or (whole and zlib.crc32(memoryview(data)[4:]).to_bytes(4, "big") != data[:4]):
            return None  # none, or damaged: no fast path
        view = memoryview(data)[4:]
        at = len(view) - 4 - int.from_bytes(view[-4:], "big")
        head = marshal.loads(view[at:-4])  # noqa: S302
        fmt, key, valid_until, articles, pages, since, state, manifest, slices, links, packed, names = head
        if fmt != FORMAT:
            return None
        if not whole:
            return Snapshot(key, {}, valid_until, [], articles, pages, since=since, state=state, manifest=manifest)
        return Snapshot(key, None, valid_until, bytes(view[packed : packed + names]), articles, pages,
                        packed=bytes(view[:packed]), since=since, state=state, manifest=manifest, slices=slices,
                        links=links)
    except Exception:  # noqa: BLE001 - a missing or damaged snapshot only means: no fast path
        return None


def save(root: Place, out: Place, snap: Snapshot) -> None:
    """Written a few thousand stamps or names at a time, then its head and where that starts, with one
    checksum first (at a million articles, each marshalled whole, then in one tuple, took ~0.3 GB at
    the very end of the build). The stamps part is `pack`'s bytes: marshal format 0 writes a dict as
    its pairs between two markers, and the parts' pairs are the whole's; the names are marshal's list
    of them (version 2: no table of the strings written, all different). tests/unit/test_no_change_answer.py
    checks both against marshal's bytes of the whole."""
    path = file_for(root, out)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)  # noqa: PTH103 - (os only: see the top)
        with open(tmp, "wb", buffering=0) as f:  # noqa: PTH123
            f.write(bytes(4))  # (the checksum: known at the end)
            crc, sizes = 0, []
            for part in (_packed_parts(snap), _names_parts(snap.saved_names())):
                sizes.append(0)
                for data in part:
                    crc, sizes[-1] = zlib.crc32(data, crc), sizes[-1] + len(data)
                    f.write(data)
            snap.manifest = identity(os.path.join(out, MANIFEST))  # (as this build left it)
            head = marshal.dumps((FORMAT, snap.key, snap.valid_until, snap.articles, snap.pages, snap.since, snap.state,
                                  snap.manifest, snap.slices, snap.links, *sizes))
            head += len(head).to_bytes(4, "big")
            f.write(head)
            f.seek(0)
            f.write(zlib.crc32(head, crc).to_bytes(4, "big"))
        os.replace(tmp, path)
    except OSError:  # only a fast path lost: the next build looks closer
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _packed_parts(snap: Snapshot) -> Iterator[bytes]:
    """pack(snap.stamps), a slice at a time (`stampdiff.sliced_pairs`), their lengths kept (or the bytes a loaded
    snapshot has, or its build made)."""
    if snap._stamps is None or snap._packed is not None:
        yield snap.packed
        return
    snap.slices = []
    yield b"{"
    for data in sliced_pairs(snap._stamps):
        snap.slices.append(len(data))
        yield data
    yield b"0"


def _names_parts(names: list[str] | bytes) -> Iterator[bytes]:
    """marshal.dumps(names, 2), a slice at a time: a list's marker and length, then its items."""
    if isinstance(names, bytes):
        yield names
        return
    yield b"[" + len(names).to_bytes(4, "little")
    for i in range(0, len(names), SLICE):
        yield marshal.dumps(names[i : i + SLICE], 2)[5:]


def names(keep: AbstractSet[str], last: Snapshot | None, same: bool = False) -> list[str] | bytes:
    """The output's files sorted: the last build's when the same (1.28M sorted ~0.6 s, compared ~0.3 s: `same`;
    as loaded, decoded or not: `Snapshot.saved_names`)."""
    if last is not None and last.count == len(keep) and (same or all(map(keep.__contains__, last.outputs))):
        return last.saved_names()
    return sorted(keep)


def forget(root: Place, out: Place) -> None:
    import hashlib  # (a build that forgets has imported it long ago)

    # and the file of the format before 4, named by a SHA-256 of the same path: left alone, it would stay
    legacy = hashlib.sha256(os.path.realpath(out).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    for path in (file_for(root, out), f"{root}/{CACHE_DIR}/inputs-{legacy}.marshal"):
        try:
            os.unlink(path)
        except OSError:
            pass


def quick(root: str, out: str, key: str, now: float,
          meanwhile: Callable[[Callable[[], bool]], None] | None = None) -> Snapshot | Inputs | None:
    """The no-change answer, as `build` gives it, for `newsgen build` before anything else is loaded
    (cli.run): the last build's snapshot when there is nothing to do; else the inputs when they were
    walked (the build goes on with them: `build(inputs=)`), or None when the snapshot alone said no.
    `meanwhile(ready)`: what this process does while a child walks (`walkaside`), if one can."""
    last = load(root, out)
    if last is None or last.key != key or not in_time(last, now):
        return None
    from .walkaside import SIZES, walk_aside  # (marshal only)

    aside = meanwhile if len(last.packed) in SIZES else None
    outputs, walked = Outputs(out, last.outputs, aside=aside is None), None
    if aside is not None:
        walked = walk_aside(lambda: _walked(take(root)), last.packed, outputs, aside)
    if walked is None:
        if up_to_date(last, key, (found := take(root)), now, outputs):
            return last
    elif walked[1] is None and outputs.all_there() and outputs.there(MANIFEST):
        return last  # (up_to_date: the same stamps; the key and the clock are checked above)
    else:
        (links, slices), packed = walked
        found = Inputs(None, links)  # (the stamps decoded if asked for: an edit of one body decodes its slice)
        found.packed, found.slices = (last.packed, last.slices) if packed is None else (bytes(packed), slices)
    found.checked = (out, last, outputs)
    return found


def _walked(found: Inputs) -> tuple[bytes, tuple[list[str], list[int]]]:
    packed, slices = pack_sliced(found.stamps)  # (what the child sends: the bytes a snapshot saves, their slices)
    return packed, (found.links, slices)


def packed_stamps(found: Inputs) -> bytes:  # pack(found.stamps), made once, in slices (`stampdiff`)
    if found.packed is None:
        found.packed, found.slices = pack_sliced(found.stamps)
    return found.packed


def parse_done(found: Inputs, kept: bool) -> None:
    """The parse stage is done: the stamps packed (what the snapshot saves) and let go of (~0.1 GB at a million
    inputs, for the rest of the build), unless they are `kept` (newsgen serve updates them between builds)."""
    if not kept:
        packed_stamps(found)
        found.stamps = {}


def up_to_date(previous: Snapshot | None, key: str, found: Inputs, now: float, outputs: Outputs) -> bool:
    """True when a build would change nothing: same inputs, same options, clock between the previous
    build's own and its horizon, and every file it wrote still in the output folder, its manifest too (without
    it, the next build without a cache would take the folder for someone else's and refuse it)."""
    if previous is None or previous.key != key or not in_time(previous, now) or previous.packed != packed_stamps(found):
        return False
    return outputs.all_there() and outputs.there(MANIFEST)


def in_time(previous: Snapshot, now: float) -> bool:
    """Whether the clock alone changed nothing since the previous build: not before the clock it saw,
    not at or past its horizon."""
    return previous.since <= now < previous.valid_until
