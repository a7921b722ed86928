"""site.with_newest: stories newer than every other added to a site model gives build_site's model
for the whole set (every field, and the related lists' memo), on random sites: both paginations,
authors and tags spelt several ways, profiles, sections with and without the new stories."""

from __future__ import annotations

import dataclasses
import random

import pytest
from tests.unit.test_site import art, config

from newsgen.model import Article, Site
from newsgen.site import build_site, with_newest

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


@pytest.mark.parametrize("seed", range(40))
def test_the_newest_stories_added_give_the_model_built_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    cfg = config(per_page=rng.choice([2, 3, 5]), pagination=rng.choice(["stable", "classic"]),
                 latest_news=rng.choice([3, 10]))
    n_old, n_new = rng.randint(0, 40), rng.randint(1, 3)
    hours = sorted(rng.sample(range(1, 400), n_old + n_new))  # (distinct: the new ones are the newest)
    if rng.random() < 0.3 and n_old:  # the same moment as the newest old story: the title decides
        hours[n_old] = hours[n_old - 1]
    arts = [_random_article(rng, n, h) for n, h in enumerate(hours)]
    old, new = arts[:n_old], arts[n_old:]
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    site, diags = build_site(old, cfg, related_memo=memo)
    assert diags == []
    expected_memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    expected, _ = build_site(old + new, cfg, related_memo=expected_memo)

    got = with_newest(site, new, cfg, memo)
    if n_old and new[0].date == old[-1].date and new[0].title > old[-1].title:
        assert got is None  # one of them sorts below the last build's newest: the model is built
        return
    if any(expected.authors[name] != author for name, author in site.authors.items()):
        assert got is None  # a new spelling names an author's page: every page by them shows it (built)
        return
    assert got is not None
    made, touched, changed = got
    assert _fields(made) == _fields(expected)
    assert list(made.tags) == list(expected.tags)  # (the same order: the cache packs them as they come)
    assert memo == expected_memo
    # what it says changed: every article whose page shows something new, every listing with a new page
    for i, a in enumerate(made.articles):
        j = i - n_new
        moved = (lambda ids: tuple(x - n_new for x in ids))  # noqa: E731
        same = j >= 0 and moved(made.related[i]) == site.related[j] and tuple(
            None if x is None else x - n_new for x in made.prev_next[i]) == site.prev_next[j]
        assert same or i in touched, a.title
    for listing in made.listings:
        before = {(lst.kind, lst.key): lst for lst in site.listings}.get((listing.kind, listing.key))
        same = before is not None and [p.url for p in before.pages] == [p.url for p in listing.pages] and all(
            [made.articles[i].source for i in p.items] == [site.articles[i].source for i in q.items]
            for p, q in zip(listing.pages, before.pages, strict=True))
        assert same or (listing.kind, listing.key) in changed


def test_a_story_at_an_address_already_taken_is_left_to_build_site() -> None:
    cfg = config()
    old = [art(1), art(2)]
    site, _ = build_site(old, cfg, related_memo={})
    assert with_newest(site, [art(3, slug="a001")], cfg, {}) is None  # (build_site reports it)


def test_a_slug_taken_in_another_section_is_no_collision() -> None:
    """Only a story of the same section can have the same address: the same slug elsewhere is added as
    build_site adds it (the check looks at the new story's section only)."""
    cfg = config()
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    old = [art(1), art(2, "sports", tags=("Rail",))]
    site, _ = build_site(old, cfg, related_memo=memo)
    new = art(3, "sports", slug="a001", source="content/sports/a003.md", tags=("rail", "Floods"))
    expected, diags = build_site([*old, new], cfg, related_memo={})
    got = with_newest(site, [new], cfg, memo)
    assert diags == [] and got is not None
    assert _fields(got[0]) == _fields(expected)
    assert list(got[0].tags) == list(expected.tags)  # (in the same order too: "rail" is the older "Rail")
    assert with_newest(site, [art(3, "sports", slug="a002")], cfg, dict(memo)) is None  # (sports/a002/ is taken)


def test_a_story_older_than_the_newest_is_left_to_build_site() -> None:
    cfg = config()
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    site, _ = build_site([art(1), art(5)], cfg, related_memo=memo)
    assert with_newest(site, [art(3)], cfg, memo) is None
