"""The Google News sitemap with the REAL clock (issue 19): valid on a quiet weekend too.

Decision: news-sitemap.xml always exists. With stories from the last two days it lists them, each
with <news:news>; with none it lists the home page without <news:news> (Google News ignores such
an entry), because the schema rejects an empty <urlset>. robots.txt always names it, so neither
file changes its presence with the clock, and a news sitemap submitted in Search Console never
answers 404. (The sitemap index, past 50,000 URLs, lists the general sitemap's parts only.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lxml import etree

from newsgen.build import BuildOptions, build

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
BASE = "https://gazette.example.org/"


def _validated(path: Path) -> etree._ElementTree:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(doc), schema.error_log
    return doc


def _robots_sitemaps(out: Path) -> list[str]:
    text = (out / "robots.txt").read_text(encoding="utf-8")
    return [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Sitemap: ")]


def _ago(hours: float) -> str:
    from zoneinfo import ZoneInfo

    return (dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) - dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def test_only_old_stories_still_a_valid_news_sitemap_then_a_fresh_one(make_site: Any) -> None:
    a = make_site.article
    root = make_site({
        "content/politics/old.md": a("An old story", date=_ago(24 * 3)),
        "content/sports/older.md": a("An older story", section="Sports", date="2020-01-05 10:00"),
    })
    out = root / "public"
    build(root, BuildOptions(jobs=1))  # the real clock: nothing is from the last two days
    doc = _validated(out / "news-sitemap.xml")
    assert doc.xpath("//s:url/s:loc/text()", namespaces=NS) == [BASE]  # the home page
    assert doc.xpath("//n:news", namespaces=NS) == []
    assert _robots_sitemaps(out) == [BASE + "sitemap.xml", BASE + "news-sitemap.xml"]

    (root / "content/politics/fresh.md").write_text(a("A fresh story", date=_ago(1)), encoding="utf-8")
    build(root, BuildOptions(jobs=1))  # incremental
    doc = _validated(out / "news-sitemap.xml")
    assert doc.xpath("//s:url/s:loc/text()", namespaces=NS) == [BASE + "politics/a-fresh-story/"]
    assert doc.xpath("//n:title/text()", namespaces=NS) == ["A fresh story"]
    assert _robots_sitemaps(out) == [BASE + "sitemap.xml", BASE + "news-sitemap.xml"]


def test_a_site_without_articles_has_a_valid_news_sitemap(make_site: Any) -> None:
    root = make_site({})
    build(root, BuildOptions(jobs=1))
    doc = _validated(root / "public/news-sitemap.xml")
    assert doc.xpath("//s:url/s:loc/text()", namespaces=NS) == [BASE]


def test_the_last_story_leaving_the_window_leaves_a_valid_file(make_site: Any, freeze_clock: Any,
                                                                site_tz: Any) -> None:
    """The clock alone (no file changed) empties the news sitemap: the next build rewrites it,
    valid, at the same address (the build's horizon is the story's 48th hour)."""
    root = make_site({"content/politics/now.md": make_site.article("Fresh news", date="2025-06-15 09:00")})
    out = root / "public"
    freeze_clock(dt.datetime(2025, 6, 15, 12, 0, tzinfo=site_tz))
    build(root, BuildOptions(jobs=1))
    assert _validated(out / "news-sitemap.xml").xpath("//n:title/text()", namespaces=NS) == ["Fresh news"]
    robots = (out / "robots.txt").read_bytes()
    freeze_clock(dt.datetime(2025, 6, 17, 10, 0, tzinfo=site_tz))
    result = build(root, BuildOptions(jobs=1))
    assert "news-sitemap.xml" in result.changed
    doc = _validated(out / "news-sitemap.xml")
    assert doc.xpath("//s:url/s:loc/text()", namespaces=NS) == [BASE]
    assert (out / "robots.txt").read_bytes() == robots
