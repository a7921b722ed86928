"""Issue 17, done means: a realistic WordPress export imported into a fresh site builds, passes the Nu
Html Checker and a link check, and a real browser that opens old permalinks lands on the new pages.
Skipped locally without the tools; failing in CI (`CI` set) without them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import yaml

from newsgen.build import BuildOptions, build

from ._tools import require_tools, serve_dir, vnu_errors

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CONFIG = """title: Imported Gazette
base_url: https://gazette.example.org/
language: vi
timezone: Asia/Ho_Chi_Minh
sections:
  - name: Politics
  - name: Sports
  - name: Culture
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """The fixture export imported (with its uploads) into a new site, built for the address it is
    served at."""
    from click.testing import CliRunner

    from newsgen.cli import main

    require_tools()
    root = tmp_path_factory.mktemp("imported")
    (root / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "content").mkdir()
    result = CliRunner().invoke(main, [
        "import", "wordpress", str(FIXTURES / "wordpress.xml"), "--site", str(root), "--uploads",
        str(FIXTURES / "uploads"), "--section-map", "Chính trị=Politics", "--section-map", "van-hoa=Culture",
        "--default-section", "Politics", "--pages-section", "Culture"])
    assert result.exit_code == 0, result.output
    out = root / "public"
    out.mkdir()
    with serve_dir(out) as base:
        build(root, BuildOptions(out=out, base_url=base + "/", jobs=1))
        yield root, out, base
    shutil.rmtree(root, ignore_errors=True)


def test_the_imported_site_passes_the_nu_html_checker(imported: tuple[Path, Path, str]) -> None:
    _, out, _ = imported
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    assert vnu_errors(pages) == []


def test_every_link_of_the_imported_site_leads_to_a_file(imported: tuple[Path, Path, str]) -> None:
    _, out, base = imported
    broken = []
    for page in sorted(out.rglob("*.html")):
        where = base + "/" + page.relative_to(out).as_posix()
        doc = lxml.html.fromstring(page.read_bytes())
        for attr in ("href", "src"):
            for url in doc.xpath(f"//*[@{attr}]/@{attr}"):
                full = urljoin(where, url)
                if not full.startswith(base) or url.startswith(("mailto:", "tel:", "#")):
                    continue
                path = urlsplit(full).path.lstrip("/")
                target = out / path
                if target.is_dir() or path == "" or path.endswith("/"):
                    target = target / "index.html"
                if not target.is_file():
                    broken.append(f"{page.relative_to(out)}: {url}")
    assert broken == []


def _aliases(root: Path) -> list[tuple[str, str]]:
    """(old path, new URL) of every imported article, from its front matter."""
    found = []
    for index in sorted((root / "content").rglob("index.md")):
        fm = yaml.safe_load(index.read_text(encoding="utf-8").split("---\n", 2)[1])
        if fm.get("draft") or not fm.get("aliases"):
            continue
        rel = index.parent.relative_to(root / "content")
        section, slug = rel.parts[0], rel.parts[-1]
        found.extend((alias, f"/{section}/{slug}/") for alias in fm["aliases"])
    return found


def test_a_browser_opening_old_permalinks_lands_on_the_new_pages(imported: tuple[Path, Path, str]) -> None:
    from playwright.sync_api import sync_playwright

    root, out, base = imported
    pairs = _aliases(root)
    assert any("?p=" in old for old, _ in pairs) and any(re.match(r"/\d{4}/\d\d/", old) for old, _ in pairs)
    chosen = [p for p in pairs if "?p=" in p[0]][:2] + [p for p in pairs if "?p=" not in p[0]][:3]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            tab = browser.new_page()
            for old, new in chosen:
                if not (out / new.lstrip("/") / "index.html").is_file():
                    continue  # (a scheduled post: not published yet)
                tab.goto(base + old)
                tab.wait_for_url(base + new, timeout=10_000)
                assert urlsplit(tab.url).path == new, (old, tab.url)
                assert tab.locator("h1").count() == 1
        finally:
            browser.close()


REAL_EXPORTS = FIXTURES / "wordpress-importer"


@pytest.fixture(scope="module", params=["theme-unit-test-data", "a11y-unit-test-data"])
def real_export(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """A real WordPress export (WordPress's own Theme Unit Test and accessibility test sites: every block,
    gallery, heading, table, video and title it tests themes with) imported into a new site and built
    for the address it is served at."""
    from click.testing import CliRunner

    from newsgen.cli import main

    require_tools()
    root = tmp_path_factory.mktemp(request.param)
    (root / "newsgen.yaml").write_text(CONFIG.replace("language: vi", "language: en"), encoding="utf-8")
    (root / "content").mkdir()
    result = CliRunner().invoke(main, ["import", "wordpress", str(REAL_EXPORTS / f"{request.param}.xml"), "--site",
                                       str(root), "--default-section", "Politics", "--pages-section", "Culture"])
    assert result.exit_code == 0, result.output
    out = root / "public"
    out.mkdir()
    with serve_dir(out) as base:
        build(root, BuildOptions(out=out, base_url=base + "/", jobs=1))
        yield request.param, out, base
    shutil.rmtree(root, ignore_errors=True)


def test_a_real_export_imported_passes_the_nu_html_checker_and_axe(real_export: tuple[str, Path, str]) -> None:
    """Every page of the built site through the Nu Html Checker, every article's page of the accessibility
    test site through axe-core in Chromium: 0 errors, 0 violations (before: figcaptions outside figures, headings that skip
    levels, empty links for videos, empty table headers)."""
    from ._tools import axe_violations

    name, out, base = real_export
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 150
    assert vnu_errors(pages) == []
    if name != "a11y-unit-test-data":
        return  # (axe on the accessibility test site's articles only: the Theme Unit Test's are nearly the same)
    articles = sorted(p.parent for section in ("politics", "culture") for p in (out / section).glob("*/index.html"))
    assert len(articles) > 60
    found = axe_violations([f"{base}/{a.relative_to(out).as_posix()}/" for a in articles])
    assert {url: v for url, v in found.items() if v} == {}
