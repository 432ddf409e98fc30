"""The direction of dependencies (DESIGN §2), read from the source: profiles know no ml or
service, ml knows no service, web framework, store or metrics client, and no import cycle
runs through the package (type-checking-only imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "credit_scoring"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


GRAPH = {_module(path): _imports(path) for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("credit_scoring.profiles", ("credit_scoring.ml", "credit_scoring.service")),
        (
            "credit_scoring.ml",
            ("credit_scoring.service", "fastapi", "starlette", "boto3", "prometheus_client"),
        ),
    ],
)
def test_a_layer_never_imports_those_above_it(layer: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        module: sorted(name for name in imported if name.startswith(forbidden))
        for module, imported in GRAPH.items()
        if module.startswith(layer)
    }
    assert {module: names for module, names in offending.items() if names} == {}


def _cycle_from(start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if any."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for imported in GRAPH.get(module, ()):
            if imported == start:
                return path + [start]
            if imported in GRAPH and imported not in seen:
                seen.add(imported)
                stack.append((imported, path + [imported]))
    return None


def test_no_import_cycle_in_ml() -> None:
    cycles = [_cycle_from(module) for module in GRAPH if module.startswith("credit_scoring.ml")]
    assert [cycle for cycle in cycles if cycle] == []
