"""In-process previews for end-to-end tests: `Preview.open(port=0)`, the build loop in a thread,
HTTP through urllib/http.client, the Server-Sent Events stream read line by line."""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsgen.serve.server import Preview

TIMEOUT = 20.0  # generous: CI machines are slow; every wait returns as soon as its condition holds


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class EventStream:
    """One tab's SSE stream: events land in a queue as (name, data)."""

    def __init__(self, url: str) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        # a plain socket, so that close() can end the stream the way a closing tab does
        self._sock = socket.create_connection((host, port), timeout=60)
        self._sock.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                           "Accept: text/event-stream\r\n\r\n".encode())
        self._file = self._sock.makefile("rb")
        status = self._file.readline()
        assert b" 200 " in status, status
        while self._file.readline().strip():  # the headers
            pass
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.next(TIMEOUT)[0] == "hello"

    def _read(self) -> None:
        name, data = "", ""
        try:
            for raw in self._file:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and name:
                    self.events.put((name, json.loads(data)))
                    name, data = "", ""
        except (OSError, ValueError):
            pass
        self.events.put(("closed", None))

    def next(self, timeout: float = TIMEOUT) -> tuple[str, Any]:
        return self.events.get(timeout=timeout)

    def wait_for(self, name: str, timeout: float = TIMEOUT) -> Any:
        """The data of the next `name` event; fails on timeout or when the stream closes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {name!r} event within {timeout} s")
            try:
                got, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if got == name:
                return data
            if got == "closed":
                raise AssertionError(f"stream closed while waiting for {name!r}")

    def drain(self) -> list[str]:
        names = []
        while True:
            try:
                names.append(self.events.get_nowait()[0])
            except queue.Empty:
                return names

    def close(self) -> None:
        """Close like a tab does: the socket goes away (this also ends the reading thread)."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


@dataclass
class Running:
    preview: Preview
    streams: list[EventStream] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.preview.server.port}"

    @property
    def out(self) -> Path:
        return self.preview.session.out

    @property
    def builds(self) -> int:
        return self.preview.session.builds

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
        """A raw request: the path goes out exactly as given (no client-side normalization)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.preview.server.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def token(self, path: str) -> str:
        import re

        body = self.get(path).text
        found = re.search(r'data-newsgen-build="([^"]+)"', body)
        assert found, "no reload script in the page"
        return found.group(1)

    def tab(self, path: str) -> EventStream:
        """A tab showing `path`: loads the page (for its token), then opens its stream."""
        from urllib.parse import quote

        stream = EventStream(f"{self.url}/__newsgen/events?build={quote(self.token(path))}&path={quote(path)}")
        self.streams.append(stream)
        return stream

    def wait_until(self, condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            time.sleep(0.02)

    def wait_idle(self, timeout: float = TIMEOUT) -> None:
        """Until no change is waiting, no chunk is left, and the loop has been quiet for a moment."""
        session, changes = self.preview.session, self.preview.changes

        def idle() -> bool:
            return not (changes.pending() or session.deferred or session.building)

        self.wait_until(idle, timeout, "idle")
        time.sleep(0.3)  # late events of the same edit
        self.wait_until(idle, timeout, "idle")

    def after_change(self, edit: Callable[[], object], timeout: float = TIMEOUT) -> None:
        """Make an edit and wait for the rebuild it causes (at least one more build, then idle)."""
        before = self.builds
        edit()
        self.wait_until(lambda: self.builds > before, timeout, "a rebuild")
        self.wait_idle(timeout)


@contextmanager
def running_preview(root: Path, drafts: bool = True) -> Iterator[Running]:
    preview = Preview.open(root, port=0, drafts=drafts)
    run = Running(preview)
    loop: threading.Thread | None = None
    try:
        preview.start(jobs=1)
        loop = threading.Thread(target=preview.loop, name="test-build-loop", daemon=True)
        loop.start()
        yield run
    finally:
        preview.stopping.set()
        preview.changes.close()
        if loop is not None:
            loop.join(TIMEOUT)
        preview.close()
        for s in run.streams:
            s.close()


@pytest.fixture
def serve() -> Callable[..., Any]:
    """`with serve(root) as s:` a running preview of `root` on a free port."""
    return running_preview
