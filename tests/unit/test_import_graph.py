"""The project's modules import one another one way: no module reaches itself back.

Read from the source with `ast` (nothing is imported), counting every import of a project
module: at the top, under `if TYPE_CHECKING:` and inside functions alike.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = (ROOT / "storage" / "migrations" / "versions",)


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every project module by dotted name (a package by the name of its `__init__`)."""
    files = [root / "scheduler.py"]
    for top in ("bot", "storage"):
        files += sorted((root / top).rglob("*.py"))
    found: dict[str, Path] = {}
    for path in files:
        if any(path.is_relative_to(skipped) for skipped in SKIPPED):
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, tree: ast.AST, modules: Mapping[str, Path]) -> set[str]:
    """The project modules one module's imports name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:  # a module of the package
                    targets.add(f"{source}.{alias.name}")
                elif source in modules:  # a name the module (or package __init__) defines
                    targets.add(source)
    return targets


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """For each module, the project modules it imports."""
    return {
        name: _imported(name, path, ast.parse(path.read_text(), str(path)), modules)
        for name, path in modules.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (or one importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iteratively: the graph is deep enough to worry recursion.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in graph.get(node, ()):
                        groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def one_cycle(graph: Mapping[str, Iterable[str]], group: list[str]) -> list[str]:
    """A shortest way round from the group's first module back to it, for the message."""
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, ())):
                if target == start:
                    return [*paths[node], start]
                if target in members and target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    return group  # pragma: no cover - a strongly connected group always has a way round


def describe(graph: Mapping[str, Iterable[str]], groups: list[list[str]]) -> str:
    """Each cycle as its members and one way round it."""
    return "\n".join(
        f"{len(group)} modules in a cycle: {', '.join(group)}\n"
        f"  for example {' -> '.join(one_cycle(graph, group))}"
        for group in groups
    )


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph(module_files())
    groups = cycles(graph)
    assert not groups, "import cycles:\n" + describe(graph, groups)


def test_every_kind_of_import_is_an_edge(tmp_path: Path) -> None:
    pkg = tmp_path / "bot" / "services" / "sop"
    pkg.mkdir(parents=True)
    (tmp_path / "storage").mkdir()
    (tmp_path / "scheduler.py").write_text("from bot import app\n")
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "app.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.services.sop.rules import X\n"
    )
    (tmp_path / "bot" / "services" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from . import rules\nfrom .flow import start\n")
    (pkg / "rules.py").write_text("def f():\n    import bot.services.sop\n")
    (pkg / "flow.py").write_text("from ..sop.rules import f\nfrom bot.services import sop\n")
    graph = import_graph(module_files(tmp_path))
    assert graph == {
        "scheduler": {"bot.app"},
        "bot": set(),
        "bot.app": {"bot.services.sop.rules"},
        "bot.services": set(),
        "bot.services.sop": {"bot.services.sop.rules", "bot.services.sop.flow"},
        "bot.services.sop.flow": {"bot.services.sop.rules", "bot.services.sop"},
        "bot.services.sop.rules": {"bot.services.sop"},
    }
    # A package's __init__ importing its modules is fine; a module importing it back is not.
    assert cycles(graph) == [
        ["bot.services.sop", "bot.services.sop.flow", "bot.services.sop.rules"]
    ]


def test_a_package_importing_its_own_modules_is_no_cycle() -> None:
    graph = {"p": {"p.a", "p.b"}, "p.a": {"p.b"}, "p.b": set()}
    assert cycles(graph) == []
    assert cycles({**graph, "p.b": {"p"}}) == [["p", "p.a", "p.b"]]
