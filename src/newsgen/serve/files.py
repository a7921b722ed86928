"""What the preview serves: a URL path -> a file inside the output folder (never outside it),
its MIME type, and the reload script put into HTML responses (the files on disk stay as built).
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

from .changes import output_for_url

CLIENT_URL = "/__newsgen/client.js"
EVENTS_URL = "/__newsgen/events"

# Our own table first: the host's mimetypes database varies (and on some systems says
# text/plain for .js); text types always say charset=utf-8, which is what newsgen writes.
_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml",
    ".txt": "text/plain", ".md": "text/plain", ".svg": "image/svg+xml", ".ico": "image/x-icon",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".woff": "font/woff", ".woff2": "font/woff2",
    ".ttf": "font/ttf", ".otf": "font/otf", ".pdf": "application/pdf", ".mp4": "video/mp4",
    ".webm": "video/webm", ".mp3": "audio/mpeg", ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json", ".map": "application/json",
}
_TEXT_TYPES = ("application/json", "application/xml", "image/svg+xml", "application/manifest+json")
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


@dataclass(frozen=True)
class Found:
    path: Path | None  # the file to send; None: redirect or not found
    status: int  # 200, 301 (add the slash), 404
    location: str = ""  # for 301


def resolve(out: Path, url_path: str, base_path: str = "/") -> Found:
    """Map a request path to a file inside `out`. Refuses `..` (also percent-encoded), NUL,
    backslashes, and symlinks that lead outside the output folder. A path the file system cannot
    even look up (a name longer than 255 bytes: ENAMETOOLONG, a symlink loop, any other OSError)
    is simply not found: no file of the output can have such a name."""
    rel = output_for_url(url_path, base_path)
    if rel is None:
        return Found(None, 404)
    try:
        return _resolve(out, rel, base_path)
    except (OSError, RuntimeError, ValueError):  # too long, a loop, a name the OS refuses
        return Found(None, 404)


def _resolve(out: Path, rel: str, base_path: str) -> Found:
    root = out.resolve()
    real = (root / rel).resolve()
    if real != root and root not in real.parents:
        return Found(None, 404)
    if real.is_dir():
        if (real / "index.html").is_file():  # "/politics" -> "/politics/", built from the clean path
            return Found(None, 301, base_path.rstrip("/") + "/" + quote(rel) + "/")
        return Found(None, 404)
    if not real.is_file():
        return Found(None, 404)
    return Found(real, 200)


def not_found_page(out: Path, base_path: str = "/", path: str = "") -> Path | None:
    """The 404 page for a missing `path`: the 404.html of its first folder when there is one (a language
    edition's, /vi/404.html for /vi/missing/), else the site's."""
    root = base_path.rstrip("/")
    first = path[len(root):].lstrip("/").split("/", 1)
    if len(first) == 2 and first[0] and first[0] not in (".", ".."):
        own = resolve(out, f"{root}/{first[0]}/404.html", base_path)
        if own.path is not None:
            return own.path
    return resolve(out, root + "/404.html", base_path).path


def inject(html: bytes, token: str) -> bytes:
    """Put the reload script before `</body>` (or at the end when there is none)."""
    tag = (f'<script src="{CLIENT_URL}" data-newsgen-build="{escape(token)}"></script>\n').encode()
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + b"\n" + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


def placeholder_page() -> bytes:
    """Shown while no build has succeeded yet (the overlay says why)."""
    return (b'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            b"<title>newsgen preview</title></head>\n<body>\n<h1>No preview yet</h1>\n"
            b"<p>The site could not be built. Fix the errors shown; this page reloads by itself.</p>\n"
            b"</body>\n</html>\n")


def client_script() -> bytes:
    return (resources.files("newsgen") / "serve" / "client.js").read_bytes()
