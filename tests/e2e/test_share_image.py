"""A site-level share image (issue 19): every article page has an image in its NewsArticle JSON-LD
and an og:image, absolute; an article without an author has the publisher as its JSON-LD author."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newsgen.build import BuildOptions, build
from newsgen.errors import BuildError

BASE = "https://gazette.example.org/"


def _page(out: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / url / "index.html").read_bytes())


def _news_article(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    found = [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]
    (ld,) = [d for d in found if d["@type"] == "NewsArticle"]
    return ld


def _meta(doc: lxml.html.HtmlElement, name: str) -> list[str]:
    return doc.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')


@pytest.fixture
def articles(make_site: Any, png: Any) -> dict[str, str | bytes]:
    a = make_site.article
    return {
        "content/politics/2025/with-photo/index.md": a("With a photo", author="Hung Anh", image="photo.png",
                                                       image_alt="A photo"),
        "content/politics/2025/with-photo/photo.png": png(1200, 800),
        "content/politics/2025/plain.md": a("No photo, no author"),
        "content/sports/2025/bylined.md": a("No photo", section="Sports", author="Minh Chau"),
        "static/images/logo.png": png(600, 60),
        "static/images/share.png": png(1200, 630),
    }


def test_the_share_image_fills_og_image_and_json_ld(make_site: Any, articles: dict[str, Any], frozen: Any) -> None:
    root = make_site(articles, extra_config="logo: images/logo.png\nshare_image: /images/share.png\n")
    build(root, BuildOptions(jobs=1))
    out = root / "public"
    share = BASE + "images/share.png"

    own = _page(out, "politics/with-a-photo")
    ld = _news_article(own)
    assert ld["image"] == [BASE + "politics/with-a-photo/photo.png"]  # its own photo wins
    assert _meta(own, "og:image") == [BASE + "politics/with-a-photo/photo.png"]
    assert ld["author"] == [{"@type": "Person", "name": "Hung Anh", "url": BASE + "authors/hung-anh/"}]

    for url in ("politics/no-photo-no-author", "sports/no-photo"):
        doc = _page(out, url)
        ld = _news_article(doc)
        assert ld["image"] == [share], url
        assert _meta(doc, "og:image") == [share]
        assert _meta(doc, "twitter:image") == [share]
        assert _meta(doc, "twitter:card") == ["summary_large_image"]
        assert _meta(doc, "og:image:alt") == ["Test Gazette"]

    ld = _news_article(_page(out, "politics/no-photo-no-author"))
    assert ld["author"] == [ld["publisher"]]  # not an empty list
    assert ld["author"][0]["@type"] == "Organization" and ld["author"][0]["name"] == "Test Gazette"
    assert ld["author"][0]["url"] == BASE
    assert _news_article(_page(out, "sports/no-photo"))["author"][0]["name"] == "Minh Chau"

    for listing in ("", "politics"):  # the home page and listings: a card when shared too
        doc = _page(out, listing)
        assert _meta(doc, "og:image") == [share]
    assert (out / "images/share.png").is_file()  # the URL serves the file


def test_the_logo_stands_in_without_a_share_image(make_site: Any, articles: dict[str, Any], frozen: Any) -> None:
    root = make_site(articles, extra_config="logo: images/logo.png\n")
    build(root, BuildOptions(jobs=1))
    doc = _page(root / "public", "sports/no-photo")
    assert _news_article(doc)["image"] == [BASE + "images/logo.png"]
    assert _meta(doc, "og:image") == [BASE + "images/logo.png"]
    assert _meta(doc, "twitter:card") == ["summary"]  # a logo is no large picture


def test_no_logo_and_no_share_image_no_invented_image(make_site: Any, articles: dict[str, Any],
                                                      frozen: Any) -> None:
    root = make_site(articles)
    build(root, BuildOptions(jobs=1))
    doc = _page(root / "public", "politics/no-photo-no-author")
    ld = _news_article(doc)
    assert "image" not in ld and _meta(doc, "og:image") == []
    assert ld["author"] == [ld["publisher"]]


def test_under_a_subpath_the_urls_are_absolute_with_the_path(make_site: Any, articles: dict[str, Any],
                                                             frozen: Any) -> None:
    config = make_site.default_config.replace(BASE, "https://example.org/news/")
    root = make_site(articles, config=config + "share_image: images/share.png\n")
    build(root, BuildOptions(jobs=1))
    doc = _page(root / "public", "sports/no-photo")
    assert _news_article(doc)["image"] == ["https://example.org/news/images/share.png"]
    assert _meta(doc, "og:image") == ["https://example.org/news/images/share.png"]


def test_a_missing_share_image_is_a_config_error(make_site: Any, frozen: Any) -> None:
    root = make_site({}, extra_config="share_image: images/nope.png\n")
    with pytest.raises(BuildError) as info:
        build(root, BuildOptions(jobs=1))
    assert "share_image" in str(info.value.diagnostics[0])
