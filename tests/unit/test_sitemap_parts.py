"""render.context.sitemap_entries: each sitemap file's part, formatted on its own, is its slice of the
whole list (home, listing pages, articles), for every size of part."""

from __future__ import annotations

import pytest
from tests.unit.test_site import art, config

import newsgen.pages as pages
from newsgen.render.context import sitemap_entries
from newsgen.site import build_site


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7, 11, 40, 1000])
def test_the_parts_are_the_slices_of_the_whole(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(per_page=2)
    site, _ = build_site([art(n, ("politics", "sports")[n % 2], tags=("Rail",) if n % 3 else ()) for n in range(17)],
                         cfg)
    whole = sitemap_entries(site, cfg)
    monkeypatch.setattr(pages, "SITEMAP_LIMIT", limit)
    parts = [sitemap_entries(site, cfg, part=k) for k in range(1, -(-len(whole) // limit) + 1)]
    assert [len(p) for p in parts[:-1]] == [limit] * (len(parts) - 1)
    assert [e for p in parts for e in p] == whole
