"""frozen.maker: the same objects as the classes' own __init__ makes, faster."""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import os
import subprocess
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path

import pytest

from newsgen import frozen
from newsgen.model import Article, Asset, Author, Correction, Image, Listing, Pager, Tag
from newsgen.pages import PageSpec


@dataclasses.dataclass(frozen=True, slots=True)
class _Defaults:
    a: int
    b: str = "b"
    c: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    x: int

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True, slots=True)
class _Derived:
    x: int
    y: int = dataclasses.field(init=False, default=0)


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    x: int


@dataclasses.dataclass(slots=True)
class _NotFrozen:
    x: int


def _values(obj: object) -> list[object]:
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]  # type: ignore[arg-type]


def _samples() -> list[tuple[type, tuple[object, ...]]]:
    when = dt.datetime(2025, 3, 19, 17, 40, tzinfo=dt.UTC)
    image = Image("a/p.jpg", "static/p.jpg", "Caption", "Credit", "Alt", 800, 600, 1234, "image/jpeg")
    return [
        (Image, ("a/p.jpg", "static/p.jpg", "Caption", "Credit", "Alt", 800, 600, 1234, "image/jpeg")),
        (Image, ("a/p.jpg", "static/p.jpg")),  # the defaults of the fields left out
        (Correction, (when, "Fixed.")),
        (Asset, ("content/a/x.pdf", "a/x.pdf", None)),
        (Article, ("content/a/b.md", "T", "a", "b", when, ("An",), None, "S", True, image, ("x",), False, (),
                   {"k": 1}, (), ("/old/",), "", "", 5, "d" * 24, "c" * 24)),
        (Article, ("content/a/b.md", "T", "a", "b", when)),
        (Author, ("An", "an")),
        (Tag, ("x", "x")),
        (Pager, (1, 3, "a/", (0, 1, 2), None, "a/page/2/", "1")),
        (Listing, ("tag", "x", "X", "About x", "tags/x/", (Pager(1, 1, "tags/x/", (0,)),))),
        (PageSpec, ("a/b/index.html", None, "article", "article.html", (0,), "inputs", 0)),
        (PageSpec, ("index.html", "", "home", "home.html")),
        (_Defaults, (1,)),
        (_Defaults, (1, "x", [2])),
    ]


@pytest.mark.parametrize(("cls", "args"), _samples())
def test_made_the_fast_way_is_what_init_makes(cls: type, args: tuple[object, ...]) -> None:
    make = frozen.maker(cls)
    assert make is not cls  # (the fast way is taken for these)
    fast, stock = make(*args), cls(*args)
    assert type(fast) is cls and fast == stock and _values(fast) == _values(stock)
    assert repr(fast) == repr(stock)
    try:
        assert hash(fast) == hash(stock)
    except TypeError:  # a field of an unhashable type (a mapping): unhashable either way
        with pytest.raises(TypeError):
            hash(stock)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, dataclasses.fields(cls)[0].name, None)


def test_a_default_factory_gives_a_new_value_each_time() -> None:
    make = frozen.maker(_Defaults)
    first, second = make(1), make(1)
    assert first.c == [] and first.c is not second.c


@pytest.mark.parametrize("cls", [_Checked, _Derived, _NoSlots, _NotFrozen])
def test_classes_whose_init_does_more_are_made_by_it(cls: type) -> None:
    assert frozen.maker(cls) is cls
    if cls is _Checked:
        with pytest.raises(ValueError, match="negative"):
            frozen.maker(cls)(-1)


def test_the_switch_back_to_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frozen, "FAST", False)
    assert frozen.maker(Article) is Article and frozen.maker(PageSpec) is PageSpec


# ---------------------------------------------------------------------------- compile_once: the methods' memo

_DUMP = r"""
import dataclasses, importlib, marshal, pkgutil, sys
from pathlib import Path
import newsgen
from newsgen import frozen
frozen.MEMO = Path(sys.argv[1])
if sys.argv[2] == "memo":
    frozen.compile_once()
skip = ("newsgen.serve.", "newsgen.__main__")  # (watchdog's threads: not needed for the classes)
names = sorted(m.name for m in pkgutil.walk_packages(newsgen.__path__, "newsgen.") if not m.name.startswith(skip))
found = {}
for name in names:
    module = importlib.import_module(name)
    for cls in vars(module).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name:
            for attr, value in sorted(vars(cls).items()):
                code = getattr(value, "__code__", None)
                if code is not None and code.co_filename == "<string>":  # made by dataclasses
                    found[f"{name}.{cls.__qualname__}.{attr}"] = (
                        marshal.dumps(code), repr(value.__annotations__), repr(value.__defaults__),
                        repr(value.__kwdefaults__), value.__qualname__)
frozen.remember()
sys.stdout.buffer.write(marshal.dumps(found))
"""


def _methods(memo: Path, how: str, **env: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", _DUMP, str(memo), how], capture_output=True, check=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "", **env}, timeout=120)
    found: dict[str, object] = marshal.loads(proc.stdout)
    return found


def test_methods_compiled_once_are_the_stock_ones(tmp_path: Path) -> None:
    """Every method dataclasses makes for newsgen's classes, with the memo (the run that writes it and the
    one that reads it back) and without: the same code, annotations, defaults and names."""
    memo = tmp_path / "dataclasses.marshal"
    stock = _methods(memo, "stock")
    assert len(stock) > 100 and not memo.exists()
    first = _methods(memo, "memo")
    assert memo.exists()
    again = _methods(memo, "memo")
    assert first == again == stock
    off = _methods(memo, "memo", NEWSGEN_STOCK_DATACLASSES="1")  # the switch: the memo is not used
    assert off == stock


def test_a_damaged_or_foreign_memo_is_compiled_past(tmp_path: Path) -> None:
    memo = tmp_path / "dataclasses.marshal"
    stock = _methods(memo, "stock")
    for content in (b"", b"garbage", MAGIC_NUMBER + b"\xff\x00", b"\x00\x00\x0d\x0a" + marshal.dumps({}),
                    MAGIC_NUMBER + marshal.dumps({"def f(): pass": 3, 5: "x"})):
        memo.write_bytes(content)
        assert _methods(memo, "memo") == stock
    assert memo.read_bytes().startswith(MAGIC_NUMBER) and len(memo.read_bytes()) > 1000  # written again, whole
