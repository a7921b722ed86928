"""Rendering: the Jinja environment (`environment`, with the speed hooks in `hooks`), template scans
(`templates`), what each page's template receives (`inputs`, `context`, `helpers`), and the page
renderer (`pages`)."""
