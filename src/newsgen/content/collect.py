"""The parse stage: every article file of the site, parsed again only when it (or a file it names)
changed since the last build; the rest taken from the build state as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from ..errors import Diagnostic
from ..fileio import stamp
from ..incremental import codec
from ..incremental.parsed import entry_for, still_valid
from ..incremental.state import Dependency, ParsedEntry, State
from ..model import Article
from ..parallel import Executor, Spool, spool_folder, spool_write
from ..parallel.prerender import Spooled
from .discover import articles_in
from .frontmatter import KnownImages
from .parse import read_and_parse
from .source import body_bytes

# Files parsed by one build above which the articles' packed tuples (the cache's form, ~0.5 KB each) are
# not kept for the save: it packs them again (~4 us each), and a big first build holds ~0.5 GB less
# per million articles through the site model and the plan.
KEEP_PACKED_MAX = 20_000
# Files parsed above which their Markdown bodies are not spooled (parse_site's spool_bodies): the spool's
# index (~0.2 KB a body in the main process, from the parse until the bodies ahead start, and in each of
# their workers) is not worth its ~2 % then.
SPOOL_MARKDOWN_MAX = 200_000
# A file saved this recently (or dated in the future) is not spooled: its page reads it again and checks it
# is what was parsed. A file system that stamps in whole seconds (FAT: two) gives a second save within the
# same second the same stamp; saved while the build runs, only that check sees it (the next build would not).
RACY_NS = 3_000_000_000


@dataclass
class Parsed:
    articles: list[Article] = field(default_factory=list)  # every article that parsed without errors
    diagnostics: list[Diagnostic] = field(default_factory=list)  # of every file, old ones included
    reparsed: set[str] = field(default_factory=set)  # files parsed by this build
    changed: bool = False  # anything parsed or dropped: the state needs saving
    markdown: Spool | None = None  # the Markdown bodies of the articles parsed, by source (spool_bodies)

    def errors(self, drafts: bool, warnings: list[str]) -> list[Diagnostic]:
        """The diagnostics that stop the build. Those of a draft (a file that says `draft: true`) go to
        `warnings` instead when drafts are not built: an unfinished story must not stop what is published
        (newsgen serve, `--drafts` and `newsgen check` report them as errors)."""
        if drafts:
            return self.diagnostics
        warnings.extend(str(dataclasses.replace(d, hint=f"{d.hint + '; ' if d.hint else ''}a draft, not published: "
                                                "fix it before it is")) for d in self.diagnostics if d.draft)
        return [d for d in self.diagnostics if not d.draft]


def parse_site(root: Path, config: SiteConfig, stamps: dict[str, tuple[int, int]], state: State,
               executor: Executor, progress: Callable[[str, int, int], None] | None = None,
               spool_bodies: bool = False) -> Parsed:
    """Parse what changed since the build `state` remembers (updated in place); reuse the rest.
    `stamps`: the build's input stamps (snapshot.take), which also say which article files exist.
    `spool_bodies`: the articles' bodies will be rendered ahead (a first build): when the files are
    parsed over a pool, each article's Markdown body is written to a spool as it is parsed, so that
    rendering it does not read, check and split its file again (~26 us an article)."""
    if state.config_digest != config.digest:
        state.parsed = {}
        state.config_digest = config.digest
    todo: list[str] = []
    fresh: dict[str, ParsedEntry] = {}
    for rel in articles_in(stamps):
        entry = state.parsed.get(rel)
        valid = still_valid(root, entry, stamps) if entry is not None else None
        if valid is not None:
            fresh[rel] = valid
        else:
            todo.append(rel)
    known = known_images(root, state.parsed.values()) if todo else {}  # the last build's entries, changed files' too
    zones: dict[object, dt.tzinfo] = {}
    # repeated values kept once (codec.entry), and each file's path as the walk made it: a worker sends back
    # its own copy, three times (the key, the entry's stamp, the article's source; ~0.2 GB at 1M articles)
    common: dict[Any, Any] = {rel: rel for rel in todo}
    tick = (lambda n: progress("parse", n, len(todo))) if progress else None

    keep_packed = len(todo) <= KEEP_PACKED_MAX
    from ..parallel import PRERENDER_MIN  # (looked up here: tests lower it)

    spool = None
    if spool_bodies and PRERENDER_MIN <= len(todo) <= SPOOL_MARKDOWN_MAX and executor.forks(len(todo)):
        try:
            spool = Spool(folder=spool_folder("bodies"))
        except OSError:  # no temp folder to write to: the bodies are read from their files
            pass

    def take(results: list[tuple[str, tuple[Any, ...], Spooled | None]]) -> None:  # a chunk's, as they come
        for rel, raw, place in results:
            rel = common.get(rel, rel)
            if place is not None and spool is not None:
                spool.places[rel] = place
            fresh[rel] = e = codec.entry(raw, zones, common)
            numbers = e.stamp[1:]
            walked = stamps.get(rel)  # (its numbers kept once too: the walk's, when they are the same)
            e.stamp = (rel, *(walked if walked == numbers else numbers))
            if not keep_packed:
                e.packed = None  # packed again when the cache is written

    try:
        executor.map(_parse_task, (root, config, known, stamps, spool.folder if spool is not None else None), todo,
                     progress=tick, each=take)
    except BaseException:
        if spool is not None:
            spool.discard()
        raise
    changed = bool(todo) or len(fresh) != len(state.parsed) or any(
        fresh[rel] is not state.parsed.get(rel) for rel in fresh)
    state.parsed = fresh
    return Parsed(articles=[e.article for e in fresh.values() if e.article is not None],
                  diagnostics=[d for e in fresh.values() for d in e.diagnostics],
                  reparsed=set(todo), changed=changed, markdown=spool)


def _parse_task(shared: tuple[Path, SiteConfig, KnownImages, dict[str, tuple[int, int]], str | None],
                local: dict[str, Any], rels: list[str]) -> list[tuple[str, tuple[Any, ...], Spooled | None]]:
    """Each file parsed, as the cache entry to keep (stamps and the digests of what it names), in the
    cache's plain tuples: cheaper to send back from a worker than objects, and the save then finds
    the article already packed. With a spool folder, also where each article's Markdown body went."""
    root, config, known, seen, folder = shared
    memo: dict[str, Dependency] = local.setdefault("deps", {})  # many articles share one static image
    out = []
    bodies: list[tuple[str, bytes]] = []
    settled = time.time_ns() - RACY_NS  # (a file stamped after this: read again for its page, see RACY_NS)
    for rel in rels:
        # a stamp taken before reading it (see entry_for): the build's own, taken before anything was read
        walked = seen.get(rel)
        before = (rel, *walked) if walked is not None else stamp(root, rel)
        article, diagnostics, raw = read_and_parse(root, rel, config, known)
        if folder is not None and article is not None and before[1] < settled:
            bodies.append((rel, body_bytes(raw, article.body_line, rel)))
        out.append((rel, codec.raw(entry_for(root, rel, before, article, diagnostics, memo, seen))))
    try:
        places = dict(spool_write(folder, bodies)) if bodies and folder is not None else {}
    except OSError:  # a full disk: these bodies are read from their files
        places = {}
    return [(rel, raw, places.get(rel)) for rel, raw in out]


def known_images(root: Path, entries: Iterable[ParsedEntry]) -> KnownImages:
    """Sizes of the images the cached articles use, for the files still in the version they had
    (each file once: many articles share a photo): an edit that names one does not load Pillow."""
    known: dict[tuple[str, int, int], tuple[int, int, str, int]] = {}
    seen: set[str] = set()
    for entry in entries:
        a = entry.article
        if a is None or not entry.deps:
            continue
        for im in (a.image, *(asset.image for asset in a.assets)):
            if im is None or not im.width or not im.height or im.source in seen:
                continue
            seen.add(im.source)
            for (rel, mtime_ns, size), _ in entry.deps:
                if rel == im.source:
                    known[(f"{root}/{rel}", mtime_ns, size)] = (im.width, im.height, im.mime, im.length)
    return known
