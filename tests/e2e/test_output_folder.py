"""Output folder guards: newsgen never builds into the site itself or over someone else's files."""

from __future__ import annotations

import shutil

import pytest


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "cannot be the site folder"),
        ("..", "cannot be the site folder"),
        ("content", "cannot be inside content/"),
        ("content/politics", "cannot be inside content/"),
        ("static/out", "cannot be inside static/"),
        ("templates", "cannot be inside templates/"),
    ],
)
def test_refused_output_folders(out: str, message: str, make_site, run_cli, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A"), "templates/.keep": "", "static/x.txt": "x"})
    before = snapshot(root.parent)
    result = run_cli(["build", "--jobs", "1", "--out", out], root)
    assert result.exit_code == 1 and not result.traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and message in lines[0]
    assert snapshot(root.parent) == before


def test_non_empty_foreign_folder_is_refused(make_site, run_cli, tmp_path, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    foreign = tmp_path / "my-documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"precious")
    (foreign / "notes").mkdir()
    (foreign / "notes/a.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(foreign)
    result = run_cli(["build", "--jobs", "1", "--out", str(foreign)], root)
    assert result.exit_code == 1 and not result.traceback
    assert "not empty and was not made by newsgen" in result.stderr
    assert snapshot(foreign) == before


def test_a_file_as_output_is_refused(make_site, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run_cli(["build", "--jobs", "1", "--out", str(tmp_path / "file")], root)
    assert result.exit_code in (1, 2) and not result.traceback  # 2: click's own usage error
    assert "is a file" in result.stderr
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_empty_or_new_folder_and_rebuilds_are_fine(make_site, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new/deeper"):
        result = run_cli(["build", "--jobs", "1", "--out", str(out)], root)
        assert result.exit_code == 0, result.stderr
        assert (out / "politics/a/index.html").is_file()
    result = run_cli(["build", "--jobs", "1", "--out", str(tmp_path / "empty")], root)  # newsgen's own now
    assert result.exit_code == 0, result.stderr


def test_relative_out_is_relative_to_the_working_folder(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    result = run_cli(["build", "--jobs", "1", "--site", root.name, "--out", "site-out"], root.parent)
    assert result.exit_code == 0, result.stderr
    assert (root.parent / "site-out/politics/a/index.html").is_file()
    assert not (root / "public").exists()


def test_without_a_cache_only_what_newsgen_wrote_is_removed(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 19 item 2: a fresh CI clone (no .newsgen-cache) whose public/ is a gh-pages worktree. The
    pages of a deleted article go (the output's manifest lists them); .git/, CNAME, .nojekyll and a file
    kept there by hand stay."""
    root = make_site({"content/politics/a.md": make_site.article("A"), "content/politics/b.md": make_site.article("B")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    kept = {".git/HEAD": "ref: refs/heads/gh-pages\n", ".git/objects/ab/cdef": "blob", "CNAME": "news.example.org",
            ".nojekyll": "", "reports/annual.pdf": "%PDF"}
    for rel, text in kept.items():
        (root / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "public" / rel).write_text(text, encoding="utf-8")
    (root / "content/politics/b.md").unlink()
    shutil.rmtree(root / ".newsgen-cache")
    result = run_cli(["build", "--jobs", "1", "-v"], root)
    assert result.exit_code == 0, result.stderr
    assert not (root / "public/politics/b").exists()
    assert "removed politics/b/index.html" in result.stdout
    for rel, text in kept.items():
        assert (root / "public" / rel).read_text(encoding="utf-8") == text


def test_pages_of_a_deleted_article_are_removed_without_a_sweep(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """With the cache, only what the last build wrote and this one does not is removed (no walk)."""
    root = make_site({"content/politics/a.md": make_site.article("A"), "content/politics/b.md": make_site.article("B")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    (root / "content/politics/b.md").unlink()
    result = run_cli(["build", "--jobs", "1", "-v"], root)
    assert result.exit_code == 0
    assert not (root / "public/politics/b").exists()
    assert "removed politics/b/index.html" in result.stdout


def test_a_deleted_manifest_is_written_again(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """public/.newsgen-output deleted by hand: the next build (the site's snapshot knows this folder is its
    output) is not a no-change answer, writes the manifest again and keeps the web team's file; a build
    without the cache after it then finds a folder newsgen made (before: refused as someone else's)."""
    root = make_site({"content/politics/a.md": make_site.article("Alpha"),
                      "content/politics/b.md": make_site.article("Beta", date="2025-03-18 10:00")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    out = root / "public"
    (out / "keep.txt").write_text("the web team's", encoding="utf-8")
    (out / ".newsgen-output").unlink()
    again = run_cli(["build", "--jobs", "1"], root)
    assert again.exit_code == 0, again.stderr
    listed = (out / ".newsgen-output").read_text(encoding="utf-8").splitlines()
    assert "politics/alpha/index.html" in listed and "keep.txt" not in listed
    shutil.rmtree(root / ".newsgen-cache")
    (root / "content/politics/b.md").unlink()
    cold = run_cli(["build", "--jobs", "1"], root)
    assert cold.exit_code == 0, cold.stderr
    assert not (out / "politics/beta").exists()  # known from the manifest written again: removed
    assert (out / "keep.txt").read_text(encoding="utf-8") == "the web team's"


def test_an_output_folder_that_is_a_link_to_nothing_is_named_so(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`-o out` where out is a dangling symlink said "cannot create the output folder: File exists"."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / "out").symlink_to(root / "gone" / "x")
    result = run_cli(["build", "--jobs", "1", "--out", str(root / "out")], root)
    assert result.exit_code == 1 and result.stderr.splitlines()[0] == (
        f"{root / 'out'}: is a link to nothing (its target is missing) (remove the link, or point it at a folder)")
