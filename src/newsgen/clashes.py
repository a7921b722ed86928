"""Two things at one place in the output: a copied file (from `static/`, an article's folder, the theme's
assets, a resized copy of an image) and a page or an alias at the same address, two copied files there, or
a file where another output file needs a folder (`static/tags` beside the tag pages, an alias
`/favicon.ico/old/`). Found before anything is written: the output would otherwise hold whichever one a
build happened to write last (a cacheless build and an incremental one disagreeing), or publishing would
stop half-way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import Diagnostic
from .model import Site
from .pages import PageSpec
from .render.environment import theme_dir

_HINT = "one address holds one file: rename or move one of them"
Named = tuple[str, str, bool]  # (the path a diagnostic names, what it is, whether the site's own file)


def output_clashes(root: Path, specs: Sequence[PageSpec], carried: Iterable[str],
                   copies: Sequence[tuple[str, Path]], sites: Sequence[Site]) -> list[Diagnostic]:
    """A diagnostic for each clash between the pages (`specs`, and `carried`: pages kept from the last
    build, not planned) and the files copied into the output (`copies`: output path, source file)."""
    pages = {s.out: s for s in specs}
    kept = set(carried)
    copied: dict[str, Path] = {}
    found: list[Diagnostic] = []

    def page(rel: str) -> Named:
        spec = pages.get(rel)
        if spec is not None and spec.kind in ("article", "redirect"):
            source = sites[spec.edition].articles[spec.ref[0]].source
            said = f"an old path (alias) of {source}" if spec.kind == "redirect" else f"the story {source}"
            return source, said, True
        return rel, f"the {spec.kind} page" if spec is not None else "a page", False

    def named(rel: str) -> Named:
        return _copied(root, copied[rel]) if rel in copied else page(rel)

    for rel, source in copies:
        other = copied.setdefault(rel, source)
        if other != source:
            found.append(_clash(_copied(root, source), _copied(root, other), rel))
        elif rel in pages or rel in kept:
            found.append(_clash(_copied(root, source), page(rel), rel))
    outputs = pages.keys() | kept | copied.keys()
    for rel in outputs:  # a file where another needs a folder (~7 ms at 10,000 articles)
        i = rel.find("/")
        while i > 0:
            if rel[:i] in outputs:
                outer, inner = named(rel[:i]), named(rel)
                path = (outer if outer[2] or not inner[2] else inner)[0]
                found.append(Diagnostic(path, None, f"/{rel[:i]} is a file ({outer[1]}), and /{rel} ({inner[1]}) "
                                        "needs it to be a folder", _HINT))
                break
            i = rel.find("/", i + 1)
    return found


def _copied(root: Path, source: Path) -> Named:
    """A copied file: the site's own by its path in the site; the theme's, or a resized copy of an image
    (in the build's cache), by what it is."""
    try:
        rel = source.relative_to(root).as_posix()
        if not rel.startswith(".newsgen-cache/"):
            return rel, rel, True
    except ValueError:
        try:
            rel = source.relative_to(theme_dir() / "static").as_posix()
            return f"theme/{rel}", f"newsgen's theme file theme/{rel}", False
        except ValueError:
            pass
    return "", "a resized copy newsgen makes of an image", False


def _clash(first: Named, second: Named, rel: str) -> Diagnostic:
    """`first` (a copied file) and `second` would both be written to `rel`: named by the site's own file."""
    one, other = (first, second) if first[2] or not second[2] else (second, first)
    return Diagnostic(one[0] or rel, None, f"is published at /{rel}, where {other[1]} is published too", _HINT)
