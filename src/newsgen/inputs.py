"""What a build may read: only files inside the site's own input folders.

A symlink in `content/`, `static/` or `templates/` is followed only when it leads to a file inside one
of those folders. One that leads anywhere else (`/proc/self/environ`, `~/.ssh`, the site folder's own
`.env` or `.git`) is an error that names it, before anything is read through it: a pull request that
adds a Markdown file and a symlink must not be able to publish the build machine's secrets.

SVG files are documents that can run scripts when opened. A lead image must be a photo (JPEG, PNG,
GIF, WebP); an SVG published from `content/` must hold only drawing elements (`svg_problem`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .incremental.snapshot import Inputs

INPUT_FOLDERS = ("content", "static", "templates")
LINK_HINT = "newsgen never publishes files from outside the site: copy the file into the site instead"


def _bases(root: Path) -> tuple[str, ...]:
    return tuple(os.path.realpath(f"{root}/{name}") + os.sep for name in INPUT_FOLDERS)


def leaves_site(root: Path, rel: str) -> bool:
    """True when `root/rel`, with every symlink on its way resolved, is not inside an input folder."""
    return not (os.path.realpath(f"{root}/{rel}") + os.sep).startswith(_bases(root))


def is_outward_link(root: Path, rel: str) -> bool:
    """True when the file itself is a symlink leading out of the input folders (one lstat when not a link).
    Folders on the way were checked by `check_links` when the build walked the site."""
    if not os.path.islink(f"{root}/{rel}"):  # noqa: PTH114 - False, not OSError, for a name too long
        return False
    return leaves_site(root, rel)


# in a file's path: a control character (a line break ends a name in the output's manifest) or a byte that
# is not UTF-8 (os gives it as a lone surrogate); neither can be a page's or a file's address
_UNNAMEABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_PRINTABLE = bytes(range(0x20, 0x7f))  # ASCII without its control characters: a path of only these is nameable


def check_inputs(root: Path, found: Inputs) -> list[Diagnostic]:
    """`check_links`, and an error for each input file or folder whose name cannot be published."""
    # (newsgen serve: only the paths stamped again since its last good build, whose names were checked)
    return check_links(root, found.links) + check_names(found.stamps if found.touched is None else found.touched)


def check_names(stamps: Iterable[str]) -> list[Diagnostic]:
    """An error for each path (the walk's stamps) with a control character or bytes that are not UTF-8:
    a newline in a static file's name split its line of the output's manifest in two, and the next build
    removed a file of the user's by that second name."""
    joined = "".join(stamps)  # (every path at once: the usual answer, none, at ~1 ns a character)
    if (joined.isascii() and not joined.encode("ascii").translate(None, _PRINTABLE)) or not _UNNAMEABLE.search(joined):
        return []
    from .content.discover import is_junk  # (what no build reads: editors' and systems' files, such as Icon\r)

    return [Diagnostic(rel, None, "a file name with a control character or bytes that are not UTF-8 cannot be "
                                  "published", "rename it") for rel in sorted(stamps)
            if _UNNAMEABLE.search(rel) and not any(is_junk(part) for part in rel.rstrip("/").split("/"))]


def check_links(root: Path, links: list[str]) -> list[Diagnostic]:
    """An error for each symlink found in the input folders that leads outside them, and for an input
    folder that is itself a link to somewhere outside the site folder."""
    diags = []
    site = os.path.realpath(root) + os.sep
    for name in INPUT_FOLDERS:
        if not (os.path.realpath(f"{root}/{name}") + os.sep).startswith(site):
            diags.append(Diagnostic(f"{name}/", None, "is a link to a folder outside the site folder", LINK_HINT))
    if diags:
        return diags
    return [Diagnostic(rel, None, "is a link to a file or folder outside the site's content, static and "
                                  "templates folders", LINK_HINT)
            for rel in sorted(links) if leaves_site(root, rel)]


# files an article may not publish next to itself: a browser opening them runs their scripts with the
# site's address (an SVG is checked instead: svg_problem; static/ is the site's own, like its templates)
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".svgz", ".js", ".mjs",
                   ".swf", ".mht", ".mhtml")

_ACTIVE_TAGS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener",
                          "audio", "video", "link", "meta", "base"})
_SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE)
SVG_LIMIT = 5_000_000  # bytes: a drawing, not a data dump


def svg_problem(path: str) -> str | None:
    """Why an SVG file cannot be published safely (scripts, event handlers, script links, embedded
    documents), or None. Anything newsgen cannot parse as SVG is refused too."""
    import xml.etree.ElementTree as ET  # noqa: S405 - expat, no external entities; size bounded below

    try:
        if os.stat(path).st_size > SVG_LIMIT:
            return "the SVG file is larger than 5 MB"
        root = ET.parse(path).getroot()  # noqa: S314
    except (OSError, ET.ParseError, ValueError, RecursionError):
        return "the SVG file cannot be read as XML"
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in _ACTIVE_TAGS:
            return f"the SVG file holds a <{tag}> element, which can run code"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"the SVG file has an event handler ({local}=), which runs code"
            cleaned = re.sub(r"[\x00-\x20]", "", value)
            if _SCRIPT_URL.match(cleaned) or (local in ("href", "src") and not cleaned.startswith(("#", "data:image/"))
                                               and cleaned):
                return f"the SVG file links to {value[:40]!r}: only links inside the drawing are allowed"
            if local == "attributename" and value.strip().lower().rsplit(":", 1)[-1] in ("href", "src"):
                return "the SVG file animates a link, which can run code"
    return None
