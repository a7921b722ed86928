"""`newsgen check`: every stage but writing. Config, articles, site model, and each template once."""

from __future__ import annotations

from pathlib import Path

from . import search
from .clashes import output_clashes
from .config import load_config
from .content.body import Bodies
from .content.collect import parse_site
from .dates import now as tz_now
from .editions import site_models
from .errors import BuildError, Diagnostic
from .files import article_images, files_to_copy
from .images import for_article_images
from .incremental import snapshot
from .incremental.cache import CACHE_DIR
from .incremental.state import State
from .inputs import check_inputs
from .pages import collision_diagnostics, plan_editions
from .parallel import Executor, jobs_wanted
from .render.inputs import RenderInputs
from .render.limits import guarded, limited, reset, tripped
from .render.pages import Renderer, template_diagnostic
from .render.templates import with_syntax_problems
from .site import Selection, build_site, select


def check_site(root: Path, drafts: bool = False) -> int:
    config = load_config(root)
    found = snapshot.take(root)
    diags: list[Diagnostic] = check_inputs(root, found) + search.missing(config)
    # a link leading out of the site is reported, never followed: nothing under it is read (as a build refuses
    # before reading anything; a link's target must not reach the output of a check run in CI either)
    outside = tuple(d.path.rstrip("/") for d in diags)
    stamps = {rel: st for rel, st in found.stamps.items()
              if not any(rel == o or rel.startswith(o + "/") for o in outside)} if outside else found.stamps
    parsed = parse_site(root, config, stamps, State(), Executor(jobs_wanted(None)))
    diags += parsed.diagnostics
    now = tz_now(config.tz)
    chosen = select(parsed.articles, now, Selection(drafts=drafts, future=True))
    editions, more, _ = site_models(chosen, config, State(), lambda arts, cfg, memo: build_site(arts, cfg, memo))
    diags += more
    specs = plan_editions(editions, now)
    diags = with_syntax_problems(config, diags + collision_diagnostics(specs, [e.site for e in editions]))
    if not diags:  # what the build would copy (the resized images by their names: none is made here)
        shown = [a for e in editions for a in e.site.articles]
        cached = root / CACHE_DIR / "images"
        variants = [(v.url, cached / v.url) for v in for_article_images(article_images(shown))]
        copies = [*files_to_copy(config, shown), *variants]
        diags = output_clashes(root, specs, (), copies, [e.site for e in editions])
    seen: set[tuple[int, str, str]] = set()
    reset()
    for k, edition in enumerate(editions if not diags else ()):  # one page of each kind, in memory
        inputs = RenderInputs(config=edition.config, site=edition.site, now=now, bodies=Bodies(config),
                              preview=True, alternates=edition.alternates)
        renderer = Renderer(inputs, cache=False)
        with limited():
            for spec in specs:
                if spec.edition != k or (k, spec.kind, spec.template) in seen or tripped() is not None:
                    continue
                seen.add((k, spec.kind, spec.template))
                try:
                    guarded(renderer.render, spec)
                except Exception as exc:  # noqa: BLE001 - reported with the template's line
                    diags.append(template_diagnostic(exc, config, spec))
    if diags:
        raise BuildError(diags)
    return len(parsed.articles)
