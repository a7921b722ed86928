"""A WordPress export (WXR, versions 1.0-1.2) read into plain records, streaming: an element is
dropped as soon as its item is read, so a large export needs little memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from .common import ImportFailure
from .xmlsafe import attr, events, local, open_source, text_of

_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_WP = ("http://wordpress.org/export/", "https://wordpress.org/export/")


def _prefix(ns: str) -> str:
    if ns.startswith(_WP):  # (WordPress.com and recent exports write the https:// form)
        return "excerpt" if ns.rstrip("/").endswith("excerpt") else "wp"
    return {_CONTENT: "content", _DC: "dc"}.get(ns, "")


def _name(tag: str) -> str:
    ns, name = local(tag)
    prefix = _prefix(ns) if ns else ""
    return f"{prefix}:{name}" if prefix else (name if not ns else f"{{{ns}}}{name}")


@dataclass
class Item:
    fields: dict[str, str] = field(default_factory=dict)  # "title", "wp:post_id", "content:encoded"...
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: dict[str, str] = field(default_factory=dict)  # wp:postmeta key -> value
    comments: int = 0

    def get(self, key: str) -> str:
        return self.fields.get(key, "").strip()


@dataclass
class Export:
    channel: dict[str, str] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    items: list[Item] = field(default_factory=list)
    wordpress: bool = False  # a wp: element was met


def _item(el: Element) -> Item:
    item = Item()
    for child in el:
        key = _name(child.tag)
        if key == "category":
            item.categories.append((attr(child, "domain"), attr(child, "nicename"), text_of(child).strip()))
        elif key == "wp:postmeta":
            values = {_name(c.tag): text_of(c) for c in child}
            item.meta[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
        elif key == "wp:comment":
            item.comments += 1
        else:
            item.fields[key] = text_of(child)
    return item


def _author(el: Element) -> tuple[str, str]:
    values = {_name(c.tag): text_of(c).strip() for c in el}
    login = values.get("wp:author_login", "")
    return login, values.get("wp:author_display_name") or login


def read(path: Path, label: str) -> Export:
    out = Export()
    depth = 0
    with open_source(path) as source:
        for event, el in events(source, label):
            if event == "start":
                if depth == 0 and _name(el.tag) != "rss":
                    raise ImportFailure(label, 1, f"not a WordPress export: the root element is <{local(el.tag)[1]}>",
                                        "export from WordPress: Tools > Export > All content; "
                                        "for a feed use newsgen import feed")
                depth += 1
                continue
            depth -= 1
            name = _name(el.tag)
            out.wordpress = out.wordpress or name.startswith("wp:")
            if name == "item" and depth == 2:
                out.items.append(_item(el))
                el.clear()
            elif name == "wp:author" and depth == 2:
                login, display = _author(el)
                out.authors[login] = display
                el.clear()
            elif depth == 2 and name in ("title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
                out.channel[name] = text_of(el).strip()
    if not out.wordpress:
        raise ImportFailure(label, 1, "not a WordPress export: an RSS file without WordPress's wp: elements",
                            "for a feed use newsgen import feed; for WordPress: Tools > Export > All content")
    return out
