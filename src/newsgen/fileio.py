"""Whole-file reads and writes at the os level, for the files a build handles by the ten thousand.

`open()` builds a FileIO and a buffered reader or writer around each file and asks the kernel four
more things (fstat twice, isatty, lseek): ~22 us to read an article against ~11 us here, ~35 us to
write a page against ~26 us. A cold 10k build reads ~20k sources and writes ~13k pages.
"""

from __future__ import annotations

import errno
import os
from stat import S_ISDIR as _folder
from stat import S_ISREG as _regular

MANIFEST = ".newsgen-output"  # in an output folder: what newsgen wrote there (output.py writes it)

TYPE_CHECKING = False
if TYPE_CHECKING:  # (collections.abc is not imported: the no-change answer of `newsgen build` loads this module)
    from collections.abc import Callable

CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
Stamp = tuple[str, int, int]  # a file's path relative to the site, mtime_ns, size


def read_bytes(path: str) -> bytes:
    """The file's bytes (OSError as open() raises it: missing, a folder, no permission; and "not a regular
    file" for a FIFO, a socket or a device, opened without blocking: a FIFO named like an article must
    not hang the build)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | CLOEXEC)
    except BlockingIOError:  # a lease another process holds (Samba, NFS): a regular file waits for it, as open() does
        if not _regular(os.stat(path).st_mode):
            raise
        fd = os.open(path, os.O_RDONLY | CLOEXEC)
    try:
        st = os.fstat(fd)
        if not _regular(st.st_mode):
            code = errno.EISDIR if _folder(st.st_mode) else errno.EINVAL  # (a folder: IsADirectoryError, as before)
            raise OSError(code, os.strerror(code) if code == errno.EISDIR else "not a regular file")
        size = st.st_size
        data = os.read(fd, size + 1)  # one byte more than expected: a file that grew is read on below
        if len(data) == size:
            return data
        chunks = [data]
        while data:  # grew, shrank, or a short read: read to the end
            data = os.read(fd, 1 << 16)
            chunks.append(data)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_bytes(path: str, data: bytes) -> None:
    """Create or truncate `path` and write `data` to it (FileNotFoundError: its folder is missing)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | CLOEXEC, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def append_bytes(path: str, data: bytes, mode: int = 0o600) -> int:
    """Append `data` to `path` (made if missing); returns the offset it starts at, taken from the
    file itself: an earlier append that failed half-way shifts nothing after it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | CLOEXEC, mode)
    try:
        start = os.fstat(fd).st_size
        write_all(fd, data)
    finally:
        os.close(fd)
    return start


def write_all(fd: int, data: bytes) -> None:
    """Every byte of `data` to `fd` (os.write may write fewer: a disk nearly full, a signal)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def stamp(root: object, rel: str) -> Stamp:
    """(rel, mtime_ns, size) of `root/rel`; (rel, -1, -1) when it cannot be read."""
    try:
        st = os.stat(f"{root}/{rel}")  # a string join: this runs for every file of every build
    except (OSError, ValueError):
        return (rel, -1, -1)
    return (rel, st.st_mtime_ns, st.st_size)


def digest(root: object, rel: str) -> str:
    """Content digest of a file, or of a folder's list of names; "-" when it cannot be read."""
    import hashlib

    path = f"{root}/{rel}"
    try:
        if os.path.isdir(path):  # noqa: PTH112 - strings on the hot path
            data = "\0".join(sorted(os.listdir(path))).encode()
        else:
            data = read_bytes(path)
    except (OSError, ValueError):
        return "-"
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def identity(path: object) -> tuple[int, ...] | None:
    """A regular file's identity: device, inode, links, size, change times (None: no such file, or a symlink
    or something else). Writing it, replacing it, linking it elsewhere or copying it gives another; an
    output's manifest is trusted while it has the one recorded."""
    try:
        st = os.lstat(path)  # type: ignore[arg-type]
    except (OSError, ValueError):
        return None
    if not _regular(st.st_mode):
        return None
    return (st.st_dev, st.st_ino, st.st_nlink, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_regular(path: object, limit: int | None = None) -> bytes | None:
    """The bytes of a regular file (its first `limit` at most), or None when it is missing or something
    else (a folder, a FIFO someone put there: opened without blocking, so it cannot hang a build)."""
    fd, _ = _open_regular(path)
    if fd < 0:
        return None
    try:
        return _read_all(fd) if limit is None else os.read(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def _open_regular(path: object) -> tuple[int, int]:
    """(descriptor, size) of `path` when it is a regular file (opened without blocking, then checked),
    else (-1, -1)."""
    import stat

    try:
        fd = os.open(str(path), os.O_RDONLY | os.O_NONBLOCK | CLOEXEC)
    except OSError:
        return -1, -1
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            return fd, info.st_size
    except OSError:
        pass
    os.close(fd)
    return -1, -1


def _read_all(fd: int) -> bytes:
    return b"".join(iter(lambda: os.read(fd, 1 << 22), b""))


def map_regular(path: object) -> memoryview | None:
    """A read-only view of a regular file's bytes, mapped rather than read (no copy: the build cache is
    ~10 MB at 10,000 articles, ~1 GB at a million, read in ~3 ms instead of ~15 at 10k); None when it is
    missing or something else (opened without blocking, like read_regular). The map is unmapped when
    the last view of it is released. Only for files that are replaced (os.replace), never rewritten in
    place: a file cut short while mapped would fault the process."""
    import mmap

    fd, size = _open_regular(path)
    if fd < 0:
        return None
    try:
        if size == 0:
            return memoryview(b"")
        try:
            return memoryview(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # a file system that cannot map files: read it
            return memoryview(_read_all(fd))
    except OSError:
        return None
    finally:
        os.close(fd)


def present(folder: str) -> Callable[[str], bool]:
    """present(folder)(rel): is there something at folder/rel (symlinks followed, like os.path.exists)?
    For checking that each of the ten thousand files a build left is still there: access(F_OK) relative
    to the folder's descriptor is ~35 % cheaper than os.path.exists (no stat result is made). The
    descriptor is closed when the function is dropped."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | CLOEXEC)
    except OSError:
        return lambda rel: False
    holder = _Folder(fd)
    access, f_ok = os.access, os.F_OK

    def check(rel: str) -> bool:
        try:
            return access(rel, f_ok, dir_fd=holder.fd)
        except (OSError, ValueError):
            return False

    return check


class _Folder:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        os.close(self.fd)


class Readers:
    """Pieces of spool files read by offset, each file opened once per process (a worker reads thousands
    of rendered bodies or cards from the same few files). close() before the files are deleted."""

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}

    def read(self, path: str, offset: int, length: int) -> str | None:
        """The UTF-8 text at `offset`, None when it cannot be read whole (the caller renders it again)."""
        try:
            fd = self._fds.get(path)
            if fd is None:
                fd = self._fds[path] = os.open(path, os.O_RDONLY | CLOEXEC)
            data = os.pread(fd, length, offset)
            return data.decode("utf-8") if len(data) == length else None
        except (OSError, UnicodeDecodeError):
            return None

    def close(self) -> None:
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds.clear()


def is_empty(folder: str | os.PathLike[str]) -> bool:
    """True when `folder` is missing or holds nothing."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except (FileNotFoundError, NotADirectoryError):
        return True
