"""The pipeline, top to bottom:

    inputs -> parse -> site model -> plan -> decide -> render -> publish -> remember

Each stage is a function with plain, typed data in and out, in a module named for it: `incremental.snapshot`
(inputs), `content.collect` (parse), `site` (site model), `pages` (plan), `incremental.decide` (decide),
`render.pages` (render), `publish` (publish), `incremental.cache` (remember). How the work is spread
over processes is the `parallel` package's business: stages are given an `Executor`.

Parse, site model, plan and decide are `_plan`, the whole way. An edit of article bodies only takes a short
way to the same output (`incremental.bodyedit`): the last plan, the pages that show those bodies redone.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .dates import now as tz_now
from .errors import BuildError, Diagnostic
from .incremental import snapshot
from .incremental.outputs import Outputs
from .incremental.state import State

if TYPE_CHECKING:
    import datetime as dt

    from .config import SiteConfig
    from .editions import BuildSite
    from .incremental.ahead import SavedAhead
    from .incremental.bodyedit import BodyEdit
    from .incremental.decide import Decision
    from .model import Article, Edition, Site
    from .pages import PageSpec
    from .parallel import Executor, Spool
    from .publish import Publication
    from .render.pages import PageResult
    from .site import RelatedMemo

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None  # default: <site>/public
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    preview: bool = False  # newsgen serve: badges on drafts and scheduled articles
    jobs: int | None = None  # processes; default: every core
    explain: bool = False  # collect why each page was re-rendered (build -v)
    # newsgen serve: render only these files now (what the browser shows); the others changed wait (`deferred`)
    only: frozenset[str] | None = None
    # `newsgen build` ends its process right after the build: what the build made is put in this list
    # (the CLI's), so that it is not freed object by object on return (70 ms at 10k articles)
    keep_alive: list[object] | None = field(default=None, compare=False)


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
    valid_until: float | None = None  # the POSIX time from which the clock alone changes the site (snapshot.horizon)
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, seconds), for build -v

    def timings(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.pages} pages: {self.rendered} rendered, "
                f"{self.unchanged} unchanged, {self.written} files written, {len(self.removed)} removed "
                f"in {self.seconds:.2f} s")


def build(root: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None,
          state: State | None = None, publish_lock: AbstractContextManager[object] | None = None,
          inputs: snapshot.Inputs | None = None) -> BuildResult:
    """Build the site in `root`. Raises BuildError, leaving the previous output as it was, on any user
    mistake. `state`: the build state kept in memory by the caller (newsgen serve) instead of the cache
    files; `publish_lock` is held while the staged files are moved into place and stale ones pruned;
    `inputs`: the stamps of the inputs as the caller knows them (newsgen serve: the last build's, updated
    with the paths its file watcher reported), instead of a walk of every input folder."""
    result = BuildResult()
    started = time.perf_counter()
    lap = _stopwatch(result, started)
    out = (options.out or root / "public").absolute()
    checked = inputs.checked if inputs is not None else None
    last: snapshot.Snapshot | None
    if checked is not None and state is None and options.only is None and Path(checked[0]).absolute() == out:
        _, last, outputs = checked  # `newsgen build` read the snapshot and started the check: a change was found
    elif state is not None:  # newsgen serve: the last good build's snapshot is in its memory (none while one runs);
        from .output import MARKER  # its output is its own: trusted to hold what it wrote while its manifest is there

        last, state.snapshot, outputs = state.snapshot, None, Outputs(out, (MARKER,), frozenset(state.early))
    else:
        last = snapshot.load(root, out) if options.only is None else None
        outputs = Outputs(out, last.outputs if last else ())  # checked aside while the inputs are walked
    found = inputs or snapshot.take(root)  # inputs: every file's stamp, taken before any is read
    key = snapshot.key(out, options.drafts, options.future, options.preview, options.base_url)
    if state is None and last is not None and snapshot.up_to_date(last, key, found,
                                                                   tz_now(ZoneInfo("UTC")).timestamp(), outputs):
        result.articles, result.pages, result.unchanged = last.articles, last.pages, last.pages
        result.seconds = time.perf_counter() - started
        return result  # nothing to do: Jinja, the Markdown engine and Pillow are never loaded
    # the stages are imported here, after the no-change exit
    from . import search
    from .config import load_config, with_base_url
    from .incremental import cache, keyed
    from .incremental.ahead import SavedAhead
    from .incremental.bodyedit import body_edit
    from .inputs import check_inputs
    from .output_guard import check_output_folder
    from .parallel import Executor, jobs_wanted
    from .publish import Publication

    config = with_base_url(load_config(root), options.base_url)
    _refuse(check_output_folder(out, root, ours=bool(last)) + check_inputs(root, found) + search.missing(config))
    remembered = _remembered(root, out, state, last, result.warnings)  # (the articles not decoded yet)
    before = (dict(remembered.images), keyed.unchanged(remembered.related), remembered.site)
    lap("start")

    with Executor(jobs_wanted(options.jobs)) as executor:
        # an edit of article bodies only: the last build's plan, with the pages that show them fingerprinted again
        short = body_edit(root, config, found, last, key, remembered, outputs, tz_now(config.tz), options.preview,
                          options.explain) if last is not None and options.only is None else None
        planned = _planned(short) if short is not None else _plan(root, config, found, remembered, options, executor,
                                                                   progress, out, outputs, lap, result.warnings,
                                                                   last, state is not None)
        editions, decision = planned.editions, planned.decision
        result.articles, result.pages, result.rendered = planned.articles, planned.pages, len(decision.todo)
        result.unchanged, result.deferred, result.reasons = decision.unchanged, decision.deferred, decision.reasons
        if decision.deferred:  # deferred pages keep older fingerprints: the next build computes every page's inputs
            remembered.site = None
        lap("plan")

        with Publication(root, out, remembered.outputs, (short.manifest, short.keep) if short else None) as publication:
            snapshot.forget(root, out)  # until this build has finished, the next one cannot skip its work
            keep = _images_and_files(root, config, planned, remembered, publication, executor)
            lap("images and files")
            persist = state is None
            changed = (planned.changed or remembered.images != before[0] or keyed.differ(remembered.related, before[1])
                       or remembered.site is not before[2])
            # saved while the workers finish the bodies rendered ahead, not alone at the end (incremental/ahead.py)
            ahead = SavedAhead(root, out, remembered, decision.fingerprints, keep, changed) if (
                persist and executor.busy) else None
            _render(editions, planned.now, options.preview, decision, publication, executor, progress, ahead)
            result.changed = sorted([rel for _, rel in publication.staging.pending])
            lap("render")
            result.written, result.removed = publication.publish(keep, publish_lock)
            search.refresh(config, out, bool(result.written or result.removed))
            lap("write")
            warning = ahead.done() if ahead is not None else cache.remember(
                root, out, remembered, decision.fingerprints, keep, changed, persist, decision.deferred)
            if warning:
                result.warnings.append(warning)
            result.valid_until = planned.valid_until()
            if options.only is None and not warning:  # (a cache not saved: no snapshot to go with it)
                names = snapshot.names(keep, last, planned.keep is not None) if persist else []  # (sorted)
                done = snapshot.Snapshot(key, found, result.valid_until, names,
                                         result.articles, result.pages, since=planned.now.timestamp(),
                                         state=remembered.token)
                if persist:
                    snapshot.save(root, out, done)
                else:  # (newsgen serve: its output is its own, no snapshot of it is saved)
                    remembered.snapshot = done
            lap("cache")
    if (kept := options.keep_alive) is not None:  # (serve/early.py reads the last; `outputs` reaps its child)
        kept += [(found, last, publication, planned, keep), (remembered, editions, planned.specs, decision)]
    return result


# ---------------------------------------------------------------------------- the stages' details


def _stopwatch(result: BuildResult, started: float) -> Callable[[str], None]:
    """lap(name): the time since the last lap, recorded as stage `name` (and the total so far)."""
    last = started

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        result.stages.append((name, now - last))
        result.seconds = now - started
        last = now

    return lap


def _refuse(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        raise BuildError(diagnostics)


@dataclass
class _Planned:
    """What the plan stage hands on, whichever way it went (the whole way or an edit of bodies only)."""

    editions: list[Edition]
    decision: Decision
    now: dt.datetime
    articles: int  # on the site (every edition's)
    pages: int  # planned
    changed: bool  # the build state changed (articles parsed or dropped)
    valid_until: Callable[[], float]  # snapshot.horizon: when the clock alone changes the output
    specs: list[PageSpec] | None = None  # every page (None: the last build's, `keep`)
    shown: list[Article] = field(default_factory=list)  # every edition's articles (images and files)
    keep: AbstractSet[str] | None = None  # every file the output keeps, when known without the plan (the last build's)
    carried: Mapping[str, object] = field(default_factory=dict)  # pages not planned (decide.carry_over)


def _plan(root: Path, config: SiteConfig, found: snapshot.Inputs, remembered: State, options: BuildOptions,
          executor: Executor, progress: Progress | None, out: Path, outputs: Outputs,
          lap: Callable[[str], None], warnings: list[str], last: snapshot.Snapshot | None, whole: bool) -> _Planned:
    """The whole way: parse what changed, the site model, every page's spec and which to render. `last`: the
    last build's snapshot (its clock; its stamps are let go of); `whole`: every page planned, none carried."""
    from .content.collect import parse_site
    from .editions import site_models
    from .incremental.codec import materialize
    from .incremental.decide import carry_over, common_key, decide
    from .incremental.reuse import known_inputs
    from .pages import came_due, collision_diagnostics, plan_carrying, plan_editions
    from .render.environment import make_env
    from .render.templates import template_digests, with_syntax_problems
    from .site import Selection, select

    since = last.release() if last is not None else None
    if not materialize(remembered):  # every article the cache holds (one it cannot give: start over)
        warnings.append(f"{root / '.newsgen-cache'}: build cache unreadable (a damaged part), doing a full build")
    # every article page is rendered: no page fingerprints (a first build, or an empty output folder: a CI
    every = options.only is None and not remembered.pages  # runner that restored the cache)
    parsed = parse_site(root, config, found.stamps, remembered, executor, progress, spool_bodies=every)
    snapshot.parse_done(found, kept=whole)  # (the stamps let go of: packed, they are what the snapshot saves)
    # until this build finishes (State.unrendered); a first build's set itself, not a copy of a million names
    remembered.unrendered = remembered.unrendered | parsed.reparsed if remembered.unrendered else parsed.reparsed
    now = tz_now(config.tz)
    chosen = select(parsed.articles, now, Selection(drafts=options.drafts or options.preview,
                                                    future=options.future or options.preview))
    lap("parse")
    problems = parsed.errors(options.drafts or options.preview, warnings)  # (a draft's: warnings unless drafts built)
    _render_bodies_ahead(executor, config, chosen, parsed.markdown, every and not problems)
    parsed.markdown = None  # (its index: the workers have it; `parsed` itself lives to the end of the build)

    editions, site_diags, stale = site_models(chosen, config, remembered, _site_builder(executor))
    articles = [a for edition in editions for a in edition.site.articles]
    lap("site model")
    if options.preview and stale is not None and came_due(chosen, since, now):
        stale = None  # a story scheduled then is due now: its badge leaves every page that shows it
    known = known_inputs(remembered, remembered.unrendered, stale) if stale is not None else None
    specs, carry = plan_carrying(editions, now, known, options.preview, options.only is None and not whole)
    clash = collision_diagnostics(specs, [e.site for e in editions])
    _refuse(with_syntax_problems(config, problems + site_diags + clash))
    used = {s.template for s in specs if s.template} | {template for template, _ in carry or ()}
    templates = template_digests(make_env(config), sorted(used), remembered.template_refs)
    common = common_key(config, options.preview, now)
    kept = carry_over(carry, common, templates, remembered.pages, outputs.there) if carry else None
    if carry and kept is None:
        specs = plan_editions(editions, now, known, options.preview)  # one to render: every page planned
    decision = decide(specs, common, templates, remembered.pages, outputs.there, options.only, options.explain, kept)
    return _Planned(editions, decision, now, len(articles), len(specs) + len(kept or ()), parsed.changed,
                    lambda: snapshot.horizon(parsed.articles, articles, now), specs, articles, carried=kept or {})


def _planned(edit: BodyEdit) -> _Planned:
    """An edit of article bodies only (incremental/bodyedit.py): the output keeps the last build's files."""
    return _Planned(edit.editions, edit.decision, edit.now, edit.articles, edit.pages, True, lambda: edit.valid_until,
                    keep=edit.keep)


def _remembered(root: Path, out: Path, state: State | None, last: snapshot.Snapshot | None,
                warnings: list[str]) -> State:
    """newsgen serve's `state`, or the cache read (its articles decoded when first needed), without its page
    fingerprints (every page rendered) when they may not describe the output: a build that wrote pages in place
    was killed, the output is empty (not even decoded), or another build wrote it (a delta file lost...)."""
    from .fileio import is_empty
    from .incremental import cache
    from .output import unfinished

    remembered, warning = (state, None) if state is not None else cache.load(root, out, lazy=True)
    warnings.extend([warning] if warning else [])
    if unfinished(out) or is_empty(out) or (state is None and (last is None or last.state != remembered.token)):
        remembered.pages = {}
    return remembered


def _render_bodies_ahead(executor: Executor, config: SiteConfig, chosen: list[Article], markdown: Spool | None,
                         wanted: bool) -> None:
    """When every article page will be rendered and parsing did not fail (`wanted`), and there are enough for a
    pool to pay, the article bodies rendered over it while this process builds the site model and the plan.
    `markdown`: the bodies the parse stage spooled (taken over, or removed)."""
    from .content.body import article_html
    from .parallel import PRERENDER_MIN, BodiesAhead

    if executor.jobs <= 1 or len(chosen) < PRERENDER_MIN or not wanted:
        if markdown is not None:
            markdown.discard()
        return
    with contextlib.suppress(OSError):  # no temp folder, no fork: pages render their bodies (BodiesAhead cleaned up)
        executor.background = BodiesAhead(functools.partial(article_html, config), chosen, executor.jobs, markdown)


def _site_builder(executor: Executor) -> BuildSite:
    """build_site(articles, config, related_memo), ranking the related lists the memo (the last build's) cannot
    give over the executor (in this process while bodies are rendered ahead: the pool is busy)."""
    from .site import RANK_PARALLEL_MIN, build_site, rank_task

    def rank(ranker: Callable[[int], tuple[int, ...]], ids: list[int]) -> list[tuple[int, tuple[int, ...]]]:
        return executor.map(rank_task, ranker, ids, inline_below=RANK_PARALLEL_MIN, inline_while_busy=True)

    def one(articles: list[Article], config: SiteConfig, memo: RelatedMemo) -> tuple[Site, list[Diagnostic]]:
        return build_site(articles, config, related_memo=memo, rank=rank)

    return one


def _images_and_files(root: Path, config: SiteConfig, planned: _Planned, state: State, publication: Publication,
                      executor: Executor) -> AbstractSet[str]:
    """Responsive image variants made (or found in the image cache) and every file to copy staged, before the
    pages: on a first build this process would otherwise wait for the bodies rendered ahead and do this alone
    at the end. Returns every file the output will hold (an edit of bodies only: the last build's files)."""
    from . import images, search
    from .clashes import output_clashes
    from .files import article_images, files_to_copy
    from .incremental.cache import CACHE_DIR

    if planned.keep is not None:
        publication.expect(planned.keep)
        return planned.keep
    assert planned.specs is not None
    articles = planned.shown
    cache_dir = root / CACHE_DIR / "images"

    def make(todo: list[images.ImageWork]) -> list[images.ImageDone]:
        return executor.map(images.variants_task, (root, cache_dir), todo, smallest=1, inline_below=4)

    made, problems = images.process(root, images.for_article_images(article_images(articles)), cache_dir,
                                    state.images, run=make)
    copies = [*files_to_copy(config, articles), *made.items()]
    _refuse(problems + output_clashes(root, planned.specs, planned.carried, copies, [e.site for e in planned.editions]))
    keep = {s.out for s in planned.specs}  # (one set, updated: 1.28 million names at 1M articles)
    keep.update(planned.carried.keys(), [rel for rel, _ in copies], [f"{search.FOLDER}/"] if config.search else [])
    publication.expect(keep)  # listed in the output's manifest before the first file is written
    for staged in [publication.staging.copy(rel, source) for rel, source in copies]:
        publication.staging.add(staged)
    return keep


def _render(editions: list[Edition], now: dt.datetime, preview: bool, decision: Decision,
            publication: Publication, executor: Executor, progress: Progress | None, saved: SavedAhead | None) -> None:
    """Every page to render, edition by edition (each with its own language's templates). A page that
    fails: what was `saved` ahead for after the build is removed."""
    from .content.body import Bodies
    from .pages import root_redirects
    from .render.inputs import RenderInputs
    from .render.limits import reset
    from .render.pages import loaded_templates, once_each, render_all

    reset()  # (render.limits: a page stopped in a build before, by newsgen serve; once for every edition)
    todos = [[s for s in decision.todo if s.edition == k] for k in range(len(editions))]
    envs = loaded_templates([e.config for e in editions], todos, executor)  # (while the bodies ahead are finished)
    ahead = executor.background.spool() if executor.background is not None else None
    bodies = Bodies(editions[0].config, ahead)
    done = 0
    failed: list[Diagnostic] = []  # (results are staged as they come: not one list of every page's)
    for k, (edition, todo) in enumerate(zip(editions, todos, strict=True)):  # every edition's, even after one's errors
        inputs = RenderInputs(config=edition.config, site=edition.site, now=now, bodies=bodies, preview=preview,
                              alternates=edition.alternates, redirects=root_redirects(editions, k), env=envs[k])
        tick = (lambda n, d=done: progress("render", d + n, len(decision.todo))) if progress else None
        render_all(inputs, todo, publication.staging, executor, tick,
                   each=functools.partial(_staged, publication, failed))
        done += len(todo)
    if failed and saved is not None:
        saved.cancel()
    _refuse(once_each(failed))


def _staged(publication: Publication, failed: list[Diagnostic], results: list[PageResult]) -> None:
    """Pages rendered (a chunk's, as they come): staged, or their diagnostics kept."""
    for r in results:
        if r.diagnostic is not None:
            failed.append(r.diagnostic)
        else:
            publication.staging.add(r.staged)
