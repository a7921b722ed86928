"""Frozen dataclasses made fast, for the few places that make them by the ten thousand (the cache's
articles, the plan's pages).

A frozen dataclass's __init__ stores each field through object.__setattr__, the slow way round its own
__setattr__ (which refuses). `maker(cls)` gives a function that takes the fields' values in order
and stores them straight into the slots instead: about half the time for a class of 7 to 21 fields,
for the same object (equal, same hash, still frozen). Classes whose __init__ does more than store
what it is given (a __post_init__, a field left out of __init__) are made through __init__ as usual,
and so is everything when FAST is False: `NEWSGEN_STOCK_DATACLASSES=1` in the environment, read at
import (the cache's codec is generated then). tests/e2e/test_stock_dataclasses.py builds a site both
ways, cold and after an edit, and compares every byte.

`compile_once()` (the command line, past the no-change answer) keeps the methods every dataclass is
given (__init__, __eq__, __repr__...: ~190 small functions, made from source text at import) compiled
in a file next to newsgen's .pyc files, as Python keeps its modules: a build's imports are ~24 ms of
dataclasses, ~18 of it compiling the same text again. The text is the key, and the code is what
compile() makes of it, so the classes are the same (tests/unit/test_frozen.py compares every method of
every class with the stock ones); off with the same switch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar

T = TypeVar("T")

FAST = os.environ.get("NEWSGEN_STOCK_DATACLASSES", "") in ("", "0")

_made: dict[type, Callable[..., Any]] = {}


def maker(cls: type[T]) -> Callable[..., T]:
    """f(*values) -> cls(*values), for every field of `cls` in order (defaults apply to the last ones)."""
    if not FAST or not fast_enough(cls):
        return cls
    found = _made.get(cls)
    if found is None:
        found = _made[cls] = _generate(cls)
    return found


def fast_enough(cls: type) -> bool:
    """Whether storing the fields is all that cls's __init__ does, and frozen slots are what it stores into."""
    params = getattr(cls, "__dataclass_params__", None)
    return (params is not None and params.frozen and "__slots__" in cls.__dict__ and not hasattr(cls, "__post_init__")
            and all(f.init for f in dataclasses.fields(cls)) and bool(dataclasses.fields(cls)))


def _generate(cls: type[T]) -> Callable[..., T]:
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # (fast_enough: a dataclass)
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params = []
    for i, f in enumerate(fields):
        namespace[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{i}"] = f.default
            params.append(f"a{i}=_default{i}")
        elif f.default_factory is not dataclasses.MISSING:  # (a new value each time, as __init__ makes it)
            namespace[f"_factory{i}"] = f.default_factory
            namespace["_none"] = _NONE
            params.append(f"a{i}=_none")
        else:
            params.append(f"a{i}")
    body = "".join((f"    _set{i}(o, _factory{i}() if a{i} is _none else a{i})\n"
                    if f.default_factory is not dataclasses.MISSING else f"    _set{i}(o, a{i})\n")
                   for i, f in enumerate(fields))
    source = f"def make_{cls.__name__}({', '.join(params)}):\n    o = _new(_cls)\n{body}    return o\n"
    exec(compile(source, f"<newsgen.frozen {cls.__qualname__}>", "exec"), namespace)  # noqa: S102 - our own code
    made: Callable[..., T] = namespace[f"make_{cls.__name__}"]
    return made


class _None:
    pass


_NONE = _None()


# ---------------------------------------------------------------------------- dataclasses' methods, compiled once

MEMO = Path(__file__).parent / "__pycache__" / f"dataclasses.{sys.implementation.cache_tag}.marshal"
_code: dict[str, CodeType] = {}
_new: list[str] = []  # compiled by this process, not found in the memo
_used: set[str] = set()  # what this process asked for (what is saved, once the memo holds much more)


def compile_once() -> None:
    """dataclasses compiles each method's text through the code the memo kept (see the module's doc):
    `exec` given as a global of the dataclasses module, where its own calls find it first."""
    if not FAST or getattr(dataclasses, "exec", None) is _exec:
        return
    from importlib.util import MAGIC_NUMBER

    try:
        raw = MEMO.read_bytes()
        if raw.startswith(MAGIC_NUMBER):
            found = marshal.loads(memoryview(raw)[len(MAGIC_NUMBER):])  # noqa: S302 - written by newsgen, as .pyc
            if isinstance(found, dict):
                _code.update((k, v) for k, v in found.items() if isinstance(k, str) and isinstance(v, CodeType))
    except (OSError, ValueError, EOFError, TypeError):
        pass  # none yet, or not readable: compiled as usual
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002 - exec's names
    if type(source) is str:
        _used.add(source)
        code = _code.get(source)
        if code is None:  # (dont_inherit: no flag of this module's own __future__ imports)
            code = _code[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _new.append(source)
        source = code
    exec(source, globals, locals)  # noqa: S102 - the dataclasses module's own code


def remember() -> None:
    """Save the memo when this process compiled something it did not hold (a first run, an upgrade), as
    Python saves .pyc files: not when writing bytecode is off, and quietly not when it cannot."""
    if not _new or sys.dont_write_bytecode:
        return
    from importlib.util import MAGIC_NUMBER

    _new.clear()
    kept = _code if len(_code) < 2 * len(_used) + 100 else {k: _code[k] for k in _used}  # (upgrades add texts)
    tmp = MEMO.with_suffix(f".{os.getpid()}.tmp")
    try:
        MEMO.parent.mkdir(exist_ok=True)
        tmp.write_bytes(MAGIC_NUMBER + marshal.dumps(kept))
        os.replace(tmp, MEMO)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
