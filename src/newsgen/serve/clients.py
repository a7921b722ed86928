"""The open browser tabs: one Server-Sent Events stream each, with the page it shows.

Every HTML response carries a build token ("<server id>-<generation>"). A tab connects with its
token and its path; the hub remembers in which generation each output file last changed, so a
tab that loaded a page just before a build (or from a previous server) is told to reload as soon
as it connects: no change is lost between the page load and the stream opening.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from .changes import output_for_url, tab_action

Message = tuple[str, str]  # (SSE event name, JSON data)
_CLOSE: Message = ("", "")


@dataclass(eq=False)
class Tab:
    shown: str | None  # the output file it shows ("politics/x/index.html"), None outside the site
    path: str = ""  # its URL path, which `shown` is read from under the site's base path
    messages: queue.Queue[Message] = field(default_factory=queue.Queue)
    follow: str | None = None  # the URL path its article moved to, until the page there is written
    # whether the browser closed its stream (the handler checks every half second; a build asks first)
    gone: Callable[[], bool] | None = None

    def send(self, event: str, data: object) -> None:
        self.messages.put((event, json.dumps(data, ensure_ascii=False)))

    def next(self, timeout: float) -> Message | None:
        """The next message; None on timeout (send a keep-alive), ("", "") when the server closes."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            return None


class Hub:
    def __init__(self, base_path: str = "/") -> None:
        self.server_id = secrets.token_hex(4)
        self._base_path = base_path
        self.generation = 0
        self._tabs: list[Tab] = []
        self._last_changed: dict[str, int] = {}
        self._errors: list[str] = []
        self._last_good = True  # (with _errors: whether a build ever succeeded)
        self._lock = threading.Lock()
        self._connected = threading.Condition(self._lock)  # notified on every connection
        self._connections = 0  # streams opened so far
        self._closed = False

    @property
    def base_path(self) -> str:
        return self._base_path

    @base_path.setter
    def base_path(self, value: str) -> None:
        """The site moved under another path (base_url edited): each tab's page is read again from its URL,
        and a tab whose URL now names another page (or a page, where it named none: it showed "Page not
        found" since the move) reloads."""
        with self._lock:
            if value == self._base_path:
                return
            self._base_path = value
            for tab in self._tabs:
                shown = output_for_url(tab.path, value)
                if shown != tab.shown:
                    tab.shown, tab.follow = shown, None
                    tab.send("reload", {})

    @property
    def token(self) -> str:
        """The token that HTML responses carry now."""
        return f"{self.server_id}-{self.generation}"

    @property
    def errors(self) -> list[str]:
        with self._lock:
            return list(self._errors)

    def connect(self, path: str, token: str, gone: Callable[[], bool] | None = None) -> Tab:
        tab = Tab(output_for_url(path, self._base_path), path, gone=gone)
        with self._lock:
            if self._closed:
                tab.messages.put(_CLOSE)
                return tab
            self._tabs.append(tab)
            self._connections += 1
            self._connected.notify_all()
            tab.send("hello", {"server": self.server_id})
            if self._stale(tab, token):
                tab.send("reload", {})
            elif self._errors:
                tab.send("errors", {"errors": self._errors, "lastGood": self._last_good})
        return tab

    def disconnect(self, tab: Tab) -> None:
        with self._lock:
            if tab in self._tabs:
                self._tabs.remove(tab)

    def shown(self) -> set[str]:
        """The output files the open tabs show: a rebuild renders these first."""
        with self._lock:
            return {t.shown for t in self._tabs if t.shown is not None}

    def connections(self) -> int:
        """How many streams were opened so far (a reloaded tab opens a new one once its page is loaded)."""
        with self._lock:
            return self._connections

    def wait_for_connections(self, total: int, timeout: float) -> bool:
        """Wait until `total` streams were opened in all (tabs told to reload have loaded their page)."""
        with self._connected:
            return self._connected.wait_for(lambda: self._connections >= total or self._closed, timeout)

    def count(self) -> int:
        with self._lock:
            return len(self._tabs)

    def built(self, changed: Collection[str], removed: Collection[str], moved: Mapping[str, str] | None = None) -> int:
        """A build succeeded: clear the overlay, reload the tabs it affects. `moved`: a removed page's
        output file -> the URL path its article has now (a headline changed, and with it the slug): its
        tab goes there instead of reloading into a 404. Returns how many tabs were told to reload or to
        refresh their styles."""
        with self._lock:
            self.generation += 1
            for rel in (*changed, *removed):
                self._last_changed[rel] = self.generation
            had_errors, self._errors = bool(self._errors), []
            told = 0
            written, gone = set(changed), set(removed)
            for tab in [t for t in self._tabs if t.gone is not None and t.gone()]:  # closed just now: not
                self._tabs.remove(tab)  # counted as reloaded (its handler stops on this)
                tab.messages.put(_CLOSE)
            for tab in self._tabs:
                action = tab_action(tab.shown, changed, removed)
                if had_errors:
                    tab.send("ok", {})
                if moved and tab.shown is not None and tab.shown in moved:  # its article moved: the tab goes
                    # there once the page there is written (a build of the pages on screen defers it)
                    tab.follow, action = moved[tab.shown], None
                elif tab.follow is not None and (tab.shown in written or f"{tab.follow}index.html" in gone):
                    # the move undone (its page written again: the headline changed back), or the new
                    # address gone in turn (moved again, or the story removed): follow that, or show what is
                    tab.follow = (moved or {}).get(f"{tab.follow}index.html") if tab.shown not in written else None
                    action = action or ("reload" if tab.follow is None else None)
                if tab.follow is not None and f"{tab.follow}index.html" in written:
                    tab.send("reload", {"to": self._base_path + tab.follow.lstrip("/")})
                    tab.follow = None
                    told += 1
                elif action is not None and tab.follow is None:
                    tab.send(action, {})
                    told += 1
            return told

    def failed(self, errors: list[str], last_good: bool = True) -> None:
        """A build failed: every tab shows these lines over the last good page (`last_good`: there is one;
        else the tabs show the "No preview yet" page)."""
        with self._lock:
            self._errors, self._last_good = list(errors), last_good
            for tab in self._tabs:
                tab.send("errors", {"errors": self._errors, "lastGood": last_good})

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for tab in self._tabs:
                tab.messages.put(_CLOSE)
            self._tabs.clear()

    def _stale(self, tab: Tab, token: str) -> bool:
        server, _, gen = token.rpartition("-")
        if server != self.server_id or not (gen.isascii() and gen.isdigit()) or len(gen) > 18:
            return bool(token)  # a page from an earlier server (or no build's number: "²"): reload once
        loaded = int(gen)
        if tab.shown is None:
            return False
        return self._last_changed.get(tab.shown, 0) > loaded
