"""yamlio.py: YAML that knows the line of every key, rejects duplicates, and keeps dates as text."""

from __future__ import annotations

import pytest

from newsgen import yamlio
from newsgen.yamlio import LineMap, YamlProblem


def test_lines_of_keys_are_one_based_and_nested() -> None:
    data = yamlio.load("title: A\nsections:\n  - name: Politics\n    slug: pol\nper_page: 3\n")
    assert isinstance(data, LineMap)
    assert data.lines == {"title": 1, "sections": 2, "per_page": 5}
    section = data["sections"][0]
    assert isinstance(section, LineMap)
    assert section.lines == {"name": 3, "slug": 4}


def test_dates_stay_strings() -> None:
    data = yamlio.load("date: 2025-03-19 17:40\nday: 2025-03-19\nwith_offset: 2025-03-19T17:40:00+07:00\n")
    assert data == {
        "date": "2025-03-19 17:40",
        "day": "2025-03-19",
        "with_offset": "2025-03-19T17:40:00+07:00",
    }


def test_plain_scalars_keep_their_types() -> None:
    data = yamlio.load("n: 3\nflag: true\ntags: [a, b]\nempty:\n")
    assert data == {"n": 3, "flag": True, "tags": ["a", "b"], "empty": None}


def test_empty_text_is_none() -> None:
    assert yamlio.load("") is None


def test_duplicate_key_is_rejected_with_both_lines() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("title: A\nsection: B\ntitle: C\n")
    assert info.value.message == 'duplicate key "title"'
    assert info.value.line == 3
    assert info.value.hint == "first set on line 1"


def test_non_text_key_is_rejected() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("? [a, b]\n: 1\n")
    assert info.value.line == 1
    assert "key" in info.value.message


def test_colon_in_value_gives_line_and_quoting_hint() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("section: Politics\ntitle: Vote: what next\n")
    assert info.value.message.startswith("invalid YAML")
    assert info.value.line == 2
    assert info.value.hint and "quote" in info.value.hint


def test_unclosed_flow_list_gives_a_line() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("tags: [a, b\ntitle: x\n")
    assert info.value.message.startswith("invalid YAML")
    assert info.value.line == 1  # where the list opens: `title: [oops` was reported on the next line (QA)
    assert info.value.hint and "[list] closes on its own line" in info.value.hint


@pytest.mark.parametrize(("text", "line", "hint"), [
    ("sections:\n  - name: A\n  name: B\n", 3, "each item of the list starts with `- `"),
    ("sections:\n  - name: A\n - name: B\n", 3, "line up the items of a list"),
    ("a: {x: 1\nb: 2\n", 1, "a {mapping} closes on its own line"),
])
def test_list_mistakes_get_a_hint(text: str, line: int, hint: str) -> None:
    """QA: these said only what PyYAML says ("did not find expected '-' indicator")."""
    with pytest.raises(YamlProblem) as info:
        yamlio.load(text)
    assert info.value.line == line and info.value.hint is not None and info.value.hint.startswith(hint)


def test_tab_indentation_gets_the_tab_hint() -> None:
    """A tab where YAML wants spaces is the most common editor mistake; the hint must say so.
    (libyaml words this error without naming the tab character, so the hint has to look at the text.)"""
    with pytest.raises(YamlProblem) as info:
        yamlio.load("tags:\n\t- a\n")
    assert info.value.line == 2
    assert info.value.hint == "indent with spaces, not tabs"


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlProblem):
        yamlio.load("x: !!python/object/apply:os.system ['echo hi']\n")


# The fast reader of simple front matter must give exactly what PyYAML gives, or step aside (None).
_SIMPLE = [
    "title: Plain words\nsection: Politics\ndate: 2025-03-19 17:40\n",
    "title: 'It''s “quoted”: with a colon'\nauthor: \"Double quoted\"\n",
    "tags: [Bình Dương coffee, port authority, Phú Quốc]\nempty_list: []\n",
    "draft: true\nfeatured: no\nnothing:\nalso_nothing: ~\nnull_word: null\n",
    "title: a, b [c] {d}\nslug: c#-news\ntime: 13:11x\n",
    "title:    lots of space   \n\n\nsection: World\n",
    "image: /images/photo-08.jpg\nimage_caption: Café owner in Huế\n",
    "key-with-dash: v\nkey_2: w\n",
]
_TRICKY = [
    "", "\n", "title: x\ntitle: y\n", "title: a: b\n", "title: a # comment\n", "title: a:\n",
    "n: 3\n", "time: 13:11\n", "f: 1.5\n", "h: 0x1F\n", "yes: 1\n", "true: x\n", "~: x\n",
    "title: 'unclosed\n", "title: 'a'b'\n", "title: 'a' tail\n", "title: \"esc\\n\"\n", "title: \"a\"b\"\n",
    "tags: [a, [b]]\n", "tags: [a, b\n", "tags: [a, , b]\n", "tags: [a, b,]\n", "tags: [a: b]\n",
    "tags: ['q', b]\n", "tags: [a, ~]\n", "tags: [yes, 3]\n", "tags: [-x, y]\n",
    "tags:\n  - a\n  - b\n", "image:\n  src: a.jpg\n", "title: >\n  folded\n", "title: |\n  lit\n",
    "title: &a x\nother: *a\n", "title: !!str 3\n", "title:\tx\n", "title: x\r\n", "# c\ntitle: x\n",
    "  title: x\n", "title:x\n", "title: -x\n", "title: ? x\n", "title: @x\n", "title: `x`\n",
    "title: %x\n", "title: a\u00a0b\n", "title: a\x07b\n", "---\ntitle: x\n", "title: x\n...\n",
    "title: =\n", "<<: x\n", "title: ''\n", "title: '\n", "title: \"\"\n",
]


def _pyyaml(text: str) -> object:
    import yaml

    try:
        return yaml.load(text, Loader=yamlio._Loader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, YamlProblem) as exc:
        return type(exc)


@pytest.mark.parametrize("text", _SIMPLE)
def test_simple_front_matter_is_read_without_pyyaml_and_the_same(text: str) -> None:
    fast = yamlio._simple_mapping(text)
    assert fast is not None, "the common case must take the fast path"
    slow = _pyyaml(text)
    assert isinstance(slow, LineMap)
    assert fast == slow and fast.lines == slow.lines
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


@pytest.mark.parametrize("text", _TRICKY)
def test_anything_else_is_left_to_pyyaml_or_read_the_same(text: str) -> None:
    fast = yamlio._simple_mapping(text)
    if fast is None:
        return
    slow = _pyyaml(text)
    assert isinstance(slow, LineMap), f"{text!r}: PyYAML says {slow}, the fast reader {fast}"
    assert fast == slow and fast.lines == slow.lines
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


def test_errors_still_come_from_pyyaml_with_their_line() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("title: x\nsection: World\ntitle: y\n")
    assert info.value.line == 3 and "duplicate" in info.value.message


# ------------------------------------------------------- text as written, and hostile YAML (issue 19)

@pytest.mark.parametrize("text", [
    "title: yes\ntags: [no, on, x]\nnone: ~\nempty:\n",  # the fast path
    "title: yes  # a comment sends it through PyYAML\ntags: [no, on, x]\nnone: ~\nempty:\n",
])
def test_typed_scalars_keep_the_text_they_were_written_as(text: str) -> None:
    data = yamlio.load(text)
    assert data == {"title": True, "tags": [False, True, "x"], "none": None, "empty": None}  # typed, as before
    assert data.text("title") == "yes"
    assert data.text("tags") == ["no", "on", "x"]
    assert data.text("none") == "~"
    assert data.text("empty") is None and data.text("missing") is None


def test_numbers_and_sexagesimals_as_written() -> None:
    data = yamlio.load("a: 2025\nb: 1.50\nc: 0x1F\nd: 1:30\ne: [1e3, 007, [x]]\nf: 'quoted'\ng: !!int '5'\n")
    assert data["a"] == 2025 and data["d"] == 90
    assert [data.text(k) for k in "abcdfg"] == ["2025", "1.50", "0x1F", "1:30", "quoted", "5"]
    assert data.text("e") == ["1e3", "007", ["x"]]  # a nested list stays the list it is
    assert "f" not in data.texts  # a string needs nothing remembered


def test_nested_mappings_keep_texts_too() -> None:
    data = yamlio.load("corrections:\n  - date: 2025-03-20 09:00\n    text: yes\n")
    assert data["corrections"][0].text("text") == "yes"


def test_keys_are_as_written() -> None:
    assert list(yamlio.load("yes: 1\n1.0: 2\n0x10: 3\n")) == ["yes", "1.0", "0x10"]
    with pytest.raises(YamlProblem):
        yamlio.load("~: x\n")


def test_nesting_is_bounded_without_a_recursion_error() -> None:
    for text in ("title: " + "[" * 500 + "]" * 500, "title: " + "{a: " * 400 + "1" + "}" * 400,
                 "a:\n" + "".join(f"{'  ' * i}- \n" for i in range(1, 300))):
        with pytest.raises(YamlProblem) as info:
            yamlio.load(text)
        assert "nested" in info.value.message
    yamlio.load("title: " + "[" * 31 + "]" * 31)  # 32 levels with the mapping: still fine
    with pytest.raises(YamlProblem):
        yamlio.load("title: " + "[" * 32 + "]" * 32)


def test_an_alias_cannot_hide_depth() -> None:
    deep = "[" * 20 + "1" + "]" * 20
    with pytest.raises(YamlProblem) as info:
        yamlio.load(f"a: &x {deep}\nb: {'[' * 15}*x{']' * 15}\n")
    assert "nested" in info.value.message and info.value.line == 2


def test_alias_bomb_is_refused_before_anything_is_built() -> None:
    import time

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]\n"
    start = time.monotonic()
    with pytest.raises(YamlProblem) as info:
        yamlio.load(bomb)
    assert time.monotonic() - start < 1
    assert info.value.message == "more than 100,000 values once aliases (*name) are expanded"
    assert yamlio.load("a: &a [x, y]\nb: *a\n") == {"a": ["x", "y"], "b": ["x", "y"]}  # a few aliases are fine


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlProblem) as info:
        yamlio.load("a: &x [1, *x]\n")
    assert "refers to the value it is part of" in info.value.message


@pytest.mark.parametrize(("text", "line", "message", "hint"), [
    ('title: "Broken YAML\nsection: Politics\ndate: 2026-01-01\n', 1, "a quote opens a value and is never closed",
     "close the quote"),
    ("title: [Update] Vote\nsection: Politics\n", 1, "did not find expected key", "is quoted whole"),
    ('title: "Quoted" rest\nsection: Politics\n', 1, "did not find expected key", "is quoted whole"),
    ("title: x\nsection:\n\t- y\n", 3, "cannot start any token", "indent with spaces, not tabs"),
])
def test_common_mistakes_get_their_line_and_a_hint(text: str, line: int, message: str, hint: str) -> None:
    """What editors get wrong most (a quote left open, a headline starting with [ or a quote): the line
    where the mistake is, and how to write it instead."""
    with pytest.raises(YamlProblem) as caught:
        yamlio.load(text)
    assert caught.value.line == line and message in caught.value.message
    assert caught.value.hint is not None and hint in caught.value.hint


def test_half_a_character_escaped_gets_a_hint_about_escapes_not_quotes() -> None:
    """`title: "a\\ud800b"` was told to close its quote (the context of the error is a quoted scalar)."""
    with pytest.raises(yamlio.YamlProblem) as caught:
        yamlio.load('title: "a\\ud800b"\n')
    assert caught.value.message == "invalid YAML: found invalid Unicode character escape code"
    assert caught.value.hint == 'write the character itself, or the \\u escape of a whole character: "caf\\u00e9"'
