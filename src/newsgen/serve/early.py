"""The page on screen first: after an edit, the pages the open tabs show are rendered from the site
model kept in memory, written and reloaded before the build brings the rest of the site up to date.

The last build's site model (one per edition) and plan stay in memory (`Memory`, from what `build()`
puts in `BuildOptions.keep_alive`). An edit that cannot change the model's shape gives the same model
with the edited articles in place of their old versions: the same order, sections, authors, tags,
listings, related lists and neighbours. Each shown page's spec in the last plan then still points at
the right article or listing, and rendering it gives the bytes the build will give. Such edits: an
article file saved with the same date, section, slug, authors, tags, aliases, draft flag and
translation key, whose new title keeps its place in the order (a headline, a summary, the body), and
template files. Anything else (a file added, removed or renamed, an image, newsgen.yaml, static/, an
article with errors) renders nothing here: the build does all of it, as without this module.

Never the last word: the build that follows renders these pages again. The same bytes are not
written again (the tab does not reload twice); if this shortcut ever disagreed with the build, the
build's page would replace it and the tab would reload once more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import load_config
from ..content.body import Bodies
from ..content.collect import known_images
from ..content.discover import is_article
from ..content.parse import parse_file
from ..dates import now as tz_now
from ..model import Article, Edition
from ..output import Staging
from ..pages import root_redirects
from ..render.inputs import RenderInputs
from ..render.limits import guarded, limited, reset
from ..render.pages import Renderer
from ..site import order_key
from .changes import classify

if TYPE_CHECKING:
    from ..incremental.state import State
    from ..pages import PageSpec


@dataclass
class Memory:
    """What the last successful build made that an early page needs."""

    editions: list[Edition]
    specs: dict[str, PageSpec]  # the plan, by output file
    where: dict[str, tuple[int, int]]  # article source -> (edition, index in its site model)


def remember(kept: list[object], previous: Memory | None = None) -> Memory | None:
    """The memory from `BuildOptions.keep_alive` after a build: (state, editions, specs, decision). After
    an edit of bodies only (specs None: the last build's plan, `incremental.bodyedit`), the `previous`
    memory with the articles of the pages it rendered in place of their old versions."""
    if not kept:
        return None
    last = kept[-1]
    assert isinstance(last, tuple)
    editions: list[Edition] = last[1]
    specs: list[PageSpec] | None = last[2]
    if specs is None:
        return _body_edited(previous, editions, last[3].todo) if previous is not None else None
    where = {a.source: (k, i) for k, e in enumerate(editions) for i, a in enumerate(e.site.articles)}
    return Memory(list(editions), {s.out: s for s in specs}, where)


def moved(before: Memory | None, after: Memory | None, removed: Collection[str]) -> dict[str, str]:
    """The article pages a build removed whose article is still there at another address (its slug made
    from a headline that changed; its file moved or renamed, its section changed in the same save):
    output file -> the article's URL path now."""
    if not before or not after or not removed:
        return {}
    gone = set(removed)
    found = {}
    lost: dict[str, Article] = {}  # removed pages whose file is gone too: moved or renamed, or deleted
    for source, (k, i) in before.where.items():
        article = before.editions[k].site.articles[i]
        out = f"{article.url}index.html"
        if out in gone and source in after.where:
            k2, i2 = after.where[source]
            found[out] = after.editions[k2].site.articles[i2].url
        elif out in gone:
            lost[out] = article
    if lost:
        new = [after.editions[k].site.articles[i] for source, (k, i) in after.where.items()
               if source not in before.where]
        found.update(_renamed(lost, new))
    return found


def _renamed(lost: dict[str, Article], new: list[Article]) -> dict[str, str]:
    """The pages of articles whose file is gone, each paired with the new file that is the same story
    moved or renamed (with its section changed, say): the one new article with its headline, or the one
    new article when one went and one came. Output file -> its URL path now."""
    if len(lost) == 1 and len(new) == 1:
        return {next(iter(lost)): new[0].url}
    titled: dict[str, list[Article]] = {}
    for a in new:
        titled.setdefault(a.title, []).append(a)
    return {out: found[0].url for out, a in lost.items() if len(found := titled.get(a.title, [])) == 1}


def _body_edited(memory: Memory, editions: list[Edition], todo: list[PageSpec]) -> Memory | None:
    """`memory` with each article whose page was rendered again taken from `editions` (the short way's
    model, which reads its articles as they are asked for; `patched` checks that each keeps its place)."""
    found: list[Edition] | None = memory.editions
    for spec in todo:
        if spec.kind == "article" and found is not None:
            new = editions[spec.edition].site.articles[spec.ref[0]]
            old = found[spec.edition].site.articles[spec.ref[0]]
            found = patched(found, memory.where, old, new)
    return Memory(found, memory.specs, memory.where) if found is not None else None


def shape(a: Article) -> tuple[object, ...]:
    """What of an article decides the site model's shape (besides the title's place in the order)."""
    return (a.source, a.url, a.date, a.section, a.authors, a.tags, a.draft, a.aliases, a.edition,
            a.translation_key)


def patched(editions: list[Edition], where: dict[str, tuple[int, int]], old: Article,
            new: Article) -> list[Edition] | None:
    """The editions with `new` in place of `old`, or None when that could change the model's shape."""
    place = where.get(old.source)
    if place is None or shape(old) != shape(new):
        return None
    k, i = place
    site = editions[k].site
    arts = list(site.articles)
    if arts[i].source != old.source:
        return None
    key = order_key(new)
    if (i > 0 and not order_key(arts[i - 1]) < key) or (i + 1 < len(arts) and not key < order_key(arts[i + 1])):
        return None  # the new title moves it among stories of the same moment
    arts[i] = new
    out = list(editions)
    out[k] = dataclasses.replace(editions[k], site=dataclasses.replace(site, articles=tuple(arts)))
    return out


def edited_model(root: Path, memory: Memory, state: State, paths: Iterable[str]) -> list[Edition] | None:
    """The site model after an edit of `paths`, or None when the build must make it."""
    editions = memory.editions
    config = None
    for rel in paths:
        kind = classify(rel)
        if kind == "template":
            continue
        if kind != "content" or not is_article(rel.rpartition("/")[2]):
            return None
        entry = state.parsed.get(rel)
        if entry is None or entry.article is None:
            return None
        if config is None:
            config = load_config(root)
            if config.digest != state.config_digest:
                return None
        article, diagnostics = parse_file(root, rel, config, known_images(root, [entry]))
        if article is None or diagnostics:
            return None  # the build reports it
        found = patched(editions, memory.where, entry.article, article)
        if found is None:
            return None
        editions = found
    return editions


def render_shown(root: Path, out: Path, memory: Memory | None, state: State, paths: Iterable[str],
                 shown: Iterable[str], preview: bool, lock: AbstractContextManager[object]) -> list[str] | None:
    """Render the shown output files after an edit of `paths` and move them into place (holding `lock`).
    Returns those whose bytes changed, or None when nothing could be rendered early."""
    if memory is None:
        return None
    editions = edited_model(root, memory, state, paths)
    if editions is None:
        return None
    specs = [memory.specs[rel] for rel in sorted(shown) if rel in memory.specs]
    if not specs:
        return None
    now = tz_now(editions[0].config.tz)
    renderers: dict[int, Renderer] = {}
    staging = Staging(out)
    reset()  # (render.limits: the page's time and memory are bounded)
    with limited():
        for spec in specs:
            renderer = renderers.get(spec.edition)
            if renderer is None:
                e = editions[spec.edition]
                renderer = renderers[spec.edition] = Renderer(RenderInputs(
                    config=e.config, site=e.site, now=now, bodies=Bodies(e.config), preview=preview,
                    alternates=e.alternates, redirects=root_redirects(editions, spec.edition)))
            try:
                staging.add(staging.write(spec.out, guarded(renderer.render, spec)))
            except Exception:  # noqa: BLE001 - a template error, a file saved again: the build reports it
                staging.rollback()
                return None
    changed = [rel for _, rel in staging.pending]
    with lock:
        staging.commit()
    return changed
