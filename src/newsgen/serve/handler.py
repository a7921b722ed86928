"""HTTP for the preview: GET and HEAD of files inside the output folder, the reload script, and
one Server-Sent Events stream per open tab. Standard library only (model: mkdocs
`livereload/__init__.py`).

Requests read the output under the publish lock's read side, so a build moving its files into
place makes them wait instead of mixing two builds. The reload script goes into HTML responses
only; the files on disk are exactly what `build()` wrote.
"""

from __future__ import annotations

import logging
import re
import select
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from .clients import Hub
from .files import (
    CLIENT_URL,
    EVENTS_URL,
    client_script,
    content_type,
    inject,
    not_found_page,
    placeholder_page,
    resolve,
)
from .rwlock import ReadWriteLock

log = logging.getLogger(__name__)

KEEP_ALIVE = 15.0  # seconds between SSE comments: keeps proxies and browsers from timing out
_GONE_CHECK = 0.5  # seconds between checks that an SSE client is still there
STREAM_ABOVE = 1 << 20  # bytes: a larger file (not a page) is sent in parts, and one range of it when asked
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")  # (one range; several, or none understood: the whole file)
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the output folder, the tabs and the publish lock, and
    closes every open connection when it stops."""

    daemon_threads = True
    allow_reuse_address = True  # restart at once on the same port (TIME_WAIT), as http.server does
    # The listen backlog (socketserver's default is 5). A page with its assets, several tabs, a
    # link checker: with 5, connections beyond it are dropped and the client retries after 1 s,
    # 3 s, 7 s... (300 concurrent requests: p50 ~1 s, up to 30 s). The kernel caps it at somaxconn.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], out: Path, hub: Hub, lock: ReadWriteLock) -> None:
        self.out = out
        self.hub = hub
        self.lock = lock
        self.built_once = threading.Event()  # set when a build has succeeded: else a placeholder
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    @property
    def base_path(self) -> str:
        return self.hub.base_path

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def loopback(self) -> bool:
        address = str(self.server_address[0])
        return address == "::1" or address.startswith("127.")

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A tab closed mid-response is normal; anything else is a bug, shown with its traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            log.debug("connection from %s closed early", client_address)
        else:
            log.error("newsgen serve failed to answer a request (a bug: please report it)", exc_info=True)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"  # keep-alive: a page and its assets over one connection
    timeout = 60  # an idle keep-alive connection is closed after this long
    server_version = "newsgen-serve"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._skip_body()
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._skip_body()
        self._respond(head=True)

    def _skip_body(self) -> None:
        """A body sent with a GET or HEAD (no browser does) is read and dropped, not taken for the next
        request of the connection; a large or unreadable one closes the connection after the answer."""
        length = self.headers.get("Content-Length", "0").strip()
        if length != "0":
            if length.isascii() and length.isdigit() and int(length) <= 1 << 16:
                self.rfile.read(int(length))
            else:
                self.close_connection = True
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    # ------------------------------------------------------------------ responses

    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"This preview only answers to localhost.\n",
                       "text/plain; charset=utf-8", head)
            return
        try:
            parts = urlsplit(self.path)
        except ValueError:  # (`GET http://[/`: an address urllib cannot read)
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request.\n", "text/plain; charset=utf-8", head)
            return
        if parts.path == CLIENT_URL:
            self._send(HTTPStatus.OK, client_script(), "text/javascript; charset=utf-8", head)
            return
        if parts.path == EVENTS_URL:
            self._events(parts.query, head)
            return
        if parts.path == "/" and self.server.base_path != "/":
            self._redirect(self.server.base_path, head)
            return
        srv = self.server
        data: bytes | None = None
        tag = ""
        with srv.lock.reading():
            found = resolve(srv.out, parts.path, srv.base_path)
            page, status = found.path, HTTPStatus.OK
            if page is None:
                status = HTTPStatus.NOT_FOUND
                page = not_found_page(srv.out, srv.base_path, parts.path)
            big = None  # a large file other than a page: opened here, sent in parts below (a video, a PDF)
            if page is not None and found.status != HTTPStatus.MOVED_PERMANENTLY:
                try:
                    stat = page.stat()
                    tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
                    if stat.st_size > STREAM_ABOVE and status == HTTPStatus.OK and \
                            not content_type(page.name).startswith("text/html"):
                        big = page.open("rb")  # (a build replaces files by renaming: this one stays as it is)
                    else:
                        data = page.read_bytes()
                except OSError:
                    data, status = None, HTTPStatus.NOT_FOUND
            token = srv.hub.token
        if big is not None and page is not None:
            with big:
                self._send_file(big, stat.st_size, content_type(page.name), tag, head)
            return
        if found.status == HTTPStatus.MOVED_PERMANENTLY:
            self._redirect(found.location + (f"?{parts.query}" if parts.query else ""), head)
            return
        if data is None:  # no 404.html: no build has succeeded yet, or the site has none
            if not srv.built_once.is_set():
                status = HTTPStatus.SERVICE_UNAVAILABLE
            data, kind, tag = placeholder_page(), "text/html; charset=utf-8", ""
        else:
            kind = content_type(page.name if page is not None else "404.html")
        if kind.startswith("text/html"):
            data, tag = inject(data, token), ""  # always fresh: it carries the build token
        elif status == HTTPStatus.OK and tag and self.headers.get("If-None-Match") == tag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", kind, head=True, etag=tag)
            return
        self._send(status, data, kind, head, etag=tag)

    def _send(self, status: int, data: bytes, kind: str, head: bool, etag: str = "") -> None:
        """HTML is never cached (every response carries the current build token); other files
        are revalidated on every use (ETag), so a reload costs a 304 per unchanged asset."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(data)))
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _send_file(self, file: BinaryIO, size: int, kind: str, tag: str, head: bool) -> None:
        """A large file in parts of 64 KB (a 300 MB video was read whole for each request), or the one
        range asked for (`Range: bytes=a-b`: Safari plays a video only so)."""
        if self.headers.get("If-None-Match") == tag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", kind, head=True, etag=tag)
            return
        start, end, status = 0, size - 1, HTTPStatus.OK
        wanted = _RANGE.fullmatch(self.headers.get("Range", "").strip())
        if wanted and (wanted.group(1) or wanted.group(2)):
            first, last = wanted.groups()
            start, end = (int(first), min(int(last), size - 1) if last else size - 1) if first else (
                max(size - int(last), 0), size - 1)
            status = HTTPStatus.PARTIAL_CONTENT
            if start > end or start >= size:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("ETag", tag)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if head:
            return
        file.seek(start)
        left = end - start + 1
        while left > 0 and (chunk := file.read(min(left, 1 << 16))):
            self.wfile.write(chunk)
            left -= len(chunk)

    def _redirect(self, location: str, head: bool) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self, query: str, head: bool) -> None:
        params = parse_qs(query)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        tab = self.server.hub.connect(params.get("path", ["/"])[0], params.get("build", [""])[0], self._client_gone)
        try:
            self.wfile.write(b"retry: 1000\n\n")
            quiet = 0.0
            while True:
                message = tab.next(_GONE_CHECK)
                if message is None:
                    if self._client_gone():  # a reloading tab: forget it now, not at the next write
                        break
                    quiet += _GONE_CHECK
                    if quiet >= KEEP_ALIVE:
                        self.wfile.write(b": keep-alive\n\n")
                        quiet = 0.0
                    continue
                event, data = message
                if not event:  # the server is stopping
                    break
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
        except OSError:  # the tab went away
            pass
        finally:
            self.server.hub.disconnect(tab)

    def _client_gone(self) -> bool:
        """An event stream's client never sends anything after its request: a readable socket
        means it was closed."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)
        except (OSError, ValueError):
            return True

    def _host_allowed(self) -> bool:
        """On a loopback address, answer only requests addressed to localhost: a web page elsewhere
        cannot read the preview through a DNS name that points at 127.0.0.1 (DNS rebinding)."""
        if not self.server.loopback:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[1:].split("]", 1)[0]
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return not host or name in _LOOPBACK_NAMES or name.endswith(".localhost")

