"""incremental.grow.with_added: stories added to a site model (newer than every other, or filed late
among them) give build_site's model for the whole set (every field, the tags' order, and the related
lists' memo), on random sites: both paginations, authors and tags spelt several ways, profiles, sections
with and without the new stories, stories at the same moment (the title decides)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from tests.unit.test_site import art, config

from newsgen.incremental import grow
from newsgen.incremental.grow import with_added
from newsgen.model import Article, Site
from newsgen.site import build_site

SECTIONS = ("politics", "sports", "culture")
TAGS = ("Rail", "rail", "Budget", "Harbour", "Rice", "Festivals", "Floods")
AUTHORS = ("Hùng Anh", "hùng anh", "Lan Pham", "Mira Castell", "Ngoc Tran")


def _random_article(rng: random.Random, n: int, hour: int) -> Article:
    tags = tuple(rng.sample(TAGS, rng.randint(0, 3)))
    authors = tuple(rng.sample(AUTHORS, rng.randint(0, 2)))
    return art(hour, rng.choice(SECTIONS), tags=tags, authors=authors, title=f"Story {n}",
               source=f"content/{n:04}.md", slug=f"s{n:04}", card_digest=f"c{n}-{rng.random()}")


def _fields(site: Site) -> dict[str, object]:
    return {f.name: getattr(site, f.name) for f in dataclasses.fields(site)}


@pytest.mark.parametrize("seed", range(80))
def test_stories_added_give_the_model_built_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    cfg = config(per_page=rng.choice([2, 3, 5]), pagination=rng.choice(["stable", "classic"]),
                 latest_news=rng.choice([3, 10]))
    n_old, n_new = rng.randint(0, 40), rng.randint(1, 3)
    hours = sorted(rng.sample(range(1, 400), n_old + n_new))
    for i in range(1, len(hours)):
        if rng.random() < 0.15:  # the same moment as the story before: the title decides
            hours[i] = hours[i - 1]
    arts = [_random_article(rng, n, h) for n, h in enumerate(hours)]
    if seed % 2:  # news just published: the newest
        old, new = arts[:n_old], arts[n_old:]
    else:  # filed late: anywhere
        picked = set(rng.sample(range(len(arts)), n_new))
        old, new = [a for i, a in enumerate(arts) if i not in picked], [a for i, a in enumerate(arts) if i in picked]
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    site, diags = build_site(old, cfg, related_memo=memo)
    assert diags == []
    expected_memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    expected, _ = build_site(old + new, cfg, related_memo=expected_memo)

    got = with_added(site, new, cfg, memo)
    if any(expected.authors[name] != au for name, au in site.authors.items()) or any(
            expected.tags[name] != t for name, t in site.tags.items()):
        assert got is None  # a new spelling names an author's or a tag's page: every page by them shows it (built)
        return
    assert got is not None
    made, touched, changed = got
    assert _fields(made) == _fields(expected)
    assert list(made.tags) == list(expected.tags)  # (the same order: the cache packs them as they come)
    assert memo == expected_memo
    # what it says changed: every article whose page shows something new, every listing with a new page
    was = {a.source: j for j, a in enumerate(site.articles)}

    def sources(arts: tuple[Article, ...], ids: tuple[int | None, ...]) -> list[str | None]:
        return [None if i is None else arts[i].source for i in ids]

    for i, a in enumerate(made.articles):
        j = was.get(a.source)
        same = j is not None and sources(made.articles, made.related[i]) == sources(site.articles, site.related[j]) \
            and sources(made.articles, made.prev_next[i]) == sources(site.articles, site.prev_next[j])
        assert same or i in touched, a.title
    for listing in made.listings:
        before = {(lst.kind, lst.key): lst for lst in site.listings}.get((listing.kind, listing.key))
        same = before is not None and [p.url for p in before.pages] == [p.url for p in listing.pages] and all(
            sources(made.articles, p.items) == sources(site.articles, q.items)
            for p, q in zip(listing.pages, before.pages, strict=True))
        assert same or (listing.kind, listing.key) in changed


def test_a_story_at_an_address_already_taken_is_left_to_build_site() -> None:
    cfg = config()
    old = [art(1), art(2)]
    site, _ = build_site(old, cfg, related_memo={})
    assert with_added(site, [art(3, slug="a001")], cfg, {}) is None  # (build_site reports it)


def test_a_slug_taken_in_another_section_is_no_collision() -> None:
    """Only a story of the same section can have the same address: the same slug elsewhere is added as
    build_site adds it (the check looks at the new story's section only)."""
    cfg = config()
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    old = [art(1), art(2, "sports", tags=("Rail",))]
    site, _ = build_site(old, cfg, related_memo=memo)
    new = art(3, "sports", slug="a001", source="content/sports/a003.md", tags=("rail", "Floods"))
    expected, diags = build_site([*old, new], cfg, related_memo={})
    got = with_added(site, [new], cfg, memo)
    assert diags == [] and got is not None
    assert _fields(got[0]) == _fields(expected)
    assert list(got[0].tags) == list(expected.tags)  # (in the same order too: "rail" is the older "Rail")
    assert with_added(site, [art(3, "sports", slug="a002")], cfg, dict(memo)) is None  # (sports/a002/ is taken)


def test_a_story_filed_with_an_old_date_is_left_to_build_site_when_many_lists_move(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every related list from the oldest new story up is computed again: above RERANK_MAX of them,
    build_site does it (over the pool)."""
    cfg = config()
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    site, _ = build_site([art(1), art(5), art(6), art(7)], cfg, related_memo=memo)
    monkeypatch.setattr(grow, "RERANK_MAX", 3)
    assert with_added(site, [art(3)], cfg, dict(memo)) is None  # (four lists: 7, 6, 5 and its own)
    assert with_added(site, [art(8)], cfg, dict(memo)) is not None
    monkeypatch.setattr(grow, "RERANK_MAX", 4)
    assert with_added(site, [art(3)], cfg, dict(memo)) is not None
