"""Responsive images: lead and body images resized to a few widths, as WebP and in their own format.

Each variant is made once with Pillow and kept in `.newsgen-cache/images/`, keyed by the source's
bytes and the variant's width and format, so later builds only copy it (and only when it changed).
Variants are published next to the original: `photo.jpg` -> `photo-480w.webp`, `photo-480w.jpg`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .content.frontmatter import MAX_PIXELS, open_image
from .errors import Diagnostic
from .fileio import Stamp, stamp
from .model import Image

WIDTHS = (480, 800, 1200)
WEBP_MAX = 16383  # pixels: the largest width or height a WebP image can have
_RESIZABLE = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_EXT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


@dataclass(frozen=True)
class Variant:
    source: str  # relative to the site root
    url: str  # site-relative output path
    width: int
    height: int
    format: str  # JPEG | PNG | WEBP


@dataclass(frozen=True)
class Srcset:
    webp: str  # "a-480w.webp 480w, ..." (site-relative here; templates get them linked from h.srcset)
    original: str
    webp_items: tuple[tuple[str, int], ...]
    original_items: tuple[tuple[str, int], ...]


def variants(image: Image) -> list[Variant]:
    """The variants to publish for one image: each width below the original's, plus a WebP at the
    original width. Images newsgen cannot resize (SVG, GIF, remote) get none."""
    fmt = _RESIZABLE.get(image.mime)
    if not image.source or fmt is None or not image.width or not image.height:
        return []
    stem, _ = posixpath.splitext(image.url)
    out: list[Variant] = []
    widths = [w for w in WIDTHS if w < image.width] + [image.width]
    for w in widths:
        h = max(1, round(image.height * w / image.width))
        if max(w, h) <= WEBP_MAX:  # (a panorama wider than WebP allows keeps its own format only)
            out.append(Variant(image.source, f"{stem}-{w}w.webp", w, h, "WEBP"))
        if w != image.width and fmt != "WEBP":
            out.append(Variant(image.source, f"{stem}-{w}w{_EXT[fmt]}", w, h, fmt))
    return out


@functools.lru_cache(maxsize=16384)
def srcset(image: Image) -> Srcset | None:
    vs = variants(image)
    if not vs:
        return None
    webp = tuple((v.url, v.width) for v in vs if v.format == "WEBP")
    orig = tuple((v.url, v.width) for v in vs if v.format != "WEBP") + ((image.url, image.width or 0),)
    return Srcset(
        webp=", ".join(f"{u} {w}w" for u, w in webp),
        original=", ".join(f"{u} {w}w" for u, w in orig),
        webp_items=webp,
        original_items=orig,
    )


# a source with its variants and what the cache knows of it; then what was made of it
# what the build state keeps of a source: its stamp, its content digest, and the size of each variant
# file made of it in the image cache (a file there that is not that size, cut short or replaced, is
# made again instead of being published)
Known = tuple[Stamp, str, tuple[tuple[str, int], ...]]
ImageWork = tuple[str, tuple[Variant, ...], Known | None]
ImageDone = tuple[str, Known | None, dict[str, Path], list[Diagnostic]]


def process(root: Path, wanted: Iterable[Variant], cache_dir: Path, known: dict[str, Known],
            run: Callable[[list[ImageWork]], list[ImageDone]] | None = None,
            ) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Make every variant that is not cached yet. Returns output URL -> file to copy, and problems.
    `known` (source -> (stamp, content digest, variant sizes)) is read and updated, so unchanged sources
    are not re-read.
    `run` does the work of the sources that need some (the build's process pool); inline without."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # (a file where the cache folder goes: named, not a traceback)
        where = cache_dir.relative_to(root) if cache_dir.is_relative_to(root) else cache_dir
        return {}, [Diagnostic(f"{where}", None, f"cannot make the image cache folder: {exc.strerror}",
                               "remove what is in its place: newsgen makes this folder, and may delete it")]
    by_source: dict[str, dict[str, Variant]] = {}
    for v in wanted:
        by_source.setdefault(v.source, {}).setdefault(v.url, v)
    files: dict[str, Path] = {}
    todo: list[ImageWork] = []
    for source, variants in by_source.items():
        cached = known.get(source)
        if cached is not None and len(cached) == 3 and cached[0] == stamp(root, source):
            targets = {url: _target(cache_dir, cached[1], v) for url, v in variants.items()}
            sizes = dict(cached[2])
            if all(_size(t) == sizes.get(t.name, -2) for t in targets.values()):
                files.update(targets)  # the common case: nothing to read or make
                continue
        todo.append((source, tuple(variants.values()), cached if cached is not None and len(cached) == 3 else None))
    diags: list[Diagnostic] = []
    if run is None:
        run = functools.partial(make_variants, root, cache_dir)
    for source, digest, made, problems in run(todo) if todo else []:
        if digest is not None:
            known[source] = digest
        files.update(made)
        diags.extend(problems)
    return files, diags


def make_variants(root: Path, cache_dir: Path, todo: list[ImageWork]) -> list[ImageDone]:
    """Digest each source (unless its stamp is the cached one) and make its missing variants."""
    return [_one_source(root, cache_dir, *work) for work in todo]


def variants_task(shared: tuple[Path, Path], local: object, todo: list[ImageWork]) -> list[ImageDone]:
    """make_variants as a task for parallel.Executor: (root, cache folder) shared by every chunk."""
    return make_variants(*shared, todo)


def _target(cache_dir: Path, digest: str, v: Variant) -> Path:
    return cache_dir / f"{digest}-{v.width}{_EXT[v.format]}"


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


def _one_source(root: Path, cache_dir: Path, source: str, variants: tuple[Variant, ...],
                cached: Known | None) -> ImageDone:
    src = root / source
    try:
        st = stamp(root, source)
        digest = cached[1] if cached is not None and cached[0] == st else \
            hashlib.blake2b(src.read_bytes(), digest_size=10).hexdigest()
    except OSError as exc:
        return source, None, {}, [Diagnostic(source, None, f"cannot read image: {exc.strerror}")]
    made: dict[str, Path] = {}
    recorded = dict(cached[2]) if cached is not None and cached[1] == digest else {}
    sizes: dict[str, int] = {}
    for v in variants:
        target = _target(cache_dir, digest, v)
        size = _size(target)
        if size < 0 or size != recorded.get(target.name, -2):  # missing, or not the file this build made
            from PIL import Image as PILImage  # only when a variant is missing: Pillow takes a while to load
            from PIL import UnidentifiedImageError

            try:
                with open_image(src) as im:
                    if im.width * im.height > MAX_PIXELS:  # parsing refuses these: the file changed since
                        raise ValueError(f"{im.width:,} x {im.height:,} pixels, more than "
                                         f"{MAX_PIXELS // 1_000_000} megapixels")
                    im.load()
                    resized = im if im.width == v.width else im.resize((v.width, v.height), PILImage.Resampling.LANCZOS)
                    if v.format == "JPEG" and resized.mode not in ("RGB", "L"):
                        resized = resized.convert("RGB")
                    tmp = target.with_suffix(f".{os.getpid()}.tmp")
                    options = {"quality": 80, "method": 4} if v.format == "WEBP" else (
                        {"quality": 82, "optimize": True, "progressive": True} if v.format == "JPEG" else
                        {"optimize": True})
                    resized.save(tmp, v.format, **options)
                    os.replace(tmp, target)
            except (UnidentifiedImageError, PILImage.DecompressionBombError, OSError, ValueError) as exc:
                return source, None, made, [Diagnostic(source, None, f"cannot resize image: {exc}",
                                                       "re-export it as a normal JPEG, PNG or WebP")]
            size = _size(target)
        made[v.url] = target
        sizes[target.name] = size
    return source, (st, digest, tuple(sorted(sizes.items()))), made, []


def for_article_images(images: Iterable[Image]) -> list[Variant]:
    return [v for im in images for v in variants(im)]


_IMG_TAG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"/:?#]+)"')


def enhance_body(html: str, by_name: dict[str, Image], sizes: str) -> str:
    """Give body images that live next to the article their size and WebP variants."""
    if "<img" not in html or not by_name:
        return html

    def sub(m: re.Match[str]) -> str:
        tag = m.group(0)
        src = _SRC.search(tag)
        im = by_name.get(src.group(1)) if src else None
        if im is None or not im.width or " width=" in tag or " srcset=" in tag:
            return tag
        extra = f' width="{im.width}" height="{im.height}"'
        ss = srcset(im)
        if ss is not None and ss.webp_items:
            items = ", ".join(f"{escape(posixpath.basename(u))} {w}w" for u, w in ss.webp_items)
            extra += f' srcset="{items}" sizes="{escape(sizes)}"'
        return tag[:-1] + extra + ">"

    return _IMG_TAG.sub(sub, html)
