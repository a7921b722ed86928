"""Pages rendered to bytes and staged for publishing: one pure function of (page, inputs), run inline
or over the build's processes with the same result.

On a parallel build the cards that many pages share (a story's card is on its section's, authors' and
tags' lists, and among the related stories of newer ones) are rendered once, up front (`cards`), and
read back by every worker; workers that each rendered a card when first asked would render it once per
worker (at 10k articles: 36k card renders for 20k cards).
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .. import urls
from ..config import SiteConfig
from ..content.body import SourceChanged
from ..content.typography import smart_text
from ..errors import Diagnostic
from ..pages import PageSpec
from ..parallel import Executor
from .cards import Cards, cards_up_front
from .context import context
from .direct import for_site
from .environment import format_datetime, load_dates, make_env, theme_dir
from .feeds import json_feed, redirects_file
from .helpers import Helpers, status
from .inputs import RenderInputs
from .limits import PageLimit, guarded, limited, tripped, unreported
from .sitemap import sitemap_xml, stock
from .templates import compiled

if TYPE_CHECKING:
    from ..output import Staging


@dataclass
class PageResult:
    out: str
    staged: tuple[str, str] | None
    diagnostic: Diagnostic | None = None


class Renderer:
    """Renders pages to bytes; one per process."""

    def __init__(self, inputs: RenderInputs, cache: bool = True, cards: Cards | None = None) -> None:
        self.inputs = inputs
        self.env = inputs.env if inputs.env is not None and cache else make_env(inputs.config, cache=cache)
        self.helpers = Helpers(inputs, self.env)
        self.stock_sitemap = stock(self.env, theme_dir() / "templates")  # (render.sitemap: without Jinja)
        self.direct = self.helpers.direct  # (render.direct: pages without Jinja)
        if cards:
            self.helpers.seed(cards)

    def word(self, message: str) -> str:
        """`{{ _(message) }}` as plain text: the theme's word in the site's language (for what is not HTML)."""
        return html.unescape(self.env.from_string("{{ _(message) }}").render(message=message))

    def render(self, spec: PageSpec) -> bytes:
        if spec.kind == "latest":
            return latest_json(self.inputs, self.word)
        if spec.kind == "redirects":
            return redirects_file(self.inputs)
        if spec.kind == "jsonfeed":
            return json_feed(context(spec, self.inputs, self.helpers), self.inputs, self.helpers)
        if spec.kind == "sitemap" and self.stock_sitemap:
            inputs = self.inputs
            return sitemap_xml(inputs.site, inputs.config, inputs.alternates, spec.ref[0] if spec.ref else None
                               ).encode("utf-8")
        values = context(spec, self.inputs, self.helpers)
        html = self.direct.page(spec, values) if self.direct is not None else None
        if html is not None:
            return html.encode("utf-8")
        return self.env.get_template(spec.template).render(values).encode("utf-8")


def latest_json(inputs: RenderInputs, word: Callable[[str], str]) -> bytes:
    """The shared "Latest News" list article pages refresh themselves from. In the preview, an item of a
    draft or a scheduled story also says so (`status`), with its badge's word in the site's language."""
    config, arts = inputs.config, inputs.site.articles
    words: dict[str, str] = {}  # status -> its badge's word
    items: list[dict[str, str]] = []
    for a in (arts[i] for i in inputs.site.latest):
        item = {"title": smart_text(a.title), "url": urls.href(config, a.url),
                "date": a.date.isoformat(timespec="seconds"),
                "when": format_datetime(a.date, config.language.replace("-", "_"), config.tz)}
        st = status(a, inputs.preview, inputs.now)
        if st:
            if st not in words:
                words[st] = word("Draft" if st == "draft" else "Scheduled")
            item.update(status=st, badge=words[st])
        items.append(item)
    return (json.dumps({"items": items}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def template_diagnostic(exc: BaseException, config: SiteConfig, spec: PageSpec) -> Diagnostic:
    """A template error as `path:line: message`, pointing into the template that failed."""
    if isinstance(exc, SourceChanged):
        return exc.diagnostic
    path, line = _template_location(exc, config)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(path, line, f"template syntax error: {exc.message}", "check the {% %} and {{ }} tags")
    if isinstance(exc, PageLimit):
        if line is None and spec.template:  # (stopped outside the template's own code: the page's template)
            own = config.root / "templates" / spec.template
            path = str(own.relative_to(config.root)) if own.is_file() else f"theme/{spec.template}"
        return Diagnostic(path, line, f"a page {exc}", f"while rendering /{spec.url}: a loop that runs too long, or "
                          "one inside another? NEWSGEN_PAGE_SECONDS and NEWSGEN_PAGE_MEMORY_MB set the limits")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(path, line, f'template "{exc.name}" not found',
                          "check the name in extends/include, or add it under templates/")
    if isinstance(exc, jinja2.UndefinedError):
        return Diagnostic(path, line, f"template error: {exc.message}", f"while rendering /{spec.url}")
    if isinstance(exc, OSError):  # (an article's file, removed since it was parsed: named from the site folder)
        name = str(getattr(exc, "filename", None) or path)
        where = name.removeprefix(f"{config.root}/") if Path(name).is_absolute() else name
        return Diagnostic(where, None, f"cannot read: {exc.strerror}")
    if isinstance(exc, UnicodeDecodeError) and spec.template:
        from .templates import not_utf8

        return not_utf8(spec.template, exc)
    return Diagnostic(path, line, f"template error: {type(exc).__name__}: {exc}", f"while rendering /{spec.url}")


def once_each(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One line for the same template error on many pages (a mistake in article.html fails every
    article): the first page's, with how many more pages it stopped."""
    first: dict[tuple[str, int | None, str], list[Diagnostic]] = {}
    for d in diagnostics:
        first.setdefault((d.path, d.line, d.message), []).append(d)
    return [same[0] if all(d.hint == same[0].hint for d in same) else dataclasses.replace(  # (repeats: once)
        same[0], hint=f"{same[0].hint + ', and ' if same[0].hint else ''}{len(same) - 1:,} more pages with it")
        for same in first.values()]


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


def render_pages(renderer: Renderer, specs: Sequence[PageSpec], staging: Staging) -> list[PageResult]:
    """Each page rendered and staged; a page that fails is a diagnostic (the build reports them all). After a
    page that ran away (render.limits) this process renders no more: the build fails with that page's error."""
    from ..output import WriteFailed

    results: list[PageResult] = []
    config = renderer.inputs.config
    with limited():
        for spec in specs:
            if tripped() is not None:  # (a page, or a card, stopped: its error once, and no more pages)
                stopped = unreported()
                return results + ([PageResult(spec.out, None, template_diagnostic(stopped, config, spec))]
                                  if stopped is not None else [])
            try:
                data = guarded(renderer.render, spec)
            except Exception as exc:  # noqa: BLE001 - reported as a diagnostic with the template line
                unreported(exc)
                results.append(PageResult(spec.out, None, template_diagnostic(exc, config, spec)))
                continue
            try:
                results.append(PageResult(spec.out, staging.write(spec.out, data)))
            except WriteFailed as exc:
                results.append(PageResult(spec.out, None, exc.diagnostic))
    return results


def loaded_templates(configs: Sequence[SiteConfig], todos: Sequence[Sequence[PageSpec]],
                     executor: Executor) -> list[jinja2.Environment | None]:
    """For each edition (config, its pages to render) whose pages render over the pool, an environment
    with their templates loaded in this process (templates.compiled), for RenderInputs.env: the
    workers forked after it inherit them, instead of each compiling them again (and Babel's data for its
    dates, environment.load_dates)."""
    envs: list[jinja2.Environment | None] = []
    for config, todo in zip(configs, todos, strict=True):
        if not executor.forks(len(todo)):
            envs.append(None)
            continue
        env = make_env(config)
        direct = for_site(config, env)  # (what is written without Jinja needs no template loaded)
        names = {s.template for s in todo if s.template and not (direct and direct.renders(s))}
        envs.append(compiled(env, sorted(names), direct.fragments() if direct else frozenset()))
        load_dates(config)  # (the dates' words too)
    return envs


def render_all(inputs: RenderInputs, specs: Sequence[PageSpec], staging: Staging, executor: Executor,
               progress: Callable[[int], None] | None = None,
               each: Callable[[list[PageResult]], None] | None = None) -> list[PageResult]:
    """Every page of `specs`, inline or over the executor's processes. `each`: given each chunk's results
    as they come (none are collected then: a cold build's are one per page)."""
    with cards_up_front(specs, inputs, executor) as cards:
        return executor.map(_render_task, (inputs, specs, staging, cards), list(range(len(specs))),
                            progress=progress, each=each)


def _render_task(shared: tuple[RenderInputs, Sequence[PageSpec], Staging, Cards], local: dict[str, Any],
                 indexes: list[int]) -> list[PageResult]:
    inputs, specs, staging, cards = shared
    renderer = local.get("renderer")
    if renderer is None:
        renderer = local["renderer"] = Renderer(inputs, cards=cards)
    return render_pages(renderer, [specs[i] for i in indexes], staging)
