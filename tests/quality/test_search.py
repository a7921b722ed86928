"""Search (issue 4, point 6): with `search: true`, the build indexes the site with Pagefind and the
theme's search page finds articles in a real browser, from files served by the site alone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.build import BuildOptions, build

from ._tools import CHROME_FLAGS, CHROMIUM, require_tools, serve_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    pytest.importorskip("pagefind", reason="pip install 'newsgen[search]'")
    site = tmp_path_factory.mktemp("search")
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    (site / "newsgen.yaml").write_text((REPO / "newsgen.yaml").read_text(encoding="utf-8") + "\nsearch: true\n",
                                       encoding="utf-8")
    out = site / "public"
    out.mkdir()
    with serve_dir(out) as base:
        build(site, BuildOptions(out=out, base_url=base + "/"))
        yield out, base


def test_index_is_written_and_kept_by_incremental_builds(searchable: tuple[Path, str]) -> None:
    out, base = searchable
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en", "vi"]  # in order (Pagefind's changes from run to run)
    assert (out / "search" / "index.html").is_file()
    result = build(out.parent, BuildOptions(out=out, base_url=base + "/"))
    assert result.written == 0 and result.removed == []
    assert (out / "pagefind" / "pagefind-entry.json").is_file()


def test_search_page_finds_an_article_offline(searchable: tuple[Path, str]) -> None:
    require_tools()
    from playwright.sync_api import sync_playwright

    _, base = searchable
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROME_FLAGS))
        try:
            page = browser.new_page()
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            page.goto(f"{base}/search/")
            page.fill("input.pagefind-ui__search-input", "lantern")
            first = page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
            assert first is not None
            titles = [a.inner_text() for a in page.query_selector_all(".pagefind-ui__result-link")]
            assert any("lantern" in t.lower() for t in titles), titles
            assert outside == []  # nothing fetched from anywhere but the site
        finally:
            browser.close()


def test_the_entry_file_lists_the_languages_in_order(tmp_path: Path) -> None:
    from newsgen import search

    entry = tmp_path / "pagefind-entry.json"
    entry.write_text('{"version":"1.5.2","languages":{"vi":{"hash":"vi_1","wasm":null,"page_count":9},'
                     '"en":{"hash":"en_2","wasm":"en","page_count":30}},"include_characters":["_","‿"]}',
                     encoding="utf-8")
    search._languages_in_order(entry)
    assert entry.read_text(encoding="utf-8") == (
        '{"version":"1.5.2","languages":{"en":{"hash":"en_2","wasm":"en","page_count":30},'
        '"vi":{"hash":"vi_1","wasm":null,"page_count":9}},"include_characters":["_","‿"]}')
    entry.write_text("not json", encoding="utf-8")
    search._languages_in_order(entry)  # left as it is
    assert entry.read_text(encoding="utf-8") == "not json"
