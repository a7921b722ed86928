"""The theme's layout in a real browser, on the demo newsroom (six sections): on a phone the section
navigation is one row that scrolls sideways (the news-site convention; it wrapped to three lines,
~15 % of the screen), and the end of the page's content keeps a gap above the footer (the last
Related card touched it)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import copy_demo

from newsgen.build import BuildOptions, build

ARTICLE = "business/rice-exporters-ride-a-strong-harvest-but-margins-stay-thin/"  # has Related stories
PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MIN_GAP = 24  # px between the last content of the page and the footer

MEASURE = """() => {
  const ul = document.querySelector('.sections-nav ul');
  const items = [...ul.querySelectorAll('li')];
  const link = ul.querySelector('a').getBoundingClientRect();
  const related = document.querySelector('.related .card-grid');
  const footer = document.querySelector('.site-footer').getBoundingClientRect();
  const main = document.querySelector('main');
  const lastChild = el => { let c = el; while (c.lastElementChild) c = c.lastElementChild; return c; };
  const contentBottom = Math.max(...[...main.querySelectorAll('*')].filter(e => e.getClientRects().length)
    .map(e => e.getBoundingClientRect().bottom));
  return {
    navHeight: ul.getBoundingClientRect().height, linkHeight: link.height,
    rowTops: [...new Set(items.map(li => Math.round(li.getBoundingClientRect().top)))],
    navScrollWidth: ul.scrollWidth, navClientWidth: ul.clientWidth, navOverflowX: getComputedStyle(ul).overflowX,
    pageWidth: document.documentElement.scrollWidth, viewportWidth: innerWidth,
    relatedCards: related ? related.children.length : 0,
    relatedBottom: related ? lastChild(related).getBoundingClientRect().bottom : null,
    contentBottom, footerTop: footer.top,
  };
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo newsroom built and served over http (root-relative links need a real server)."""
    site = copy_demo(tmp_path_factory.mktemp("layout"))
    out = site / "public"
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    build(site, BuildOptions(out=out, base_url=base + "/", jobs=1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def measure(browser: Any, url: str, device: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
    context = browser.new_context(**device)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(url, wait_until="load")
    return tab.evaluate(MEASURE), tab, context


@pytest.mark.parametrize("path", ["", ARTICLE])
def test_on_a_phone_the_sections_are_one_row_that_scrolls(browser: Any, demo: str, path: str) -> None:
    found, tab, context = measure(browser, f"{demo}/{path}", PHONE)
    try:
        assert len(found["rowTops"]) == 1, f"the navigation wraps to {len(found['rowTops'])} lines"
        assert found["navHeight"] < 1.8 * found["linkHeight"], found
        assert found["navOverflowX"] == "auto"
        assert found["navScrollWidth"] > found["navClientWidth"], "the demo's seven links should overflow 375 px"
        assert found["pageWidth"] <= found["viewportWidth"], "the page itself must not scroll sideways"
        # it really scrolls: the last link comes into view, the page stays where it is
        scrolled = tab.evaluate("""() => {
          const ul = document.querySelector('.sections-nav ul');
          ul.scrollLeft = ul.scrollWidth;
          const last = ul.querySelector('li:last-child a').getBoundingClientRect();
          return {left: ul.scrollLeft, lastRight: last.right, pageX: scrollX};
        }""")
        assert scrolled["left"] > 0 and scrolled["pageX"] == 0
        assert scrolled["lastRight"] <= found["viewportWidth"] + 1
        # every link can be reached with the keyboard: focusing one scrolls it into view
        tab.evaluate("document.querySelector('.sections-nav ul').scrollLeft = 0")
        tab.focus(".sections-nav li:last-child a")
        box = tab.evaluate("document.querySelector('.sections-nav li:last-child a').getBoundingClientRect().right")
        assert box <= found["viewportWidth"] + 1
    finally:
        context.close()


def test_on_a_wide_screen_the_sections_fit_centred(browser: Any, demo: str) -> None:
    found, _, context = measure(browser, f"{demo}/", DESKTOP)
    try:
        assert len(found["rowTops"]) == 1
        assert found["navScrollWidth"] <= found["navClientWidth"], "nothing hidden on a wide screen"
        centred = context.pages[0].evaluate("""() => {
          const ul = document.querySelector('.sections-nav ul').getBoundingClientRect();
          const first = document.querySelector('.sections-nav li:first-child').getBoundingClientRect();
          const last = document.querySelector('.sections-nav li:last-child').getBoundingClientRect();
          return [first.left - ul.left, ul.right - last.right];
        }""")
        assert abs(centred[0] - centred[1]) < 4, centred
    finally:
        context.close()


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_page_ends_with_a_gap_above_the_footer(browser: Any, demo: str, device: dict[str, Any]) -> None:
    found, _, context = measure(browser, f"{demo}/{ARTICLE}", device)
    try:
        assert found["relatedCards"] >= 1, "the article should show Related stories"
        assert found["footerTop"] - found["contentBottom"] >= MIN_GAP, found
        assert found["footerTop"] - found["relatedBottom"] >= MIN_GAP, found
    finally:
        context.close()
