"""An edit of article bodies only: the pages it changes, found without reading the rest of the site.

When the only inputs that changed since the last build are article files the last build parsed
cleanly, and each of them, parsed again, differs from what that build parsed in its body only (every
other field the same: title, date, summary, image, tags, authors, aliases...; and the files it names
unchanged), then:

- the site model is the last build's (what lists show of each article is the same) and so is every
  page's place in it;
- what a page shows changed only for the pages that show those bodies: the articles' own pages and
  the feeds that carry them (`pages.PageSpec.inputs`: only those include an article's whole-file
  digest);
- the clock moved nothing while it is before the last build's horizon (`snapshot.horizon`).

So this build takes the last build's plan as it is and computes the fingerprints of those pages only,
reading just the articles they show (~30 of 10,000) from the cache (`newsgen build`: `State.pending`,
read but not decoded) or from the build state in memory (`newsgen serve`: `State.parsed`, and the
last good build's snapshot in `State.snapshot`; its output folder is trusted to hold what it wrote
while the manifest is there). The fingerprints of those pages must agree with the last build's in
everything but what they show (newsgen, the config, the options, the year, the templates): else, or
whenever anything above does not hold (a new, removed or renamed file, a headline, a static file, a
template, newsgen.yaml, a file with errors, a file missing from the output, several language
editions, a build that was stopped), `body_edit` answers None and the build takes the whole way,
which gives the same output (tests/e2e/test_body_edit.py and tests/serve/test_session_body_edit.py
compare the two, byte for byte, and assert which way was taken).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import operator
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from ..fileio import stamp
from ..output import MARKER
from . import codec, stampdiff
from .decide import Decision, common_key, decide
from .keyed import Overlay, Parts, over
from .names import without
from .parsed import entry_for
from .reuse import unpack_site
from .snapshot import in_time, packed_stamps
from .state import ParsedEntry, State

if TYPE_CHECKING:
    from ..config import SiteConfig
    from ..model import Article, Edition
    from ..pages import PageSpec
    from .outputs import Outputs
    from .snapshot import Inputs, Snapshot

MAX_FILES = 16  # more edited files than this at once: the whole way (a checkout, a search and replace)


@dataclass
class BodyEdit:
    """The last build's plan with the edited articles' pages and the feeds fingerprinted again."""

    editions: list[Edition]  # the one edition, its site model reading articles as they are asked for
    specs: list[PageSpec]  # the pages that show an edited body
    decision: Decision  # pages to render; every page's fingerprint (the last build's, those updated)
    keep: AbstractSet[str]  # every file the output keeps: the last build's (names.Names: not made a set)
    entries: dict[str, ParsedEntry]  # the edited files, parsed again
    articles: int  # on the site
    pages: int  # planned
    valid_until: float  # the last build's horizon (no date changed)
    now: dt.datetime  # the clock the fingerprints were made with
    manifest: tuple[int, ...] | None = None  # the output manifest's identity as the last build left it, listing `keep`


def body_edit(root: Path, config: SiteConfig, found: Inputs, last: Snapshot, key: str, state: State,
              outputs: Outputs, now: dt.datetime, preview: bool, explain: bool) -> BodyEdit | None:
    """The pages an edit of article bodies changes, or None when this build must take the whole way.
    `state` (read lazily, or newsgen serve's in memory) is then updated in place with the edited files' entries.
    A part of the cache found damaged on the way (`cache.Damaged`, a ValueError) is the whole way too: it
    reads every part, and gives the warning and the full build."""
    try:
        return _body_edit(root, config, found, last, key, state, outputs, now, preview, explain)
    except ValueError:
        return None


def _body_edit(root: Path, config: SiteConfig, found: Inputs, last: Snapshot, key: str, state: State,
               outputs: Outputs, now: dt.datetime, preview: bool, explain: bool) -> BodyEdit | None:
    from ..model import Edition

    if (state.site is None or not state.pages or state.outputs is None or config.languages or state.unrendered
            or state.config_digest != config.digest or last.key != key or not in_time(last, now.timestamp())):
        return None
    if found.touched is None and (added := stampdiff.first_added(packed_stamps(found), found.slices, last.packed,
                                                                  last.slices)) is not None and not _junk(added):
        return None  # a new file (a story just filed): the whole way, told before every later slice is decoded
    zones: dict[object, dt.tzinfo] = {}
    parsed = _LastParse(state, zones)
    sliced = stampdiff.changed_slices(packed_stamps(found), found.slices, last.packed, last.slices) if (
        found.touched is None or found.slices is not None) else None  # (the slices that differ: not a million decoded)
    then, current, touched = sliced or (last.stamps, found.stamps, found.touched)
    files = _edited(current, then, parsed, touched)
    if files is None:
        return None
    entries: dict[str, ParsedEntry] = {}
    for rel in files:
        try:
            entry = _parsed_again(root, config, rel, parsed, _Stamps(current, found) if sliced else found.stamps)
        except (LookupError, TypeError, ValueError):  # its cache entry cannot be read: the whole way says so
            return None
        if entry is None:
            return None
        entries[rel] = entry
    if not outputs.all_there():  # a page to write again that this path would not plan
        return None
    packed = state.site[1]
    articles = _Articles(packed[0], parsed, entries)  # type: ignore[arg-type]  # (the sources, in order)
    try:  # (every article the pages show decoded here: one the cache cannot give means the whole way)
        site = unpack_site(packed, lambda order: articles, config.sections)
        specs = _pages(site, config, articles, files, now if preview else None)
        if not state.early <= {s.out for s in specs}:
            return None  # a page newsgen serve rendered early that this way would not render again
        for i in site.latest:
            articles[i]
    except (LookupError, TypeError, ValueError):
        return None
    decision = _decide(specs, config, state, outputs, now, preview, explain)
    if decision is None:
        return None
    decision.unchanged = last.pages - len(decision.todo)
    keep = without(state.outputs, MARKER)  # (not made a set: every file kept, `names.Names`)
    state.parsed.update(entries)  # (the rest stays pending, if read lazily: saving writes these over the last build's)
    state.unrendered.update(entries)
    return BodyEdit([Edition(config, site, {})], specs, decision, keep, entries, last.articles, last.pages,
                    last.valid_until, now, last.manifest)


class _LastParse:
    """What the last build parsed, by source: read lazily from the cache by `newsgen build` (`State.pending`,
    as stored, each entry decoded when asked for), or kept in memory by `newsgen serve` (`State.parsed`)."""

    def __init__(self, state: State, zones: dict[object, dt.tzinfo]) -> None:
        self._pending, self._parsed, self._zones = state.pending, state.parsed, zones

    def clean(self, source: str) -> bool:
        """Whether that build parsed `source` into an article, without errors."""
        if self._pending is not None:
            raw = self._pending.get(source)
            return raw is not None and raw[3] is not None
        entry = self._parsed.get(source)
        return entry is not None and entry.article is not None

    def depends_on(self, folders: set[str]) -> bool:
        """Whether an article depends on one of these folders (a bundle's, or one that names files there)."""
        pending = self._pending
        if pending is not None:
            base = pending.base if isinstance(pending, Overlay) else pending
            known = base.folders if isinstance(base, Parts) else None  # (the file's head: no entry decoded)
            if known is None:
                return any(dep[0][0] in folders for raw in pending.values() for dep in raw[2])  # type: ignore[attr-defined]
            changed = pending.changed.values() if isinstance(pending, Overlay) else ()  # (the delta's entries)
            return bool(folders & known) or any(dep[0][0] in folders for raw in changed for dep in raw[2])
        return any(dep[0][0] in folders for entry in self._parsed.values() for dep in entry.deps)

    def entry(self, source: str) -> ParsedEntry:
        """Its entry (KeyError: none), with the article as stored (`packed`)."""
        if self._pending is not None:
            return codec.entry(self._pending[source], self._zones)
        entry = self._parsed[source]
        if entry.packed is None and entry.article is not None:
            entry.packed = codec.pack_article(entry.article)
        return entry

    def article(self, source: str) -> Article | None:
        if self._pending is not None:
            raw = self._pending.get(source)
            return codec.unpack_article(raw[3], self._zones) if raw is not None and raw[3] is not None else None
        entry = self._parsed.get(source)
        return entry.article if entry is not None else None


def _edited(now: dict[str, tuple[int, int]], then: dict[str, tuple[int, int]], parsed: _LastParse,
            touched: frozenset[str] | None = None) -> list[str] | None:
    """The article files whose stamp changed, when nothing else did: the same files as the last build
    read, and every changed one an article it parsed without errors. A folder's stamp may change (an
    editor that saves by renaming a temporary file over the article) unless an article depends on
    that folder (a bundle's index.md, or one that names files beside it). `touched`: the only paths
    whose stamps can differ (newsgen serve: `Inputs.touched`), else every stamp is compared."""
    if touched is not None:  # (a million stamps compared take ~0.6 s)
        differ: set[str] = {rel for rel in touched if (rel in now) != (rel in then)}
        changed = sorted(rel for rel in touched if rel in now and rel in then and now[rel] != then[rel])
    else:
        differ = set(now.keys() ^ then.keys()) if now.keys() != then.keys() else set()
        changed = _changed(now, then)
    if differ and not all(map(_junk, differ)):
        return None
    files = [rel for rel in changed if not rel.endswith("/") and not _junk(rel)]
    if not files or len(files) > MAX_FILES or not all(map(parsed.clean, files)):
        return None
    folders = {rel[:-1] for rel in changed if rel.endswith("/")}
    if folders and parsed.depends_on(folders):
        return None
    return files


def _junk(rel: str) -> bool:
    """Editor junk (swap files, backups, hidden files), or in a folder of it: no build reads it."""
    from ..content.discover import is_junk

    return any(is_junk(part) for part in rel.rstrip("/").split("/"))


def _changed(now: dict[str, tuple[int, int]], then: dict[str, tuple[int, int]]) -> list[str]:
    """The paths in both whose stamps differ. Two walks of the same files list them in the same order: the
    stamps are then compared pairwise in C (`map`, `compress`), ~0.1 s at a million files where a
    look-up of each took ~0.6 s."""
    if len(now) == len(then) and list(now) == list(then):
        return list(itertools.compress(now, map(operator.ne, now.values(), then.values())))
    return [rel for rel, st in now.items() if then.get(rel, st) != st]


class _Stamps(Mapping[str, tuple[int, int]]):
    """The stamps of `found`: those of the slices that differ (`now`), any other looked up in its slice alone
    (an image the article names, in static/), all decoded only if they are listed."""

    def __init__(self, now: dict[str, tuple[int, int]], found: Inputs) -> None:
        self._now, self._found = now, found

    def __getitem__(self, rel: str) -> tuple[int, int]:
        if rel in self._now:
            return self._now[rel]
        found = self._found
        if found.packed is not None and found.slices is not None:
            if (st := stampdiff.lookup(found.packed, found.slices, rel)) is None:
                raise KeyError(rel)
            return st
        return found.stamps[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found.stamps)

    def __len__(self) -> int:
        return len(self._found.stamps)


def _parsed_again(root: Path, config: SiteConfig, rel: str, parsed: _LastParse,
                  stamps: Mapping[str, tuple[int, int]]) -> ParsedEntry | None:
    """The file parsed again, when it parses cleanly and only its body changed."""
    from ..content.collect import known_images
    from ..content.parse import parse_file

    old = parsed.entry(rel)
    if old.article is None or any((stamps.get(st[0]) or stamps.get(f"{st[0]}/")) != st[1:] for st, _ in old.deps):
        return None  # (a file it names changed: the whole way looks at it)
    before = stamp(root, rel)  # (before reading it: see entry_for)
    article, diagnostics = parse_file(root, rel, config, known_images(root, [old]))
    if article is None or diagnostics:
        return None  # (the whole way reports them, with every other file's)
    if codec.pack_article(dataclasses.replace(article, digest=old.article.digest)) != old.packed:
        return None  # something besides the body changed (compared as stored: dates with their zones)
    entry = entry_for(root, rel, before, article, [], {}, stamps)
    return entry if entry.deps == old.deps else None


class _Articles(Sequence["Article"]):
    """The site's articles in the site model's order, each decoded from the cache when first asked
    for (the edited ones: as parsed again)."""

    def __init__(self, order: tuple[str, ...], parsed: _LastParse, edited: dict[str, ParsedEntry]) -> None:
        self._order, self._parsed, self._edited = order, parsed, edited
        self._made: dict[int, Article] = {}

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, i: int) -> Article: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Article, ...]: ...

    def __getitem__(self, i: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self._order))))
        if i < 0:
            i += len(self._order)
        made = self._made.get(i)
        if made is None:
            source = self._order[i]  # (IndexError past the end)
            edited = self._edited.get(source)
            made = edited.article if edited is not None else self._parsed.article(source)
            if made is None:
                raise LookupError(f"{source}: in the last site model but not in the cache")
            self._made[i] = made
        return made

    def __iter__(self) -> Iterator[Article]:
        return (self[i] for i in range(len(self._order)))

    def index_of(self, source: str) -> int | None:
        try:
            return self._order.index(source)
        except ValueError:
            return None


class _Cards(Sequence[str]):
    """card[j]: article j's card digest (pages.ArticleInputs), article by article."""

    def __init__(self, articles: _Articles, clock: dt.datetime | None) -> None:
        from ..pages import shown_card

        self._articles, self._clock, self._card = articles, clock, shown_card

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, j):  # type: ignore[no-untyped-def]
        return self._card(self._articles[j], self._clock)


def _pages(site: object, config: SiteConfig, articles: _Articles, files: list[str],
           clock: dt.datetime | None) -> list[PageSpec]:
    """The pages that show the edited bodies, planned as `pages.plan` plans them: each edited article's
    page (none for a file not on the site: a draft, a scheduled story) and every feed."""
    from ..model import Site
    from ..pages import ArticleInputs, PageSpec, feed_specs

    assert isinstance(site, Site)
    shown = ArticleInputs(site, config, _Cards(articles, clock))
    specs = []
    for rel in files:
        i = articles.index_of(rel)
        if i is not None:
            specs.append(PageSpec(f"{articles[i].url}index.html", None, "article", "article.html", (i,), shown(i)))
    return specs + feed_specs(site, config)


def _decide(specs: list[PageSpec], config: SiteConfig, state: State, outputs: Outputs, now: dt.datetime,
            preview: bool, explain: bool) -> Decision | None:
    """`decide` for those pages, each of whose fingerprints must be the last build's in all but what it
    shows (else None); every other page keeps its fingerprint."""
    from ..render.environment import make_env
    from ..render.templates import template_digests

    templates = template_digests(make_env(config), sorted({s.template for s in specs if s.template}),
                                 state.template_refs)
    decision = decide(specs, common_key(config, preview, now), templates, state.pages, outputs.there,
                      explain=explain)
    for out, fp in decision.fingerprints.items():
        previous = state.pages.get(out)
        if previous is None or previous[:4] != fp[:4]:
            return None
    decision.fingerprints = over(state.pages, decision.fingerprints)  # (read by key: an overlay of the file's parts)
    return decision
