"""What every renderer is given: one read-only object, shared by the workers (they are forked after it exists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import SiteConfig
from ..content.body import Bodies
from ..model import Site


@dataclass(frozen=True)
class RenderInputs:
    """Everything a renderer needs, shared read-only by every worker."""

    config: SiteConfig
    site: Site
    now: dt.datetime
    bodies: Bodies
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles carry a badge
