"""newsgen serve in a real browser: edits appear without touching the page, errors show an
overlay (as text), fixing the file removes it, style sheets refresh in place."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ARTICLE = "content/politics/2025/budget.md"
OVERLAY = "#newsgen-error-overlay"


def article(title: str, section: str = "Politics", body: str = "The council voted.\n") -> str:
    # slug fixed, so a new headline keeps the page at the same address
    return (f"---\ntitle: {title}\nslug: budget-passes\nsection: {section}\ndate: 2025-03-19 17:40\n---\n\n"
            f"{body}")


def save(root: Path, rel: str, text: str) -> None:
    """Save as many editors do: write a temporary file, rename it over the real one."""
    path = root / rel
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def site(make_site: Any) -> Path:
    return make_site({ARTICLE: article("Budget passes"),
                      "content/sports/2025/race.md": make_site.article("Boat race", section="Sports")})


def test_edit_then_break_then_fix(page: Any, serve: Callable[..., Any], site: Path) -> None:
    from playwright.sync_api import expect

    with serve(site) as preview:
        page.goto(preview.url + "politics/budget-passes/")
        headline = page.locator("h1")
        expect(headline).to_have_text("Budget passes")
        page.evaluate("window.__sameDocument = true")

        # 1. edit the article: the open page shows the new headline by itself
        save(site, ARTICLE, article("Budget passes after a long night"))
        expect(headline).to_have_text("Budget passes after a long night")

        # 2. break the front matter: an overlay names the file and the line
        save(site, ARTICLE, article("Budget passes after a long night").replace("title: ", "title: [oops ", 1))
        overlay = page.locator(OVERLAY)
        expect(overlay).to_be_visible()
        expect(overlay).to_contain_text(ARTICLE + ":")
        expect(overlay).to_contain_text("invalid YAML")
        expect(overlay).to_contain_text("Showing the last good version.")
        expect(headline).to_have_text("Budget passes after a long night")  # the last good page stays

        # 3. fix it: the overlay goes away by itself and the fix shows
        save(site, ARTICLE, article("Budget passes, fixed"))
        expect(overlay).to_have_count(0)
        expect(headline).to_have_text("Budget passes, fixed")


def test_overlay_shows_markup_as_text(page: Any, serve: Callable[..., Any], site: Path) -> None:
    from playwright.sync_api import expect

    with serve(site) as preview:
        page.goto(preview.url + "politics/budget-passes/")
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        save(site, ARTICLE, article("Budget passes", section="<img src=x onerror=alert(1)><b>bold</b>"))
        overlay = page.locator(OVERLAY)
        expect(overlay).to_contain_text("<img src=x onerror=alert(1)><b>bold</b>")
        assert overlay.locator("img, b").count() == 0
        page.wait_for_timeout(300)
        assert dialogs == []


def test_page_opened_while_broken_shows_the_overlay(page: Any, serve: Callable[..., Any], site: Path) -> None:
    from playwright.sync_api import expect

    with serve(site) as preview:
        save(site, ARTICLE, article("Budget passes", section="Weather"))
        preview_hub = preview.hub
        page.wait_for_timeout(100)
        for _ in range(100):
            if preview_hub.errors:
                break
            page.wait_for_timeout(100)
        page.goto(preview.url + "sports/boat-race/")
        expect(page.locator(OVERLAY)).to_contain_text("Weather")
        page.locator(OVERLAY + " button").click()  # editors can hide it
        expect(page.locator(OVERLAY)).to_have_count(0)


def test_css_change_refreshes_styles_without_reload(page: Any, serve: Callable[..., Any], site: Path) -> None:
    from newsgen.render.environment import theme_dir

    theme_css = (theme_dir() / "static" / "newsgen.css").read_text(encoding="utf-8")
    (site / "static" / "theme").mkdir(parents=True)
    (site / "static" / "theme" / "newsgen.css").write_text(theme_css, encoding="utf-8")
    with serve(site) as preview:
        page.goto(preview.url + "politics/budget-passes/")
        page.evaluate("window.__sameDocument = true")
        save(site, "static/theme/newsgen.css", theme_css + "\nh1 { color: rgb(200, 0, 0) !important }\n")
        page.wait_for_function("getComputedStyle(document.querySelector('h1')).color === 'rgb(200, 0, 0)'")
        assert page.evaluate("window.__sameDocument") is True  # no reload


def test_a_story_moved_by_its_new_headline_is_followed(page: Any, serve: Callable[..., Any], site: Path) -> None:
    """Without `slug:`, a new headline is a new address: the open tab goes there and shows the story
    (it reloaded into "Page not found")."""
    from playwright.sync_api import expect

    save(site, ARTICLE, article("Budget passes").replace("slug: budget-passes\n", ""))
    with serve(site) as preview:
        page.goto(preview.url + "politics/budget-passes/")
        expect(page.locator("h1")).to_have_text("Budget passes")
        save(site, ARTICLE, article("Budget passes at last").replace("slug: budget-passes\n", ""))
        page.wait_for_url("**/politics/budget-passes-at-last/")
        expect(page.locator("h1")).to_have_text("Budget passes at last")


def test_a_site_that_never_built_says_so(page: Any, serve: Callable[..., Any], make_site: Any) -> None:
    """The first build fails: the "No preview yet" page carries the overlay, which does not claim a last
    good version (QA); fixing the file shows the site."""
    from playwright.sync_api import expect

    root = make_site({ARTICLE: article("Budget passes", section="Weather")})
    with serve(root) as preview:
        page.goto(preview.url + "politics/budget-passes/")
        overlay = page.locator(OVERLAY)
        expect(overlay).to_contain_text("Weather")
        expect(overlay).to_contain_text("There is nothing to show until it builds.")
        save(root, ARTICLE, article("Budget passes"))
        expect(page.locator("h1")).to_have_text("Budget passes")


def test_the_latest_news_list_refreshed_in_the_preview_keeps_a_draft_s_badge(page: Any, serve: Callable[..., Any],
                                                                             site: Path) -> None:
    """An article page refreshes its Latest News list from latest-news.json (theme/static/latest.js); in the
    preview the file says which stories are drafts, and the refreshed list shows their badge. The file is
    served with a changed word here, so that the badge seen is the one the script made from it."""
    import json

    from playwright.sync_api import expect

    (site / "content/politics/2025/plan.md").write_text(
        "---\ntitle: Secret plan\nsection: Politics\ndate: 2025-03-20 09:00\ndraft: true\n---\n\nNot yet.\n",
        encoding="utf-8")
    with serve(site) as preview:
        served = json.loads(page.request.get(preview.url + "latest-news.json").body())
        assert [(i["title"], i.get("status")) for i in served["items"]][:2] == [("Secret plan", "draft"),
                                                                               ("Boat race", None)]
        served["items"][0]["badge"] = "Draft (from the shared list)"

        def shared_list(route: Any) -> None:
            route.fulfill(status=200, content_type="application/json", body=json.dumps(served))

        page.route("**/latest-news.json", shared_list)
        page.goto(preview.url + "politics/budget-passes/")
        first = page.locator(".latest .latest-list li").first
        expect(first.locator("span.badge.badge-draft")).to_have_text("Draft (from the shared list)")
        expect(first.locator("a")).to_have_text("Secret plan")
        expect(page.locator(".latest .latest-list li span.badge")).to_have_count(1)
