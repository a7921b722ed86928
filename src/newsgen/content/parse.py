"""Parse one article: text in, Article (or diagnostics) out. Pure but for checking that files exist."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..config import SiteConfig
from ..errors import Diagnostic
from ..fileio import read_bytes
from ..inputs import ACTIVE_SUFFIXES, LINK_HINT, is_outward_link, svg_problem
from ..model import Article, Asset, Image
from ..slugs import name_slug
from ..yamlio import LineMap, YamlProblem, load
from . import frontmatter as fmv
from .markdown import body_problem, plain_text
from .source import SourceProblem, decode, split

_LOCAL_REF = re.compile(r"\]\(\s*<?([^)\s>]+)")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
_KNOWN = frozenset(fmv.KNOWN)
_REQUIRED = ("title", "section", "date")
# the same in UTF-8 bytes: a C0 control or DEL (a byte deleted by translate()), or a C1 (\xc2\x80-\x9f)
_RAW_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")
BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 and C1, but tab and line ends
_NOT_LEAD = ("#", "!", "<", ">", "- ", "* ", "+ ", "|", "```", "~~~", "[^", "    ", "\t")


def parse_file(root: Path, rel: str, config: SiteConfig,
               known: fmv.KnownImages | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """Read `root/rel` and parse it. `known`: image sizes the last build read (frontmatter.image_info)."""
    article, diagnostics, _ = read_and_parse(root, rel, config, known)
    return article, diagnostics


def read_and_parse(root: Path, rel: str, config: SiteConfig, known: fmv.KnownImages | None = None
                   ) -> tuple[Article | None, list[Diagnostic], bytes]:
    """parse_file's answer, and the bytes it read (b"" when it could not read them)."""
    try:
        raw = read_bytes(f"{root}/{rel}")
    except OSError as exc:
        return None, [Diagnostic(rel, None, f"cannot read file: {exc.strerror}")], b""
    return (*parse_bytes(raw, rel, root, config, known), raw)


def parse_bytes(raw: bytes, rel: str, root: Path, config: SiteConfig,
                known: fmv.KnownImages | None = None) -> tuple[Article | None, list[Diagnostic]]:
    site, config = config, config.edition_for(rel)  # a file under content/<code>/: that edition's
    try:
        src = split(decode(raw, rel), rel)
    except SourceProblem as p:
        return None, [p.diagnostic]
    diags: list[Diagnostic] = []
    if len(src.front_matter) > fmv.MAX_FRONT_MATTER:
        return None, [Diagnostic(rel, src.front_matter_line,
                                 f"front matter is {len(src.front_matter):,} characters, at most "
                                 f"{fmv.MAX_FRONT_MATTER:,}", "move long text into the body")]
    try:
        fm = load(src.front_matter)
    except YamlProblem as p:
        line = (p.line or 1) + src.front_matter_line - 1
        return None, [Diagnostic(rel, line, p.message, p.hint_at(src.front_matter_line - 1))]
    if fm is None:
        fm = LineMap()
    if not isinstance(fm, LineMap):
        return None, [Diagnostic(rel, src.front_matter_line, "front matter must be a list of `key: value` lines",
                                 "e.g. title: My headline")]

    def line_of(key: str) -> int:
        return fm.lines.get(key, 0) + src.front_matter_line - 1 if key in fm.lines else 1

    def report(key: str, message: str, hint: str | None = None) -> None:
        diags.append(Diagnostic(rel, line_of(key), message, hint))

    values: dict[str, Any] = {}

    def field(key: str, check: Any, *args: Any) -> None:
        # text fields read what the author wrote (`title: yes` is "yes", `title: null` is "null"); draft: is typed
        value = fm.get(key) if key == "draft" else fm.text(key)
        if value is None or (value == "" and key in _REQUIRED):  # not given (missing is reported once, below)
            return
        try:
            values[key] = check(value, *args)
        except fmv.FieldError as e:
            report(key, e.message, e.hint)

    own: dict[str, Any] = {}  # keys of the site's own, outside extra: (kept, as the content format says)
    for key in fm:
        if key not in _KNOWN:
            misspelled = fmv.unknown_key(key)
            if misspelled is not None:
                report(key, *misspelled)
            else:
                own[key] = fmv.plain(fm[key])
    for key in _REQUIRED:
        if fm.text(key) in (None, ""):
            example = {"title": "title: My headline", "section": f"section: {config.sections[0].name}",
                       "date": "date: 2025-03-19 17:40"}[key]
            report(key, f"missing {key}", f"add `{example}` to the front matter")
    field("title", fmv.required_text, "title")  # (each skipped when missing: one error for one problem)
    field("section", fmv.section, config, site)
    field("date", fmv.date, "date", config)
    field("updated", fmv.date, "updated", config)
    field("summary", fmv.text, "summary")
    field("tags", fmv.text_list, "tags")
    field("aliases", fmv.aliases)
    field("slug", fmv.slug)
    field("translation_key", fmv.text, "translation_key")
    field("draft", fmv.boolean, "draft")
    field("corrections", fmv.corrections, config)
    field("extra", fmv.extra)
    if "author" in fm and "authors" in fm:
        report("authors", "use either author or authors, not both")
    field("author", fmv.text_list, "author")
    field("authors", fmv.text_list, "authors")

    first = values.get("date")  # a later change dated before the story was first published: a typo
    if first is not None and values.get("updated") is not None and values["updated"] < first:
        report("updated", f"updated ({fm.text('updated')}) is before date ({fm.text('date')})",
               "updated is when the story last changed, after it was published")
    if first is not None and any(c.date < first for c in values.get("corrections", ())):
        report("corrections", f"a correction is dated before the story's date ({fm.text('date')})",
               "a correction's date is when it was made, after the story was published")
    # (the lead placeholder is looked for where newsgen new writes it, the body's start: ~0.2 us, not ~1.7)
    prompt, lead = values.get("summary") == fmv.SUMMARY_PROMPT, src.body.find(fmv.LEAD_PROMPT, 0, 1000)
    if not values.get("draft", False) and (prompt or lead >= 0):  # (the line of the summary, else of the lead)
        diags.append(Diagnostic(rel, line_of("summary") if prompt else src.body_line + src.body.count("\n", 0, lead),
                                "still holds the placeholder text of newsgen new",
                                "write the summary and the lead, or keep draft: true"))
    title = values.get("title", "")
    slug = values.get("slug") or name_slug(title)
    if title and not slug:
        report("title", "cannot make a URL slug from this title", "add `slug: a-readable-slug`")
    section = values.get("section", "")
    url = f"{config.prefix}{section}/{slug}/"
    image = fmv.image(fm, rel, url, root, report, known)
    too_much = body_problem(src.body)  # a body beyond what newsgen renders in bounded time
    # (the file's bytes first: ~8 us for a 5 kB article, where one regex over the Vietnamese text costs
    # ~100 us and one over the bytes with an alternation ~50 us)
    control = BODY_CONTROL.search(src.body) if _raw_control(raw) else None
    assets: tuple[Asset, ...] = ()
    if too_much is not None:
        diags.append(Diagnostic(rel, src.body_line, *too_much))
    elif control is not None:  # invisible on the page, and it makes feeds invalid XML
        diags.append(Diagnostic(rel, src.body_line + src.body.count("\n", 0, control.start()),
                                f"the body holds a control character (U+{ord(control.group(0)):04X})",
                                "remove it: it cannot be shown, and it makes feeds invalid"))
    else:
        assets, asset_diags = _assets(src.body, rel, root, url, image, src.body_line, known, site)
        diags += asset_diags

    if diags or "title" not in values or "section" not in values or "date" not in values:
        return None, [dataclasses.replace(d, draft=True) for d in diags] if values.get("draft") is True else diags

    body = src.body
    summary = values.get("summary") or lead_paragraph(body)
    fields: dict[str, Any] = dict(
        source=rel,
        title=title,
        section=section,
        slug=slug,
        date=values["date"],
        authors=values.get("authors") or values.get("author") or (),
        updated=values.get("updated"),
        summary=summary,
        summary_given=bool(values.get("summary")),
        image=image,
        tags=values.get("tags", ()),
        draft=values.get("draft", False),
        corrections=values.get("corrections", ()),
        extra={**own, **values.get("extra", {})},
        assets=assets,
        aliases=tuple(a for a in values.get("aliases", ()) if a != f"/{url}"),  # its own URL: nothing to redirect
        edition=config.prefix,
        translation_key=values.get("translation_key", ""),
        body_line=src.body_line,
        slug_line=line_of("slug" if "slug" in fm.lines else "title"),
        aliases_line=line_of("aliases") if "aliases" in fm.lines else 0,
        digest=hashlib.blake2b(raw, digest_size=12).hexdigest(),
    )
    modified = max([fields["updated"] or fields["date"], *(c.date for c in fields["corrections"])])  # Article.modified
    return Article(**fields, card_digest=card_digest(fields, modified),
                   modified_iso=modified.isoformat(timespec="seconds")), []


def _raw_control(raw: bytes) -> bool:
    """Whether the UTF-8 bytes hold a C0 control but tab and line ends, DEL, or a C1 control: deleting
    the C0 set is one pass in C (a character-class regex steps through the bytes ~3x slower), and a C1
    needs its lead byte \\xc2 (rare in news text: a no-break space, a sign such as ©)."""
    return len(raw.translate(None, _RAW_C0)) != len(raw) or (b"\xc2" in raw and _RAW_C1.search(raw) is not None)


def card_digest(f: dict[str, Any], modified: Any) -> str:
    """A hash of what lists show of an article (its card: title, URL, dates, summary, image, authors,
    section, tags, draft; `modified`: its last change): a change here re-renders the pages that list it."""
    url = f"{f.get('edition', '')}{f['section']}/{f['slug']}/"
    card = repr((f["title"], url, f["date"].isoformat(), f["summary"], f["image"], f["authors"], f["section"],
                 modified, f["tags"], f["draft"]))
    return hashlib.blake2b(card.encode(), digest_size=12).hexdigest()


_BLANK_LINE = re.compile(r"\n\s*\n")


def lead_paragraph(body: str) -> str:
    """The first paragraph of the body as plain text: the default standfirst."""
    for block in _blocks(body):
        block = block.strip("\n")
        if block.strip() and not block.lstrip().startswith(_NOT_LEAD) and not re.match(r"\s*\d+[.)]\s", block):
            return plain_text(block)
    return ""


def _blocks(body: str) -> Iterator[str]:
    """re.split(_BLANK_LINE, body), a block at a time (the lead is most often the first)."""
    start = 0
    for blank in _BLANK_LINE.finditer(body):
        yield body[start : blank.start()]
        start = blank.end()
    yield body[start:]


def _assets(body: str, rel: str, root: Path, url: str, image: Any, body_line: int,
            known: fmv.KnownImages | None = None,
            site: SiteConfig | None = None) -> tuple[tuple[Asset, ...], list[Diagnostic]]:
    """Files published next to the article page: its bundle folder's files, and local files the body names.
    A file that is a link leading out of the site, or an SVG that can run code, is an error instead."""
    found: dict[str, Asset] = {}
    diags: list[Diagnostic] = []
    if image is not None and image.source.startswith("content/"):
        found[image.source] = Asset(image.source, image.url, image)
    folder = posixpath.dirname(rel)

    def add(src: str, line: int | None) -> None:
        problem = None
        if is_outward_link(root, src):
            problem, hint = "is a link to a file outside the site", LINK_HINT
        elif src.lower().endswith(".svg"):
            problem, hint = svg_problem(f"{root}/{src}"), "remove scripts, event handlers and outside links from it"
        elif src.lower().endswith(ACTIVE_SUFFIXES):
            problem = "is a kind of file a browser runs scripts from, on the site's own address"
            hint = "publish it elsewhere and link to it, or put it under static/ if it is the site's own"
        if problem is not None:
            diags.append(Diagnostic(rel, line, f"{src}: {problem}", hint))
        else:
            found.setdefault(src, Asset(src, url + posixpath.basename(src)))

    if posixpath.basename(rel) in ("index.md", "index.markdown"):
        from .discover import is_article, is_junk

        for entry in sorted(os.scandir(root / folder), key=lambda e: e.name):
            if not is_junk(entry.name) and not is_article(entry.name) and entry.is_file():
                add(f"{folder}/{entry.name}", None)
    for m in _LOCAL_REF.finditer(body):
        ref = m.group(1)
        if ref.startswith("/") and (missing := _missing_static(root, ref, site)):
            diags.append(Diagnostic(rel, body_line + body.count("\n", 0, m.start()), f'image "{ref}" not found: '
                                    f"no static{missing}", "put the file there, or fix the path"))
            continue
        if ":" in ref or ref.startswith(("/", "#")) or "/" in ref:
            continue
        src = posixpath.normpath(posixpath.join(folder, _file_part(ref)))
        if src in found or not src.startswith("content/") or is_article_file(src):
            continue
        if not os.path.isfile(f"{root}/{src}"):  # noqa: PTH113 - False, not OSError, for a name too long
            if src.lower().endswith(_IMAGE_SUFFIXES):  # (a page would show a broken image)
                diags.append(Diagnostic(rel, body_line + body.count("\n", 0, m.start()),
                                        f'image "{ref}" not found next to the article',
                                        "put it next to the article, or use /images/name.jpg for static/images/"))
            continue
        add(src, body_line + body.count("\n", 0, m.start()))
    assets = []
    for asset in found.values():
        info = _image_info(asset, root, known)
        if info is not None and fmv.too_large(info):
            line = next((body_line + body.count("\n", 0, m.start()) for m in _LOCAL_REF.finditer(body)
                         if posixpath.basename(_file_part(m.group(1))) ==
                         posixpath.basename(asset.source)), None)
            diags.append(Diagnostic(rel, line, f"{asset.source}: image is {fmv.pixels(info)}",
                                    f"newsgen reads images of up to {fmv.MAX_PIXELS // 1_000_000} megapixels: "
                                    "export a smaller copy (a web page needs no more than 2,400 pixels across)"))
        elif info is not None:
            width, height, mime, length = info
            asset = Asset(asset.source, asset.url, Image(url=asset.url, source=asset.source, width=width,
                                                         height=height, mime=mime, length=length))
        assets.append(asset)
    return tuple(assets), diags


def _file_part(ref: str) -> str:
    """A link's address without its query and fragment: the file it names."""
    return ref.split("#")[0].split("?")[0]


def _missing_static(root: Path, ref: str, site: SiteConfig | None) -> str:
    """For a site-rooted image address (`/images/x.jpg`) whose folder is one of static/'s but whose file is
    not there, the file's path ("/images/x.jpg"): the page would show a broken image; else "". (A
    section's or an edition's folder is not checked: an article's own files are published next to it,
    `/politics/story/photo.jpg`.)"""
    path = unquote(_file_part(ref))
    if ref.startswith("//") or not path.lower().endswith(_IMAGE_SUFFIXES) or "/" not in path[1:] or (
            posixpath.normpath(path) != path):
        return ""  # (`//host/x.jpg`: another host's, without its scheme; `..`: not a file of static/)
    folder = path[1:].split("/", 1)[0]
    if site is not None and folder in {s.slug for s in site.sections} | {g.prefix[:-1] for g in site.languages}:
        return ""
    missing = (root / "static" / folder).is_dir() and not (root / "static" / path[1:]).is_file()
    return path if missing else ""


def _image_info(asset: Asset, root: Path, known: fmv.KnownImages | None) -> fmv.ImageInfo | None:
    if asset.image is not None or not asset.source.lower().endswith(_IMAGE_SUFFIXES):
        return None
    return fmv.image_info(f"{root}/{asset.source}", known)  # the key collect.known_images uses


def is_article_file(path: str) -> bool:
    return path.endswith((".md", ".markdown"))
