"""`newsgen import wordpress` on real exports nobody here wrote: the WordPress importer plugin's own test
data (tests/fixtures/import/wordpress-importer/README.md), among them two exports WordPress made of its
Theme Unit Test and accessibility test sites. Each is imported by the installed `newsgen` program (real
clock) into a new site, which then builds and passes `newsgen check`; a malformed file is one line with
its place, and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import" / "wordpress-importer"
CONFIG = """title: Test Gazette
base_url: https://gazette.example.org/
language: en
timezone: UTC
sections:
  - name: News
  - name: Pages
"""
OPTIONS = ["--default-section", "News", "--pages-section", "Pages"]

# export -> (imported, skipped), as the report's last line counts them
IMPORTS = {
    "theme-unit-test-data": (78, 108),  # https://wordpress.org/export/1.2/ namespaces (WordPress.com)
    "a11y-unit-test-data": (63, 91),
    "small-export": (11, 0),
    "valid-wxr-1.0": (6, 0),
    "valid-wxr-1.1": (2, 0),
    "wxr-utf-8-challenges": (1, 0),
    "slashes": (1, 0),
    "crazy-cdata-escaped": (1, 0),
    "post-content-blank-lines": (1, 0),
    "test-serialized-postmeta-with-cdata": (1, 0),
    "wxr-flat-attachment-same-site": (1, 1),
    "blank-lines": (0, 1),  # its one post has no date
}
MALFORMED = {"crazy-cdata": 18, "malformed": 90, "malformed-simple": 14}
_SUMMARY = re.compile(r"newsgen: (\d+) imported, (\d+) skipped, \d+ warnings?$")


def _site(make_site) -> Path:  # type: ignore[no-untyped-def]
    root = make_site()
    (root / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def _utc(value: dt.datetime | str) -> dt.datetime:
    """A front matter date (YAML's datetime, or the text of one it did not type) as naive UTC."""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when


def _imported(make_site, run_script, name: str) -> Path:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    result = run_script(["import", "wordpress", str(FIXTURES / f"{name}.xml"), *OPTIONS], root)
    assert result.exit_code == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    found = _SUMMARY.search(result.stdout.strip().splitlines()[-1])
    assert found is not None, result.stdout
    assert (int(found.group(1)), int(found.group(2))) == IMPORTS[name]
    return root


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_real_export_imports_builds_and_passes_the_check(name: str, make_site, run_script) -> None:  # type: ignore[no-untyped-def]
    root = _imported(make_site, run_script, name)
    built = run_script(["build", "-q"], root)
    assert built.exit_code == 0, built.stderr
    checked = run_script(["check"], root)
    assert checked.exit_code == 0, checked.stderr + checked.stdout
    articles = sorted((root / "content").rglob("*.md"))
    assert len(articles) == IMPORTS[name][0]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # (the site's timezone is UTC; the real clock)
    for md in articles:  # every article imported has its page, but drafts and scheduled stories
        meta = yaml.safe_load(md.read_text(encoding="utf-8").split("---\n", 2)[1])
        section = "news" if meta["section"] == "News" else "pages"
        page = root / "public" / section / meta["slug"] / "index.html"
        assert page.is_file() == (not meta.get("draft") and _utc(meta["date"]) <= now), md


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_export_is_one_line_and_writes_nothing(name: str, make_site, run_script) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    result = run_script(["import", "wordpress", str(FIXTURES / f"{name}.xml"), *OPTIONS], root)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"{FIXTURES / name}.xml:{MALFORMED[name]}: malformed XML: ")
    assert not list((root / "content").rglob("*"))


@pytest.fixture(scope="module")
def theme_unit_test(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WordPress's Theme Unit Test export imported and built once (the tests below only read it)."""
    from tests.conftest import SiteFactory, run_script_in

    root = _imported(lambda: SiteFactory(tmp_path_factory.mktemp("tut"))(), run_script_in, "theme-unit-test-data")
    built = run_script_in(["build", "-q"], root)
    assert built.exit_code == 0, built.stderr
    return root


def _page(root: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((root / "public" / rel / "index.html").read_bytes())


def test_a_child_page_s_old_address_with_two_slashes_redirects_from_its_path(theme_unit_test: Path) -> None:
    """WordPress.com exports a child page's link as https://site//greek/επίπεδο-2/: the alias is its path
    with one slash, where a redirect page is written (an alias the build would refuse is never written)."""
    md = next((theme_unit_test / "content").rglob("epipedo-2/index.md"))
    meta = yaml.safe_load(md.read_text(encoding="utf-8").split("---\n", 2)[1])
    assert meta["aliases"] == ["/greek/επίπεδο-2/", "/?page_id=1811"]
    redirect = _page(theme_unit_test, "greek/επίπεδο-2")
    assert redirect.xpath("//link[@rel='canonical']/@href") == ["https://gazette.example.org/pages/epipedo-2/"]


@pytest.mark.parametrize(("slug", "title"), [
    ("title-with-special-characters", "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"),
    ("markup-title-with-markup", "Markup: Title With Markup"),  # <em>With</em> <b>Mark<sup>up</sup></b>
])
def test_titles_with_markup_and_special_characters_are_shown_as_written(theme_unit_test: Path, slug: str,
                                                                        title: str) -> None:
    page = _page(theme_unit_test, f"news/{slug}")
    assert page.findtext(".//h1").strip() == title
    assert page.findtext(".//title").startswith(f"{title} | ")


def test_every_body_heading_follows_the_headline_without_skipping_a_level(theme_unit_test: Path) -> None:
    """Block and classic posts start at h3 or jump from h2 to h4; imported, each page's headings go
    down one level at a time from the headline (h1)."""
    checked = 0
    for index in sorted((theme_unit_test / "public" / "news").glob("*/index.html")):
        doc = lxml.html.fromstring(index.read_bytes())
        body = doc.xpath("//div[contains(concat(' ', @class, ' '), ' story-body ')]")
        if not body:
            continue
        levels = [int(h.tag[1]) for h in body[0].iter("h1", "h2", "h3", "h4", "h5", "h6")]
        previous = 1
        for level in levels:
            assert 2 <= level <= previous + 1, (index, levels)
            previous = level
        checked += bool(levels)
    assert checked >= 10


def test_a_gallery_block_s_captions_are_figures(theme_unit_test: Path) -> None:
    page = _page(theme_unit_test, "news/block-gallery")
    captions = page.xpath("//div[contains(@class, 'story-body')]//figcaption")
    assert len(captions) >= 10
    assert all(c.getparent().tag == "figure" for c in captions)
    assert "Sunburst over the Clinch River, Southwest Virginia." in [c.text_content().strip() for c in captions]
