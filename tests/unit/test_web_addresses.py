"""base_url, --base-url and embed_hosts hold only what every absolute address, robots.txt and feed can
carry as it is; an iframe's host is the one a browser would load (fuzzing review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.config import parse_config, with_base_url
from newsgen.content.sanitize import browser_host, sanitize, site_address_problem
from newsgen.errors import BuildError

ROOT = Path("/site")


def problems(text: str) -> list[str]:
    with pytest.raises(BuildError) as info:
        parse_config(text, ROOT)
    return [str(d) for d in info.value.diagnostics]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"https://example.org/\\nDisallow: /\\n#"',
         'newsgen.yaml:2: base_url "https://example.org/\\nDisallow: /\\n#" has a space, line break or control '
         "character in it (a web address has none: e.g. https://news.example.org/ or https://example.org/news/)"),
        ("https://example.org/?a=b",
         'newsgen.yaml:2: base_url "https://example.org/?a=b" has a query or a fragment ("?" or "#") (the '
         "site's address ends with its path: e.g. https://news.example.org/ or https://example.org/news/)"),
        ("https://example.org:99999/",
         'newsgen.yaml:2: base_url "https://example.org:99999/" has an invalid port (a port is a number from 1 '
         "to 65535, e.g. http://localhost:8000/)"),
        ("'https://example.org/a\"b/'",
         'newsgen.yaml:2: base_url "https://example.org/a"b/" has a character a web address cannot hold (") '
         "(write it percent-encoded: %22)"),
    ],
)
def test_bad_base_url_is_one_line_at_its_line(written: str, expected: str) -> None:
    assert problems(f"sections: [A]\nbase_url: {written}\n") == [expected]


@pytest.mark.parametrize("url", ["https://example.org/#x", "https://exa mple.org/", "https://ex\"ample.org/",
                                 "https://example.org:0/", "https://u:p@example.org/", "https://[::1/",
                                 "https://:80/", "https://example..org/", "https://example.org/%zz/",
                                 "https://example.org/\\x/", "https://example.org/\x00", "ftp://example.org/",
                                 "https://example.org/\u00a0"])
def test_other_bad_base_urls(url: str) -> None:
    assert site_address_problem(url) is not None
    with pytest.raises(BuildError) as info:
        with_base_url(parse_config("sections: [A]\n", ROOT), url)
    (line,) = str(info.value).splitlines()
    assert line.startswith('--base-url: "')


@pytest.mark.parametrize("url", ["https://example.org/", "https://example.org/news/", "http://localhost:8000/",
                                 "https://example.org/news", "http://127.0.0.1:8000/", "http://[::1]:8000/",
                                 "https://báo.example/tin-tức/", "https://example.org/a%20b/", "HTTPS://Example.ORG/",
                                 "https://my_site.intranet.example/"])  # (an underscore: browsers take it)
def test_ordinary_base_urls(url: str) -> None:
    assert site_address_problem(url) is None
    config = parse_config(f"sections: [A]\nbase_url: {url}\n", ROOT)
    assert config.base_url == url if url.endswith("/") else url + "/"
    assert with_base_url(config, url).base_url == config.base_url


def test_embed_hosts_must_be_host_names() -> None:
    assert problems("sections: [A]\nembed_hosts: ['', www.youtube.com, 'https://player.vimeo.com/']\n") == [
        'newsgen.yaml:2: embed_hosts: "" is not a host name (write the host name alone, e.g. www.youtube.com: '
        "no https://, no path)",
        'newsgen.yaml:2: embed_hosts: "https://player.vimeo.com/" is not a host name (write the host name alone, '
        "e.g. www.youtube.com: no https://, no path)",
    ]
    assert problems("sections: [A]\nembed_hosts: [~]\n") == [
        'newsgen.yaml:2: embed_hosts: "None" is not a host name (write the host name alone, e.g. www.youtube.com: '
        "no https://, no path)"]
    config = parse_config("sections: [A]\nembed_hosts: [WWW.YouTube.com, player.vimeo.com.]\n", ROOT)
    assert config.embed_hosts == ("www.youtube.com", "player.vimeo.com")


@pytest.mark.parametrize(
    ("src", "host"),
    [
        ("https:\\\\evil.example/", "evil.example"),
        ("https:/\\evil.example/", "evil.example"),
        ("https:evil.example/", "evil.example"),
        ("https://evil.example\\@www.youtube.com/", "evil.example"),
        ("https://www.youtube.com@evil.example/", "evil.example"),
        ("https://www.youtube.com:443@evil.example:443/", "evil.example"),
        ("\x01 https://evil.example/ \n", "evil.example"),
        ("https://www.you\ttube.com\n/embed", "www.youtube.com"),
        ("HTTPS://WWW.YOUTUBE.COM/", "www.youtube.com"),
        ("https://www%2Eyoutube.com/", "www.youtube.com"),
        ("https://ｗｗｗ.youtube。com/", "www.youtube.com"),
        ("https://www.youtube.com./", "www.youtube.com."),
        ("https://[::1]:8000/", "[::1]"),
        ("https://evil.example?www.youtube.com", "evil.example"),
        ("https://evil.example#@www.youtube.com", "evil.example"),
    ],
)
def test_browser_host(src: str, host: str) -> None:
    assert browser_host(src) == ("https", host)


@pytest.mark.parametrize("src", ["/embed/x", "//www.youtube.com/embed", "javascript:alert(1)", "data:text/html,x"])
def test_no_browser_host_for_relative_or_other_schemes(src: str) -> None:
    assert browser_host(src) == ("", "")


@pytest.mark.parametrize(
    "src",
    ["https:\\\\evil.example/", "https:/\\evil.example/", "https://evil.example\\@www.youtube.com/embed/x",
     "https://evil.example&#92;@www.youtube.com/embed/x", " https://evil.example/", "https://www.youtube.com..evil/",
     "https://www.youtube.com%2Eevil.example/", "https://www.youtube.com%00.evil.example/"],
)
def test_iframes_a_browser_loads_from_another_host_are_removed(src: str) -> None:
    assert "<iframe" not in sanitize(f'<iframe src="{src}"></iframe>', ("www.youtube.com",))


@pytest.mark.parametrize("src", ["https://www.youtube.com/embed/x", "HTTPS://WWW.YOUTUBE.COM/embed/x",
                                 "https://www.youtube.com./embed/x", "https://me@www.youtube.com/embed/x"])
def test_iframes_from_an_allowed_host_stay(src: str) -> None:
    assert "<iframe" in sanitize(f'<iframe src="{src}"></iframe>', ("www.youtube.com",))
