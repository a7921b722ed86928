"""render.ldjson: an article page's structured data written as text makes the bytes the `jsonld` filter
makes of `Helpers.news_article_ld` / `breadcrumbs_ld` (the theme's `_article_meta.html`), for articles
of every kind: with and without authors, tags, image, corrections; sites with and without a logo or a
share image, under a path, in another edition; and text that JSON or the script element must escape."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest
from tests.unit.test_site import T0, art, config

from newsgen.content.body import Bodies
from newsgen.model import Correction, Image
from newsgen.render.environment import jsonld
from newsgen.render.helpers import Helpers
from newsgen.render.inputs import RenderInputs
from newsgen.site import build_site

HOSTILE = ['a "quoted" title', "back\\slash", "</script><script>alert(1)</script>", "Tom & Jerry > all",
           "tab\tand\nnewline", "Đà Nẵng “curly” — dash", "emoji 🗞️ and \u2028 line separator", "\x7f del", ""]


def both_ways(cfg, articles):  # type: ignore[no-untyped-def]
    site, problems = build_site(articles, cfg)
    assert not problems
    h = Helpers(RenderInputs(cfg, site, T0, Bodies(cfg, None)))
    for a in site.articles:
        fast = h.ld_json(a)
        slow = (str(jsonld(h.news_article_ld(a))), str(jsonld(h.breadcrumbs_ld(a))))
        yield a, fast, slow


@pytest.mark.parametrize("settings", [
    {},
    {"logo": "images/logo.png"},
    {"share_image": "images/share.jpg", "logo": "images/logo.svg"},
    {"base_url": "https://example.org/news/"},
    {"title": 'The "Daily" <Post> & Co', "language": "vi"},
])
def test_every_kind_of_article_is_the_dictionaries(settings: dict[str, object]) -> None:
    cfg = config(**settings)
    image = Image(url="politics/a001/photo.jpg", source="content/politics/a001/photo.jpg", caption="c", credit="",
                  alt="a", width=800, height=600)
    corrections = (Correction(T0 + dt.timedelta(days=2), 'Fixed the "name" & <date>'),
                   Correction(T0 + dt.timedelta(days=3), "Again"))
    articles = [
        art(1, image=image, authors=("Hùng Anh",), tags=("Rail", "Đà Nẵng")),
        art(2, "sports", corrections=corrections, updated=T0 + dt.timedelta(days=1)),
        art(3, "culture", authors=("Hùng Anh", "Another Writer"), summary='Summary with "quotes" & </script>'),
        art(4, tags=("A & B", "<tag>")),
    ]
    checked = 0
    for a, fast, slow in both_ways(cfg, articles):
        assert fast == slow, a.source
        json.loads(fast[0].replace("\\u003c", "<"))  # (valid JSON either way)
        checked += 1
    assert checked == 4


def test_random_text_is_the_dictionaries() -> None:
    rng = random.Random(18)
    pieces = [*HOSTILE, "plain words", "ŝ", "\\u003c", "'", "{}", "[]", ",", ":"]
    cfg = config()
    articles = []
    for n in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) or "x"
        articles.append(art(n, ("politics", "sports", "culture")[n % 3], title=text, summary=text[::-1],
                            tags=tuple(dict.fromkeys(rng.sample(pieces[:6], rng.randint(0, 3)))),
                            authors=("Hùng Anh",) if n % 2 else ()))
    for a, fast, slow in both_ways(cfg, articles):
        assert fast == slow, a.title


def test_an_article_with_translations_takes_the_dictionaries_way() -> None:
    """(Its translation links: `Helpers.news_article_ld` alone writes them.)"""
    from newsgen.model import Alternate

    cfg = config()
    a = art(1)
    site, _ = build_site([a], cfg)
    versions = (Alternate("en", "English", a.url, "en_US"), Alternate("x-default", "English", a.url, "en_US"),
                Alternate("vi", "Tiếng Việt", "vi/politics/a001/", "vi_VN"))
    inputs = dataclasses.replace(RenderInputs(cfg, site, T0, Bodies(cfg, None)), alternates={a.url: versions})
    h = Helpers(inputs)
    fast = h.ld_json(site.articles[0])
    assert '"workTranslation"' in fast[0]
    assert fast == (str(jsonld(h.news_article_ld(site.articles[0]))), str(jsonld(h.breadcrumbs_ld(site.articles[0]))))
