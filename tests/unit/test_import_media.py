"""Images of imported articles: names, the uploads folder, what is kept remote and why."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from newsgen.config import SiteConfig
from newsgen.importers.common import Options, Report
from newsgen.importers.media import Bundle, is_image_bytes, safe_name, uploads_path


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buf, format="PNG")
    return buf.getvalue()


def test_safe_name():
    assert safe_name("/wp-content/uploads/2024/03/H%E1%BB%99i%20ngh%E1%BB%8B.JPEG") == "hoi-nghi.jpg"
    assert safe_name("/x/../../etc/passwd") == "passwd"
    assert safe_name("/x/.png") == "image.png"


def test_uploads_path(tmp_path: Path):
    (tmp_path / "2024/03").mkdir(parents=True)
    (tmp_path / "2024/03/photo.jpg").write_bytes(b"x")
    base = "https://old.example.com/wp-content/uploads/"
    assert uploads_path(base + "2024/03/photo.jpg", tmp_path) == tmp_path / "2024/03/photo.jpg"
    assert uploads_path(base + "2024/03/photo-1024x768.jpg", tmp_path) == tmp_path / "2024/03/photo.jpg"
    assert uploads_path(base + "2024/03/photo-scaled.jpg", tmp_path) == tmp_path / "2024/03/photo.jpg"
    assert uploads_path(base + "../../secret.jpg", tmp_path) is None
    assert uploads_path(base + "2024/03/%2e%2e/%2e%2e/%2e%2e/x.jpg", tmp_path) is None
    assert uploads_path("https://cdn.example.net/photo.jpg", tmp_path) is None


def test_is_image_bytes():
    assert is_image_bytes(png()[:16])
    assert not is_image_bytes(b"<!DOCTYPE html>")


def test_bundle_copies_from_uploads_and_keeps_the_rest_remote(tmp_path: Path):
    (tmp_path / "up/2024").mkdir(parents=True)
    (tmp_path / "up/2024/a.png").write_bytes(png())
    (tmp_path / "up/2024/b.png").write_bytes(b"<html>not an image</html>")
    (tmp_path / "up/2025").mkdir()
    (tmp_path / "up/2025/a.png").write_bytes(png())
    lines: list[str] = []
    options = Options(site=tmp_path, config=SiteConfig(root=tmp_path), uploads=tmp_path / "up")
    bundle = Bundle(options, Report(lines.append), "Title", base_url="https://old.example.com/")
    up = "https://old.example.com/wp-content/uploads/"
    assert bundle.image(up + "2024/a.png") == "a.png"
    assert bundle.image("/wp-content/uploads/2024/a-300x200.png") == "a.png"  # relative, a resized copy: one file
    assert bundle.image(up + "2025/a.png") == "a-2.png"  # another file of the same name
    assert bundle.image(up + "2024/b.png") == up + "2024/b.png"
    assert bundle.image(up + "2024/doc.pdf") == up + "2024/doc.pdf"
    assert sorted(bundle.files) == ["a-2.png", "a.png"]
    assert lines == [
        f"warning Title: image kept as a remote URL: {up}2024/b.png ({tmp_path}/up/2024/b.png is not an image newsgen reads)",
        f"warning Title: image kept as a remote URL: {up}2024/doc.pdf (not a JPEG, PNG, GIF or WebP file)",
    ]


def test_no_download_in_a_dry_run(tmp_path: Path, monkeypatch):
    import newsgen.importers.media as media

    def no_network(*args, **kwargs):
        raise AssertionError("no download in a dry run")

    monkeypatch.setattr(media, "fetch", no_network)
    options = Options(site=tmp_path, config=SiteConfig(root=tmp_path), download=True, dry_run=True)
    bundle = Bundle(options, Report(lambda line: None), "T")
    assert bundle.image("https://example.org/x.jpg") == "https://example.org/x.jpg"


def test_download_checks_the_bytes(tmp_path: Path, monkeypatch):
    import newsgen.importers.media as media

    monkeypatch.setattr(media, "fetch", lambda url, timeout: png() if "good" in url else b"<html>")
    options = Options(site=tmp_path, config=SiteConfig(root=tmp_path), download=True)
    lines: list[str] = []
    bundle = Bundle(options, Report(lines.append), "T")
    assert bundle.image("https://example.org/good.png") == "good.png"
    assert bundle.image("https://example.org/bad.png") == "https://example.org/bad.png"
    assert lines == ["warning T: image kept as a remote URL: https://example.org/bad.png (the download is not an image)"]
