"""Publishing-grade output (issue 4): feeds, sitemaps, structured data, sharing tags, corrections,
responsive images, language. Everything is read through real parsers: feedparser, lxml + the
sitemaps.org and Google News XSDs, json.loads."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import pytest
from lxml import etree
from PIL import Image

from newsgen import pages
from newsgen.build import BuildOptions, build
from newsgen.content.typography import smart_text

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = '</script><script>alert(1)</script> & "quotes" <b>'


def _when(hours_ago: float) -> str:
    return (dt.datetime.now(TZ) - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%d %H:%M")


def _article(title: str, section: str, date: str, extra: str = "", body: str = "Lead paragraph.\n\n## Sub\n\nText.") -> str:
    return f"---\ntitle: {json.dumps(title)}\nsection: {section}\ndate: {date}\n{extra}---\n\n{body}\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pubsite")
    (root / "newsgen.yaml").write_text(
        "title: The Test Times\nbase_url: https://news.example.org/\nlanguage: en\n"
        "timezone: Asia/Ho_Chi_Minh\ndescription: Tests all day.\nlogo: images/logo.png\n"
        "sections:\n  - name: Politics\n  - name: Sports\n    description: Games\n", encoding="utf-8")
    (root / "static" / "images").mkdir(parents=True)
    Image.new("RGB", (600, 60), "navy").save(root / "static" / "images" / "logo.png")
    bundle = root / "content" / "politics" / "summit"
    bundle.mkdir(parents=True)
    Image.new("RGB", (1600, 900), "teal").save(bundle / "photo.jpg", quality=70)
    (bundle / "index.md").write_text(_article(
        "Summit ends with a deal", "Politics", _when(5),
        "author: Hung Anh\nupdated: " + _when(1) + "\nsummary: Leaders agreed on a plan.\n"
        "image: photo.jpg\nimage_caption: Leaders at the summit.\nimage_credit: AFP\n"
        "tags: [Diplomacy, Trade]\ncorrections:\n  - date: " + _when(2) + "\n    text: An earlier version misspelled a name.\n",
        body="Leaders met.\n\n## Sub\n\n![A photo](photo.jpg)\n\n---\n\nSee [the section](/politics/) & more."),
        encoding="utf-8")
    (root / "content" / "sports").mkdir(parents=True)
    (root / "content" / "sports" / "final.md").write_text(_article(
        HOSTILE, "Sports", _when(30), "authors: [Minh Chau, Thu Ha]\ntags: [Football]\n"), encoding="utf-8")
    (root / "content" / "sports" / "old.md").write_text(_article(
        "An old match report", "Sports", "2020-01-05 10:00", "author: Minh Chau\n"), encoding="utf-8")
    build(root, BuildOptions(jobs=1))
    return root / "public"


def _page(out: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / url / "index.html").read_bytes())


def _jsonld(doc: lxml.html.HtmlElement) -> list[dict]:
    return [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]


def test_rss_feeds_parse_without_error(site: Path) -> None:
    for name in ("feed.xml", "politics/feed.xml", "sports/feed.xml"):
        etree.parse(str(site / name))  # well-formed
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.version == "rss20"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert HOSTILE in titles  # the hostile title survives verbatim, escaped in XML
    summit = next(e for e in feed.entries if e.title == "Summit ends with a deal")
    assert summit.link == "https://news.example.org/politics/summit-ends-with-a-deal/"
    assert summit.author_detail.name == "Hung Anh" or summit.get("author") == "Hung Anh"
    assert {t.term for t in summit.tags} >= {"Politics", "Diplomacy", "Trade"}
    enclosure = summit.enclosures[0]
    assert enclosure.href.endswith("/politics/summit-ends-with-a-deal/photo.jpg")
    assert int(enclosure.length) == (site / "politics/summit-ends-with-a-deal/photo.jpg").stat().st_size
    assert enclosure.type == "image/jpeg"
    assert summit.media_content[0]["url"] == enclosure.href
    # full content, with the correction carried into the item
    content = summit.content[0].value
    assert "<h2" in content and "misspelled a name" in content
    body = lxml.html.fromstring(content)  # HTML carried as text: absolute URLs, feed readers show it anywhere
    assert body.xpath("//img/@src")[0] == "https://news.example.org/politics/summit-ends-with-a-deal/photo.jpg"
    assert "https://news.example.org/politics/" in body.xpath("//a/@href")
    section_feed = feedparser.parse((site / "sports/feed.xml").read_bytes())
    assert {e.title for e in section_feed.entries} == {HOSTILE, "An old match report"}


def test_feed_guid_does_not_change_when_an_article_is_edited(tmp_path: Path) -> None:
    root = tmp_path
    (root / "newsgen.yaml").write_text("title: T\nbase_url: https://e.org/\nsections: [Politics]\n", encoding="utf-8")
    (root / "content").mkdir()
    path = root / "content" / "a.md"
    path.write_text(_article("First title", "Politics", "2025-01-01 10:00"), encoding="utf-8")
    build(root, BuildOptions(jobs=1))
    guid = feedparser.parse((root / "public/feed.xml").read_bytes()).entries[0].id
    path.write_text(_article("First title", "Politics", "2025-01-01 10:00", "summary: New summary\n",
                             body="Changed body."), encoding="utf-8")
    build(root, BuildOptions(jobs=1))
    entry = feedparser.parse((root / "public/feed.xml").read_bytes()).entries[0]
    assert entry.summary == "New summary"
    assert entry.id == guid


def test_sitemap_lists_every_page_and_validates(site: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))
    doc = etree.parse(str(site / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {loc.text for loc in doc.xpath("//s:loc", namespaces=ns)}
    html_pages = {"https://news.example.org/" + str(p.parent.relative_to(site)).replace(".", "").strip("/") + "/"
                  for p in site.rglob("index.html")}
    html_pages = {u.replace("https://news.example.org//", "https://news.example.org/") for u in html_pages}
    assert html_pages == locs
    lastmods = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
                for u in doc.xpath("//s:url", namespaces=ns)}
    assert lastmods["https://news.example.org/politics/summit-ends-with-a-deal/"].endswith("+07:00")


def test_news_sitemap_has_only_the_last_two_days_and_validates(site: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))
    doc = etree.parse(str(site / "news-sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    titles = [t.text for t in doc.xpath("//n:title", namespaces=ns)]
    assert sorted(titles) == sorted(["Summit ends with a deal", HOSTILE])  # not the 2020 article
    assert doc.xpath("string(//n:publication/n:name)", namespaces=ns) == "The Test Times"
    assert doc.xpath("string(//n:publication/n:language)", namespaces=ns) == "en"


def test_robots_names_both_sitemaps(site: Path) -> None:
    text = (site / "robots.txt").read_text(encoding="utf-8")
    sitemaps = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Sitemap: ")]
    assert sitemaps == ["https://news.example.org/sitemap.xml", "https://news.example.org/news-sitemap.xml"]


def test_sitemap_index_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "SITEMAP_LIMIT", 4)
    (tmp_path / "newsgen.yaml").write_text("title: T\nbase_url: https://e.org/\nsections: [Politics]\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(5):
        (tmp_path / "content" / f"a{i}.md").write_text(_article(f"Story {i}", "Politics", f"2025-01-0{i + 1} 10:00"),
                                                       encoding="utf-8")
    build(tmp_path, BuildOptions(jobs=1))
    out = tmp_path / "public"
    index = etree.parse(str(out / "sitemap.xml"))
    assert etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd"))).validate(index)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    parts = [loc.text for loc in index.xpath("//s:loc", namespaces=ns)]
    assert parts == ["https://e.org/sitemap-1.xml", "https://e.org/sitemap-2.xml"]
    urls = [loc.text for k in (1, 2) for loc in etree.parse(str(out / f"sitemap-{k}.xml")).xpath("//s:loc", namespaces=ns)]
    assert len(urls) == len(set(urls)) == 1 + 1 + 5  # home, section, articles


def test_article_structured_data_and_sharing_tags(site: Path) -> None:
    doc = _page(site, "politics/summit-ends-with-a-deal")
    article, crumbs = _jsonld(doc)
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Summit ends with a deal"
    assert article["description"] == "Leaders agreed on a plan."
    assert article["image"] == ["https://news.example.org/politics/summit-ends-with-a-deal/photo.jpg"]
    assert dt.datetime.fromisoformat(article["datePublished"]).utcoffset() == dt.timedelta(hours=7)
    assert article["dateModified"] > article["datePublished"]
    assert article["author"] == [{"@type": "Person", "name": "Hung Anh",
                                  "url": "https://news.example.org/authors/hung-anh/"}]
    assert article["publisher"]["@type"] == "Organization"
    assert article["publisher"]["logo"]["url"] == "https://news.example.org/images/logo.png"
    assert article["mainEntityOfPage"]["@id"] == "https://news.example.org/politics/summit-ends-with-a-deal/"
    assert article["articleSection"] == "Politics"
    assert article["keywords"] == ["Diplomacy", "Trade"]
    assert article["correction"][0]["text"] == "An earlier version misspelled a name."
    assert [i["name"] for i in crumbs["itemListElement"]] == ["The Test Times", "Politics", "Summit ends with a deal"]

    def meta(prop: str) -> list[str]:
        return doc.xpath(f'//meta[@property="{prop}" or @name="{prop}"]/@content')

    assert meta("og:type") == ["article"]
    assert meta("og:title") == ["Summit ends with a deal"]
    assert meta("og:image") == ["https://news.example.org/politics/summit-ends-with-a-deal/photo.jpg"]
    assert meta("og:image:width") == ["1600"] and meta("og:image:height") == ["900"]
    assert meta("article:section") == ["Politics"]
    assert meta("article:tag") == ["Diplomacy", "Trade"]
    assert meta("article:published_time") == [article["datePublished"]]
    assert meta("article:modified_time") == [article["dateModified"]]
    assert meta("twitter:card") == ["summary_large_image"]
    assert meta("description") == ["Leaders agreed on a plan."]
    assert doc.xpath('//link[@rel="canonical"]/@href') == ["https://news.example.org/politics/summit-ends-with-a-deal/"]
    feeds = doc.xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href')
    assert feeds == ["/feed.xml", "/politics/feed.xml"]
    # the corrections note on the page
    note = doc.xpath('//section[contains(@class, "corrections")]')[0]
    assert "misspelled a name" in note.text_content()
    assert note.xpath(".//time/@datetime")


def test_hostile_title_stays_inside_json_ld(site: Path) -> None:
    doc = _page(site, "sports/script-script-alert-1-script-quotes-b")
    scripts = doc.xpath("//script")
    assert all(s.get("type") == "application/ld+json" or s.get("src") for s in scripts)
    article = _jsonld(doc)[0]
    assert article["headline"] == HOSTILE
    assert doc.xpath("string(//h1)") == smart_text(HOSTILE)  # as text, with the page's typography
    assert doc.xpath('//meta[@property="og:title"]/@content') == [HOSTILE]


def test_responsive_lead_image(site: Path) -> None:
    doc = _page(site, "politics/summit-ends-with-a-deal")
    picture = doc.xpath('//figure[contains(@class, "lead-figure")]//picture')[0]
    webp = picture.xpath("./source[@type='image/webp']/@srcset")[0]
    widths = [int(part.split()[-1][:-1]) for part in webp.split(", ")]
    assert widths == [480, 800, 1200, 1600]
    for part in webp.split(", "):
        path = site / part.split()[0].lstrip("/")
        with Image.open(path) as im:
            assert im.format == "WEBP" and im.width == int(part.split()[-1][:-1])
    img = picture.xpath(".//img")[0]  # libxml2 (HTML4) nests void <source> children
    assert (img.get("width"), img.get("height")) == ("1600", "900")
    assert img.get("sizes") and img.get("srcset")
    assert img.get("loading") is None  # the lead image is above the fold
    figcaption = doc.xpath('string(//figure[contains(@class, "lead-figure")]/figcaption)')
    assert "Leaders at the summit." in figcaption and "Photo: AFP" in figcaption


def test_images_are_processed_once(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_text("title: T\nbase_url: https://e.org/\nsections: [Politics]\n", encoding="utf-8")
    folder = tmp_path / "content" / "story"
    folder.mkdir(parents=True)
    Image.new("RGB", (1000, 500), "red").save(folder / "p.png")
    (folder / "index.md").write_text(_article("Story", "Politics", "2025-01-01 10:00", "image: p.png\n"), encoding="utf-8")
    build(tmp_path, BuildOptions(jobs=1))
    cached = sorted((tmp_path / ".newsgen-cache" / "images").iterdir())
    stamps = [p.stat().st_mtime_ns for p in cached]
    result = build(tmp_path, BuildOptions(jobs=1))
    assert result.written == 0
    assert [p.stat().st_mtime_ns for p in sorted((tmp_path / ".newsgen-cache" / "images").iterdir())] == stamps


def test_image_variants_are_made_over_the_pool_like_serially(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build of a site with many photos resizes them in the worker processes."""
    import newsgen.parallel.executor as executor

    (tmp_path / "newsgen.yaml").write_text("title: T\nbase_url: https://e.org/\nsections: [Politics]\n", encoding="utf-8")
    for i in range(6):
        folder = tmp_path / "content" / f"story-{i}"
        folder.mkdir(parents=True)
        Image.new("RGB", (900 + 10 * i, 500), (40 * i, 90, 200)).save(folder / "p.jpg")
        (folder / "index.md").write_text(_article(f"Story {i}", "Politics", f"2025-01-0{i + 1} 10:00", "image: p.jpg\n"),
                                         encoding="utf-8")
    pools: list[int] = []
    real_pool = executor.forked_pool
    monkeypatch.setattr(executor, "forked_pool", lambda jobs, state: pools.append(jobs) or real_pool(jobs, state))
    build(tmp_path, BuildOptions(jobs=2, out=tmp_path / "pooled"))
    assert pools == [2]  # six articles: too few to parse or render in a pool; the photos were made in one
    pooled = sorted(p.name for p in (tmp_path / ".newsgen-cache" / "images").iterdir())
    assert len(pooled) == 6 * 5  # 480 and 800 wide in WebP and JPEG, and a WebP at full width
    shutil.rmtree(tmp_path / ".newsgen-cache")
    build(tmp_path, BuildOptions(jobs=1, out=tmp_path / "serial"))
    assert sorted(p.name for p in (tmp_path / ".newsgen-cache" / "images").iterdir()) == pooled
    for i in range(6):
        for name in ("p-480w.webp", "p-800w.jpg", "p.jpg"):
            one = (tmp_path / "pooled" / "politics" / f"story-{i}" / name).read_bytes()
            assert one == (tmp_path / "serial" / "politics" / f"story-{i}" / name).read_bytes()


def test_broken_image_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsgen.cli import main

    (tmp_path / "newsgen.yaml").write_text("title: T\nbase_url: https://e.org/\nsections: [Politics]\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "photo.jpg").write_bytes(b"this is not a jpeg")
    (tmp_path / "content" / "a.md").write_text(_article("A", "Politics", "2025-01-01 10:00", "image: photo.jpg\n"),
                                               encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert 'content/a.md:5: "photo.jpg" is not an image newsgen can read' in result.output
    assert "Traceback" not in result.output


def test_vietnamese_site_dates_and_lang(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_text(
        "title: Tin Tức\nbase_url: https://e.org/\nlanguage: vi\ntimezone: Asia/Ho_Chi_Minh\nsections: [Thời sự]\n",
        encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(_article("Hội nghị Trung ương", "Thời sự", "2025-03-19 17:40"),
                                               encoding="utf-8")
    build(tmp_path, BuildOptions(jobs=1))
    doc = _page(tmp_path / "public", "thoi-su/hoi-nghi-trung-uong")
    assert doc.get("lang") == "vi"
    when = doc.xpath('string(//p[contains(@class, "byline")]/time)')
    assert "tháng 3" in when and "2025" in when and "17:40" in when
