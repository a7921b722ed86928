"""The theme's words in the site's `language`: gettext catalogs, managed with Babel, for Jinja's i18n
extension (`{{ _("Latest News") }}`, `{% trans count=n %}...{% pluralize %}...{% endtrans %}`).

Two places hold catalogs (docs/translating.md):

- the built-in theme's, `theme/locale/<lang>/LC_MESSAGES/newsgen.mo`, compiled from the `.po` beside
  it; both are committed (a unit test fails when a `.mo` is not the compiled `.po`);
- the site's, `templates/locale/<lang>/LC_MESSAGES/*.po`, read and compiled in memory at every build
  (nothing for the site's editors to run). They win over the theme's; among them, the first by file
  name wins. Under `templates/`, they are inputs of the build like every template.

`vi`, `vi-VN` and `vi_VN` all find `vi` (Babel's locale negotiation). A string that no catalog
translates is the English one written in the template (gettext's fallback): English needs no catalog.
`Catalogs.digest` hashes every catalog read, so that page fingerprints follow a changed translation.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from babel import Locale
from babel.core import negotiate_locale
from markupsafe import Markup

from ..config import SiteConfig
from ..errors import BuildError, Diagnostic

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

DOMAIN = "newsgen"  # the theme's catalogs: newsgen.po / newsgen.mo
# what %-formatting accepts in a message: a named placeholder or a literal %%
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\)[sd]|%)")
_PERCENT = re.compile(r"%")


@dataclass(frozen=True)
class Catalogs:
    translations: gettext.NullTranslations  # the site's catalogs, then the theme's, then English
    digest: str  # every catalog's bytes, hashed: part of every page's fingerprint
    files: tuple[str, ...] = ()  # the catalogs read, most important first (for messages and tests)


def theme_locale_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "theme" / "locale"


def site_locale_dir(config: SiteConfig) -> Path:
    return config.templates_dir / "locale"


def negotiate(language: str, available: list[str]) -> str | None:
    """The one of `available` (folder names such as "vi" or "pt_BR") that serves `language` ("vi",
    "vi-VN", "vi_VN"): the exact locale, else its language alone. None: no catalog for it."""
    try:
        wanted = str(Locale.parse(language.replace("-", "_")))
    except (ValueError, TypeError):  # config.py has already reported an unknown language
        return None
    by_key = {a.replace("-", "_").lower(): a for a in available}
    found = negotiate_locale([wanted], list(by_key), sep="_", aliases={})  # no en -> en_US
    return by_key[found.lower()] if found else None


def load(config: SiteConfig) -> Catalogs:
    """The translations for `config.language`. Raises BuildError (every problem of every site catalog,
    one `path:line: message (hint)` each) when a site catalog cannot be read or parsed."""
    h = hashlib.blake2b(digest_size=12)
    chain: list[gettext.NullTranslations] = []
    files: list[str] = []
    problems: list[Diagnostic] = []
    site_dir = site_locale_dir(config)
    folder = negotiate(config.language, _subdirs(site_dir))
    if folder is not None:
        for path in sorted((site_dir / folder / "LC_MESSAGES").glob("*.po")):
            shown = _shown(path, config.root)
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(Diagnostic(shown, None, f"cannot read the catalog: {exc.strerror}"))
                continue
            compiled = compile_po(data, folder, shown)
            if isinstance(compiled, tuple):
                problems.extend(compiled)
                continue
            h.update(b"site\0" + path.name.encode() + b"\0" + data + b"\0")
            chain.append(gettext.GNUTranslations(io.BytesIO(compiled)))
            files.append(shown)
    if problems:
        raise BuildError(problems)
    theme_dir = theme_locale_dir()
    folder = negotiate(config.language, _subdirs(theme_dir))
    if folder is not None:
        mo = theme_dir / folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
        data = mo.read_bytes()  # package data: its absence is a broken install, not a user mistake
        h.update(b"theme\0" + folder.encode() + b"\0" + data)
        chain.append(gettext.GNUTranslations(io.BytesIO(data)))
        files.append(f"theme/locale/{folder}/LC_MESSAGES/{DOMAIN}.mo")
    translations = gettext.NullTranslations()  # English: the msgid itself, English plural rule
    for catalog in reversed(chain):  # the theme's falls back to English, each site catalog to the next
        catalog.add_fallback(translations)
        translations = catalog
    return Catalogs(translations, h.hexdigest(), tuple(files))


def install(env: jinja2.Environment, translations: gettext.NullTranslations, fast: bool = True) -> None:
    """`_`, `gettext` and `ngettext` for the templates of `env` (which has jinja2.ext.i18n), "new style":
    the translation is a format string (a literal % is %%) whose values are escaped.

    Jinja's own versions take the template context, and `_` looks `gettext` up in it first: ~10 us a
    call through Context.call, ~15 calls an article page. `fast` replaces them with plain functions
    giving the same result (autoescape is always on in newsgen), a string without values looked up
    once per environment; `NEWSGEN_STOCK_JINJA=1` keeps Jinja's (tests/unit/test_translations.py
    renders with both and compares)."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    if fast:
        one, many = _callables(translations)
        env.globals.update({"_": one, "gettext": one, "ngettext": many})


def _callables(translations: gettext.NullTranslations) -> tuple[Any, Any]:
    lookup, plural_lookup = translations.gettext, translations.ngettext
    constant: dict[str, Markup] = {}  # owned by this environment's `_`
    # a message with values, by (message, its values): "More in %(section)s", "Photo: %(credit)s" come
    # back with the same few values page after page (~6 us for the lookup and Markup's escaping %)
    filled: dict[tuple[object, ...], Markup] = {}

    def gettext_(message: str, /, **variables: Any) -> Markup:
        if variables:
            if not _plain_values(variables):
                return Markup(lookup(message)) % variables  # noqa: S704 - a catalog is trusted like a template
            key = (message, *variables.items())
            done = filled.get(key)
            if done is None:
                done = Markup(lookup(message)) % variables  # noqa: S704 - as above
                if len(filled) < _FILLED_MAX:
                    filled[key] = done
            return done
        done = constant.get(message)
        if done is None:
            done = constant[message] = Markup(lookup(message)) % {}  # noqa: S704 - as above
        return done

    def ngettext_(singular: str, plural: str, n: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", n)
        return Markup(plural_lookup(singular, plural, n)) % variables  # noqa: S704 - as above

    return gettext_, ngettext_


_FILLED_MAX = 4096  # messages with values remembered per environment (pager labels are many)
_PLAIN = frozenset({str, int})


def _plain_values(variables: dict[str, Any]) -> bool:
    """Values whose equality decides the result: exactly str or int (a Markup equals the str of its
    text but is not escaped again; True equals 1 and 1.0 equals 1 but each prints otherwise)."""
    return all(type(v) in _PLAIN for v in variables.values())


def _subdirs(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir() if p.is_dir())
    except OSError:  # no such folder (most sites): no catalog
        return []


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=32)
def compile_po(data: bytes, locale: str, shown: str) -> bytes | tuple[Diagnostic, ...]:
    """A .po file's bytes compiled to .mo bytes (what `pybabel compile` writes: fuzzy and empty
    translations are left out, so they fall back), or its problems, `shown` being its path. Memoized on
    the bytes: the same catalog is compiled once per process however many environments are made."""
    # (babel.messages only when a site has catalogs of its own: ~6 ms of every build's start otherwise)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    unclosed = _unclosed_string(data)
    if unclosed is not None:  # (Babel reads `msgid "Photo` as "Phot": a translation that never matches)
        return (Diagnostic(shown, unclosed[0], f"the catalog does not parse: a text without its closing quote: "
                           f"{unclosed[1]}", 'each text is in double quotes: msgid "English text"'),)
    try:
        catalog = read_po(io.BytesIO(data), locale=_locale_or_none(locale), abort_invalid=True)
    except PoFileError as exc:  # Babel counts lines from 0
        message = str(exc.args[0]).rsplit(" on ", 1)[0] if exc.args else "invalid catalog"
        message = message[:1].lower() + message[1:] + (f' at "{exc.line.strip()}"' if exc.line.strip() else "")
        return (Diagnostic(shown, exc.lineno + 1, f"the catalog does not parse: {message}",
                           'each entry is msgid "English text" then msgstr "its translation"'),)
    except (UnicodeDecodeError, LookupError, ValueError) as exc:
        return (Diagnostic(shown, None, f"the catalog does not parse: {exc}",
                           'save it as UTF-8, with "Content-Type: text/plain; charset=UTF-8"'),)
    problems = check_placeholders(catalog, shown)
    if problems:
        return problems
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


_KEYWORD_STRING = re.compile(r'(?:msgctxt|msgid|msgid_plural|msgstr(?:\[[0-9]+\])?)?\s*(".*)')
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def _unclosed_string(data: bytes) -> tuple[int, str] | None:
    """(line, text) of the first quoted text of a .po file (after a keyword, or a continuation line) that
    does not end with its closing quote."""
    for n, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _KEYWORD_STRING.fullmatch(line)
        if m is not None and not _QUOTED.fullmatch(m.group(1)):
            return n, line
    return None


def _locale_or_none(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (ValueError, TypeError):
        return None


def check_placeholders(catalog: Catalog, shown: str) -> tuple[Diagnostic, ...]:
    """Translations that would fail when a page is rendered: a placeholder such as %(name)s that the
    English string does not have, or a lone % (a literal one is written %%)."""
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        known = {name for i in ids for name in _PLACEHOLDER.findall(i) if name}
        for text in strings:
            if not text:
                continue
            names = {name for name in _PLACEHOLDER.findall(text) if name}
            stray = len(_PERCENT.findall(text)) - sum(m.group(0).count("%") for m in _PLACEHOLDER.finditer(text))
            unknown = sorted(names - known)
            if unknown:
                problems.append(Diagnostic(shown, message.lineno, f'the translation of "{ids[0]}": '
                                           f"%({unknown[0]})s is not in the original",
                                           "use only " + ", ".join(f"%({n})s" for n in sorted(known)) if known
                                           else "the original has no placeholder"))
            elif stray:
                problems.append(Diagnostic(shown, message.lineno, f'the translation of "{ids[0]}": a lone %',
                                           "write %% for a percent sign"))
    return tuple(problems)
