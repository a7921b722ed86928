"""The build plan: one PageSpec per output file, with a fingerprint of everything it shows.

A page whose fingerprint (plus its template's and the config's) matches the last build's is not
rendered again; that is the whole incremental-build rule, made explicit here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from . import frozen, urls
from .config import SiteConfig
from .errors import Diagnostic
from .model import Article, Edition, Pager, Site


@dataclass(frozen=True, slots=True)
class PageSpec:
    out: str  # file in the output folder, e.g. "politics/x/index.html"
    # its site-relative URL when it is not the one `out` implies (`url`); None for article and list
    # pages: a million-article site would keep another string per page
    given_url: str | None
    kind: str  # article | listing | home | notfound | feed | jsonfeed | sitemap | news_sitemap | robots | latest
    #            | redirect (an article's old path) | redirects (the _redirects file)
    template: str
    ref: tuple[int, ...] = ()  # (article index) or (listing index, page index) or (section index)
    inputs: str = ""  # fingerprint of what the page shows (template and config are added by build)
    edition: int = 0  # which language edition's site model `ref` points into (0: the default edition)

    @property
    def url(self) -> str:
        """Site-relative URL, e.g. "politics/x/"."""
        return self.given_url if self.given_url is not None else urls.url_of(self.out)


_spec = frozen.maker(PageSpec)  # PageSpec(...) for the pages made by the ten thousand (~0.5 us less each)

SITEMAP_LIMIT = 50_000


def _h(*parts: object) -> str:
    return hashlib.blake2b("\0".join([p if isinstance(p, str) else repr(p) for p in parts]).encode(),
                           digest_size=12).hexdigest()


Carried = dict[tuple[str, str], list[str]]  # (template, kind) -> output files (`plan`'s `carry`)


def plan_editions(editions: Sequence[Edition], now: dt.datetime, known: Mapping[str, str] | None = None,
                  preview: bool = False, carry: Carried | None = None) -> list[PageSpec]:
    """Every edition's pages; a page with versions in other editions shows them (hreflang links, the
    language switcher), so they are part of what it shows. `carry`: see `plan` (a site in one language)."""
    specs: list[PageSpec] = []
    pairs = root_redirects(editions, 0)  # a site in several languages: one _redirects, at the root
    assert carry is None or len(editions) == 1
    for k, edition in enumerate(editions):
        alts = edition.alternates
        everything = _h(*sorted(alts.items())) if alts else ""
        for s in plan(edition.site, edition.config, now, known, preview, carry):
            if s.kind == "redirects" and pairs:
                continue  # (planned once below, with every edition's old addresses)
            shown: object = everything if s.kind == "sitemap" else alts.get(s.url)
            if s.kind == "home" and k == 0 and pairs:  # its script answers every edition's /?p= address
                shown = (shown, sorted(query_redirects(pairs).items()))
            if k or shown:
                s = dataclasses.replace(s, edition=k, inputs=_h(s.inputs, shown) if shown else s.inputs)
            specs.append(s)
    if pairs:
        specs.append(PageSpec("_redirects", "_redirects", "redirects", "", (), inputs=_h(*pairs)))
    return specs


def plan_carrying(editions: Sequence[Edition], now: dt.datetime, known: Mapping[str, str] | None, preview: bool,
                  allowed: bool) -> tuple[list[PageSpec], Carried | None]:
    """plan_editions, with the pages whose inputs are `known` carried (`plan`'s `carry`) when `allowed`; every
    page planned when a planned page or alias lands on a carried page's address (`overlaps`: the whole
    plan then reports the collision)."""
    carry: Carried | None = {} if known is not None and allowed else None
    specs = plan_editions(editions, now, known, preview, carry)
    if carry and overlaps(specs, carry):
        return plan_editions(editions, now, known, preview), None
    return specs, carry


def alias_pairs(site: Site) -> list[tuple[str, str]]:
    """(old address, article URL) for every alias of the site's (an edition's) stories."""
    return [(alias, a.url) for a in site.articles for alias in a.aliases]


def root_redirects(editions: Sequence[Edition], k: int) -> tuple[tuple[str, str], ...]:
    """The old addresses that edition `k` answers for the whole site: on a site in several languages, the
    default edition's `_redirects` and home page script carry every edition's (hosts look at the root
    only); () otherwise (an edition answers for its own stories)."""
    if k or len(editions) < 2:
        return ()
    return tuple(pair for e in editions for pair in alias_pairs(e.site))


def plan(site: Site, config: SiteConfig, now: dt.datetime, known: Mapping[str, str] | None = None,
         preview: bool = False, carry: Carried | None = None) -> list[PageSpec]:
    """One PageSpec per output file of one edition (the whole site, in one language). `known`: article and
    listing pages' inputs from the last build, by output file, when the site model did not change
    (articles whose file changed left out). `preview`: newsgen serve's, whose pages badge scheduled stories.
    `carry`: the pages whose inputs are `known` are not planned but listed there, by template and kind
    (the last build's fingerprints stand for them: `incremental.decide.carry_over`)."""
    arts = site.articles
    p = config.prefix  # the edition's URL folder: "" or "vi/"
    known = known or {}

    clock = now if preview else None
    card = [shown_card(a, clock) for a in arts]

    def cards(ids: tuple[int, ...] | list[int]) -> str:
        return ",".join([card[i] for i in ids])

    latest_cards = cards(site.latest)
    specs: list[PageSpec] = []
    add = specs.append

    queries = sorted(query_redirects(alias_pairs(site)).items())
    add(PageSpec(f"{p}index.html", p, "home", "home.html",
                 inputs=_h(latest_cards, *(cards(site.by_section[s.slug][: config.home_per_section])
                                           for s in config.sections), *queries)))
    shown = ArticleInputs(site, config, card)
    carried = carry.setdefault(("article.html", "article"), []).append if carry is not None else None
    for i, a in enumerate(arts):
        out = f"{a.url}index.html"
        inputs = known.get(out)
        if inputs is not None and carried is not None:
            carried(out)
            continue
        add(_spec(out, None, "article", "article.html", (i,), inputs or shown(i)))  # (url: `out` implies it)
    for li, listing in enumerate(site.listings):
        template = f"{listing.kind}.html"
        listed = carry.setdefault((template, "listing"), []).append if carry is not None else None
        for pi, pager in enumerate(listing.pages):
            out = urls.output_file(pager.url)
            inputs = known.get(out)
            if inputs is not None and listed is not None:
                listed(out)
                continue
            if inputs is None:
                inputs = _h(listing.title, listing.description, _pager_shape(pager, config), cards(pager.items))
            add(_spec(out, None if urls.url_of(out) == pager.url else pager.url, "listing", template, (li, pi), inputs))
    specs += feed_specs(site, config)
    add(PageSpec(f"{p}latest-news.json", f"{p}latest-news.json", "latest", "", (), inputs=latest_cards))
    everything = _h(*(a.card_digest for a in arts), *(p.url for lst in site.listings for p in lst.pages))
    n_urls = 1 + sum(len(lst.pages) for lst in site.listings) + len(arts)
    if n_urls <= SITEMAP_LIMIT:
        add(PageSpec(f"{p}sitemap.xml", f"{p}sitemap.xml", "sitemap", "sitemap.xml", (), inputs=everything))
    else:  # a sitemap index and files of at most SITEMAP_LIMIT URLs each (the sitemaps.org rule)
        parts = -(-n_urls // SITEMAP_LIMIT)
        add(PageSpec(f"{p}sitemap.xml", f"{p}sitemap.xml", "sitemap_index", "sitemap-index.xml", (parts,),
                     inputs=everything))
        for k in range(1, parts + 1):
            add(PageSpec(f"{p}sitemap-{k}.xml", f"{p}sitemap-{k}.xml", "sitemap", "sitemap.xml", (k,),
                         inputs=everything))
    # The news sitemap is always planned, stories from the last two days or not (news-sitemap.xml
    # lists the home page when there is none: an empty <urlset> is invalid). So no file appears or
    # disappears with the clock; its content changes when a story leaves the window, which is
    # build._horizon's "a story leaves the two-day news sitemap".
    recent = [a.card_digest for a in arts[:1000] if a.date >= now - dt.timedelta(days=2)]
    add(PageSpec(f"{p}news-sitemap.xml", f"{p}news-sitemap.xml", "news_sitemap", "news-sitemap.xml", (),
                 inputs=_h(*recent)))
    if not p:  # one robots.txt, at the root, names every edition's sitemaps
        add(PageSpec("robots.txt", "robots.txt", "robots", "robots.txt", ()))
    add(PageSpec(f"{p}404.html", f"{p}404.html", "notfound", "404.html", (), inputs=latest_cards))
    _redirects(site, add, redirects_file=not p)  # (hosts read _redirects at the root only)
    if config.search:
        add(PageSpec(f"{p}search/index.html", f"{p}search/", "search", "search.html", ()))
    return specs


def shown_card(a: Article, clock: dt.datetime | None) -> str:
    """What lists show of article `a` (its card digest), and, in newsgen serve's preview (`clock`: the
    build's now), whether it is still scheduled: its card and its page carry a badge until it is due."""
    return f"{a.card_digest}|scheduled" if clock is not None and a.date > clock else a.card_digest


def came_due(articles: Sequence[Article], since: float | None, now: dt.datetime) -> bool:
    """Whether a story dated after `since` (the last build's clock; None: not known) is due at `now`: in
    the preview, its badge leaves every page that shows it (`shown_card`)."""
    if since is None:
        return True
    due = now.timestamp()
    return any(since < a.date.timestamp() <= due for a in articles)


class ArticleInputs:
    """inputs(i): what article page i shows (PageSpec.inputs), from its own digests, the cards of the
    stories it links to (related, previous, next), its authors' and tags' pages and the Latest News list
    when each page carries its own. `card[j]`: article j's card digest (a list over the whole site in
    `plan`; read article by article by the body-edit path, incremental/bodyedit.py)."""

    def __init__(self, site: Site, config: SiteConfig, card: Sequence[str]) -> None:
        self.site, self.card = site, card
        self.authors, self.tags = shown_names(site)
        self.latest = "" if config.shared_latest_news else ",".join([card[j] for j in site.latest])

    def __call__(self, i: int) -> str:
        site, card = self.site, self.card
        a = site.articles[i]
        older, newer = site.prev_next[i]
        return _h(a.digest, card[i], repr(a.assets) if a.assets else "",
                  ",".join([card[j] for j in site.related[i]]),
                  card[older] if older is not None else "", card[newer] if newer is not None else "",
                  ",".join([self.authors[n] for n in a.authors]), ",".join([self.tags[t] for t in a.tags]), self.latest)


def shown_names(site: Site) -> tuple[dict[str, str], dict[str, str]]:
    """What a page shows of each author and tag name an article gives: the slug (its page's address)
    and the name that page has. Several spellings of a name share a page, named by one of them (the
    newest story's spelling of an author, the oldest's of a tag: `site.authors_of`, `site.tags_of`), so a
    story added, edited or removed elsewhere can change the name every page by that author shows."""
    return ({name: f"{au.slug}\x1f{au.name}" for name, au in site.authors.items()},
            {name: f"{t.slug}\x1f{t.name}" for name, t in site.tags.items()})


def feed_specs(site: Site, config: SiteConfig) -> list[PageSpec]:
    """The feeds of the site and of each section, in the three formats: what they show is their items'
    whole files (the digest: feeds may carry the full text), their cards (the lead image's enclosure:
    its size in bytes), the files their bodies show (an image's width and height) and the names of
    their authors and tags (`shown_names`), and their files' names (each item's id)."""
    arts = site.articles
    specs: list[PageSpec] = []
    authors, tags = site.authors, site.tags

    def item(a: Article) -> str:
        names = "\x1f".join([*[authors[n].name for n in a.authors], "", *[tags[t].name for t in a.tags]])
        shown = f"{a.source} {a.digest} {a.card_digest} {names}"
        return f"{shown} {a.assets!r}" if a.assets else shown

    feed_ids = range(min(config.feed_items, len(arts)))
    _feeds(specs.append, config.prefix, (), _h(*(item(arts[i]) for i in feed_ids)))
    for si, s in enumerate(config.sections):
        ids = site.by_section[s.slug][: config.feed_items]
        _feeds(specs.append, s.url, (si,), _h(s, *(item(arts[i]) for i in ids)))
    return specs


def _pager_shape(pager: Pager, config: SiteConfig) -> tuple[object, ...]:
    """What a pager shows besides its items. Item indexes are left out (they move whenever an
    article is added); the page count only in classic mode, where every page moves anyway."""
    shape: tuple[object, ...] = (pager.number, pager.url, pager.newer_url, pager.older_url, pager.label)
    return (*shape, pager.total) if config.pagination == "classic" else shape


def collisions(specs: list[PageSpec]) -> list[tuple[PageSpec, PageSpec]]:
    """Two planned pages that would write the same file (e.g. an author slug equal to a tag page), or
    where one would need a folder of the name of the other's file (`x/feed.xml/...` and `x/feed.xml`)."""
    seen: dict[str, PageSpec] = {}
    out = []
    for s in specs:
        if s.out in seen:
            out.append((seen[s.out], s))
        else:
            seen[s.out] = s
    for s in specs:  # (only an alias can name such a path: slugs and sections have no dots or underscores)
        if s.kind != "redirect":
            continue
        folder = s.out.rpartition("/")[0]
        while folder:
            if folder in seen:
                out.append((seen[folder], s))
                break
            folder = folder.rpartition("/")[0]
    return out


def overlaps(specs: list[PageSpec], carried: Carried) -> bool:
    """Whether a planned page would write a file of a page `plan` carried, or an alias would need a folder
    of that name (`collisions`' two cases): the whole plan then says which pages collide."""
    taken = {out for outs in carried.values() for out in outs}
    for s in specs:
        if s.out in taken:
            return True
        folder = s.out.rpartition("/")[0] if s.kind == "redirect" else ""
        while folder:
            if folder in taken:
                return True
            folder = folder.rpartition("/")[0]
    return False


def _feeds(add: Callable[[PageSpec], None], folder: str, ref: tuple[int, ...], inputs: str) -> None:
    """The same items as RSS 2.0 (feed.xml), Atom (atom.xml) and JSON Feed 1.1 (feed.json)."""
    add(PageSpec(f"{folder}feed.xml", f"{folder}feed.xml", "feed", "feed.xml", ref, inputs=inputs))
    add(PageSpec(f"{folder}atom.xml", f"{folder}atom.xml", "feed", "atom.xml", ref, inputs=inputs))
    add(PageSpec(f"{folder}feed.json", f"{folder}feed.json", "jsonfeed", "", ref, inputs=inputs))


def query_redirects(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The aliases with a query (WordPress's /?p=12) among (old address, URL) pairs, as {query: article
    URL}: no file can answer them on a static host, so the home page sends such a visit on (and
    `_redirects` does, where the host reads it)."""
    return {alias.split("?", 1)[1]: url for alias, url in pairs if alias.startswith("/?")}


def _redirects(site: Site, add: Callable[[PageSpec], None], redirects_file: bool = True) -> None:
    """A redirect page for each old path of an article (its `aliases:`) and `_redirects` for hosts that
    honour it (Netlify, Cloudflare Pages): old links keep working after a move or a new slug."""
    pairs: list[tuple[str, str]] = []
    for i, a in enumerate(site.articles):
        for k, alias in enumerate(a.aliases):
            pairs.append((alias, a.url))
            path, _, query = alias.partition("?")
            if query:
                continue  # a query (WordPress's /?p=12) has no file of its own: _redirects only
            local = unquote(path.lstrip("/"))
            out = local + "index.html" if local.endswith("/") or not local else local
            add(PageSpec(out, local, "redirect", "redirect.html", (i, k), inputs=_h(a.url, a.title, alias)))
    if pairs and redirects_file:
        add(PageSpec("_redirects", "_redirects", "redirects", "", (), inputs=_h(*pairs)))


def collision_diagnostics(specs: list[PageSpec], sites: Sequence[Site] | None = None) -> list[Diagnostic]:
    """An error for each file two planned pages would write (two articles at one URL are reported by
    the site model, with both files named); an article's old path (alias) names both articles' files.
    `sites`: each edition's site model (what PageSpec.edition counts)."""
    site = sites[0] if sites else None

    def whose(spec: PageSpec) -> str:
        if sites is not None and spec.kind in ("article", "redirect"):
            return sites[spec.edition].articles[spec.ref[0]].source
        return f"the {spec.kind} page"

    out = []
    for first, second in collisions(specs):
        if first.kind == second.kind == "article":
            continue
        if site is not None and "redirect" in (first.kind, second.kind):
            alias, other = (second, first) if second.kind == "redirect" else (first, second)
            what = "an old path of" if other.kind == "redirect" else "the address of"
            line = sites[alias.edition].articles[alias.ref[0]].aliases_line if sites else 0
            out.append(Diagnostic(whose(alias), line or None, f'alias "/{alias.url}" is also {what} {whose(other)}',
                                  "remove one of them: one address can lead to one page"))
        else:
            out.append(Diagnostic(second.out, None, f"two pages would be written to /{second.url}",
                                  f"the {first.kind} page and the {second.kind} page share it: rename one"))
    return out
