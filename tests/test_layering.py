"""The layers only import downwards, and no two files import each other (directly or round a loop).

specs → models → analysis (numbers and typed facts) → views (documents) → backends (formats) → io; figures
draw results; commands, the CLI and the API sit on top.  Every import is read with ``ast``, lazy ones (inside
functions) included.  ``python -m tests.test_layering`` prints the same check for a reviewer.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "resnet_inspect"

CORE = {"specs", "registry", "models", "analysis", "policies", "limits", "errors", "reference"}
# What each layer may import (besides itself).  A module not named here (the CLI, commands, loaders, io,
# the report and verify runners, the API) may import anything, as long as no cycle follows.
ALLOWED: dict[str, set[str]] = {
    **{name: CORE for name in CORE},
    "document": {"document", "errors"},
    "figures": CORE | {"document", "dot"},
    "views": CORE | {"document", "figures"},
    "backends": {"document", "terminal", "console", "errors"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, me: str, known: set[str]) -> list[tuple[str, int]]:
    """The package modules ``path`` imports, with line numbers (``from . import x`` resolved to ``x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = me.split(".") if is_pkg else me.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in known]
            targets = subs or [mod]  # `from . import ops` imports the submodule, not the package's own names
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        for t in targets:
            if not t.startswith("resnet_inspect"):
                continue
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != me and t != "resnet_inspect":
                found.append((t, node.lineno))
    return found


def layer(module: str) -> str:
    """``resnet_inspect.analysis.engine`` → ``analysis``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for me, path in paths.items():
        for target, line in imports(path, me, set(paths)):
            edges[me].add(target)
            where.setdefault((me, target), f"{path.relative_to(PACKAGE.parent)}:{line}")
    return edges, where


def climbing(edges: dict[str, set[str]], where: dict[tuple[str, str], str]) -> list[str]:
    bad = []
    for a, targets in edges.items():
        allowed = ALLOWED.get(layer(a))
        for b in targets:
            if allowed is not None and layer(b) != layer(a) and layer(b) not in allowed:
                bad.append(f"{where[(a, b)]}: {a} imports {b} ({layer(a)} may import only {sorted(allowed)})")
    return sorted(bad)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_climbs_a_layer() -> None:
    edges, where = graph()
    assert climbing(edges, where) == []


def test_no_import_cycle() -> None:
    edges, _ = graph()
    assert cycles(edges) == []


def test_the_fence_sees_a_climbing_import_and_a_cycle() -> None:
    # the check itself: an analysis module importing a view, and two modules importing each other
    edges = {"resnet_inspect.analysis.a": {"resnet_inspect.views.b"}, "resnet_inspect.views.b":
             {"resnet_inspect.analysis.a"}}
    where = {("resnet_inspect.analysis.a", "resnet_inspect.views.b"): "a.py:1",
             ("resnet_inspect.views.b", "resnet_inspect.analysis.a"): "b.py:1"}
    assert len(climbing(edges, where)) == 1
    assert cycles(edges) == [["resnet_inspect.analysis.a", "resnet_inspect.views.b"]]


if __name__ == "__main__":
    e, w = graph()
    bad, loops = climbing(e, w), cycles(e)
    for line in bad:
        print("climbs:", line)
    for loop in loops:
        print("cycle:", " -> ".join(loop))
    print(f"layering: {len(bad)} climbing imports, {len(loops)} import cycles")
    sys.exit(1 if bad or loops else 0)
