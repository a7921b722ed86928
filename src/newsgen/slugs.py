"""Readable ASCII slugs: "Hội nghị Trung ương" -> "hoi-nghi-trung-uong"."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable
from itertools import chain, count

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 120  # characters of a URL slug (a folder name; file systems stop at 255 bytes)


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens.

    Latin letters with diacritics are folded (Vietnamese đ -> d); other scripts are
    transliterated by text-unidecode (python-slugify's dependency), so a slug is never empty for real text.
    """
    if text.isascii():  # nothing to fold (NFKD leaves ASCII as it is): most titles, tags and names
        return _NON_ALNUM.sub("-", text.lower()).strip("-")
    return _folded_slug(text)


def _folded_slug(text: str) -> str:
    folded = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    if not folded.isascii():
        from text_unidecode import unidecode  # here: its table loads in 8 ms, and most slugs never need it

        folded = _NON_ASCII.sub(lambda m: unidecode(m.group(0)), folded)
    return _NON_ALNUM.sub("-", folded.lower()).strip("-")


def short_slug(slug: str) -> str:
    """A slug cut to MAX_SLUG characters at a hyphen (a whole word) where there is one."""
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[: MAX_SLUG + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:MAX_SLUG]


def name_slug(name: str) -> str:
    """The slug of a name (an author's, a tag's, a section's): as a title's, cut at a word when long."""
    return short_slug(slugify(name))


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_RE.match(slug))


def fallback_slugs(kind: str, names: Iterable[str], taken: Collection[str],
                   given: dict[str, str] | None = None) -> dict[str, str]:
    """Each name with no letter or digit to make a slug of ("!!!", "---") -> its own slug: `kind` and a short
    hash of the name, "tag-3fa9c2", the same in every build. Names equal but for case (as front matter
    compares them) share one. A slug in `taken` (a real name's) is never given: the hash grows longer.
    `given`: case-folded names that have theirs already (an older build's)."""
    mine = dict(given or {})
    used = set(mine.values())
    out: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key not in mine:
            digest = hashlib.sha256(key.encode()).hexdigest()
            tries = chain([f"{kind}-{digest[:n]}" for n in (6, 10, 16, 64)], (f"{kind}-{digest}-{n}" for n in count(2)))
            slug = next(s for s in tries if s not in taken and s not in used)
            mine[key] = slug
            used.add(slug)
        out[name] = mine[key]
    return out
