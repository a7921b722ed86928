"""Golden files: normalized HTML of each page kind of a small fixed site (tests/fixtures/golden_site/),
compared with tests/golden/expected/. A template change shows here as a reviewable diff.

    pytest tests/golden --update-golden    # rewrite the expected files from the current output

Normalization: HTML parsed like a browser (html5lib), whitespace runs collapsed, whitespace-only text
dropped, re-indented, JSON-LD pretty-printed; XML the same way, with a feed item's HTML content shown
indented in a CDATA section. The clock is frozen at GOLDEN_NOW, so nothing depends
on today; the host timezone is fixed too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
import lxml.html
import pytest
from lxml import etree

# The build's "now": after every article of the golden site, so the footer says 2025 whatever today is.
GOLDEN_NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HERE = Path(__file__).parent
EXPECTED = HERE / "expected"
SITE = HERE.parent / "fixtures" / "golden_site"

PAGES = {
    "home.html": "index.html",
    "article.html": "politics/council-approves-the-river-gate-flood-barrier/index.html",
    "section.html": "politics/index.html",
    "section-archive.html": "politics/page/2/index.html",
    "tag.html": "tags/budget/index.html",
    "author.html": "authors/tran-minh-chau/index.html",
    "404.html": "404.html",
    "feed.xml": "feed.xml",
    "section-feed.xml": "politics/feed.xml",
}

_WS = re.compile(r"\s+")
_HTML5_VOID_END = re.compile(r"</(?:source|track|wbr|embed)>")  # void in HTML5; lxml's serializer predates it


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    text = _WS.sub(" ", text)
    return None if text == " " else text


def normalize_html(data: bytes) -> str:
    # html5lib parses like a browser (e.g. <source> is void); lxml serializes
    doc = html5lib.parse(data, treebuilder="lxml", namespaceHTMLElements=False).getroot()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script" and el.get("type") == "application/ld+json" and el.text:
            el.text = "\n" + json.dumps(json.loads(el.text), indent=2, ensure_ascii=False) + "\n"
            el.tail = _collapse(el.tail)
            continue
        if el.tag in ("pre", "textarea"):
            el.tail = _collapse(el.tail)
            continue
        el.text = _collapse(el.text)
        el.tail = _collapse(el.tail)
    etree.indent(doc, space="  ")
    text = lxml.html.tostring(doc, encoding="unicode")
    return "<!DOCTYPE html>\n" + _HTML5_VOID_END.sub("", text) + "\n"


CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def _pretty_fragment(html: str) -> str:
    """An HTML fragment (a feed item's content), one element per line, for a readable diff."""
    holder = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in holder.iter():
        if isinstance(el.tag, str):
            el.text, el.tail = _collapse(el.text), _collapse(el.tail)
    etree.indent(holder, space="  ")
    text = lxml.html.tostring(holder, encoding="unicode")
    return "\n" + _HTML5_VOID_END.sub("", text) + "\n"


def normalize_xml(data: bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == CONTENT_ENCODED and el.text:
            el.text = etree.CDATA(_pretty_fragment(el.text))  # type: ignore[assignment]
            continue
        el.text = _collapse(el.text)
        el.tail = _collapse(el.tail)
    etree.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"


@pytest.fixture(scope="module")
def golden_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newsgen.build import BuildOptions, build

    root = tmp_path_factory.mktemp("golden") / "site"
    shutil.copytree(SITE, root)
    with pytest.MonkeyPatch.context() as mp:
        import newsgen.build

        mp.setattr(newsgen.build, "tz_now", lambda tz: GOLDEN_NOW.astimezone(tz))
        build(root, BuildOptions(out=root / "public", jobs=1))
    return root / "public"


@pytest.mark.parametrize("name", PAGES)
def test_golden(name: str, golden_output: Path, update_golden: bool) -> None:
    data = (golden_output / PAGES[name]).read_bytes()
    try:
        actual = normalize_xml(data) if name.endswith(".xml") else normalize_html(data)
    except etree.XMLSyntaxError as exc:
        pytest.fail(f"{PAGES[name]} is not well-formed XML, so it has no golden form: {exc}")
    expected_file = EXPECTED / name
    if update_golden:
        EXPECTED.mkdir(exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
        return
    assert expected_file.is_file(), f"no golden file {expected_file}: run pytest tests/golden --update-golden"
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), f"expected/{name}", f"actual/{name}"
            )
        )
        pytest.fail(f"{name} differs from its golden file (review, then --update-golden):\n{diff}")


def test_no_stray_golden_files() -> None:
    assert sorted(p.name for p in EXPECTED.iterdir() if p.name not in PAGES) == []


def test_normalization_is_stable_under_whitespace() -> None:
    a = b"<!DOCTYPE html><html><body><p>One  <b>two</b>\n three</p>\n\n<ul>\n <li>x</li></ul></body></html>"
    b = b"<!DOCTYPE html>\n<html>\n<body>\n<p>One <b>two</b> three</p><ul><li>x</li>\n</ul>\n</body></html>"
    assert normalize_html(a) == normalize_html(b)
