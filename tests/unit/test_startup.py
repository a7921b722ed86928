"""startup.py: what newsgen's start compiles (dataclasses' methods, regular expressions), kept in a memo,
is what the stock way compiles: every method of every newsgen dataclass and every pattern compiled while
importing newsgen, in the run that writes the memo and in the one that reads it, and with the switch off."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

_DUMP = r"""
import dataclasses, importlib, marshal, pkgutil, re, sys
from pathlib import Path
import newsgen
from newsgen import startup
startup.MEMO = Path(sys.argv[1])
if sys.argv[2] == "memo":
    startup.compile_once()
skip = ("newsgen.serve.", "newsgen.__main__")  # (watchdog's threads: not needed for the classes)
names = sorted(m.name for m in pkgutil.walk_packages(newsgen.__path__, "newsgen.") if not m.name.startswith(skip))
for extra in ("yaml", "jinja2", "jinja2.ext", "babel.dates", "babel.numbers"):
    names.append(extra)
methods = {}
for name in names:
    module = importlib.import_module(name)
    for cls in vars(module).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name:
            for attr, value in sorted(vars(cls).items()):
                code = getattr(value, "__code__", None)
                if code is not None and code.co_filename == "<string>":  # made by dataclasses
                    methods[f"{name}.{cls.__qualname__}.{attr}"] = (
                        marshal.dumps(code), repr(value.__annotations__), repr(value.__defaults__),
                        repr(value.__kwdefaults__), value.__qualname__)
patterns, different = 0, []
for cache in (getattr(re, "_cache", {}), getattr(re, "_cache2", {})):
    for key, made in list(cache.items()):
        if not isinstance(made, re.Pattern):
            continue
        _, pattern, flags = key
        stock = startup._stock_compile(pattern, flags)
        patterns += 1
        if not (made == stock and made.groupindex == stock.groupindex and made.groups == stock.groups
                and made.flags == stock.flags):
            different.append(repr(pattern)[:80])
startup.remember()
sys.stdout.buffer.write(marshal.dumps((methods, patterns, different, len(startup._patterns))))
"""


def _run(memo: Path, how: str, **env: str) -> tuple[dict[str, object], int, list[str], int]:
    proc = subprocess.run([sys.executable, "-c", _DUMP, str(memo), how], capture_output=True, check=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "", **env}, timeout=120)
    methods, patterns, different, kept = marshal.loads(proc.stdout)
    return methods, patterns, different, kept


def test_what_is_compiled_once_is_what_the_stock_way_compiles(tmp_path: Path) -> None:
    memo = tmp_path / "startup.marshal"
    stock, _, _, _ = _run(memo, "stock")
    assert len(stock) > 100 and not memo.exists()
    first, patterns, different, kept = _run(memo, "memo")  # compiled, and the memo written
    assert memo.exists() and first == stock and not different and patterns > 50 and kept > 50
    again, patterns, different, _ = _run(memo, "memo")  # made from the memo
    assert again == stock and not different and patterns > 50
    off, _, _, kept = _run(memo, "memo", NEWSGEN_STOCK_STARTUP="1")  # the switch: nothing taken from it
    assert off == stock and kept == 0


def test_a_damaged_or_foreign_memo_is_compiled_past(tmp_path: Path) -> None:
    from newsgen import startup

    memo = tmp_path / "startup.marshal"
    stock, _, _, _ = _run(memo, "stock")
    head = startup._header()
    for content in (b"", b"garbage", head + b"\xff\x00", b"\x00\x00\x0d\x0a0\n" + marshal.dumps(({}, {})),
                    head + marshal.dumps(({"def f(): pass": 3, 5: "x"}, {("a", 0): "x", "b": ()})),
                    head + marshal.dumps([1, 2])):
        memo.write_bytes(content)
        methods, _, different, _ = _run(memo, "memo")
        assert methods == stock and not different
    assert memo.read_bytes().startswith(head) and len(memo.read_bytes()) > 1000  # written again, whole


def test_patterns_past_the_most_are_compiled_but_not_kept(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Patterns made at run time from data could be many: past startup._MOST none is kept."""
    from newsgen import startup

    made = startup._re_compile(r"kept-(\d+)-xyz", 0)  # (below the bound: kept)
    assert made.fullmatch("kept-12-xyz") and (r"kept-(\d+)-xyz", 0) in startup._patterns
    monkeypatch.setattr(startup, "_MOST", 0)
    made = startup._re_compile(r"not-kept-(\d+)-xyz", 0)
    assert made.fullmatch("not-kept-7-xyz").group(1) == "7"
    assert (r"not-kept-(\d+)-xyz", 0) not in startup._patterns
    assert startup._re_compile(r"kept-(\d+)-xyz", 0).fullmatch("kept-3-xyz")  # (one kept: still made from it)


_BABEL = r"""
import datetime as dt, marshal, sys
from pathlib import Path
import babel.localedata
from newsgen import startup
startup.MEMO = Path(sys.argv[1])
if sys.argv[2] == "memo":
    startup.compile_once()
loads = []
real = babel.localedata.load
babel.localedata.load = lambda *a, **k: loads.append(a[0]) or real(*a, **k)
from newsgen.languages import og_locale, text_direction
from newsgen.render.environment import format_datetime
from zoneinfo import ZoneInfo
codes = ["en", "vi", "ar", "he", "fa", "pt-BR", "zh-Hant", "zh", "sr-Latn", "de-CH", "xx"]
locales = ["en", "vi", "ar", "pt_BR", "zh_Hant", "de_CH"]
first = dt.datetime(2023, 12, 25, 23, 30, tzinfo=dt.timezone.utc)
days = [format_datetime(first + dt.timedelta(days=k, hours=k), locale, ZoneInfo("Asia/Ho_Chi_Minh"))
        for k in range(0, 900, 7) for locale in locales]
found = (days, [og_locale(c) for c in codes[:-1]], [text_direction(c) for c in codes])  # ("xx": no locale)
startup.remember()
sys.stdout.buffer.write(marshal.dumps((found, len(loads))))
"""


def test_babels_answers_kept_are_babels(tmp_path: Path) -> None:
    """Dates' words, directions and Open Graph locales from the memo are what Babel answers, and a run that
    finds them there reads none of Babel's locale data."""
    def run(how: str, **env: str) -> tuple[object, int]:
        proc = subprocess.run([sys.executable, "-c", _BABEL, str(memo), how], capture_output=True, check=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "", **env}, timeout=120)
        return marshal.loads(proc.stdout)  # type: ignore[no-any-return]

    memo = tmp_path / "startup.marshal"
    stock, read = run("stock")
    assert read > 3 and not memo.exists()
    assert "rtl" in stock[2] and "ltr" in stock[2] and "pt_BR" in stock[1]  # (Babel answered)
    assert run("memo") == (stock, read)  # computed, and kept
    assert run("memo") == (stock, 0)  # from the memo: Babel's data not read
    assert run("memo", NEWSGEN_STOCK_STARTUP="1") == (stock, read)


def test_babels_answers_kept_by_other_code_are_not_taken(tmp_path: Path) -> None:
    """The memo keeps Babel's answers for the newsgen code that made them: what another version (or an
    edited checkout) made of Babel's data is asked again, not taken (review: a date format changed in
    newsgen's code kept the old words for every day already in the memo)."""
    from newsgen import startup

    memo = tmp_path / "startup.marshal"

    def run() -> tuple[object, int]:
        proc = subprocess.run([sys.executable, "-c", _BABEL, str(memo), "memo"], capture_output=True, check=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""}, timeout=120)
        return marshal.loads(proc.stdout)  # type: ignore[no-any-return]

    stock, read = run()
    head = startup._header()

    def rewrite(made_by: object) -> None:
        code, patterns, (_, answers) = marshal.loads(memo.read_bytes()[len(head):])
        memo.write_bytes(head + marshal.dumps((code, patterns, (made_by, {k: "stale" for k in answers}))))

    rewrite(startup._newsgen())  # (this process's code is the child's)
    assert run()[0][0][0].startswith("stale ")  # taken from the memo: it is used
    rewrite("newsgen 0.0.1 python (3, 11) code other")
    assert run() == (stock, read)  # another code's: asked again


def test_a_stop_while_the_build_is_imported_is_not_taken_for_an_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """warm_up leaves a module that fails to import to the build, but not a stop that Python 3.11 turned
    into a RuntimeError (a signal handled in a __set_name__): cli.run reports it as the stop it is."""
    import builtins

    from newsgen import startup

    real = builtins.__import__

    def fake(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "newsgen.stops_here":
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as stop:
                raise RuntimeError("Error calling __set_name__") from stop
        if name == "newsgen.fails_here":
            raise ImportError("broken")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(startup, "compile_once", lambda: None)
    monkeypatch.setattr(builtins, "__import__", fake)
    monkeypatch.setattr(startup, "BUILD_MODULES", ("newsgen.fails_here", "newsgen.stops_here"))
    assert startup.warm_up(lambda: False) is None  # an error: left to the build
    monkeypatch.setattr(startup, "BUILD_MODULES", ("newsgen.stops_here",))
    import pytest

    with pytest.raises(RuntimeError):
        startup.warm_up(lambda: False)


def test_the_memo_is_not_written_again_for_a_pattern_or_two(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every run compiles a pattern or two anew (Babel's plural rules make one from a set, in the order of
    the run's string hashes): not a reason to write the memo again, every run; an answer is."""
    from newsgen import startup

    memo = tmp_path / "startup.marshal"
    monkeypatch.setattr(startup, "MEMO", memo)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(startup, "_new", [startup._NEW_COMPILED - 1, 0])
    startup.remember()
    assert not memo.exists()
    monkeypatch.setattr(startup, "_new", [0, 1])
    startup.remember()
    assert memo.exists() and startup._new == [0, 0]
