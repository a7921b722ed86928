"""Article files written by the importers: YAML reads back exactly the text; dates in the site's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import yaml

from newsgen.config import SectionConfig
from newsgen.importers.common import Entry, clean_text
from newsgen.importers.write import existing, format_date, front_matter, target

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def entry(**kw) -> Entry:
    fields = {"label": "T", "title": "T", "section": SectionConfig("Politics", "politics"),
              "date": dt.datetime(2024, 3, 19, 3, 40, tzinfo=dt.UTC), "slug": "t", "body_html": ""}
    return Entry(**{**fields, **kw})


def test_text_values_read_back_exactly():
    tricky = ["yes", "007", "null", "Vote: what next", "# not a comment", '"quoted" \\ back', "[x]", "Hà Nội", "- a"]
    e = entry(title=tricky[0], summary=tricky[3], tags=tricky, authors=["on", "Minh Châu"],
              aliases=["/2024/03/19/hội-nghị/", "/?p=1"], extra={"sticky": True}, draft=True)
    text = front_matter(e, TZ, "photo.jpg", "Body\n")
    fm = yaml.safe_load(text.split("---\n")[1])
    assert fm["title"] == "yes" and fm["summary"] == "Vote: what next"
    assert fm["tags"] == tricky and fm["authors"] == ["on", "Minh Châu"]
    assert fm["aliases"] == ["/2024/03/19/hội-nghị/", "/?p=1"]
    assert fm["extra"] == {"sticky": True} and fm["draft"] is True and fm["image"] == "photo.jpg"
    assert text.endswith("---\n\nBody\n")


def test_dates_in_the_site_zone():
    assert format_date(dt.datetime(2024, 3, 19, 3, 40, tzinfo=dt.UTC), TZ) == "2024-03-19 10:40"
    assert format_date(dt.datetime(2024, 3, 19, 3, 40, 5, tzinfo=dt.UTC), TZ) == "2024-03-19 10:40:05"
    berlin = ZoneInfo("Europe/Berlin")  # 2024-10-27 02:30 happens twice there: the offset says which
    assert format_date(dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC), berlin) == "2024-10-27T02:30:00+02:00"
    assert format_date(dt.datetime(2024, 10, 27, 1, 30, tzinfo=dt.UTC), berlin) == "2024-10-27T02:30:00+01:00"


def test_target_and_existing(tmp_path):
    e = entry(date=dt.datetime(2024, 12, 31, 20, 0, tzinfo=dt.UTC))  # already 2025 in Ho Chi Minh City
    rel = target(e, TZ)
    assert rel == "content/politics/2025/t/index.md"
    assert existing(tmp_path, rel) is None
    (tmp_path / "content/politics/2025").mkdir(parents=True)
    (tmp_path / "content/politics/2025/t.md").write_text("x")
    assert existing(tmp_path, rel) == "content/politics/2025/t.md"


def test_clean_text():
    assert clean_text("  a\x1b[31m\n b\t ") == "a [31m b"
