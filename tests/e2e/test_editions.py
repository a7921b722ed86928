"""Language editions (issue 16): the demo newsroom builds an English edition at / and a Vietnamese one
under /vi/, and the editions are linked for readers and machines.

On a copy of the demo (built with the clock on 2026-11-25, so that both news sitemaps list stories):
every theme string on a Vietnamese page is Vietnamese; hreflang links are reciprocal, complete and
valid on every page of both editions; both editions' sitemaps validate (sitemaps.org, Google News and
Image schemas, and the xhtml:link alternates) and robots.txt names them all; the NewsArticle JSON-LD
carries inLanguage and translationOfWork / workTranslation; the language switcher goes to the same
story or to the other edition's home; a story published in one edition rewrites only what it must in
the other; each configuration or content mistake is one `path:line: message (hint)` line. Then small
sites: a right-to-left edition, and a site without `languages:` (nothing of this appears).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from lxml import etree

from e2e.test_incremental import without_latest_list
from e2e.test_translated_theme import english_needles, shown
from newsgen.build import BuildOptions, build
from newsgen.render.translations import theme_locale_dir

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "tests" / "fixtures" / "schemas"
BASE = "https://courier.example.org/"
# The newest demo stories of both editions are from 2026-11-24/25: at noon on the 25th both editions'
# news sitemaps list stories (with <news:language>); the story scheduled for 2027 stays unpublished.
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<message>.+?) \((?P<hint>.+)\)$")

# A vi article with an English original at the same path, and the English one.
VI_ARTICLE = "vi/chinh-tri/thong-qua-dap-chan-lu-song-ngoc/"
EN_ARTICLE = "politics/flood-barrier-approved/"
VI_TAG = "vi/tags/lu-lut/"  # a tag page: no version in English
VI_SECTION = "vi/chinh-tri/"


# ---------------------------------------------------------------------------- the demo, built


def copy_demo(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "newsgen.yaml", dest / "newsgen.yaml")
    for folder in ("content", "static", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder)
    return dest


def build_at_now(root: Path, **options: Any) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        import newsgen.build

        mp.setattr(newsgen.build, "tz_now", lambda tz: NOW.astimezone(tz))
        return build(root, BuildOptions(jobs=1, **options))


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo (the repo's own public/ and cache stay untouched), built once, into public/."""
    root = copy_demo(tmp_path_factory.mktemp("editions") / "site")
    build_at_now(root)
    return root


@pytest.fixture(scope="module")
def out(demo_root: Path) -> Path:
    return demo_root / "public"


@pytest.fixture
def demo_copy(demo_root: Path, tmp_path: Path) -> Path:
    """A copy of the built demo (its output and build cache too) that a test may change."""
    dest = tmp_path / "site"
    shutil.copytree(demo_root, dest, symlinks=True)
    return dest


@pytest.fixture
def cli_now(run_cli: Callable[..., Any], freeze_clock: Callable[[dt.datetime], None]) -> Callable[..., Any]:
    """run_cli with the clock at NOW (run_cli alone freezes it in 2025, before every demo story)."""
    freeze_clock(NOW)
    return run_cli


def page_of(out: Path, url: str) -> Path:
    """The output file of a site-relative or absolute URL of the demo."""
    rel = url[len(BASE):] if url.startswith(BASE) else url.lstrip("/")
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if not p.name.startswith("."))


def hreflangs(doc: lxml.html.HtmlElement) -> dict[str, str]:
    links = doc.xpath("//head/link[@rel='alternate'][@hreflang]")
    found = {link.get("hreflang"): link.get("href") for link in links}
    assert len(found) == len(links), "an hreflang given twice"
    return found


def jsonld(doc: lxml.html.HtmlElement, kind: str) -> dict[str, Any]:
    items = [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]
    (found,) = [i for i in items if i.get("@type") == kind]
    return found


def valid_bcp47(code: str) -> bool:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
        return False
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


# ---------------------------------------------------------------------------- the demo has editions


def test_the_demo_builds_both_editions(out: Path, parse_html: Callable[[Path], Any]) -> None:
    vi = [p for p in html_pages(out / "vi")]
    en = [p for p in html_pages(out) if not p.is_relative_to(out / "vi")]
    assert len(vi) > 30 and len(en) > 60
    assert {parse_html(p).get("lang") for p in vi} == {"vi"}
    assert {parse_html(p).get("lang") for p in en} == {"en"}
    for name in ("index.html", "404.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml",
                 "news-sitemap.xml", "latest-news.json", "chinh-tri/feed.xml"):
        assert (out / "vi" / name).is_file(), name
    assert not (out / "vi" / "robots.txt").exists()  # one robots.txt, at the root
    assert not (out / "vi" / "_redirects").exists()
    home = parse_html(out / "vi" / "index.html")
    assert home.findtext(".//p[@class='site-title']/a") == "Tin Ven Sông"
    nav = [a.text_content() for a in home.xpath("//nav[@class='sections-nav']//a")]
    assert nav[1:] == ["Chính trị", "Thế giới", "Kinh doanh", "Công nghệ", "Văn hóa", "Thể thao", "Bình luận"]
    assert home.xpath("//nav[@class='sections-nav']//a/@href")[:2] == ["/vi/", "/vi/chinh-tri/"]
    # every link of a vi page to an HTML page of the site stays in the vi edition, but the switcher's
    for page in (VI_ARTICLE, VI_TAG, VI_SECTION, "vi/"):
        doc = parse_html(page_of(out, page))
        for a in doc.xpath("//a[@href]"):
            href = a.get("href")
            if not href.startswith("/") or href.startswith("//") or a.xpath("ancestor::nav[@class='languages']"):
                continue
            if href.endswith("/"):
                assert href.startswith("/vi/"), (page, href)


# ---------------------------------------------------------------------------- a. theme strings


def english_catalog() -> list[tuple[str, str]]:
    """(English msgid, Vietnamese translation) of the theme's strings, plural forms included."""
    with (theme_locale_dir() / "vi" / "LC_MESSAGES" / "newsgen.po").open("rb") as f:
        vi = read_po(f)
    pairs = []
    for message in vi:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for k, msgid in enumerate(ids):
            pairs.append((msgid, strings[min(k, len(strings) - 1)]))
    return pairs


def exact_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each English msgid that reads differently in Vietnamese, as a whole-text pattern (placeholders
    match anything): a text node or attribute equal to one is an English theme string."""
    out = []
    for msgid, translation in english_catalog():
        if msgid.strip() == translation.strip() or not re.search(r"[A-Za-z]", msgid):
            continue
        parts = re.split(r"%\(\w+\)[sd]", msgid)
        out.append((msgid, re.compile(r"\s*" + ".+".join(re.escape(p.strip()) for p in parts) + r"\s*",
                                      re.DOTALL)))
    assert len(out) > 30
    return out


def test_every_theme_string_on_a_vietnamese_page_is_vietnamese(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    needles = english_needles()
    exact = exact_patterns()
    pages = html_pages(out / "vi")
    found: dict[str, set[str]] = {}
    for page in pages:
        doc = parse_html(page)
        rel = str(page.relative_to(out))
        # 1. the words of any English theme string anywhere in the text outside the story bodies
        #    (a Vietnamese story may quote an English name; the theme's own words are never there)
        for body in doc.xpath("//div[contains(concat(' ', @class, ' '), ' story-body ')]"):
            body.getparent().remove(body)
        text = " ".join(" ".join(shown(doc)).split())
        for word, pattern in needles:
            if pattern.search(text):
                found.setdefault(word, set()).add(rel)
        # 2. no text node or read-out attribute, anywhere, IS an English theme string
        full = parse_html(page)
        for el in full.iter():
            if not isinstance(el.tag, str) or el.tag in ("script", "style"):
                continue
            values = [el.text, el.tail, *(el.get(a) for a in ("aria-label", "title", "alt", "placeholder"))]
            for value in values:
                if value and value.strip():
                    for msgid, pattern in exact:
                        if pattern.fullmatch(value):
                            found.setdefault(msgid, set()).add(rel)
    assert found == {}
    # and the Vietnamese strings are there (the check above is not vacuous)
    article = parse_html(page_of(out, VI_ARTICLE))
    assert article.xpath("string(//h2[@id='latest_title'])") == "Tin mới nhất"
    assert article.xpath("string(//nav[@class='languages']/@aria-label)") == "Ngôn ngữ"
    assert article.xpath("string(//span[@class='credit'])").startswith("Ảnh: ")
    assert " ".join(article.xpath("string(//p[@class='byline'])").split()).startswith("Tác giả: ")


def test_the_comments_slot_of_a_vietnamese_article_is_vietnamese(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    doc = parse_html(page_of(out, VI_ARTICLE))
    slot = " ".join(doc.xpath("string(//section[@id='comments_slot'])").split())
    assert slot
    assert [word for word, pattern in english_needles() if pattern.search(slot)] == []


def test_the_vietnamese_feeds_and_404_are_vietnamese(out: Path, parse_html, parse_xml) -> None:  # type: ignore[no-untyped-def]
    rss = parse_xml(out / "vi" / "feed.xml")
    assert rss.findtext("channel/title") == "Tin Ven Sông"
    assert rss.findtext("channel/language") == "vi"
    assert rss.findtext("channel/link").startswith(BASE + "vi/")
    assert all(link.startswith(BASE + "vi/") for link in rss.xpath("channel/item/link/text()"))
    feed = json.loads((out / "vi" / "feed.json").read_text("utf-8"))
    assert feed["language"] == "vi" and feed["home_page_url"] == BASE + "vi/"
    assert all(item["url"].startswith(BASE + "vi/") for item in feed["items"])
    latest = json.loads((out / "vi" / "latest-news.json").read_text("utf-8"))
    urls = re.findall(r'"(?:url|link)":\s*"([^"]+)"', json.dumps(latest))
    assert urls and all("/vi/" in u for u in urls)
    notfound = parse_html(out / "vi" / "404.html")
    assert notfound.get("lang") == "vi"
    assert "Page not found" not in notfound.text_content()


# ---------------------------------------------------------------------------- b. hreflang


def test_hreflang_pairs_are_reciprocal_and_valid(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    sets: dict[Path, dict[str, str]] = {}
    for page in html_pages(out):
        doc = parse_html(page)
        alts = hreflangs(doc)
        if not alts:
            continue
        sets[page] = alts
        rel = str(page.relative_to(out))
        canonical = doc.xpath("string(//head/link[@rel='canonical']/@href)")
        lang = doc.get("lang")
        # itself, under its own language
        assert alts.get(lang) == canonical, (rel, alts)
        # x-default: the default (English) edition's version
        assert alts.get("x-default") == alts.get("en"), (rel, alts)
        assert "x-default" in alts, rel
        assert len(alts) >= 3, (rel, alts)  # itself, the other edition, x-default
        for code, href in alts.items():
            assert code == "x-default" or valid_bcp47(code), (rel, code)
            assert href.startswith(BASE), (rel, href)
            target = page_of(out, href)
            assert target.is_file(), (rel, code, href)
            # the target links back with the same set
            assert hreflangs(parse_html(target)) == alts, (rel, href)
            # and its language is the code
            if code != "x-default":
                assert parse_html(target).get("lang") == code, (rel, href)
    # every page of both editions that has a version in the other one has hreflang links
    en_pages = {p for p in sets if not p.is_relative_to(out / "vi")}
    vi_pages = {p for p in sets if p.is_relative_to(out / "vi")}
    assert len(en_pages) == len(vi_pages) > 20
    for page in ("", "vi/", "politics/", VI_SECTION, EN_ARTICLE, VI_ARTICLE, "authors/tran-minh-chau/",
                 "vi/authors/tran-minh-chau/"):
        assert page_of(out, page) in sets, page
    # pages without a version elsewhere have none
    for page in (VI_TAG, "tags/flooding/", "vi/404.html", "404.html"):
        assert hreflangs(parse_html(page_of(out, page))) == {}, page


def test_every_translation_in_the_demo_content_is_linked(demo_root: Path, out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    """Each vi story with an English story at the same path under content/ has hreflang to it (the
    published ones: not the scheduled 2027 story), and the English one back."""
    from newsgen.config import load_config
    from newsgen.content.parse import parse_file

    config = load_config(demo_root)
    pairs = 0
    for vi_file in sorted((demo_root / "content" / "vi").rglob("*.md")):
        rel = vi_file.relative_to(demo_root / "content" / "vi")
        en_file = demo_root / "content" / rel
        vi_article = parse_file(demo_root, str(vi_file.relative_to(demo_root)), config)[0]
        assert vi_article is not None
        if vi_article.date > NOW:
            assert not page_of(out, vi_article.url).exists()
            continue
        vi_alts = hreflangs(parse_html(page_of(out, vi_article.url)))
        assert en_file.is_file(), rel
        en_article = parse_file(demo_root, str(en_file.relative_to(demo_root)), config)[0]
        assert en_article is not None
        assert vi_alts == {"en": BASE + en_article.url, "vi": BASE + vi_article.url,
                           "x-default": BASE + en_article.url}, rel
        pairs += 1
    assert pairs >= 9


def test_og_locale_and_alternates(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    def og(page: str) -> tuple[str, list[str]]:
        doc = parse_html(page_of(out, page))
        return (doc.xpath("string(//meta[@property='og:locale']/@content)"),
                doc.xpath("//meta[@property='og:locale:alternate']/@content"))

    assert og(VI_ARTICLE) == ("vi_VN", ["en_US"])
    assert og(EN_ARTICLE) == ("en_US", ["vi_VN"])
    assert og(VI_TAG) == ("vi_VN", [])  # no version elsewhere


# ---------------------------------------------------------------------------- c. sitemaps and robots.txt

# The sitemaps.org schema lets a <url> carry elements of other namespaces, validated strictly: Google's
# xhtml:link alternates need a schema for the XHTML namespace. Google points at the W3C's
# xhtml1-strict.xsd, which is not available offline; this is its definition of <link> (an empty element;
# hreflang an xsd:language, href an xsd:anyURI), narrowed to what Google's sitemap alternates require:
# rel="alternate", hreflang and href present.
XHTML_LINK_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xhtml"
            elementFormDefault="qualified">
  <xsd:element name="link">
    <xsd:complexType>
      <xsd:attribute name="rel" use="required">
        <xsd:simpleType><xsd:restriction base="xsd:NMTOKEN"><xsd:enumeration value="alternate"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:attribute>
      <xsd:attribute name="hreflang" type="xsd:language" use="required"/>
      <xsd:attribute name="href" type="xsd:anyURI" use="required"/>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


@pytest.fixture(scope="module")
def sitemap_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    folder = tmp_path_factory.mktemp("schemas")
    (folder / "xhtml-link.xsd").write_text(XHTML_LINK_XSD, encoding="utf-8")
    imports = [("http://www.sitemaps.org/schemas/sitemap/0.9", SCHEMAS / "sitemap.xsd"),
               ("http://www.google.com/schemas/sitemap-news/0.9", SCHEMAS / "sitemap-news.xsd"),
               ("http://www.google.com/schemas/sitemap-image/1.1", SCHEMAS / "sitemap-image.xsd"),
               ("http://www.w3.org/1999/xhtml", folder / "xhtml-link.xsd")]
    driver = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">\n'
              + "".join(f'  <xsd:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>\n'
                        for ns, path in imports)
              + "</xsd:schema>\n")
    (folder / "all.xsd").write_text(driver, encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(folder / "all.xsd")))


def validated(schema: etree.XMLSchema, path: Path) -> etree._ElementTree:
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(doc), (path, schema.error_log)
    return doc


def test_the_stock_schemas_reject_an_unknown_extension(sitemap_schema: etree.XMLSchema, tmp_path: Path) -> None:
    """The validation below is strict: an element of another namespace that no schema defines, or an
    xhtml:link without hreflang, fails."""
    bad = tmp_path / "bad.xml"
    bad.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:y="urn:y">'
                   '<url><loc>https://e.org/</loc><y:z/></url></urlset>', encoding="utf-8")
    assert not sitemap_schema.validate(etree.parse(str(bad)))
    bad.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://e.org/</loc>'
                   '<xhtml:link rel="alternate" href="https://e.org/vi/"/></url></urlset>', encoding="utf-8")
    assert not sitemap_schema.validate(etree.parse(str(bad)))


def test_sitemaps_validate_and_carry_the_alternates(out: Path, sitemap_schema: etree.XMLSchema,  # type: ignore[no-untyped-def]
                                                    parse_html) -> None:
    alternates: dict[str, dict[str, str]] = {}
    locs: dict[str, set[str]] = {}
    for edition in ("", "vi/"):
        doc = validated(sitemap_schema, out / edition / "sitemap.xml")
        locs[edition] = set(doc.xpath("//s:url/s:loc/text()", namespaces=NS))
        for url in doc.xpath("//s:url", namespaces=NS):
            loc = url.findtext("s:loc", namespaces=NS)
            links = url.xpath("x:link", namespaces=NS)
            found = {link.get("hreflang"): link.get("href") for link in links}
            assert len(found) == len(links), loc
            if found:
                alternates[loc] = found
    # each edition's sitemap lists its own pages only: the vi one, every page of the vi edition
    vi_pages = {BASE + str(p.parent.relative_to(out)) + "/" for p in (out / "vi").rglob("index.html")}
    assert locs["vi/"] == vi_pages
    assert not [u for u in locs[""] if u.startswith(BASE + "vi/")]
    assert all(page_of(out, u).is_file() for u in locs[""])
    # the alternates: reciprocal, each version listed in its edition's sitemap, the same as the page's
    assert len(alternates) > 40
    for loc, found in alternates.items():
        own = "vi/" if loc.startswith(BASE + "vi/") else ""
        assert found[{"": "en", "vi/": "vi"}[own]] == loc
        assert found["x-default"] == found["en"]
        for code, href in found.items():
            assert code == "x-default" or valid_bcp47(code)
            assert href in locs["vi/" if href.startswith(BASE + "vi/") else ""], (loc, href)
            assert alternates[href] == found, (loc, href)
        assert hreflangs(parse_html(page_of(out, loc))) == found, loc
    # and every page with hreflang links has them in its sitemap entry
    for page in html_pages(out):
        doc = parse_html(page)
        if hreflangs(doc):
            assert doc.xpath("string(//head/link[@rel='canonical']/@href)") in alternates, page


def test_news_sitemaps_validate_with_each_editions_language(out: Path, sitemap_schema: etree.XMLSchema) -> None:
    for edition, lang, name in (("", "en", "The Riverside Courier"), ("vi/", "vi", "Tin Ven Sông")):
        doc = validated(sitemap_schema, out / edition / "news-sitemap.xml")
        news = doc.xpath("//s:url[n:news]", namespaces=NS)
        assert len(news) >= 2, edition
        assert set(doc.xpath("//n:publication/n:language/text()", namespaces=NS)) == {lang}
        assert set(doc.xpath("//n:publication/n:name/text()", namespaces=NS)) == {name}
        for url in news:
            loc = url.findtext("s:loc", namespaces=NS)
            assert loc.startswith(BASE + edition) and (edition or not loc.startswith(BASE + "vi/")), loc
            assert page_of(out, loc).is_file()


def test_robots_txt_names_both_editions_sitemaps(out: Path) -> None:
    text = (out / "robots.txt").read_text("utf-8")
    sitemaps = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Sitemap: ")]
    assert sorted(sitemaps) == sorted([BASE + "sitemap.xml", BASE + "news-sitemap.xml",
                                       BASE + "vi/sitemap.xml", BASE + "vi/news-sitemap.xml"])
    assert all(page_of(out, url).is_file() for url in sitemaps)


# ---------------------------------------------------------------------------- d. JSON-LD


def test_jsonld_carries_the_language_and_the_translation_links(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    vi = jsonld(parse_html(page_of(out, VI_ARTICLE)), "NewsArticle")
    en = jsonld(parse_html(page_of(out, EN_ARTICLE)), "NewsArticle")
    assert vi["inLanguage"] == "vi" and en["inLanguage"] == "en"
    assert vi["url"] == BASE + VI_ARTICLE and en["url"] == BASE + EN_ARTICLE
    original = vi["translationOfWork"]
    assert original["url"] == BASE + EN_ARTICLE
    assert original.get("@type", "NewsArticle") in ("NewsArticle", "Article", "CreativeWork")
    assert "workTranslation" not in vi
    translations = en["workTranslation"]
    translations = translations if isinstance(translations, list) else [translations]
    assert [t["url"] for t in translations] == [BASE + VI_ARTICLE]
    assert [t.get("inLanguage") for t in translations] == ["vi"]
    assert "translationOfWork" not in en
    # a story without translation has neither
    lone = [p for p in (out / "politics").glob("*/index.html")
            if not hreflangs(parse_html(p)) and p.parent.name != "page"]
    assert lone
    alone = jsonld(parse_html(lone[0]), "NewsArticle")
    assert alone["inLanguage"] == "en"
    assert "workTranslation" not in alone and "translationOfWork" not in alone
    # the breadcrumbs of the vi story stay in the vi edition
    crumbs = jsonld(parse_html(page_of(out, VI_ARTICLE)), "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [BASE + "vi/", BASE + VI_SECTION, BASE + VI_ARTICLE]


# ---------------------------------------------------------------------------- e. the switcher


def switcher(doc: lxml.html.HtmlElement) -> list[tuple[str, str | None, str | None]]:
    """(name, href or None for the current edition, hreflang) of each entry of nav.languages."""
    (nav,) = doc.xpath("//nav[@class='languages']")
    out = []
    for li in nav.xpath(".//li"):
        (a,) = li.xpath("./a|./span")
        out.append((a.text_content().strip(), a.get("href"), a.get("hreflang")))
        if a.tag == "span":
            assert a.get("aria-current"), "the current edition is marked"
    return out


def test_the_switcher_goes_to_the_same_story_or_the_other_home(out: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    assert switcher(parse_html(page_of(out, VI_ARTICLE))) == [
        ("English", "/" + EN_ARTICLE, "en"), ("Tiếng Việt", None, None)]
    assert switcher(parse_html(page_of(out, EN_ARTICLE))) == [
        ("English", None, None), ("Tiếng Việt", "/" + VI_ARTICLE, "vi")]
    assert switcher(parse_html(page_of(out, VI_TAG))) == [("English", "/", "en"), ("Tiếng Việt", None, None)]
    assert switcher(parse_html(page_of(out, "tags/flooding/"))) == [
        ("English", None, None), ("Tiếng Việt", "/vi/", "vi")]
    assert switcher(parse_html(page_of(out, VI_SECTION))) == [
        ("English", "/politics/", "en"), ("Tiếng Việt", None, None)]
    assert switcher(parse_html(out / "vi" / "404.html"))[0] == ("English", "/", "en")
    # every switcher link of every page leads to a page that exists, in the language it names
    for page in html_pages(out):
        doc = parse_html(page)
        if doc.xpath("//meta[@http-equiv='refresh']"):  # an old address's redirect page
            continue
        for _name, href, lang in switcher(doc):
            if href is None:
                continue
            target = page_of(out, href)
            assert target.is_file(), (page, href)
            assert parse_html(target).get("lang") == lang, (page, href)


# ---------------------------------------------------------------------------- f. incremental


def vi_story(title: str, section: str, author: str, date: str, tags: str = "[Kinh tế]") -> str:
    return (f"---\ntitle: {title}\nsection: {section}\nauthor: {author}\ndate: {date}\ntags: {tags}\n---\n\n"
            "Một đoạn mở đầu ngắn.\n\nThêm một đoạn nữa.\n")


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Path:
    """A copy of the demo built in place (a copy of a built site is rendered in full by its first
    build: incremental tests need a build made where it is)."""
    root = copy_demo(tmp_path / "fresh")
    build_at_now(root)
    return root


def test_a_story_in_one_edition_rewrites_only_what_links_it(fresh_demo: Path, tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    demo_copy = fresh_demo
    out = demo_copy / "public"
    before = snapshot(out)
    # 1. a new Vietnamese story, no translation, by an author with stories in both editions already:
    #    the vi edition only (its home, section, feeds, sitemaps, author and tag pages...)
    (demo_copy / "content/vi/business/2026/new-market.md").write_text(
        vi_story("Chợ đầu mối mới mở cửa", "Kinh doanh", "Trần Minh Châu", "2026-11-25 10:30"), encoding="utf-8")
    first = build_at_now(demo_copy)
    assert first.changed, "nothing written"
    assert first.rendered < 30, first.rendered  # an incremental build
    assert [f for f in first.changed if not f.startswith("vi/")] == []
    assert first.removed == []
    assert {"vi/index.html", "vi/sitemap.xml", "vi/news-sitemap.xml", "vi/kinh-doanh/index.html",
            "vi/kinh-doanh/cho-dau-moi-moi-mo-cua/index.html"} <= set(first.changed)
    assert len(first.changed) <= 20, first.changed
    after = snapshot(out)
    assert {k for k in after if not k.startswith("vi/") and after[k] != before.get(k)} <= {
        k for k in after if k.startswith(".")}  # (the build's own bookkeeping files)

    # 2. a Vietnamese translation of an English story: in the English edition, only that story's page
    #    (its hreflang links, switcher, JSON-LD workTranslation) and the English sitemap (xhtml:link)
    en_story = "politics/city-proposes-a-levy-on-empty-apartments-to-ease-the-housing-shortage/index.html"
    (demo_copy / "content/vi/politics/2026/housing-levy.md").write_text(
        vi_story("Thành phố đề xuất thu phí căn hộ bỏ trống", "Chính trị", "Trần Minh Châu",
                 "2026-10-02 09:15", "[Ngân sách]"), encoding="utf-8")
    second = build_at_now(demo_copy)
    assert sorted(f for f in second.changed if not f.startswith("vi/")) == [en_story, "sitemap.xml"]
    assert "vi/chinh-tri/thanh-pho-de-xuat-thu-phi-can-ho-bo-trong/index.html" in second.changed
    assert len(second.changed) <= 25, second.changed
    en_doc = lxml.html.fromstring((out / en_story).read_bytes())
    assert hreflangs(en_doc)["vi"] == BASE + "vi/chinh-tri/thanh-pho-de-xuat-thu-phi-can-ho-bo-trong/"

    # 3. what the two incremental builds left is what a clean build of the same files makes (but the
    #    Latest News list of older article pages: by design refreshed from latest-news.json, issue 5)
    clean = tmp_path / "clean"
    build_at_now(demo_copy, out=clean)
    a, b = snapshot(out), snapshot(clean)
    assert sorted(k for k in a.keys() ^ b.keys() if not k.startswith(".")) == []
    differ = [k for k in a if not k.startswith(".") and a[k] != b[k]]
    assert [k for k in differ if without_latest_list(a[k]) != without_latest_list(b[k])] == []


def test_an_authors_first_story_in_the_other_edition_links_their_pages(fresh_demo: Path) -> None:
    """The one English page a new vi story (no translation) may rewrite: the page of its author when
    the author had no vi story before (it gains hreflang to their new vi page), and the sitemap."""
    demo = fresh_demo
    (demo / "content/vi/culture/2026/lantern-new.md").write_text(
        vi_story("Lễ hội đèn lồng mới", "Văn hóa", "Lê Thị Hồng Nhung", "2026-11-25 10:00", "[Lễ hội]"),
        encoding="utf-8")
    result = build_at_now(demo)
    assert sorted(f for f in result.changed if not f.startswith("vi/")) == [
        "authors/le-thi-hong-nhung/index.html", "sitemap.xml"]
    doc = lxml.html.fromstring((demo / "public/authors/le-thi-hong-nhung/index.html").read_bytes())
    assert hreflangs(doc)["vi"] == BASE + "vi/authors/le-thi-hong-nhung/"


# ---------------------------------------------------------------------------- g. errors


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    lines = path.read_text("utf-8").splitlines()
    start = next(i for i, text in enumerate(lines) if after in text) if after else 0
    return next(i for i, text in enumerate(lines) if i >= start and needle in text) + 1


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


BARRIER = "content/vi/politics/2026/flood-barrier-vote.md"
PRICE = "content/vi/commentaries/2026/flood-barrier-price.md"
MARATHON = "content/vi/sports/2026/marathon-early-start.md"
Where = set[tuple[str, int]]  # the (path, line) pairs an error may name


def break_unknown_code(root: Path) -> tuple[Where, str]:
    replace_in(root / "newsgen.yaml", "  - code: vi\n", "  - code: vx\n")
    return {("newsgen.yaml", line_of(root / "newsgen.yaml", "code: vx"))}, 'unknown language code "vx"'


def break_duplicate_key(root: Path) -> tuple[Where, str]:
    """Two vi stories with one translation_key: the error names either, at its translation_key line."""
    for rel in (BARRIER, PRICE):
        replace_in(root / rel, "\nsection:", "\ntranslation_key: flood-barrier\nsection:")
    return {(rel, line_of(root / rel, "translation_key:")) for rel in (BARRIER, PRICE)}, \
        'translation_key "flood-barrier"'


def break_missing_section(root: Path) -> tuple[Where, str]:
    """The vi language's `sections:` without Commentaries: the error points at that `sections:`."""
    config = root / "newsgen.yaml"
    lines = config.read_text("utf-8").splitlines(keepends=True)
    config.write_text("".join(x for x in lines if not x.lstrip().startswith("Commentaries:")), encoding="utf-8")
    return {("newsgen.yaml", line_of(config, "sections:", after="code: vi"))}, "Commentaries"


def break_unknown_section(root: Path) -> tuple[Where, str]:
    replace_in(root / MARATHON, "section: Thể thao\n", "section: Thể dục\n")
    return {(MARATHON, line_of(root / MARATHON, "section:"))}, 'unknown section "Thể dục"'


MISTAKES = {
    "unknown-language-code": break_unknown_code,
    "duplicate-translation-key": break_duplicate_key,
    "language-misses-a-section": break_missing_section,
    "vi-article-unknown-section": break_unknown_section,
}


def error_lines(stderr: str) -> list[str]:
    return [x for x in stderr.splitlines() if x.strip() and not x.startswith("newsgen: ")]


@pytest.mark.parametrize("mistake", [
    pytest.param("unknown-language-code"),
    pytest.param("duplicate-translation-key"),
    pytest.param("language-misses-a-section"),
    pytest.param("vi-article-unknown-section"),
])
def test_each_mistake_is_one_error_line_and_the_output_stays(demo_copy: Path, cli_now, snapshot,  # type: ignore[no-untyped-def]
                                                             mistake: str) -> None:
    before = snapshot(demo_copy / "public")
    where, words = MISTAKES[mistake](demo_copy)
    result = cli_now(["build", "--jobs", "1"], demo_copy)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (m["path"], int(m["line"])) in where, lines[0]
    assert words in m["message"], lines[0]
    assert snapshot(demo_copy / "public") == before
    checked = cli_now(["check"], demo_copy)
    assert checked.exit_code == 1 and not checked.traceback
    assert lines[0] in checked.stderr


def test_a_duplicate_translation_key_names_both_files(demo_copy: Path, cli_now, snapshot) -> None:  # type: ignore[no-untyped-def]
    """The error names both files and the language: one line, both files, the
    language; exit 1, nothing written."""
    before = snapshot(demo_copy / "public")
    break_duplicate_key(demo_copy)
    result = cli_now(["build", "--jobs", "1"], demo_copy)
    assert result.exit_code == 1 and not result.traceback
    (line,) = error_lines(result.stderr)
    assert line.split(":", 1)[0] in (BARRIER, PRICE)
    assert BARRIER in line and PRICE in line and "(vi)" in line
    assert snapshot(demo_copy / "public") == before


def test_the_unknown_section_hint_lists_the_editions_names(demo_copy: Path, cli_now) -> None:  # type: ignore[no-untyped-def]
    break_unknown_section(demo_copy)
    result = cli_now(["build", "--jobs", "1"], demo_copy)
    (line,) = error_lines(result.stderr)
    assert "Thể thao" in line and "Chính trị" in line


def test_a_translation_key_links_stories_at_different_paths(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    """`translation_key:` links two stories whatever their paths; stories at different paths without
    one are not linked (nothing is guessed from titles or dates)."""
    a = make_site.article
    root = make_site({
        "content/politics/council.md": a("Council vote", translation_key="vote-2025"),
        "content/vi/politics/hoi-dong.md": a("Hội đồng biểu quyết", translation_key="vote-2025"),
        "content/politics/bridge.md": a("Bridge opens", date="2025-03-18 10:00"),
        "content/vi/politics/cau.md": a("Cầu thông xe", date="2025-03-18 10:00"),  # same date, no key
    }, extra_config="languages:\n  - code: en\n  - code: vi\n")
    build(root)
    out = root / "public"
    base = "https://gazette.example.org/"
    en = hreflangs(parse_html(out / "politics" / "council-vote" / "index.html"))
    assert en == {"en": base + "politics/council-vote/", "vi": base + "vi/politics/hoi-dong-bieu-quyet/",
                  "x-default": base + "politics/council-vote/"}
    assert hreflangs(parse_html(out / "vi" / "politics" / "hoi-dong-bieu-quyet" / "index.html")) == en
    assert hreflangs(parse_html(out / "politics" / "bridge-opens" / "index.html")) == {}
    assert hreflangs(parse_html(out / "vi" / "politics" / "cau-thong-xe" / "index.html")) == {}


def test_old_addresses_of_every_edition_are_in_the_one_redirects_file(make_site, build) -> None:  # type: ignore[no-untyped-def]
    """`_redirects` is read at the root only: it holds the aliases of the stories of every edition, and
    each old address also gets its redirect page."""
    a = make_site.article
    root = make_site({
        "content/politics/council.md": a("Council vote", aliases=["/2024/01/02/council/"]),
        "content/vi/politics/hoi-dong.md": a("Hội đồng biểu quyết", aliases=["/vi/2024/01/02/hoi-dong/", "/?p=7"]),
    }, extra_config="languages:\n  - code: en\n  - code: vi\n")
    build(root)
    out = root / "public"
    lines = (out / "_redirects").read_text("utf-8").splitlines()[1:]
    assert sorted(lines) == sorted(["/2024/01/02/council/ /politics/council-vote/ 301",
                                    "/vi/2024/01/02/hoi-dong/ /vi/politics/hoi-dong-bieu-quyet/ 301",
                                    "/ p=7 /vi/politics/hoi-dong-bieu-quyet/ 301"])
    assert not (out / "vi" / "_redirects").exists()
    assert "/vi/politics/hoi-dong-bieu-quyet/" in (out / "vi/2024/01/02/hoi-dong/index.html").read_text("utf-8")


def test_a_bundle_and_a_single_file_at_one_path_are_translations(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({
        "content/politics/council/index.md": a("Council vote"),
        "content/vi/politics/council.md": a("Hội đồng biểu quyết"),
        "content/pt-br/politics/council.md": a("Votação no conselho"),  # the folder of pt-BR, in lower case
    }, extra_config="languages:\n  - code: en\n  - code: vi\n  - code: pt-BR\n")
    build(root)
    found = hreflangs(parse_html(root / "public" / "politics" / "council-vote" / "index.html"))
    assert set(found) == {"en", "vi", "pt-BR", "x-default"}


def test_a_query_alias_of_any_edition_is_answered_by_the_root_home_page(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({
        "content/politics/council.md": a("Council vote", aliases=["/?p=1"]),
        "content/vi/politics/hoi-dong.md": a("Hội đồng biểu quyết", aliases=["/?p=2"]),
    }, extra_config="languages:\n  - code: en\n  - code: vi\n")
    build(root)
    script = (root / "public" / "index.html").read_text("utf-8")
    assert '"p=1": "/politics/council-vote/"' in script and '"p=2": "/vi/politics/hoi-dong-bieu-quyet/"' in script
    assert "location.replace" not in (root / "public" / "vi" / "index.html").read_text("utf-8")


# ---------------------------------------------------------------------------- h. right to left


def test_a_right_to_left_edition(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({
        "content/politics/story.md": a("A council vote", body="The council voted.\n"),
        "content/ar/politics/story.md": a("تصويت المجلس", body="صوّت المجلس.\n"),
        "content/ar/politics/other.md": a("خبر آخر", date="2025-03-18 10:00"),
    }, extra_config="languages:\n  - code: en\n  - code: ar\n")
    build(root)
    out = root / "public"
    ar_pages = html_pages(out / "ar")
    assert len(ar_pages) > 5
    for page in ar_pages:
        doc = parse_html(page)
        assert (doc.get("lang"), doc.get("dir")) == ("ar", "rtl"), page
    for page in html_pages(out):
        if not page.is_relative_to(out / "ar"):
            doc = parse_html(page)
            assert doc.get("lang") == "en" and doc.get("dir") in (None, "ltr"), page
    home = parse_html(out / "ar" / "index.html")
    assert switcher(home)[1][0] == "العربية"  # Babel's name of the language, in the language
    en_story = parse_html(out / "politics" / "a-council-vote" / "index.html")
    alts = hreflangs(en_story)
    assert set(alts) == {"en", "ar", "x-default"}
    ar_story = parse_html(page_of(out, alts["ar"].replace("https://gazette.example.org/", BASE)))
    assert (ar_story.get("lang"), ar_story.get("dir")) == ("ar", "rtl")
    assert hreflangs(ar_story) == alts


# ---------------------------------------------------------------------------- i. one language: as before


def test_a_site_without_languages_has_no_trace_of_editions(make_site, build, parse_html, parse_xml) -> None:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({
        "content/politics/one.md": a("One", tags=["Budget"], author="Hung Anh"),
        "content/sports/two.md": a("Two", section="Sports", date="2025-03-18 10:00"),
    })
    build(root)
    out = root / "public"
    pages = html_pages(out)
    assert len(pages) > 5
    for page in pages:
        doc = parse_html(page)
        assert hreflangs(doc) == {}, page
        assert doc.xpath("//nav[@class='languages']") == [], page
        assert doc.xpath("//meta[@property='og:locale:alternate']") == [], page
        assert doc.get("dir") is None
    article = parse_html(out / "politics" / "one" / "index.html")
    data = jsonld(article, "NewsArticle")
    assert data["inLanguage"] == "en"
    assert "workTranslation" not in data and "translationOfWork" not in data
    sitemap = (out / "sitemap.xml").read_bytes()
    assert b"xhtml" not in sitemap and b"hreflang" not in sitemap
    assert parse_xml(out / "sitemap.xml").nsmap == {None: NS["s"]}
    robots = (out / "robots.txt").read_text("utf-8")
    assert [x for x in robots.splitlines() if x.startswith("Sitemap: ")] == [
        "Sitemap: https://gazette.example.org/sitemap.xml", "Sitemap: https://gazette.example.org/news-sitemap.xml"]
