"""What a render process keeps of the pictures and images' srcsets it made is bounded (render/helpers.py
KEPT: at a million articles every card and page worker grew by ~0.3 GB with them): a site rendered with
room for one of each is byte for byte the site rendered with room for all, serially and over a pool."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from newsgen.render import helpers


def _site(make_site, png):  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {"static/images/shared.png": png(1200, 800)}
    for i in range(24):
        folder = f"content/{('politics', 'sports')[i % 2]}/2025/story-{i:02}"
        image = "/images/shared.png" if i % 5 == 0 else "photo.png"
        if i % 5:
            files[f"{folder}/photo.png"] = png(1000 + i, 700)
        files[f"{folder}/index.md"] = make_site.article(
            f"Story {i}", section=("Politics", "Sports")[i % 2], date=f"2025-03-{1 + i:02} 08:00",
            tags=[f"Tag {i % 3}"], image=image, image_caption=f"Caption {i}", body=f"Lead {i}.\n\nMore.\n")
    return make_site(files)


def test_a_site_rendered_with_room_for_one_picture_is_the_same(make_site, png, build, snapshot,  # type: ignore[no-untyped-def]
                                                               tmp_path, monkeypatch) -> None:
    root = _site(make_site, png)
    build(root, out=tmp_path / "all", jobs=1)
    monkeypatch.setattr(helpers, "KEPT", 1)
    largest: list[int] = [0]
    real = helpers._keep

    def keep(memo: OrderedDict[tuple[object, ...], Any], key: tuple[object, ...], value: Any) -> None:
        real(memo, key, value)
        largest[0] = max(largest[0], len(memo))

    monkeypatch.setattr(helpers, "_keep", keep)
    build(root, out=tmp_path / "one", jobs=1)
    assert largest[0] == 1
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "all")
    monkeypatch.setattr("newsgen.parallel.PARALLEL_MIN", 2)  # (cards up front, over the pool)
    monkeypatch.setattr("newsgen.render.cards.PARALLEL_MIN", 2)
    build(root, out=tmp_path / "pool", jobs=2)
    assert snapshot(tmp_path / "pool") == snapshot(tmp_path / "all")
