"""frozen.maker: the same objects as the classes' own __init__ makes, faster."""

from __future__ import annotations

import dataclasses
import datetime as dt

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

