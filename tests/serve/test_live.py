"""Live reload end to end: real files edited the way editors and git do, tabs told over SSE."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import newsgen.serve.session as session_mod
from newsgen.serve.events import QUIET

from .conftest import Running

PAGE = "/politics/budget-passes/"


@pytest.fixture
def site(make_site: Any) -> Path:
    art = make_site.article
    return make_site({
        "content/politics/2025/budget.md": art("Budget passes", body="The council voted.\n"),
        "content/politics/2025/bridge.md": art("Bridge opens", date="2025-03-18 09:00"),
        "content/sports/2025/race.md": art("Boat race", section="Sports"),
        "static/css/site.css": "body { color: black }\n",
    })


@pytest.fixture
def running(serve: Callable[..., Any], site: Path) -> Any:
    with serve(site) as s:
        yield s


def save_atomically(path: Path, text: str) -> None:
    """How many editors save: a temporary file next to it, renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_edit_reloads_the_tab_that_shows_the_article(running: Running, site: Path, make_site: Any) -> None:
    tab = running.tab(PAGE)
    other = running.tab("/sports/boat-race/")
    save_atomically(site / "content/politics/2025/budget.md",
                    make_site.article("Budget passes", body="The council voted again.\n"))
    tab.wait_for("reload")
    assert "The council voted again." in running.get(PAGE).text
    running.wait_idle()
    assert "reload" not in other.drain()


def test_plain_write_and_a_new_headline(running: Running, site: Path, make_site: Any) -> None:
    tab = running.tab(PAGE)
    (site / "content/politics/2025/budget.md").write_text(
        make_site.article("Budget passes", body="Plain write.\n"), encoding="utf-8")
    tab.wait_for("reload")
    assert "Plain write." in running.get(PAGE).text
    running.wait_idle()  # the rest of the site (home included) catches up after the shown page
    home = running.tab("/")
    (site / "content/politics/2025/budget.md").write_text(
        make_site.article("Budget passes", slug="budget-passes", body="x\n",
                          summary="A new standfirst on the home page"), encoding="utf-8")
    home.wait_for("reload")
    assert "A new standfirst on the home page" in running.get("/").text


def test_broken_front_matter_shows_errors_then_clears(running: Running, site: Path, make_site: Any) -> None:
    tab = running.tab(PAGE)
    article = site / "content/politics/2025/budget.md"
    good = article.read_text(encoding="utf-8")
    save_atomically(article, good.replace("title: ", "title: [unclosed ", 1))
    errors = tab.wait_for("errors")["errors"]
    assert any(re.match(r"content/politics/2025/budget\.md:\d+: ", line) for line in errors), errors
    page = running.get(PAGE)  # the last good page is still served
    assert page.status == 200 and "Budget passes" in page.text
    assert running.preview.hub.errors == errors
    late = running.tab("/")  # a tab opened while the site is broken sees the errors at once
    assert late.wait_for("errors")["errors"] == errors
    save_atomically(article, good.replace("The council voted.", "Fixed."))
    tab.wait_for("ok")
    tab.wait_for("reload")
    late.wait_for("ok")
    assert "Fixed." in running.get(PAGE).text


@pytest.mark.parametrize(("name", "text", "where"), [
    ("unknown section", None, "content/politics/2025/budget.md:3:"),
    ("template syntax", "{% if %}\n", "templates/article.html:1"),
])
def test_other_errors(running: Running, site: Path, make_site: Any, name: str, text: str | None,
                      where: str) -> None:
    tab = running.tab(PAGE)
    if text is None:
        save_atomically(site / "content/politics/2025/budget.md",
                        make_site.article("Budget passes", section="Weather"))
        fix: Callable[[], object] = lambda: save_atomically(  # noqa: E731
            site / "content/politics/2025/budget.md", make_site.article("Budget passes"))
    else:
        (site / "templates").mkdir()
        (site / "templates/article.html").write_text(text, encoding="utf-8")
        fix = lambda: shutil.rmtree(site / "templates")  # noqa: E731
    errors = tab.wait_for("errors")["errors"]
    assert any(line.startswith(where) for line in errors), errors
    assert running.get(PAGE).status == 200
    fix()
    tab.wait_for("ok")


def test_error_text_goes_out_as_json_data(running: Running, site: Path, make_site: Any) -> None:
    """An error quoting the editor's text: the stream carries it as JSON, the overlay sets it as
    text (tests/browser checks that nothing of it becomes HTML)."""
    tab = running.tab(PAGE)
    save_atomically(site / "content/politics/2025/budget.md",
                    make_site.article("Budget passes", section="<img src=x onerror=alert(1)>"))
    errors = tab.wait_for("errors")["errors"]
    assert any("<img src=x onerror=alert(1)>" in line for line in errors)


def test_delete_article(running: Running, site: Path) -> None:
    tab = running.tab(PAGE)
    section = running.tab("/politics/")
    (site / "content/politics/2025/budget.md").unlink()
    tab.wait_for("reload")
    section.wait_for("reload")
    assert running.get(PAGE).status == 404
    assert "Budget passes" not in running.get("/politics/").text


def test_rename_article(running: Running, site: Path) -> None:
    tab = running.tab(PAGE)
    folder = site / "content/politics/2025"
    text = (folder / "budget.md").read_text(encoding="utf-8").replace("Budget passes", "Budget fails")
    (folder / "budget.md").write_text(text, encoding="utf-8")
    os.rename(folder / "budget.md", folder / "budget-fails.md")
    tab.wait_for("reload")
    running.wait_idle()
    assert running.get(PAGE).status == 404
    assert "Budget fails" in running.get("/politics/budget-fails/").text


def test_new_section_in_config(running: Running, site: Path, make_site: Any) -> None:
    missing = running.tab("/weather/")
    assert running.get("/weather/").status == 404
    running.after_change(lambda: (site / "content/weather").mkdir())
    config = site / "newsgen.yaml"
    save_atomically(config, config.read_text(encoding="utf-8").replace(
        "  - name: Culture", "  - name: Weather\n  - name: Culture"))
    (site / "content/weather/rain.md").write_text(make_site.article("Rain", section="Weather"), encoding="utf-8")
    missing.wait_for("reload")
    running.wait_idle()
    assert "Rain" in running.get("/weather/").text
    assert 'href="/weather/"' in running.get("/").text


def test_image_dropped_next_to_an_article(running: Running, site: Path, make_site: Any, png: Any) -> None:
    bundle = site / "content/politics/2025/flood"
    bundle.mkdir()
    tab = running.tab("/politics/flood-warning/")
    (bundle / "index.md").write_text(make_site.article("Flood warning", image="photo.png",
                                                       image_caption="The river"), encoding="utf-8")
    errors = tab.wait_for("errors")["errors"]
    assert any("photo.png" in line for line in errors)
    (bundle / "photo.png").write_bytes(png(40, 30))
    tab.wait_for("ok")
    tab.wait_for("reload")
    running.wait_idle()
    page = running.get("/politics/flood-warning/").text
    assert "The river" in page
    assert running.get("/politics/flood-warning/photo.png").headers["content-type"] == "image/png"


def test_css_change_refreshes_styles_without_reload(running: Running, site: Path) -> None:
    tab = running.tab(PAGE)
    (site / "static/css/site.css").write_text("body { color: navy }\n", encoding="utf-8")
    tab.wait_for("styles")
    running.wait_idle()
    assert "reload" not in tab.drain()
    assert b"navy" in running.get("/css/site.css").body


def test_git_checkout_of_500_files_is_one_rebuild(running: Running, site: Path, make_site: Any) -> None:
    texts = {site / f"content/sports/2025/match-{i:03}.md": make_site.article(f"Match {i}", section="Sports")
             for i in range(500)}
    before = running.builds
    written: list[float] = []

    def checkout() -> None:
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
            written.append(time.monotonic())

    running.after_change(checkout, timeout=120)
    # one rebuild per burst: only a pause of the writer itself (a very busy machine) splits it
    pauses = sum(1 for a, b in zip(written, written[1:], strict=False) if b - a >= QUIET)
    assert running.builds == before + 1 + pauses
    assert pauses <= 1
    assert "Match 499" in running.get("/sports/match-499/").text


def test_junk_files_cause_no_rebuild(running: Running, site: Path) -> None:
    before = running.builds
    folder = site / "content/politics/2025"
    for name in (".budget.md.swp", "4913", "budget.md~", "#budget.md#"):
        (folder / name).write_text("junk", encoding="utf-8")
    (site / "public").mkdir()
    (site / "public/index.html").write_text("x", encoding="utf-8")
    time.sleep(0.6)
    assert running.builds == before


def test_tab_that_loaded_before_a_build_still_reloads(running: Running, site: Path, make_site: Any) -> None:
    token = running.token(PAGE)  # the page loads...
    running.after_change(lambda: save_atomically(site / "content/politics/2025/budget.md",
                                                 make_site.article("Budget passes", body="Later.\n")))
    from urllib.parse import quote

    from .conftest import EventStream

    stream = EventStream(f"{running.url}/__newsgen/events?build={quote(token)}&path={quote(PAGE)}")
    running.streams.append(stream)
    stream.wait_for("reload")  # ...and its stream opens only after the build


@pytest.mark.skipif(not session_mod._HAS_ONLY, reason="build() has no BuildOptions.only yet (see serve/session.py)")
def test_template_edit_renders_the_shown_page_first(running: Running, site: Path) -> None:
    tab = running.tab(PAGE)
    (site / "templates").mkdir()
    running.wait_idle()
    (site / "templates/article.html").write_text(
        '{% extends "theme/article.html" %}{% block title %}NEW {{ super() }}{% endblock %}', encoding="utf-8")
    tab.wait_for("reload")
    assert "<title>NEW " in running.get(PAGE).text
    running.wait_idle()
    assert "<title>NEW " in running.get("/sports/boat-race/").text


def test_every_language_edition_is_previewed_and_reloads(serve: Callable[..., Any], make_site: Any) -> None:
    """A site with a Vietnamese edition: `newsgen serve` shows /vi/ pages, and saving the Vietnamese story
    reloads its tab; its English original links to it (hreflang)."""
    art = make_site.article
    root = make_site({
        "content/politics/2025/budget.md": art("Budget passes", body="The council voted.\n"),
        "content/vi/politics/2025/budget.md": art("Ngân sách được thông qua", section="Chính trị",
                                                  slug="ngan-sach", body="Hội đồng đã biểu quyết.\n"),
    }, extra_config="languages:\n  - code: en\n  - code: vi\n    sections:\n      Politics: Chính trị\n"
                    "      Sports: Thể thao\n      Culture: Văn hóa\n")
    with serve(root) as running:
        page = "/vi/chinh-tri/ngan-sach/"
        assert 'lang="vi"' in running.get(page).text
        assert 'hreflang="vi"' in running.get(PAGE).text
        assert "Trang chủ" in running.get("/vi/").text  # the Vietnamese edition's theme words
        tab = running.tab(page)
        save_atomically(root / "content/vi/politics/2025/budget.md",
                        art("Ngân sách được thông qua", section="Chính trị", slug="ngan-sach",
                            body="Hội đồng đã biểu quyết lần nữa.\n"))
        tab.wait_for("reload")
        assert "Hội đồng đã biểu quyết lần nữa." in running.get(page).text


def test_a_new_headline_that_moves_the_story_takes_its_tab_to_the_new_address(running: Running, site: Path,
                                                                               make_site: Any) -> None:
    """A story without `slug:` takes its address from its headline: the tab that shows it follows it to
    the new address (it reloaded into "Page not found"); a tab on another page just reloads as before."""
    tab = running.tab(PAGE)
    running.wait_idle()
    save_atomically(site / "content/politics/2025/budget.md",
                    make_site.article("Budget passes at last", body="The council voted.\n"))
    data = tab.wait_for("reload")
    assert data == {"to": "/politics/budget-passes-at-last/"}, data
    assert "Budget passes at last" in running.get("/politics/budget-passes-at-last/").text
    assert running.get(PAGE).status == 404


def test_a_story_moved_to_another_section_and_folder_takes_its_tab_along(running: Running, site: Path,
                                                                          make_site: Any) -> None:
    """The file moved (another folder, another name) and its section changed in one go (`git mv` and
    an edit, a "save as"): the build sees one story gone and one new; the tab follows it."""
    tab = running.tab(PAGE)
    running.wait_idle()
    (site / "content/culture/2025").mkdir(parents=True)
    save_atomically(site / "content/culture/2025/council-budget.md",
                    make_site.article("Budget passes", section="Culture", body="The council voted.\n"))
    (site / "content/politics/2025/budget.md").unlink()
    data = tab.wait_for("reload")
    assert data == {"to": "/culture/budget-passes/"}, data
    assert "Budget passes" in running.get("/culture/budget-passes/").text
    assert running.get(PAGE).status == 404
