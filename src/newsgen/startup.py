"""What every start of newsgen compiles again, compiled once and kept next to newsgen's .pyc files, as
Python keeps its modules' bytecode: the methods `dataclasses` writes for each class (__init__, __eq__,
__repr__...: ~190 small functions, made from source text when newsgen's modules are imported) and the
regular expressions compiled at import (~120: newsgen's, PyYAML's, Jinja's, Babel's). A build that
changed little spends a quarter of its time importing; these were ~30 ms of ~120. And what Babel answers
from its locale data (`answer`): the words of a day's date, a language's direction and Open Graph
locale. Reading that data is ~12 ms of a build that renders one dated page (a new story: its page, the
home page), for a few strings that only change with Babel's version (in the key).

This module owns the two private hooks it takes, and nothing else uses them:
- `exec` given to the dataclasses module as a global (its own calls find it before the builtin): the
  text is the key, and the code kept is what compile() makes of that text;
- `re._compiler.compile` for a pattern given as text: the key is (text, flags), and what is kept is
  what `_sre.compile` is given (the parser's and code generator's output); a pattern found there is
  made by `_sre.compile` from it, as the stock function makes it.
`compile_once()` puts them in place and reads the memo (the command line, past the no-change answer; until
then `answer` computes each time), `remember()` saves
what this process compiled that the memo did not hold (not when Python writes no bytecode). The memo
is keyed by the interpreter (cache tag, bytecode magic, the regex engine's magic); one that cannot be
read is ignored. `NEWSGEN_STOCK_STARTUP=1` leaves both hooks out. tests/unit/test_startup.py compares
every method of every newsgen dataclass and every pattern compiled while importing newsgen, both ways.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

ON = os.environ.get("NEWSGEN_STOCK_STARTUP", "") in ("", "0")
MEMO = Path(__file__).parent / "__pycache__" / f"startup.{sys.implementation.cache_tag}.marshal"

_code: dict[str, CodeType] = {}  # dataclasses' method text -> its code
_patterns: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}  # (pattern, flags) -> _sre.compile's arguments
_answers: dict[tuple[Any, ...], Any] = {}  # (what, the library's version, its arguments) -> what it returned
_used: set[object] = set()  # keys this process asked for (what is saved once the memo holds much more)
# compiled, and answered, by this process, not found in the memo. A pattern or two are new in every run:
# Babel's plural rules make one from a set, in the order of the run's string hashes; the memo is written
# again for an answer, or for more compiled than that (a first run, an upgrade)
_new = [0, 0]
_NEW_COMPILED = 3
_reading = [False]  # compile_once has read the memo: `answer` keeps what it computes
_made_by: list[str] = []  # newsgen's version and code, as _newsgen() found them
_MOST = 4096  # patterns kept (~120 at import; patterns made at run time from data would be more: not kept)

_compiler: Any = getattr(re, "_compiler", None)
_stock_compile = getattr(_compiler, "compile", None)


def compile_once() -> None:
    if not ON or _stock_compile is None or getattr(_compiler, "compile", None) is _re_compile:
        return
    import dataclasses

    _load()
    _reading[0] = True
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    if all(hasattr(_compiler, name) for name in ("_code", "_parser", "_sre")):
        _compiler.compile = _re_compile


def _header() -> bytes:
    from importlib.util import MAGIC_NUMBER

    return MAGIC_NUMBER + str(getattr(getattr(_compiler, "_sre", None), "MAGIC", 0)).encode() + b"\n"


def _load() -> None:
    try:
        raw = MEMO.read_bytes()
        head = _header()
        if not raw.startswith(head):
            return
        code, patterns, (made_by, answers) = marshal.loads(memoryview(raw)[len(head):])  # noqa: S302 - as .pyc
        _code.update((k, v) for k, v in code.items() if isinstance(k, str) and isinstance(v, CodeType))
        _patterns.update((k, v) for k, v in patterns.items() if isinstance(k, tuple) and isinstance(v, tuple))
        if made_by == _newsgen():  # (answers of other code: what newsgen makes of Babel's data may differ)
            _answers.update((k, v) for k, v in answers.items() if isinstance(k, tuple) and isinstance(v, str))
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        pass  # none yet, or not ours: compiled as usual


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002 - exec's names
    if type(source) is str:
        _used.add(source)
        code = _code.get(source)
        if code is None:  # (dont_inherit: none of this module's __future__ flags, as the stock exec has none)
            code = _code[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _new[0] += 1
        source = code
    exec(source, globals, locals)  # noqa: S102 - the dataclasses module's own code


def _re_compile(p: Any, flags: int = 0) -> Any:
    """re._compiler.compile, for a pattern given as text, from the memo or kept in it."""
    if not (type(p) is str or type(p) is bytes) or flags & re.DEBUG or (
            len(_patterns) >= _MOST and (p, flags) not in _patterns):
        return _stock_compile(p, flags)  # type: ignore[misc]
    key = (p, flags)
    _used.add(key)
    args = _patterns.get(key)
    if args is None:
        parsed = _compiler._parser.parse(p, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # (opcodes are an int subclass: plain ints)
        groupindex = parsed.state.groupdict
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        args = _patterns[key] = (int(flags | parsed.state.flags), code, parsed.state.groups - 1,
                                 dict(groupindex), tuple(indexgroup))
        _new[0] += 1
    return _compiler._sre.compile(p, *args)


def answer(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """What `compute()` returns (a str), kept in the memo under `key` once `compile_once` has read it: for a
    pure function of a library's data, whose version is in the key (render/environment.py, languages.py);
    the memo keeps them for the newsgen code that made them (`_newsgen`). tests/unit/test_startup.py
    compares the answers both ways."""
    if not _reading[0]:
        return compute()
    _used.add(key)
    if key in _answers:
        return _answers[key]  # type: ignore[no-any-return]
    found = _answers[key] = compute()
    _new[1] += 1
    return found


def remember() -> None:
    if (_new[0] < _NEW_COMPILED and not _new[1]) or sys.dont_write_bytecode:
        return
    _new[:] = [0, 0]
    kept = [_kept(_code), _kept(_patterns), _kept(_answers)]
    tmp = MEMO.with_suffix(f".{os.getpid()}.tmp")
    try:
        MEMO.parent.mkdir(exist_ok=True)
        tmp.write_bytes(_header() + marshal.dumps((kept[0], kept[1], (_newsgen(), kept[2]))))
        os.replace(tmp, MEMO)
    except (OSError, ValueError):  # (ValueError: something marshal cannot hold; never a reason to fail)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _newsgen() -> str:
    """newsgen's version and the stamps of its code (`codestamp`, ~0.3 ms, once): Babel's answers are
    kept for the code that made them (the date format it asks for, how it reads a language's subtags)."""
    if not _made_by:
        from .codestamp import code_stamps

        _made_by.append(code_stamps())
    return _made_by[0]


def _kept(memo: dict[Any, Any]) -> dict[Any, Any]:
    """All of it; or, when it holds much more than this process asked for (an upgrade left what no run asks
    for any more), what this one did."""
    used = sum(1 for k in memo if k in _used)
    if not used or len(memo) < 2 * used + 200:  # (none used: a run that had no use for these, not a sign)
        return memo
    return {k: v for k, v in memo.items() if k in _used}


# The modules a build imports when it first needs them (build.py's stages), in that order: what
# `warm_up` loads while `newsgen build` walks its inputs in a child (incremental/walkaside.py).
# tests/unit/test_startup.py checks that a build imports no newsgen module these leave out.
BUILD_MODULES = (
    "newsgen.buildcommand", "newsgen.build", "yaml", "babel.core", "babel", "zoneinfo", "hashlib", "newsgen.search",
    "newsgen.config", "newsgen.incremental.cache", "newsgen.incremental.records", "newsgen.incremental.ahead",
    "newsgen.incremental.bodyedit", "newsgen.inputs", "newsgen.output", "newsgen.output_guard",
    "newsgen.parallel.executor", "newsgen.publish", "newsgen.content.collect", "newsgen.editions",
    "newsgen.incremental.codec", "newsgen.incremental.decide", "newsgen.incremental.reuse", "newsgen.pages",
    "markupsafe", "jinja2", "babel.dates", "newsgen.render.environment", "newsgen.render.templates",
    "newsgen.site", "newsgen.images", "newsgen.content.body", "newsgen.parallel.prerender", "newsgen.incremental.grow",
    "newsgen.clashes", "newsgen.files", "newsgen.render.inputs", "newsgen.render.limits", "newsgen.render.pages",
)  # (the libraries' big modules on their own: each import is a step the walk's answer waits for at most)


def warm_up(ready: Any) -> None:
    """Import the build's modules (compiled once, as `compile_once` has them) one at a time, until
    `ready()`: `newsgen build` does this while a child walks its inputs, in time it would otherwise wait
    (snapshot.quick). A module that fails to import is left to the build, which imports it again and
    says what is wrong."""
    compile_once()
    for name in BUILD_MODULES:
        if ready():
            return
        try:
            __import__(name)  # (importlib.import_module: importlib's own import, ~5 ms)
        except Exception as exc:  # noqa: BLE001 - see above; but not a stop (Ctrl-C, SIGTERM) that Python 3.11
            if _a_stop(exc):  # turned into a RuntimeError (raised in a __set_name__): cli.run says it stopped
                raise
            return


def _a_stop(exc: BaseException) -> bool:
    """Whether what caused `exc` (its chain) is not an error but a stop: KeyboardInterrupt, a SIGTERM's."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if not isinstance(cause, Exception):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
