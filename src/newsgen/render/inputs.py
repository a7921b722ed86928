"""What every renderer is given: one read-only object, shared by the workers (they are forked after it exists)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import SiteConfig
from ..content.body import Bodies
from ..model import Alternate, Site

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class RenderInputs:
    """Everything a renderer needs, shared read-only by every worker."""

    config: SiteConfig
    site: Site
    now: dt.datetime
    bodies: Bodies
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles carry a badge
    # a site in several languages: page URL -> the page's versions in every edition (editions.alternates)
    alternates: Mapping[str, tuple[Alternate, ...]] = field(default_factory=dict)
    # a site in several languages, in the default edition: (old address, URL) of every edition's aliases
    # (pages.root_redirects)
    redirects: tuple[tuple[str, str], ...] = ()
    # the templates, loaded by the build's process before the workers fork (templates.compiled);
    # None: each renderer makes its own environment
    env: jinja2.Environment | None = field(default=None, compare=False)
