"""`newsgen build --changed PATH...`: the build is told which files changed (an editor's save hook, a
script given `git diff --name-only`) and checks no other file: not the other inputs, not the output
folder (only its manifest). What it was told, it builds exactly: the output is, byte for byte, what a
build without a cache makes of the same files. When the word cannot say it all (a new file, a folder, a
symlink, an output folder that is not as the last build left it), it checks every file, as a plain build
does. The real program, on a site with the real clock."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.conftest import article_text, console_script
from tests.e2e.newsroom import assert_same, newsroom_files, output_of, when

from newsgen.incremental import snapshot


@pytest.fixture
def site(make_site, png) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")
    _newsgen(root, "build", "-q")
    return root


def _newsgen(root: Path, *args: str, stdin: str | None = None, status: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*console_script(), *args], cwd=root, capture_output=True, text=True, timeout=120,
                          input=stdin, check=False)
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _same_as_a_build_from_nothing(root: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    _newsgen(root, "build", "-q", "-j", "1", "--out", str(fresh))
    assert_same(output_of(root / "public"), output_of(fresh))


def _checked_every_file(proc: subprocess.CompletedProcess[str]) -> bool:
    return "--changed: every file checked" in proc.stdout


def test_a_body_edit_named_is_built_as_a_build_from_nothing_would(site: Path, tmp_path: Path) -> None:
    _append(site, "content/politics/story-12.md", "\nA paragraph the desk added.\n")
    proc = _newsgen(site, "build", "-v", "--changed", "content/politics/story-12.md")
    assert not _checked_every_file(proc)
    assert " 0 rendered, " not in proc.stdout
    assert "A paragraph the desk added." in (site / "public/politics/story-number-12/index.html").read_text("utf-8")
    _same_as_a_build_from_nothing(site, tmp_path)
    # what it saved is what a walk finds: the next plain build has nothing to do
    assert " 0 rendered, " in _newsgen(site, "build").stdout
    after = snapshot.load(site, site / "public")
    assert after is not None and after.packed == snapshot.pack(snapshot.take(site).stamps)


def test_paths_on_stdin_absolute_or_from_another_folder_and_files_that_are_not_inputs(site: Path,
                                                                                       tmp_path: Path) -> None:
    _append(site, "content/sports/story-1.md", "\nOne.\n")
    _append(site, "content/politics/story-15.md", "\nTwo.\n")
    (site / "README.md").write_text("notes\n", encoding="utf-8")  # (not an input: changes nothing)
    listed = f"content/sports/story-1.md\n{site / 'content/politics/story-15.md'}\nREADME.md\npublic/feed.xml\n"
    proc = _newsgen(site, "build", "-v", "--changed", "-", stdin=listed)
    assert not _checked_every_file(proc)
    _same_as_a_build_from_nothing(site, tmp_path)

    _append(site, "content/sports/story-1.md", "\nThree.\n")  # from another folder, --site given
    proc = _newsgen(site / "content", "build", "-v", "--site", str(site), "--changed", "sports/story-1.md")
    assert not _checked_every_file(proc)
    assert "Three." in (site / "public/sports/story-number-1/index.html").read_text("utf-8")
    _same_as_a_build_from_nothing(site, tmp_path)


@pytest.mark.parametrize("change", ["headline", "removed article", "config", "image replaced"])
def test_what_is_not_a_body_edit_is_built_the_whole_way(site: Path, tmp_path: Path, png, change: str) -> None:  # type: ignore[no-untyped-def]
    if change == "headline":
        named = "content/politics/story-3.md"
        path = site / named
        path.write_text(path.read_text("utf-8").replace("Story number 3", "Story number three"), "utf-8")
    elif change == "removed article":
        named = "content/politics/story-6.md"
        (site / named).unlink()
    elif change == "config":
        named = "newsgen.yaml"
        path = site / named
        path.write_text(path.read_text("utf-8").replace("Test Gazette", "Test Herald"), "utf-8")
    else:
        named = "static/images/photo.png"
        (site / named).write_bytes(png(30, 20))
    proc = _newsgen(site, "build", "-v", "--changed", named)
    assert not _checked_every_file(proc)
    _same_as_a_build_from_nothing(site, tmp_path)


def test_when_the_word_cannot_say_it_all_every_file_is_checked(site: Path, tmp_path: Path) -> None:
    # a new article
    (site / "content/politics/fresh.md").write_text(article_text(title="Fresh", date=when(-0.01)), "utf-8")
    proc = _newsgen(site, "build", "-v", "--changed", "content/politics/fresh.md")
    assert _checked_every_file(proc) and "a new file" in proc.stdout
    _same_as_a_build_from_nothing(site, tmp_path)
    # a folder
    _append(site, "content/sports/story-4.md", "\nIn a folder.\n")
    assert _checked_every_file(_newsgen(site, "build", "-v", "--changed", "content/sports"))
    _same_as_a_build_from_nothing(site, tmp_path)
    # the output folder emptied (a CI runner that restored only the cache)
    for path in sorted((site / "public").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    _append(site, "content/sports/story-4.md", "\nEmptied.\n")
    proc = _newsgen(site, "build", "-v", "--changed", "content/sports/story-4.md")
    assert _checked_every_file(proc) and "not as the last build left it" in proc.stdout
    _same_as_a_build_from_nothing(site, tmp_path)
    # other options than the last build's
    _append(site, "content/sports/story-4.md", "\nDrafts.\n")
    assert _checked_every_file(_newsgen(site, "build", "-v", "--drafts", "--changed", "content/sports/story-4.md"))


def test_a_symlink_named_is_refused_as_a_plain_build_refuses_it(site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=abc\n", encoding="utf-8")
    os.symlink(secret, site / "content/politics/leak.md")
    proc = _newsgen(site, "build", "--changed", "content/politics/leak.md", status=1)
    assert "leak.md" in proc.stderr and "TOKEN" not in proc.stderr
    assert not any("TOKEN" in path.read_text("utf-8", "replace") for path in (site / "public").rglob("*.html"))


def test_the_output_is_trusted_as_the_last_build_left_it_and_a_plain_build_looks_again(site: Path,
                                                                                       tmp_path: Path) -> None:
    """What --changed promises: it takes the other files as the last build left them. A page deleted by hand
    is not written again by it, and is by the next plain build (and nothing else is lost meanwhile)."""
    gone = site / "public/sports/story-number-1/index.html"
    gone.unlink()
    _append(site, "content/politics/story-12.md", "\nTrusted.\n")
    _newsgen(site, "build", "-q", "--changed", "content/politics/story-12.md")
    assert not gone.exists()
    assert "Trusted." in (site / "public/politics/story-number-12/index.html").read_text("utf-8")
    _newsgen(site, "build", "-q")
    assert gone.is_file()
    _same_as_a_build_from_nothing(site, tmp_path)


def test_an_edit_the_caller_did_not_name_is_built_by_the_next_plain_build(site: Path, tmp_path: Path) -> None:
    _append(site, "content/politics/story-12.md", "\nNamed.\n")
    _append(site, "content/sports/story-4.md", "\nNot named.\n")
    page = site / "public/sports/story-number-4/index.html"
    before = output_of(site / "public")
    # the feeds show every recent story's body: written again, they would read it in its new version
    proc = _newsgen(site, "build", "-q", "--changed", "content/politics/story-12.md", status=1)
    assert proc.stderr.splitlines() == [
        "content/sports/story-4.md: the file changed since the last build, but --changed did not name it "
        "(name it too, or build without --changed)", "newsgen: 1 error, nothing was written"]
    assert output_of(site / "public") == before
    assert " 0 rendered, " not in _newsgen(site, "build").stdout
    assert "Not named." in page.read_text("utf-8")
    _same_as_a_build_from_nothing(site, tmp_path)


def test_a_symlinked_input_folder_or_a_file_a_symlink_points_to_is_checked_closely(site: Path,
                                                                                      tmp_path: Path, png) -> None:  # type: ignore[no-untyped-def]
    """The walk stamps a symlink with its target's stamp, and a symlinked input folder's files under its
    own name: a file named through either way is not what the stamps say, so every file is checked."""
    (site / "static/extra").mkdir()
    os.symlink("../images/photo.png", site / "static/extra/logo.png")  # (inside the site: allowed)
    _newsgen(site, "build", "-q")
    (site / "static/images/photo.png").write_bytes(png(31, 17))
    proc = _newsgen(site, "build", "-v", "--changed", "static/images/photo.png")
    assert _checked_every_file(proc) and "a symlink points to" in proc.stdout
    assert (site / "public/extra/logo.png").read_bytes() == png(31, 17)
    _same_as_a_build_from_nothing(site, tmp_path)

    (site / "content").rename(site / "articles")
    os.symlink("articles", site / "content")
    _newsgen(site, "build", "-q")
    _append(site, "content/politics/story-12.md", "\nThrough the symlink.\n")
    proc = _newsgen(site, "build", "-v", "--changed", "content/politics/story-12.md")
    assert _checked_every_file(proc) and "an input folder is a symlink" in proc.stdout
    assert "Through the symlink." in (site / "public/politics/story-number-12/index.html").read_text("utf-8")
    _same_as_a_build_from_nothing(site, tmp_path)


def test_hostile_lists_on_stdin_end_in_a_build_not_a_traceback(site: Path, tmp_path: Path) -> None:
    _append(site, "content/politics/story-12.md", "\nListed oddly.\n")
    for listed in (b"content/\xff\xfe.md\ncontent/politics/story-12.md\n", b"content/x\0y/a.md\n",
                   b"\r\n\n   \n" + b"content/politics/story-12.md\r\n", b"\0" * 5000, b""):
        proc = subprocess.run([*console_script(), "build", "-v", "--changed", "-"], cwd=site, input=listed,
                              capture_output=True, timeout=120, check=False)
        assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr
    assert "Listed oddly." in (site / "public/politics/story-number-12/index.html").read_text("utf-8")
    _same_as_a_build_from_nothing(site, tmp_path)


def test_more_files_named_than_searching_for_them_is_worth_checks_every_file(site: Path, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgen.incremental import restamp

    key = snapshot.key((site / "public").absolute(), False, False, False, None)
    paths = [str(path) for path in sorted((site / "content/politics").glob("story-*.md"))[:6]]
    assert len(paths) == 6
    assert not isinstance(restamp.named(site, (site / "public").absolute(), key, paths), str)
    monkeypatch.setattr(restamp, "SCANNED", 10)
    assert restamp.named(site, (site / "public").absolute(), key, paths) == "too many files were named"
