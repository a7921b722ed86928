"""Front matter -> Article fields: one small validator per field, every problem collected."""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from ..dates import DateProblem, parse_date
from ..errors import did_you_mean
from ..inputs import LINK_HINT, is_outward_link
from ..model import Correction, Image
from ..slugs import is_valid_slug, slugify
from ..yamlio import LineMap

KNOWN = ("title", "section", "author", "authors", "date", "updated", "summary", "image", "image_caption",
         "image_credit", "image_alt", "tags", "slug", "draft", "corrections")


class FieldError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def text(value: Any, key: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise FieldError(f"{key} must be text", f'write it as {key}: "..."')
    return str(value).strip()


def required_text(value: Any, key: str) -> str:
    out = text(value, key)
    if not out:
        raise FieldError(f"{key} is empty")
    return out


def text_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        raise FieldError(f"{key} must be a list", f"write it as {key}: [One, Two]")
    out: list[str] = []
    for v in value:
        item = text(v, key)
        if item and item not in out:
            out.append(item)
    return tuple(out)


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


def section(value: Any, config: SiteConfig) -> str:
    name = required_text(value, "section")
    found = config.section_by_name(name)
    if found is None:
        hint = did_you_mean(name, [s.name for s in config.sections])
        names = ", ".join(s.name for s in config.sections)
        raise FieldError(f'unknown section "{name}"', hint or f"sections in newsgen.yaml: {names}")
    return found.slug


def slug(value: Any) -> str:
    out = text(value, "slug")
    if not is_valid_slug(out):
        raise FieldError(f'slug "{out}" may only hold lower-case letters, digits and hyphens',
                         f"e.g. slug: {slugify(out) or 'my-article'}")
    return out


def corrections(value: Any, config: SiteConfig) -> tuple[Correction, ...]:
    if not isinstance(value, list):
        raise FieldError("corrections must be a list", "- date: 2025-03-20 09:00 / text: ...")
    out = []
    for item in value:
        if not isinstance(item, dict) or "date" not in item or "text" not in item:
            raise FieldError("each correction needs a date and a text")
        out.append(Correction(date=date(item["date"], "correction date", config),
                              text=required_text(item["text"], "correction text")))
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
          report: Callable[[str, str, str | None], None]) -> Image | None:
    ref = fm.get("image")
    if ref is None or ref == "":
        return None
    try:
        ref = required_text(ref, "image")
        caption = text(fm.get("image_caption", ""), "image_caption")
        credit = text(fm.get("image_credit", ""), "image_credit")
        alt = text(fm.get("image_alt", caption), "image_alt")
    except FieldError as e:
        report("image", e.message, e.hint)
        return None
    if ref.startswith(("http://", "https://")):
        return Image(url=ref, source="", caption=caption, credit=credit, alt=alt)
    rel = resolve_file(ref, article_path, root)
    if rel is None:
        report("image", f'image "{ref}" is outside the site folder',
               "put it next to the article or under static/")
        return None
    path = f"{root}/{rel}"
    try:
        st = os.stat(path)  # one stat: "is it there" and the key of what is known of it
    except (OSError, ValueError):
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        report("image", f'image "{ref}" not found',
               "put it next to the article, or use /images/name.jpg for static/images/")
        return None
    if is_outward_link(root, rel):
        report("image", f'image "{ref}" is a link to a file outside the site', LINK_HINT)
        return None
    if rel.lower().endswith(".svg"):
        report("image", f'image "{ref}" is an SVG drawing, not a photo',
               "an SVG can carry scripts: use a JPEG, PNG, GIF or WebP file")
        return None
    url = rel[len("static/"):] if rel.startswith("static/") else article_url + posixpath.basename(rel)
    info = _info_for(path, st)
    if info is None:
        report("image", f'"{ref}" is not an image newsgen can read', "use a JPEG, PNG, GIF or WebP file")
        return None
    width, height, mime, length = info
    return Image(url=url, source=rel, caption=caption, credit=credit, alt=alt, width=width, height=height,
                 length=length, mime=mime)


ImageInfo = tuple[int, int, str, int]  # width, height, MIME type, bytes
_KNOWN_INFO: dict[tuple[str, int, int], ImageInfo] = {}  # (path, mtime_ns, size) -> info, from the build cache


def image_info(path: str | Path) -> ImageInfo | None:
    """Width, height, MIME type and size of an image file, reading only its header.
    Many articles share one static image: the answer is remembered per file version."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _info_for(str(path), st)


def _info_for(path: str, st: os.stat_result) -> ImageInfo | None:
    key = (path, st.st_mtime_ns, st.st_size)
    known = _KNOWN_INFO.get(key)
    return known if known is not None else _image_info(*key)


def remember_image_info(path: str, mtime_ns: int, size: int, info: ImageInfo) -> None:
    """What an earlier build read of this version of the file (then an edit that names an image
    does not load Pillow: 50-100 ms of an incremental build)."""
    _KNOWN_INFO[(path, mtime_ns, size)] = info


@functools.lru_cache(maxsize=4096)
def _image_info(name: str, mtime_ns: int, size: int) -> ImageInfo | None:
    path = Path(name)
    if path.suffix.lower() == ".svg":
        return (0, 0, "image/svg+xml", path.stat().st_size)
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(path) as im:
            width, height = im.size
            mime = PILImage.MIME.get(im.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return width, height, mime, path.stat().st_size
