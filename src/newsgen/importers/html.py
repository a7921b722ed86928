"""WordPress and feed HTML -> clean Markdown.

markdownify (on BeautifulSoup) does the conversion; WordPress's own markup is turned into plain HTML
first, so that what reaches it is ordinary: block comments and `<!--more-->` dropped, classic-editor
text given its paragraphs (WordPress's `wpautop`), `[caption]` and figures -> an image whose title is
the caption (newsgen renders it as a figure), `[gallery]` and gallery blocks -> images, `[embed]`,
embed blocks, iframes and a URL alone on its line -> a link; headings start at h2 and skip no level.
Every image's address goes through `image(src)`, which returns the address to write (a local file
name or the URL kept), or "" to leave the image out.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from ..content.sanitize import LINK_SCHEMES
from .common import split_url

ImageMap = Callable[[str], str]
GalleryFn = Callable[[dict[str, str]], list[tuple[str, str, str]]]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.S | re.I)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_SHORTCODE = re.compile(r"\[([a-z][a-z0-9_-]*)(?:\s[^\]]*)?\]")
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
_BLANK = re.compile(r"\n[ \t]*\n")
_BLOCK_START = re.compile(
    r"^\s*</?(p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|"
    r"iframe|form|address|section|article|aside|header|footer|nav|style|script|video|audio|object)\b", re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_IMAGE_LINK = re.compile(r"\.(jpe?g|png|gif|webp|avif|bmp|tiff?)(\?.*)?$|attachment_id=|/attachment/", re.I)
_MANY_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t\xa0]+$", re.M)
# Shortcodes that are handled (above) or mean nothing without WordPress's plugins, so are not reported.
KNOWN_SHORTCODES = {"caption", "wp_caption", "embed", "gallery"}


def shortcode_attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(text)}


def autop(text: str) -> str:
    """WordPress's wpautop, in short: classic-editor text has no <p>; a blank line ends a paragraph and
    a single newline is a line break. Text made in the block editor (`<!-- wp:`) has its markup."""
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _PRE.sub(keep, text.replace("\r\n", "\n"))
    out = []
    for chunk in _BLANK.split(text):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if _BLOCK_START.match(chunk) or chunk.startswith("\x00"):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], "\n\n".join(out))


def _figure_html(img: str, caption: str) -> str:
    cap = f"<figcaption>{htmllib.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{cap}</figure>"


def _caption(m: re.Match[str]) -> str:
    attrs, inner = shortcode_attrs(m.group(2)), m.group(3)
    soup = BeautifulSoup(inner, "html.parser")
    img = soup.find("img")
    if not isinstance(img, Tag):
        return inner
    holder = img.parent if isinstance(img.parent, Tag) and img.parent.name == "a" else img
    holder.extract()
    caption = attrs.get("caption") or soup.get_text(" ", strip=True)
    return _figure_html(str(holder), caption)


def _link(url: str) -> str:
    url = htmllib.unescape(url.strip())
    safe = htmllib.escape(url)
    return f'\n\n<p><a href="{safe}">{safe}</a></p>\n\n'


def wordpress_markup(text: str, gallery: GalleryFn | None = None) -> str:
    """WordPress's markup (shortcodes, comments, classic paragraphs) as plain HTML."""
    blocks = "<!-- wp:" in text
    text = _COMMENT.sub("", text)  # block delimiters, <!--more-->, <!--nextpage-->, any comment
    text = _CAPTION.sub(_caption, text)
    text = _EMBED.sub(lambda m: _link(m.group(1)), text)

    def images(m: re.Match[str]) -> str:
        found = gallery(shortcode_attrs(m.group(1))) if gallery else []
        return "".join(_figure_html(f'<img src="{htmllib.escape(u)}" alt="{htmllib.escape(a)}">', c)
                       for u, c, a in found)

    text = _URL_LINE.sub(lambda m: _link(m.group(1)), _GALLERY.sub(images, text))
    return text if blocks else autop(text)


def unknown_shortcodes(text: str) -> list[str]:
    """Shortcodes in a WordPress body that are not converted (a plugin's): reported, kept as text."""
    names = {m.group(1).lower() for m in _SHORTCODE.finditer(_COMMENT.sub("", text))}
    return sorted(names - KNOWN_SHORTCODES)


def _as_link_paragraph(soup: BeautifulSoup, el: Tag, url: str) -> None:
    p = soup.new_tag("p")
    a = soup.new_tag("a", href=url)
    a.string = url
    p.append(a)
    el.replace_with(p)


def _embed_url(el: Tag) -> str:
    frame = el.find("iframe")
    if isinstance(frame, Tag) and frame.get("src"):
        return str(frame["src"])
    a = el.find("a", href=True)
    if isinstance(a, Tag):
        return str(a["href"])
    m = re.search(r"https?://\S+", el.get_text(" "))
    return m.group(0) if m else ""


def _figures(soup: BeautifulSoup) -> None:
    """Innermost first: a gallery figure holds image figures."""
    for fig in reversed(soup.find_all("figure")):
        if not isinstance(fig, Tag) or fig.parent is None:
            continue
        imgs = fig.find_all("img")
        cap = fig.find("figcaption", recursive=False)
        caption = cap.get_text(" ", strip=True) if isinstance(cap, Tag) else ""
        if len(imgs) == 1 and isinstance(imgs[0], Tag):
            img = imgs[0]
            if caption:
                img["title"] = caption
            p = soup.new_tag("p")
            p.append(img.extract())
            fig.replace_with(p)
        elif not imgs:
            url = _embed_url(fig)
            if url:
                _as_link_paragraph(soup, fig, url)
            else:
                fig.unwrap()
        else:  # a gallery: each image in its own paragraph (a figure, when it has a caption), then its caption
            for item in fig.find_all(["ul", "ol", "li"]):  # (a gallery block's grid: not a list to read)
                if isinstance(item, Tag):
                    item.unwrap()
            if isinstance(cap, Tag):
                cap.name = "p"
            fig.name = "div"


def _headings(soup: BeautifulSoup) -> None:
    """The body's headings made to follow the page's own (the headline is its h1): the first one an h2,
    and none more than one level below the heading before it. WordPress posts often start at h3 or
    jump from h2 to h4, which a reader of headings (a screen reader) takes for a missing section, and
    the Nu Html Checker reports as an error."""
    headings = [h for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]) if isinstance(h, Tag)]
    if not headings:
        return
    down = 1 if any(h.name == "h1" for h in headings) else 0  # (an h1 in the body: every level one lower)
    previous = 1
    for heading in headings:
        level = min(int(heading.name[1]) + down, previous + 1, 6)
        heading.name, previous = f"h{level}", level


def _cleanup(soup: BeautifulSoup, image: ImageMap, link: ImageMap | None) -> None:
    for el in soup.find_all(["script", "style", "noscript"]):
        el.decompose()
    for frame in soup.find_all("iframe"):
        if isinstance(frame, Tag):
            src = str(frame.get("src") or "")
            if src.startswith("//"):
                src = "https:" + src
            if src:
                _as_link_paragraph(soup, frame, src)
            else:
                frame.decompose()
    for a in soup.find_all("a"):  # a link around an image to the full-size file or attachment page
        if isinstance(a, Tag) and _IMAGE_LINK.search(str(a.get("href") or "")) and a.find("img") \
                and not a.get_text(strip=True):
            a.unwrap()
        elif isinstance(a, Tag) and a.get("href") and not _web_link(str(a["href"])):
            a.unwrap()  # javascript:, data:...: the site would refuse the link, and show its Markdown as text
        elif isinstance(a, Tag) and link is not None and a.get("href"):
            a["href"] = link(str(a["href"]))
    for img in soup.find_all("img"):
        if not isinstance(img, Tag):
            continue
        src = str(img.get("src") or "")
        if not src:
            img.decompose()
            continue
        mapped = image(htmllib.unescape(src))
        if not mapped:  # (an address the article cannot show: left out, reported by `image`)
            img.decompose()
            continue
        keep = {"src": mapped, "alt": str(img.get("alt") or "")}
        if img.get("title"):
            keep["title"] = str(img["title"])
        img.attrs = keep  # type: ignore[assignment]  # bs4's attribute mapping type is wider


def _web_link(href: str) -> bool:
    """A relative address, or one of the schemes an article's link may have (the body's sanitizer's)."""
    head = href.strip().split("#", 1)[0].split("?", 1)[0].split("/", 1)[0]
    return ":" not in head or head.split(":", 1)[0].lower() in LINK_SCHEMES


def media_links(text: str) -> list[str]:
    """The addresses of the videos and sounds (`<video>`, `<audio>`) of a body: each becomes a link."""
    soup = BeautifulSoup(_COMMENT.sub("", text), "html.parser") if "<video" in text or "<audio" in text else None
    return [src for el in soup.find_all(["video", "audio"]) if isinstance(el, Tag) and (src := _media_src(el))] \
        if soup is not None else []


def _media_src(el: Tag) -> str:
    source = el.find("source", src=True)
    return str(el.get("src") or (source.get("src") if isinstance(source, Tag) else "") or "")


class _Converter(MarkdownConverter):
    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._media(el, "Video")

    def convert_audio(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._media(el, "Audio")

    @staticmethod
    def _media(el: Tag, kind: str) -> str:
        """A video or a sound as a link named by its kind and file (markdownify made a video an empty
        link, which names nothing to a screen reader, and dropped a sound)."""
        src = _media_src(el)
        if not src:
            return ""
        name = unquote(split_url(src).path.rsplit("/", 1)[-1]) or src
        name = " ".join(name.split()).replace("[", "(").replace("]", ")")
        src = src.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        return f"\n\n[{kind}: {name}]({src})\n\n"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # markdownify escapes a title's quotes with a backslash, which CommonMark keeps in titles
        # written in "": use (...) for those, and keep the title on one line.
        title = " ".join(str(el.get("title") or "").split())
        alt = " ".join(str(el.get("alt") or "").split()).replace("[", "(").replace("]", ")")
        if title and alt.casefold() == title.casefold():
            alt = ""  # (a figure: its caption says it; the same words as alt text are read twice)
        src = str(el.get("src") or "").replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        if not title:
            return f"![{alt}]({src})"
        quoted = f'"{title}"' if '"' not in title else "(" + title.replace("(", "[").replace(")", "]") + ")"
        return f"![{alt}]({src} {quoted})"


def to_markdown(text: str, image: ImageMap, gallery: GalleryFn | None = None, wordpress: bool = True,
                link: ImageMap | None = None) -> str:
    """The body as Markdown: WordPress markup first (when `wordpress`), then markdownify. `image` maps
    each image's address, `link` each link's."""
    source = wordpress_markup(text, gallery) if wordpress else _COMMENT.sub("", text)
    soup = BeautifulSoup(source, "html.parser")
    _figures(soup)
    _headings(soup)
    _cleanup(soup, image, link)
    # (a table without a header row: its first row is the header, where markdownify left an empty one)
    md = _Converter(heading_style="ATX", bullets="-", autolinks=True, escape_misc=False, newline_style="backslash",
                    strip_document="strip", table_infer_header=True).convert_soup(soup)
    md = _TRAILING.sub("", md)
    return _MANY_BLANKS.sub("\n\n", md).strip() + "\n"


# elements that end a line of text: a space between their text and the next (inline elements, such as
# the <sup> of "Mark<sup>up</sup>", join their text to the word around them)
_BREAKS = ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
           "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
           "table", "td", "th", "tr", "ul")


def plain_text(fragment: str) -> str:
    """An excerpt's, a title's or a caption's HTML as one line of text."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    soup = BeautifulSoup(_COMMENT.sub("", fragment), "html.parser")
    for el in soup.find_all(_BREAKS):
        if isinstance(el, Tag):
            el.insert_after(" ")
            el.insert_before(" ")
    return " ".join(soup.get_text().split())
