"""Files written by Python rather than a template, where a format is a data structure: JSON Feed 1.1
(https://www.jsonfeed.org/version/1.1/) and `_redirects` (Netlify and Cloudflare Pages syntax)."""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import quote

from .. import urls
from ..pages import alias_pairs
from .environment import format_datetime, iso
from .helpers import Helpers
from .inputs import RenderInputs
from .translations import load as load_translations


def json_feed(ctx: dict[str, Any], inputs: RenderInputs, helpers: Helpers) -> bytes:
    """The feed of `ctx` (the "jsonfeed" page context: items, bodies, section, page) as JSON Feed 1.1."""
    config = inputs.config
    section = ctx.get("section")
    link = functools.partial(urls.absolute, config)
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{config.title}: {section.name}" if section else config.title,
        "home_page_url": link(section.url if section else config.prefix),
        "feed_url": link(ctx["page"].url),
        "description": ((section.description if section else "") or config.description or config.title),
        "language": config.language,
        "authors": [{"name": config.title, "url": link(config.prefix)}],
        "items": [],
    }
    bodies = ctx["bodies"]
    locale = config.language.replace("-", "_")
    corrections = ""  # the heading, in the site's language: looked up once a feed item has corrections
    for a in ctx["items"]:
        item: dict[str, Any] = {
            "id": f"{link(config.prefix)}#{quote(a.source)}",  # the RSS guid, the Atom id: the article's file
            "url": link(a.url),
            "title": a.title,
            "summary": a.summary,
            "date_published": iso(a.date),
            "date_modified": iso(a.modified),
            "tags": [helpers.section(a).name, *(t.name for t in helpers.tags(a))],
        }
        people = helpers.authors(a)
        if people:
            item["authors"] = [{"name": p.name, "url": link(p.url)} for p in people]
        if a.source in bodies:
            html = str(bodies[a.source])
            if a.corrections:
                notes = "".join(f"<li>{format_datetime(c.date, locale, config.tz)}: {_escape(c.text)}</li>"
                                for c in a.corrections)
                if not corrections:
                    # HTML, as in the templates (a catalog is trusted like a template)
                    corrections = load_translations(config).translations.gettext("Corrections")
                html += f"<h2>{corrections}</h2><ul>{notes}</ul>"
            item["content_html"] = html
        else:
            item["content_text"] = a.summary or a.title
        if a.image:
            item["image"] = link(a.image.url)
        feed["items"].append(item)
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def redirects_file(inputs: RenderInputs) -> bytes:
    """`_redirects`: one `old new 301` line per article alias, for hosts that honour it (the redirect
    pages do the same job everywhere else, but for query forms such as WordPress's /?p=12)."""
    config = inputs.config
    base = config.base_path.rstrip("/")
    lines = ["# old address                  new address   status (written by newsgen from aliases:)"]
    pairs = inputs.redirects or alias_pairs(inputs.site)
    for alias, url in pairs:
        path, _, query = alias.partition("?")
        target = urls.href(config, url)
        if query:  # Netlify's query matching: "/ p=12 /new/ 301"
            lines.append(f"{base}{path} {query.replace('&', ' ')} {target} 301")
        else:
            lines.append(f"{base}{path} {target} 301")
    return ("\n".join(lines) + "\n").encode("utf-8")
