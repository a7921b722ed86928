"""files.py: URL -> file inside the output only, MIME types, the injected script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.serve.files import content_type, inject, not_found_page, resolve


@pytest.fixture
def out(tmp_path: Path) -> Path:
    site = tmp_path / "out"
    (site / "politics" / "x").mkdir(parents=True)
    (site / "politics" / "index.html").write_text("<p>section</p>")
    (site / "politics" / "x" / "index.html").write_text("<p>article</p>")
    (site / "index.html").write_text("<p>home</p>")
    (site / "404.html").write_text("<p>not found</p>")
    (site / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    return site


def test_resolve_files_and_index(out: Path) -> None:
    assert resolve(out, "/").path == (out / "index.html").resolve()
    assert resolve(out, "/politics/x/").path == (out / "politics/x/index.html").resolve()
    assert resolve(out, "/politics/x/index.html").status == 200


def test_resolve_redirects_folders_to_the_slash(out: Path) -> None:
    found = resolve(out, "/politics/x")
    assert (found.status, found.location) == (301, "/politics/x/")
    assert resolve(out, "/empty").status == 404
    assert resolve(out, "/nope/").status == 404


def test_resolve_with_a_base_path(out: Path) -> None:
    assert resolve(out, "/news/politics/", "/news/").path == (out / "politics/index.html").resolve()
    assert resolve(out, "/news/politics", "/news/").location == "/news/politics/"
    assert resolve(out, "/politics/", "/news/").status == 404


@pytest.mark.parametrize("url", ["/../secret.txt", "/%2e%2e/secret.txt", "/politics/%2E%2E/%2e%2e/secret.txt",
                                 "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/%2e%2e%5csecret.txt"])
def test_resolve_refuses_traversal(out: Path, url: str) -> None:
    assert resolve(out, url).status == 404


def test_resolve_refuses_symlinks_that_leave_the_output(out: Path) -> None:
    os.symlink(out.parent / "secret.txt", out / "leak.txt")
    os.symlink(out.parent, out / "up")
    os.symlink(out / "politics" / "index.html", out / "inside.html")
    assert resolve(out, "/leak.txt").status == 404
    assert resolve(out, "/up/secret.txt").status == 404
    assert resolve(out, "/inside.html").status == 200  # a link that stays inside is fine


def test_resolve_survives_a_symlink_loop(out: Path) -> None:
    os.symlink(out / "loop", out / "loop")
    assert resolve(out, "/loop").status == 404


def test_not_found_page(out: Path, tmp_path: Path) -> None:
    assert not_found_page(out) == (out / "404.html").resolve()
    assert not_found_page(tmp_path / "missing") is None


@pytest.mark.parametrize(("name", "kind"), [
    ("index.html", "text/html; charset=utf-8"),
    ("site.css", "text/css; charset=utf-8"),
    ("latest.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("latest-news.json", "application/json; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("favicon.svg", "image/svg+xml; charset=utf-8"),
    ("photo.JPG", "image/jpeg"),
    ("chart.png", "image/png"),
    ("font.woff2", "font/woff2"),
    ("favicon.ico", "image/x-icon"),
    ("noext", "application/octet-stream"),
])
def test_content_type(name: str, kind: str) -> None:
    assert content_type(name) == kind


def test_inject_before_the_last_body_end() -> None:
    html = b"<html><body><pre>&lt;/body&gt;</pre><script>'</body>'</script></BODY >\n</html>\n"
    out = inject(html, "abc-1")
    assert out.endswith(b'<script src="/__newsgen/client.js" data-newsgen-build="abc-1"></script>\n</BODY >\n</html>\n')
    assert out.count(b"__newsgen") == 1


def test_inject_without_body_appends() -> None:
    assert inject(b"<p>x</p>", "t-0").endswith(b'data-newsgen-build="t-0"></script>\n')


def test_inject_escapes_the_token() -> None:
    out = inject(b"<body></body>", '"><script>')
    assert out.count(b"<script") == 1
    assert b'data-newsgen-build="&#34;&gt;&lt;script&gt;"' in out


def test_a_missing_page_of_a_language_edition_gets_that_editions_404(tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    (tmp_path / "404.html").write_text("root", "utf-8")
    (tmp_path / "vi" / "404.html").write_text("vi", "utf-8")
    (tmp_path / "politics").mkdir()
    assert not_found_page(tmp_path, "/", "/vi/missing/") == (tmp_path / "vi" / "404.html").resolve()
    assert not_found_page(tmp_path, "/", "/politics/missing/") == (tmp_path / "404.html").resolve()
    assert not_found_page(tmp_path, "/", "/missing") == (tmp_path / "404.html").resolve()
    assert not_found_page(tmp_path, "/", "/../vi/x") == (tmp_path / "404.html").resolve()
    assert not_found_page(tmp_path, "/news/", "/news/vi/missing/") == (tmp_path / "vi" / "404.html").resolve()
