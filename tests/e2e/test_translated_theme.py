"""The theme's words in the site's language (issue 16, first part): a Vietnamese site has no English
theme string left on any page (every string, aria-label, title and alt), every Vietnamese translation
reaches a page, a site's own catalog overrides the theme's and is a build input, a missing
translation falls back to English, and a catalog that does not parse is one `path:line:` error."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from babel.messages.pofile import read_po

from newsgen.render.translations import theme_locale_dir

CONFIG = """\
title: Báo Bến Ngọc
base_url: https://benngoc.example.vn/
language: vi
timezone: Asia/Ho_Chi_Minh
description: Tin tức miền sông nước.
sections:
  - name: Thời sự
    description: Hội đồng thành phố và các phường.
  - name: Kinh tế
  - name: Văn hóa
  - name: Thể thao
authors:
  - name: Trần Minh Châu
    bio: Biên tập viên kinh tế.
latest_news: 4
per_page: 2
home_per_section: 2
search: true
comments_html: '<p>Mục bình luận sẽ sớm được mở.</p>'
"""

LEAD = "content/thoi-su/2025/de-ngan-lu/index.md"
LINE = re.compile(r"^(?P<path>[^:\s]+)(?::(?P<line>\d+))?: (?P<message>.+?)(?: \((?P<hint>.*)\))?$")


def vietnamese_site(article: Callable[..., str], png: bytes) -> dict[str, str | bytes]:
    """A small Vietnamese newsroom that shows every string of the theme: a lead image with a credit,
    three authors, an update, a correction, tags shared with older stories (related stories), an
    old address, two pages of a section, an empty section, a draft and a scheduled story."""
    body = "Hội đồng thành phố đã biểu quyết xây đê ngăn lũ ở cửa sông.\n\n## Quyết định\n\nCông trình kéo dài bốn năm.\n"
    files: dict[str, str | bytes] = {
        LEAD: article(
            "Hội đồng thông qua dự án đê ngăn lũ", "Thời sự", "2025-06-10 09:00", body,
            authors=["Trần Minh Châu", "Nguyễn Văn An", "Lê Thị Hồng"], updated="2025-06-11 08:05",
            summary="Sau mười hai giờ họp, hội đồng thông qua dự án.", image="anh.png",
            image_caption="Cửa sông lúc nước ròng.", image_credit="TTXVN", image_alt="Cửa sông rộng dưới trời xám",
            tags=["Lũ lụt", "Ngân sách"], aliases=["/2025/06/10/de-ngan-lu/"],
            raw_front_matter="corrections:\n  - date: 2025-06-12 10:00\n    text: Sửa số phiếu thuận.",
        ),
        "content/thoi-su/2025/de-ngan-lu/anh.png": png,
        "content/thoi-su/2025/ngan-sach.md": article(
            "Ngân sách trường học tăng", "Thời sự", "2025-05-02 10:00", "Ngân sách năm nay tăng mạnh.\n",
            author="Trần Minh Châu", tags=["Ngân sách"]),
        "content/thoi-su/2025/bau-cu.md": article(
            "Bầu cử phường diễn ra suôn sẻ", "Thời sự", "2025-04-20 10:00", "Cử tri đi bầu đông đủ.\n",
            tags=["Lũ lụt"]),
        "content/thoi-su/2025/cau-moi.md": article(
            "Cầu mới nối hai bờ sông", "Thời sự", "2025-03-15 08:00", "Cây cầu mới đã thông xe.\n"),
        "content/kinh-te/2025/cang.md": article(
            "Cảng mở rộng bến mới", "Kinh tế", "2025-06-01 07:30", "Bến mới đón tàu lớn.\n", author="Nguyễn Văn An"),
        "content/van-hoa/2025/den-long.md": article(
            "Làng đèn lồng vào mùa", "Văn hóa", "2025-06-05 19:00", "Những chiếc đèn lồng đầu tiên đã xong.\n"),
        "content/van-hoa/2025/nhap.md": article(
            "Bản thảo về lễ hội", "Văn hóa", "2025-06-06 19:00", "Chưa xong.\n", draft=True),
        "content/van-hoa/2025/sap-dang.md": article(
            "Đua ghe ngo cuối tuần", "Văn hóa", "2025-07-01 08:00", "Sắp diễn ra.\n"),
    }
    return files


def english_needles() -> list[tuple[str, re.Pattern[str]]]:
    """Every English theme string (the English catalog's), as the literal words around its
    placeholders: "Photo: %(credit)s" is looked for as "Photo:". Pure punctuation is left out."""
    with (theme_locale_dir() / "en" / "LC_MESSAGES" / "newsgen.po").open("rb") as f:
        catalog = read_po(f)
    out = []
    for message in catalog:
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        for text in ids:
            for part in re.split(r"%\(\w+\)[sd]", text):
                part = part.strip()
                if re.search(r"[A-Za-z]", part):
                    out.append((part, re.compile(rf"(?<!\w){re.escape(part)}(?!\w)")))
    assert len(out) > 30
    return out


def vietnamese_strings() -> list[str]:
    """Every Vietnamese translation, its placeholders' surroundings only; the plural of the
    article_count macro (not on the built-in pages) and pure punctuation are left out."""
    with (theme_locale_dir() / "vi" / "LC_MESSAGES" / "newsgen.po").open("rb") as f:
        catalog = read_po(f)
    out = []
    for message in catalog:
        if not message.id or isinstance(message.id, (list, tuple)):
            continue
        for part in re.split(r"%\(\w+\)[sd]", message.string):
            if re.search(r"\w", part):
                out.append(part.strip())
    return out


def shown(doc: lxml.html.HtmlElement) -> Iterator[str]:
    """What a reader or a screen reader gets: text outside scripts and styles, and the attributes
    that are read out or shown (aria-label, title, alt, placeholder)."""
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ("script", "style") and el.text:
            yield el.text
        if el.tail:
            yield el.tail
        for name in ("aria-label", "title", "alt", "placeholder"):
            if el.get(name):
                yield el.get(name)


def feed_texts(out: Path) -> list[str]:
    """The HTML of every feed item (RSS, Atom, JSON Feed), where "Corrections" is a heading."""
    texts = [p.read_text("utf-8") for p in out.rglob("*.xml") if p.name in ("feed.xml", "atom.xml")]
    for p in out.rglob("feed.json"):
        texts += [item.get("content_html", "") for item in json.loads(p.read_text("utf-8"))["items"]]
    return texts


@pytest.fixture
def vi_site(make_site, png) -> Path:  # type: ignore[no-untyped-def]
    return make_site(vietnamese_site(make_site.article, png(40, 30)), config=CONFIG)


def test_a_vietnamese_site_has_no_english_theme_string(vi_site: Path, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    build(vi_site)
    build(vi_site, out=vi_site / "preview", preview=True)  # the Draft and Scheduled badges
    needles = english_needles()
    pages = sorted((vi_site / "public").rglob("*.html")) + sorted((vi_site / "preview").rglob("*.html"))
    assert len(pages) > 20
    found: dict[str, list[str]] = {}
    everything: list[str] = []
    for page in pages:
        doc = parse_html(page)
        assert doc.get("lang") == "vi"
        text = " ".join(" ".join(shown(doc)).split())
        everything.append(text)
        for word, pattern in needles:
            if pattern.search(text):
                found.setdefault(word, []).append(str(page.relative_to(vi_site)))
    assert found == {}
    feeds = feed_texts(vi_site / "public")
    assert not [t for t in feeds if "Corrections" in t]
    assert [t for t in feeds if "Đính chính" in t]
    # every Vietnamese string of the theme reached a page: the test site shows them all
    all_text = " ".join(everything) + " ".join(feeds)
    # ("Ngôn ngữ", the language switcher's label, is on sites with language editions: test_editions.py)
    assert [s for s in vietnamese_strings() if s not in all_text and s != "Ngôn ngữ"] == []


def test_the_vietnamese_article_page_reads_naturally(vi_site: Path, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    build(vi_site)
    doc = parse_html(vi_site / "public" / "thoi-su" / "hoi-dong-thong-qua-du-an-de-ngan-lu" / "index.html")
    byline = " ".join(doc.xpath("string(//p[@class='byline'])").split())
    assert byline.startswith("Tác giả: Trần Minh Châu, Nguyễn Văn An và Lê Thị Hồng ")
    assert "Cập nhật" in byline
    assert doc.xpath("string(//span[@class='credit'])") == "Ảnh: TTXVN"
    assert doc.xpath("string(//section[@class='corrections']/h2)") == "Đính chính"
    assert doc.xpath("string(//a[@class='skip-link'])") == "Chuyển đến nội dung chính"
    assert doc.xpath("//nav[@class='story-nav']/@aria-label") == ["Cùng chuyên mục Thời sự"]


def test_a_site_catalog_overrides_a_theme_string_and_is_a_build_input(vi_site: Path, build, parse_html,  # type: ignore[no-untyped-def]
                                                                       write_file) -> None:
    po = "templates/locale/vi/LC_MESSAGES/site.po"
    write_file(vi_site, po, 'msgid "Latest News"\nmsgstr "Tin nóng"\n')
    build(vi_site)
    home = vi_site / "public" / "index.html"
    article = vi_site / "public" / "van-hoa" / "lang-den-long-vao-mua" / "index.html"
    assert parse_html(home).xpath("string(//h2[@id='latest_title'])") == "Tin nóng"
    assert parse_html(article).xpath("string(//h2[@id='latest_title'])") == "Tin nóng"
    assert parse_html(home).xpath("string(//a[@class='skip-link'])") == "Chuyển đến nội dung chính"  # the theme's

    write_file(vi_site, po, 'msgid "Latest News"\nmsgstr "Tin vừa đăng"\n')  # only the catalog changes
    result = build(vi_site)
    assert result.rendered == result.pages  # every page may show the string: all are rendered again
    assert parse_html(article).xpath("string(//h2[@id='latest_title'])") == "Tin vừa đăng"
    assert build(vi_site).rendered == 0


def test_a_missing_translation_falls_back_to_english(vi_site: Path, build, parse_html, write_file) -> None:  # type: ignore[no-untyped-def]
    """A string of the site's own template that no catalog translates stays English; one that the
    site's catalog translates is translated; the theme's are still the theme's."""
    write_file(vi_site, "templates/_footer.html",
               '<footer class="site-footer"><p>{{ _("Print edition") }} · {{ _("Subscribe") }}</p></footer>')
    write_file(vi_site, "templates/locale/vi/LC_MESSAGES/site.po", 'msgid "Print edition"\nmsgstr "Báo in"\n')
    build(vi_site)
    doc = parse_html(vi_site / "public" / "index.html")
    assert doc.xpath("string(//footer)") == "Báo in · Subscribe"
    assert doc.xpath("string(//h2[@id='latest_title'])") == "Tin mới nhất"


def test_a_language_without_theme_catalog_uses_the_site_catalog_then_english(make_site, build, parse_html,  # type: ignore[no-untyped-def]
                                                                              write_file) -> None:
    root = make_site({"content/politics/a.md": make_site.article("Un titre")},
                     config=make_site.default_config.replace("language: en", "language: fr-CA"))
    write_file(root, "templates/locale/fr/LC_MESSAGES/messages.po",
               'msgid ""\nmsgstr "Language: fr\\n"\n\nmsgid "Latest News"\nmsgstr "Dernières nouvelles"\n')
    build(root)
    doc = parse_html(root / "public" / "index.html")
    assert doc.xpath("string(//h2[@id='latest_title'])") == "Dernières nouvelles"
    assert doc.xpath("string(//a[@class='skip-link'])") == "Skip to content"


@pytest.mark.parametrize(("text", "line", "message"), [
    ('msgid "Latest News"\nmsgstr "Tin nóng"\n\nmsgid "Related"\nthis is not a keyword\n', 5,
     "the catalog does not parse: unknown or misformatted keyword"),
    ('msgid "Latest News"\nmsgstr "Tin nóng"\n\nmsgid "Photo: %(credit)s"\nmsgstr "Ảnh: %(tacgia)s"\n', 4,
     'the translation of "Photo: %(credit)s": %(tacgia)s is not in the original'),
], ids=["does-not-parse", "unknown-placeholder"])
def test_a_broken_catalog_is_one_error_line(vi_site: Path, build, run_cli, snapshot, write_file,  # type: ignore[no-untyped-def]
                                            text: str, line: int, message: str) -> None:
    build(vi_site)
    before = snapshot(vi_site / "public")
    po = "templates/locale/vi/LC_MESSAGES/site.po"
    write_file(vi_site, po, text)
    result: Any = run_cli(["build", "--jobs", "1"], vi_site)
    assert result.exit_code == 1 and not result.traceback
    lines = [x for x in result.stderr.splitlines() if x.strip() and not x.startswith("newsgen: ")]
    assert len(lines) == 1, result.stderr
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (m["path"], m["line"]) == (po, str(line))
    assert m["message"].startswith(message), lines[0]
    assert m["hint"]
    assert snapshot(vi_site / "public") == before
    checked: Any = run_cli(["check"], vi_site)
    assert checked.exit_code == 1 and not checked.traceback
    assert lines[0] in checked.stderr


def test_an_undecodable_catalog_is_one_error_line(vi_site: Path, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    write_file(vi_site, "templates/locale/vi/LC_MESSAGES/site.po", b'msgid "Home"\nmsgstr "\xff\xfe"\n')
    result: Any = run_cli(["build", "--jobs", "1"], vi_site)
    assert result.exit_code == 1 and not result.traceback
    (line,) = [x for x in result.stderr.splitlines() if x.strip() and not x.startswith("newsgen: ")]
    assert line.startswith("templates/locale/vi/LC_MESSAGES/site.po: the catalog does not parse")


def test_english_pages_are_the_catalog_free_english(make_site, build) -> None:  # type: ignore[no-untyped-def]
    """`language: en` renders the templates' own English: the same bytes with the theme's English
    catalog as with none at all (a site with an empty English catalog of its own)."""
    files = {"content/politics/a.md": make_site.article("A title", tags=["Budget"])}
    plain = make_site(files)
    with_catalog = make_site({**files, "templates/locale/en/LC_MESSAGES/empty.po": 'msgid "x"\nmsgstr ""\n'})
    build(plain)
    build(with_catalog)
    a = {p.relative_to(plain / "public"): p.read_bytes() for p in (plain / "public").rglob("*.html")}
    b = {p.relative_to(with_catalog / "public"): p.read_bytes() for p in (with_catalog / "public").rglob("*.html")}
    assert a == b and len(a) > 5
    assert b"Latest News" in a[Path("index.html")]



def test_stock_jinja_builds_the_same_vietnamese_site(vi_site: Path, build, snapshot,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain gettext functions (render/translations.install) against Jinja's own, on every file."""
    build(vi_site, preview=True)
    monkeypatch.setenv("NEWSGEN_STOCK_JINJA", "1")
    build(vi_site, out=vi_site / "stock", preview=True)
    fast, stock = snapshot(vi_site / "public"), snapshot(vi_site / "stock")
    assert len(fast) > 30
    assert fast.keys() == stock.keys()
    assert [name for name in fast if fast[name] != stock[name] and not name.startswith(".newsgen")] == []
