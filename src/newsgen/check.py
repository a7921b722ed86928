"""`newsgen check`: every stage but writing. Config, articles, site model, and each template once."""

from __future__ import annotations

from pathlib import Path

from . import snapshot
from .build import _parse
from .config import load_config
from .context import RenderInputs
from .dates import now as tz_now
from .errors import BuildError, Diagnostic
from .inputs import check_links
from .pages import collisions, plan
from .site import Selection, build_site, select
from .state import State
from .workers import Renderer, jobs_wanted, template_diagnostic


def check_site(root: Path, drafts: bool = False) -> int:
    config = load_config(root)
    state = State()
    links: list[str] = []
    stamps = snapshot.take(root, links)
    articles, _, _ = _parse(root, config, state, jobs_wanted(None), None, stamps)
    diags: list[Diagnostic] = [*check_links(root, links), *(d for e in state.parsed.values() for d in e.diagnostics)]
    now = tz_now(config.tz)
    site, more = build_site(select(articles, now, Selection(drafts=drafts, future=True)), config)
    diags += more
    specs = plan(site, config, now)
    diags += [Diagnostic(b.out, None, f"two pages would be written to /{b.url}")
              for a, b in collisions(specs) if not a.kind == b.kind == "article"]  # reported with both files
    if not diags:  # render one page of each kind, in memory
        renderer = Renderer(RenderInputs(config=config, site=site, now=now, preview=True), cache=False)
        seen: set[tuple[str, str]] = set()
        for spec in specs:
            if (spec.kind, spec.template) in seen:
                continue
            seen.add((spec.kind, spec.template))
            try:
                renderer.render(spec)
            except Exception as exc:  # noqa: BLE001 - reported with the template's line
                diags.append(template_diagnostic(exc, config, spec))
    if diags:
        raise BuildError(diags)
    return len(articles)
