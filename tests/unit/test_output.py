"""output.py: stage to temporary files, commit with os.replace, roll back, prune, guard the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.output import (
    MARKER,
    STAGING,
    Manifest,
    Staging,
    WriteFailed,
    clean_leftovers,
    journal,
    lists_exactly,
    prune,
    read_manifest,
    unfinished,
    write_manifest,
)
from newsgen.output_guard import check_output_folder


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_stage_then_commit(tmp_path: Path) -> None:
    staging = Staging(tmp_path)
    staging.add(staging.write("politics/x/index.html", b"<p>new</p>"))
    staging.add(staging.write("feed.xml", b"<rss/>"))
    target = tmp_path / "politics/x/index.html"
    assert not target.exists()  # nothing in place before the commit
    tmp_files = [Path(t) for t, _ in staging.pending]
    assert all(t.exists() and t.parent == tmp_path / STAGING for t in tmp_files)  # one folder: found and removed
    assert staging.commit() == 2
    assert files(tmp_path) == {"feed.xml": b"<rss/>", "politics/x/index.html": b"<p>new</p>"}
    assert staging.pending == []
    assert not (tmp_path / STAGING).exists()


def test_same_bytes_are_not_staged_again(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b"same")
    before = os.stat(tmp_path / "a.html").st_mtime_ns
    assert Staging(tmp_path).write("a.html", b"same") is None
    assert os.stat(tmp_path / "a.html").st_mtime_ns == before
    assert Staging(tmp_path).write("a.html", b"diff") is not None


def test_rollback_removes_temporary_files_and_new_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_bytes(b"old")
    staging = Staging(tmp_path)
    staging.add(staging.write("old.html", b"replaced?"))
    staging.add(staging.write("new/deep/index.html", b"new"))
    staging.rollback()
    assert files(tmp_path) == {"old.html": b"old"}
    assert not (tmp_path / "new").exists() and not (tmp_path / STAGING).exists()


def test_stage_copy_skips_an_identical_copy(tmp_path: Path) -> None:
    out, src = tmp_path / "out", tmp_path / "photo.jpg"
    out.mkdir()
    src.write_bytes(b"jpeg")
    staging = Staging(out)
    staging.add(staging.copy("politics/x/photo.jpg", src))
    staging.commit()
    assert (out / "politics/x/photo.jpg").read_bytes() == b"jpeg"
    assert Staging(out).copy("politics/x/photo.jpg", src) is None  # same size and mtime: nothing to do
    src.write_bytes(b"jpeg2")
    assert Staging(out).copy("politics/x/photo.jpg", src) is not None


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/x", "a/../../b"])
def test_staging_refuses_paths_outside(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(WriteFailed):
        Staging(out).write(rel, b"x")
    with pytest.raises(WriteFailed):
        Staging(out).copy(rel, Path(__file__))
    assert list(tmp_path.iterdir()) == [out] and list(out.iterdir()) == []


def test_prune_removes_only_what_newsgen_wrote_and_empty_folders(tmp_path: Path) -> None:
    for rel in (
        "index.html",
        "politics/x/index.html",
        "politics/gone/index.html",
        "old/deep/a.txt",
        "pagefind/x.js",
        MARKER,
        "CNAME",
        ".nojekyll",
        ".git/HEAD",
        "kept-by-hand/report.pdf",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    written = frozenset({"index.html", "politics/x/index.html", "politics/gone/index.html", "old/deep/a.txt",
                         "pagefind/"})
    removed = prune(tmp_path, {"index.html", "politics/x/index.html"}, written)
    assert sorted(removed) == ["old/deep/a.txt", "pagefind/", "politics/gone/index.html"]
    assert sorted(files(tmp_path)) == sorted([".git/HEAD", ".nojekyll", MARKER, "CNAME", "index.html",
                                              "kept-by-hand/report.pdf", "politics/x/index.html"])
    assert not (tmp_path / "old").exists() and not (tmp_path / "politics/gone").exists()
    assert (tmp_path / "politics/x").is_dir()


def test_manifest_round_trip_and_journal(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert read_manifest(out) is None
    listed = journal(out, Manifest.read(out), frozenset(), {"index.html", "a/index.html"}, in_place=True)
    assert read_manifest(out) == listed == {"index.html", "a/index.html"}
    assert unfinished(out)  # written in place until the build's end
    write_manifest(out, listed)
    assert not unfinished(out)
    before = (out / MARKER).stat().st_mtime_ns
    assert journal(out, Manifest.read(out), listed, {"index.html"}, in_place=False) == listed  # a subset: not rewritten
    assert (out / MARKER).stat().st_mtime_ns == before
    write_manifest(out, {"b.html", MARKER})
    assert read_manifest(out) == {"b.html"}
    (out / MARKER).write_text("This folder is written by newsgen build; files in it are replaced.\n")
    assert read_manifest(out) is None  # an older newsgen's marker: nothing known


def test_new_files_are_appended_to_the_manifest_whole_lines_only(tmp_path: Path) -> None:
    """A build that adds files (a new article) appends their lines; a line cut short (a build killed
    while appending) lists no file; a manifest that cannot take lines is written again, whole."""
    out = tmp_path / "public"
    out.mkdir()
    write_manifest(out, {"index.html", "b/index.html"})
    before = Manifest.read(out)
    assert before.appendable and before.files == {"index.html", "b/index.html"}
    listed = journal(out, before, before.files, {"index.html", "a/index.html", "c/index.html"}, in_place=False)
    assert listed == read_manifest(out) == {"index.html", "a/index.html", "b/index.html", "c/index.html"}
    text = (out / MARKER).read_text(encoding="utf-8")
    assert text.endswith("b/index.html\nindex.html\na/index.html\nc/index.html\n")  # appended, not rewritten
    with (out / MARKER).open("a", encoding="utf-8") as f:
        f.write("d/ind")  # killed in the middle of a line
    cut = Manifest.read(out)
    assert cut.files == listed and not cut.appendable
    journal(out, cut, cut.files, {"e.html"}, in_place=False)  # written again, whole and sorted
    text = (out / MARKER).read_text(encoding="utf-8")
    assert text.splitlines()[2:] == ["a/index.html", "b/index.html", "c/index.html", "e.html", "index.html"]
    assert read_manifest(out) == listed | {"e.html"}
    write_manifest(out, {"x.html"}, finished=False)  # an unfinished one is rewritten too
    assert not Manifest.read(out).appendable


def test_a_manifest_that_is_not_the_file_read_is_written_again_not_appended_to(tmp_path: Path) -> None:
    """Appending writes into the file itself: not through a symlink, not into an inode another folder
    shares (a snapshot made with `cp -al` must not list this folder's new files), not after the file
    changed since it was read. Each is written again, whole (os.replace: the other file is left alone)."""
    out = tmp_path / "public"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    for case in ("symlink", "hardlink", "changed"):
        write_manifest(out, {"index.html"})
        before = Manifest.read(out)
        (tmp_path / "snap").mkdir(exist_ok=True)
        other = tmp_path / "snap" / MARKER
        other.unlink(missing_ok=True)
        if case == "symlink":
            os.replace(out / MARKER, elsewhere)
            (out / MARKER).symlink_to(elsewhere)
        elif case == "hardlink":
            os.link(out / MARKER, other)
        else:
            with (out / MARKER).open("a", encoding="utf-8") as f:
                f.write("x.html\n")
        journal(out, before, before.files or frozenset(), {"index.html", "new.html"}, in_place=False)
        assert not (out / MARKER).is_symlink() and (out / MARKER).stat().st_nlink == 1, case
        assert read_manifest(out) == {"index.html", "new.html"}, case
        if case == "symlink":
            assert "new.html" not in elsewhere.read_text(encoding="utf-8")
        if case == "hardlink":
            assert "new.html" not in other.read_text(encoding="utf-8")


def test_an_append_written_in_pieces_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    out.mkdir()
    write_manifest(out, {"index.html"})
    before = Manifest.read(out)
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:3])))  # (3 bytes at a time)
    journal(out, before, before.files or frozenset(), {"a/index.html", "b/index.html"}, in_place=False)
    monkeypatch.undo()
    assert read_manifest(out) == {"index.html", "a/index.html", "b/index.html"}
    assert Manifest.read(out).appendable


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    (out / STAGING).mkdir(parents=True)
    (out / STAGING / "123.4").write_bytes(b"half a page")
    (out / "politics/x").mkdir(parents=True)
    old_tmp = out / "politics/x/.index.html.999.newsgen-tmp"  # an older newsgen's temporary file
    old_tmp.write_bytes(b"x")
    (out / "politics/x/index.html").write_bytes(b"page")
    clean_leftovers(out)
    assert not (out / STAGING).exists() and not old_tmp.exists()
    assert (out / "politics/x/index.html").read_bytes() == b"page"


def test_output_folder_guards(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for sub in ("content/politics", "static", "templates"):
        (site / sub).mkdir(parents=True)

    def refused(out: Path) -> str:
        (d,) = check_output_folder(out, site)
        return d.message

    assert "site folder" in refused(site)
    assert "site folder" in refused(tmp_path)  # a parent of the site
    assert "inside content/" in refused(site / "content")
    assert "inside content/" in refused(site / "content/politics/out")
    assert "inside static/" in refused(site / "static/out")
    assert "inside templates/" in refused(site / "templates")
    (site / "notes.txt").write_text("x", encoding="utf-8")
    assert "is a file" in refused(site / "notes.txt")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious", encoding="utf-8")
    assert "not empty and was not made by newsgen" in refused(foreign)
    # fine: a new folder, an empty one, and one newsgen made before
    assert check_output_folder(site / "public", site) == []
    (tmp_path / "empty").mkdir()
    assert check_output_folder(tmp_path / "empty", site) == []
    write_manifest(foreign, [])
    assert check_output_folder(foreign, site) == []
    worktree = tmp_path / "worktree"  # a gh-pages worktree: .git, CNAME, .nojekyll only
    (worktree / ".git").mkdir(parents=True)
    (worktree / "CNAME").write_text("news.example.org", encoding="utf-8")
    (worktree / ".nojekyll").write_text("", encoding="utf-8")
    assert check_output_folder(worktree, site) == []


def test_fresh_staging_makes_folders_first_and_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into an output folder that was empty, pages are written under their own names; each folder
    is made before its first file (no failed open first), once per process, and without an lstat
    per folder (none can be a symlink: this build made them all)."""
    calls: list[str] = []
    real_mkdir, real_lstat = os.mkdir, os.lstat
    monkeypatch.setattr(os, "mkdir", lambda p, *a, **k: calls.append(f"mkdir {p}") or real_mkdir(p, *a, **k))
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: calls.append(f"lstat {p}") or real_lstat(p, *a, **k))
    staging = Staging(tmp_path, in_place=True)
    staged = [staging.write("politics/a/index.html", b"x")]
    first = len(calls)
    staged.append(staging.write("politics/a/photo.txt", b"x"))
    assert len(calls) == first  # the folder is known: no mkdir again
    staged += [staging.write(rel, b"x") for rel in ("tags/x/page/2/index.html", "index.html")]
    assert staged == [("", "politics/a/index.html"), ("", "politics/a/photo.txt"),  # their own names,
                      ("", "tags/x/page/2/index.html"), ("", "index.html")]  # no temporary file
    assert files(tmp_path) == {"politics/a/index.html": b"x", "politics/a/photo.txt": b"x",
                               "tags/x/page/2/index.html": b"x", "index.html": b"x"}
    assert not [c for c in calls if c.startswith("lstat")]
    # a folder removed behind the build's back is made again
    import shutil

    shutil.rmtree(tmp_path / "politics")
    staging.write("politics/a/index.html", b"y")
    assert (tmp_path / "politics/a/index.html").read_bytes() == b"y"


def test_the_folders_a_process_remembers_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build makes a folder per article: the memo of folders made or checked is emptied when
    it holds more than _FOLDERS_KEPT (a million articles), and a folder met again is made or checked
    again: every file is written, and a symlinked folder leading out is refused after the memo was
    emptied as before."""
    from newsgen import output

    monkeypatch.setattr(output, "_FOLDERS_KEPT", 3)
    rels = [f"s{i % 2}/story-{i}/index.html" for i in range(12)]
    fresh, later = Staging(tmp_path / "fresh", in_place=True), Staging(tmp_path / "later")
    (tmp_path / "fresh").mkdir()
    (tmp_path / "later").mkdir()
    for rel in rels * 2:  # (each folder met twice, the memo emptied meanwhile)
        fresh.write(rel, b"x")
        later.add(later.write(rel, rel.encode()))
        assert len(fresh._folders) <= 4 and len(later._folders) <= 4
    later.commit()
    assert files(tmp_path / "fresh") == {rel: b"x" for rel in rels}
    assert files(tmp_path / "later") == {rel: rel.encode() for rel in rels}
    (tmp_path / "outside").mkdir()
    (tmp_path / "later/s1/link").symlink_to(tmp_path / "outside")
    with pytest.raises(WriteFailed):
        later.write("s1/link/index.html", b"x")
    assert list((tmp_path / "outside").iterdir()) == []


def test_fresh_staging_still_refuses_paths_out_of_the_folder(tmp_path: Path) -> None:
    for rel in ("../x.html", "/etc/x", "a/../../x"):
        with pytest.raises(WriteFailed):
            Staging(tmp_path, in_place=True).write(rel, b"x")


def test_the_manifest_read_last_is_kept_while_its_file_is_the_same(tmp_path: Path) -> None:
    """newsgen serve reads the manifest at every build: the last one read is reused while its file is
    unchanged, and read again after any write (replaced, appended to, rewritten in place with the same
    size, replaced by a file of the same size)."""
    out = tmp_path / "public"
    out.mkdir()
    write_manifest(out, {"index.html", "b/index.html"})
    first = Manifest.read(out)
    assert Manifest.read(out) is first
    journal(out, first, first.files, {"c/index.html"}, in_place=False)  # appended
    second = Manifest.read(out)
    assert second is not first and second.files == {"index.html", "b/index.html", "c/index.html"}
    text = (out / MARKER).read_text(encoding="utf-8")
    (out / MARKER).write_text(text.replace("c/index.html", "d/index.html"), encoding="utf-8")  # same size, in place
    assert Manifest.read(out).files == {"index.html", "b/index.html", "d/index.html"}
    write_manifest(out, {"index.html", "b/index.html", "e/index.html"})  # the same size again, a new file
    assert Manifest.read(out).files == {"index.html", "b/index.html", "e/index.html"}
    (out / MARKER).unlink()
    assert Manifest.read(out).files is None
    assert Manifest.read(tmp_path / "elsewhere").files is None
    # newsgen's own writes forget it, whatever the file's times say
    write_manifest(out, {"a.html"})
    kept = Manifest.read(out)
    st = (out / MARKER).stat()
    write_manifest(out, {"b.html"})
    os.utime(out / MARKER, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert Manifest.read(out) is not kept and Manifest.read(out).files == {"b.html"}


def test_unfinished_reads_only_the_start_of_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgen.output as output

    out = tmp_path / "public"
    out.mkdir()
    write_manifest(out, [f"page-{i}.html" for i in range(5000)], finished=False)
    asked: list[int | None] = []
    real = output.read_regular

    def spy(path: object, limit: int | None = None) -> bytes | None:
        asked.append(limit)
        return real(path, limit)

    monkeypatch.setattr(output, "read_regular", spy)
    assert unfinished(out)
    assert asked and asked[0] is not None and asked[0] < 300
    write_manifest(out, ["index.html"])
    assert not unfinished(out)


def test_the_same_files_again_are_not_copied_or_listed_again(tmp_path: Path) -> None:
    """An edit's build keeps every file of the last one (a million at a million articles): the manifest's
    set is taken as it is, nothing is pruned, and `lists_exactly` says so without making a set."""
    out = tmp_path / "public"
    out.mkdir()
    write_manifest(out, {"index.html", "b/index.html"})
    before = Manifest.read(out)
    assert before.files is not None
    assert journal(out, before, before.files, {"index.html"}, in_place=False) is before.files
    assert journal(out, before, before.files, iter(["b/index.html"]), in_place=False) is before.files
    keep = frozenset({"index.html", "b/index.html"})
    assert prune(out, set(keep), before.files) == [] and lists_exactly(before.files, keep)
    assert lists_exactly(before.files, keep | {MARKER})
    assert not lists_exactly(before.files, keep | {"c.html"}) and not lists_exactly(before.files, {"index.html"})
    assert not lists_exactly(before.files | {MARKER}, keep | {MARKER})
    assert not lists_exactly(frozenset({"index.html", "c.html"}), keep)


def test_a_publication_of_the_same_files_compares_and_prunes_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The files a build keeps are the ones listed before (an edit): no pass over them to prune or to
    compare with the manifest; any other set of files goes the whole way (pruned, listed again)."""
    import newsgen.publish as publish_mod
    from newsgen.publish import Publication

    root, out = tmp_path, tmp_path / "public"

    def publish(keep: set[str] | frozenset[str], pages: dict[str, str]) -> tuple[int, list[str]]:
        with Publication(root, out) as p:
            p.expect(keep)
            for rel, text in pages.items():
                p.staging.add(p.staging.write(rel, text.encode()))
            return p.publish(keep)

    assert publish({"a.html", "b.html"}, {"a.html": "A", "b.html": "B"}) == (2, [])
    passes: list[str] = []
    monkeypatch.setattr(publish_mod, "prune", lambda *a: passes.append("prune") or [])
    monkeypatch.setattr(publish_mod, "lists_exactly", lambda *a: passes.append("compare") or True)
    assert publish(frozenset({"a.html", "b.html"}), {"a.html": "A2"}) == (1, [])
    assert passes == [] and (out / "a.html").read_text() == "A2"
    monkeypatch.undo()
    assert publish({"a.html"}, {}) == (0, ["b.html"])
    assert read_manifest(out) == {"a.html"} and not (out / "b.html").exists()
    assert publish({"a.html", "c.html"}, {"c.html": "C"}) == (1, [])
    assert read_manifest(out) == {"a.html", "c.html"}
