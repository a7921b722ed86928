"""WordPress / feed HTML -> Markdown: each WordPress construct, and what the Markdown keeps."""

from __future__ import annotations

from newsgen.importers.common import old_path
from newsgen.importers.html import autop, media_links, plain_text, shortcode_attrs, to_markdown, unknown_shortcodes


def md(html: str, **kw) -> str:
    return to_markdown(html, lambda src: src, **kw)


def test_block_comments_and_more_are_dropped():
    out = md("<!-- wp:paragraph -->\n<p>One <em>two</em></p>\n<!-- /wp:paragraph -->\n<!--more-->\n<!--nextpage-->")
    assert out == "One *two*\n"


def test_classic_editor_paragraphs_and_line_breaks():
    assert md("First line\nsecond line\n\nNew paragraph") == "First line\\\nsecond line\n\nNew paragraph\n"
    assert "```\na\n\nb\n```" in md("Intro\n<pre>a\n\nb</pre>\nAfter")


def test_caption_shortcode_becomes_an_image_with_its_caption_as_title():
    out = md('[caption id="attachment_5" align="alignnone" width="300"]<a href="https://x.org/up/a.jpg">'
             '<img src="https://x.org/up/a-300x200.jpg" alt="Alt" width="300" /></a> The <em>caption</em>[/caption]')
    assert out == '![Alt](https://x.org/up/a-300x200.jpg "The caption")\n'
    old_style = md('[caption caption="Old style" width="300"]<img src="b.jpg" alt="" />[/caption]')
    assert old_style == '![](b.jpg "Old style")\n'


def test_caption_with_quotes_uses_parentheses():
    out = md('<figure class="wp-block-image"><img src="a.jpg" alt="A"/><figcaption>He said "no"</figcaption></figure>')
    assert out == '![A](a.jpg (He said "no"))\n'


def test_embeds_are_links():
    out = md("Look:\n\nhttps://www.youtube.com/watch?v=abc\n\n[embed]https://vimeo.com/1[/embed]")
    assert "<https://www.youtube.com/watch?v=abc>" in out and "<https://vimeo.com/1>" in out
    block = md('<!-- wp:embed -->\n<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
               'https://youtu.be/xyz\n</div></figure>\n<!-- /wp:embed -->')
    assert block == "<https://youtu.be/xyz>\n"
    frame = md('<p>Before</p><iframe src="//player.vimeo.com/video/9" width="640"></iframe>', wordpress=False)
    assert "<https://player.vimeo.com/video/9>" in frame


def test_galleries_become_images():
    out = md('[gallery ids="1,2"]', gallery=lambda attrs: [("g1.jpg", "One", "a1"), ("g2.jpg", "", "")]
             if attrs == {"ids": "1,2"} else [])
    assert out == '![a1](g1.jpg "One")\n\n![](g2.jpg)\n'
    block = md('<!-- wp:gallery --><figure class="wp-block-gallery"><figure class="wp-block-image"><img src="a.jpg" '
               'alt="A"/></figure><figure class="wp-block-image"><img src="b.jpg" alt="B"/><figcaption>Bee'
               '</figcaption></figure><figcaption>Both</figcaption></figure><!-- /wp:gallery -->')
    assert block == '![A](a.jpg)\n\n![B](b.jpg "Bee")\n\nBoth\n'


def test_images_and_links_are_mapped():
    out = to_markdown('<p><a href="https://x.org/up/big.jpg"><img src="https://x.org/up/small.jpg" alt="S"></a> '
                      '<a href="https://x.org/2024/01/01/other/">other</a></p>',
                      lambda src: "local-" + src.rsplit("/", 1)[-1], link=lambda href: "/new/")
    assert out == "![S](local-small.jpg) [other](/new/)\n"


def test_scripts_are_removed_and_unknown_shortcodes_found():
    assert md("<p>Text</p><script>alert(1)</script><style>p{}</style>") == "Text\n"
    assert unknown_shortcodes('[caption]x[/caption] [contact-form-7 id="3"] [trận derby](/x) [embed]') == [
        "contact-form-7"]


def test_helpers():
    assert shortcode_attrs('id="a b" width=300 align=\'left\'') == {"id": "a b", "width": "300", "align": "left"}
    assert autop("<h2>Title</h2>\n\nText") == "<h2>Title</h2>\n\n<p>Text</p>"
    assert plain_text("Hội nghị <em>bàn</em>\n về &amp; kinh tế") == "Hội nghị bàn về & kinh tế"


def test_a_link_the_site_would_refuse_keeps_only_its_text():
    """javascript:, vbscript:, data: links: the text stays, the link goes (kept as Markdown, the page's
    sanitizer would refuse it and show the link's Markdown as text); web, mail and phone links stay."""
    out = md('<p><a href="javascript:alert(1)">bad link</a>, <a href=" JavaScript:x">two</a>, '
             '<a href="data:text/html,x">three</a>, <a href="mailto:desk@x.org">mail</a>, '
             '<a href="tel:+84123">call</a>, <a href="/local/page/">here</a>, <a href="a/b:c">rel</a></p>')
    assert out == ("bad link, two, three, [mail](mailto:desk@x.org), [call](tel:+84123), [here](/local/page/), "
                   "[rel](a/b:c)\n")


def test_a_gallery_block_s_grid_becomes_one_figure_per_image():
    """WordPress 5.x gallery blocks put their images in a <ul>: a list of captioned images would be a
    tight Markdown list, where images keep no caption; each is its own paragraph (a figure) instead."""
    out = md('<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">'
             '<li class="blocks-gallery-item"><figure><img src="a.jpg" alt="A"/><figcaption>Ay</figcaption></figure></li>'
             '<li class="blocks-gallery-item"><figure><img src="b.jpg" alt="B"/><figcaption>Bee</figcaption></figure></li>'
             '</ul><figcaption>Both</figcaption></figure>')
    assert out == '![A](a.jpg "Ay")\n\n![B](b.jpg "Bee")\n\nBoth\n'


def test_headings_start_at_h2_and_skip_no_level():
    assert md("<h3>Intro</h3><p>x</p><h5>Detail</h5><h2>Next</h2><h4>Deep</h4>") == (
        "## Intro\n\nx\n\n### Detail\n\n## Next\n\n### Deep\n")
    assert md("<h1>Big</h1><h2>Less</h2>") == "## Big\n\n### Less\n"


def test_videos_and_sounds_become_links_that_name_them():
    """markdownify made a video an empty link (nothing for a screen reader to read) and dropped a sound."""
    out = md('<figure class="wp-block-video"><video controls src="https://x.org/clip%201.mov"></video></figure>'
             '<audio controls><source src="https://x.org/talk.mp3" type="audio/mpeg"></audio>')
    assert out == "[Video: clip 1.mov](https://x.org/clip%201.mov)\n\n[Audio: talk.mp3](https://x.org/talk.mp3)\n"
    assert media_links('<p><video src="v.mp4"></video></p><!-- <audio src="no.mp3"> -->') == ["v.mp4"]


def test_an_alt_text_that_repeats_the_caption_is_left_empty():
    assert md('<figure><img src="i.jpg" alt="Orange Iris"/><figcaption>Orange iris</figcaption></figure>') == (
        '![](i.jpg "Orange iris")\n')


def test_a_table_without_a_header_row_takes_its_first_row_as_header():
    assert md("<table><tr><td>Team</td><td>Goals</td></tr><tr><td>Hà Nội</td><td>2</td></tr></table>") == (
        "| Team | Goals |\n| --- | --- |\n| Hà Nội | 2 |\n")


def test_plain_text_joins_inline_markup_and_spaces_blocks():
    assert plain_text("Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>") == "Markup: Title With Markup"
    assert plain_text("<p>One.</p><p>Two<br>three</p>") == "One. Two three"


def test_an_old_address_is_its_path_with_one_slash_at_a_time():
    assert old_path("//greek/%ce%b5-2/") == "/greek/ε-2/"
    assert old_path("", "p=12") == "/?p=12"
