"""The preview over HTTP: what is served, with which headers, and what is refused."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import Running


@pytest.fixture
def site(make_site: Any) -> Path:
    art = make_site.article
    return make_site({
        "content/politics/2025/budget.md": art("Budget passes", body="The council voted.\n"),
        "content/sports/2025/race.md": art("Boat race", section="Sports"),
        "content/politics/2025/plan.md": art("Secret plan", draft=True),
        "static/css/site.css": "body { color: black }\n",
        "static/images/logo.png": b"\x89PNG\r\n\x1a\nnot really",
    })


@pytest.fixture
def running(serve: Callable[..., Any], site: Path) -> Any:
    with serve(site) as s:
        yield s


def test_html_gets_the_reload_script_other_files_do_not(running: Running, site: Path) -> None:
    page = running.get("/politics/budget-passes/")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Budget passes" in page.text
    assert page.text.count('<script src="/__newsgen/client.js"') == 1
    assert page.text.index("/__newsgen/client.js") < page.text.rindex("</body>")
    assert int(page.headers["content-length"]) == len(page.body)
    assert page.headers["cache-control"] == "no-store"
    on_disk = (running.out / "politics/budget-passes/index.html").read_bytes()
    assert b"__newsgen" not in on_disk  # the built file itself is untouched
    css = running.get("/css/site.css")
    assert css.body == (site / "static/css/site.css").read_bytes()
    assert css.headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(("path", "kind"), [
    ("/feed.xml", "xml; charset=utf-8"),
    ("/sitemap.xml", "xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/theme/newsgen.css", "text/css; charset=utf-8"),
    ("/images/logo.png", "image/png"),
    ("/__newsgen/client.js", "text/javascript; charset=utf-8"),
])
def test_mime_types(running: Running, path: str, kind: str) -> None:
    resp = running.get(path)
    assert resp.status == 200, path
    assert resp.headers["content-type"].endswith(kind)
    assert resp.headers["x-content-type-options"] == "nosniff"


def test_head_has_the_headers_and_no_body(running: Running) -> None:
    get = running.get("/politics/budget-passes/")
    head = running.get("/politics/budget-passes/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-type"] == get.headers["content-type"]
    missing = running.get("/nope/", method="HEAD")
    assert missing.status == 404 and missing.body == b""


def test_not_found_uses_404_html(running: Running) -> None:
    resp = running.get("/no/such/page/")
    assert resp.status == 404
    assert resp.body.startswith(b"<!DOCTYPE html>")
    assert "Page not found" in resp.text
    assert "/__newsgen/client.js" in resp.text  # a 404 tab reloads when the page appears


def test_folder_without_slash_redirects(running: Running) -> None:
    resp = running.get("/politics/budget-passes?x=1")
    assert resp.status == 301
    assert resp.headers["location"] == "/politics/budget-passes/?x=1"


def test_other_methods_are_refused(running: Running) -> None:
    assert running.get("/", method="POST").status in (405, 501)
    assert running.get("/", method="DELETE").status in (405, 501)


@pytest.mark.parametrize("path", [
    "/../newsgen.yaml",
    "/%2e%2e/newsgen.yaml",
    "/%2E%2E/%2e%2e/%2e%2e/etc/passwd",
    "/politics/..%2f..%2f..%2fnewsgen.yaml",
    "/%2e%2e%2f%2e%2e%2fnewsgen.yaml",
    "/..\\newsgen.yaml",
    "/%00/index.html",
    "//etc/passwd",
])
def test_traversal_is_refused(running: Running, path: str) -> None:
    resp = running.get(path)
    assert resp.status == 404
    assert b"title: Test Gazette" not in resp.body and b"root:" not in resp.body


def test_symlinks_out_of_the_output_are_refused(running: Running, site: Path) -> None:
    os.symlink(site / "newsgen.yaml", running.out / "config.txt")
    os.symlink(site, running.out / "siteroot")
    assert running.get("/config.txt").status == 404
    assert running.get("/siteroot/newsgen.yaml").status == 404


def test_only_localhost_names(running: Running) -> None:
    assert running.get("/", headers={"Host": "evil.example:80"}).status == 403
    assert running.get("/", headers={"Host": f"localhost:{running.preview.server.port}"}).status == 200
    assert running.get("/", headers={"Host": "127.0.0.1"}).status == 200


def test_drafts_shown_with_a_badge(running: Running) -> None:
    page = running.get("/politics/secret-plan/")
    assert page.status == 200
    assert "Draft" in page.text


def test_no_drafts(serve: Callable[..., Any], site: Path) -> None:
    with serve(site, drafts=False) as s:
        assert s.get("/politics/secret-plan/").status == 404
        assert "Draft" not in s.get("/politics/budget-passes/").text


def test_build_output_is_a_temporary_folder(running: Running, site: Path) -> None:
    assert not (site / "public").exists()
    assert site not in running.out.parents


def test_closing_removes_the_output_and_the_cache(serve: Callable[..., Any], site: Path) -> None:
    from newsgen.incremental import cache as state

    with serve(site) as s:
        out = s.out
        assert out.is_dir()
    assert not out.exists()
    assert not state.cache_file(site, out).exists()


def test_subpath_site_is_served_under_its_path(serve: Callable[..., Any], make_site: Any) -> None:
    root = make_site({"content/politics/a.md": make_site.article("Under a path")},
                     config=make_site.default_config.replace("https://gazette.example.org/",
                                                             "https://example.org/news/"))
    with serve(root) as s:
        assert s.get("/").status == 301 and s.get("/").headers["location"] == "/news/"
        assert "Under a path" in s.get("/news/politics/under-a-path/").text
        assert s.get("/politics/under-a-path/").status == 404
        assert s.preview.url.endswith("/news/")


def test_concurrent_requests_during_rebuilds_see_whole_pages(running: Running, site: Path,
                                                             make_site: Any) -> None:
    """Many requests while the article is rewritten again and again: every response is one
    complete page of one version, with the right length."""
    article = site / "content/politics/2025/budget.md"
    long_body = "".join(f"Paragraph {i} of the long report on the budget.\n\n" for i in range(3000))
    versions = [f"Budget version {v}" for v in range(6)]
    problems: list[str] = []
    counts = [0]
    stop = threading.Event()

    def fetch() -> None:
        while not stop.is_set():
            try:
                resp = running.get("/politics/budget-passes/")
            except OSError as exc:
                problems.append(f"request failed: {exc}")
                continue
            counts[0] += 1
            text = resp.text
            if resp.status != 200 or int(resp.headers["content-length"]) != len(resp.body):
                problems.append(f"status {resp.status}, length {resp.headers.get('content-length')}")
            elif not text.rstrip().endswith("</html>") or sum(v in text for v in versions) > 1:
                problems.append(f"a partial or mixed page: {[text[max(0, text.find(v) - 150):text.find(v) + 20] for v in versions if v in text]}")

    def write(v: int) -> None:
        tmp = article.with_name(".budget.md.tmp")  # an editor's atomic save
        tmp.write_text(make_site.article("Budget passes", body=f"{versions[v]}\n\n{long_body}"))
        os.replace(tmp, article)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        for v in range(len(versions)):
            running.after_change(lambda v=v: write(v))  # type: ignore[misc]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert problems == []
    assert counts[0] > 20
    assert versions[-1] in running.get("/politics/budget-passes/").text


def test_assets_revalidate_with_etag_pages_are_never_cached(running: Running, site: Path) -> None:
    css = running.get("/css/site.css")
    assert css.headers["cache-control"] == "no-cache"
    again = running.get("/css/site.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status == 304 and again.body == b""
    (site / "static/css/site.css").write_text("body { color: red }\n", encoding="utf-8")
    running.wait_until(lambda: b"red" in running.get("/css/site.css").body, what="the new css")
    changed = running.get("/css/site.css", headers={"If-None-Match": css.headers["etag"]})
    assert changed.status == 200 and b"red" in changed.body
    page = running.get("/politics/budget-passes/")
    assert page.headers["cache-control"] == "no-store" and "etag" not in page.headers


def test_closed_tabs_are_forgotten_quickly(running: Running) -> None:
    tab = running.tab("/politics/budget-passes/")
    running.wait_until(lambda: running.preview.hub.count() == 1, what="the tab")
    tab.close()
    running.wait_until(lambda: running.preview.hub.count() == 0, timeout=5, what="the tab to go")


@pytest.mark.parametrize("path", [
    "/" + "a" * 300,  # one component longer than NAME_MAX (255): ENAMETOOLONG
    "/" + "a" * 300 + "/",
    "/politics/" + "b" * 300 + "/index.html",
    "/" + "/".join(["component"] * 500),  # the whole path longer than PATH_MAX (4096)
    "/" + "%C3%A9" * 200,  # 400 bytes once decoded
    "/politics/budget-passes/index.html/more",  # a file used as a folder: ENOTDIR
])
def test_odd_paths_are_a_clean_404(running: Running, path: str, caplog: pytest.LogCaptureFixture) -> None:
    """Paths the file system cannot even look up are not found: no traceback, a real response."""
    with caplog.at_level("DEBUG", logger="newsgen.serve"):
        resp = running.get(path)
        assert resp.status == 404
        assert "Page not found" in resp.text
        assert running.get("/politics/budget-passes/").status == 200  # still serving
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


def test_many_concurrent_requests_are_answered_quickly(running: Running) -> None:
    """200 requests at once (each on its own connection): none waits on a full listen backlog
    (socketserver's default of 5 made clients retry after 1, 3, 7 s...). Bound generous: slow CI."""
    import http.client
    import time

    port = running.preview.server.port
    n = 200
    start = threading.Barrier(n)
    times: list[float] = []
    problems: list[str] = []

    def one() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            start.wait()
            began = time.perf_counter()
            conn.request("GET", "/politics/budget-passes/")
            resp = conn.getresponse()
            body = resp.read()
            times.append(time.perf_counter() - began)
            if resp.status != 200 or b"Budget passes" not in body:
                problems.append(f"status {resp.status}")
        except OSError as exc:
            problems.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert problems == []
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    assert len(times) == n
    assert p95 < 0.9, f"p95 {p95:.2f} s, max {times[-1]:.2f} s"  # a dropped SYN alone costs 1 s


def test_a_request_for_an_address_urllib_cannot_read_is_a_400(running: Running,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """`GET http://[/`: a ValueError from urlsplit, a traceback on the console and no answer."""
    import socket

    with socket.create_connection(("127.0.0.1", running.preview.server.port), timeout=10) as sock:
        sock.sendall(b"GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_large_file_is_sent_in_parts_and_one_range_of_it_when_asked(serve: Callable[..., Any], make_site: Any) -> None:
    """A 300 MB video was read whole into memory for each request, and `Range` was ignored (Safari plays
    a video only from 206 answers)."""
    body = bytes(range(256)) * 8192  # 2 MB
    root = make_site({"content/politics/2025/a.md": make_site.article("A"), "static/video/clip.mp4": body})
    with serve(root) as running:
        whole = running.get("/video/clip.mp4")
        assert whole.status == 200 and whole.body == body and whole.headers["accept-ranges"] == "bytes"
        first = running.get("/video/clip.mp4", headers={"Range": "bytes=0-9"})
        assert first.status == 206 and first.body == body[:10]
        assert first.headers["content-range"] == f"bytes 0-9/{len(body)}"
        last = running.get("/video/clip.mp4", headers={"Range": "bytes=-5"})
        assert last.status == 206 and last.body == body[-5:]
        rest = running.get("/video/clip.mp4", headers={"Range": f"bytes={len(body) - 3}-"})
        assert rest.status == 206 and rest.body == body[-3:]
        assert running.get("/video/clip.mp4", headers={"Range": f"bytes={len(body)}-"}).status == 416
        assert running.get("/video/clip.mp4", headers={"If-None-Match": whole.headers["etag"]}).status == 304


def test_a_get_with_a_body_does_not_become_the_next_request(running: Running) -> None:
    """The body of a GET on a keep-alive connection was parsed as the next request ("501 helloGET")."""
    import socket

    with socket.create_connection(("127.0.0.1", running.preview.server.port), timeout=10) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"
                     b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert [line for line in answer.decode("latin-1").splitlines() if line.startswith("HTTP/")] == [
        "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]
