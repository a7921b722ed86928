"""Which of the files the last build left are still in the output folder: for the no-change answer
(`snapshot.quick`) and for every page whose fingerprint is unchanged (`decide`)."""

from __future__ import annotations

from ..fileio import present

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Sequence
    from collections.abc import Set as AbstractSet


class Outputs:
    """Which of the files the last build left (`left`: the snapshot's) are still in the output folder:
    `there(rel)`, for the no-change exit and for every page whose fingerprint is unchanged. With
    thousands of them, the check runs aside (a forked child) while this process walks the inputs,
    loads the cache and plans; a file the last build did not leave is checked when asked for."""

    ASIDE_MIN = 2000  # fewer files: a fork is not worth it

    def __init__(self, out: str | os.PathLike[str], left: Sequence[str] = (),
                 redo: AbstractSet[str] = frozenset()) -> None:
        from ..parallel.aside import Aside

        self._redo = redo  # not there, for this build: pages newsgen serve rendered early (State.early)
        self._check = present(str(out))
        self._left = left
        self._missing: frozenset[str] | None = None  # known once the aside has answered
        self._left_set: frozenset[str] = frozenset()
        self._gone: AbstractSet[str] | None = None  # not there: the aside's missing files and `redo`
        self._aside = Aside(_missing, self._check, left) if self.ASIDE_MIN <= len(left) else None

    def there(self, rel: str) -> bool:
        """(Asked for every page whose fingerprint is unchanged: two set lookups once the aside answered.)"""
        gone = self._gone
        if gone is None:
            missing = self._known_missing()
            gone = self._gone = self._redo if missing is None else missing | self._redo
        return rel not in gone and (rel in self._left_set or self._check(rel))

    def cancel(self) -> None:
        """Not asked after all (the inputs changed): the aside is stopped, not waited for."""
        if self._aside is not None:
            self._aside.cancel()
            self._aside = None

    def all_there(self) -> bool:
        missing = self._known_missing()
        return not missing if missing is not None else all(map(self._check, self._left))

    def _known_missing(self) -> frozenset[str] | None:
        if self._aside is not None:
            answer = self._aside.result()
            self._aside = None
            if answer is not None:
                left = self._left
                self._missing = frozenset(left[i] for i in _indices(answer, len(left)))
                self._left_set = frozenset(left)
        return self._missing


def _missing(there: Callable[[str], bool], left: Sequence[str]) -> bytes:
    """Which files of `left` are missing, as the aside child answers it: b"i" and their indices (4 bytes
    each), or b"b" and a bit per file when that is shorter. Usually none is missing: one byte, however
    many files (1.28 million at a million articles) were checked. An answer too long for the pipe makes
    the caller check them itself (`Aside`)."""
    gone = [i for i, rel in enumerate(left) if not there(rel)]
    if len(gone) * 4 <= (len(left) + 7) // 8:  # (no `array`: it imports collections, which `quick` never needs)
        return b"i" + b"".join(i.to_bytes(4, "little") for i in gone)
    bits = bytearray((len(left) + 7) // 8)
    for i in gone:
        bits[i >> 3] |= 1 << (i & 7)
    return b"b" + bytes(bits)


def _indices(answer: bytes, count: int) -> Iterable[int]:
    """The indices `_missing` answered."""
    if answer[:1] == b"i":
        return [int.from_bytes(answer[k : k + 4], "little") for k in range(1, len(answer), 4)]
    bits = answer[1:]
    return (i for i in range(count) if bits[i >> 3] & (1 << (i & 7)))
