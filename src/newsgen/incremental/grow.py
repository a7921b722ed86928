"""The last build's site model with stories added to it (news just published, or a story filed late with
an earlier date), made from that model instead of from every article again (`reuse.site_model`).

build_site orders the articles newest first and refers to them by index everywhere (lists, pages,
previous/next, related). Each old story keeps its place among the old ones and moves down by the number
of new stories above it; what the new stories change is computed: the lists they are in (paginated
again), their section neighbours' previous/next, and the related lists of every story from the oldest
new one up (related stories are earlier stories, and a hash chain from the oldest article says what
decides each list: no list below the oldest new story changes). tests/unit/test_site_added.py checks the
result is build_site's, field by field and with its related-lists memo, on random sites."""

from __future__ import annotations

from bisect import bisect_left

from .. import frozen
from ..config import SiteConfig
from ..model import Article, Author, Listing, Pager, Site, Tag
from ..site import (
    RANK_PARALLEL_MIN,
    Ranker,
    RelatedMemo,
    authors_of,
    order,
    order_key,
    paginate,
    related_key,
    tags_of,
    unique_by_slug,
)

RERANK_MAX = RANK_PARALLEL_MIN  # related lists to compute again above which build_site does it (over the pool)


def with_added(site: Site, new: list[Article], config: SiteConfig,
               related_memo: RelatedMemo) -> tuple[Site, set[int], set[tuple[str, str]]] | None:
    """build_site's model for `site`'s articles and the `new` ones, with `related_memo` updated as
    build_site updates it. Also returns the articles (their new indexes) and the listings ((kind, key))
    whose pages show something new. None when the model must be built: a URL two stories share
    (build_site reports it), a spelling of a new story's that renames an author's or a tag's page (every
    page by them shows it), or more than RERANK_MAX related lists to compute again (a story filed with
    an old date: build_site spreads them over the pool)."""
    k, olds = len(new), site.articles
    n = len(olds)
    fresh = order(new)
    new_urls = {a.url for a in fresh}
    if not k or len(new_urls) < k or any(a.section not in site.by_section for a in fresh):
        return None
    # an address is its edition's folder, section and slug: only a story of the same section can share it
    if any(olds[j].url in new_urls for slug in {a.section for a in fresh} for j in site.by_section[slug]):
        return None
    above = [bisect_left(olds, order_key(a), key=order_key) for a in fresh]  # old stories above each new one
    placed = [p + c for c, p in enumerate(above)]  # the new stories' indexes
    if placed[-1] >= RERANK_MAX or (above[-1] < n and olds[above[-1]].source not in related_memo):
        return None
    shifted: list[int] = []  # old index -> new one (ints made once)
    parts: list[Article] = []
    start = 0
    for c, (p, a) in enumerate(zip(above, fresh, strict=True)):
        shifted.extend(range(start + c, p + c))
        parts += [*olds[start:p], a]
        start = p
    shifted.extend(range(start + k, n + k))
    arts = (*parts, *olds[start:])
    authors = authors_of(arts, config)
    tags = tags_of(fresh, config.prefix, site.tags) if above[-1] == 0 else tags_of(arts, config.prefix)
    if any(authors[name] != au for name, au in site.authors.items()) or any(
            tags[name] != t for name, t in site.tags.items()):
        return None
    is_new, new_sections = set(placed), {a.section for a in fresh}
    by_section = {slug: tuple(sorted([*[i for i in placed if arts[i].section == slug], *[shifted[j] for j in items]]))
                  if slug in new_sections else tuple([shifted[j] for j in items])
                  for slug, items in site.by_section.items()}
    prev_next = {shifted[i]: (None if o is None else shifted[o], None if m is None else shifted[m])
                 for i, (o, m) in site.prev_next.items()}
    touched = set(placed)
    for slug in new_sections:  # each new story and its neighbours in its section
        items = by_section[slug]
        for q, i in enumerate(items):
            if i in is_new:
                for t in range(max(q - 1, 0), min(q + 2, len(items))):
                    prev_next[items[t]] = (items[t + 1] if t + 1 < len(items) else None, items[t - 1] if t else None)
                    touched.add(items[t])
    listings, changed, by_tag = _listings(site, fresh, placed, shifted, arts, authors, tags, config)
    related = {shifted[i]: tuple([shifted[j] for j in r]) for i, r in site.related.items()}
    rerank = range(placed[-1], -1, -1)  # every story from the oldest new one up
    tag_pages = {lst.key: lst.pages for lst in listings if lst.kind == "tag"}
    for slug in {tags[name].slug for i in rerank for name in arts[i].tags} - by_tag.keys():
        by_tag[slug] = sorted([j for pager in tag_pages[slug] for j in pager.items])
    ranker = Ranker(arts, by_tag, tags, {slug: list(items) for slug, items in by_section.items()})
    chain = bytes.fromhex(related_memo[olds[above[-1]].source][0]) if above[-1] < n else b""
    for i in rerank:
        a = arts[i]
        chain = related_key(chain, a)
        ranked = ranker(i)
        if related.get(i) != ranked:
            touched.add(i)
        related[i] = ranked
        related_memo[a.source] = (chain.hex(), tuple([arts[j].source for j in ranked]))
    return Site(articles=arts, sections=config.sections, authors=authors, tags=tags, listings=tuple(listings),
                by_section=by_section, latest=tuple(range(min(config.latest_news, len(arts)))),
                related=related, prev_next=prev_next), touched, changed


def _listings(site: Site, fresh: list[Article], placed: list[int], shifted: list[int], arts: tuple[Article, ...],
              authors: dict[str, Author], tags: dict[str, Tag], config: SiteConfig,
              ) -> tuple[list[Listing], set[tuple[str, str]], dict[str, list[int]]]:
    """build_site's listings: those the new stories are in listed and paginated again (`changed`, and a
    tag's whole list in `by_tag`), every other one the last build's, moved."""
    old = {(lst.kind, lst.key): lst for lst in site.listings}
    listings: list[Listing] = []
    changed: set[tuple[str, str]] = set()
    by_tag: dict[str, list[int]] = {}
    wanted = [("section", s.slug, s.name, s.description, s.url) for s in config.sections]
    wanted += [("author", a.slug, a.name, a.bio, a.url) for a in unique_by_slug(authors.values())]
    wanted += [("tag", t.slug, t.name, "", t.url) for t in unique_by_slug(tags.values())]
    listing_new = {("section", a.section) for a in fresh} | {("author", authors[name].slug) for a in fresh
                                                             for name in a.authors}
    listing_new |= {("tag", tags[name].slug) for a in fresh for name in a.tags}
    for kind, key, title, description, url in wanted:
        mine = [i for i in placed for _ in range(_times_listed(arts[i], kind, key, authors, tags))
                ] if (kind, key) in listing_new else []
        was = old.get((kind, key))
        if not mine and was is not None and (was.title, was.description, was.url) == (title, description, url):
            pages = tuple(_moved(pager, shifted) for pager in was.pages)
        else:
            listed = sorted([*mine, *[shifted[j] for pager in (was.pages if was else ()) for j in pager.items]])
            pages = paginate(tuple(listed), url, config, arts)
            changed.add((kind, key))
            if kind == "tag":  # (the related lists computed again look at their tags' lists)
                by_tag[key] = listed
        listings.append(Listing(kind, key, title, description, url, pages))
    return listings, changed, by_tag


def _times_listed(a: Article, kind: str, key: str, authors: dict[str, Author], tags: dict[str, Tag]) -> int:
    """How many times build_site lists `a` under (kind, key): once per name of its with that slug."""
    if kind == "section":
        return int(a.section == key)
    if kind == "author":
        return sum(authors[name].slug == key for name in a.authors)
    return sum(tags[name].slug == key for name in a.tags)


def _moved(pager: Pager, shifted: list[int]) -> Pager:
    return _pager(pager.number, pager.total, pager.url, tuple([shifted[j] for j in pager.items]),
                  pager.newer_url, pager.older_url, pager.label)


_pager = frozen.maker(Pager)  # (Pager(...) for every page of every list not shown anew: ~2,600 at 10k)
