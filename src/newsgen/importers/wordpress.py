"""`newsgen import wordpress`: the items of a WXR export as articles, each one imported or reported.

Posts become articles; pages too when `--pages-section` names a section (else each is reported as
skipped, with that hint); attachments are the images of the articles that show them, reported one line
each; anything else (menus, revisions, a plugin's types) is reported as skipped with its type.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from ..config import SectionConfig
from ..slugs import is_valid_slug, short_slug, slugify
from .common import Entry, Options, Report, clean_text, old_path, pick_section, split_url
from .html import GalleryFn, plain_text
from .run import Importer
from .wxr import Export, Item, read

_ZERO = "0000-00-00 00:00:00"
DRAFT_STATUSES = {"draft", "pending", "private"}
_SKIP_STATUS = {"trash": "in the trash", "auto-draft": "an automatic draft (never edited)"}
_UTC = dt.UTC


def _parse(value: str) -> dt.datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return dt.datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - the zone comes after
    except ValueError:
        return None


def _wp_offset(items: list[Item]) -> dt.timedelta | None:
    """The old site's UTC offset, as most items show it (post_date - post_date_gmt): for drafts, whose
    post_date_gmt is 0000-00-00."""
    seen: Counter[dt.timedelta] = Counter()
    for item in items:
        local, utc = _parse(item.get("wp:post_date")), _parse(item.get("wp:post_date_gmt"))
        if local and utc:
            seen[local - utc] += 1
    return seen.most_common(1)[0][0] if seen else None


class WordPress:
    def __init__(self, export: Export, options: Options, report: Report) -> None:
        self.export, self.options, self.report = export, options, report
        self.offset = _wp_offset(export.items)
        self.by_id = {item.get("wp:post_id"): item for item in export.items}
        self.children: dict[str, list[Item]] = {}
        for item in export.items:
            if item.get("wp:post_type") == "attachment":
                self.children.setdefault(item.get("wp:post_parent"), []).append(item)
        self.used: Counter[str] = Counter()  # attachment id -> articles that show it
        self.unmatched: Counter[str] = Counter()  # categories that matched no section
        base = export.channel.get("wp:base_blog_url") or export.channel.get("link") or ""
        self.home = (split_url(base).path or "/").rstrip("/") + "/"
        self.site_url = export.channel.get("wp:base_site_url") or base

    # ------------------------------------------------------------------ dates, people, slugs

    def _date(self, item: Item, gmt_key: str, local_key: str) -> dt.datetime | None:
        utc = _parse(item.get(gmt_key))
        if utc is not None:
            return utc.replace(tzinfo=_UTC)
        local = _parse(item.get(local_key))
        if local is None:
            return None
        if self.offset is not None:
            return (local - self.offset).replace(tzinfo=_UTC)
        return local.replace(tzinfo=self.options.config.tz)

    def _authors(self, item: Item) -> list[str]:
        logins = [item.get("dc:creator")]
        logins += [nice.removeprefix("cap-") or name for domain, nice, name in item.categories if domain == "author"]
        names = [clean_text(self.export.authors.get(login, login)) for login in logins if login]
        return list(dict.fromkeys(n for n in names if n))

    def _slug(self, item: Item, title: str) -> str:
        name = unquote(item.get("wp:post_name"))
        slug = name if is_valid_slug(name) else slugify(name) or slugify(title)
        return short_slug(slug or f"post-{item.get('wp:post_id')}")

    def _aliases(self, item: Item) -> list[str]:
        out = []
        link = split_url(item.get("link"))
        if link.path or link.query:
            out.append(old_path(link.path, link.query))
        key = "page_id" if item.get("wp:post_type") == "page" else "p"
        if item.get("wp:post_id"):
            out.append(f"{self.home}?{key}={item.get('wp:post_id')}")
        return list(dict.fromkeys(out))

    # ------------------------------------------------------------------ images

    def _attachment(self, attachment_id: str) -> tuple[str, str, str] | None:
        att = self.by_id.get(attachment_id.strip())
        if att is None or not att.get("wp:attachment_url"):
            return None
        self.used[attachment_id.strip()] += 1
        caption = clean_text(plain_text(att.get("excerpt:encoded")))
        return att.get("wp:attachment_url"), caption, clean_text(att.meta.get("_wp_attachment_image_alt", ""))

    def _gallery(self, item: Item) -> GalleryFn:
        def images(attrs: dict[str, str]) -> list[tuple[str, str, str]]:
            ids = [i for i in attrs.get("ids", "").split(",") if i.strip()]
            if not ids:
                kids = sorted(self.children.get(item.get("wp:post_id"), []),
                              key=lambda a: int(a.get("wp:menu_order")) if a.get("wp:menu_order").isdigit() else 0)
                ids = [a.get("wp:post_id") for a in kids]
            return [found for i in ids if (found := self._attachment(i)) is not None]

        return images

    # ------------------------------------------------------------------ one item

    def _section(self, item: Item, title: str) -> tuple[SectionConfig | None, str]:
        """The item's section and the category that chose it ("" for the default)."""
        if item.get("wp:post_type") == "page":
            pages = self.options.pages_section
            if not pages:
                self.report.skip(title, "a page (import pages as articles with --pages-section SECTION)")
                return None, ""
            return self.options.config.section_by_name(pages), ""
        categories = [(name, nice) for domain, nice, name in item.categories if domain == "category"]
        section, used = pick_section(categories, self.options)
        if section is None:
            names = ", ".join(f'"{n}"' for n, _ in categories) or "none"
            self.report.skip(title, f"its categories ({names}) match no section "
                                    "(--section-map 'CATEGORY=Section' or --default-section SECTION)")
        elif not used:
            for name, nice in categories:
                if nice != "uncategorized":
                    self.unmatched[name] += 1
        return section, used

    def entry(self, item: Item) -> Entry | None:
        title = clean_text(plain_text(item.get("title")))
        status = item.get("wp:status") or "publish"
        if status in _SKIP_STATUS:
            self.report.skip(title, _SKIP_STATUS[status])
            return None
        if not title:
            self.report.skip(f"(untitled, ID {item.get('wp:post_id')})", "no title (newsgen needs one)")
            return None
        date = self._date(item, "wp:post_date_gmt", "wp:post_date") or self._date(
            item, "wp:post_modified_gmt", "wp:post_modified")
        if date is None:
            self.report.skip(title, "no date")
            return None
        section, used = self._section(item, title)
        if section is None:
            return None
        return self._entry(item, title, status, date, section, used)

    def _entry(self, item: Item, title: str, status: str, date: dt.datetime, section: SectionConfig,
               used: str) -> Entry:
        modified = self._date(item, "wp:post_modified_gmt", "wp:post_modified")
        tags = [n for domain, _, n in item.categories if domain == "post_tag"]
        # the other categories are kept as tags (a post's second category, a sub-category)
        tags += [n for domain, nice, n in item.categories if domain == "category" and nice != "uncategorized"
                 and n != used]
        entry = Entry(
            label=title, title=title, section=section, date=date, slug=self._slug(item, title),
            body_html=item.get("content:encoded"),
            updated=modified if modified and status != "future" and modified - date > dt.timedelta(minutes=1)
            else None,
            authors=self._authors(item),
            tags=list({clean_text(t).casefold(): clean_text(t) for t in tags if clean_text(t)}.values())[:100],
            summary=clean_text(plain_text(item.get("excerpt:encoded"))),
            draft=status in DRAFT_STATUSES or bool(item.get("wp:post_password")),
            aliases=self._aliases(item),
            gallery=self._gallery(item),
        )
        if item.get("wp:is_sticky") == "1":
            entry.extra["sticky"] = True
        if item.get("wp:post_password"):
            self.report.warn(title, "password-protected in WordPress: imported as a draft")
        elif status == "private":
            self.report.warn(title, "private in WordPress: imported as a draft")
        thumb = item.meta.get("_thumbnail_id", "")
        featured = self._attachment(thumb) if thumb else None
        if featured is not None:
            entry.image, entry.image_caption, entry.image_alt = featured
        elif thumb:
            self.report.warn(title, f"its featured image (attachment {thumb}) is not in the export")
        return entry

    def entries(self) -> Iterator[Entry]:
        for item in self.export.items:
            kind = item.get("wp:post_type") or "post"
            if kind in ("post", "page"):
                entry = self.entry(item)
                if entry is not None:
                    yield entry
            elif kind != "attachment":
                title = clean_text(plain_text(item.get("title"))) or f"(ID {item.get('wp:post_id')})"
                self.report.skip(title, f'a "{kind}" item, not a post or page (not imported)')

    def finish(self) -> None:
        """The lines that need every item read: attachments, unmatched categories, comments."""
        for item in self.export.items:
            if item.get("wp:post_type") != "attachment":
                continue
            title = clean_text(plain_text(item.get("title"))) or item.get("wp:attachment_url")
            uses = self.used[item.get("wp:post_id")]
            self.report.skip(title, "a media file, not an article: " + (
                f"its image goes with the article{'s' if uses > 1 else ''} that show{'' if uses > 1 else 's'} it"
                if uses else f"no imported article shows it ({item.get('wp:attachment_url')})"))
        for name, count in sorted(self.unmatched.items()):
            self.report.warn("", f'category "{name}" matches no section: {count} article{"s" if count > 1 else ""} '
                                 f"put in {self.options.default_section} (--default-section)")
        comments = sum(item.comments for item in self.export.items)
        if comments:
            self.report.warn("", f"{comments} comment{'s' if comments > 1 else ''} not imported "
                                 "(newsgen sites are static: see comments_html in newsgen.yaml)")


def import_wordpress(path: Path, options: Options, report: Report) -> None:
    export = read(path, str(path))
    wp = WordPress(export, options, report)
    Importer(options, report, base_url=wp.site_url.rstrip("/") + "/" if wp.site_url else "").run(wp.entries())
    wp.finish()
