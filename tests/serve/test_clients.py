"""clients.py: which tab hears what after a build, and tabs that connect late."""

from __future__ import annotations

import json

from newsgen.serve.clients import Hub, Tab


def drain(tab: Tab) -> list[tuple[str, object]]:
    out = []
    while (m := tab.next(0)) is not None:
        out.append((m[0], json.loads(m[1]) if m[1] else None))
    return out


def test_connect_says_hello() -> None:
    hub = Hub()
    tab = hub.connect("/politics/x/", hub.token)
    assert drain(tab) == [("hello", {"server": hub.server_id})]
    assert hub.shown() == {"politics/x/index.html"}


def test_build_reloads_only_affected_tabs() -> None:
    hub = Hub()
    x = hub.connect("/politics/x/", hub.token)
    y = hub.connect("/politics/y/", hub.token)
    drain(x), drain(y)
    told = hub.built(["politics/x/index.html", "index.html"], [])
    assert told == 1
    assert drain(x) == [("reload", {})]
    assert drain(y) == []


def test_css_change_refreshes_styles_everywhere() -> None:
    hub = Hub()
    x = hub.connect("/politics/x/", hub.token)
    drain(x)
    hub.built(["theme/newsgen.css"], [])
    assert drain(x) == [("styles", {})]


def test_errors_then_ok() -> None:
    hub = Hub()
    x = hub.connect("/", hub.token)
    drain(x)
    hub.failed(["content/a.md:3: invalid YAML"])
    assert drain(x) == [("errors", {"errors": ["content/a.md:3: invalid YAML"], "lastGood": True})]
    late = hub.connect("/politics/", hub.token)  # opened while the site is broken
    assert drain(late)[-1] == ("errors", {"errors": ["content/a.md:3: invalid YAML"], "lastGood": True})
    hub.built([], [])
    assert drain(x) == [("ok", {})]
    assert hub.errors == []
    hub.built([], [])
    assert drain(x) == []  # "ok" only once, after errors


def test_errors_before_any_good_build_say_there_is_nothing_to_show() -> None:
    """The overlay over "No preview yet" must not claim a last good version (QA)."""
    hub = Hub()
    x = hub.connect("/", hub.token)
    drain(x)
    hub.failed(["newsgen.yaml:3: unknown setting"], last_good=False)
    assert drain(x) == [("errors", {"errors": ["newsgen.yaml:3: unknown setting"], "lastGood": False})]
    assert drain(hub.connect("/", hub.token))[-1][1] == {"errors": ["newsgen.yaml:3: unknown setting"], "lastGood": False}


def test_late_connect_with_an_older_token_reloads() -> None:
    hub = Hub()
    token = hub.token  # the page was served at this build...
    hub.built(["politics/x/index.html"], [])  # ...then it changed before its stream opened
    tab = hub.connect("/politics/x/", token)
    assert ("reload", {}) in drain(tab)
    other = hub.connect("/politics/y/", token)  # its page did not change
    assert ("reload", {}) not in drain(other)
    current = hub.connect("/politics/x/", hub.token)
    assert ("reload", {}) not in drain(current)


def test_a_tab_follows_its_moved_story_and_back() -> None:
    """A story's headline (and with it its address) changed: its tab goes to the new address once the page
    there is written. Changed back before that (an undo within a second), the tab reloads its own page,
    and later builds reload it as before (it waited for the new address for good)."""
    hub = Hub()
    tab = hub.connect("/politics/a/", hub.token)
    drain(tab)
    hub.built([], ["politics/a/index.html"], {"politics/a/index.html": "politics/b/"})  # b's page deferred
    assert drain(tab) == []
    hub.built(["politics/a/index.html"], ["politics/b/index.html"])  # the headline changed back
    assert drain(tab) == [("reload", {})]
    hub.built(["politics/a/index.html"], [])  # a body edit after it
    assert drain(tab) == [("reload", {})]
    hub.built([], ["politics/a/index.html"], {"politics/a/index.html": "politics/b/"})
    hub.built(["politics/b/index.html"], [])
    assert drain(tab) == [("reload", {"to": "/politics/b/"})]


def test_a_tab_follows_a_story_moved_twice_or_removed() -> None:
    hub = Hub()
    tab = hub.connect("/politics/a/", hub.token)
    drain(tab)
    hub.built([], ["politics/a/index.html"], {"politics/a/index.html": "politics/b/"})
    hub.built([], ["politics/b/index.html"], {"politics/b/index.html": "politics/c/"})  # moved again, unseen
    hub.built(["politics/c/index.html"], [])
    assert drain(tab) == [("reload", {"to": "/politics/c/"})]
    other = hub.connect("/politics/x/", hub.token)
    drain(other)
    hub.built([], ["politics/x/index.html"], {"politics/x/index.html": "politics/y/"})
    hub.built([], ["politics/y/index.html"])  # the story removed before its new page was written
    assert drain(other) == [("reload", {})]


def test_a_new_base_path_reloads_the_tabs_whose_page_it_moves() -> None:
    """base_url edited (the site moves under /news/) and edited back: the tabs left on "Page not found"
    at the old addresses reload when their pages are there again (QA: they never did)."""
    hub = Hub("/")
    tab = hub.connect("/politics/x/", hub.token)
    drain(tab)
    hub.base_path = "/news/"  # the build that moved every page reloaded the tabs (into Page not found)...
    assert drain(tab) == [("reload", {})] and hub.shown() == set()
    lost = hub.connect("/politics/x/", hub.token)  # ...where they connect again, outside the site
    drain(lost)
    hub.base_path = "/"  # base_url edited back
    assert drain(lost) == [("reload", {})] and hub.shown() == {"politics/x/index.html"}
    hub.base_path = "/"
    assert drain(lost) == []


def test_page_from_an_earlier_server_reloads() -> None:
    hub = Hub()
    tab = hub.connect("/", "deadbeef-7")
    assert ("reload", {}) in drain(tab)


def test_disconnect_and_close() -> None:
    hub = Hub()
    tab = hub.connect("/", hub.token)
    assert hub.count() == 1
    hub.disconnect(tab)
    assert hub.count() == 0
    other = hub.connect("/", hub.token)
    hub.close()
    messages = drain(other)
    assert messages[-1] == ("", None)
    after = hub.connect("/", hub.token)
    assert drain(after) == [("", None)]


def test_tabs_outside_the_site_are_not_shown() -> None:
    hub = Hub("/news/")
    hub.connect("/elsewhere/", hub.token)
    hub.connect("/news/politics/", hub.token)
    assert hub.shown() == {"politics/index.html"}


def test_a_build_token_that_is_no_number_is_a_page_to_reload_not_a_crash() -> None:
    """`?build=<server>-²` ("²".isdigit() is true, int("²") fails): a traceback, and a tab left in the hub."""
    hub = Hub()
    for gen in ("²", "9" * 5000, "x"):
        tab = hub.connect("/", f"{hub.server_id}-{gen}")
        assert [kind for kind, _ in drain(tab)] == ["hello", "reload"]
        hub.disconnect(tab)
    assert hub.count() == 0


def test_a_tab_closed_just_before_a_build_is_not_counted_as_reloaded() -> None:
    """A browser tab closed less than the handler's check interval before a build: the build asks each
    stream first (`Tab.gone`, the handler's socket check), forgets a closed one, stops its handler, and
    counts only the tabs it told."""
    import socket
    from types import SimpleNamespace

    from newsgen.serve.handler import PreviewHandler as Handler

    hub = Hub()
    server_side, browser = socket.socketpair()
    closed_side, closed_browser = socket.socketpair()
    try:
        alive = hub.connect("/politics/x/", hub.token, lambda: Handler._client_gone(SimpleNamespace(connection=server_side)))
        closed = hub.connect("/politics/x/", hub.token,
                             lambda: Handler._client_gone(SimpleNamespace(connection=closed_side)))
        drain(alive), drain(closed)
        closed_browser.close()  # the tab is closed: its socket reads as ended
        assert hub.built(["politics/x/index.html"], []) == 1
        assert drain(alive) == [("reload", {})]
        assert closed.next(0) == ("", "")  # its handler is told to stop
        assert hub.count() == 1
    finally:
        for s in (server_side, browser, closed_side):
            s.close()
