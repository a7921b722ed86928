#!/usr/bin/env python3
"""Write a deterministic, realistic news-site corpus in the newsgen content format.

    python3 make_corpus.py --articles N --out DIR [--seed 1]

Standard library only. The same (N, seed) always gives byte-identical files.

What it writes (the format is described in docs/content-format.md of the newsgen repository):

    DIR/newsgen.yaml                              8 sections, latest_news 10, per_page 20
    DIR/content/<section-slug>/<yyyy>/<slug>.md   one article each, YAML front matter + Markdown
    DIR/static/css/site.css                       a small style sheet every generator copies

Articles: title (some with Vietnamese diacritics, some with quotes), section, author from 60
(about 8% with two `authors:`), date over about 3 years with a time of day (naive, in the site's
timezone; about 5% as ISO 8601 with offset), optional `updated` (~15%), summary, image +
image_caption + image_credit on ~70% (~30% of those with image_alt; the image is an absolute
path /images/photo-NN.jpg under static/: 24 small real JPEG files written to static/images/),
2-5 tags from 300, and a body of about 700-900 words (median 800):
lead paragraph, three `##` subheadings, a blockquote, a list in ~40%, links (external and to
earlier articles), *emphasis* and **strong**.

The text is English-like prose assembled from word lists in this file; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import random
import re
import sys
import unicodedata

# a small real JPEG (160x100) that every lead image points at: generators copy or resize real files
N_PHOTOS = 24
PHOTO_JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABkAKADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDjAtOC04LSha9hs5IsQLTgtKFpwWpbNosaFpwWnBacFqGzaLGhacFpwWnBals3ixoWnBacFpwWpbNosaFpwWnBacFqWzeLGhacFpQtOC1LZtFiBaULTgtOC1LZtFjQtOC04LTgtQ2bxY0LTgtOC04LUtm0Wc8FpwWnBacFrvbPgIsaFpwWnBacFqWzeLGhacFpwWnBals2ixoWnBacFpQtS2bRYgWlC04LTgtS2bxY0LTgtOC04LUtm0WNC04LTgtOC1LZvFjQtOC04LTgtQ2bRY0LTgtOC04LUtm0WNC04LShacFqWzeLOfC04LTgtKFrvbPgIsQLTgtKFpwWpbNosaFpwWnBacFqWzeLGhacFpwWnBals2ixoWnBacFpwWpbN4saFpwWnBacFqGzaLGhacFpwWlC1LZtFiBaULTgtOC1LZvFjQtOC04LTgtS2bRY0LTgtOC04LUtm8Wc8FpwWnBacFrvbPz+LGhacFpwWnBals3ixoWnBacFpwWpbNosaFpwWnBaULUtm8WIFpwWlC04LUNm0WNC04LTgtOC1LZvFjQtOC04LTgtS2bRY0LTgtOC04LUtm0WNC04LTgtOC1LZvFjQtOC04LShals2iznwtOC04LSha72z4CLEC04LShacFqWzaLGhacFpwWnBahs3ixoWnBacFpwWpbNosaFpwWnBacFqWzeLGhacFpwWnBals2ixoWnBacFpQtS2bxYgWnBaULTgtS2bRY0LTgtOC04LUNm0WNC04LTgtOC1LZvFnPBacFpwWnBa9Bs+AixoWnBacFpwWobNosaFpwWnBacFqWzeLGhacFpwWlC1LZtFiBacFpQtOC1LZtFjQtOC04LTgtS2bxY0LTgtOC04LUtm0WNC04LTgtOC1DZvFjQtOC04LTgtS2bRY0LTgtOC0oWpbNos54CnAUUV6LPgojgKcBRRUs2iOApwFFFQzeI4CnAUUVLNojgKcBRRUs3iKBTgKKKk2iOApwFFFSzaI4CnAUUVLN4jgKcBRRUM2iOApwFFFSzeJ//2Q=="  # noqa: E501

SITE_TITLE = "Daily Chronicle"
SECTIONS = [
    ("Politics", "Government, parliament and policy"),
    ("World", "International news"),
    ("Business", "Economy, markets and companies"),
    ("Technology", None),
    ("Culture", "Arts, books, film and heritage"),
    ("Sports", None),
    ("Science", "Science, health and environment"),
    ("Commentaries", "Analysis and opinion"),
]

# --------------------------------------------------------------------------- word lists

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
GIVEN = ["Hùng Anh", "Minh Châu", "Thu Hà", "Quốc Bảo", "Lan Phương", "Đức Thắng",
         "Thanh Hương", "Văn Nam", "Hải Yến", "Tuấn Kiệt", "Ngọc Ánh", "Khánh Linh",
         "Gia Huy", "Bích Ngọc", "Trọng Nghĩa", "Mai Anh", "Thành Long", "Phương Thảo",
         "Hoài Nam", "Kim Oanh"]
ASCII_AUTHORS = ["Hung Anh", "Minh Chau", "Thu Trang", "Duc Minh", "Lan Anh", "Quang Huy",
                 "Bao Ngoc", "Viet Dung"]
FOREIGN_AUTHORS = ["Sarah Mitchell", "James O'Connor", "María García", "Daniel Kim",
                   "Amélie Laurent", "Kenji Watanabe", "Priya Raman", "Tom Becker",
                   "Olivia Brooks", "Lukas Novák", "Chen Wei", "Ana Souza"]

PLACES = ["Hà Nội", "Đà Nẵng", "Huế", "Cần Thơ", "Hải Phòng", "Quảng Ninh", "Nghệ An",
          "Khánh Hòa", "Bình Dương", "Lâm Đồng", "Tây Nguyên", "Mekong Delta", "Ho Chi Minh City",
          "Đồng Nai", "Phú Quốc", "Sa Pa", "Ukraine", "Russia", "the United States", "China",
          "Japan", "South Korea", "India", "Indonesia", "Thailand", "Singapore", "Malaysia",
          "the Philippines", "Cambodia", "Laos", "Australia", "Germany", "France",
          "the United Kingdom", "Brazil", "Mexico", "Canada", "Türkiye", "Saudi Arabia",
          "Egypt", "Nigeria", "Kenya", "South Africa", "Brussels", "Geneva", "Jakarta",
          "Seoul", "Tokyo", "Washington", "Moscow", "Beijing", "New Delhi"]
ORGS = ["the Ministry of Finance", "the National Assembly", "the World Bank", "the IMF",
        "ASEAN", "the United Nations", "the European Commission", "the central bank",
        "the Ministry of Health", "the city council", "the Ministry of Industry and Trade",
        "the Kremlin", "the White House", "the WTO", "the Red Cross", "the stock exchange",
        "the national football federation", "the Academy of Sciences", "the port authority",
        "the electricity corporation", "the Ministry of Education", "the tourism board",
        "the statistics office", "the environment agency", "the planning commission",
        "Vietnam Airlines", "the railway corporation", "the Olympic committee",
        "the supreme court", "the labour union"]
ROLES = ["a senior economist", "the deputy minister", "a political analyst", "the spokesperson",
         "a researcher", "the chairwoman", "the director", "a former ambassador", "the head coach",
         "a professor of history", "the chief executive", "a local farmer", "a veteran diplomat",
         "the mayor", "a climate scientist", "a software engineer"]
NOUNS = ["policy", "budget", "reform", "market", "economy", "agreement", "negotiation",
         "proposal", "investment", "infrastructure", "election", "strategy", "project",
         "partnership", "crisis", "recovery", "programme", "framework", "decision", "debate",
         "conflict", "dialogue", "summit", "coalition", "transition", "deadline", "plan",
         "report", "survey", "forecast", "index", "sector", "industry", "region", "community",
         "festival", "exhibition", "season", "tournament", "championship", "discovery",
         "vaccine", "study", "network", "platform", "startup", "factory", "harbour", "highway",
         "railway", "airport", "university", "hospital", "school", "village", "river", "coast",
         "forest", "harvest", "export", "import", "currency", "tariff", "supply chain",
         "workforce", "audience", "heritage", "museum", "novel", "film", "stadium", "league",
         "satellite", "laboratory", "drought", "flood", "typhoon", "energy grid", "pipeline",
         "ceasefire", "treaty", "referendum", "constitution", "court ruling", "inquiry",
         "protest", "campaign", "ministry", "delegation", "embassy", "border", "population"]
PLURALS = ["policies", "budgets", "reforms", "markets", "investors", "voters", "farmers",
           "workers", "students", "families", "businesses", "exporters", "officials",
           "lawmakers", "analysts", "residents", "tourists", "fans", "players", "researchers",
           "doctors", "teachers", "engineers", "diplomats", "leaders", "consumers", "banks",
           "provinces", "cities", "companies", "startups", "universities", "hospitals",
           "communities", "negotiators", "artists", "readers", "audiences", "partners"]
ADJS = ["new", "major", "difficult", "long-term", "sustainable", "historic", "fragile",
        "ambitious", "modest", "unexpected", "significant", "regional", "national", "global",
        "local", "digital", "green", "rapid", "cautious", "bold", "decisive", "uncertain",
        "comprehensive", "practical", "strategic", "economic", "political", "cultural",
        "scientific", "public", "private", "rural", "urban", "coastal", "traditional", "modern",
        "strong", "weak", "steady", "sharp", "gradual", "crucial", "complex", "clear", "broad",
        "narrow", "fair", "open", "stable", "volatile", "record", "promising", "troubled"]
ADVS = ["quickly", "carefully", "steadily", "sharply", "gradually", "openly", "quietly",
        "repeatedly", "finally", "increasingly", "largely", "firmly", "clearly", "effectively"]
VERBS_PAST = ["announced", "approved", "rejected", "reviewed", "welcomed", "criticised",
              "proposed", "launched", "completed", "delayed", "expanded", "reduced", "raised",
              "discussed", "signed", "questioned", "supported", "challenged", "introduced",
              "confirmed", "revised", "funded", "examined", "defended", "outlined", "postponed",
              "accelerated", "adopted", "opened", "restored"]
VERBS_PRES = ["announces", "approves", "rejects", "reviews", "welcomes", "proposes", "launches",
              "expands", "cuts", "raises", "signs", "backs", "challenges", "unveils", "revives",
              "weighs", "eyes", "pushes", "boosts", "faces", "opens", "targets", "rethinks"]
VERBS_BASE = ["reshape", "strengthen", "slow", "support", "transform", "test", "improve",
              "protect", "reduce", "expand", "stabilise", "redefine", "complicate", "unlock",
              "accelerate", "delay", "finance", "secure", "restore", "connect"]
MODALS = ["could", "would", "may", "might", "will", "should", "must"]
PREPS = ["in", "across", "for", "around", "throughout", "beyond", "within", "near"]
TIMES = ["this year", "next spring", "by the end of the decade", "in the coming months",
         "over the past year", "since last summer", "before the end of the quarter",
         "in recent weeks", "for the first time", "at the start of the season",
         "after months of talks", "ahead of the summit", "during the dry season"]
CONNECT = ["However", "Meanwhile", "In addition", "At the same time", "For its part",
           "Moreover", "In practice", "Still", "By contrast", "In fact", "Even so",
           "Previously", "According to observers", "On the other hand", "In the meantime"]
HEAD_TEMPLATES = ["Untie the knot", "What changes for {pl}", "A {adj} turning point",
                  "The road ahead", "Why {place} matters", "Lessons from {place}",
                  "Numbers behind the {noun}", "Who pays for the {noun}", "A {adj} test",
                  "Trends in the coming time", "Voices from {place}", "Between risk and reward",
                  "The {noun} in context", "What experts say", "Beyond the headlines",
                  "Change to create a turning point", "A question of trust",
                  "Counting the cost", "The view from {place}", "Looking ahead"]
QUOTES = ["a good start", "no retreat", "a historic day", "not the end of the road",
          "a matter of trust", "too little, too late", "the right direction", "bleeding money",
          "a wake-up call", "one step at a time", "a new chapter", "open for business",
          "unfinished business", "a race against time"]
CREDITS = ["AFP/TTXVN", "Reuters", "AP", "TTXVN", "Staff photo", "EPA", "Getty Images",
           "Xinhua", "Photo archive", "Kyodo"]
TOPICS = ["inflation", "interest rates", "elections", "climate change", "renewable energy",
          "public health", "education reform", "trade", "tourism", "agriculture", "rice exports",
          "coffee", "seafood", "textiles", "electronics", "semiconductors", "artificial intelligence",
          "cybersecurity", "startups", "real estate", "banking", "stock market", "gold prices",
          "oil prices", "infrastructure", "metro lines", "high-speed rail", "airports", "ports",
          "logistics", "water security", "floods", "typhoons", "drought", "air quality",
          "biodiversity", "forests", "fisheries", "migration", "labour market", "wages",
          "pensions", "housing", "urban planning", "heritage", "museums", "film", "music",
          "literature", "fashion", "cuisine", "street food", "football", "SEA Games", "Olympics",
          "tennis", "marathon", "esports", "space", "satellites", "vaccines", "hospitals",
          "medicine", "genetics", "universities", "scholarships", "diplomacy", "defence",
          "South China Sea", "peace talks", "sanctions", "ceasefire", "human rights",
          "anti-corruption", "digital transformation", "e-commerce", "fintech", "payments",
          "electric vehicles", "motorbikes", "public transport", "energy transition", "LNG",
          "solar power", "wind power", "hydropower", "nuclear power", "mining", "rare earths",
          "steel", "cement", "FDI", "exports", "imports", "tariffs", "supply chains", "ASEAN",
          "G20", "APEC", "COP", "Tết", "Mid-Autumn Festival", "Lunar New Year", "áo dài",
          "phở", "cà phê", "Ha Long Bay", "Hội An", "Mekong", "Red River", "Trường Sơn"]

FIRST_WORDS = ["The", "A", "Officials", "Experts", "Residents", "Investors", "Analysts"]


def _authors(rng: random.Random) -> list[str]:
    out: list[str] = []
    combos = [f"{f} {g}" for f in FAMILY for g in GIVEN]
    rng.shuffle(combos)
    out.extend(combos[:40])
    out.extend(ASCII_AUTHORS)
    out.extend(FOREIGN_AUTHORS)
    return out  # 40 + 8 + 12 = 60


def _tags(rng: random.Random) -> list[str]:
    seen: dict[str, None] = {}
    for t in TOPICS:
        seen.setdefault(t, None)
    for p in PLACES:
        seen.setdefault(re.sub(r"^the ", "", p), None)
    for o in ORGS:
        seen.setdefault(re.sub(r"^the ", "", o), None)
    extra = [f"{re.sub(r'^the ', '', p)} {t}" for p in PLACES[:20] for t in TOPICS[:30]]
    rng.shuffle(extra)
    for e in extra:
        if len(seen) >= 300:
            break
        seen.setdefault(e, None)
    return list(seen)[:300]


# --------------------------------------------------------------------------- helpers

def slugify(text: str) -> str:
    """ASCII slug; Vietnamese diacritics folded (đ -> d), anything else non-alphanumeric -> '-'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "article"


_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\"'#]*$")
_YAML_SPECIAL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
                           r"on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?[0-9][0-9_.:eE+-]*)$")


def yaml_str(s: str, flow: bool = False) -> str:
    """A YAML scalar for s: plain when safe, else single- or double-quoted."""
    plain = (_PLAIN_OK.match(s) and ": " not in s and not s.endswith(":")
             and not _YAML_SPECIAL.match(s) and s == s.strip())
    if plain and flow and any(c in s for c in ",[]{}"):
        plain = False
    if plain:
        return s
    if "'" not in s:
        return "'" + s + "'"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def a(word: str) -> str:
    """'a' or 'an' before word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def fix_a(text: str) -> str:
    """'a unexpected' -> 'an unexpected'."""
    return re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text)


class Writer:
    """Builds English-like news prose from the word lists."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def c(self, seq):
        return self.r.choice(seq)

    def subject(self) -> str:
        k = self.r.random()
        if k < 0.35:
            return f"the {self.c(ADJS)} {self.c(NOUNS)}"
        if k < 0.6:
            return self.c(ORGS)
        if k < 0.8:
            return f"{self.c(PLURALS)} in {self.c(PLACES)}"
        return f"the {self.c(NOUNS)} of {self.c(PLACES)}"

    def obj(self) -> str:
        k = self.r.random()
        if k < 0.4:
            return f"the {self.c(ADJS)} {self.c(NOUNS)}"
        if k < 0.7:
            adj = self.c(ADJS)
            return f"{a(adj)} {adj} {self.c(NOUNS)} for {self.c(PLURALS)}"
        return f"the {self.c(NOUNS)} on {self.c(TOPICS)}"

    def sentence(self) -> str:
        r = self.r.random()
        if r < 0.2:
            s = f"{self.subject()} {self.c(VERBS_PAST)} {self.obj()} {self.c(TIMES)}"
        elif r < 0.35:
            s = (f"{self.c(CONNECT)}, {self.subject()} {self.c(VERBS_PAST)} {self.obj()} "
                 f"{self.c(PREPS)} {self.c(PLACES)}")
        elif r < 0.5:
            s = (f"According to {self.c(ORGS)}, {self.subject()} {self.c(MODALS)} "
                 f"{self.c(VERBS_BASE)} {self.obj()} {self.c(TIMES)}")
        elif r < 0.62:
            s = (f"{self.c(FAMILY)} {self.c(GIVEN)}, {self.c(ROLES)}, said {self.subject()} "
                 f"{self.c(MODALS)} {self.c(VERBS_BASE)} {self.obj()}")
        elif r < 0.75:
            s = (f"{self.subject()} {self.c(ADVS)} {self.c(VERBS_PAST)} {self.obj()}, while "
                 f"{self.c(PLURALS)} {self.c(PREPS)} {self.c(PLACES)} {self.c(VERBS_PAST)} "
                 f"{self.obj()}")
        elif r < 0.85:
            s = (f"This is why {self.subject()} {self.c(MODALS)} {self.c(VERBS_BASE)} "
                 f"{self.obj()} and {self.c(VERBS_BASE)} {self.obj()}")
        elif r < 0.93:
            s = (f"Many {self.c(PLURALS)} said the {self.c(NOUNS)} was \u201c{self.c(QUOTES)}\u201d, "
                 f"but {self.subject()} {self.c(VERBS_PAST)} {self.obj()}")
        else:
            n = self.r.randint(2, 95)
            s = (f"Nearly {n} percent of {self.c(PLURALS)} {self.c(VERBS_PAST)} {self.obj()} "
                 f"{self.c(TIMES)}")
        return fix_a(s[0].upper() + s[1:]) + "."

    def paragraph(self, n_min=3, n_max=5) -> str:
        return " ".join(self.sentence() for _ in range(self.r.randint(n_min, n_max)))

    def emphasise(self, para: str) -> str:
        """Wrap one short phrase of the paragraph in *emphasis* or **strong**."""
        words = para.split(" ")
        if len(words) < 12:
            return para
        i = self.r.randint(1, len(words) - 5)
        j = i + self.r.randint(1, 3)
        phrase = " ".join(words[i:j])
        if not re.fullmatch(r"[A-Za-z][A-Za-z -]*[A-Za-z]", phrase):
            return para
        mark = "**" if self.r.random() < 0.3 else "*"
        words[i:j] = [f"{mark}{phrase}{mark}"]
        return " ".join(words)

    def link(self, para: str, target: str) -> str:
        words = para.split(" ")
        if len(words) < 10:
            return para
        i = self.r.randint(2, len(words) - 4)
        j = i + self.r.randint(2, 3)
        phrase = " ".join(words[i:j])
        if not re.fullmatch(r"[A-Za-z][A-Za-z -]*[A-Za-z]", phrase):
            return para
        words[i:j] = [f"[{phrase}]({target})"]
        return " ".join(words)

    def title(self) -> str:
        k = self.r.random()
        place, place2 = self.c(PLACES), self.c(PLACES)
        if k < 0.15:
            t = f"New turning point for the {self.c(NOUNS)} in {place}"
        elif k < 0.3:
            t = (f"{self.c(ORGS)} {self.c(VERBS_PRES)} {self.c(ADJS)} {self.c(NOUNS)} as "
                 f"{self.c(PLURALS)} {self.c(['wait', 'worry', 'push back', 'adapt', 'celebrate'])}")
        elif k < 0.42:
            t = f"\u201c{self.c(QUOTES).capitalize()}\u201d: {self.c(FAMILY)} {self.c(GIVEN)} on the {self.c(NOUNS)}"
        elif k < 0.5:
            t = f'{place} {self.c(VERBS_PRES)} "{self.c(QUOTES)}" {self.c(NOUNS)}'
        elif k < 0.62:
            t = f"Why the {self.c(NOUNS)} of {place} matters for {self.c(PLURALS)}"
        elif k < 0.74:
            adj = self.c(ADJS)
            t = f"{place} and {place2}: {a(adj)} {adj} {self.c(NOUNS)} on {self.c(TOPICS)}"
        elif k < 0.86:
            t = f"{self.c(ADJS)} {self.c(NOUNS)} {self.c(VERBS_PRES)} {self.c(TOPICS)} in {place}"
        elif k < 0.93:
            t = f"What the {self.c(ADJS)} {self.c(NOUNS)} means for {self.c(TOPICS)}"
        else:
            t = f"{self.c(PLURALS)} in {place} {self.c(['look to', 'bet on', 'turn to'])} {self.c(TOPICS)}"
        t = t.replace("  ", " ")
        return fix_a(t[0].upper() + t[1:])


# --------------------------------------------------------------------------- corpus

CSS = """body{font:16px/1.5 Georgia,serif;max-width:60rem;margin:0 auto;padding:0 1rem;color:#222}
header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0}
.kicker{text-transform:uppercase;font:600 .8rem sans-serif}
.byline{color:#555;font-size:.9rem}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}
.latest{border-top:2px solid #222;margin-top:2rem}.pager{display:flex;gap:1rem}
"""



def make_corpus(n: int, out: str, seed: int = 1) -> int:
    rng = random.Random(seed)
    authors = _authors(random.Random(seed * 7919 + 1))
    tags = _tags(random.Random(seed * 7919 + 2))
    w = Writer(rng)

    # dates first, so articles are written oldest first and can link to earlier ones
    start = dt.datetime(2022, 7, 1, 0, 0)
    span_days = 3 * 365
    dates = []
    for _ in range(n):
        day = rng.randrange(span_days)
        minute = rng.randint(5 * 60, 23 * 60 + 30)
        dates.append(start + dt.timedelta(days=day, minutes=minute))
    dates.sort()

    sec_slugs = [slugify(name) for name, _ in SECTIONS]
    sec_weights = [16, 16, 14, 12, 10, 12, 8, 12]
    used: dict[str, int] = {}
    written: list[tuple[str, str]] = []  # (url, title) of earlier articles

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "newsgen.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"title: {SITE_TITLE}\nbase_url: https://news.example.org/\nlanguage: en\n"
                "timezone: Asia/Ho_Chi_Minh\nsections:\n")
        for name, desc in SECTIONS:
            f.write(f"  - name: {name}\n")
            if desc:
                f.write(f"    description: {yaml_str(desc)}\n")
        f.write("latest_news: 10\nper_page: 20\n")
    os.makedirs(os.path.join(out, "static", "images"), exist_ok=True)
    photo = base64.b64decode(PHOTO_JPEG)
    for k in range(1, N_PHOTOS + 1):
        with open(os.path.join(out, "static", "images", f"photo-{k:02d}.jpg"), "wb") as f:
            f.write(photo)
    os.makedirs(os.path.join(out, "static", "css"), exist_ok=True)
    with open(os.path.join(out, "static", "css", "site.css"), "w", encoding="utf-8", newline="\n") as f:
        f.write(CSS)

    for i, date in enumerate(dates):
        si = rng.choices(range(len(SECTIONS)), weights=sec_weights)[0]
        section, sslug = SECTIONS[si][0], sec_slugs[si]
        title = w.title()
        base = slugify(title)[:80].rstrip("-")
        slug = base
        if base in used:
            used[base] += 1
            slug = f"{base}-{used[base]}"
        else:
            used[base] = 1
        year = f"{date.year:04d}"

        fm = [f"title: {yaml_str(title)}", f"section: {section}"]
        if rng.random() < 0.08:
            a1, a2 = rng.sample(authors, 2)
            fm.append(f"authors: [{yaml_str(a1, True)}, {yaml_str(a2, True)}]")
        else:
            fm.append(f"author: {yaml_str(rng.choice(authors))}")
        if rng.random() < 0.05:
            fm.append(f"date: {date.strftime('%Y-%m-%dT%H:%M:00')}+07:00")
        else:
            fm.append(f"date: {date.strftime('%Y-%m-%d %H:%M')}")
        if rng.random() < 0.15:
            upd = date + dt.timedelta(minutes=rng.randint(30, 48 * 60))
            fm.append(f"updated: {upd.strftime('%Y-%m-%d %H:%M')}")
        lead = w.paragraph(2, 3)
        summary = w.sentence()
        fm.append(f"summary: {yaml_str(summary)}")
        if rng.random() < 0.7:
            fm.append(f"image: /images/photo-{i % N_PHOTOS + 1:02d}.jpg")
            cap = (f"{w.c(FAMILY)} {w.c(GIVEN)}, {w.c(ROLES)}, at a meeting in {w.c(PLACES)}."
                   if rng.random() < 0.5 else w.sentence())
            fm.append(f"image_caption: {yaml_str(cap)}")
            fm.append(f"image_credit: {yaml_str(rng.choice(CREDITS))}")
            if rng.random() < 0.3:
                fm.append(f"image_alt: {yaml_str(w.subject().capitalize())}")
        k = rng.randint(2, 5)
        fm.append("tags: [" + ", ".join(yaml_str(t, True) for t in rng.sample(tags, k)) + "]")
        if slug != base:
            fm.append(f"slug: {slug}")

        # body ----------------------------------------------------------------
        target = rng.randint(660, 840)
        parts = [lead]
        words = len(lead.split())
        quote_in = rng.randrange(3)
        list_in = rng.randrange(3) if rng.random() < 0.4 else -1
        heads: list[str] = []
        for h in range(3):
            head = w.c(HEAD_TEMPLATES).format(pl=w.c(PLURALS), adj=w.c(ADJS), place=w.c(PLACES),
                                              noun=w.c(NOUNS))
            while head in heads:
                head = w.c(HEAD_TEMPLATES).format(pl=w.c(PLURALS), adj=w.c(ADJS),
                                                  place=w.c(PLACES), noun=w.c(NOUNS))
            heads.append(head)
            parts.append("## " + fix_a(head[0].upper() + head[1:]))
            goal = target * (h + 1) // 3
            first = True
            while words < goal or first:
                p = w.paragraph()
                if rng.random() < 0.35:
                    p = w.emphasise(p)
                words += len(p.split())
                parts.append(p)
                if first and h == quote_in:
                    q = w.sentence()
                    words += len(q.split()) + 4
                    parts.append(f"> \u201c{q}\u201d\n>\n> \u2014 {w.c(FAMILY)} {w.c(GIVEN)}, {w.c(ROLES)}")
                if first and h == list_in:
                    items = [f"- {w.sentence()}" for _ in range(rng.randint(3, 5))]
                    words += sum(len(x.split()) for x in items)
                    parts.append(w.c(["Key points:", "The measures include:",
                                      "What we know so far:"]))
                    parts.append("\n".join(items))
                first = False
        # links: one or two external, one to an earlier article where there is one
        body_idx = [j for j, p in enumerate(parts) if not p.startswith(("#", ">", "-"))
                    and len(p.split()) > 20]
        for _ in range(rng.randint(1, 2)):
            j = rng.choice(body_idx)
            parts[j] = w.link(parts[j], f"https://www.example.org/{w.c(['reports', 'data', 'news', 'docs'])}/"
                                       f"{slugify(w.c(TOPICS))}")
        if written:
            url, _t = written[rng.randrange(max(0, len(written) - 500), len(written))]
            j = rng.choice(body_idx)
            parts[j] = w.link(parts[j], url)

        d = os.path.join(out, "content", sslug, year)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{slug}.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write("---\n" + "\n".join(fm) + "\n---\n\n" + "\n\n".join(parts) + "\n")
        written.append((f"/{sslug}/{slug}/", title))
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True, help="number of articles")
    ap.add_argument("--out", required=True, help="site folder to write (created)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if os.path.exists(os.path.join(a.out, "content")):
        print(f"{a.out}: already has content/ (remove it first)", file=sys.stderr)
        return 1
    make_corpus(a.articles, a.out, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
