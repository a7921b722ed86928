"""pages.py: the plan covers every URL of the contract; fingerprints change exactly when what a page
shows changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from newsgen.config import SiteConfig, parse_config
from newsgen.model import Article
from newsgen.pages import PageSpec, collisions, plan
from newsgen.site import build_site

TZ = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2025, 1, 1, 8, 0, tzinfo=TZ)
NOW = T0 + dt.timedelta(hours=12)  # every test article is less than two days old: all in the news sitemap


def config(**settings: object) -> SiteConfig:
    cfg = parse_config(
        "sections: [Politics, Sports, Culture]\nper_page: 2\nlatest_news: 3\nhome_per_section: 2\nfeed_items: 4\n",
        Path("/site"),
    )
    return dataclasses.replace(cfg, **settings)


def art(n: int, section: str = "politics", **kw: object) -> Article:
    fields: dict[str, object] = {
        "source": f"content/{section}/a{n:02}.md",
        "title": f"Article {n:02}",
        "section": section,
        "slug": f"a{n:02}",
        "date": T0 + dt.timedelta(hours=n),
        "card_digest": f"card{n}",
        "digest": f"body{n}",
    }
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


SECTIONS = ("politics", "politics", "sports", "politics", "culture", "politics", "sports", "politics")


def corpus() -> list[Article]:
    tags = {0: ("Flood",), 3: ("Flood", "Budget"), 5: ("Budget",), 7: ("Flood",)}
    return [
        art(i, SECTIONS[i], tags=tags.get(i, ()), authors=("Hung Anh",) if i % 2 else ("Minh Chau",)) for i in range(8)
    ]


def specs_of(articles: list[Article], cfg: SiteConfig | None = None) -> dict[str, PageSpec]:
    site, diags = build_site(articles, cfg or config())
    assert diags == []
    return {s.out: s for s in plan(site, cfg or config(), NOW)}


def changed(before: dict[str, PageSpec], after: dict[str, PageSpec]) -> set[str]:
    assert before.keys() == after.keys()
    return {k for k in before if before[k].inputs != after[k].inputs}


def replace(articles: list[Article], n: int, **kw: object) -> list[Article]:
    return [dataclasses.replace(a, **kw) if a.slug == f"a{n:02}" else a for a in articles]


def test_plan_covers_every_url_of_the_contract() -> None:
    specs = specs_of(corpus())
    expected = {
        "index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "news-sitemap.xml",
        "robots.txt",
        "latest-news.json",
        "politics/index.html",
        "politics/page/2/index.html",  # 5 politics articles, per_page 2 (stable)
        "sports/index.html",
        "culture/index.html",
        "politics/feed.xml",
        "sports/feed.xml",
        "culture/feed.xml",
        *(f"{folder}{name}" for folder in ("", "politics/", "sports/", "culture/") for name in ("atom.xml", "feed.json")),
        "authors/hung-anh/index.html",
        "authors/hung-anh/page/2/index.html",
        "authors/minh-chau/index.html",
        "authors/minh-chau/page/2/index.html",
        "tags/flood/index.html",
        "tags/budget/index.html",
        *(f"{SECTIONS[i]}/a{i:02}/index.html" for i in range(8)),
    }
    assert set(specs) == expected
    for out, spec in specs.items():
        assert spec.url == (out.removesuffix("index.html") if out.endswith("index.html") else out)
        assert spec.given_url is None or spec.kind not in ("article", "listing")  # (memory: no second string)
    kinds = {s.kind for s in specs.values()}
    assert kinds == {
        "home",
        "article",
        "listing",
        "feed",
        "jsonfeed",
        "latest",
        "sitemap",
        "news_sitemap",
        "robots",
        "notfound",
    }
    assert specs["politics/a00/index.html"].template == "article.html"
    assert specs["tags/flood/index.html"].template == "tag.html"
    assert specs["authors/hung-anh/index.html"].template == "author.html"
    assert specs["sports/index.html"].template == "section.html"


def test_empty_site_still_has_home_sections_and_feeds() -> None:
    specs = specs_of([])
    assert {"index.html", "404.html", "feed.xml", "politics/index.html", "politics/feed.xml"} <= set(specs)


def test_plan_is_deterministic() -> None:
    assert specs_of(corpus()) == specs_of(list(reversed(corpus())))


def test_no_change_no_new_fingerprint() -> None:
    assert changed(specs_of(corpus()), specs_of(corpus())) == set()


def test_body_edit_changes_the_article_and_the_feeds_that_carry_it() -> None:
    before = specs_of(corpus())
    after = specs_of(replace(corpus(), 5, digest="body5-edited"))  # a05: politics, in the top 4 site-wide
    feeds = {f"{folder}{name}" for folder in ("", "politics/") for name in ("feed.xml", "atom.xml", "feed.json")}
    assert changed(before, after) == {"politics/a05/index.html", *feeds}


def test_old_body_edit_outside_feeds_changes_only_its_page() -> None:
    before = specs_of(corpus())
    after = specs_of(replace(corpus(), 0, digest="body0-edited"))  # a00 is the oldest: in no feed (4 items)
    assert changed(before, after) == {"politics/a00/index.html"}


def test_title_edit_changes_every_page_that_shows_the_card() -> None:
    before = specs_of(corpus())
    after = specs_of(replace(corpus(), 3, title="New title", card_digest="card3-edited"))
    got = changed(before, after)
    # politics holds a07 a05 a03 | a01 a00 (stable, per_page 2): a03 is on the front page of politics,
    # on its author's and tags' pages, on the pages of the newer articles that link it as previous
    # (a05) or next (a01) or related, and in the sitemaps. Not in Latest News (3 newest), not on the home page
    # (2 per section), not in the archive page 2.
    assert "politics/index.html" in got
    assert {"authors/hung-anh/page/2/index.html", "tags/flood/index.html", "tags/budget/index.html"} <= got
    assert "authors/hung-anh/index.html" not in got  # its front page shows a07 and a05
    assert {"sitemap.xml", "news-sitemap.xml"} <= got
    assert "politics/a05/index.html" in got  # a05's previous article is a03
    assert "politics/a03/index.html" in got  # its own page shows its title
    assert "index.html" not in got and "latest-news.json" not in got
    assert "politics/page/2/index.html" not in got
    assert "sports/index.html" not in got and "culture/index.html" not in got
    assert "politics/a01/index.html" in got  # a01's next article is a03
    assert "politics/a00/index.html" not in got  # older, and not its neighbour: never shows a03
    assert "404.html" not in got and "robots.txt" not in got and "feed.xml" not in got


def test_new_article_changes_front_pages_but_not_the_archive() -> None:
    # politics: 5 articles; a08 makes 6 (a new archive page 3 appears), a09 makes 7 (no new page)
    with_a08 = specs_of([*corpus(), art(8, "politics")])
    with_a09 = specs_of([*corpus(), art(8, "politics"), art(9, "politics")])
    assert "politics/page/3/index.html" in with_a08
    assert "politics/page/4/index.html" not in with_a09
    got = changed(with_a08, {k: v for k, v in with_a09.items() if k in with_a08})
    assert set(with_a09) - set(with_a08) == {"politics/a09/index.html"}
    assert {"politics/page/2/index.html", "politics/page/3/index.html"}.isdisjoint(got)
    assert {"index.html", "politics/index.html", "latest-news.json", "feed.xml", "politics/feed.xml"} <= got
    # archived article pages do not change (Latest News comes from the shared latest-news.json);
    # only a08 does, whose "Next" link now points at a09
    assert {out for out in got if out.count("/") == 2 and out.startswith(("politics/a", "sports/a", "culture/a"))} == {
        "politics/a08/index.html"
    }


def test_new_archive_page_changes_only_the_page_next_to_it() -> None:
    before = specs_of(corpus())
    after = specs_of([*corpus(), art(8, "politics")])
    got = changed(before, {k: v for k, v in after.items() if k in before})
    assert "politics/page/2/index.html" in got  # its "Newer" link now points at the new page 3
    assert "politics/page/3/index.html" in set(after) - set(before)


def test_new_article_with_inline_latest_news_changes_every_article_page() -> None:
    cfg = config(shared_latest_news=False)
    before = specs_of(corpus(), cfg)
    after = specs_of([*corpus(), art(8, "sports")], cfg)
    got = changed(before, {k: v for k, v in after.items() if k in before})
    assert {f"{SECTIONS[i]}/a{i:02}/index.html" for i in range(8)} <= got


def test_news_sitemap_follows_the_clock() -> None:
    site, _ = build_site(corpus(), config())
    recent = {s.out: s for s in plan(site, config(), NOW)}["news-sitemap.xml"].inputs
    later = {s.out: s for s in plan(site, config(), NOW + dt.timedelta(days=3))}["news-sitemap.xml"].inputs
    assert recent != later


def test_news_sitemap_and_robots_are_planned_with_no_recent_story() -> None:
    """No story from the last two days: the news sitemap is still planned (it lists the home page,
    valid), and robots.txt is the same page, so no file appears or disappears with the clock."""
    site, _ = build_site(corpus(), config())
    now_specs = {s.out: s for s in plan(site, config(), NOW)}
    quiet = {s.out: s for s in plan(site, config(), NOW + dt.timedelta(days=30))}
    assert set(now_specs) == set(quiet)
    assert quiet["robots.txt"] == now_specs["robots.txt"]


def test_latest_news_change_reaches_the_404_page() -> None:
    """404.html shows the Latest News list (and loads no script to refresh it): a new article must
    re-render it, or it shows stale news until some template changes."""
    before = specs_of(corpus())
    after = specs_of([*corpus(), art(8, "sports")])
    assert "404.html" in changed(before, {k: v for k, v in after.items() if k in before})


def test_collisions_are_found() -> None:
    a = PageSpec("tags/x/index.html", "tags/x/", "listing", "tag.html")
    b = PageSpec("tags/x/index.html", "tags/x/", "listing", "author.html")
    c = PageSpec("index.html", "", "home", "home.html")
    assert collisions([a, c, b]) == [(a, b)]
