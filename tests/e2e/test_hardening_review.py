"""What a second round of attacks on issue 19's fixes found, each reproduced: aliases into .git, a
tampered manifest, two site folders building into one output, deep raw HTML, control characters in a
body, a build killed while writing in place, active files next to an article, FIFOs where files were
expected, a panorama too wide for WebP."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from newsgen.output import MARKER, write_manifest
from newsgen.output_guard import locked


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("newsgen: ")]


@pytest.mark.parametrize("alias", ["/.git/", "/.git/config", "/.git/hooks/", "/_redirects", "/CNAME",
                                   "/a/.well-known/x/"])
def test_an_alias_never_writes_into_a_hidden_folder_or_onto_newsgens_own_files(make_site, run_cli, alias) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    (root / "public/.git").mkdir()
    (root / "public/.git/config").write_text("[core]\n", encoding="utf-8")
    (root / "public/CNAME").write_text("news.example.org", encoding="utf-8")
    before = _tree(root / "public")
    (root / "content/politics/b.md").write_text(make_site.article("B", aliases=[alias]), encoding="utf-8")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert _lines(result) and all(line.startswith("content/politics/b.md:") for line in _lines(result))
    assert _tree(root / "public") == before


def test_a_tampered_manifest_cannot_make_a_build_delete_what_newsgen_never_writes(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    import shutil

    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    (root / "public/.git/objects").mkdir(parents=True)
    (root / "public/.git/HEAD").write_text("ref", encoding="utf-8")
    (root / "public/keep").mkdir()
    (root / "public/keep/report.pdf").write_text("%PDF", encoding="utf-8")
    (root / "outside.txt").write_text("mine", encoding="utf-8")
    manifest = (root / "public" / MARKER).read_text(encoding="utf-8")
    (root / "public" / MARKER).write_text(
        manifest + ".git/\n.git/HEAD\nkeep/\n../outside.txt\n.git/config/index.html\n", encoding="utf-8")
    shutil.rmtree(root / ".newsgen-cache")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0 and not result.traceback, result.stderr
    assert (root / "public/.git/HEAD").read_text(encoding="utf-8") == "ref"
    assert (root / "public/keep/report.pdf").exists() and (root / "outside.txt").exists()


def test_two_site_folders_cannot_write_one_output_at_once(make_site, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "shared-out"
    first = make_site({"content/politics/a.md": make_site.article("A")})
    second = make_site({"content/politics/b.md": make_site.article("B")})
    with locked(first, out):  # the first site's build is writing
        result = run_cli(["build", "--jobs", "1", "--out", str(out)], second)
    assert result.exit_code == 1 and not result.traceback
    assert "another build is writing this folder" in result.stderr


def test_deeply_nested_raw_html_is_refused_in_bounded_time(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A", body="<div>" * 150_000 + "\n")})
    started = time.monotonic()
    result = run_cli(["build", "--jobs", "1"], root)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1 and not result.traceback
    assert any("HTML tags" in line for line in _lines(result))


def test_a_control_character_in_a_body_is_one_line_and_never_reaches_a_feed(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A", body="Lead.\n\nx \x1b]0;PWN\x07 text\n")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    (line,) = _lines(result)
    assert line.startswith("content/politics/a.md:9:") and "control character (U+001B)" in line
    assert "\x1b" not in result.stderr


def test_a_build_killed_while_writing_in_place_is_forgotten_by_the_next(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    out = root / "public"
    out.mkdir()
    (out / "index.html").write_text("<p>cut sh", encoding="utf-8")  # what the killed build left
    write_manifest(out, ["index.html"], finished=False)
    build(root)
    assert "own names" not in (out / MARKER).read_text(encoding="utf-8")
    assert (out / "index.html").read_text(encoding="utf-8").endswith("</html>\n")


@pytest.mark.parametrize("name", ["page.html", "data.xml", "chart.svgz", "app.js", "doc.xhtml"])
def test_files_a_browser_runs_scripts_from_are_not_published_next_to_an_article(make_site, run_cli, name) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a/index.md": make_site.article("A", body=f"See [it]({name}).\n"),
                      f"content/politics/a/{name}": "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert any(name in line and "scripts" in line for line in _lines(result))
    assert not (root / "public/politics/a" / name).exists()


def test_fifos_where_files_were_expected_are_no_hang_and_no_traceback(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    for snap in (root / ".newsgen-cache").glob("inputs-*"):
        snap.unlink()
        os.mkfifo(snap)  # the no-change snapshot
    for note in (root / ".newsgen-cache").glob("output-*.pid"):
        note.unlink()
        os.mkfifo(note)  # the lock's note
    (root / "static").mkdir(exist_ok=True)
    os.mkfifo(root / "static/pipe")
    proc = subprocess.run([*_script(), "build", "--jobs", "1"], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert any("static/pipe" in line and "not a regular file" in line for line in proc.stderr.splitlines())
    (root / "static/pipe").unlink()
    proc = subprocess.run([*_script(), "build", "--jobs", "1"], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def _script() -> list[str]:
    import sys

    return [sys.executable, "-c", "from newsgen.cli import run; run()"]


def test_a_panorama_too_wide_for_webp_is_published_in_its_own_format(make_site, run_cli, png, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a/index.md": make_site.article("Wide", image="wide.png"),
                      "content/politics/a/wide.png": png(20_000, 100)})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    page = parse_html(root / "public/politics/wide/index.html")
    assert all(s.get("srcset") for s in page.iterfind(".//source"))  # never an empty srcset
    webp = sorted(p.name for p in (root / "public/politics/wide").glob("*.webp"))
    assert webp == ["wide-1200w.webp", "wide-480w.webp", "wide-800w.webp"]  # not the 20,000-wide one
    assert "encoding error" not in result.stderr
