"""The site model: everything the pages show, computed once from the parsed articles.

Every index here is built in one pass (no quadratic step): sections, authors, tags, Latest News,
previous/next, related articles and paginated listings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .config import SiteConfig
from .errors import Diagnostic
from .model import Article, Author, Listing, Pager, Site, Tag
from .slugs import fallback_slugs, name_slug

T = TypeVar("T", Author, Tag)
RELATED_COUNT = 4
_RELATED_SCAN = 20  # candidates looked at per shared tag


@dataclass(frozen=True)
class Selection:
    drafts: bool = False
    future: bool = False


def select(articles: list[Article], now: dt.datetime, selection: Selection) -> list[Article]:
    """Drafts and scheduled articles are left out unless asked for."""
    return [a for a in articles
            if (selection.drafts or not a.draft) and (selection.future or a.date <= now)]


def order(articles: list[Article]) -> list[Article]:
    """Newest first; ties broken by title and file so that every build gives the same order."""
    return sorted(articles, key=order_key)


RANK_PARALLEL_MIN = 2000  # related lists: ~50 us each, so a pool pays for itself only on a first build
RelatedMemo = dict[str, tuple[str, tuple[str, ...]]]  # article source -> (key of what decides it, related sources)
RankAll = Callable[[Callable[[int], tuple[int, ...]], list[int]], list[tuple[int, tuple[int, ...]]]]


def build_site(articles: list[Article], config: SiteConfig, related_memo: RelatedMemo | None = None,
               rank: RankAll | None = None) -> tuple[Site, list[Diagnostic]]:
    """The site model. `related_memo` (from the last build, updated in place) lets an article keep
    its related list when nothing that decides it changed. `rank(ranker, ids)`: [(i, ranker(i))
    for i in ids], perhaps spread over a process pool (`rank_task`); the lists that must be
    computed go through it."""
    diags = _url_collisions(articles, config)
    arts = tuple(order(articles))
    authors = authors_of(arts, config)
    tags = tags_of(arts, config.prefix)

    by_section: dict[str, list[int]] = {s.slug: [] for s in config.sections}
    by_author: dict[str, list[int]] = defaultdict(list)
    by_tag: dict[str, list[int]] = defaultdict(list)
    author_slug = {name: author.slug for name, author in authors.items()}
    tag_slug = {name: tag.slug for name, tag in tags.items()}
    ids = list(range(len(arts)))  # one int object per article, shared by every list that holds it
    for i, a in zip(ids, arts, strict=True):
        by_section[a.section].append(i)
        for name in a.authors:
            by_author[author_slug[name]].append(i)
        for name in a.tags:
            by_tag[tag_slug[name]].append(i)

    prev_next: dict[int, tuple[int | None, int | None]] = {}
    for items in by_section.values():
        for pos, i in enumerate(items):
            older = items[pos + 1] if pos + 1 < len(items) else None
            newer = items[pos - 1] if pos > 0 else None
            prev_next[i] = (older, newer)

    listings: list[Listing] = []
    for s in config.sections:
        listings.append(Listing("section", s.slug, s.name, s.description, s.url,
                                paginate(tuple(by_section[s.slug]), s.url, config, arts)))
    for author in unique_by_slug(authors.values()):
        listings.append(Listing("author", author.slug, author.name, author.bio, author.url,
                                paginate(tuple(by_author[author.slug]), author.url, config, arts)))
    for tag in unique_by_slug(tags.values()):
        listings.append(Listing("tag", tag.slug, tag.name, "", tag.url,
                                paginate(tuple(by_tag[tag.slug]), tag.url, config, arts)))

    site = Site(
        articles=arts,
        sections=config.sections,
        authors=authors,
        tags=tags,
        listings=tuple(listings),
        by_section={k: tuple(v) for k, v in by_section.items()},
        latest=tuple(range(min(config.latest_news, len(arts)))),
        related=_related(arts, ids, by_tag, tags, by_section, {} if related_memo is None else related_memo, rank),
        prev_next=prev_next,
    )
    return site, diags


def order_key(a: Article) -> tuple[float, str, str]:
    """An article's place in the site's order (`order`): newest first, then by title and file."""
    return (-a.date.timestamp(), a.title, a.source)


def unique_by_slug(values: Iterable[T]) -> list[T]:
    """One entry per slug (several spellings of a name share one page), sorted by slug."""
    seen: dict[str, T] = {}
    for v in values:
        seen.setdefault(v.slug, v)
    return sorted(seen.values(), key=lambda v: v.slug)


def authors_of(arts: tuple[Article, ...], config: SiteConfig) -> dict[str, Author]:
    """Each author name of `arts` (newest first) with its author, named by a profile or the newest spelling.
    A name with no letter or digit ("---") has a slug of its own (`fallback_slugs`), its profile found by name."""
    profiles = {"\0" + p.name.casefold(): p for p in config.authors}
    profiles.update({p.slug: p for p in config.authors if p.slug})
    by_slug: dict[str, Author] = {}
    out: dict[str, Author] = {}
    later: list[str] = []

    def author(name: str, slug: str, key: str) -> Author:
        if slug not in by_slug:
            p = profiles.get(key)
            by_slug[slug] = Author(name=p.name if p else name, slug=slug, bio=p.bio if p else "",
                                   edition=config.prefix)
        return by_slug[slug]

    for a in arts:
        for name in a.authors:
            if name not in out:
                slug = name_slug(name)
                if slug:
                    out[name] = author(name, slug, slug)
                else:
                    later.append(name)
    if later:
        slugs = fallback_slugs("author", later, by_slug.keys())
        for name in later:
            out[name] = author(name, slugs[name], "\0" + name.casefold())
    return out


def tags_of(arts: Sequence[Article], edition: str, older: dict[str, Tag] | None = None) -> dict[str, Tag]:
    """Each tag name of `arts` (newest first) with its tag, named by the oldest spelling of its slug.
    `older`: tags_of the stories older than every one of `arts` (their names keep their tags, and come first)."""
    out: dict[str, Tag] = dict(older) if older else {}
    by_slug = {t.slug: t for t in out.values()}
    later: list[str] = []  # names with no letter or digit ("!!!"): a slug of their own (`fallback_slugs`)
    moved: set[Tag] = set()
    for a in reversed(arts):  # the oldest spelling of a tag names it
        for name in a.tags:
            if name not in out:
                slug = name_slug(name)
                if not slug:
                    later.append(name)
                    continue
                tag = by_slug.get(slug)
                if tag is None or not name_slug(tag.name):  # (an older fallback slug goes to the real name)
                    if tag is not None:
                        moved.add(tag)
                    tag = by_slug[slug] = Tag(name=name, slug=slug, edition=edition)
                out[name] = tag
    if later or moved:
        later = [*[name for name, t in out.items() if t in moved], *later]
        for name in later:
            out.pop(name, None)
        given = {name.casefold(): t.slug for name, t in out.items() if not name_slug(name)}
        slugs = fallback_slugs("tag", later, by_slug.keys(), given)
        for name in later:
            out[name] = by_slug.setdefault(slugs[name], Tag(name=name, slug=slugs[name], edition=edition))
    return out


def _related(arts: tuple[Article, ...], ids: list[int], by_tag: dict[str, list[int]], tags: dict[str, Tag],
             by_section: dict[str, list[int]], memo: RelatedMemo,
             rank: RankAll | None = None) -> dict[int, tuple[int, ...]]:
    """Up to four EARLIER articles sharing the most tags (same section breaks ties, then recency).

    Only older articles are candidates, so publishing a new article never changes the related
    list of an archived one: the archive's pages stay as they are. Linear: each article looks at
    a bounded window of each of its tags' lists.

    An article's list depends on it and the articles older than it, nothing else: a chain hash
    from the oldest article up says when that part of the site is unchanged, and then the list
    from the last build (`memo`, by source) is reused. Publishing a new article computes one list.
    """
    keys: list[str] = [""] * len(arts)
    chain = b""
    for i in range(len(arts) - 1, -1, -1):  # the card digest covers title, date, section and tags
        chain = related_key(chain, arts[i])
        keys[i] = chain.hex()
    index = {a.source: i for i, a in zip(ids, arts, strict=True)}
    out: dict[int, tuple[int, ...]] = {}
    todo = []
    for i, a in zip(ids, arts, strict=True):
        known = memo.get(a.source)
        if known is not None and known[0] == keys[i]:
            out[i] = tuple([index[s] for s in known[1]])
        else:
            todo.append(i)
    if todo:
        ranker = Ranker(arts, by_tag, tags, by_section)
        ranked = rank(ranker, todo) if rank is not None else [(i, ranker(i)) for i in todo]
        out.update([(ids[i], tuple(map(ids.__getitem__, r))) for i, r in ranked])  # (a worker's ints are copies)
    memo.clear()
    sources = [a.source for a in arts]
    memo.update({src: (keys[i], tuple([sources[j] for j in out[i]])) for i, src in enumerate(sources)})
    return out


def related_key(older: bytes, a: Article) -> bytes:
    """The key of what decides article a's related list: it and every older article (`older`: theirs)."""
    return hashlib.blake2b(b"%b%b\0%b" % (older, a.card_digest.encode(), a.source.encode()), digest_size=12).digest()


class Ranker:
    """ranker(i): article i's related list. Made once per site model, then asked per article, here or
    in pool workers. (An article's place in its tags' and section's lists, which are in article order,
    is found by bisection: no index of every article's places, ~0.4 KB an article at a million.)"""

    def __init__(self, arts: tuple[Article, ...], by_tag: dict[str, list[int]], tags: dict[str, Tag],
                 by_section: dict[str, list[int]]) -> None:
        self.n = len(arts)
        self.arts = arts
        self.by_tag = by_tag
        self.by_section = by_section
        self.section_of = [a.section for a in arts]
        self.tag_slugs = {name: t.slug for name, t in tags.items()}

    def __call__(self, i: int) -> tuple[int, ...]:
        n, section_of, by_tag = self.n, self.section_of, self.by_tag
        shared: Counter[int] = Counter()  # candidate -> tags in common (counted in C)
        for name in self.arts[i].tags:
            slug = self.tag_slugs[name]
            start = bisect_right(by_tag[slug], i)  # (the list is in article order: just after i)
            shared.update(by_tag[slug][start : start + _RELATED_SCAN])
        sec = section_of[i]
        # most shared tags first, the same section breaking ties, then the newest (smallest index):
        # one integer per candidate sorts faster than tuples
        ranked = [k % n for k in sorted([-(2 * v + (section_of[j] == sec)) * n + j for j, v in shared.items()])
                  [:RELATED_COUNT]]
        if len(ranked) < RELATED_COUNT:  # fill with earlier stories: the section's, then the site's
            items = self.by_section[sec]
            start = bisect_right(items, i)
            for j in [*items[start : start + RELATED_COUNT], *range(i + 1, min(i + 1 + RELATED_COUNT, n))]:
                if j not in ranked and len(ranked) < RELATED_COUNT:
                    ranked.append(j)
        return tuple(ranked)


def paginate(items: tuple[int, ...], base: str, config: SiteConfig,
             arts: tuple[Article, ...]) -> tuple[Pager, ...]:
    if config.pagination == "classic":
        chunks = [items[k : k + config.per_page] for k in range(0, max(len(items), 1), config.per_page)]
        numbers = list(range(1, len(chunks) + 1))
    else:
        chunks, numbers = _stable_chunks(items, config.per_page)
    total = len(chunks)

    def url(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    # display order: front page first, then older and older pages
    pagers = []
    for pos, (number, chunk) in enumerate(zip(numbers, chunks, strict=True)):
        newer = url(numbers[pos - 1]) if pos > 0 else None
        older = url(numbers[pos + 1]) if pos + 1 < total else None
        label = ""
        if chunk:
            first, last = arts[chunk[-1]].date, arts[chunk[0]].date
            label = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
        pagers.append(Pager(number=number, total=total, url=url(number), items=tuple(chunk),
                            newer_url=newer, older_url=older, label=label))
    return tuple(pagers)


def _stable_chunks(items: tuple[int, ...], per_page: int) -> tuple[list[tuple[int, ...]], list[int]]:
    """Archive pages that never shift: counted from the OLDEST article.

    Archive page N (N >= 2) always holds the same `per_page` articles: the (N-1)th block of
    `per_page` counting from the oldest. The front page holds everything newer than the
    archive: between `per_page` and `2 * per_page - 1` articles. A new article therefore changes
    the front page only, and once per `per_page` articles adds one archive page.
    """
    n = len(items)
    full = n // per_page  # complete blocks, oldest first
    archived = max(full - 1, 0)  # the newest complete block stays on the front page
    front_count = n - archived * per_page
    chunks = [items[:front_count]]
    numbers = [1]
    for k in range(archived - 1, -1, -1):  # newest archive block first (display order)
        end = n - k * per_page
        chunks.append(items[end - per_page : end])
        numbers.append(k + 2)
    return chunks, numbers


def _url_collisions(articles: list[Article], config: SiteConfig) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    seen: dict[str, Article] = {}
    for a in sorted(articles, key=lambda a: a.source):
        other = seen.get(a.url)
        if other is not None:
            diags.append(Diagnostic(a.source, a.slug_line or None,
                                    f'publishes to the same URL /{a.url} as {other.source}',
                                    "give one of them its own `slug:`"))
        else:
            seen[a.url] = a
    return diags


def rank_task(ranker: Callable[[int], tuple[int, ...]], local: object,
              ids: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    """Related lists of `ids`, as a task for parallel.Executor (the ranker shared by every chunk)."""
    return [(i, ranker(i)) for i in ids]
