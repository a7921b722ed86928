"""The demo newsroom at the repo root builds, and every article page shows every element of issue 2 point 5:
kicker linking to the section, headline, byline with author links, <time> "Month D, YYYY HH:MM" in the
site's timezone, "Updated ..." when set, standfirst, lead figure with caption and "Photo: credit", body
subheadings, tag links, sign-off, Latest News, related articles."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from newsgen.build import BuildOptions, build
from newsgen.config import load_config
from newsgen.content.discover import discover
from newsgen.content.parse import parse_file
from newsgen.content.typography import smart_text
from newsgen.editions import site_models
from newsgen.incremental.state import State
from newsgen.site import Selection, build_site, select
from newsgen.slugs import slugify

REPO = Path(__file__).resolve().parents[2]
# The demo's dates run to late 2026 with one article scheduled for 2027: build it as of this moment.
DEMO_NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
WHEN = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December) "
    r"\d{1,2}, \d{4} \d{2}:\d{2}$"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A copy of the demo site (so the repo's own cache and public/ stay untouched), built once."""
    root = tmp_path_factory.mktemp("demo") / "site"
    root.mkdir()
    shutil.copy2(REPO / "newsgen.yaml", root / "newsgen.yaml")
    for folder in ("content", "static", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    with pytest.MonkeyPatch.context() as mp:
        import newsgen.build

        mp.setattr(newsgen.build, "tz_now", lambda tz: DEMO_NOW.astimezone(tz))
        result = build(root, BuildOptions(out=root / "out", jobs=1))
    config = load_config(root)
    parsed = [a for a in (parse_file(root, rel, config)[0] for rel in discover(root)) if a is not None]
    editions, diags, _ = site_models(select(parsed, DEMO_NOW, Selection()), config, State(),
                                     lambda arts, cfg, memo: build_site(arts, cfg, memo))
    assert diags == []
    assert sum(len(e.site.articles) for e in editions) == result.articles
    # the English (default) edition; the Vietnamese one is checked by test_editions.py
    articles = [a for a in parsed if not a.edition]
    return root, root / "out", config, editions[0].site, articles, result


def test_demo_meets_the_brief(demo) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    assert len(articles) >= 24
    assert len({a.section for a in articles}) >= 5
    assert len({name for a in articles for name in a.authors}) >= 3
    assert any(a.tags for a in articles) and sum(1 for a in articles if a.image) >= 3
    assert any(a.updated for a in articles)
    assert any(a.draft for a in articles)
    assert any(a.date > DEMO_NOW for a in articles)  # one scheduled
    assert len(site.articles) == len(articles) - sum(1 for a in articles if a.draft or a.date > DEMO_NOW)


def test_drafts_and_scheduled_are_not_published(demo) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    for a in articles:
        assert (out / a.url / "index.html").is_file() == (not a.draft and a.date <= DEMO_NOW), a.source


def test_every_article_page_shows_every_element(demo, parse_html) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    sections = {s.slug: s for s in config.sections}
    body_has_h2 = {
        a.source: bool(re.search(r"^## ", (root / a.source).read_text(encoding="utf-8"), re.M)) for a in site.articles
    }
    for i, a in enumerate(site.articles):
        page = out / a.url / "index.html"
        doc = parse_html(page)
        where = a.source
        story = doc.find(".//article[@class='story']")
        assert story is not None, where
        # kicker linking to the section
        kicker = story.find(".//p[@class='kicker']/a")
        assert kicker.get("href") == f"/{a.section}/" and kicker.text_content() == sections[a.section].name, where
        # headline
        assert [h.text_content() for h in doc.iter("h1")] == [smart_text(a.title)], where
        # byline: author links and the date in the site's timezone
        byline = story.find(".//p[@class='byline']")
        links = byline.findall(".//a")
        assert [x.text_content() for x in links] == [site.authors[n].name for n in a.authors], where
        assert [x.get("href") for x in links] == [f"/authors/{site.authors[n].slug}/" for n in a.authors], where
        for n in a.authors:
            assert (out / "authors" / site.authors[n].slug / "index.html").is_file()
        times = byline.findall(".//time")
        assert WHEN.match(times[0].text_content()), (where, times[0].text_content())
        assert dt.datetime.fromisoformat(times[0].get("datetime")) == a.date
        local = a.date.astimezone(config.tz)
        assert times[0].text_content() == f"{local:%B} {local.day}, {local:%Y %H:%M}"
        # "Updated ..." when set
        updated = byline.find(".//*[@class='updated']")
        if a.updated:
            assert updated is not None and updated.text_content().startswith("Updated "), where
            assert dt.datetime.fromisoformat(updated.find(".//time").get("datetime")) == a.updated
            assert WHEN.match(updated.find(".//time").text_content())
        else:
            assert updated is None, where
        # standfirst
        assert story.find(".//p[@class='standfirst']").text_content() == smart_text(a.summary), where
        assert a.summary
        # lead figure with caption and credit
        figure = story.find(".//figure[@class='lead-figure']")
        if a.image:
            assert figure is not None, where
            img = figure.find(".//img")
            assert img.get("alt") == a.image.alt
            src = img.get("src")
            assert src.startswith("/") and (out / src.lstrip("/")).is_file(), (where, src)
            caption = figure.find("figcaption").text_content()
            assert smart_text(a.image.caption) in caption
            if a.image.credit:
                assert f"Photo: {a.image.credit}" in caption, where
        else:
            assert figure is None, where
        # body with subheadings
        body = story.find(".//div[@class='story-body']")
        assert body is not None and body.findall(".//p"), where
        if body_has_h2[a.source]:
            assert body.findall(".//h2"), where
        # tag links
        tag_links = story.findall(".//ul[@class='tag-list']//a")
        assert [x.text_content() for x in tag_links] == [site.tags[t].name for t in a.tags], where
        assert [x.get("href") for x in tag_links] == [f"/tags/{slugify(site.tags[t].name)}/" for t in a.tags]
        # sign-off
        if a.authors:
            signoff = story.find(".//p[@class='signoff']")
            assert signoff is not None and [x.text_content() for x in signoff.findall(".//a")] == [
                site.authors[n].name for n in a.authors
            ], where
        # comments slot: empty by default
        assert doc.find(".//*[@id='comments_slot']") is None or config.comments_html
        # Latest News
        latest = doc.find(".//aside[@class='latest']")
        assert latest is not None and latest.find(".//h2").text_content() == "Latest News"
        items = latest.findall(".//li/a")
        assert len(items) == min(config.latest_news, len(site.articles)), where
        assert items[0].text_content() == site.articles[0].title
        # related articles
        related = story.find(".//section[@class='related']")
        expected = [smart_text(site.articles[j].title) for j in site.related[i]]
        if expected:
            assert related is not None, where
            shown = [x.text_content() for x in related.findall(".//h3//a")]
            assert shown == expected, where
        else:
            assert related is None
        if any(j > i for j in site.by_section[a.section]):  # not the oldest of its section
            assert expected, f"{where}: no related articles"


def test_the_demo_has_an_updated_article_and_a_figure_with_credit(demo, parse_html) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    assert any(a.updated for a in site.articles)
    assert any(a.image and a.image.credit for a in site.articles)
    assert any(site.related[i] for i in range(len(site.articles)))


def test_demo_feeds_are_well_formed(demo, parse_xml) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    for feed in [out / "feed.xml", *sorted(out.glob("*/feed.xml"))]:
        parse_xml(feed)
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed.relative_to(out).as_posix(), str(parsed.get("bozo_exception")))


def test_demo_home_and_section_pages(demo, parse_html) -> None:  # type: ignore[no-untyped-def]
    root, out, config, site, articles, result = demo
    home = parse_html(out / "index.html")
    latest = [a.text_content() for a in home.findall(".//section[@class='latest']//li/a")]
    assert latest == [smart_text(a.title) for a in site.articles[: config.latest_news]]
    for s in config.sections:
        heading = home.find(f".//h2[@id='section_{s.slug}']")
        assert heading is not None and heading.text_content() == s.name
        page = parse_html(out / s.slug / "index.html")
        assert page.findtext(".//h1") == s.name
    assert (out / "404.html").is_file()
