"""render/translations.py and the theme's catalogs: the committed .mo files are the compiled .po files,
the .pot and every .po hold exactly the strings of the templates, English and Vietnamese are
complete, locales negotiate, a site's catalog wins and is in the fingerprint, plurals follow the
language, and a broken catalog is a `path:line:` diagnostic."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from newsgen.config import SiteConfig
from newsgen.errors import BuildError
from newsgen.incremental.decide import common_key
from newsgen.render.environment import make_env
from newsgen.render.translations import DOMAIN, check_placeholders, compile_po, load, negotiate, theme_locale_dir

REPO = Path(__file__).resolve().parents[2]
LOCALE = theme_locale_dir()
LANGUAGES = sorted(p.name for p in LOCALE.iterdir() if p.is_dir())
NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.UTC)


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def ids(catalog: Catalog) -> set[object]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def test_the_theme_has_english_and_vietnamese() -> None:
    assert {"en", "vi"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_committed_mo_is_its_po_compiled(lang: str) -> None:
    """The .mo files ship in the package as committed: after editing a .po, run
    `pybabel compile -D newsgen -d src/newsgen/theme/locale` (docs/translating.md)."""
    po = po_path(lang)
    out = io.BytesIO()
    write_mo(out, read(po))
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run pybabel compile"
    assert mo.read_bytes() == out.getvalue(), f"{mo} is not {po.name} compiled: run pybabel compile"


def test_the_pot_and_every_po_hold_exactly_the_strings_of_the_templates() -> None:
    """What `pybabel extract -F babel.cfg` finds is what the catalogs translate: a string added to a
    template (or to render/feeds.py) without `pybabel extract` and `pybabel update` fails here."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map):
        found.add(message if isinstance(message, str) else tuple(message))
    assert {"Latest News", "Photo: %(credit)s", "Corrections", ("%(count)s article", "%(count)s articles")} <= found
    assert ids(read(LOCALE / f"{DOMAIN}.pot")) == found
    for lang in LANGUAGES:
        catalog = read(po_path(lang))
        assert ids(catalog) == found, lang
        assert not catalog.obsolete, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(lang: str) -> None:
    catalog = read(po_path(lang))
    untranslated = [m.id for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert untranslated == []
    assert check_placeholders(catalog, str(po_path(lang))) == ()


def test_the_english_catalog_is_the_identity() -> None:
    for m in read(po_path("en")):
        if m.id:
            assert (m.string == m.id) if isinstance(m.id, str) else (tuple(m.string) == tuple(m.id)), m.id


@pytest.mark.parametrize(("language", "folder"), [
    ("vi", "vi"), ("vi-VN", "vi"), ("vi_VN", "vi"), ("VI", "vi"), ("en", "en"), ("en-GB", "en"), ("fr", None),
])
def test_locale_negotiation(language: str, folder: str | None) -> None:
    assert negotiate(language, ["en", "vi"]) == folder


def test_a_more_specific_folder_is_preferred() -> None:
    assert negotiate("pt-BR", ["pt", "pt_BR"]) == "pt_BR"
    assert negotiate("pt-PT", ["pt", "pt_BR"]) == "pt"
    assert negotiate("pt-BR", ["pt-br"]) == "pt-br"


def config(root: Path, language: str) -> SiteConfig:
    return SiteConfig(root=root, language=language)


def write_po(root: Path, lang: str, name: str, text: str) -> Path:
    path = root / "templates" / "locale" / lang / "LC_MESSAGES" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_site_catalogs_win_over_the_theme_and_english_is_the_last_fallback(tmp_path: Path) -> None:
    write_po(tmp_path, "vi", "b.po", 'msgid "Home"\nmsgstr "Trang nhà (b)"\n\nmsgid "Search"\nmsgstr "Tìm (b)"\n')
    write_po(tmp_path, "vi", "a.po", 'msgid "Home"\nmsgstr "Trang nhà"\n')
    catalogs = load(config(tmp_path, "vi-VN"))
    t = catalogs.translations
    assert t.gettext("Home") == "Trang nhà"  # a.po before b.po
    assert t.gettext("Search") == "Tìm (b)"
    assert t.gettext("Related") == "Bài liên quan"  # the theme's
    assert t.gettext("Not a theme string") == "Not a theme string"  # English
    assert catalogs.files == ("templates/locale/vi/LC_MESSAGES/a.po", "templates/locale/vi/LC_MESSAGES/b.po",
                              "theme/locale/vi/LC_MESSAGES/newsgen.mo")


def test_fuzzy_and_empty_translations_fall_back(tmp_path: Path) -> None:
    write_po(tmp_path, "vi", "site.po", '#, fuzzy\nmsgid "Home"\nmsgstr "Nhà?"\n\nmsgid "Search"\nmsgstr ""\n')
    t = load(config(tmp_path, "vi")).translations
    assert (t.gettext("Home"), t.gettext("Search")) == ("Trang chủ", "Tìm kiếm")


def test_the_digest_follows_every_catalog(tmp_path: Path) -> None:
    vi, en = config(tmp_path, "vi"), config(tmp_path, "en")
    first = load(vi).digest
    assert load(vi).digest == first
    assert load(en).digest != first
    assert common_key(vi, False, NOW) == common_key(vi, False, NOW)
    key = common_key(vi, False, NOW)
    po = write_po(tmp_path, "vi", "site.po", 'msgid "Home"\nmsgstr "Trang nhà"\n')
    assert load(vi).digest != first
    assert common_key(vi, False, NOW) != key
    assert load(en).digest == load(en).digest  # the vi catalog is not read for an English site
    po.write_text('msgid "Home"\nmsgstr "Trang đầu"\n', encoding="utf-8")
    assert common_key(vi, False, NOW) not in (key, common_key(en, False, NOW))


def render(language: str, source: str, root: Path) -> str:
    env = make_env(config(root, language), cache=False)
    return env.from_string(source).render()


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "1 article|5 articles|0 articles"),
    ("vi", "1 bài viết|5 bài viết|0 bài viết"),
])
def test_plural_forms(tmp_path: Path, language: str, expected: str) -> None:
    source = ('{% from "_macros.html" import article_count %}'
              "{{ article_count(1) }}|{{ article_count(5) }}|{{ article_count(0) }}")
    assert render(language, source, tmp_path) == expected


def test_a_site_catalog_with_two_plural_forms(tmp_path: Path) -> None:
    write_po(tmp_path, "en", "site.po", 'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
             'msgid "%(count)s article"\nmsgid_plural "%(count)s articles"\n'
             'msgstr[0] "%(count)s story"\nmsgstr[1] "%(count)s stories"\n')
    source = ('{% from "_macros.html" import article_count %}{{ article_count(1) }}|{{ article_count(5) }}|'
              "{% trans count=2 %}{{ count }} page{% pluralize %}{{ count }} pages{% endtrans %}")
    assert render("en", source, tmp_path) == "1 story|5 stories|2 pages"


def test_translations_are_html_and_their_values_are_escaped(tmp_path: Path) -> None:
    assert render("vi", '{{ _("Photo: %(credit)s", credit="<b>AFP</b>") }}', tmp_path) == "Ảnh: &lt;b&gt;AFP&lt;/b&gt;"


@pytest.mark.parametrize(("text", "line", "start"), [
    ('msgid "Home"\nmsgstr "Trang chủ"\nnonsense\n', 3, "the catalog does not parse: unknown or misformatted keyword"),
    ('msgid "Home"\n', 1, "the catalog does not parse: missing msgstr"),
    ('\n\nmsgid "More in %(section)s"\nmsgstr "Thêm %(muc)s"\n', 3,
     'the translation of "More in %(section)s": %(muc)s is not in the original'),
    ('msgid "Home"\nmsgstr "100% nhà"\n', 1, 'the translation of "Home": a lone %'),
    # Babel alone reads these as "Phot" and "Trang chủ" (it drops a last character): a text that never matches
    ('msgid "Home"\nmsgstr "Trang chủ"\n\nmsgid "Photo\nmsgstr "Ảnh"\n', 4,
     'the catalog does not parse: a text without its closing quote: msgid "Photo'),
    ('msgid ""\nmsgstr ""\n"Language: vi\\n"\n\nmsgid "Home"\nmsgstr "Trang chủ\n', 6,
     "the catalog does not parse: a text without its closing quote"),
])
def test_a_broken_site_catalog_is_a_diagnostic_with_its_line(tmp_path: Path, text: str, line: int,
                                                              start: str) -> None:
    write_po(tmp_path, "vi", "site.po", text)
    write_po(tmp_path, "vi", "ok.po", 'msgid "Home"\nmsgstr "Trang nhà"\n')
    with pytest.raises(BuildError) as caught:
        load(config(tmp_path, "vi"))
    (d,) = caught.value.diagnostics
    assert (d.path, d.line) == ("templates/locale/vi/LC_MESSAGES/site.po", line)
    assert d.message.startswith(start), d.message
    assert d.hint
    assert str(d).count("\n") == 0
    with pytest.raises(BuildError):
        make_env(config(tmp_path, "vi"), cache=False)


def test_every_broken_catalog_is_reported_together(tmp_path: Path) -> None:
    write_po(tmp_path, "vi", "a.po", "nonsense\n")
    write_po(tmp_path, "vi", "b.po", "nonsense\n")
    with pytest.raises(BuildError) as caught:
        load(config(tmp_path, "vi"))
    assert [d.path.rsplit("/", 1)[1] for d in caught.value.diagnostics] == ["a.po", "b.po"]


def test_catalogs_of_other_languages_are_not_read(tmp_path: Path) -> None:
    write_po(tmp_path, "fr", "site.po", "nonsense\n")
    assert load(config(tmp_path, "vi")).translations.gettext("Home") == "Trang chủ"


def test_compile_po_is_what_pybabel_compile_writes() -> None:
    data = po_path("vi").read_bytes()
    compiled = compile_po(data, "vi", "vi.po")
    assert compiled == po_path("vi").with_suffix(".mo").read_bytes()


SAMPLE = """{% from "_macros.html" import article_count %}
{{ _("Latest News") }}|{{ _("Photo: %(credit)s", credit=credit) }}|{{ _("Photo: %(credit)s", credit=safe) }}
{{ _("More in %(section)s", section=5) }}|{{ gettext("Home") }}|{{ _("100%% sure") }}|{{ _("Search") ~ "!" }}
{{ article_count(1) }}|{{ article_count(7) }}|{{ ngettext("%(num)d file", "%(num)d files", 3) }}
{% trans who=credit %}Sent by {{ who }}{% endtrans %}|{% trans count=2, who=safe %}{{ count }} by {{ who }}{% pluralize %}{{ count }} by {{ who }}s{% endtrans %}
<p title="{{ _("Tags") }}">{{ _("Tags")|upper }}</p>"""


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_fast_gettext_renders_what_jinjas_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   language: str) -> None:
    """render/translations.install's plain functions against Jinja's own newstyle gettext
    (NEWSGEN_STOCK_JINJA=1): values escaped, translations not, %% a percent sign, plurals."""
    from markupsafe import Markup

    values = {"credit": 'AFP & "Reuters" <b>', "safe": Markup("<i>TTXVN</i>")}
    fast = make_env(config(tmp_path, language), cache=False).from_string(SAMPLE).render(**values)
    monkeypatch.setenv("NEWSGEN_STOCK_JINJA", "1")
    stock = make_env(config(tmp_path, language), cache=False).from_string(SAMPLE).render(**values)
    assert fast == stock
    assert "AFP &amp; &#34;Reuters&#34; &lt;b&gt;" in fast and "<i>TTXVN</i>" in fast and "100% sure" in fast


def test_a_remembered_message_with_values_is_what_formatting_gives() -> None:
    """`_` remembers a message with str or int values; a Markup, bool or float value is never taken for
    an equal str or int one (each is formatted otherwise)."""
    import gettext

    from markupsafe import Markup

    from newsgen.render.translations import _callables

    one, _many = _callables(gettext.NullTranslations())
    for _ in range(2):  # the second time from the memo
        assert one("More in %(section)s", section="A & B") == Markup("More in A &amp; B")
        assert one("More in %(section)s", section=Markup("A &amp; B")) == Markup("More in A &amp; B")
        assert one("Page %(n)s", n=1) == Markup("Page 1")
        assert one("Page %(n)s", n=True) == Markup("Page True")
        assert one("Page %(n)s", n=1.0) == Markup("Page 1.0")
        assert one("Page %(n)s", n="<1>") == Markup("Page &lt;1&gt;")
