"""The build cache (.newsgen-cache/): what the last build parsed and rendered. Safe to delete.

It holds, per output folder, the parsed articles keyed by file stamp (with the files each one
depends on) and the fingerprint of every page written: a full file, and a small delta file next to
it for the builds since (an edit writes a few KB, not the whole cache).

Every file starts with a magic line and a checksum (CRC-32) of the rest, verified before anything is decoded:
a damaged cache (flipped bits, a truncated file, something else in its place) means a full build
with a warning, never wrong output. A cache that cannot be saved is a warning too: the site is
already published by then, and the next build is simply a full one.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import zlib
from pathlib import Path

from ..fileio import read_regular
from .state import State
from .version import VERSION

CACHE_DIR = ".newsgen-cache"
_MAGIC = b"newsgen-cache 3\n"
_SUM = 4  # bytes of the payload's CRC-32: damage, not tampering, is what it guards against (4 ms for 10 MB,
# where blake2b takes 15: every build reads the cache)
_LIMIT = 1 << 31  # a cache file larger than this is not ours


class Damaged(Exception):
    pass


def cache_file(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
    return root / CACHE_DIR / f"build-{key}.marshal"


def delta_file(root: Path, out: Path) -> Path:
    return cache_file(root, out).with_suffix(".delta")


def load(root: Path, out: Path) -> tuple[State, str | None]:
    """The last build's state, or an empty one and a warning saying why it was not usable."""
    from . import codec

    path = cache_file(root, out)
    try:
        data = _read(path)
        if data is None:
            return State(), None
        if not isinstance(data, tuple) or not data or data[0] != VERSION:
            return State(), None  # an upgrade (the checksum held): silently start over
        delta_path = delta_file(root, out)
        delta = _read(delta_path)
        if delta is not None and (not isinstance(delta, tuple) or len(delta) < 2 or delta[0] != VERSION):
            raise Damaged("not a build state delta")
        if delta is not None and delta[1] != data[1]:
            delta = None  # left from before the last full save: that one is newer
        return codec.decode(data[1:], delta[2:] if delta else None), None
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild everything
        reason = str(exc) if isinstance(exc, Damaged) else type(exc).__name__
        return State(), f"{path}: build cache unreadable ({reason}), doing a full build"


def _read(path: Path) -> object | None:
    """The checked payload of a cache file, None when there is none; Damaged when it is not sound.
    Opened without blocking and checked to be a regular file first (a FIFO put there would hang)."""
    if not os.path.lexists(path):
        return None
    raw = read_regular(path)  # (a FIFO put there would hang a plain read)
    if raw is None:
        raise Damaged("not a file")
    if len(raw) > _LIMIT:
        raise Damaged("too large")
    head = len(_MAGIC) + _SUM
    if not raw.startswith(_MAGIC) or len(raw) < head:
        if raw.startswith(b"newsgen-cache ") or _older_newsgen(raw):
            return None  # written by an older newsgen (an upgrade): silently start over
        raise Damaged("not a newsgen cache file")
    payload = raw[head:]
    if _checksum(payload) != raw[len(_MAGIC):head]:
        raise Damaged("checksum mismatch")
    data: object = marshal.loads(payload)  # noqa: S302 - our own cache file, checksummed
    return data


def _older_newsgen(raw: bytes) -> bool:
    try:
        data = marshal.loads(raw)  # noqa: S302 - only looked at, then thrown away
    except (ValueError, EOFError, TypeError):
        return False
    return isinstance(data, tuple) and bool(data) and isinstance(data[0], str) and data[0].startswith("newsgen ")


Encoded = tuple[bool, bytes]  # (a delta?, the file's bytes)


def encode(state: State) -> Encoded:
    """What save() writes, made ahead (a first build encodes while its workers finish)."""
    from . import codec

    delta = codec.encode_delta(state)
    if delta is not None:
        payload = marshal.dumps((VERSION, *delta))
    else:
        payload = marshal.dumps((VERSION, os.urandom(8).hex(), *codec.encode(state)))
    return delta is not None, _MAGIC + _checksum(payload) + payload


def _checksum(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(_SUM, "big")


def save(root: Path, out: Path, encoded: Encoded) -> str | None:
    """Write the state (a delta file of a few KB for an edit, or all of it when much changed).
    Returns a warning instead of raising when it cannot be written; no temporary file is left."""
    is_delta, data = encoded
    path = cache_file(root, out)
    target = delta_file(root, out) if is_delta else path
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        for stale in (tmp, path, delta_file(root, out)):  # an older state must not pass for this build's
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass
        return (f"{target}: cannot save the build cache ({exc.strerror or type(exc).__name__}); "
                "the site was built, and the next build will be a full one")
    if not is_delta:
        try:
            delta_file(root, out).unlink()  # written for the previous base: ignored from now on anyway
        except OSError:
            pass
    return None
