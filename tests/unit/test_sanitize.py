"""content/sanitize.py: the one HTML sanitizer (nh3) with an iframe allowlist by host."""

from __future__ import annotations

import random

import lxml.html
import pytest

from newsgen.config import DEFAULT_EMBED_HOSTS
from newsgen.content.markdown import _render_fast, render_body
from newsgen.content.sanitize import _url_allowed, _urls_allowed, sanitize, sanitize_markdown

from .domtree import dom

HOSTS = ("www.youtube.com", "player.vimeo.com")


def tree(raw: str, hosts: tuple[str, ...] = HOSTS) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(sanitize(raw, hosts), create_parent="div")


def attributes(doc: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    return [(el.tag, k, v) for el in doc.iter() if isinstance(el.tag, str) for k, v in el.attrib.items()]


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "<style>body{display:none}</style>",
        "<object data=x></object><embed src=x>",
        "<svg onload=alert(1)><circle/></svg>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<form action=https://evil.example><input name=a><button>go</button></form>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        '<link rel=stylesheet href="https://evil.example/x.css">',
    ],
)
def test_dangerous_elements_are_removed(raw: str) -> None:
    doc = tree(raw + "<p>kept</p>")
    tags = {el.tag for el in doc.iter() if isinstance(el.tag, str)}
    assert tags <= {"div", "p"}
    assert "kept" in doc.text_content()


@pytest.mark.parametrize(
    "raw",
    [
        "<img src=x onerror=alert(1)>",
        '<p onclick="x()" onmouseover="y()">t</p>',
        '<a href="https://example.org" onfocus=alert(1) autofocus>t</a>',
        '<td onpointerenter="x()">t</td>',
        "<details open ontoggle=alert(1)><summary>s</summary></details>",
    ],
)
def test_event_handlers_are_removed(raw: str) -> None:
    assert not [a for a in attributes(tree(raw)) if a[1].lower().startswith("on")]


@pytest.mark.parametrize(
    "raw",
    [
        '<a href="javascript:alert(1)">t</a>',
        '<a href="JaVaScRiPt:alert(1)">t</a>',
        '<a href="java&#x09;script:alert(1)">t</a>',
        '<a href=" javascript:alert(1)">t</a>',
        '<a href="vbscript:msgbox(1)">t</a>',
        '<a href="data:text/html,<script>alert(1)</script>">t</a>',
        '<img src="javascript:alert(1)">',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<iframe src="javascript:alert(1)"></iframe>',
    ],
)
def test_script_urls_are_removed(raw: str) -> None:
    for _tag, name, value in attributes(tree(raw, DEFAULT_EMBED_HOSTS)):
        if name in ("href", "src"):
            assert not value.strip().lower().startswith(("javascript:", "vbscript:", "data:"))


def test_safe_links_and_markup_stay() -> None:
    doc = tree(
        '<p><a href="https://example.org/x?a=1&amp;b=2">ok</a> <a href="mailto:desk@example.org">m</a>'
        ' <a href="/politics/">rel</a> <a href="#fn1">fn</a></p><blockquote><p>q</p></blockquote>'
    )
    assert [a.get("href") for a in doc.iter("a")] == [
        "https://example.org/x?a=1&b=2",
        "mailto:desk@example.org",
        "/politics/",
        "#fn1",
    ]
    assert doc.find("blockquote/p").text == "q"


def test_iframe_from_an_allowed_host_is_kept_with_a_title() -> None:
    doc = tree('<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen></iframe>')
    frame = doc.find("iframe")
    assert frame is not None
    assert frame.get("src") == "https://www.youtube.com/embed/abc"
    assert frame.get("title")  # accessible name
    assert (frame.get("width"), frame.get("height")) == ("560", "315")


def test_iframe_keeps_its_own_title() -> None:
    frame = tree('<iframe src="https://player.vimeo.com/video/1" title="Interview"></iframe>').find("iframe")
    assert frame.get("title") == "Interview"


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed",
        "http://www.youtube.com/embed/abc",  # not https
        "https://www.youtube.com.evil.example/x",
        "https://evil.example/?u=https://www.youtube.com/",
        "//www.youtube.com/embed/abc",
        "https://user@evil.example/www.youtube.com",
    ],
)
def test_iframe_from_other_hosts_is_removed_whole(src: str) -> None:
    doc = tree(f'<p>before</p><iframe src="{src}">fallback</iframe><p>after</p>')
    assert doc.find(".//iframe") is None
    assert "fallback" not in doc.text_content()


def test_iframe_dangerous_attributes_are_dropped() -> None:
    frame = tree(
        '<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(1)</script>" '
        'onload="x()" sandbox="allow-scripts"></iframe>'
    ).find("iframe")
    assert frame is not None
    assert set(frame.attrib) <= {
        "src",
        "title",
        "width",
        "height",
        "allow",
        "allowfullscreen",
        "loading",
        "referrerpolicy",
    }


def test_no_embed_hosts_means_no_iframes() -> None:
    assert tree('<iframe src="https://www.youtube.com/embed/x"></iframe>', ()).find(".//iframe") is None


def test_images_get_alt() -> None:
    img = tree('<img src="a.jpg">').find("img")
    assert img.get("alt") == ""
    assert tree('<img src="a.jpg" alt="A dog">').find("img").get("alt") == "A dog"


def test_no_style_passes_table_alignment_becomes_a_class() -> None:
    doc = tree(
        '<table><tr><td style="text-align:right">1</td><td style="background:url(x)">2</td></tr></table>'
        '<p style="color:red">p</p>'
    )
    assert [td.get("style") for td in doc.iter("td")] == [None, None]
    assert [td.get("class") for td in doc.iter("td")] == ["align-right", None]
    assert doc.find("p").get("style") is None


def test_comments_are_stripped() -> None:
    assert "<!--" not in sanitize("<p>a</p><!-- <script>alert(1)</script> -->")


# Markdown's own HTML (the fast path: no raw HTML in the body) skips nh3 when the allowlist's rules
# hold; what it lets through must be exactly what nh3 would have left.

HOSTILE_PIECES = [
    "[a](javascript:alert(1))", "[a](JAVASCRIPT:alert(1))", "[a]( javascript:x)", "[a](java%0Ascript:x)",
    "[a](vbscript:x)", "[a](file:///etc/passwd)", "![i](data:image/png;base64,AAAA)", "![i](data:text/html,x)",
    "[a](ftp://example.org/f)", "[a](a:b)", "[a](/a:b)", "[a](?q=a:b)", "[a](#a:b)", "[a](./x:y)",
    "[a](mailto:desk@example.org)", "[a](tel:+84123)", "[a](HTTPS://example.org/?a=1&b=2)",
    "[a](http://example.org/\"q\")", '[a](u "title \'x\'")', "![alt \"q\"](p.png \"T\")",
    "[ref]\n\n[ref]: javascript:alert(1)\n", "[ref]\n\n[ref]: https://example.org\n",
    "\n\n# Heading one\n\n", "\n\n## Two\n\n", "\n\n```js\" onclick=\"x\ncode\n```\n\n",
    "\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n", "Text[^1]\n\n[^1]: note\n", "`code \"q\"`", '"quoted"',
    "[x](http://[::1)", "[x](http://)", "[x](http:)", "![i](http://a:99999/p.png)", '![i](http://a|b/p.png "cap")',
    "[x](https:javascript:x)", "[x](http://example.org:8080/a)", "[x](//example.org/x)",
    " plain words ", "*em*", "**strong**", "~~s~~", "\n\n- item\n", "\n\n> quote\n\n", "\n",
]


def test_markdown_html_is_what_nh3_would_leave() -> None:
    rnd = random.Random(5)
    skipped = 0
    for _ in range(1500):
        body = "".join(rnd.choice(HOSTILE_PIECES) for _ in range(rnd.randint(1, 8))) + "\n"
        html = _render_fast(body)
        if html is None:
            continue
        out = sanitize_markdown(html)
        assert dom(out) == dom(sanitize(html)), body
        if "<h1" not in html and _urls_allowed(html):
            skipped += 1
        for el in lxml.html.fragment_fromstring(out, create_parent="div").iter():
            for name in ("href", "src"):
                value = (el.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:", "file:", "ftp:")), body
    assert skipped > 300  # the fast case is common, not an accident of this test


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/politics/x/", True), ("photo.jpg", True), ("#fn1", True), ("?page=2", True), ("/a:b", True),
        ("?q=a:b", True), ("#a:b", True), ("https://example.org/x?a=1&amp;b=2", True), ("HTTP://x", True),
        ("mailto:desk@example.org", True), ("tel:+84", True),
        ("javascript:alert(1)", False), ("JavaScript:x", False), ("data:image/png;base64,AA", False),
        ("ftp://example.org", False), ("a:b", False), ("java\tscript:x", False), (" javascript:x", False),
        ("java&#115;cript:x", False), ("&#106;avascript:x", False), ("x\x00", False),
        ("http://example.org:8080/a", True), ("https://example.org", True), ("//example.org/x", True),
        ("http://%5B::1", False), ("http://", False), ("http:", False), ("http://a:99999/p.png", False),
        ("http://a%7Cb/p.png", False), ("https:javascript:x", False), ("http://user@example.org/", False),
    ],
)
def test_url_rule(url: str, allowed: bool) -> None:
    assert _url_allowed(url) is allowed


def test_markdown_heading_one_still_goes_through_nh3() -> None:
    assert "<h1" not in render_body("# Headline\n\ntext\n")


def test_links_get_no_rel() -> None:
    for out in (render_body("[a](/x/)\n"), sanitize('<p><a href="/x/">a</a></p>')):
        assert lxml.html.fragment_fromstring(out, create_parent="div").find(".//a").get("rel") is None
