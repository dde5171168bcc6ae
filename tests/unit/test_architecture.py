"""The shape of the package, checked: no import circles (lazy imports included), handlers never
import the backend, and only the backend imports pymilvus and grpc."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "milvus_shell"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (those imports never run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(path: Path) -> set[str]:
    """Modules ``path`` imports when it runs, at the top or inside functions; strings given to
    importlib.import_module count too."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (base + "." + node.module if node.module else base) if node.level else node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from . import module`
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            if isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_circles():
    edges = graph()
    assert "milvus_shell.registry" in edges["milvus_shell.app"]  # the scanner sees imports at all
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    # A package's __init__ importing its own submodules is how a package is put together, not a circle.
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert real == [], "import circles: " + "; ".join(" -> ".join(c) for c in real)


def test_handlers_never_import_the_backend():
    assert "milvus_shell.backend" in imports_of(PACKAGE / "registry.py")  # the scanner sees it where it is
    for path in (PACKAGE / "commands").rglob("*.py"):
        backend = {m for m in imports_of(path) if m.startswith("milvus_shell.backend")}
        assert not backend, f"{path.name} imports {backend}"


def test_only_the_backend_imports_pymilvus_and_grpc():
    assert "pymilvus" in imports_of(PACKAGE / "backend" / "__init__.py")  # the scanner sees it where it is
    for path in PACKAGE.rglob("*.py"):
        if "backend" in path.relative_to(PACKAGE).parts:
            continue
        heavy = {m for m in imports_of(path) if m.split(".")[0] in ("pymilvus", "grpc")}
        assert not heavy, f"{path.relative_to(PACKAGE)} imports {heavy}"
