"""No import cycle between feature packages (issue 14): each feature may use those below it, never the other
way round as well, so a feature can be read, tested and changed without the rest.

The graph is read from the source (every import, also inside functions, except under ``TYPE_CHECKING``);
shared modules (trainer/inserts.py, trainer/widgets.py, trainer/question_types …) are not features and
may be imported by any.
"""

import ast
from pathlib import Path

import trainer

TRAINER = Path(trainer.__file__).parent


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """(imported module, line) for every import outside ``if TYPE_CHECKING:`` blocks."""
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for node in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "trainer" else [node.module]
            found += [(name, node.lineno) for name in names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def feature_graph(features: list[str]) -> dict[str, dict[str, list[str]]]:
    """feature → feature it imports → where ("courses/views.py:9")."""
    graph: dict[str, dict[str, list[str]]] = {name: {} for name in features}
    for feature in features:
        for path in sorted((TRAINER / feature).rglob("*.py")):
            for module, line in _imports(ast.parse(path.read_text(encoding="utf-8"))):
                parts = module.split(".")
                if parts[0] == "trainer" and len(parts) > 1 and parts[1] in graph and parts[1] != feature:
                    graph[feature].setdefault(parts[1], []).append(f"{path.relative_to(TRAINER)}:{line}")
    return graph


def cycles(graph: dict[str, dict]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}, "d": {"a": []}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b": []}, "b": {}}) == []


def test_no_import_cycle_between_feature_packages():
    graph = feature_graph(trainer.FEATURES)
    found = cycles(graph)
    where = [f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for component in found for a in component for b in component
             if b in graph[a]]
    assert not found, "import cycles between features:\n" + "\n".join(where)
