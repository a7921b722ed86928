"""fileio.py: whole-file reads and writes at the os level, the same bytes and errors as open()."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from unittest import mock

import pytest

from newsgen import fileio
from newsgen.fileio import append_bytes, read_bytes, write_bytes


@pytest.mark.parametrize("size", [0, 1, 5000, 1 << 16, (1 << 16) + 1, 300_000])
def test_read_bytes_reads_every_byte(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    assert read_bytes(str(tmp_path / "f")) == data


def test_read_bytes_reads_on_after_a_short_read(tmp_path: Path) -> None:
    """A read that returns less than the file's size (a file that shrank, a short read) is followed
    by more reads until the end: never a truncated article."""
    data = b"x" * 100_000
    (tmp_path / "f").write_bytes(data)
    real_read = os.read
    with mock.patch.object(fileio.os, "read", side_effect=lambda fd, n: real_read(fd, min(n, 7000))):
        assert read_bytes(str(tmp_path / "f")) == data


def test_read_bytes_raises_what_open_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(str(tmp_path / "missing"))
    with pytest.raises(IsADirectoryError):
        read_bytes(str(tmp_path))
    os.mkfifo(tmp_path / "pipe")  # (opened without blocking: not a hang)
    with pytest.raises(OSError, match="not a regular file"):
        read_bytes(str(tmp_path / "pipe"))


def test_read_bytes_closes_its_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"abc")
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        read_bytes(str(tmp_path / "f"))
    with pytest.raises(IsADirectoryError):
        read_bytes(str(tmp_path))
    assert len(os.listdir("/proc/self/fd")) == before


def test_write_bytes_creates_truncates_and_keeps_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    write_bytes(str(target), b"a much longer first version")
    write_bytes(str(target), b"short")
    assert target.read_bytes() == b"short"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # what open(path, "wb") gives
    with pytest.raises(FileNotFoundError):
        write_bytes(str(tmp_path / "no-folder" / "x.html"), b"x")


def test_write_bytes_writes_everything_after_a_partial_write(tmp_path: Path) -> None:
    data = os.urandom(50_000)
    real_write = os.write
    with mock.patch.object(fileio.os, "write", side_effect=lambda fd, b: real_write(fd, b[:3000])):
        write_bytes(str(tmp_path / "f"), data)
    assert (tmp_path / "f").read_bytes() == data


def test_append_bytes_says_where_each_append_starts(tmp_path: Path) -> None:
    path = str(tmp_path / "spool")
    assert append_bytes(path, b"first") == 0
    assert append_bytes(path, b"") == 5
    assert append_bytes(path, b"second") == 5
    assert (tmp_path / "spool").read_bytes() == b"firstsecond"


def test_read_bytes_waits_for_a_lease_as_open_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process's write lease (Samba, NFS) makes a non-blocking open fail with EAGAIN: a regular
    file is then opened as open() opens it (review)."""
    (tmp_path / "a.md").write_bytes(b"text")
    real = os.open

    def leased(path, flags, *rest):  # type: ignore[no-untyped-def]
        if flags & os.O_NONBLOCK:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real(path, flags, *rest)

    monkeypatch.setattr(os, "open", leased)
    assert read_bytes(str(tmp_path / "a.md")) == b"text"
