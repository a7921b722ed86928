"""A plain `newsgen build` asks a running `newsgen build --watch` of the same output folder what changed, instead
of checking every file (as `git status` asks its fsmonitor daemon, and tools built on watchman ask it).

The watcher listens on a socket in the site's cache folder (`Answering`, one per output folder). `ask` connects
and says "sync". The watcher makes sure that the events of every save made before the question have reached it
(`serve.watch.Watcher.sync`, watchman's cookies), builds what is waiting at once, and answers "ok" with the lines
its builds printed since the question, or "check" with a reason when it cannot vouch for the output: its file
watcher is not complete, its last build failed, or its last check of every file found something it had not seen
(until a check finds nothing). While it builds, it says so every HEARTBEAT seconds: an asker that hears nothing
for SILENCE seconds stops asking. The asker then checks the last build's snapshot itself (its options, the
clock, the output's manifest) before it prints the answer (`cli._no_change`): anything else, and it checks every
file as before.

With CHECK_EVERY_FILE set in its environment, a plain build does not ask (the watcher's own builds, and anyone
who wants every file checked).

The asker's side runs before the build's modules are loaded, in every plain build: it imports only os and zlib
until it finds a socket (then `socket`, ~3 ms: it imports enum).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

CHECK_EVERY_FILE = "NEWSGEN_CHECK_EVERY_FILE"  # the environment variable that keeps a build from asking
HEARTBEAT = 2.0  # seconds between the watcher's "still building" while the asker waits
HEARD = 2.0  # seconds the asker waits for the watcher to take the question (a watcher stopped with Ctrl-Z)
SILENCE = 30.0  # seconds without a word after which the asker stops waiting
_LONGEST_PATH = 100  # bytes in a socket's path, at most (108 with the terminating NUL on Linux, 104 on macOS)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def place(root: str, out: str) -> str:
    """The socket's path: in the site's cache folder, named for the output folder."""
    import zlib  # (loaded already by the no-change answer: hashlib would take milliseconds)

    from .incremental.snapshot import CACHE_DIR

    named = zlib.crc32(os.fsencode(os.path.realpath(out)))
    return os.path.join(os.path.abspath(root), CACHE_DIR, f"watch-{named:08x}.sock")  # noqa: PTH100 - (no pathlib)


def ask(path: str) -> list[str] | str:
    """The lines the running watcher's builds printed since the question ([] when there was nothing to build),
    or why there is no answer to trust (the build then checks every file): no watcher (""), one that cannot
    vouch for the output, one of another user, one that does not answer. `path`: the socket's (`place`)."""
    import stat

    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return ""
    if CHECK_EVERY_FILE in os.environ:
        return ""
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != os.getuid():
        return "its socket is not one this user made"
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            with _Address(path) as address:
                sock.settimeout(HEARD)
                sock.connect(address)
            sock.sendall(b"sync\n")
            said = sock.recv(1 << 16)  # (at once: the watcher took the question)
            sock.settimeout(SILENCE)
            while chunk := sock.recv(1 << 16):
                said += chunk
        except OSError:  # (no one listens: a watcher killed; a timeout; a path too long)
            return "it did not answer"
    lines = said.decode("utf-8", "replace").lstrip("\n").split("\n")
    if lines[0] == "ok":
        return [line for line in lines[1:] if line]
    return lines[0].removeprefix("check ") or "it did not answer"


class Answering:
    """The watcher's side: `on_question(reply)` is called (from a thread of its own) for each question; the loop
    calls `reply(lines)` when it has built what was waiting, or `reply(None, reason)`. Raises Taken when another
    watcher answers for this output folder already."""

    def __init__(self, root: str, out: str, on_question: Callable[[Callable[..., None]], None]) -> None:
        import socket
        import threading
        from pathlib import Path

        self.path = place(root, out)
        self._on_question = on_question
        self._sock: socket.socket | None = None
        self._inode = -1
        if not hasattr(socket, "AF_UNIX"):  # (Windows' Python: no one asks there, `cli._no_change` is for POSIX)
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            with _Address(self.path) as address:
                if _answered(address):
                    raise Taken
                Path(self.path).unlink(missing_ok=True)  # (left by a watcher that was killed)
                sock.bind(address)
            Path(self.path).chmod(0o600)  # (only its owner may ask)
            self._inode = Path(self.path).lstat().st_ino
            sock.listen(8)
        except OSError:
            sock.close()
            return
        except Taken:
            sock.close()
            raise
        self._sock = sock
        threading.Thread(target=self._accept, name="newsgen-answering", daemon=True).start()

    def close(self) -> None:
        """No more questions: the socket removed (if it is still this one's) and closed."""
        import socket

        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            if os.lstat(self.path).st_ino == self._inode:
                os.unlink(self.path)
        except OSError:
            pass
        try:
            sock.shutdown(socket.SHUT_RDWR)  # (wakes the thread waiting in accept)
        except OSError:
            pass
        sock.close()

    def _accept(self) -> None:
        import threading
        import time

        while (sock := self._sock) is not None:
            try:
                conn, _ = sock.accept()
                threading.Thread(target=self._answer, args=(conn,), name="newsgen-answer", daemon=True).start()
            except (OSError, RuntimeError):  # (closed; or out of descriptors or threads for a moment)
                time.sleep(0.1)

    def _answer(self, conn: socket.socket) -> None:
        import threading

        done = threading.Event()
        answer: list[bytes] = []

        def reply(lines: list[str] | None, reason: str = "") -> None:
            answer.append(("ok\n" + "".join(f"{line}\n" for line in lines)).encode() if lines is not None
                          else f"check {reason}\n".encode())
            done.set()

        with conn:
            try:
                conn.settimeout(SILENCE)
                if not conn.recv(64).startswith(b"sync"):
                    return
                conn.sendall(b"\n")  # (taken)
                self._on_question(reply)
                while not done.wait(HEARTBEAT):
                    if self._sock is None:
                        return  # (the watcher stopped)
                    conn.sendall(b"\n")  # still building
                conn.sendall(answer[0])
            except OSError:  # (the asker went away)
                return


class Taken(Exception):  # noqa: N818 - (a state, not a failure of this code)
    """Another watcher answers for this output folder."""


class _Address:
    """The address of the socket at `path`: the path itself, or when it is too long for a socket's address (a
    site deep in folders), the same file named through its open folder (/proc/self/fd/N/name, Linux). A socket
    cannot be reached where neither fits (OSError on connect or bind)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = -1

    def __enter__(self) -> str:
        if len(os.fsencode(self.path)) <= _LONGEST_PATH or not os.path.isdir("/proc/self/fd"):  # noqa: PTH112
            return self.path
        folder, name = os.path.split(self.path)
        self._fd = os.open(folder, _FOLDER)
        return f"/proc/self/fd/{self._fd}/{name}"

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _answered(address: str) -> bool:
    """Whether a process answers at `address` now (a socket that refuses, or none, is not answered)."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(HEARD)
        try:
            probe.connect(address)
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError:  # (another user's, a timeout: someone is there)
            return True
    return True
