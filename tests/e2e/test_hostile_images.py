"""Images too large to read (issue 19 item 7): a PNG of a few hundred bytes can claim 20000 x 20000
pixels (Pillow: DecompressionBombError, a traceback that named no article) or 12000 x 12000 (accepted,
26 s and 1.4 GB, a raw DecompressionBombWarning on the terminal). Over 50 megapixels is now an error
naming the article and line, found from the header alone, in bounded time."""

from __future__ import annotations

import struct
import time
import warnings
import zlib
from pathlib import Path

import pytest

from newsgen.content import frontmatter as fmv

HEAD = "---\ntitle: A headline\nsection: Politics\ndate: 2025-03-19 17:40\n"
LIMIT_HINT = ("newsgen reads images of up to 50 megapixels: export a smaller copy "
              "(a web page needs no more than 2,400 pixels across)")


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height (1-bit grey) with a tiny, incomplete IDAT: only the header
    is ever read for it, so a test that decoded it would fail instead of taking gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
            + chunk(b"IEND", b""))


def build(make_site, run_cli, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    root = make_site(files)
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Pillow warning would fail the test (and reach a terminal)
        result = run_cli(["build", "--jobs", "1"], root)
    assert time.monotonic() - start < 5
    assert not result.traceback and "Traceback" not in result.stderr
    assert "DecompressionBomb" not in result.stderr + result.stdout
    return root, result


@pytest.mark.parametrize(("size", "shown"), [(20000, "20,000 x 20,000 pixels (400 megapixels)"),
                                             (12000, "12,000 x 12,000 pixels (144 megapixels)")])
def test_a_huge_lead_image_is_an_error_at_its_line(make_site, run_cli, size: int, shown: str) -> None:  # type: ignore[no-untyped-def]
    root, result = build(make_site, run_cli, {
        "content/politics/a.md": HEAD + "image: big.png\n---\n\nBody.\n",
        "content/politics/big.png": png_header(size, size)})
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == [f'content/politics/a.md:5: image "big.png" is {shown} ({LIMIT_HINT})']
    assert not (root / "public").exists()


def test_a_huge_static_lead_image_too(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, result = build(make_site, run_cli, {
        "content/politics/a.md": HEAD + "image: /images/big.png\n---\n\nBody.\n",
        "static/images/big.png": png_header(9000, 6000)})
    assert result.exit_code == 1
    assert 'content/politics/a.md:5: image "/images/big.png" is 9,000 x 6,000 pixels (54 megapixels)' in result.stderr


def test_a_huge_body_image_is_an_error_at_the_line_that_links_it(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, result = build(make_site, run_cli, {
        "content/politics/a.md": HEAD + "---\n\nThe lead.\n\n![A chart](chart.png)\n",
        "content/politics/chart.png": png_header(20000, 20000)})
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == ["content/politics/a.md:9: content/politics/chart.png: image is 20,000 x 20,000 pixels "
                      f"(400 megapixels) ({LIMIT_HINT})"]


def test_a_huge_file_in_a_bundle_names_the_article(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    _, result = build(make_site, run_cli, {
        "content/politics/story/index.md": HEAD + "---\n\nThe lead.\n",
        "content/politics/story/scan.png": png_header(10000, 10000)})
    assert result.exit_code == 1
    assert ("content/politics/story/index.md: content/politics/story/scan.png: image is 10,000 x 10,000 pixels"
            in result.stderr)


def test_an_image_within_the_limit_is_still_published(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (640, 400), (10, 20, 30)).save(buf, "PNG")
    root, result = build(make_site, run_cli, {
        "content/politics/a.md": HEAD + "image: photo.png\n---\n\nBody.\n",
        "content/politics/photo.png": buf.getvalue()})
    assert result.exit_code == 0, result.stderr
    img = parse_html(root / "public/politics/a-headline/index.html").find(".//img")
    assert img is not None and img.get("width") == "640"


def test_the_limit_is_fifty_megapixels(tmp_path: Path) -> None:
    assert fmv.MAX_PIXELS == 50_000_000
    assert not fmv.too_large((10_000, 5_000, "image/png", 1))
    assert fmv.too_large((10_000, 5_001, "image/png", 1))
    (tmp_path / "big.png").write_bytes(png_header(40000, 40000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = fmv.image_info(tmp_path / "big.png")  # the header's size even past Pillow's own limit
    assert info is not None and info[:3] == (40000, 40000, "image/png")
    # Pillow's own guard is off (it would not even say the size): newsgen's own check is the guard, before
    # any decode (test_resizing_refuses_an_image_that_grew_after_parsing)


def test_resizing_refuses_an_image_that_grew_after_parsing(tmp_path: Path) -> None:
    """images.py does not rely on parsing: a file replaced by a huge one is a diagnostic, not a decode."""
    from newsgen import images

    (tmp_path / "content").mkdir()
    (tmp_path / "content/photo.png").write_bytes(png_header(20000, 20000))
    variant = images.Variant("content/photo.png", "photo-480w.webp", 480, 480, "WEBP")
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [(source, _, made, problems)] = images.make_variants(tmp_path, tmp_path / "cache",
                                                             [("content/photo.png", (variant,), None)])
    assert time.monotonic() - start < 5
    assert made == {} and len(problems) == 1
    assert str(problems[0]) == ("content/photo.png: cannot resize image: 20,000 x 20,000 pixels, more than "
                                "50 megapixels (re-export it as a normal JPEG, PNG or WebP)")
