"""content/sanitize.py: the one HTML sanitizer (nh3) with an iframe allowlist by host."""

from __future__ import annotations

import lxml.html
import pytest

from newsgen.config import DEFAULT_EMBED_HOSTS
from newsgen.content.sanitize import sanitize

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
