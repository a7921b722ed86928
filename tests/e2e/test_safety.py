"""Safety (issue 2 point 10): hostile front matter and bodies never reach a page unescaped, article HTML is
sanitized, feeds stay well-formed, and nothing is written outside the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

SCRIPT_TITLE = "</script><script>alert(1)</script>"
ATTR_TITLE = '"><img src=x onerror=alert(1)>'
JINJA_TITLE = "{{ 7*7 }} {% if true %}x{% endif %}"
HOSTILE = [
    SCRIPT_TITLE,
    ATTR_TITLE,
    "<!-- </title><svg onload=alert(1)>",
    "' onmouseover='alert(1)",
    "&amp; &lt;b&gt;",
]

HOSTILE_BODY = """The lead paragraph.

<script>alert("body")</script>

<img src="x" onerror="alert('img')">

<p onclick="alert('p')" style="background:url(javascript:alert(1))">Click me</p>

[a javascript link](javascript:alert('md'))

<a href="javascript:alert('raw')">raw link</a> <a href=" JaVaScRiPt:alert(1)">spaced</a>

<iframe src="https://evil.example/embed"></iframe>

<iframe src="https://www.youtube.com/embed/abc123" width="560" height="315"></iframe>

<svg onload="alert('svg')"><circle r="1"/></svg>

<form action="https://evil.example/"><input name="x"></form>

<object data="x.swf"></object>

Text with {{ 7*7 }} and {% raw %}.

![alt "quoted" <b>](photo.png "caption </figcaption><script>alert(2)</script>")

---

Last line.
"""


def hostile_files(png: bytes, article_text) -> dict[str, str | bytes]:  # type: ignore[no-untyped-def]
    return {
        "content/politics/2025/bundle/index.md": article_text(
            SCRIPT_TITLE,
            "Politics",
            "2025-03-19 17:40",
            body=HOSTILE_BODY,
            summary=ATTR_TITLE,
            authors=[SCRIPT_TITLE, ATTR_TITLE, "Hung Anh"],
            tags=HOSTILE,
            image="photo.png",
            image_caption=SCRIPT_TITLE + " caption",
            image_credit=ATTR_TITLE,
            image_alt='alt" onerror="alert(3)',
            extra={"location": SCRIPT_TITLE},
        ),
        "content/politics/2025/bundle/photo.png": png,
        "content/politics/2025/attr.md": article_text(
            ATTR_TITLE, "Politics", "2025-03-18 09:00", body="Body.\n", tags=[ATTR_TITLE], author=ATTR_TITLE
        ),
        "content/sports/2025/jinja.md": article_text(
            JINJA_TITLE,
            "Sports",
            "2025-03-17 09:00",
            body="{{ site.title }} {% for x in range(3) %}x{% endfor %}\n",
            summary="{{ 7*7 }}",
        ),
        "content/culture/2025/plain.md": article_text(
            "Plain neighbour", "Culture", "2025-03-16 09:00", tags=HOSTILE[:2], author="Hung Anh"
        ),
    }


@pytest.fixture
def hostile_site(prebuilt, tmp_path, png, make_site) -> Path:  # type: ignore[no-untyped-def]
    return prebuilt("hostile", hostile_files(png(), make_site.article), tmp_path)


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_hostile_site_builds(hostile_site: Path) -> None:
    pages = html_pages(hostile_site / "public")
    assert len(pages) > 10
    assert (hostile_site / "public/politics/script-script-alert-1-script/index.html").is_file()


def test_no_script_element_but_the_themes_own(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    for page in html_pages(hostile_site / "public"):
        for script in parse_html(page).iter("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.text)  # must be valid JSON, whatever the titles hold
                continue
            assert script.get("src", "").endswith("/theme/latest.js"), (page, script.attrib, script.text)
            assert not (script.text or "").strip()


def test_no_event_handler_attributes(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    for page in html_pages(hostile_site / "public"):
        for el in parse_html(page).iter():
            if isinstance(el.tag, str):
                handlers = [name for name in el.attrib if name.lower().startswith("on")]
                assert not handlers, (page, el.tag, el.attrib)


def test_no_script_urls(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    for page in html_pages(hostile_site / "public"):
        for el in parse_html(page).iter():
            if not isinstance(el.tag, str):
                continue
            for name in ("href", "src", "action", "formaction", "data", "poster", "srcdoc", "style"):
                value = "".join((el.get(name) or "").split()).lower()
                assert "javascript:" not in value and "vbscript:" not in value, (page, el.tag, name, value)
                if name == "srcdoc":
                    assert not value


def test_hostile_text_is_shown_verbatim(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    out = hostile_site / "public"
    doc = parse_html(out / "politics/script-script-alert-1-script/index.html")
    assert doc.findtext(".//h1") == SCRIPT_TITLE
    assert doc.findtext(".//title").startswith(SCRIPT_TITLE)
    assert doc.find(".//p[@class='standfirst']").text_content() == ATTR_TITLE
    assert [a.text_content() for a in doc.findall(".//ul[@class='tag-list']//a")] == HOSTILE
    authors = [a.text_content() for a in doc.iterfind(".//p[@class='byline']//a")]
    assert authors == [SCRIPT_TITLE, ATTR_TITLE, "Hung Anh"]
    figure = doc.find(".//figure[@class='lead-figure']")
    assert figure.find(".//img").get("alt") == 'alt" onerror="alert(3)'
    caption = figure.find("figcaption").text_content()
    assert SCRIPT_TITLE + " caption" in caption and f"Photo: {ATTR_TITLE}" in caption
    og = {m.get("property"): m.get("content") for m in doc.iter("meta") if m.get("property")}
    assert og["og:title"] == SCRIPT_TITLE and og["og:description"] == ATTR_TITLE


def test_template_syntax_in_content_is_not_evaluated(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    out = hostile_site / "public"
    (page,) = (out / "sports").glob("*/index.html")
    doc = parse_html(page)
    assert doc.findtext(".//h1") == JINJA_TITLE
    assert doc.find(".//p[@class='standfirst']").text_content() == "{{ 7*7 }}"
    body = doc.find(".//div[@class='story-body']").text_content()
    assert "{{ site.title }}" in body and "{% for x in range(3) %}" in body
    assert "49" not in doc.findtext(".//h1")


def test_json_ld_holds_the_hostile_title_verbatim(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    doc = parse_html(hostile_site / "public/politics/script-script-alert-1-script/index.html")
    blocks = [json.loads(s.text) for s in doc.iter("script") if s.get("type") == "application/ld+json"]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert article["headline"] == SCRIPT_TITLE
    assert article["description"] == ATTR_TITLE
    assert [a["name"] for a in article["author"]] == [SCRIPT_TITLE, ATTR_TITLE, "Hung Anh"]
    assert article["keywords"] == HOSTILE
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == SCRIPT_TITLE
    raw = (hostile_site / "public/politics/script-script-alert-1-script/index.html").read_text(encoding="utf-8")
    assert raw.count("</script>") == len(list(doc.iter("script")))  # no early end of a script element


def test_body_is_sanitized(hostile_site: Path, parse_html) -> None:  # type: ignore[no-untyped-def]
    doc = parse_html(hostile_site / "public/politics/script-script-alert-1-script/index.html")
    body = doc.find(".//div[@class='story-body']")
    tags = {el.tag for el in body.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "svg", "form", "input", "object", "embed", "style"}
    frames = body.findall(".//iframe")
    assert [f.get("src") for f in frames] == ["https://www.youtube.com/embed/abc123"]
    assert frames[0].get("title")
    figure = body.find(".//figure")
    assert figure.find("figcaption").text_content() == "caption </figcaption><script>alert(2)</script>"
    assert all(img.get("alt") is not None for img in body.iter("img"))
    assert "Last line." in body.text_content()


def test_feeds_stay_well_formed_and_readable(hostile_site: Path, parse_xml) -> None:  # type: ignore[no-untyped-def]
    out = hostile_site / "public"
    for feed in [out / "feed.xml", *sorted(out.glob("*/feed.xml"))]:
        parse_xml(feed)  # strict: raises on anything not well-formed
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    titles = {e.title for e in parsed.entries}
    assert {SCRIPT_TITLE, ATTR_TITLE, JINJA_TITLE} <= titles


def test_sitemaps_and_latest_json_stay_valid(hostile_site: Path, parse_xml) -> None:  # type: ignore[no-untyped-def]
    out = hostile_site / "public"
    parse_xml(out / "sitemap.xml")
    parse_xml(out / "news-sitemap.xml")
    latest = json.loads((out / "latest-news.json").read_text(encoding="utf-8"))
    assert {item["title"] for item in latest["items"]} >= {SCRIPT_TITLE, ATTR_TITLE}


def test_unsafe_html_keeps_raw_html(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    body = '<div class="promo" data-x="1"><script>window.promo = 1;</script><b>Raw</b></div>\n\nText.\n'
    root = make_site(
        {"content/politics/raw.md": make_site.article("Raw HTML", body=body)},
        extra_config="unsafe_html: true\n",
    )
    build(root)
    doc = parse_html(root / "public/politics/raw-html/index.html")
    promo = doc.find(".//div[@class='promo']")
    assert promo is not None and promo.get("data-x") == "1"
    assert promo.findtext("script") == "window.promo = 1;"


def test_embed_hosts_setting_controls_iframes(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    body = (
        '<iframe src="https://video.example.org/embed/1"></iframe>\n\n'
        '<iframe src="https://www.youtube.com/embed/2"></iframe>\n'
    )
    root = make_site(
        {"content/politics/v.md": make_site.article("Video", body=body)},
        extra_config="embed_hosts: [video.example.org]\n",
    )
    build(root)
    doc = parse_html(root / "public/politics/video/index.html")
    assert [f.get("src") for f in doc.iterfind(".//div[@class='story-body']//iframe")] == [
        "https://video.example.org/embed/1"
    ]


def outside(tmp: Path, root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(tmp).as_posix(): p.read_bytes()
        for p in sorted(tmp.rglob("*"))
        if p.is_file() and root / "public" not in p.parents and root / ".newsgen-cache" not in p.parents
    }


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ({"slug": "../../escaped"}, 'slug "../../escaped" may only hold'),
        ({"slug": "/tmp/escaped"}, 'slug "/tmp/escaped" may only hold'),
        ({"slug": "..\\..\\escaped"}, "may only hold"),
        ({"image": "../../../../../../../../etc/passwd"}, "leads out of content/"),
        ({"image": "/../../../etc/passwd"}, "leads out of static/"),
        ({"image": "../../newsgen.yaml"}, "leads out of content/"),
    ],
)
def test_escaping_paths_are_errors_and_write_nothing_outside(
    front_matter,
    message,
    make_site,
    run_cli,  # type: ignore[no-untyped-def]
    tmp_path,
) -> None:
    root = make_site({"content/politics/x.md": make_site.article("Escape", **front_matter)})
    before = outside(tmp_path, root)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert message in result.stderr
    assert outside(tmp_path, root) == before
    assert not (root / "public").exists()


def test_hostile_names_become_slugs_inside_the_output(make_site, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/x.md": make_site.article(
                "../../../etc/passwd", tags=["../../escaped", "/etc", "..\\..\\x"], author="../../../root"
            )
        }
    )
    before = outside(tmp_path, root)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert outside(tmp_path, root) == before
    out = root / "public"
    assert (out / "politics/etc-passwd/index.html").is_file()
    assert (out / "tags/escaped/index.html").is_file() and (out / "tags/etc/index.html").is_file()
    assert (out / "authors/root/index.html").is_file()
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())


def test_symlink_in_the_output_is_not_followed_out(make_site, build, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page folder in public/ replaced by a symlink to somewhere else: the build must not write through
    it, and must say so as a user error (exit 1, one line), not crash with a traceback."""
    root = make_site({"content/politics/x.md": make_site.article("Inside")})
    build(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    page_dir = root / "public/politics/inside"
    for f in page_dir.iterdir():
        f.unlink()
    page_dir.rmdir()
    page_dir.symlink_to(elsewhere, target_is_directory=True)
    (root / "content/politics/x.md").write_text(
        make_site.article("Inside", body="Changed body, longer.\n"), encoding="utf-8"
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert list(elsewhere.iterdir()) == []
    assert not result.traceback, result.exception
    assert result.exit_code == 1
    assert "politics/inside/index.html" in result.stderr
    leftovers = [p.name for p in (root / "public").rglob("*") if p.name.endswith(".newsgen-tmp")]
    assert leftovers == []
