"""Incremental builds: what the last build knew, and what this one must do again.

* `snapshot`: the stamps of every input, taken before anything is read; "nothing changed" in ~10 ms.
* `state`: the typed data a build remembers (parsed articles with their dependencies, page fingerprints).
* `parsed`: whether a parsed article is still valid (stamps first, content digests when they differ).
* `codec`: that data as plain tuples for `marshal`, the layout derived from the dataclasses' fields.
* `cache`: the cache files (a full file plus a small delta), checksummed, loaded and saved.
* `decide`: each page's fingerprint, and which pages to render again and why.
* `reuse`: the last site model, when nothing that lists show has changed.
"""
