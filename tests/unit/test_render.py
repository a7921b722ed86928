"""render.py: autoescaped, strict Jinja with the site's templates over the theme; safe JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from newsgen.config import parse_config
from newsgen.render.environment import format_datetime, format_day, jsonld, make_env, rfc822, theme_dir
from newsgen.render.hooks import _escape
from newsgen.render.templates import card_variants, compiled, template_digests


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    return parse_config("timezone: Asia/Ho_Chi_Minh\nsections: [A]\nbase_url: https://x.org/news/\n", tmp_path)


def test_theme_is_package_data() -> None:
    names = {p.name for p in (theme_dir() / "templates").iterdir()}
    assert {"base.html", "article.html", "home.html", "section.html", "404.html", "feed.xml"} <= names


def test_autoescape_and_strict_undefined(site) -> None:  # type: ignore[no-untyped-def]
    env = make_env(site)
    assert env.from_string("{{ x }}").render(x="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


class _Html:
    def __html__(self) -> str:
        return "<i>safe</i>"


@pytest.mark.parametrize("value", ["", "plain", "<a href=\"x\">'&'</a>", "\u00e9\u4e2d<>", Markup("<b>kept</b>"),
                                   _Html(), 42, 1.5, None, ["<li>"], Markup("")])
def test_fast_escape_is_markupsafe_escape(value: object) -> None:
    fast = _escape(value)
    assert fast == markupsafe.escape(value)


def test_fast_escape_in_every_output_place_is_jinjas(site) -> None:  # type: ignore[no-untyped-def]
    """_escape gives plain text for a str: wherever a template outputs, macros, set and filter blocks,
    call blocks, loops, includes, self.block() and the ~ operator, the result is stock Jinja's."""
    env = make_env(site)
    loader = jinja2.DictLoader({
        "inc.html": "<p>{{ v }}</p>{% set s %}<i>{{ v }}</i>{% endset %}{{ s }}{{ s|upper }}",
        "page.html": (
            "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{% macro c() %}<q>{{ caller() }}</q>{% endmacro %}"
            "<title>{% block t %}{{ v }}{% endblock %}</title>{{ self.t() }}|{{ m(v) }}|{{ m(v)|e }}|"
            "{% call c() %}<u>{{ v }}</u>{% endcall %}|{% filter upper %}{{ v }}<s>{% endfilter %}|"
            "{% for x in [v, w] %}{{ x ~ v }}{{ loop.index }}{% endfor %}|{% include 'inc.html' %}|"
            "{{ w }}{{ (v ~ w)|length }}{{ [v]|join(',') }}{{ v|replace('<', '[') }}|"
            "{% autoescape false %}{{ v }}{% endautoescape %}"
        ),
    })
    ours = jinja2.Environment(loader=loader, autoescape=True)  # stock Jinja: the reference
    env.loader = loader
    env.cache.clear()  # type: ignore[union-attr]
    values = {"v": "<a href=\"x\">'&'</a>", "w": Markup("<em>ok</em>")}
    assert env.get_template("page.html").root_render_func.__globals__["escape"] is _escape
    assert env.get_template("page.html").render(**values) == ours.get_template("page.html").render(**values)


def test_templates_use_the_fast_escape_and_calls(site) -> None:  # type: ignore[no-untyped-def]
    """The hooks take effect (a Jinja upgrade that drops them fails here), and callables that ask for
    the context or the environment still get it, in loops too; plain ones get their arguments."""
    env = make_env(site)
    template = env.get_template("base.html")
    assert template.root_render_func.__globals__["escape"] is _escape
    env.globals["ctx_name"] = jinja2.pass_context(lambda ctx, suffix="": ctx["name"] + suffix)
    env.globals["env_flag"] = jinja2.pass_environment(lambda e: e.autoescape)
    env.globals["plain"] = lambda *a, **k: f"{a}{sorted(k.items())}"
    source = ("{% macro m(x) %}[{{ x }}]{% endmacro %}{{ ctx_name() }} {{ env_flag() }} {{ plain(1, k=2) }} "
              "{% for i in [1, 2] %}{% set name = 'loop' %}{{ ctx_name('!') }}{{ m(i) }}{{ plain(i) }}{% endfor %}")
    stock = jinja2.Environment(autoescape=True)  # Jinja's own Context.call and escape
    stock.globals.update({k: env.globals[k] for k in ("ctx_name", "env_flag", "plain")})
    expected = stock.from_string(source).render(name="<n>")
    assert expected == "&lt;n&gt; True (1,)[(&#39;k&#39;, 2)] loop![1](1,)[]loop![2](2,)[]"
    for _ in range(2):  # the second time, through the remembered kinds
        assert env.from_string(source).render(name="<n>") == expected
    # a macro escapes by its caller's {% autoescape %}, as Jinja's own Context.call tells it
    # (there, its result is plain text, which |e escapes once more; a Markup would pass |e unchanged)
    source = "{% macro m() %}<i>{{ '<b>' }}</i>{% endmacro %}{% autoescape false %}{{ m()|e }}{% endautoescape %}"
    assert env.from_string(source).render() == stock.from_string(source).render() == "&lt;i&gt;&amp;lt;b&amp;gt;&lt;/i&gt;"


def test_card_variants_are_the_constant_card_calls_of_a_template_and_what_it_uses(site) -> None:  # type: ignore[no-untyped-def]
    """What a parallel build renders up front: h.card calls with constant keyword arguments, found
    through extends, include and import; a call with a computed argument is left to the page."""
    env = make_env(site)
    assert card_variants(env, "article.html") == {(("level", 3), ("summary", False))}
    assert card_variants(env, "section.html") == {(("level", 2),)}  # the call is in listing.html, which it extends
    templates = site.root / "templates"
    templates.mkdir()
    (templates / "_more.html").write_text("{{ h.card(a, level=4, image=false) }}{{ h.card(a, level=n) }}", encoding="utf-8")
    (templates / "page.html").write_text(
        '{% extends "theme/base.html" %}{% block main %}{% include "_more.html" %}'
        "{{ h.card(x) }}{{ h.card(x, level=2, **more) }}{{ other.card(x, level=9) }}{% endblock %}", encoding="utf-8")
    (templates / "broken.html").write_text("{% if %}", encoding="utf-8")
    env = make_env(site)  # one that sees templates/
    assert card_variants(env, "page.html") == {(("image", False), ("level", 4)), ()}
    assert card_variants(env, "broken.html") == frozenset()
    assert card_variants(env, "missing.html") == frozenset()


def test_templates_are_loaded_once_with_what_they_use_before_the_workers_fork(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """environment.compiled: the page templates, what they extend, include and import and the helpers'
    fragments are loaded by the build's process; a page worker that inherits the environment loads
    none again. A broken or missing template is left for its page to report."""
    templates = site.root / "templates"
    templates.mkdir()
    (templates / "_more.html").write_text("more", encoding="utf-8")
    (templates / "page.html").write_text('{% extends "theme/base.html" %}{% block content %}{% include "_more.html" %}'
                                         "{% endblock %}", encoding="utf-8")
    (templates / "broken.html").write_text("{% if %}", encoding="utf-8")
    env = compiled(make_env(site), ["article.html", "page.html", "broken.html", "missing.html"])
    loads: list[str] = []

    def refuse(self, environment, name):  # type: ignore[no-untyped-def]
        loads.append(name)
        raise jinja2.TemplateNotFound(name)

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", refuse)
    for name in ["article.html", "base.html", "_macros.html", "_article_meta.html", "page.html", "theme/base.html",
                 "_more.html", "_card.html", "_picture.html", "_latest.html", "_nav.html", "_footer.html"]:
        env.get_template(name)
    assert loads == []
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("broken.html")  # (not kept: loaded, and reported, by the page that uses it)


def test_url_helpers_respect_the_sub_path(site) -> None:  # type: ignore[no-untyped-def]
    env = make_env(site)
    assert (
        env.from_string("{{ url('politics/') }} {{ abs_url('feed.xml') }}").render()
        == "/news/politics/ https://x.org/news/feed.xml"
    )


def test_site_templates_override_and_extend_the_theme(site) -> None:  # type: ignore[no-untyped-def]
    (site.root / "templates").mkdir()
    (site.root / "templates/404.html").write_text(
        '{% extends "theme/404.html" %}{% block title %}Lost{% endblock %}', encoding="utf-8"
    )
    env = make_env(site)
    assert env.get_template("404.html").filename.startswith(str(site.root))
    assert "Lost" in env.get_template("404.html").blocks["title"](env.get_template("404.html").new_context({}))
    assert env.get_template("theme/404.html").filename.startswith(str(theme_dir()))


def test_dates_in_the_site_zone() -> None:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    when = dt.datetime(2025, 3, 19, 10, 40, tzinfo=dt.UTC)
    assert format_datetime(when, "en", tz) == "March 19, 2025 17:40"
    assert format_day(when, "en", tz) == "March 19, 2025"
    assert format_datetime(dt.datetime(2025, 3, 9, 8, 5, tzinfo=tz), "en", tz) == "March 9, 2025 08:05"
    assert rfc822(dt.datetime(2025, 3, 19, 17, 40, tzinfo=tz)) == "Wed, 19 Mar 2025 17:40:00 +0700"


def test_rfc822_is_the_standard_librarys() -> None:
    """rfc822 formats itself (email.utils is not imported by a build): the same text as
    email.utils.format_datetime for any date and zone, naive dates and second offsets too."""
    import random
    from email.utils import format_datetime as reference

    rng = random.Random(18)
    zones = [ZoneInfo(name) for name in ("UTC", "Asia/Ho_Chi_Minh", "America/St_Johns", "Asia/Kathmandu",
                                         "Pacific/Chatham", "America/Los_Angeles", "Africa/Monrovia")]
    zones += [dt.timezone(dt.timedelta(hours=-3, minutes=-30)), dt.timezone(dt.timedelta(seconds=-37))]
    for _ in range(3000):
        when = dt.datetime(rng.randint(1, 9999), 1, 1) + dt.timedelta(seconds=rng.randint(0, 364 * 86400))
        if rng.random() < 0.9:
            when = when.replace(tzinfo=rng.choice(zones))
        assert rfc822(when) == reference(when), when


@pytest.mark.parametrize(
    "title",
    [
        "</script><script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<!-- x",
        "a & b",
        "\u2028line\u2029sep",
        "{{ 7*7 }}",
    ],
)
def test_jsonld_cannot_break_out_of_its_script(title: str) -> None:
    text = str(jsonld({"headline": title}))
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"headline": title}


def test_a_first_build_parses_each_template_source_once(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Page fingerprints, the templates loaded before the workers fork and the cards rendered up front
    all read what a template names: each source is parsed once per process for them (the loading's
    own compile aside); an edited source is parsed anew."""
    from newsgen.render import templates as scans

    monkeypatch.setattr(scans, "_SCANNED", {})
    parsed: list[str] = []
    real = jinja2.Environment.parse

    def parse(self, source, name=None, filename=None):  # type: ignore[no-untyped-def]
        parsed.append(source)
        return real(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "parse", parse)
    names = ["article.html", "section.html", "home.html"]
    template_digests(make_env(site), names)
    first = len(parsed)
    assert first == len(set(parsed)) > 5  # each once: base.html, _macros.html, the fragments...
    card_variants(make_env(site), "article.html")
    card_variants(make_env(site), "section.html")
    template_digests(make_env(site), names)
    assert len(parsed) == first
    (site.root / "templates").mkdir()
    (site.root / "templates/_card.html").write_text("{% include 'theme/_card.html' %}", encoding="utf-8")
    assert template_digests(make_env(site), names) == template_digests(make_env(site), names)
    assert parsed[first:] == ["{% include 'theme/_card.html' %}"]


def test_template_digests_follow_includes(site) -> None:  # type: ignore[no-untyped-def]
    env = make_env(site)
    before = template_digests(env, ["article.html", "404.html", "feed.xml"])
    (site.root / "templates").mkdir()
    (site.root / "templates/_article_meta.html").write_text("<!-- mine -->", encoding="utf-8")
    after = template_digests(make_env(site), ["article.html", "404.html", "feed.xml"])
    assert after["article.html"] != before["article.html"]  # article.html includes _article_meta.html
    assert after["404.html"] == before["404.html"]
    assert after["feed.xml"] == before["feed.xml"]
    (site.root / "templates/base.html").write_text("{% block content %}{% endblock %}", encoding="utf-8")
    last = template_digests(make_env(site), ["article.html", "404.html", "feed.xml"])
    assert last["404.html"] != after["404.html"] and last["feed.xml"] == after["feed.xml"]


def test_the_stock_jinja_switch_renders_every_demo_page_the_same(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """NEWSGEN_STOCK_JINJA=1 builds with a stock jinja2.Environment (no speed hooks): the whole demo
    site's output is byte for byte the same, so any difference can be bisected to render/hooks.py."""
    from tests.conftest import copy_demo

    from newsgen.build import BuildOptions, build
    from newsgen.render import hooks

    site = copy_demo(tmp_path / "demo")
    outputs = {}
    for stock in ("0", "1"):
        monkeypatch.setenv("NEWSGEN_STOCK_JINJA", stock)
        assert hooks.enabled() is (stock == "0")
        out = tmp_path / f"out-{stock}"
        build(site, BuildOptions(out=out, jobs=1))
        outputs[stock] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                          if p.is_file() and p.name != ".newsgen-output"}
    assert outputs["0"] == outputs["1"]
    assert len(outputs["0"]) > 50


def test_the_themes_compiled_templates_are_kept_beside_newsgen(site, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A build without a build cache (a first build, a CI runner) loads the built-in theme's templates
    compiled by an earlier build, kept next to newsgen's bytecode; a site's own templates stay in its
    build cache only; a kept template whose source changed is compiled again; nothing is written there
    when Python writes no bytecode; and each way renders the same."""
    import shutil
    import sys

    from newsgen.render import environment

    kept = tmp_path / "kept"
    monkeypatch.setattr(environment, "THEME_CODE", kept)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (site.root / "templates").mkdir()
    (site.root / "templates/mine.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    compiled_now: list[str] = []
    real = jinja2.Environment.compile

    def compile_(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled_now.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    names = ["article.html", "mine.html", "theme/_card.html"]
    first = [make_env(site).get_template(n) for n in names]
    assert sorted(compiled_now) == ["_card.html", "article.html", "mine.html"]
    assert len(list(kept.rglob("*.cache"))) == 2  # the theme's, not mine.html

    shutil.rmtree(site.root / ".newsgen-cache")  # no build cache: the theme's templates are not compiled
    compiled_now.clear()
    again = [make_env(site).get_template(n) for n in names]
    assert compiled_now == ["mine.html"]
    assert [t.root_render_func.__code__.co_code for t in again] == [t.root_render_func.__code__.co_code for t in first]

    # a kept template's source changed (another theme file under the same name): Jinja compiles it again
    shutil.rmtree(site.root / ".newsgen-cache")
    monkeypatch.setattr(jinja2.bccache.Bucket, "load_bytecode",
                        lambda self, f: self.reset())  # (what a checksum that does not match does)
    compiled_now.clear()
    make_env(site).get_template("article.html")
    assert "article.html" in compiled_now

    # no bytecode written by Python: none written beside newsgen either
    monkeypatch.undo()
    monkeypatch.setattr(environment, "THEME_CODE", tmp_path / "none")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    shutil.rmtree(site.root / ".newsgen-cache")
    make_env(site).get_template("article.html")
    assert not (tmp_path / "none").exists()
