"""A sequence made when it is first used (`Later`): the site model's listings as a cache file holds them
(`records._model`), which an edit of article bodies never reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any


class Later(Sequence[Any]):
    """A sequence made by `make()` when it is first used: the site model's listings, which an edit of
    article bodies never shows (its article pages and feeds), read from the cache only when a build does
    (~0.37 s decoded and unpacked at a million articles)."""

    def __init__(self, make: Callable[[], Sequence[Any]]) -> None:
        self._make: Callable[[], Sequence[Any]] | None = make
        self._made: Sequence[Any] = ()

    def made(self) -> Sequence[Any]:
        if self._make is not None:
            self._made = tuple(self._make())  # (not made: made again when used again, failing again)
            self._make = None
        return self._made

    def then(self, change: Callable[[Sequence[Any]], Sequence[Any]]) -> Later:
        """`change(self)` as a Later itself: made when it is first used."""
        return Later(lambda: change(self.made()))

    def __getitem__(self, index: Any) -> Any:
        return self.made()[index]

    def __len__(self) -> int:
        return len(self.made())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.made())

    def __eq__(self, other: object) -> bool:  # (as the tuple it stands for)
        made = other.made() if isinstance(other, Later) else other
        return self.made() == made if isinstance(made, tuple) else NotImplemented

    __hash__ = None  # type: ignore[assignment]
