"""Structural rules of the code base (issue 12; ``docs/architecture.md``).

Checked by reading the source (``ast``), without importing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Django's model API is public although it starts with an underscore.
DJANGO_API = {"_meta", "_base_manager", "_default_manager", "_state"}


def _modules() -> Iterator[tuple[Path, str, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield path, ".".join(parts), ast.parse(path.read_text(encoding="utf-8"))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_API


def private_uses(path: Path, module: str, tree: ast.Module) -> list[str]:
    """``from other import _name`` anywhere, and ``other._name`` outside tests, where
    ``other`` is another ``mppdesk`` module."""
    found: list[str] = []
    bound: dict[str, str] = {}
    where = path.relative_to(ROOT.parent)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not node.module.startswith("mppdesk"):
                continue
            for alias in node.names:
                if node.module != module and _private(alias.name):
                    found.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mppdesk") and alias.asname:
                    bound[alias.asname] = alias.name
    if "tests" in path.parts:
        return found
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _private(node.attr)
        ):
            found.append(f"{where}:{node.lineno} uses {bound[node.value.id]}.{node.attr}")
    return found


def test_no_private_names_cross_modules() -> None:
    """A leading underscore means "only this module": another module that needs the name
    needs it made public (and then it is part of that module's contract)."""
    offences = [line for args in _modules() for line in private_uses(*args)]
    assert offences == []


def test_the_rule_catches_a_private_import(tmp_path: Path) -> None:
    source = (
        "from mppdesk.people.importer import _plan\n"
        "from mppdesk.people import importer\n"
        "importer._write(1)\n"
        "Person._meta\n"
    )
    path = ROOT / "people" / "fake.py"
    tree = ast.parse(source)
    found = private_uses(path, "mppdesk.people.fake", tree)
    assert found == [
        "mppdesk/people/fake.py:1 imports mppdesk.people.importer._plan",
        "mppdesk/people/fake.py:3 uses mppdesk.people.importer._write",
    ]
    # Inside the module itself, its own private names are fine.
    assert private_uses(path, "mppdesk.people.importer", ast.parse(source.splitlines()[0])) == []
