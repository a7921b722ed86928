"""Two things at one address in the output (QA's differential fuzz against cacheless builds): a static
file or an alias at a page's address, a static file named like a resized copy of an image, a file where
another needs a folder. Each is one error line that names the site's own file; nothing is written (the
output stayed whichever one a build wrote last, or publishing stopped half-way with a traceback)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

STORY = "content/politics/2025/story.md"


def story(extra: str = "") -> str:
    return f"---\ntitle: Council votes\nsection: Politics\ndate: 2025-03-19 17:40\n{extra}---\n\nThe council voted.\n"


def jpeg(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def site(make_site: Any, run_cli: Any, snapshot: Any) -> tuple[Path, dict[str, bytes]]:
    root = make_site({STORY: story(), "static/favicon.ico": b"\x00\x00\x01\x00", "static/images/logo.png": b"\x89PNG"})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    return root, snapshot(root / "public")


@pytest.mark.parametrize(("files", "path", "message"), [
    ({"static/index.html": "<p>Holding page</p>"}, "static/index.html",
     "is published at /index.html, where the home page is published too"),
    ({STORY: story("aliases: [/images/logo.png]\n")}, "static/images/logo.png",
     f"is published at /images/logo.png, where an old path (alias) of {STORY} is published too"),
    ({STORY: story("aliases: [/theme/latest.js]\n")}, STORY,
     "is published at /theme/latest.js, where newsgen's theme file theme/latest.js is published too"),
    ({STORY: story("aliases: [/favicon.ico/old/]\n")}, "static/favicon.ico",
     "/favicon.ico is a file (static/favicon.ico), and /favicon.ico/old/index.html (an old path (alias) of"),
    ({"static/tags": "not a folder", STORY: story("tags: [Budget]\n")}, "static/tags",
     "/tags is a file (static/tags), and /tags/budget/index.html (the listing page) needs it to be a folder"),
    ({"static/politics/index.html/x.txt": "x"}, "static/politics/index.html/x.txt",
     "/politics/index.html is a file (the listing page)"),
])
def test_a_clash_is_one_error_and_nothing_is_written(site: Any, run_cli: Any, write_file: Any, snapshot: Any,
                                                     files: dict[str, str], path: str, message: str) -> None:
    root, before = site
    for rel, text in files.items():
        write_file(root, rel, text)
    if STORY not in files:
        write_file(root, STORY, story().replace("voted.", "voted again."))  # and a page to write meanwhile
    for command in (["build", "--jobs", "1"], ["build", "--jobs", "1"], ["check"]):  # (the same answer again)
        result = run_cli(command, root)
        assert result.exit_code == 1 and not result.traceback, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 2 and lines[0].startswith(f"{path}: {message}"), (command, lines)
    assert snapshot(root / "public") == before


def test_a_static_file_named_like_a_resized_copy(make_site: Any, run_cli: Any) -> None:
    root = make_site({"content/politics/2025/story/index.md": story("image: hall.jpg\n"),
                      "content/politics/2025/story/hall.jpg": jpeg(1000, 600)})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    made = sorted(p.name for p in (root / "public/politics/council-votes").glob("hall-*w.jpg"))
    assert made, sorted(p.name for p in (root / "public/politics/council-votes").iterdir())
    (root / "static/politics/council-votes").mkdir(parents=True)
    (root / "static/politics/council-votes" / made[0]).write_bytes(jpeg(10, 10))
    for command in (["build", "--jobs", "1"], ["check"]):
        result = run_cli(command, root)
        assert result.exit_code == 1 and not result.traceback, result.stderr
        assert result.stderr.startswith(f"static/politics/council-votes/{made[0]}: is published at "
                                        f"/politics/council-votes/{made[0]}, where a resized copy newsgen makes of an "
                                        "image is published too"), (command, result.stderr)


def test_a_folder_where_a_page_goes_is_one_error(site: Any, run_cli: Any, write_file: Any) -> None:
    """Something in the output folder that publishing cannot replace (a folder made by hand where a page
    goes): one error line, no traceback (it stopped with one, half-way)."""
    root, _ = site
    page = root / "public/politics/council-votes/index.html"
    page.unlink()
    page.mkdir()
    (page / "keep.txt").write_text("mine", encoding="utf-8")
    write_file(root, STORY, story().replace("voted.", "voted again."))
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].endswith("public/politics/council-votes/index.html: cannot put the new file in place: "
                             "Is a directory (the files before it are in place: make room, build again)"), lines
    assert (page / "keep.txt").read_text(encoding="utf-8") == "mine"
