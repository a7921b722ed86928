"""aside.py and outputs.Outputs: the files the last build left are checked in a forked child
while the build goes on; what it finds is exactly what checking each file here would find."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from newsgen.fileio import present
from newsgen.incremental.outputs import Outputs, _indices, _missing
from newsgen.parallel.aside import LIMIT, Aside


def _answer(text: str) -> bytes:
    return text.encode()


def _boom() -> bytes:
    raise RuntimeError("in the child")


def _too_big() -> bytes:
    return b"x" * (LIMIT + 1)


def _pid() -> bytes:
    return str(os.getpid()).encode()


def test_the_answer_comes_from_another_process() -> None:
    assert Aside(_answer, "hello").result() == b"hello"
    assert int(Aside(_pid).result() or 0) not in (0, os.getpid())


@pytest.mark.parametrize("job", [_boom, _too_big])
def test_no_answer_when_the_child_fails_or_says_too_much(job) -> None:  # type: ignore[no-untyped-def]
    aside = Aside(job)
    assert aside.result() is None
    assert aside.result() is None  # asked again: still none, nothing left open


def test_a_child_never_read_is_reaped(tmp_path: Path) -> None:
    aside = Aside(_answer, "x")
    pid = aside._pid
    del aside
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


def _tree(out: Path, n: int) -> list[str]:
    rels = [f"s{i % 7}/a{i}/index.html" for i in range(n)]
    for rel in rels:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
    return rels


@pytest.mark.parametrize("n", [10, Outputs.ASIDE_MIN + 37])
def test_outputs_finds_what_checking_each_file_finds(tmp_path: Path, n: int) -> None:
    rels = _tree(tmp_path, n)
    gone = set(random.Random(n).sample(rels, min(25, n // 2)))
    for rel in gone:
        (tmp_path / rel).unlink()
    (tmp_path / "s1" / "a1").rename(tmp_path / "s1" / "moved")  # a whole folder
    gone.add("s1/a1/index.html")
    (tmp_path / "new.html").write_text("x", encoding="utf-8")  # not left by the last build: asked when needed
    outputs = Outputs(tmp_path, rels)
    assert (outputs._aside is not None) == (n >= Outputs.ASIDE_MIN)
    assert [r for r in rels if not outputs.there(r)] == [r for r in rels if r in gone]
    assert outputs.there("new.html") and not outputs.there("missing.html")
    assert not outputs.all_there()
    assert Outputs(tmp_path, [r for r in rels if r not in gone]).all_there()


def test_no_output_folder_means_nothing_is_there(tmp_path: Path) -> None:
    rels = [f"a{i}.html" for i in range(Outputs.ASIDE_MIN)]
    outputs = Outputs(tmp_path / "nothing", rels)
    assert not outputs.all_there() and not outputs.there(rels[0])


@pytest.mark.parametrize("gone", [[], [3], [3, 17], list(range(0, 200, 2)), list(range(200))])
def test_missing_answer_names_exactly_the_missing_files(tmp_path: Path, gone: list[int]) -> None:
    rels = _tree(tmp_path, 200)
    for i in gone:
        (tmp_path / rels[i]).unlink()
    answer = _missing(present(str(tmp_path)), rels)
    assert list(_indices(answer, len(rels))) == gone
    assert len(answer) <= 1 + min(4 * len(gone), 25)  # indices or a bit per file, whichever is shorter


def test_a_million_files_none_missing_is_a_one_byte_answer() -> None:
    """The aside checks any number of files (1.28 million at a million articles): the answer's size
    follows what is missing, not what was checked."""
    left = [f"a{i}/index.html" for i in range(1_000_000)]
    answer = _missing(lambda rel: True, left)
    assert answer == b"i" and list(_indices(answer, len(left))) == []
    answer = _missing(lambda rel: rel != "a999999/index.html", left)
    assert list(_indices(answer, len(left))) == [999_999]
    assert len(Aside(_missing, lambda rel: True, left).result() or b"") == 1


@pytest.mark.parametrize("gone", [[], [0], [5], [0, 5], list(range(0, Outputs.ASIDE_MIN + 37, 3)),
                                  list(range(Outputs.ASIDE_MIN + 37))])
def test_all_there_answers_from_the_aside_without_a_set_of_the_missing(tmp_path: Path, gone: list[int]) -> None:
    """The no-change check asks `all_there` first: from the child's answer as it came (none missing, a few
    indices, or a bit per file), without making a set of every missing file (an emptied output folder:
    1.28 million names at a million articles, held all build long); `there` then makes it, and agrees."""
    rels = _tree(tmp_path, Outputs.ASIDE_MIN + 37)
    for i in gone:
        (tmp_path / rels[i]).unlink()
    for shared in (False, True):
        outputs = Outputs(tmp_path, rels, aside=not shared)
        if shared:  # (the check shared with the walk's child: this process takes every slice itself here)
            assert outputs.shared() is not None
        assert outputs.all_there() == (not gone)
        assert outputs._missing is None
        assert [i for i, r in enumerate(rels) if not outputs.there(r)] == gone
        assert outputs.all_there() == (not gone)
