"""The architecture, checked: imports go one way (cli -> services -> store/render -> domain),
the services import no cycle, and the cli/ files mirror the command tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "salespipe"
# what each layer may import from salespipe (besides itself)
ALLOWED = {
    "domain": set(),
    "store": {"domain"},
    "render": {"domain"},
    "services": {"domain", "store"},
    "cli": {"domain", "services", "render"},
}


def imports_of(path: Path) -> set[str]:
    """Every salespipe module ``path`` imports (at the top or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("salespipe"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("salespipe"))
    return found


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_go_one_way(layer):
    for path in modules(layer):
        for name in imports_of(path):
            parts = name.split(".")
            if len(parts) < 2 or parts[1] not in ALLOWED or parts[1] == layer:
                continue
            assert parts[1] in ALLOWED[layer], f"{path.name} ({layer}) imports {name}"


# The one place outside store/ that runs SQL: shell completion reads the database read-only with
# plain sqlite3, so a TAB press does not import the store (README, "Shell completion").
SQL_OUTSIDE_STORE = {"cli/completion.py"}


@pytest.mark.parametrize("layer", ["cli", "services", "render", "domain"])
def test_sql_runs_only_in_the_store(layer):
    """No module outside store/ calls execute or executemany on a connection."""
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        calls = {
            node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("execute", "executemany", "executescript")
        }
        assert not calls or name in SQL_OUTSIDE_STORE, (
            f"{name} runs SQL ({', '.join(sorted(calls))}): move it to store/"
        )


def test_services_form_no_cycle():
    graph = {}
    for path in modules("services"):
        graph[path.stem] = {
            n.split(".")[2]
            for n in imports_of(path)
            if n.startswith("salespipe.services.")
            and (PACKAGE / "services" / f"{n.split('.')[2]}.py").exists()
            and n.split(".")[2] != path.stem
        }

    def visit(node, trail):
        assert node not in trail, " -> ".join([*trail, node])
        for nxt in graph.get(node, ()):
            visit(nxt, [*trail, node])

    for start in graph:
        visit(start, [])


def test_the_cli_files_mirror_the_command_tree():
    from salespipe.cli import COMMANDS, moves

    files = {path.stem.rstrip("_") for path in modules("cli")} - {"__init", "common", "moves", "words"}
    groups = set(COMMANDS) - set(moves.VERBS)
    assert files == groups
