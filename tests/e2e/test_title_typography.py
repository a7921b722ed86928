"""Issue 15: headlines, card titles, standfirsts and captions get the same typography as bodies
(“curly” quotes, ’, –); feeds, structured data, <title> and meta tags keep the text as written."""

from __future__ import annotations

import json

import feedparser


def test_titles_summaries_and_captions_are_typographic_on_pages_only(make_site, build, parse_html, png) -> None:  # type: ignore[no-untyped-def]
    title = 'Mayor says "no" to the bridge -- for now'
    root = make_site({
        "content/politics/a/index.md": make_site.article(
            title, summary="It's \"final\", she said.", image="p.png", image_caption='The "old" bridge',
            body='The council met. "We will wait," the mayor said.\n'),
        "content/politics/a/p.png": png(40, 30),
        "content/politics/b.md": make_site.article("Second story", date="2025-03-20 10:00"),
    })
    build(root)
    out = root / "public"
    page = parse_html(out / "politics/mayor-says-no-to-the-bridge-for-now/index.html")
    assert page.find(".//h1").text_content() == "Mayor says “no” to the bridge – for now"
    assert page.find(".//p[@class='standfirst']").text_content() == "It’s “final”, she said."
    assert page.find(".//figcaption").text_content().startswith("The “old” bridge")
    assert "“We will wait,”" in page.text_content()  # as the body's own quotes
    # machines get the text as written
    assert page.find(".//title").text_content().startswith(title)
    assert page.find(".//meta[@property='og:title']").get("content") == title
    ld = [json.loads(s.text) for s in page.iterfind(".//script[@type='application/ld+json']")]
    assert any(d.get("headline") == title for d in ld)
    assert feedparser.parse((out / "feed.xml").read_bytes()).entries[-1].title == title
    # the cards and the Latest News list on other pages, and the list articles refresh themselves from
    home = parse_html(out / "index.html")
    assert any(a.text_content() == "Mayor says “no” to the bridge – for now" for a in home.iterfind(".//a"))
    latest = json.loads((out / "latest-news.json").read_text(encoding="utf-8"))
    assert "Mayor says “no” to the bridge – for now" in [i["title"] for i in latest["items"]]
