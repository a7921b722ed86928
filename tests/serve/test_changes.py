"""changes.py: which changed paths matter, the rebuild they call for, and what each tab does."""

from __future__ import annotations

import pytest

from newsgen.serve.changes import Rebuild, classify, output_for_url, rebuild_for, tab_action


@pytest.mark.parametrize(("rel", "kind"), [
    ("content/politics/2026/a.md", "content"),
    ("content/business/2026/bundle/photo.jpg", "content"),  # an image dropped next to an article
    ("content/politics", "content"),  # a folder deleted or moved
    ("content", "content"),
    ("templates/article.html", "template"),
    ("templates/partials/_card.html", "template"),
    ("static/css/site.css", "static"),
    ("static/images/logo.png", "static"),
    ("newsgen.yaml", "config"),
])
def test_classify_relevant(rel: str, kind: str) -> None:
    assert classify(rel) == kind


@pytest.mark.parametrize("rel", [
    "content/politics/.a.md.swp",  # vim swap
    "content/politics/a.md~",  # backup
    "content/politics/4913",  # vim's write test
    "content/politics/#a.md#",  # emacs autosave
    "content/politics/.#a.md",  # emacs lock
    "content/politics/.a.md.tmp",  # atomic-save temporary
    "content/.git/HEAD",
    "templates/.DS_Store",
    "static/Thumbs.db",
    "public/index.html",  # the user's own build output
    ".newsgen-cache/build-1.pickle",
    "README.md",
    "newsgen.yaml.swp",
    ".newsgen.yaml.swp",
    "",
    "content/../newsgen.yaml",
])
def test_classify_ignored(rel: str) -> None:
    assert classify(rel) is None


def test_rebuild_for_drops_junk_and_keeps_kinds() -> None:
    change = rebuild_for(["content/a/.x.md.swp", "content/a/x.md", "static/site.css", "public/x.html"])
    assert change == Rebuild(("content/a/x.md", "static/site.css"), frozenset({"content", "static"}))
    assert change.pages_may_change
    assert not change.styles_only


def test_rebuild_for_only_junk_is_none() -> None:
    assert rebuild_for(["content/a/.x.md.swp", "content/a/4913", "public/index.html"]) is None
    assert rebuild_for([]) is None


def test_styles_only() -> None:
    change = rebuild_for(["static/css/site.css", "static/css/print.css"])
    assert change is not None and change.styles_only and not change.pages_may_change
    images = rebuild_for(["static/images/a.png"])
    assert images is not None and not images.styles_only and not images.pages_may_change


@pytest.mark.parametrize("paths", [["templates/base.html"], ["newsgen.yaml"], ["content/x/a.md"]])
def test_pages_may_change(paths: list[str]) -> None:
    change = rebuild_for(paths)
    assert change is not None and change.pages_may_change


def test_describe_names_the_file_not_the_editor_temporary() -> None:
    # sed -i and some editors write "sedXYZ12" and rename it over the file
    change = rebuild_for(["content/a/sedXYZ12", "content/a/x.md"])
    assert change is not None
    assert change.describe() == "content/a/x.md changed"
    many = rebuild_for([f"content/a/{i}.md" for i in range(500)])
    assert many is not None and many.describe() == "500 files changed (content)"


def test_describe_names_a_renamed_folder_and_a_few_files() -> None:
    renamed = rebuild_for(["content/politics/old-story", "content/politics/new-story"])
    assert renamed is not None and renamed.describe() == "content/politics/new-story and content/politics/old-story changed"
    few = rebuild_for(["content/a/x.md", "static/s.css", "templates/base.html"])
    assert few is not None and few.describe() == "content/a/x.md, static/s.css and templates/base.html changed"
    four = rebuild_for(["content/a/w.md", "content/a/x.md", "content/a/y.md", "content/a/z.md"])
    assert four is not None and four.describe() == "4 files changed (content)"


@pytest.mark.parametrize(("url", "base", "rel"), [
    ("/", "/", "index.html"),
    ("/politics/", "/", "politics/index.html"),
    ("/politics/x/", "/", "politics/x/index.html"),
    ("/politics/x/?utm=1#top", "/", "politics/x/index.html"),
    ("/feed.xml", "/", "feed.xml"),
    ("/theme/newsgen.css", "/", "theme/newsgen.css"),
    ("/politics", "/", "politics"),
    ("/t%C3%AAn/", "/", "tên/index.html"),
    ("//politics//x/", "/", "politics/x/index.html"),
    ("/news/politics/", "/news/", "politics/index.html"),
    ("/news/", "/news/", "index.html"),
    ("/news", "/news/", "index.html"),
])
def test_output_for_url(url: str, base: str, rel: str) -> None:
    assert output_for_url(url, base) == rel


@pytest.mark.parametrize("url", [
    "/../newsgen.yaml",
    "/%2e%2e/newsgen.yaml",
    "/%2E%2E/%2e%2e/etc/passwd",
    "/politics/%2e%2e/%2e%2e/newsgen.yaml",
    "/..%2fnewsgen.yaml",
    "/%2e%2e%2fnewsgen.yaml",
    "/a/./b",
    "/x%00.html",
    "/x%5c..%5cnewsgen.yaml",  # backslashes
    "/%ff%fe/",  # not UTF-8
])
def test_output_for_url_refuses_escapes(url: str) -> None:
    assert output_for_url(url, "/") is None


def test_output_for_url_outside_base_path() -> None:
    assert output_for_url("/politics/", "/news/") is None


def test_tab_action_reloads_the_page_it_shows() -> None:
    page = "politics/x/index.html"
    assert tab_action(page, ["politics/x/index.html", "index.html"], []) == "reload"
    assert tab_action(page, [], ["politics/x/index.html"]) == "reload"  # deleted: shows the 404
    assert tab_action("politics/y/index.html", ["politics/x/index.html", "feed.xml"], []) is None
    assert tab_action(None, ["politics/x/index.html"], []) is None


def test_tab_action_styles_and_assets() -> None:
    page = "politics/x/index.html"
    assert tab_action(page, ["theme/newsgen.css"], []) == "styles"
    assert tab_action(page, ["css/site.css", "politics/y/index.html"], []) == "styles"
    assert tab_action(page, ["css/site.css", "politics/x/index.html"], []) == "reload"
    assert tab_action(page, ["images/photo-01.jpg"], []) == "reload"  # pages may show it
    assert tab_action(page, ["theme/latest.js"], []) == "reload"
    assert tab_action(page, ["latest-news.json", "sitemap.xml"], []) is None
    assert tab_action(page, [], []) is None
