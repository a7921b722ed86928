"""urls.py: the URL rules of the contract and the guard against writing outside the output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.config import parse_config
from newsgen.urls import UnsafePath, absolute, href, output_file, safe_join


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("", "index.html"),
        ("politics/", "politics/index.html"),
        ("politics/page/2/", "politics/page/2/index.html"),
        ("politics/x/", "politics/x/index.html"),
        ("feed.xml", "feed.xml"),
        ("404.html", "404.html"),
    ],
)
def test_output_file(url: str, file: str) -> None:
    assert output_file(url) == file


def test_href_and_absolute_at_the_root_and_under_a_sub_path() -> None:
    root = parse_config("base_url: https://news.example.org/\nsections: [A]\n", Path("/s"))
    sub = parse_config("base_url: https://example.org/news/\nsections: [A]\n", Path("/s"))
    assert href(root, "politics/x/") == "/politics/x/"
    assert href(root, "") == "/"
    assert href(sub, "politics/x/") == "/news/politics/x/"
    assert href(sub, "/images/a.jpg") == "/news/images/a.jpg"
    assert href(sub, "https://cdn.example.org/a.jpg") == "https://cdn.example.org/a.jpg"
    assert absolute(root, "feed.xml") == "https://news.example.org/feed.xml"
    assert absolute(sub, "politics/") == "https://example.org/news/politics/"
    assert absolute(sub, "") == "https://example.org/news/"


@pytest.mark.parametrize("rel", ["politics/x/index.html", "a/./b.html", "a/../b.html", "feed.xml", "tags/x/y/z.txt"])
def test_safe_join_inside(tmp_path: Path, rel: str) -> None:
    target = safe_join(tmp_path, rel)
    assert tmp_path.resolve() in target.resolve().parents


@pytest.mark.parametrize(
    "rel",
    [
        "",
        "..",
        "../x",
        "../../etc/passwd",
        "a/../../x",
        "a/b/../../../x",
        "/etc/passwd",
        "//server/share",
        "a\\..\\..\\x",
        "..\\x",
        "a\x00b",
        "./../x",
    ],
)
def test_safe_join_refuses_escapes(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafePath):
        safe_join(tmp_path, rel)


def test_safe_join_refuses_a_symlink_that_leads_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    out.mkdir()
    outside.mkdir()
    os.symlink(outside, out / "link")
    with pytest.raises(UnsafePath):
        safe_join(out, "link/index.html")
    with pytest.raises(UnsafePath):
        safe_join(out, "link/deeper/index.html")


def test_safe_join_accepts_a_symlink_that_stays_inside(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "alias")
    assert safe_join(tmp_path, "alias/index.html") == tmp_path / "alias/index.html"


def test_safe_join_when_the_output_itself_is_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real_out").mkdir()
    os.symlink(tmp_path / "real_out", tmp_path / "out")
    assert safe_join(tmp_path / "out", "a/index.html") == tmp_path / "out/a/index.html"


def test_url_of_undoes_output_file() -> None:
    from newsgen.urls import output_file, url_of

    for url in ("", "vi/", "politics/x/", "tags/x/page/2/", "feed.xml", "politics/atom.xml", "404.html",
                "sitemap-2.xml", "_redirects"):
        assert url_of(output_file(url)) == url
    assert url_of("old/index.html") == "old/"  # (a redirect page with that URL keeps it: PageSpec.given_url)
