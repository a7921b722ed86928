"""The build cache (.newsgen-cache/): what the last build parsed and rendered. Safe to delete.

It holds, per output folder: the parsed articles keyed by file stamp (with the files each one
depends on), and the fingerprint of every page written. It is versioned by newsgen's version and
the Python version; an unreadable or mismatched cache means a full build, with a warning.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:  # imported lazily: a build with nothing to do never loads the model
    from .errors import Diagnostic
    from .model import Article

CACHE_DIR = ".newsgen-cache"
FORMAT = 6


def _code_digest() -> str:
    """newsgen's own code: any change to it (an upgrade, an editable install being edited)
    invalidates the cache, so a cache can never outlive the code that wrote it."""
    h = hashlib.blake2b(digest_size=8)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith(("serve/", "cli.py", "init.py", "check.py", "newarticle.py")):
            continue  # code that does not shape the output
        h.update(path.read_bytes())
    return h.hexdigest()


VERSION = f"newsgen {__version__} format {FORMAT} python {sys.version_info[:2]} code {_code_digest()}"

Stamp = tuple[str, int, int]  # path relative to the site, mtime_ns, size
Fingerprint = tuple[str, str, str]  # (config + newsgen version, templates used, what the page shows)


@dataclass
class ParsedEntry:
    stamp: Stamp
    digest: str  # of the file's bytes: a new mtime with the same bytes (a fresh git checkout) is no change
    deps: tuple[tuple[Stamp, str], ...]  # files and folders the article depends on, with their digests
    article: Article | None
    diagnostics: list[Diagnostic]
    packed: tuple[object, ...] | None = field(default=None, compare=False, repr=False)  # the article as stored


@dataclass
class State:
    config_digest: str = ""
    parsed: dict[str, ParsedEntry] = field(default_factory=dict)
    pages: dict[str, Fingerprint] = field(default_factory=dict)  # output file -> fingerprint
    images: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # image source -> (stamp, digest)
    outputs: frozenset[str] | None = None  # every file the last build left in the output (None: unknown)
    template_refs: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # source hash -> refs
    related: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # site.RelatedMemo
    # (key, statecodec.pack_site(site)): the last site model, reused while its key is the same
    site: tuple[str, tuple[object, ...]] | None = None
    # the cache file this state was read from, as read (statecodec.Base): saving then writes only
    # what changed since, into a small delta file next to it
    base: object = field(default=None, compare=False, repr=False)


def stamp(root: Path, rel: str) -> Stamp:
    try:
        st = os.stat(f"{root}/{rel}")  # a string join: this runs for every file of every build
    except OSError:
        return (rel, -1, -1)
    return (rel, st.st_mtime_ns, st.st_size)


def digest(root: Path, rel: str) -> str:
    """Content digest of a file, or of a folder's list of names."""
    path = root / rel
    try:
        if path.is_dir():
            data = "\0".join(sorted(os.listdir(path))).encode()
        else:
            data = path.read_bytes()
    except OSError:
        return "-"
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def dep(root: Path, rel: str) -> tuple[Stamp, str]:
    return stamp(root, rel), digest(root, rel)


def entry_for(root: Path, rel: str, article: Article | None, diagnostics: list[Diagnostic],
              memo: dict[str, tuple[Stamp, str]]) -> ParsedEntry:
    """What the cache keeps of a file just parsed. Made where it was parsed (the pool's workers):
    digesting the images it names reads them whole, which is no job for the main process."""
    digest_ = article.digest if article is not None else digest(root, rel)  # the same hash of the bytes
    return ParsedEntry(stamp(root, rel), digest_, _deps(root, rel, article, memo), article, diagnostics)


def _deps(root: Path, rel: str, article: Article | None,
          memo: dict[str, tuple[Stamp, str]]) -> tuple[tuple[Stamp, str], ...]:
    """Files besides the article itself whose change must re-parse it: its images and its folder
    (for bundles and bodies that name local files, so a newly dropped image is picked up).
    `memo`: many articles share one static image."""
    if article is None:
        return ()
    paths = [a.source for a in article.assets]
    if article.image and article.image.source:
        paths.append(article.image.source)
    if article.assets or rel.endswith(("/index.md", "/index.markdown")):
        paths.append(os.path.dirname(rel))
    out = []
    for p in dict.fromkeys(paths):
        if p not in memo:
            memo[p] = dep(root, p)
        out.append(memo[p])
    return tuple(out)


def still_valid(root: Path, entry: ParsedEntry, known: dict[str, tuple[int, int]] | None = None) -> ParsedEntry | None:
    """The entry, if its file and every dependency are unchanged: by stamp when possible, else by
    content (a checkout gives every file a new mtime). Returns it with refreshed stamps, or None.
    `known`: stamps taken at the start of the build (snapshot.take), used instead of stat calls."""
    if entry.article is None:
        return None  # a file with errors is read again every build: what it names may exist now
    if known is not None:  # the usual case, first: the file and what it names as they were
        was = known.get(entry.stamp[0])  # (a folder is in `known` as "content/x/": a bundle's folder)
        if was is not None and entry.stamp[1:] == was and all(
                [(known.get(d[0]) or known.get(f"{d[0]}/")) == d[1:] for d, _ in entry.deps]):
            return entry

    def stamp_of(rel: str) -> Stamp:
        st = known.get(rel) if known is not None else None
        return (rel, *st) if st is not None else stamp(root, rel)

    current = stamp_of(entry.stamp[0])
    if current != entry.stamp:
        if current[2] != entry.stamp[2] or digest(root, entry.stamp[0]) != entry.digest:
            return None
    deps = []
    for (st, dg) in entry.deps:
        now = stamp_of(st[0])
        if now != st and digest(root, st[0]) != dg:
            return None
        deps.append((now, dg))
    if current == entry.stamp and all(d[0] == e[0] for d, e in zip(deps, entry.deps, strict=True)):
        return entry
    return ParsedEntry(current, entry.digest, tuple(deps), entry.article, entry.diagnostics, entry.packed)


def cache_file(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
    return root / CACHE_DIR / f"build-{key}.marshal"


def delta_file(root: Path, out: Path) -> Path:
    return cache_file(root, out).with_suffix(".delta")


def load(root: Path, out: Path) -> tuple[State, str | None]:
    """The last build's state, or an empty one and a warning saying why it was not usable."""
    path = cache_file(root, out)
    if not path.exists():
        return State(), None
    try:
        data = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file
        if not isinstance(data, tuple) or not data or data[0] != VERSION:
            if isinstance(data, tuple) and data and isinstance(data[0], str) and data[0].startswith("newsgen "):
                return State(), None  # an upgrade: silently start over
            raise TypeError("not a build state")
        from . import statecodec

        delta = None
        delta_path = delta_file(root, out)
        if delta_path.exists():
            path = delta_path
            delta = marshal.loads(delta_path.read_bytes())  # noqa: S302 - our own cache file
            if not isinstance(delta, tuple) or len(delta) < 2 or delta[0] != VERSION:
                raise TypeError("not a build state delta")
            if delta[1] != data[1]:
                delta = None  # left from before the last full save: that one is newer
        return statecodec.decode(data[1:], delta[2:] if delta else None), None
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild everything
        return State(), f"{path}: build cache unreadable ({type(exc).__name__}), doing a full build"


def save(root: Path, out: Path, state: State) -> None:
    """Write the state: only what changed since the file it was read from (a delta file of a few KB
    for an edit), or all of it when much changed."""
    write(root, out, encode(state))


Encoded = tuple[bool, bytes]  # (a delta?, the file's bytes)


def encode(state: State) -> Encoded:
    """What save() writes, made ahead (a first build encodes while its workers finish)."""
    from . import statecodec

    delta = statecodec.encode_delta(state)
    if delta is not None:
        return True, marshal.dumps((VERSION, *delta))
    base_id = os.urandom(8).hex()
    return False, marshal.dumps((VERSION, base_id, *statecodec.encode(state)))


def write(root: Path, out: Path, encoded: Encoded) -> None:
    is_delta, data = encoded
    path = cache_file(root, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    delta_path = delta_file(root, out)
    target = delta_path if is_delta else path
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    if not is_delta:
        try:
            delta_path.unlink()  # written for the previous base: ignored from now on anyway
        except OSError:
            pass
