"""The pipeline, top to bottom: config -> content -> site model -> plan -> render -> write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from . import snapshot
from . import state as cache
from .dates import now as tz_now
from .errors import BuildError, Diagnostic

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .config import SiteConfig
    from .context import Spooled
    from .images import ImageDone, ImageWork
    from .model import Article, Image, Site
    from .pages import PageSpec
    from .workers import BodyPrerender

Progress = Callable[[str, int, int], None]  # (stage, done, total)
INLINE_IMAGES = 32  # source images resized in the main process while bodies are rendered ahead


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None  # default: <site>/public
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    preview: bool = False  # newsgen serve: badges on drafts and scheduled articles
    jobs: int | None = None  # processes; default: every core
    explain: bool = False  # collect why each page was re-rendered (build -v)
    # newsgen serve: render only these output files now (what the browser shows); the other pages
    # that changed keep their old file and are listed in BuildResult.deferred for a later build
    only: frozenset[str] | None = None
    # `newsgen build`: the process ends right after this build (cli.py), so what the build made is
    # left in memory (_LEFT) instead of freed object by object on return: 70 ms at 10k articles
    exiting: bool = False


_LEFT: list[object] = []

@dataclass
class BuildResult:
    articles: int = 0
    pages: int = 0  # files planned (pages, feeds, sitemaps)
    rendered: int = 0
    unchanged: int = 0  # pages skipped because nothing they show changed
    written: int = 0  # files actually written (pages whose bytes changed, copies)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # output files written this build
    deferred: list[str] = field(default_factory=list)  # pages left out by BuildOptions.only: still stale
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, seconds), for build -v

    def timings(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.pages} pages: {self.rendered} rendered, "
                f"{self.unchanged} unchanged, {self.written} files written, {len(self.removed)} removed "
                f"in {self.seconds:.2f} s")


def build(root: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None,
          state: cache.State | None = None,
          publish_lock: AbstractContextManager[object] | None = None) -> BuildResult:
    """Build the site in `root`. Raises BuildError (nothing written) on any user mistake.
    `publish_lock` is held while the staged files are moved into place and stale ones pruned
    (newsgen serve makes page requests wait on it)."""
    started = time.perf_counter()
    out = (options.out or root / "public").absolute()
    # the inputs' stamps, taken before anything is read (a file saved during the build is seen by the next)
    links: list[str] = []
    stamps = snapshot.take(root, links)
    key = _snapshot_key(out, options)
    last = snapshot.load(root, out) if options.only is None else None
    clock = tz_now(ZoneInfo("UTC")).timestamp()
    if state is None and last is not None and snapshot.unchanged(last, key, stamps, clock, out):
        return BuildResult(articles=last.articles, pages=last.pages, unchanged=last.pages,
                           seconds=time.perf_counter() - started)
    with contextlib.ExitStack() as held:  # the output's lock, from the first write to the cache saved
        return _build(root, out, options, progress, state, publish_lock, started, stamps, links, key, held)


def _build(root: Path, out: Path, options: BuildOptions, progress: Progress | None, state: cache.State | None,
           publish_lock: AbstractContextManager[object] | None, started: float, stamps: snapshot.Stamps,
           links: list[str], key: str, held: contextlib.ExitStack) -> BuildResult:
    # the stages are imported here, so that a build with nothing to do never loads Jinja, the
    # Markdown engine or Pillow
    from . import images, search
    from .config import load_config
    from .context import RenderInputs
    from .inputs import check_links
    from .output import (
        MARKER,
        Staging,
        check_output_folder,
        clean_leftovers,
        is_empty,
        journal,
        locked,
        prune,
        read_manifest,
        stage_copy,
        unfinished,
        write_manifest,
    )
    from .pages import collisions, plan
    from .render import make_env, template_digests
    from .site import Selection, select
    from .urls import UnsafePath, forget_checked
    from .workers import RenderJob, jobs_wanted, make_images, render_all

    result = BuildResult()
    lap = _stopwatch(result.stages, started)
    config = load_config(root)
    if options.base_url:
        config = _with_base_url(config, options.base_url)
    forget_checked()
    problems = check_output_folder(out, root) + check_links(root, links)
    if problems:
        raise BuildError(problems)
    persist = state is None  # a caller's state (newsgen serve) lives in its memory, not on disk
    if state is None:
        with _no_gc():
            state, warning = cache.load(root, out)
        if warning:
            result.warnings.append(warning)
    if unfinished(out):  # pages written in place by a build that was killed: compare them all
        state.pages = {}
    jobs = jobs_wanted(options.jobs)

    # content: discover, parse (what changed), validate
    images_before = dict(state.images)
    lap("start")
    articles, reparsed, parsed_any = _parse(root, config, state, jobs, progress, stamps)
    diags = [d for e in state.parsed.values() for d in e.diagnostics]
    now = tz_now(config.tz)
    chosen = select(articles, now, Selection(drafts=options.drafts or options.preview,
                                             future=options.future or options.preview))
    lap("parse")
    # article bodies rendered ahead, while the site model and the plan are made (a first build)
    prerender = _prerender(chosen, config, state, options, jobs, failed=bool(diags))
    try:
        # site model and plan (built even when some articles failed, so every error shows at once)
        related_before, site_before = dict(state.related), state.site
        with _no_gc():
            # (related lists ranked here, not in a second pool, while the prerender keeps the cores busy)
            site, more, reused = _site_model(chosen, config, state, 1 if prerender else jobs)
        diags += more
        known = None
        if reused:  # same site model: listings show the same; an article page changes only with its article
            known = {out: fp[2].split("|", 2)[2] for out, fp in state.pages.items()
                     if fp[2].startswith(("article||", "listing||"))}
            for rel in reparsed:
                entry = state.parsed.get(rel)
                if entry is not None and entry.article is not None:
                    known.pop(f"{entry.article.url}index.html", None)
        lap("site model")
        with _no_gc():
            specs = plan(site, config, now, known)
        for first, second in collisions(specs):
            if first.kind == second.kind == "article":
                continue  # reported above with both files named
            diags.append(Diagnostic(second.out, None, f"two pages would be written to /{second.url}",
                                    f"the {first.kind} page and the {second.kind} page share it: rename one"))
        if diags:
            raise BuildError(diags)
        result.articles, result.pages = len(site.articles), len(specs)

        # decide what to render: a page whose fingerprint is unchanged and whose file exists is skipped
        env = make_env(config)
        digests = template_digests(env, sorted({s.template for s in specs if s.template}), state.template_refs)
        common = hashlib.blake2b(f"{cache.VERSION}|{config.digest}|{options.preview}|{config.base_url}|{now.year}"
                                 .encode(), digest_size=12).hexdigest()  # the year: the footer's copyright line
        fingerprints: dict[str, cache.Fingerprint] = {}
        todo = []
        out_prefix = f"{out}/"
        for spec in specs:
            fp = (common, digests.get(spec.template, ""), f"{spec.kind}|{spec.ref if spec.kind == 'feed' else ''}|"
                  f"{spec.inputs}")
            fingerprints[spec.out] = fp
            previous = state.pages.get(spec.out)
            if previous == fp and os.path.exists(out_prefix + spec.out):
                result.unchanged += 1
                continue
            if options.only is not None and spec.out not in options.only:
                result.deferred.append(spec.out)  # its old file stays; the next build renders it
                if previous is None:
                    del fingerprints[spec.out]
                else:
                    fingerprints[spec.out] = previous
                continue
            todo.append(spec)
            if options.explain:
                result.reasons.append(f"/{spec.url}: {_why(previous, fp, spec)}")
        result.rendered = len(todo)
        if result.deferred:
            state.site = None  # deferred pages keep older fingerprints: the next build computes every page's inputs

        lap("plan")
        # stage images, files and pages; nothing replaces the old output until everything has succeeded
        held.enter_context(locked(root, out))  # one build at a time writes into an output folder
        snapshot.forget(root, out)  # until this build has finished, the next one cannot skip its work
        clean_leftovers(out)  # what an interrupted build left
        empty_before = is_empty(out)  # then nothing in it is stale
        written_before = read_manifest(out)
        if written_before is None:  # no output, or an older newsgen's: what its cache says it wrote
            marked = state.outputs is not None and (out / MARKER).exists()
            written_before = frozenset(state.outputs or ()) if marked and not empty_before else frozenset()
        staging = Staging(out)
        keep = {s.out for s in specs} | ({f"{search.FOLDER}/"} if config.search else set())
        try:
            # images and files first: on a first build the main process would otherwise wait here for
            # the bodies rendered ahead, and do this alone at the end
            variants = images.for_article_images(_article_images(site.articles))
            image_cache = root / cache.CACHE_DIR / "images"
            spool: Mapping[str, Spooled] | None = None

            def make(todo: list[ImageWork]) -> list[ImageDone]:
                nonlocal spool
                if prerender is not None and spool is None:
                    if len(todo) <= INLINE_IMAGES:  # a few photos: here, not in a pool forked while the
                        return make_images(root, image_cache, 1, todo)  # prerender pool's threads run
                    spool = prerender.collect()  # many: the bodies first, then the whole pool resizes
                return make_images(root, image_cache, jobs, todo)

            made, image_diags = images.process(root, variants, image_cache, state.images, run=make)
            if image_diags:
                raise BuildError(image_diags)
            copies = [*_files_to_copy(config, site.articles), *made.items()]
            keep.update(rel for rel, _ in copies)
            listed = journal(out, written_before, keep, in_place=empty_before)  # before anything is written
            for rel, source in copies:
                staging.add(stage_copy(out, rel, source))
            lap("images and files")
            encoded = None
            if prerender is not None and persist:
                # the cache as it will be saved after a successful build (pages and outputs are known
                # now), encoded while the workers finish the bodies (0.2 s at 10k, else alone at the end)
                encoded = cache.encode(dataclasses.replace(state, pages=fingerprints,
                                                           outputs=frozenset({*keep, MARKER})))
            if spool is None:
                spool = prerender.collect() if prerender is not None else {}
            inputs = RenderInputs(config=config, site=site, now=now, preview=options.preview, spool=spool)
            tick = _ticker(progress, "render", len(todo))
            page_results = render_all(RenderJob(inputs, todo, out, fresh=empty_before), jobs, tick)
            for r in page_results:
                staging.add(r.staged)
            render_diags = [r.diagnostic for r in page_results if r.diagnostic]
            if render_diags:
                raise BuildError(render_diags)
        except (BuildError, UnsafePath, OSError) as exc:
            staging.rollback()
            if isinstance(exc, BuildError):
                raise
            raise BuildError([Diagnostic(str(getattr(exc, "filename", "") or exc), None,
                                         "cannot write this file into the output folder")]) from None
        except BaseException:  # a worker killed, an interrupt: nothing staged stays behind either
            staging.rollback()
            raise
        lap("render")
    finally:
        if prerender is not None:
            prerender.close()
    result.changed = sorted(t[len(out_prefix):] for _, t in staging.pending)
    with publish_lock or contextlib.nullcontext():
        result.written = staging.commit()
        keep.add(MARKER)
        result.removed = prune(out, keep, listed)
        if listed != keep - {MARKER} or empty_before:
            write_manifest(out, keep)
        if config.search and (result.written or result.removed or not (out / search.FOLDER).is_dir()):
            search.index(out)

    lap("write")
    changed_state = (parsed_any or state.pages != fingerprints or state.outputs != frozenset(keep)
                     or state.images != images_before or state.related != related_before
                     or state.site is not site_before)
    state.pages = fingerprints
    state.outputs = frozenset(keep)
    if changed_state and persist:
        if encoded is not None:
            cache.write(root, out, encoded)
        else:
            cache.save(root, out, state)
    if options.only is None and persist:
        snapshot.save(root, out, snapshot.Snapshot(key, stamps, _horizon(articles, site, now), sorted(keep),
                                                   result.articles, result.pages))
    lap("cache")
    result.seconds = time.perf_counter() - started
    if options.exiting:
        _LEFT.append(locals())
    return result


def _stopwatch(stages: list[tuple[str, float]], started: float) -> Callable[[str], None]:
    """lap(name): the time since the last lap, recorded as stage `name`."""
    last = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages.append((name, now - last[0]))
        last[0] = now

    return lap


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while big acyclic structures are made (the cache read back, the
    site model, the plan): it would scan them again and again for nothing (10k articles: reading the
    cache 0.5 s -> 0.2 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _snapshot_key(out: Path, options: BuildOptions) -> str:
    """What besides the input files decides a build's output: newsgen's code, the output folder
    and the options (jobs, explain and progress do not change the output)."""
    return (f"{cache.VERSION}|{out}|drafts={options.drafts}|future={options.future}|preview={options.preview}|"
            f"base_url={options.base_url}")


def _horizon(articles: list[Article], site: Site, now: dt.datetime) -> float:
    """The POSIX time from which the clock alone changes the output: the next scheduled article
    comes due, a story leaves the two-day news sitemap, or a new year starts (the footer's year)."""
    moments = [now.replace(year=now.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)]
    moments += [a.date for a in articles if a.date > now]
    two_days = dt.timedelta(days=2)
    moments += [a.date + two_days for a in site.articles[:1000] if a.date + two_days > now]
    return min(moments).timestamp()


def _ticker(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda n: progress(stage, n, total)


def _why(previous: cache.Fingerprint | None, now: cache.Fingerprint, spec: PageSpec) -> str:
    """Why a page is rendered again, for `build -v`."""
    if previous is None:
        return "new page"
    if previous == now:
        return "its file was missing from the output"
    if previous[0] != now[0]:
        return "newsgen.yaml, --base-url or newsgen itself changed"
    if previous[1] != now[1]:
        return f"template {spec.template} (or a template it uses) changed"
    what = {"article": "the article or a story it links to changed",
            "listing": "an article it lists changed, or its page range moved"}
    return what.get(spec.kind, "what it shows changed")


def _with_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BuildError([Diagnostic("--base-url", None, f'"{base_url}" is not a web address',
                                     "e.g. https://news.example.org/")])
    if not base_url.endswith("/"):
        base_url += "/"
    return dataclasses.replace(config, base_url=base_url)


def _prerender(chosen: list[Article], config: SiteConfig, state: cache.State, options: BuildOptions,
               jobs: int, failed: bool) -> BodyPrerender | None:
    """A BodyPrerender when this build renders every article page (no page fingerprints from an
    earlier build: a first build, or the cache deleted) and enough of them for a pool to pay; not
    when parsing already failed (`failed`: the build stops after the site model)."""
    from .workers import PRERENDER_MIN, BodyPrerender

    if jobs <= 1 or state.pages or options.only is not None or len(chosen) < PRERENDER_MIN or failed:
        return None
    try:
        return BodyPrerender(config, chosen, jobs)
    except OSError:  # no temp folder to write to, no process to fork: the pages render their bodies
        return None


def _site_model(chosen: list[Article], config: SiteConfig, state: cache.State,
                jobs: int = 1) -> tuple[Site, list[Diagnostic], bool]:
    """The site model; the last build's when nothing it is made of changed (only article bodies did,
    say): which articles, and of each what lists show of it (card digest: title, date, section,
    authors, tags...), and the config. Says whether it was reused."""
    from . import statecodec
    from .site import build_site

    h = hashlib.blake2b(config.digest.encode(), digest_size=16)
    for a in sorted(chosen, key=lambda a: a.source):
        h.update(f"\0{a.source}\0{a.card_digest}".encode())
    key = h.hexdigest()
    if state.site is not None and state.site[0] == key:
        try:
            return statecodec.unpack_site(state.site[1], {a.source: a for a in chosen}, config.sections), [], True
        except (KeyError, TypeError, ValueError):
            pass  # a damaged entry: compute it
    from .workers import rank_all

    site, diags = build_site(chosen, config, state.related, functools.partial(rank_all, jobs=jobs))
    state.site = (key, statecodec.pack_site(site)) if not diags else None  # never reuse one with errors
    return site, diags, False


def _parse(root: Path, config: SiteConfig, state: cache.State, jobs: int, progress: Progress | None,
           stamps: snapshot.Stamps) -> tuple[list[Article], set[str], bool]:
    """Parse the files that changed since the last build; reuse the rest. Also says which files
    were parsed, and whether anything was parsed or dropped (the cache then needs saving)."""
    from .content.discover import articles_in
    from .workers import parse_all

    if state.config_digest != config.digest:
        state.parsed = {}
        state.config_digest = config.digest
    rels = articles_in(stamps)
    todo: list[str] = []
    fresh: dict[str, cache.ParsedEntry] = {}
    for rel in rels:
        entry = state.parsed.get(rel)
        valid = cache.still_valid(root, entry, stamps) if entry is not None else None
        if valid is not None:
            fresh[rel] = valid
        else:
            todo.append(rel)
    if todo:
        _remember_images(root, state.parsed.values())  # the last build's entries, changed files' too
    tick = _ticker(progress, "parse", len(todo))
    for rel, entry in parse_all(root, config, todo, jobs, tick):
        fresh[rel] = entry
    changed = bool(todo) or len(fresh) != len(state.parsed) or any(
        fresh[rel] is not state.parsed.get(rel) for rel in fresh)
    state.parsed = fresh
    return [e.article for e in fresh.values() if e.article is not None], set(todo), changed


def _remember_images(root: Path, entries: Iterable[cache.ParsedEntry]) -> None:
    """Sizes of the images the cached articles use, for the files still in the version they had
    (each file once: many articles share a photo)."""
    from .content.frontmatter import remember_image_info

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
                    remember_image_info(f"{root}/{rel}", mtime_ns, size, (im.width, im.height, im.mime, im.length))


def _article_images(articles: tuple[Article, ...]) -> list[Image]:
    found: dict[str, Image] = {}
    for a in articles:
        if a.image is not None and a.image.source:
            found.setdefault(a.image.url, a.image)
        for asset in a.assets:
            if asset.image is not None:
                found.setdefault(asset.url, asset.image)
    return list(found.values())


def _files_to_copy(config: SiteConfig, articles: tuple[Article, ...]) -> list[tuple[str, Path]]:
    """Theme assets under theme/, the site's static/ (which wins), and every article's own files."""
    from .content.discover import is_junk
    from .render import theme_dir

    files: dict[str, Path] = {}
    for base, prefix in ((theme_dir() / "static", "theme/"), (config.static_dir, "")):
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not is_junk(d)]
            for name in filenames:
                if not is_junk(name):
                    path = Path(dirpath) / name
                    files[prefix + path.relative_to(base).as_posix()] = path
    for a in articles:
        for asset in a.assets:
            files[asset.url] = config.root / asset.source
    return sorted(files.items())
