"""The structure rules of docs/architecture.md, checked on the source: no import cycles, private names of
Jinja, markupsafe and the process pools only in their one module, no source file over 400 lines, and a
build() that reads top to bottom in well under 100 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "newsgen"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every newsgen module `name` imports: at the top, in functions and under TYPE_CHECKING alike."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            candidates = [base, *(f"{base}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        out.update(c for c in candidates if c in modules and c != name)
    return out


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


PRIVATE = {
    r"jinja2\.(runtime|utils|compiler|nodes\._)|_PassArg|_from_namespace|markupsafe\._|_escape_inner":
        {"newsgen/render/hooks.py"},
    r"\._processes\b|\._result_queue\b|concurrent\.futures|import multiprocessing|multiprocessing\.":
        {"newsgen/parallel/__init__.py", "newsgen/parallel/executor.py", "newsgen/parallel/prerender.py",
         "newsgen/serve/server.py"},
}


def test_private_names_of_libraries_stay_in_their_one_module() -> None:
    for pattern, allowed in PRIVATE.items():
        users = {path.relative_to(SRC).as_posix() for path in PACKAGE.rglob("*.py")
                 if re.search(pattern, path.read_text(encoding="utf-8"))}
        assert users <= allowed, (pattern, users - allowed)


def test_serve_uses_only_a_public_name_of_concurrent_futures() -> None:
    text = (PACKAGE / "serve/server.py").read_text(encoding="utf-8")
    assert re.findall(r"concurrent\.futures import (\w+)", text) == ["InvalidStateError"]


def test_no_source_file_over_400_lines() -> None:
    long = {path.relative_to(SRC).as_posix(): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_build_reads_top_to_bottom_in_under_100_lines() -> None:
    tree = ast.parse((PACKAGE / "build.py").read_text(encoding="utf-8"))
    build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "build")
    assert build.end_lineno is not None and build.end_lineno - build.lineno + 1 < 100
    assert not [n for n in ast.walk(build) if isinstance(n, ast.Try | ast.Nonlocal | ast.Global)]


def test_only_the_cli_turns_the_garbage_collector_off_or_ends_the_process() -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel in ("newsgen/cli.py",):
            continue
        assert "gc.disable()" not in text and "os._exit(0)" not in text, rel
