"""`newsgen import KIND SOURCE` as the CLI calls it: the options checked, the source read, the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import ImportFailure, Report
from .feed import import_feed
from .run import site_options
from .wordpress import import_wordpress


def run_import(kind: str, source: str, site: Path, echo: Callable[[str], None],
               err: Callable[[str], None], **options: Any) -> int:
    """`newsgen import KIND SOURCE`: one report line per item and a summary; 0, or 1 with one error line."""
    report: Report | None = None
    try:
        opts = site_options(site, **options)
        report = Report(echo, dry_run=opts.dry_run)
        if kind == "wordpress":
            import_wordpress(Path(source), opts, report)
        else:
            import_feed(source, opts, report)
    except ImportFailure as exc:
        err(exc.text())
        if report is not None and report.imported:
            err(report.summary() + ", then stopped")
        return 1
    echo(report.summary())
    return 0
