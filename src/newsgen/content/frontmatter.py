"""Front matter -> Article fields: one small validator per field, every problem collected."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import posixpath
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..config import SiteConfig
from ..dates import DateProblem, parse_date
from ..errors import did_you_mean
from ..inputs import LINK_HINT, is_outward_link
from ..model import Correction, Image
from ..slugs import MAX_SLUG, is_valid_slug, short_slug, slugify
from ..yamlio import LineMap

KNOWN = ("title", "section", "author", "authors", "date", "updated", "summary", "image", "image_caption",
         "image_credit", "image_alt", "tags", "slug", "draft", "corrections", "extra", "aliases",
         "translation_key")

# Limits that keep one article's cost bounded (a hostile or broken file cannot stall a build).
MAX_FRONT_MATTER = 64 * 1024  # characters between the --- lines
MAX_NAMES = 100  # authors, and tags, per article
MAX_PIXELS = 50_000_000  # of an image (width x height): 50 megapixels, e.g. 8660 x 5773

# C0 and C1 controls but tab and newline: invalid in XML (feeds), unseen in HTML. YAML refuses them
# raw, so they come from a double-quoted escape ("\e"). (Bidi marks are text: right-to-left writing.)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# What `newsgen new` writes until the writer replaces it (a story published with it is an error)
SUMMARY_PROMPT = "Write the summary here: one sentence under the headline, also shown in lists."
LEAD_PROMPT = "Write the lead paragraph here."


class FieldError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def text(value: Any, key: str) -> str:
    """A text field, from the text the author wrote (see LineMap.text: `title: yes` is "yes").
    Nothing (None) is empty text; a list or a mapping is an error."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise FieldError(f"{key} must be text", f'write it as {key}: "..."')
    out = str(value).strip()
    bad = None if out.isprintable() else _CONTROL.search(out)  # (isprintable: the quick common answer)
    if bad is not None:
        raise FieldError(f"{key} holds a control character (U+{ord(bad.group(0)):04X})",
                         "remove it: it cannot be shown, and it makes feeds invalid")
    return out


def required_text(value: Any, key: str) -> str:
    out = text(value, key)
    if not out:
        raise FieldError(f"{key} is empty")
    return out


def text_list(value: Any, key: str, names: bool = True) -> tuple[str, ...]:
    """A list of texts, each once. `names` (authors, tags): texts that lead to one page (the same slug:
    "Flood" and "flood") are one, as first written; else only equal texts are."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise FieldError(f"{key} must be a list", f"write it as {key}: [One, Two]")
    if len(value) > MAX_NAMES:
        raise FieldError(f"{key}: {len(value):,} names, at most {MAX_NAMES}", "keep the ones readers need")
    out: list[str] = []
    seen: set[str] = set()  # each name once, by the page it links to ("Flood" and "flood": one tag)
    for v in value:
        item = text(v, key)
        if item and (same := (slugify(item) or item.casefold()) if names else item) not in seen:
            seen.add(same)
            out.append(item)
    return tuple(out)


MAX_ALIAS = 500  # characters of one old path
_RESERVED = frozenset({"_redirects", "_headers", "CNAME", "404.html", "robots.txt", "feed.xml", "atom.xml",
                       "feed.json", "sitemap.xml", "news-sitemap.xml", "latest-news.json", "theme", "pagefind"})


def aliases(value: Any, key: str = "aliases") -> tuple[str, ...]:
    """Old URL paths of the article, each redirecting to it: `/2024/03/19/old-slug/`, `/old.html`, or a
    query form `/?p=123` (WordPress's). A path is normalized to end in "/" unless it names a file."""
    out: list[str] = []
    problems: list[FieldError] = []  # every bad alias of the list in one error, not the first one alone
    for item in text_list(value, key, names=False):
        path, _, query = item.partition("?")
        if not item.startswith("/") or item.startswith("//") or "\\" in item or any(c.isspace() for c in item):
            problems.append(FieldError(f'alias "{item[:60]}" is not a path of this site',
                                       "write the old address from its first slash: /2024/03/19/old-slug/"))
            continue
        plain = unquote(path)  # the file a host serves for it
        if (len(item) > MAX_ALIAS or "/../" in f"{plain}/" or "/./" in f"{plain}/" or "#" in item or "\\" in plain
                or not plain.isprintable() or "/." in plain or plain.strip("/") in _RESERVED):
            # (a hidden name, /.git/ or /.well-known/, is never newsgen's to write; nor are its own files)
            problems.append(FieldError(f'alias "{item[:60]}" cannot be an address of this site', "remove it"))
            continue
        if not query and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            path += "/"
        alias = f"{path}?{query}" if query else path
        if alias not in out:
            out.append(alias)
    if problems:
        first, more = problems[0], ", ".join(f'"{p.message.split(chr(34), 2)[1]}"' for p in problems[1:])
        raise FieldError(first.message + (f"; also {more}" if more else ""), first.hint)
    return tuple(out)


# what other tools (Hugo, WordPress exports) and newsrooms call newsgen's keys
_SYNONYMS = {"headline": "title", "category": "section", "byline": "author", "writer": "author",
             "published": "date", "pubdate": "date", "modified": "updated", "lastmod": "updated",
             "description": "summary", "lede": "summary", "standfirst": "summary", "excerpt": "summary",
             "photo": "image", "picture": "image", "caption": "image_caption", "credit": "image_credit",
             "alt": "image_alt", "keywords": "tags", "categories": "tags", "correction": "corrections",
             "alias": "aliases", "redirect_from": "aliases"}


def unknown_key(key: str) -> tuple[str, str] | None:
    """The message and hint for a front-matter key that is a near miss of a known one (a misspelling,
    or another tool's name for it: `titel`, `headline`), which is an error; None for any other key,
    which is the site's own and reaches the templates as `article.extra.<key>` (the content format's
    rule; an `extra:` mapping is the tidier place for such keys)."""
    known = _SYNONYMS.get(key.lower().replace("-", "_"))
    hint = f'did you mean "{known}"?' if known else did_you_mean(key.replace("-", "_"), KNOWN, cutoff=0.75)
    if hint:
        return f'unknown key "{key}"', f"{hint} Keys of your own go under extra:"
    if _CONTROL.search(key):
        return f'unknown key "{key}"', "a key cannot hold control characters"
    return None


def extra(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError("extra must be a mapping of your own keys", "e.g. extra: {location: Hà Nội}")
    return {k: plain(v) for k, v in value.items()}


def plain(value: Any) -> Any:
    """Plain dicts and lists (a LineMap's .lines/.texts would shadow keys in templates: extra.lines)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{key} must be true or false")
    return value


def date(value: Any, key: str, config: SiteConfig) -> dt.datetime:
    try:
        return parse_date(value, config.tz)
    except DateProblem as p:
        message, hint = p.args
        raise FieldError(f"{key}: {message}", hint) from None


def section(value: Any, config: SiteConfig, site: SiteConfig | None = None) -> str:
    """The slug of the section named (by its name or slug); in a language edition (`config`), by its name
    in the edition or in the site's default language (`site`)."""
    name = required_text(value, "section")
    found = config.section_by_name(name)
    if found is None and site is not None and site is not config:
        default = site.section_by_name(name)
        if default is not None:
            found = config.sections[site.sections.index(default)]
    if found is None:
        hint = did_you_mean(name, [s.name for s in config.sections])
        names = ", ".join(s.name for s in config.sections)
        raise FieldError(f'unknown section "{name}"', hint or f"sections in newsgen.yaml: {names}")
    return found.slug


def slug(value: Any) -> str:
    out = text(value, "slug")
    if not is_valid_slug(out):
        raise FieldError(f'slug "{out}" may only hold lower-case letters, digits and hyphens',
                         f"e.g. slug: {short_slug(slugify(out)) or 'my-article'}")
    if len(out) > MAX_SLUG:
        raise FieldError(f"slug is {len(out)} characters long, at most {MAX_SLUG}",
                         f"e.g. slug: {short_slug(out)}")
    return out


def corrections(value: Any, config: SiteConfig) -> tuple[Correction, ...]:
    if not isinstance(value, list):
        raise FieldError("corrections must be a list", "- date: 2025-03-20 09:00 / text: ...")
    if len(value) > MAX_NAMES:
        raise FieldError(f"corrections: {len(value):,} of them, at most {MAX_NAMES}")
    out = []
    for item in value:
        if not isinstance(item, dict) or "date" not in item or "text" not in item:
            raise FieldError("each correction needs a date and a text")
        written = item.text if isinstance(item, LineMap) else item.get
        out.append(Correction(date=date(written("date"), "correction date", config),
                              text=required_text(written("text"), "correction text")))
    return tuple(sorted(out, key=lambda c: c.date))


def resolve_file(ref: str, article_path: str, root: Path) -> str | None:
    """A file named in an article, as a path relative to the site root; None if outside the site.

    `photo.jpg` is next to the article; `/images/x.jpg` is under static/.
    """
    if ref.startswith("/"):
        rel = posixpath.normpath("static/" + ref.lstrip("/"))
        base = "static/"
    else:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(article_path), ref))
        base = "content/"
    if not rel.startswith(base) or "\\" in ref:
        return None
    return rel


def image(fm: LineMap, article_path: str, article_url: str, root: Path,
          report: Callable[[str, str, str | None], None], known: KnownImages | None = None) -> Image | None:
    ref = fm.text("image")
    if ref is None or ref == "":
        return None
    try:
        ref = required_text(ref, "image")
        caption = text(fm.text("image_caption"), "image_caption")
        credit = text(fm.text("image_credit"), "image_credit")
        alt = text(fm.text("image_alt"), "image_alt") if "image_alt" in fm else caption
    except FieldError as e:
        report("image", e.message, e.hint)
        return None
    if ref.startswith(("http://", "https://")):
        return Image(url=ref, source="", caption=caption, credit=credit, alt=alt)
    rel = resolve_file(ref, article_path, root)
    if rel is None:
        where = "static/" if ref.startswith("/") else "content/"  # (../static/x.jpg: in the site, not content/)
        report("image", f'image "{ref}" leads out of {where}',
               "name a file next to the article (photo.jpg), or one under static/ from its first slash (/images/x.jpg)")
        return None
    path = f"{root}/{rel}"
    try:
        st = os.stat(path)  # one stat: "is it there" and the key of what is known of it
    except (OSError, ValueError):
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        hint = (f"copy the file there, or put it next to the article and write its name ({posixpath.basename(rel)})"
                if rel.startswith("static/") else "put it there, or use /images/name.jpg for a file in static/images/")
        report("image", f'image "{ref}" not found: there is no {rel}', hint)
        return None
    if is_outward_link(root, rel):
        report("image", f'image "{ref}" is a link to a file outside the site', LINK_HINT)
        return None
    if rel.lower().endswith(".svg"):
        report("image", f'image "{ref}" is an SVG drawing, not a photo',
               "an SVG can carry scripts: use a JPEG, PNG, GIF or WebP file")
        return None
    url = rel[len("static/"):] if rel.startswith("static/") else article_url + posixpath.basename(rel)
    info = _info_for(path, st, known)
    if info is None:
        report("image", f'"{ref}" is not an image newsgen can read', "use a JPEG, PNG, GIF or WebP file")
        return None
    width, height, mime, length = info
    if too_large(info):
        report("image", f'image "{ref}" is {pixels(info)}', f"newsgen reads images of up to {MAX_PIXELS // 1_000_000} "
               "megapixels: export a smaller copy (a web page needs no more than 2,400 pixels across)")
        return None
    return Image(url=url, source=rel, caption=caption, credit=credit, alt=alt, width=width, height=height,
                 length=length, mime=mime)


ImageInfo = tuple[int, int, str, int]  # width, height, MIME type, bytes
KnownImages = Mapping[tuple[str, int, int], ImageInfo]  # (path, mtime_ns, size) -> what a build read of it


def image_info(path: str | Path, known: KnownImages | None = None) -> ImageInfo | None:
    """Width, height, MIME type and size of an image file, reading only its header. `known`: what the
    last build read of file versions (an edit that names an image then does not load Pillow: 50-100
    ms of an incremental build); many articles share one static image, so answers are memoized too."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _info_for(str(path), st, known)


def _info_for(path: str, st: os.stat_result, known: KnownImages | None) -> ImageInfo | None:
    key = (path, st.st_mtime_ns, st.st_size)
    found = known.get(key) if known else None
    return found if found is not None else _image_info(*key)


def too_large(info: ImageInfo) -> bool:
    """More pixels than newsgen reads (MAX_PIXELS): the build would take seconds and gigabytes."""
    return info[0] * info[1] > MAX_PIXELS


def pixels(info: ImageInfo) -> str:
    return f"{info[0]:,} x {info[1]:,} pixels ({info[0] * info[1] / 1e6:,.0f} megapixels)"


def open_image(path: str | Path) -> Any:
    """Pillow's Image.open (the header only: nothing is decoded yet) for an image of any size. Pillow's
    own decompression-bomb limit is turned off (it would refuse to even say how large an image is, and
    its warning would reach the terminal): newsgen checks every size against MAX_PIXELS itself
    (too_large) before anything is decoded. WebP's plugin is loaded first: Pillow otherwise loads
    its ~40 plugins to open or save a WebP file (~30 ms, where the five it starts with and this take ~4)."""
    from PIL import Image as PILImage

    with contextlib.suppress(ImportError):  # (a Pillow built without WebP: opened and saved as before)
        from PIL import WebPImagePlugin  # noqa: F401 - registers WebP
    PILImage.MAX_IMAGE_PIXELS = None  # a setting of Pillow's, the same for the whole process
    return PILImage.open(path)


@functools.lru_cache(maxsize=4096)
def _image_info(name: str, mtime_ns: int, size: int) -> ImageInfo | None:
    path = Path(name)
    if path.suffix.lower() == ".svg":
        return (0, 0, "image/svg+xml", path.stat().st_size)
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with open_image(path) as im:
            width, height = im.size
            mime = PILImage.MIME.get(im.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return width, height, mime, size
