"""The files a build copies as they are: the theme's assets under theme/, the site's static/ (which
wins), and every article's own files; and the images that get responsive variants."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .config import SiteConfig
from .content.discover import is_junk
from .model import Article, Image
from .render.environment import theme_dir


def files_to_copy(config: SiteConfig, articles: Iterable[Article]) -> list[tuple[str, Path]]:
    """(output path, source file) for every file copied into the output, sorted."""
    files: dict[str, Path] = {}
    for base, prefix in ((theme_dir() / "static", "theme/"), (config.static_dir, "")):
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not is_junk(d)]
            for name in filenames:
                if not is_junk(name):
                    path = Path(dirpath) / name
                    files[prefix + path.relative_to(base).as_posix()] = path
    for a in articles:
        for asset in a.assets:
            files[asset.url] = config.root / asset.source
    return sorted(files.items())


def article_images(articles: Iterable[Article]) -> list[Image]:
    """Each lead and body image that lives in the site once (many articles may show one photo)."""
    found: dict[str, Image] = {}
    for a in articles:
        if a.image is not None and a.image.source:
            found.setdefault(a.image.url, a.image)
        for asset in a.assets:
            if asset.image is not None:
                found.setdefault(asset.url, asset.image)
    return list(found.values())
