"""Jinja: the site's templates/ over the built-in theme, autoescaped, strict, with newsgen's filters and the
theme's words in the site's language (jinja2.ext.i18n over the gettext catalogs of `translations`)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from babel import Locale
from babel import __version__ as BABEL  # noqa: N812 - a constant
from babel.dates import get_date_format
from markupsafe import Markup

from .. import urls
from ..config import SiteConfig
from ..content.typography import smart_text, typographer  # (standard library only: no markdown-it-py)
from ..startup import answer
from . import hooks, translations

THEME = Path(__file__).resolve().parent.parent / "theme"


def theme_dir() -> Path:
    """The built-in theme, shipped as package data (the one copy). A plain path: newsgen runs from
    files on disk (a wheel installs them; importlib.resources alone costs ~3 ms of every build's start)."""
    return THEME


class _SiteAndTheme(jinja2.FileSystemBytecodeCache):
    """The site's compiled templates in its build cache; the built-in theme's also kept next to newsgen's
    own bytecode, as Python keeps a module's, so that a build without a cache (a first build, a CI
    runner) does not compile them again (~45 ms). Jinja checks each against its template's source."""

    def __init__(self, directory: str, kind: str) -> None:
        super().__init__(directory)
        self._theme_keys: set[str] = set()
        self._theme_dir = THEME_CODE / kind
        self._theme: jinja2.FileSystemBytecodeCache | None = None
        if not sys.dont_write_bytecode or self._theme_dir.is_dir():
            self._theme = jinja2.FileSystemBytecodeCache(str(self._theme_dir))

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        if self._theme is not None and filename is not None and filename.startswith(_THEME_PREFIX):
            self._theme_keys.add(self.get_cache_key(name, filename))
        return super().get_bucket(environment, name, filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().load_bytecode(bucket)
        if bucket.code is None and self._theme is not None and bucket.key in self._theme_keys:
            self._theme.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().dump_bytecode(bucket)
        if self._theme is not None and bucket.key in self._theme_keys and not sys.dont_write_bytecode:
            try:
                self._theme_dir.mkdir(parents=True, exist_ok=True)
                self._theme.dump_bytecode(bucket)
            except OSError:  # newsgen installed where this user cannot write: compiled again next time
                pass


THEME_CODE = Path(__file__).resolve().parent / "__pycache__" / (
    f"jinja-{jinja2.__version__}.{sys.implementation.cache_tag}")
_THEME_PREFIX = str(THEME) + os.sep


def make_env(config: SiteConfig, cache: bool = True) -> jinja2.Environment:
    theme = jinja2.FileSystemLoader(str(theme_dir() / "templates"))
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    loaders.append(theme)
    bytecode: jinja2.BytecodeCache | None = None
    if cache:  # compiled templates kept between builds (not by `newsgen check`, which writes nothing)
        # (by the kind of environment: templates compiled for hooks.FastEnvironment call its guards)
        kind = hooks.GUARDS if hooks.enabled() else "stock"
        cache_dir = config.root / ".newsgen-cache" / "jinja" / kind
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            bytecode = _SiteAndTheme(str(cache_dir), kind)
        except OSError:  # a read-only site folder: compile every time
            bytecode = None
    env = hooks.environment_class()(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"theme": theme}), *loaders]),
        bytecode_cache=bytecode,
        auto_reload=False,  # one build sees one version of the templates: no mtime check per lookup
        cache_size=-1,  # a plain dict of the (few) templates: no LRU bookkeeping and lock per lookup
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # {{ _("Latest News") }}, {{ _("Photo: %(credit)s", credit=...) }}, {% trans count=n %}: the
    # site's catalogs, then the theme's, then the English of the template (BuildError: a broken catalog)
    translations.install(env, translations.load(config).translations, fast=hooks.enabled())
    locale = config.language.replace("-", "_")
    env.filters["datetime"] = functools.partial(format_datetime, locale=locale, tz=config.tz)
    env.filters["date"] = functools.partial(format_day, locale=locale, tz=config.tz)
    env.filters["iso"] = iso
    env.filters["rfc822"] = rfc822
    env.filters["jsonld"] = jsonld
    env.filters["typo"] = typo
    env.globals["url"] = functools.partial(urls.href, config)
    env.globals["abs_url"] = functools.partial(urls.absolute, config)
    env.globals["range"] = bounded_range
    env.globals["lipsum"] = hooks.bounded_lipsum
    return env


MAX_RANGE = 100_000  # items a template's range() may make: Jinja's sandbox has the same limit


def bounded_range(*args: int) -> range:
    """`range()` in templates, of at most MAX_RANGE items: a typo such as range(10**9) stops the build with
    the template's line (a template error) instead of running until the memory is full."""
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise OverflowError(f"range() of {len(r):,} items, more than the {MAX_RANGE:,} a template may make")
    return r


def load_dates(config: SiteConfig) -> None:
    """Babel's data for the site's language read now (~15 ms): by the build's process before the workers
    fork, so that each does not read it again."""
    _patterns(config.language.replace("-", "_"))


@functools.lru_cache(maxsize=8)
def _patterns(locale: str) -> tuple[Locale, Any]:
    loc = Locale.parse(locale)
    return loc, get_date_format("long", locale=loc)


@functools.lru_cache(maxsize=65536)
def format_datetime(value: dt.datetime, locale: str, tz: Any) -> str:
    """"March 19, 2025 17:40" in English; "19 tháng 3, 2025 17:40" in Vietnamese. The day through
    Babel (once per day: many articles share one), the time as HH:mm (what Babel's pattern gives)."""
    local = value.astimezone(tz)
    return f"{_local_day(local.date(), locale)} {local.hour:02d}:{local.minute:02d}"


def format_day(value: dt.datetime, locale: str, tz: Any) -> str:
    return _local_day(value.astimezone(tz).date(), locale)


@functools.lru_cache(maxsize=65536)
def _local_day(day: dt.date, locale: str) -> str:
    """(Kept between runs by `startup.answer`: a new story's build then does not read Babel's data.)"""
    return answer(("day", BABEL, locale, day.toordinal()), lambda: _babel_day(day, locale))


def _babel_day(day: dt.date, locale: str) -> str:
    loc, date_pattern = _patterns(locale)
    return str(date_pattern.apply(day, loc))


@functools.lru_cache(maxsize=65536)
def iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(value: dt.datetime) -> str:
    """RFC 822 date-time of RSS (email.utils.format_datetime's output, tested against it; not imported:
    email.utils brings socket and more, ~5 ms of a build's start). English names, whatever the locale."""
    zone = "-0000" if value.utcoffset() is None else value.strftime("%z")
    return (f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year:04d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {zone}")


# made once, not per call: every page uses it; structured data is never circular (check_circular's
# memo of every container costs ~3 of ~9 us an article's NewsArticle block)
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def jsonld(value: Any) -> Markup:
    """JSON for a <script type="application/ld+json">: `<`, `>`, `&` escaped so that no
    `</script>` in a title can break out of the element."""
    return Markup(script_safe(_JSON.encode(value)))  # noqa: S704 - escaped for the script context


def script_safe(text: str) -> str:
    """JSON text with `<`, `>`, `&` escaped: no `</script>` in a title can break out of the element."""
    if "<" in text or ">" in text or "&" in text:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text


def typo(value: object) -> Markup:
    """A title, summary or caption with the typography of article bodies (markdown-it's typographer:
    “curly” quotes, ’ apostrophes, – and — dashes, …): for text shown on pages. Feeds, structured data
    and meta tags keep the text as the editor wrote it. Escaped here, so it is safe as element content."""
    if isinstance(value, Markup):
        return Markup(typographer(str(value)))  # noqa: S704 - already safe HTML
    return _typo_text(str(value))


@functools.lru_cache(maxsize=65536)
def _typo_text(text: str) -> Markup:
    return Markup(html.escape(smart_text(text), quote=False))  # noqa: S704 - escaped here
