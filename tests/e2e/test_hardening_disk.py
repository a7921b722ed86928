"""Issue 19 items 4 and 10: a full disk, an output folder that cannot be made, a cache that cannot be
saved or is damaged: one line naming the real cause, nothing left behind, never wrong output."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import pytest


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(make_site):  # type: ignore[no-untyped-def]
    return make_site({f"content/politics/a{i}.md": make_site.article(f"Story {i}", date=f"2025-03-{10 + i} 10:00")
                      for i in range(8)})


def _disk_full(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    import newsgen.output

    real = newsgen.output.write_bytes
    count = [0]

    def full(path: str, data: bytes) -> None:
        count[0] += 1
        if count[0] > after:
            with open(path, "wb") as f:  # the file is made, then the disk is full
                f.write(data[:3])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        real(path, data)

    monkeypatch.setattr(newsgen.output, "write_bytes", full)


def test_a_full_disk_on_a_first_build_is_one_line_and_leaves_nothing(make_site, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    _disk_full(monkeypatch, after=5)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, lines  # one line for every page that could not be written, and the summary
    assert "No space left on device (errno 28)" in lines[0] and "free some space" in lines[0]
    assert _tree(root / "public") == {}  # "nothing was written" is true: no empty files, no folders
    assert [p for p in (root / "public").rglob("*")] == []


def test_a_full_disk_on_a_rebuild_keeps_the_previous_output(make_site, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = _tree(root / "public")
    for path in (root / "content/politics").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("More text.", "More text, edited."), encoding="utf-8")
    _disk_full(monkeypatch)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback and "No space left on device" in result.stderr
    assert _tree(root / "public") == before
    monkeypatch.undo()
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0  # and the next build succeeds
    assert _tree(root / "public") != before


def test_an_output_folder_that_cannot_be_made(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    (root / "afile").write_text("x", encoding="utf-8")
    result = run_cli(["build", "--jobs", "1", "--out", str(root / "afile/public")], root)
    assert result.exit_code == 1 and not result.traceback
    assert "cannot create the output folder" in result.stderr or "is a file" in result.stderr


def test_a_cache_that_cannot_be_saved_is_a_warning_after_a_good_build(make_site, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path as P

    root = _site(make_site)
    real = P.write_bytes

    def full(self: P, data: bytes) -> int:
        if ".newsgen-cache" in str(self) and str(self).endswith(".tmp") and "build-" in self.name:
            real(self, data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    class FullFile:  # a full cache file is written record by record into an open file
        def __init__(self, path: str, mode: str, **kwargs: object) -> None:
            self.f = open(path, mode, **kwargs)  # type: ignore[call-overload]  # noqa: SIM115
            self.name = str(path)

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> int:
            self.f.write(data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.name)

    monkeypatch.setattr(P, "write_bytes", full)
    monkeypatch.setattr("newsgen.incremental.cache.open", FullFile, raising=False)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert "cannot save the build cache (No space left on device)" in result.stderr
    assert not [p for p in (root / ".newsgen-cache").iterdir() if p.suffix == ".tmp"]
    assert (root / "public/index.html").exists()
    monkeypatch.undo()
    again = run_cli(["build", "--jobs", "1"], root)  # no cache: a full build, the same output
    assert again.exit_code == 0


def test_random_damage_to_the_cache_never_publishes_wrong_output(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The issue's repro: 1-30 bytes flipped in the cache, many times; every build afterwards gives the
    output a clean build gives, and says it did a full build."""
    root = _site(make_site)
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    clean = _tree(root / "public")
    cache = next((root / ".newsgen-cache").glob("build-*.marshal"))
    good = cache.read_bytes()
    rng = random.Random(4)
    for _ in range(12):
        data = bytearray(good)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        cache.write_bytes(bytes(data))
        for snap in (root / ".newsgen-cache").glob("inputs-*"):
            snap.unlink()  # the no-change fast path would not even look at the cache
        result = run_cli(["build", "--jobs", "1"], root)
        assert result.exit_code == 0 and not result.traceback
        assert "doing a full build" in result.stderr
        assert _tree(root / "public") == clean
        good = cache.read_bytes()  # the full build saved a sound cache again


def test_a_cut_short_file_in_the_image_cache_is_made_again_not_published(make_site, run_cli, png) -> None:  # type: ignore[no-untyped-def]
    import shutil

    root = make_site({"content/politics/a/index.md": make_site.article("Photo", image="photo.png"),
                      "content/politics/a/photo.png": png(1000, 600)})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    first = _tree(root / "public")
    variants = sorted((root / ".newsgen-cache/images").iterdir())
    assert variants
    for v in variants:
        v.write_bytes(v.read_bytes()[: len(v.read_bytes()) // 2])  # cut short, as a full disk or a crash would
    shutil.rmtree(root / "public")  # a CI runner that restores the caches but not the output
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert _tree(root / "public") == first


def test_a_file_where_the_cache_folder_goes_is_one_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`.newsgen-cache` a regular file: a NotADirectoryError traceback from the image cache."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / ".newsgen-cache").write_text("x", encoding="utf-8")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert result.stderr.splitlines() == [
        ".newsgen-cache/images: cannot make the image cache folder: Not a directory (remove what is in its place: "
        "newsgen makes this folder, and may delete it)", "newsgen: 1 error, nothing was written"]
    assert not (root / "public").exists() or not any((root / "public").iterdir())


def test_a_template_that_is_not_utf8_is_one_line_at_its_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A Latin-1 templates/article.html: a UnicodeDecodeError traceback from the build, a vague line from check."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "article.html").write_bytes(b'{% extends "base.html" %}\n{# caf\xe9 #}\n')
    for command in (["build", "--jobs", "1"], ["check"]):
        result = run_cli(command, root)
        assert result.exit_code == 1 and not result.traceback, result.stderr
        assert result.stderr.splitlines()[0] == \
            "templates/article.html:2: is not UTF-8 text (byte 0xe9) (save it as UTF-8)"
