"""What a build takes over from the last one instead of computing it: the site model, and the inputs
of article and listing pages, while nothing that lists show has changed (only article bodies did)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import codec
from .keyed import Merged
from .later import Later
from .state import State

if TYPE_CHECKING:
    from ..config import SiteConfig
    from ..errors import Diagnostic
    from ..model import Article, Listing, Site

BuildSite = Callable[[list["Article"]], tuple["Site", list["Diagnostic"]]]


def site_model(chosen: list[Article], config: SiteConfig, state: State,
               build_site: BuildSite) -> tuple[Site, list[Diagnostic], set[str] | None]:
    """The site model: the last build's when nothing it is made of changed (which articles, and of
    each what lists show of it: its card digest, and the config); the last build's with stories added
    (`grow.with_added`: news just published, a story filed late); else `build_site(chosen)`. Then
    remembered in `state` (unless it has errors). Says which pages' inputs from the last build no longer
    hold (`known_inputs`): none, those the new stories changed, or None (a model built anew)."""
    from .grow import with_added

    h = hashlib.blake2b(config.digest.encode(), digest_size=16)
    h_old = h.copy()  # (the same, over the articles the last model had)
    before: set[str] = set(state.site[1][0]) if state.site is not None else set()  # type: ignore[call-overload]
    arts = sorted(chosen, key=lambda a: a.source)
    parts = [f"\0{a.source}\0{a.card_digest}" for a in arts]
    h.update("".join(parts).encode())  # (hashed at once: the same digest as part by part, ~5 ms less at 10k)
    h_old.update("".join([part for a, part in zip(arts, parts, strict=True) if a.source in before]).encode())
    new = [a for a in arts if a.source not in before]
    key = h.hexdigest()
    if state.site is not None and (state.site[0] == key or (
            state.site[0] == h_old.hexdigest() and len(chosen) - len(new) == len(before))):
        try:
            site = unpack_site(state.site[1], {a.source: a for a in chosen}, config.sections)
            grown = with_added(site, new, config, state.related) if new else (site, set(), set())
        except (KeyError, TypeError, ValueError, IndexError):
            grown = None  # a damaged entry: compute it
        if grown is not None:
            site, touched, changed = grown
            if new:
                state.site = (key, pack_site(site))
            return site, [], _stale(site, config, touched, changed)
    site, diags = build_site(chosen)
    state.site = (key, pack_site(site)) if not diags else None  # never reuse one with errors
    return site, diags, None


def _stale(site: Site, config: SiteConfig, touched: set[int], changed: set[tuple[str, str]]) -> set[str]:
    """The pages whose inputs the new stories changed: theirs and their neighbours', every page of
    the lists they are in, and every article page when each carries its own Latest News list."""
    from .. import urls

    arts = site.articles
    stale = {f"{arts[i].url}index.html" for i in (range(len(arts)) if touched and not config.shared_latest_news
                                                   else touched)}
    return stale | {urls.output_file(p.url) for lst in site.listings if (lst.kind, lst.key) in changed
                    for p in lst.pages}


def known_inputs(state: State, reparsed: Iterable[str], stale: Iterable[str] = ()) -> dict[str, str]:
    """With the same site model: the last build's inputs of every article and listing page (listings
    show the same), except the pages of the articles parsed again (`reparsed`: their sources) and the
    `stale` ones (output files: what new stories changed)."""
    known = {out: fp.inputs for out, fp in state.pages.items() if fp.kind in ("article", "listing")}
    for rel in reparsed:
        entry = state.parsed.get(rel)
        if entry is not None and entry.article is not None:
            known.pop(f"{entry.article.url}index.html", None)
    for out in stale:
        known.pop(out, None)
    return known


def pack_site(site: Site) -> tuple[Any, ...]:
    """The site model without the articles themselves (they are in the cache already), as tuples."""
    return (tuple(a.source for a in site.articles),
            {name: codec.pack_author(a) for name, a in site.authors.items()},
            {name: codec.pack_tag(t) for name, t in site.tags.items()},
            tuple(codec.pack_listing(lst) for lst in site.listings),
            _plain(site.by_section), site.latest, _plain(site.related), _plain(site.prev_next))


def unpack_site(packed: tuple[Any, ...], by_source: Mapping[str, Article] | Callable[[tuple[str, ...]], Any],
                sections: Any) -> Site:
    """The site model pack_site() packed, with its articles from `by_source`, or made by it from their
    sources in order (the body-edit path: a sequence that reads each one when it is first asked for)."""
    from ..model import Site

    order, authors, tags, listings, by_section, latest, related, prev_next = packed
    if callable(by_source):  # (newsgen serve: body edits one after the other, the model the same object)
        last = _UNPACKED.get("last")
        if last is not None and last[0] is packed and last[1] == sections:
            return dataclasses.replace(last[2], articles=by_source(order))
    articles = by_source(order) if callable(by_source) else tuple(by_source[s] for s in order)
    plain = (lambda mapping: mapping) if callable(by_source) else _plain  # (the whole way: dicts, looked up in C)
    site = Site(articles=articles, sections=sections,
                authors={name: codec.unpack_author(a, None) for name, a in authors.items()},
                tags={name: codec.unpack_tag(t, None) for name, t in tags.items()},
                listings=_listings(listings, lazy=callable(by_source)), by_section=plain(by_section),
                latest=latest, related=plain(related), prev_next=plain(prev_next))
    if callable(by_source):
        _UNPACKED["last"] = (packed, sections, site)
    return site


def _plain(mapping: Mapping[Any, Any]) -> Any:
    """A dict as read (`keyed.Merged`, merged): what marshal can write, and looked up in C."""
    return mapping.whole() if isinstance(mapping, Merged) else mapping


def _listings(packed: Sequence[Any], lazy: bool) -> Any:
    """The listings unpacked, now or (`lazy`, read lazily: `later.Later`) when first used."""
    def unpack(listings: Sequence[Any]) -> tuple[Listing, ...]:
        return tuple(codec.unpack_listing(lst, None) for lst in listings)

    return packed.then(unpack) if lazy and isinstance(packed, Later) else unpack(packed)


# The site model the body-edit path unpacked last, with the packed model it came from: its lists are
# taken again while that is the same object (at 100,000 articles unpacking took ~45 ms of ~250).
_UNPACKED: dict[str, tuple[tuple[Any, ...], Any, Site]] = {}
