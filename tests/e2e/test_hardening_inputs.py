"""Issue 19, item 1: nothing from outside the site is ever read or published through a symlink, and an
SVG that can run code is never published from content/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SECRET = "GITHUB_TOKEN=ghp_secret_value_never_published"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "environ"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def _published(out: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in out.rglob("*") if p.is_file())


def _assert_refused(result, out: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.stderr
    assert not result.traceback, result.exception
    lines = [line for line in result.stderr.splitlines() if where in line]
    assert lines, result.stderr
    assert "outside" in lines[0]
    if out.exists():
        assert SECRET not in _published(out)


def test_a_linked_file_next_to_an_article_is_refused(make_site, run_cli, secret) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/2026/a.md": make_site.article("Notes", body="See [notes](env.txt).\n")})
    os.symlink(secret, root / "content/politics/2026/env.txt")
    result = run_cli(["build", "--jobs", "1"], root)
    _assert_refused(result, root / "public", "content/politics/2026/env.txt")


def test_proc_environ_is_refused(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The issue's own repro: /proc/self/environ linked next to an article."""
    root = make_site({"content/politics/2026/a.md": make_site.article("Notes", body="See [notes](env.txt).\n")})
    os.symlink("/proc/self/environ", root / "content/politics/2026/env.txt")
    result = run_cli(["build", "--jobs", "1"], root)
    _assert_refused(result, root / "public", "env.txt")
    assert not (root / "public/politics/notes/env.txt").exists()


def test_a_linked_lead_image_and_a_linked_static_file_are_refused(make_site, run_cli, png, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "outside-photo.png"
    photo.write_bytes(png())
    root = make_site({"content/politics/a.md": make_site.article("Pic", image="photo.png")})
    os.symlink(photo, root / "content/politics/photo.png")
    (root / "static").mkdir(exist_ok=True)
    os.symlink("/etc/passwd", root / "static/passwd.txt")
    result = run_cli(["build", "--jobs", "1"], root)
    _assert_refused(result, root / "public", "static/passwd.txt")
    assert any("content/politics/photo.png" in line for line in result.stderr.splitlines())
    assert "root:" not in _published(root / "public") if (root / "public").exists() else True


def test_a_linked_folder_and_a_linked_input_folder_are_refused(make_site, run_cli, secret) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("Pic", image="leak/environ")})
    os.symlink(secret.parent, root / "content/politics/leak", target_is_directory=True)
    result = run_cli(["build", "--jobs", "1"], root)
    _assert_refused(result, root / "public", "content/politics/leak")

    root2 = make_site({"content/politics/b.md": make_site.article("B")})
    os.symlink(secret.parent, root2 / "static", target_is_directory=True)
    result = run_cli(["build", "--jobs", "1"], root2)
    _assert_refused(result, root2 / "public", "static/")


def test_a_template_linked_out_is_refused(make_site, run_cli, secret) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / "templates").mkdir(exist_ok=True)
    os.symlink(secret, root / "templates/secret.html")
    result = run_cli(["build", "--jobs", "1"], root)
    _assert_refused(result, root / "public", "templates/secret.html")


def test_check_reports_outward_links_too(make_site, run_cli, secret) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    os.symlink(secret, root / "content/politics/x.txt")
    result = run_cli(["check"], root)
    assert result.exit_code == 1 and "content/politics/x.txt" in result.stderr and not result.traceback


def test_links_inside_the_site_still_work(make_site, run_cli, png) -> None:  # type: ignore[no-untyped-def]
    """A photo kept once under static/ and linked into an article's folder is fine: it stays in the site."""
    root = make_site({"content/politics/a.md": make_site.article("Pic", image="photo.png",
                                                                   body="A [file](notes.txt).\n")})
    (root / "static/shared").mkdir(parents=True)
    (root / "static/shared/photo.png").write_bytes(png())
    (root / "static/shared/notes.txt").write_text("notes", encoding="utf-8")
    os.symlink("../../static/shared/photo.png", root / "content/politics/photo.png")
    os.symlink(root / "static/shared/notes.txt", root / "content/politics/notes.txt")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert (root / "public/politics/pic/notes.txt").read_text(encoding="utf-8") == "notes"


SCRIPTED_SVGS = [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
    '<a x:href="javascript:alert(1)"><circle r="1"/></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div>x</div></foreignObject></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://evil.example/"><set attributeName="href" '
    'to="javascript:alert(1)"/></a></svg>',
    "not xml at all <svg",
]


@pytest.mark.parametrize("svg", SCRIPTED_SVGS)
def test_an_svg_that_can_run_code_is_not_published(make_site, run_cli, svg) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a/index.md": make_site.article("Chart", body="![chart](chart.svg)\n"),
                      "content/politics/a/chart.svg": svg})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert "chart.svg" in result.stderr
    assert not (root / "public/politics/chart/chart.svg").exists()


def test_a_plain_svg_drawing_is_published_and_an_svg_lead_image_is_refused(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    drawing = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle r="1" fill="red"/></svg>'
    root = make_site({"content/politics/a/index.md": make_site.article("Chart", body="![chart](chart.svg)\n"),
                      "content/politics/a/chart.svg": drawing})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert (root / "public/politics/chart/chart.svg").read_text(encoding="utf-8") == drawing

    root2 = make_site({"content/politics/b.md": make_site.article("Lead", image="chart.svg"),
                       "content/politics/chart.svg": drawing})
    result = run_cli(["build", "--jobs", "1"], root2)
    assert result.exit_code == 1 and "SVG" in result.stderr and not result.traceback


def test_a_relative_link_longer_than_a_file_name_is_no_crash(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 19 item 6: a 256-character relative link gave `OSError: File name too long`."""
    root = make_site({"content/politics/a.md": make_site.article("Long", body=f"[x]({'a' * 300}.txt)\n")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr


def test_check_reports_a_link_out_of_the_site_without_reading_it(make_site, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`newsgen check` (run in CI, its output in the job's log) names the link and never parses its target:
    an article file that is a link to a file outside the site, and a linked folder holding one."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "story.md").write_text("---\ntitle: Outside\nsection: SECRET-VALUE-FROM-OUTSIDE\n"
                                      "date: 2026-01-01\n---\nx\n", encoding="utf-8")
    root = make_site({"content/politics/2026/a.md": make_site.article("Fine"),
                      "content/politics/2026/b.md": "---\ntitle: Own error\nsection: Sprots\ndate: 2026-01-01\n---\nx\n"})
    os.symlink(outside / "story.md", root / "content/politics/2026/linked.md")
    os.symlink(outside, root / "content/politics/folder", target_is_directory=True)
    result = run_cli(["check"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert "SECRET-VALUE" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert any("content/politics/2026/linked.md" in line and "outside" in line for line in lines), result.stderr
    assert any("content/politics/folder" in line and "outside" in line for line in lines), result.stderr
    assert any("content/politics/2026/b.md" in line and "Sprots" in line for line in lines), result.stderr  # the rest


@pytest.mark.parametrize(("name", "shown"), [
    (b"static/notes\nCNAME", "static/notes\\x0aCNAME"),  # (a line break: it split the manifest's line in two)
    (b"static/caf\xe9.txt", "static/caf\\udce9.txt"),  # (Latin-1 bytes: not UTF-8)
    (b"content/politics/caf\xe9.md", "content/politics/caf\\udce9.md"),
])
def test_a_file_name_that_cannot_be_published_is_one_line_and_nothing_is_lost(name: bytes, shown: str, make_site,
                                                                              run_cli) -> None:  # type: ignore[no-untyped-def]
    """A newline in a static file's name was written into the output's manifest as two names, and a later
    build removed a file of the user's by the second one (public/CNAME); a name that is not UTF-8 stopped
    the build and `newsgen check` with a traceback. Each is now one line naming the file, escaped."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    (root / "public" / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    path = os.path.join(os.fsencode(root), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"---\ntitle: T\nsection: Politics\nauthor: A\ndate: 2025-03-18 10:00\n---\n\nBody.\n")
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    for command in (["build", "--jobs", "1"], ["check"]):
        result = run_cli(command, root)
        assert result.exit_code == 1 and not result.traceback, result.stderr
        assert result.stderr.splitlines()[0] == (f"{shown}: a file name with a control character or bytes that are "
                                                 "not UTF-8 cannot be published (rename it)")
        assert len(result.stderr.splitlines()) == 2
    assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before
    os.unlink(path)
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert (root / "public" / "CNAME").read_text(encoding="utf-8") == "news.example.org\n"


@pytest.mark.parametrize("rel", ["content/politics/pipe.md", "content/politics/bundle/index.md"])
def test_a_fifo_named_like_an_article_is_an_error_not_a_hang(rel: str, make_site, run_script) -> None:  # type: ignore[no-untyped-def]
    """`mkfifo content/.../x.md`: the build and `newsgen check` blocked for ever opening it to read."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / rel)
    for command in (["build", "-q"], ["check"]):
        result = run_script(command, root, timeout=60)
        assert result.exit_code == 1, result.stderr
        assert result.stderr.splitlines()[0] == f"{rel}: cannot read file: not a regular file"


def test_a_fifo_named_newsgen_yaml_is_not_a_file(tmp_path, run_script) -> None:  # type: ignore[no-untyped-def]
    """It said "no newsgen.yaml here", in a folder that has one."""
    os.mkfifo(tmp_path / "newsgen.yaml")
    result = run_script(["build"], tmp_path, timeout=60)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("newsgen.yaml: is not a file (run newsgen in the site folder, or "
                                             "`newsgen init DIR` for a new site)")


def test_files_the_build_ignores_are_not_refused_for_their_names(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """macOS puts `Icon\\r` in a folder with a custom icon, and editors leave hidden files: no build reads
    them, so their names are never an error (and Icon\\r is never published)."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "Icon\r").write_bytes(b"")
    (root / "content" / "politics" / ".#a\x01.md").write_bytes(b"")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert not (root / "public" / "Icon\r").exists()
