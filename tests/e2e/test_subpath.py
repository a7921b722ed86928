"""The demo site built under a sub-path: every link, asset, feed and sitemap URL stays under it.

A site published at https://example.org/news/ must never link to /something outside /news/: on a
shared host that is another site, or nothing. The demo site (the repo root) is copied to a
temporary folder and built with `--base-url`, then every output file is read with a parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner
from tests.conftest import copy_demo

from newsgen.cli import main

REPO = Path(__file__).resolve().parents[2]
BASE = "https://example.org/news/"
BASE_PATH = urlsplit(BASE).path
HOST = urlsplit(BASE).netloc

# (element, attribute) pairs that hold one URL; srcset holds several
URL_ATTRIBUTES = ("href", "src", "data-latest", "poster", "action", "cite", "data-src")
URL_PROPERTIES = ("og:url", "og:image", "og:image:url", "og:image:secure_url", "twitter:image")
NOT_LINKS = ("mailto:", "tel:", "data:", "javascript:", "#")


def authored_urls() -> frozenset[str]:
    """Absolute URLs written by hand in the demo's articles: links to other sites, even when they
    happen to use the example host. newsgen must leave those as they are."""
    found: set[str] = set()
    for path in (REPO / "content").rglob("*.md"):
        found.update(re.findall(r"https?://[^\s)\]>\"']+", path.read_text(encoding="utf-8")))
    return frozenset(found)


AUTHORED = authored_urls()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site, copied (so no build cache lands in the repo) and built under BASE."""
    site = copy_demo(tmp_path_factory.mktemp("demo"))
    target = site / "public"
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--out", str(target),
                                       "--base-url", BASE, "--quiet"])
    assert result.exit_code == 0, result.output
    return target


def page_url(out: Path, file: Path) -> str:
    """The address a file in the output is served at."""
    rel = file.relative_to(out).as_posix()
    if rel == "index.html":
        rel = ""
    elif rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return BASE + rel


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def urls_in_html(doc: lxml.html.HtmlElement) -> Iterator[tuple[str, str]]:
    """(description, url) for every URL-bearing attribute of the page."""
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        for attr in URL_ATTRIBUTES:
            value = el.get(attr)
            if value is not None:
                yield f"<{el.tag} {attr}>", value.strip()
        for attr in ("srcset", "imagesrcset"):
            value = el.get(attr)
            if value:
                for url in srcset_urls(value):
                    yield f"<{el.tag} {attr}>", url
        if el.tag == "meta" and el.get("content") and (
            el.get("property") in URL_PROPERTIES or el.get("name") in URL_PROPERTIES
        ):
            yield f"<meta {el.get('property') or el.get('name')}>", el.get("content", "").strip()


def problem(url: str, where: str) -> str | None:
    """Why `url`, found on the page at `where`, escapes the sub-path; None when it is fine."""
    if not url or url.startswith(NOT_LINKS) or url in AUTHORED:
        return None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        if parts.netloc != HOST:
            return None  # another site: external
        return None if parts.path.startswith(BASE_PATH) else "absolute URL outside the base path"
    if parts.scheme:
        return None  # some other scheme (e.g. feed readers' own); not a page of ours
    if url.startswith("/"):
        return None if url.startswith(BASE_PATH) else "root-relative URL outside the base path"
    resolved = urlsplit(urljoin(where, url))
    return None if resolved.path.startswith(BASE_PATH) else "relative URL resolves outside the base path"


def target_file(out: Path, url: str, where: str) -> Path | None:
    """The output file an internal URL points at (None for external URLs)."""
    absolute = urlsplit(urljoin(where, url))
    if absolute.netloc != HOST or not absolute.path.startswith(BASE_PATH):
        return None
    rel = unquote(absolute.path[len(BASE_PATH):])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return out / rel


def html_files(out: Path) -> list[Path]:
    files = sorted(out.rglob("*.html"))
    assert files, "the build wrote no HTML"
    return [f for f in files if "pagefind" not in f.relative_to(out).parts]


def test_every_internal_url_in_html_is_under_the_base_path(out: Path) -> None:
    violations = []
    for file in html_files(out):
        where = page_url(out, file)
        doc = lxml.html.fromstring(file.read_bytes())
        for what, url in urls_in_html(doc):
            why = problem(url, where)
            if not why and file == out / "404.html" and not url.startswith((*NOT_LINKS, "/", "http")):
                why = "relative URL on the 404 page, which is served at any address"
            if why:
                violations.append(f"{file.relative_to(out)}: {what} {url!r}: {why}")
    assert not violations, "\n".join(violations)


def test_every_internal_link_in_html_leads_to_a_file(out: Path) -> None:
    broken = []
    for file in html_files(out):
        where = page_url(out, file)
        doc = lxml.html.fromstring(file.read_bytes())
        for what, url in urls_in_html(doc):
            if url.startswith(NOT_LINKS) or problem(url, where):
                continue  # reported by the test above
            target = target_file(out, url, where)
            if target is not None and not target.is_file():
                broken.append(f"{file.relative_to(out)}: {what} {url!r}: no such file in the output")
    assert not broken, "\n".join(broken)


def test_canonical_and_og_url_are_absolute_under_the_base_url(out: Path) -> None:
    wrong = []
    for file in html_files(out):
        if file.name == "404.html" and file.parent == out:
            continue  # served at any address; its canonical is not a page of the site
        doc = lxml.html.fromstring(file.read_bytes())
        if doc.xpath("//meta[@http-equiv='refresh']"):  # an article's old address: canonical is the article's
            target = doc.xpath("//link[@rel='canonical']/@href")
            if len(target) != 1 or not target[0].startswith("https://example.org/news/"):
                wrong.append(f"{file.relative_to(out)}: redirect canonical {target!r}")
            continue
        expected = page_url(out, file)
        canonical = doc.xpath("//link[@rel='canonical']/@href")
        og_url = doc.xpath("//meta[@property='og:url']/@content")
        for name, found in (("canonical", canonical), ("og:url", og_url)):
            if len(found) != 1:
                wrong.append(f"{file.relative_to(out)}: {len(found)} {name} tags")
            elif found[0] != expected:
                wrong.append(f"{file.relative_to(out)}: {name} is {found[0]!r}, expected {expected!r}")
    assert not wrong, "\n".join(wrong)


def test_feeds_link_under_the_base_url(out: Path) -> None:
    feeds = sorted(out.rglob("feed.xml"))
    assert (out / "feed.xml") in feeds
    violations = []
    for feed in feeds:
        where = page_url(out, feed)
        try:
            tree = lxml.etree.parse(str(feed))
        except lxml.etree.XMLSyntaxError as exc:
            violations.append(f"{feed.relative_to(out)}: not well-formed XML: {exc}")
            continue
        urls: list[tuple[str, str]] = []
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            local = lxml.etree.QName(el).localname
            if local == "link":
                urls.append(("link", (el.get("href") or el.text or "").strip()))
            elif local in ("enclosure", "content", "thumbnail") and el.get("url"):
                urls.append((local, el.get("url", "").strip()))
            elif local == "guid" and el.get("isPermaLink", "true") == "true":
                urls.append(("guid", (el.text or "").strip()))
            elif local == "url" and el.text:  # <image><url>
                urls.append(("image url", el.text.strip()))
            if local in ("description", "encoded", "summary", "content") and el.text and "<" in el.text:
                body = lxml.html.fragment_fromstring(el.text, create_parent="div")
                urls.extend((f"{local} {what}", url) for what, url in urls_in_html(body))
        for what, url in urls:
            if not url.startswith(("http://", "https://", *NOT_LINKS)):
                # feed readers show items away from the site: a relative URL resolves against the
                # feed (or nothing), not against the article it was written for
                violations.append(f"{feed.relative_to(out)}: {what} {url!r}: not an absolute URL")
            elif problem(url, where):
                violations.append(f"{feed.relative_to(out)}: {what} {url!r}: {problem(url, where)}")
    assert not violations, "\n".join(violations)


def test_sitemaps_and_robots_list_only_urls_under_the_base_url(out: Path) -> None:
    sitemaps = sorted(out.glob("*sitemap*.xml"))
    assert {"sitemap.xml", "news-sitemap.xml"} <= {s.name for s in sitemaps}
    wrong = []
    for sitemap in sitemaps:
        locs = [el.text.strip() for el in lxml.etree.parse(str(sitemap)).iter()
                if isinstance(el.tag, str) and lxml.etree.QName(el).localname == "loc" and el.text]
        if sitemap.name == "sitemap.xml":
            assert locs, "sitemap.xml lists no URL"
        wrong += [f"{sitemap.name}: {loc}" for loc in locs if not loc.startswith(BASE)]
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    named = re.findall(r"^Sitemap:\s*(\S+)", robots, flags=re.MULTILINE | re.IGNORECASE)
    assert named, "robots.txt names no sitemap"
    wrong += [f"robots.txt: Sitemap {url}" for url in named if not url.startswith(BASE)]
    assert not wrong, "\n".join(wrong)


def test_latest_news_json_links_under_the_base_path(out: Path) -> None:
    path = out / "latest-news.json"
    if not path.exists():
        pytest.skip("this build has no shared Latest News file (shared_latest_news: false)")
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    assert items
    wrong = [item["url"] for item in items if problem(item["url"], BASE)]
    assert not wrong, wrong


def test_stylesheets_use_no_root_relative_urls(out: Path) -> None:
    """url(/x) in a stylesheet would escape the sub-path; relative url(x) resolves next to the file."""
    wrong = []
    for css in sorted(out.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if problem(url.strip(), page_url(out, css)):
                wrong.append(f"{css.relative_to(out)}: url({url})")
    assert not wrong, "\n".join(wrong)
