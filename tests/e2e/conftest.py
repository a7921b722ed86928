"""Fixtures of the end-to-end tests that several files share."""

from tests.e2e.newsroom import newsroom  # noqa: F401 - (the fixture: a newsroom built once)
