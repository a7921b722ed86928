"""The site model of a site in several languages: one `Site` per edition (each built like a site of its
own from its articles and its edition's config), and the links between them, made only from what editors
wrote: an article's translations are the articles of the other editions at the same path under their
content folder (`content/politics/x.md` and `content/vi/politics/x.md`), or with the same
`translation_key:`. Nothing is guessed from titles or dates.

A page's versions (`Alternate`s, itself included, then x-default: the default edition's) are what its
hreflang links, its sitemap entry's xhtml:link, its language switcher and the JSON-LD translation links
show. Pages that have versions: articles with translations, the home pages, the sections' front pages,
authors' pages (where the author has stories in both) and the search page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import Diagnostic
from .model import Alternate, Edition

if TYPE_CHECKING:
    from .config import SiteConfig
    from .incremental.state import State
    from .model import Article, Site

BuildSite = Callable[["list[Article]", "SiteConfig", "dict[str, tuple[str, tuple[str, ...]]]"],
                     "tuple[Site, list[Diagnostic]]"]


def site_models(chosen: list[Article], config: SiteConfig, state: State,
                build: BuildSite) -> tuple[list[Edition], list[Diagnostic], set[str] | None]:
    """Every edition's site model and the links between them. `build(articles, edition_config,
    related_memo)` makes one site model. Says which pages' inputs from the last build no longer hold
    when its model was reused (a site in one language only: `incremental.reuse.site_model`), else None."""
    from .incremental.reuse import site_model

    if not config.languages:
        site, diags, reused = site_model(chosen, config, state, lambda arts: build(arts, config, state.related))
        return [Edition(config, site, {})], list(diags), reused
    state.site = None  # (the reuse of a whole site model is for a site in one language)
    editions = config.editions
    groups: dict[str, list[Article]] = {e.prefix: [] for e in editions}
    for a in chosen:
        groups[a.edition].append(a)
    memos: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {e.prefix: {} for e in editions}
    for source, entry in state.related.items():  # each edition's related lists, from the last build
        memos[config.edition_for(source).prefix][source] = entry
    sites: list[Site] = []
    diags = []
    for edition in editions:
        site, found = build(groups[edition.prefix], edition, memos[edition.prefix])
        sites.append(site)
        diags += found
    state.related = {source: entry for memo in memos.values() for source, entry in memo.items()}
    links, problems = alternates(editions, sites)
    return [Edition(e, s, links[k]) for k, (e, s) in enumerate(zip(editions, sites, strict=True))], \
        diags + problems, None


def translation_key(config: SiteConfig, article: Article) -> str:
    """What links an article to its translations: its `translation_key:`, else its path in its edition's
    content folder without the suffix ("politics/2026/x" for content/vi/politics/2026/x.md, and for
    content/politics/2026/x/index.md)."""
    if article.translation_key:
        return f"key:{article.translation_key}"
    path = article.source.split("/", 2)[2] if article.edition else article.source[len("content/"):]
    if path.endswith(("/index.md", "/index.markdown")):  # a bundle folder and a single file: one story
        path = path.rpartition("/")[0]
    else:
        path = path.rpartition(".")[0]
    return f"path:{path}"


def alternates(editions: tuple[SiteConfig, ...],
               sites: list[Site]) -> tuple[list[dict[str, tuple[Alternate, ...]]], list[Diagnostic]]:
    """Per edition, {page URL: the page's versions in every edition}; and a diagnostic for each
    translation key two articles of one edition share."""
    root = editions[0]
    langs = root.languages
    diags: list[Diagnostic] = []
    groups: dict[str, dict[int, Article]] = {}
    for k, site in enumerate(sites):
        for a in sorted(site.articles, key=lambda a: a.source):
            group = groups.setdefault(translation_key(root, a), {})
            other = group.get(k)
            if other is not None:
                what = (f'its translation_key "{a.translation_key}" is also that of' if a.translation_key
                        else "it is at the same path as")
                diags.append(Diagnostic(a.source, _line_of(root, a.source, "translation_key"),
                                        f"{what} {other.source}, in the same "
                                        f"language ({editions[k].language})",
                                        "one story has one version per language: give one of them its own "
                                        "translation_key"))
                continue
            group[k] = a
    pages: list[dict[int, str]] = []  # each: one page's URLs, by edition
    pages.extend({k: a.url for k, a in group.items()} for group in groups.values() if len(group) > 1)
    pages.append({k: e.prefix for k, e in enumerate(editions)})  # the home pages
    for i in range(len(root.sections)):
        pages.append({k: e.sections[i].url for k, e in enumerate(editions)})
    authors: dict[str, dict[int, str]] = {}
    for k, site in enumerate(sites):
        for author in site.authors.values():
            authors.setdefault(author.slug, {})[k] = author.url
    pages.extend(urls for urls in authors.values() if len(urls) > 1)
    if root.search:
        pages.append({k: f"{e.prefix}search/" for k, e in enumerate(editions)})
    out: list[dict[str, tuple[Alternate, ...]]] = [{} for _ in editions]
    for versions in pages:
        alts = [Alternate(langs[k].code, langs[k].name, url, langs[k].locale) for k, url in sorted(versions.items())]
        if 0 in versions:
            alts.append(Alternate("x-default", langs[0].name, versions[0], langs[0].locale))
        shared = tuple(alts)
        for k, url in versions.items():
            out[k][url] = shared
    return out, diags


def _line_of(config: SiteConfig, rel: str, key: str) -> int | None:
    """The line of `key:` in the front matter of the article file `rel` (for an error message)."""
    try:
        with open(config.root / rel, encoding="utf-8", errors="replace") as f:  # noqa: PTH123
            for number, line in enumerate(f, 1):
                if line.startswith(f"{key}:"):
                    return number
                if number > 1 and line.rstrip() == "---":
                    break
    except OSError:
        pass
    return None
