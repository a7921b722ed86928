"""The site's own images named in newsgen.yaml (`share_image`, `logo`): where each may be, checked when
the config is read, so that a shared link or the structured data never points at a missing file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp")  # what social cards show
SHARE_HINT = "a file in static/, e.g. `share_image: images/share.png` (1200x630 pixels is what cards show best)"
_NAMES = {".jpg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WebP", ".svg": "SVG"}
LOGO_HINT = "a file in static/, e.g. `logo: images/logo.png`, or an https:// address"


def image_problem(key: str, value: str, root: Path, types: tuple[str, ...], hint: str) -> tuple[str, str] | None:
    """Why setting `key` cannot use `value` (message, hint), or None. A web address must be http(s);
    anything else names a file in static/ (site-relative, with or without a leading "/"), which must
    exist there, inside the site folder, and be one of `types`."""
    value = value.strip()
    if not value.lower().split("?", 1)[0].endswith(types):
        kinds = [_NAMES[t] for t in types if t in _NAMES]
        return (f'{key} "{value}" must be a {", ".join(kinds[:-1])} or {kinds[-1]} image', hint)
    if "://" in value or value.startswith("//"):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (f'{key} "{value}" is not a web address', "e.g. https://cdn.example.org/image.png")
        return None
    rel = value.lstrip("/")
    if "\\" in rel or "\x00" in rel or any(part in ("", ".", "..") for part in rel.split("/")):
        return (f'{key} "{value}" is not a path inside static/', hint)
    static = (root / "static").resolve()
    try:
        real = (static / rel).resolve()
        found = real.is_file() and static in real.parents
    except (OSError, RuntimeError):
        found = False
    if not found:
        return (f'{key} "{value}": no such file in static/ (looked for static/{rel})', hint)
    return None
