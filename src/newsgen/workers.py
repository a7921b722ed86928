"""Parallel work: parsing and rendering spread over a process pool (or done inline when small).

Render workers are forked after the site model is built, so each inherits it read-only; a task
names page numbers, and a worker returns staged files and diagnostics. (On a first build a pool
forked right after parsing renders the article bodies meanwhile: BodyPrerender.) Output is
byte-identical to a serial build because every page is rendered by the same pure function.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil  # (loaded anyway: tempfile, which Jinja's bytecode cache imports, imports it)
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from markupsafe import Markup

from . import statecodec, urls
from .config import SiteConfig
from .content.parse import parse_file
from .context import Helpers, RenderInputs, SourceChanged, Spooled, article_body, close_spool, context
from .errors import Diagnostic
from .fileio import append_bytes
from .images import ImageDone, ImageWork, make_variants
from .output import stage_bytes
from .pages import PageSpec
from .render import CardVariant, card_variants, make_env
from .state import ParsedEntry, Stamp, entry_for
from .urls import UnsafePath

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from .model import Article

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_MIN = 150  # below this many tasks a pool costs more than it saves


@dataclass
class RenderJob:
    inputs: RenderInputs
    specs: Sequence[PageSpec]
    out: Path
    fresh: bool = False  # the output folder was empty: pages are written under their own names
    cards: Mapping[tuple[object, ...], Markup] = field(default_factory=dict)  # rendered up front (cards_to_warm)


@dataclass
class PageResult:
    out: str
    staged: tuple[str, str] | None
    diagnostic: Diagnostic | None = None


class Renderer:
    """Renders pages to bytes; one per process."""

    def __init__(self, inputs: RenderInputs, cache: bool = True,
                 cards: Mapping[tuple[object, ...], Markup] | None = None) -> None:
        self.inputs = inputs
        self.env = make_env(inputs.config, cache=cache)
        self.helpers = Helpers(inputs, self.env)
        if cards:
            self.helpers.seed(cards)

    def render(self, spec: PageSpec) -> bytes:
        if spec.kind == "latest":
            return latest_json(self.inputs)
        template = self.env.get_template(spec.template)
        return template.render(context(spec, self.inputs, self.helpers)).encode("utf-8")


def latest_json(inputs: RenderInputs) -> bytes:
    """The shared "Latest News" list article pages refresh themselves from."""
    from .render import format_datetime

    config, arts = inputs.config, inputs.site.articles
    items = [{"title": arts[i].title, "url": urls.href(config, arts[i].url),
              "date": arts[i].date.isoformat(timespec="seconds"),
              "when": format_datetime(arts[i].date, config.language.replace("-", "_"), config.tz)}
             for i in inputs.site.latest]
    return (json.dumps({"items": items}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def template_diagnostic(exc: BaseException, config: SiteConfig, spec: PageSpec) -> Diagnostic:
    """A template error as `path:line: message`, pointing into the template that failed."""
    if isinstance(exc, SourceChanged):
        return exc.diagnostic
    path, line = _template_location(exc, config)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(path, line, f"template syntax error: {exc.message}", "check the {% %} and {{ }} tags")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(path, line, f'template "{exc.name}" not found',
                          "check the name in extends/include, or add it under templates/")
    if isinstance(exc, jinja2.UndefinedError):
        return Diagnostic(path, line, f"template error: {exc.message}", f"while rendering /{spec.url}")
    if isinstance(exc, OSError):
        return Diagnostic(getattr(exc, "filename", None) or path, None, f"cannot read: {exc.strerror}")
    return Diagnostic(path, line, f"template error: {type(exc).__name__}: {exc}", f"while rendering /{spec.url}")


def _template_location(exc: BaseException, config: SiteConfig) -> tuple[str, int | None]:
    filename: str | None = getattr(exc, "filename", None)
    line: int | None = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:  # jinja rewrites frames to point into templates
        code = tb.tb_frame.f_code.co_filename
        if code.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            filename, line = code, tb.tb_lineno
        tb = tb.tb_next
    if not filename:
        return "templates", None
    p = Path(filename)
    try:
        return str(p.resolve().relative_to(config.root.resolve())), line
    except ValueError:
        return f"theme/{p.name}", line


def render_pages(renderer: Renderer, specs: Sequence[PageSpec], out: Path, fresh: bool = False) -> list[PageResult]:
    results = []
    for spec in specs:
        try:
            data = renderer.render(spec)
        except Exception as exc:  # noqa: BLE001 - reported as a diagnostic with the template line
            results.append(PageResult(spec.out, None, template_diagnostic(exc, renderer.inputs.config, spec)))
            continue
        try:
            results.append(PageResult(spec.out, stage_bytes(out, spec.out, data, fresh)))
        except (UnsafePath, OSError) as exc:
            results.append(PageResult(spec.out, None, Diagnostic(
                spec.out, None, "cannot write this file into the output folder",
                f"{type(exc).__name__}: check for links or special files in the output folder")))
    return results


# ---------------------------------------------------------------------------- the pool

_JOB: dict[str, Any] = {}  # per-process worker state, set by fork before tasks run


def _render_chunk(indexes: list[int]) -> list[PageResult]:
    job: RenderJob = _JOB["job"]
    renderer = _JOB.get("renderer")
    if renderer is None:
        renderer = _JOB["renderer"] = Renderer(job.inputs, cards=job.cards)
    return render_pages(renderer, [job.specs[i] for i in indexes], job.out, job.fresh)


def _card_chunk(todo: list[tuple[int, CardVariant]]) -> list[tuple[tuple[object, ...], str]]:
    job: RenderJob = _JOB["cards"]
    renderer = _JOB.get("renderer")
    if renderer is None:
        renderer = _JOB["renderer"] = Renderer(job.inputs)
    arts = job.inputs.site.articles
    return renderer.helpers.render_cards([(arts[i], variant) for i, variant in todo])


def cards_to_warm(job: RenderJob, env: jinja2.Environment) -> list[tuple[int, CardVariant]]:
    """The (article, card variant) pairs the pages to render will show, when a parallel build gains
    by rendering each once up front: the same card is on many pages (a story's card is on its
    section's, its authors' and its tags' lists, and among the related stories of newer ones), and
    workers that each rendered it when first asked would render it once per worker (at 10k
    articles: 36k card renders for 20k cards). Article and listing pages only, for the variants
    their templates ask for with constant arguments (render.card_variants)."""
    site = job.inputs.site
    variants: dict[str, frozenset[CardVariant]] = {}
    scanned: dict[str, tuple[frozenset[CardVariant], tuple[str, ...]]] = {}  # templates sharing a base: parsed once
    wanted: dict[CardVariant, set[int]] = {}  # per variant, the articles shown (sets filled in C: 10k pages)
    uses = 0
    for spec in job.specs:
        if spec.kind == "article":
            ids: Sequence[int] = site.related[spec.ref[0]]
        elif spec.kind == "listing":
            ids = site.listings[spec.ref[0]].pages[spec.ref[1]].items
        else:
            continue
        found = variants.get(spec.template)
        if found is None:
            found = variants[spec.template] = card_variants(env, spec.template, scanned)
        for v in found:
            uses += len(ids)
            shown = wanted.get(v)
            if shown is None:
                shown = wanted[v] = set()
            shown.update(ids)
    pairs = [(i, v) for v, shown in wanted.items() for i in sorted(shown)]
    return pairs if len(pairs) >= PARALLEL_MIN and uses >= 2 * len(pairs) else []


# ---------------------------------------------------------------------------- bodies ahead of the pages
# A first build renders every article page. Article bodies (Markdown -> HTML, ~45 % of the render
# work) depend only on the article and the config, not on the site model: they are rendered by a
# pool while the main process builds the site model and the plan (~0.6 s at 10k articles, when the
# other core would be idle), and spooled to files that the page workers then read by offset.

PRERENDER_MIN = 1000  # articles: below this the window it fills is too small to pay for a pool


class BodyPrerender:
    """Bodies of `articles` rendered over a pool from the moment this is made; `collect()` waits
    and says where each went; `close()` (always) stops the pool and deletes the spool files."""

    def __init__(self, config: SiteConfig, articles: Sequence[Article], jobs: int) -> None:
        import tempfile

        _remove_stale_spools(tempfile.gettempdir())
        # named for this process: a build killed before its cleanup leaves one that the next removes
        self.folder = tempfile.mkdtemp(prefix=f"newsgen-bodies-{os.getpid()}-")
        _JOB.clear()
        _JOB["bodies"] = (config, articles, self.folder)
        self.pool: ProcessPoolExecutor | None = None
        try:  # a fork pool starts all its workers at the first submit: they have _JOB from then on
            self.pool = _pool(jobs)
            self.futures = [self.pool.submit(_body_chunk, chunk) for chunk in _chunks(range(len(articles)), jobs)]
        except BaseException:  # a fork that failed half-way (a process limit): no worker, no folder left
            self.close(kill=True)
            raise
        finally:
            _JOB.clear()

    def collect(self) -> dict[str, Spooled]:
        """Where each body is; a chunk that failed (a full disk, say) is left out: its pages
        render their bodies themselves, as without this."""
        out: dict[str, Spooled] = {}
        for future in self.futures:
            try:
                out.update(future.result())
            except Exception:  # noqa: BLE001, S112 - an optimisation that did not happen, not an error
                continue
        if self.pool is not None:
            self.pool.shutdown()
        return out

    def close(self, kill: bool = False) -> None:
        if self.pool is not None:
            if kill:
                for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                    process.kill()
            self.pool.shutdown(cancel_futures=True)
        close_spool()
        shutil.rmtree(self.folder, ignore_errors=True)


def _remove_stale_spools(temp: str) -> None:
    """Spool folders of builds that were killed (their process is gone)."""
    for folder in Path(temp).glob("newsgen-bodies-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
            os.kill(pid, 0)  # raises when no such process exists
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, IndexError, OSError):
            continue  # not ours, or another user's process


def _body_chunk(indexes: list[int]) -> list[tuple[str, Spooled]]:
    config, articles, folder = _JOB["bodies"]
    path = f"{folder}/{os.getpid()}.html"  # one file per worker, appended to chunk by chunk
    done: list[tuple[str, bytes]] = []
    for i in indexes:
        article = articles[i]
        try:
            done.append((article.source, str(article_body(config, article)).encode("utf-8")))
        except Exception:  # noqa: BLE001, S112 - its page renders the body and reports the problem
            continue
    at = append_bytes(path, b"".join(data for _, data in done))
    placed = []
    for source, data in done:
        placed.append((source, (path, at, len(data))))
        at += len(data)
    return placed


def _parse_chunk(rels: list[str]) -> list[tuple[str, tuple[Any, ...]]]:
    root, config = _JOB["parse"]
    # this worker's memo of shared images, kept across tasks; entries go back as tuples (statecodec.raw)
    return [(rel, statecodec.raw(e)) for rel, e in _parse_files(root, config, rels, _JOB.setdefault("deps", {}))]


def _parse_files(root: Path, config: SiteConfig, rels: list[str],
                 memo: dict[str, tuple[Stamp, str]]) -> list[tuple[str, ParsedEntry]]:
    return [(rel, entry_for(root, rel, *parse_file(root, rel, config), memo)) for rel in rels]


def _rank_chunk(ids: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    ranker = _JOB["rank"]
    return [(i, ranker(i)) for i in ids]


RANK_PARALLEL_MIN = 2000  # related lists: ~50 us each, so a pool pays for itself only on a first build


def rank_all(ranker: Callable[[int], tuple[int, ...]], ids: list[int],
             jobs: int) -> list[tuple[int, tuple[int, ...]]]:
    """Related lists (site.build_site's `rank`): over the pool when many must be computed (a first
    build: 0.5 s of the main process's time at 10k articles)."""
    if jobs <= 1 or len(ids) < RANK_PARALLEL_MIN:
        return [(i, ranker(i)) for i in ids]
    return _run("rank", ranker, _rank_chunk, ids, jobs, None)


def _image_chunk(todo: list[ImageWork]) -> list[ImageDone]:
    root, cache_dir = _JOB["images"]
    return make_variants(root, cache_dir, todo)


def jobs_wanted(requested: int | None) -> int:
    if requested:
        return max(1, requested)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _chunks(items: Sequence[T], jobs: int, smallest: int = 16) -> Iterator[list[T]]:
    """Tasks for the pool, shrinking as the work runs out (guided scheduling): big ones first, for
    little overhead, then smaller and smaller, so that the workers finish together."""
    start, n = 0, len(items)
    while start < n:
        size = max(smallest, min(400, (n - start) // (jobs * 4)))
        yield list(items[start : start + size])
        start += size


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing  # here: a build that renders a few pages never starts a pool
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_gc)


def _worker_gc() -> None:
    """A worker renders thousands of pages: the garbage collector is on there (`newsgen build` turns it
    off in the main process), with everything inherited from the parent frozen: never scanned, and
    its memory pages stay shared with the parent instead of being copied by the collector's writes."""
    import gc

    gc.freeze()
    gc.enable()


def _run(key: str, shared: object, fn: Callable[[list[T]], list[R]], items: Sequence[T], jobs: int,
         progress: Callable[[int], None] | None, smallest: int = 16) -> list[R]:
    """`fn` over chunks of `items` in a forked pool whose workers find `shared` in _JOB[key]."""
    _JOB.clear()
    _JOB[key] = shared
    results: list[R] = []
    try:
        with _pool(jobs) as pool:
            for part in pool.map(fn, _chunks(items, jobs, smallest)):
                results.extend(part)
                if progress:
                    progress(len(part))
    finally:
        _JOB.clear()
    return results


def render_all(job: RenderJob, jobs: int, progress: Callable[[int], None] | None = None) -> list[PageResult]:
    if jobs <= 1 or len(job.specs) < PARALLEL_MIN:
        renderer = Renderer(job.inputs)
        out: list[PageResult] = []
        for chunk in _chunks(job.specs, 1):
            out.extend(render_pages(renderer, chunk, job.out, job.fresh))
            if progress:
                progress(len(chunk))
        return out
    warm = cards_to_warm(job, make_env(job.inputs.config))
    if warm:
        cards = _run("cards", job, _card_chunk, warm, jobs, None)
        job = dataclasses.replace(job, cards={key: Markup(html) for key, html in cards})  # noqa: S704 - autoescaped
    return _run("job", job, _render_chunk, list(range(len(job.specs))), jobs, progress)


def parse_all(root: Path, config: SiteConfig, rels: list[str], jobs: int,
              progress: Callable[[int], None] | None = None) -> list[tuple[str, ParsedEntry]]:
    """Each file parsed, as the cache entry to keep (stamps and the digests of what it names)."""
    if jobs <= 1 or len(rels) < PARALLEL_MIN:
        return _parse_files(root, config, rels, {})
    zones: dict[object, Any] = {}
    return [(rel, statecodec.entry(t, zones)) for rel, t in _run("parse", (root, config), _parse_chunk, rels, jobs,
                                                                  progress)]


def make_images(root: Path, cache_dir: Path, jobs: int, todo: list[ImageWork]) -> list[ImageDone]:
    """Responsive image variants for the sources that need some, over the pool: resizing is the
    slowest work of a first build of a site with many photos."""
    if jobs <= 1 or len(todo) < 4:
        return make_variants(root, cache_dir, todo)
    return _run("images", (root, cache_dir), _image_chunk, todo, jobs, None, smallest=1)
