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


# --- the edges do not check permissions or write the audit log ----------------------------

EDGE_AUDIT = {"record", "record_many", "record_view"}
EDGE_PERMISSION = {"can", "orgs_where", "role_in", "roles_by_org", "role_allows", "actions_for"}
#: Direct calls still made by edges, per (module, function): the domain's queries and
#: services should make them (``queries.get_*_for_view(actor, ...)``). This list may only
#: shrink; the page-level ``web.access.requires`` decorator is not counted.
EDGE_CALLS_LEFT = {
    ("mppdesk/api/routers/cases.py", "audit.record_many"): 1,
    ("mppdesk/api/routers/hearings.py", "permissions.can"): 1,
    ("mppdesk/api/routers/hearings.py", "audit.record_many"): 3,
    ("mppdesk/api/routers/households.py", "audit.record"): 1,
    ("mppdesk/api/routers/messaging.py", "audit.record_many"): 1,
    ("mppdesk/api/routers/messaging.py", "audit.record_view"): 2,
    ("mppdesk/api/routers/people.py", "audit.record"): 1,
    ("mppdesk/api/routers/people.py", "audit.record_many"): 1,
    ("mppdesk/api/routers/referrals.py", "audit.record_many"): 1,
    ("mppdesk/api/routers/screening.py", "audit.record_view"): 1,
    ("mppdesk/api/routers/transfers.py", "audit.record_view"): 1,
    ("mppdesk/cases/views.py", "permissions.can"): 1,
    ("mppdesk/hearings/commands.py", "permissions.orgs_where"): 1,
    ("mppdesk/hearings/views.py", "permissions.can"): 4,
    ("mppdesk/hearings/views.py", "permissions.orgs_where"): 3,
    ("mppdesk/hearings/views.py", "audit.record"): 1,
    ("mppdesk/hearings/views.py", "audit.record_many"): 1,
    ("mppdesk/hearings/views.py", "audit.record_view"): 3,
    ("mppdesk/messaging/web_views.py", "permissions.can"): 2,
    ("mppdesk/messaging/web_views.py", "audit.record_many"): 1,
    ("mppdesk/messaging/web_views.py", "audit.record_view"): 2,
    ("mppdesk/people/import_views.py", "permissions.can"): 1,
    ("mppdesk/people/views.py", "permissions.can"): 2,
    ("mppdesk/people/views.py", "audit.record_view"): 2,
    ("mppdesk/screening/views.py", "permissions.can"): 3,
    ("mppdesk/screening/views.py", "audit.record_view"): 2,
    ("mppdesk/sharing/views.py", "permissions.can"): 1,
    ("mppdesk/sharing/views.py", "audit.record_many"): 1,
    ("mppdesk/sharing/views.py", "audit.record_view"): 1,
    ("mppdesk/transfers/commands.py", "permissions.orgs_where"): 1,
    ("mppdesk/transfers/views.py", "permissions.can"): 4,
    ("mppdesk/transfers/views.py", "audit.record_view"): 1,
}


def _is_edge(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    name = path.name
    return "tests" not in path.parts and (
        name.startswith("views")
        or name.endswith("_views.py")
        or name in ("api.py", "commands.py", "hook_commands.py")
        or relative.parts[:2] == ("api", "routers")
        or relative.parts[0] == "cli"
    )


def edge_calls(path: Path, tree: ast.Module) -> dict[tuple[str, str], int]:
    """Calls of the audit log or the permission check in one edge module."""
    sources = {
        "mppdesk.audit.services": ("audit", EDGE_AUDIT),
        "mppdesk.accounts.permissions": ("permissions", EDGE_PERMISSION),
    }
    functions: dict[str, str] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if node.module in sources and alias.name in sources[node.module][1]:
                    functions[bound] = f"{sources[node.module][0]}.{alias.name}"
                full = f"{node.module}.{alias.name}"
                if full in sources:
                    modules[bound] = full
    found: dict[tuple[str, str], int] = {}
    where = str(path.relative_to(ROOT.parent))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = None
        if isinstance(func, ast.Name) and func.id in functions:
            name = functions[func.id]
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
            and func.attr in sources[modules[func.value.id]][1]
        ):
            name = f"{sources[modules[func.value.id]][0]}.{func.attr}"
        if name:
            found[(where, name)] = found.get((where, name), 0) + 1
    return found


def test_edges_leave_permission_and_audit_to_the_domain() -> None:
    """Views, API routers and CLI commands parse, call one function and render; the
    permission check and the audit entry belong to that function (issue 12)."""
    found: dict[tuple[str, str], int] = {}
    for path, _module, tree in _modules():
        if _is_edge(path):
            found.update(edge_calls(path, tree))
    new = {key: n for key, n in found.items() if n > EDGE_CALLS_LEFT.get(key, 0)}
    assert new == {}, "move these into the domain's queries/services"
    # Fixed ones leave the list, so it only shrinks.
    assert found == EDGE_CALLS_LEFT


def test_the_edge_rule_sees_both_import_styles() -> None:
    source = (
        "from mppdesk.audit import services as audit\n"
        "from mppdesk.accounts.permissions import can\n"
        "audit.record_view(1)\n"
        "if can(u, 'x'):\n"
        "    audit.record(2)\n"
    )
    path = ROOT / "people" / "views.py"
    assert edge_calls(path, ast.parse(source)) == {
        ("mppdesk/people/views.py", "audit.record_view"): 1,
        ("mppdesk/people/views.py", "audit.record"): 1,
        ("mppdesk/people/views.py", "permissions.can"): 1,
    }
