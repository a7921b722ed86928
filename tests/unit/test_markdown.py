"""content/markdown.py: CommonMark + tables, strikethrough, footnotes, anchors, smart quotes, figures."""

from __future__ import annotations

import lxml.html

from newsgen.content.markdown import plain_text, render_body


def html(markdown: str, **kwargs) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    return lxml.html.fragment_fromstring(render_body(markdown, **kwargs), create_parent="div")


def test_paragraphs_and_emphasis() -> None:
    doc = html("Some *em* and **strong** text.\n\nSecond paragraph.\n")
    assert [p.text_content() for p in doc.findall("p")] == ["Some em and strong text.", "Second paragraph."]
    assert doc.find("p/em").text == "em" and doc.find("p/strong").text == "strong"


def test_tables_with_alignment() -> None:
    doc = html("| Name | Votes |\n|:-----|------:|\n| Yes | 31 |\n| No | 12 |\n")
    table = doc.find("table")
    assert table is not None
    assert [th.text for th in table.iterfind("thead/tr/th")] == ["Name", "Votes"]
    assert [[td.text for td in tr.iterfind("td")] for tr in table.iterfind("tbody/tr")] == [
        ["Yes", "31"],
        ["No", "12"],
    ]
    assert table.find("thead/tr/th").get("class") == "align-left"  # a class: no style attribute passes
    assert table.find("tbody/tr/td[2]").get("class") == "align-right"


def test_strikethrough() -> None:
    assert html("~~withdrawn~~ claim").find("p/s").text == "withdrawn"


def test_footnotes() -> None:
    doc = html("A claim.[^src]\n\n[^src]: The source.\n")
    ref = doc.find(".//sup/a")
    assert ref is not None and ref.get("href", "").startswith("#fn")
    target = ref.get("href")[1:]
    note = doc.get_element_by_id(target)
    assert "The source." in note.text_content()
    back = note.find(".//a")
    assert back is not None and back.get("href") == "#" + ref.get("id")


def test_heading_anchors_from_slugs() -> None:
    doc = html("## Đà Nẵng đón khách\n\n### Votes & seats\n\n#### Fourth\n\n##### Fifth\n")
    assert doc.find("h2").get("id") == "da-nang-don-khach"
    assert doc.find("h3").get("id") == "votes-seats"
    assert doc.find("h4").get("id") == "fourth"
    assert doc.find("h5").get("id") is None  # anchors for h2-h4 only


def test_same_heading_twice_gets_unique_anchors() -> None:
    doc = html("## Results\n\ntext\n\n## Results\n")
    ids = [h.get("id") for h in doc.findall("h2")]
    assert len(set(ids)) == 2 and ids[0] == "results"


def test_typographic_quotes_and_dashes() -> None:
    text = html("\"Quoted\" and 'single' -- and ... done\n").find("p").text
    assert text == "\u201cQuoted\u201d and \u2018single\u2019 \u2013 and \u2026 done"


def test_code_is_left_alone() -> None:
    doc = html('Use `"straight"` quotes.\n\n```\n"also" -- here\n```\n')
    assert doc.find("p/code").text == '"straight"'
    assert doc.find("pre/code").text == '"also" -- here\n'


def test_image_with_title_alone_in_a_paragraph_is_a_figure() -> None:
    doc = html('![A bridge at dawn](bridge.jpg "The new bridge & its lights")\n')
    figure = doc.find("figure")
    assert figure is not None and doc.find("p") is None
    img = figure.find("img")
    assert img.get("src") == "bridge.jpg" and img.get("alt") == "A bridge at dawn"
    assert img.get("title") is None  # the title moved into the caption
    assert figure.find("figcaption").text == "The new bridge & its lights"


def test_image_without_title_or_with_text_stays_inline() -> None:
    doc = html('![Plain](a.jpg)\n\n![Titled](b.jpg "Title") with words after it\n')
    assert doc.find("figure") is None
    assert [img.getparent().tag for img in doc.iter("img")] == ["p", "p"]
    assert all(img.get("alt") for img in doc.iter("img"))


def test_images_are_lazy() -> None:
    img = html("![x](a.jpg)").find(".//img")
    assert img.get("loading") == "lazy" and img.get("decoding") == "async"


def test_no_xhtml_self_closing_tags() -> None:
    out = render_body("line one  \nline two\n\n---\n\n![x](a.jpg)\n")
    assert "<br>" in out and "<hr>" in out
    assert "/>" not in out


def test_raw_html_passes_only_when_trusted() -> None:
    raw = '<div class="box" onclick="x()"><script>alert(1)</script>kept</div>\n'
    assert "<script>" not in render_body(raw)
    trusted = render_body(raw, trust_html=True)
    assert "<script>alert(1)</script>" in trusted and 'onclick="x()"' in trusted


def test_plain_text_of_inline_markdown() -> None:
    assert plain_text("A *b* [c](https://x.org) `d`\nnext") == "A b c d next"
