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
EDGE_CALLS_LEFT: dict[tuple[str, str], int] = {}


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


# --- audit actions and object types are enums (core.audit_vocabulary) --------------------

AUDIT_WRITERS = {"record", "record_many", "record_view", "entries", "AuditEntry"}
#: Audit actions or object types still written as bare strings, per file (literals in
#: ``audit.record``/``record_many``/``record_view`` calls, and vocabulary strings handed
#: to a module's own ``_audit``/``_record`` helpers). Hearings is being split; the lead
#: converts it after merging. This list may only shrink.
AUDIT_STRINGS_LEFT: dict[str, int] = {}


def _vocabulary() -> set[str]:
    """The values of ``AuditAction`` and ``ObjectType``, read from the source."""
    tree = ast.parse((ROOT / "core" / "audit_vocabulary.py").read_text(encoding="utf-8"))
    values: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Tuple)
            and isinstance(node.value.elts[0], ast.Constant)
            and isinstance(node.value.elts[0].value, str)
        ):
            values.add(node.value.elts[0].value)
    return values


def _string_literals(node: ast.expr) -> list[str]:
    """The string constants ``node`` may evaluate to (``"a" if x else "b"`` included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _string_literals(node.body) + _string_literals(node.orelse)
    return []


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def audit_strings(tree: ast.Module, vocabulary: set[str]) -> int:
    """Bare strings used as an audit action or object type in one module."""
    found = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in AUDIT_WRITERS:
            for keyword in node.keywords:
                if keyword.arg in ("action", "object_type"):
                    found += len(_string_literals(keyword.value))
        elif "audit" in name.lower() or "record" in name.lower():
            values = [*node.args, *(k.value for k in node.keywords)]
            found += sum(v in vocabulary for value in values for v in _string_literals(value))
    return found


def _source_files() -> Iterator[tuple[str, ast.Module]]:
    for path, _module, tree in _modules():
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield str(path.relative_to(ROOT.parent)), tree


def test_audit_actions_and_object_types_are_enums() -> None:
    """``AuditAction.VIEW`` / ``ObjectType.PERSON``, never ``"view"`` / ``"person"``: one
    vocabulary, with labels, that the log page and the filters share (issue 12)."""
    vocabulary = _vocabulary()
    found = {where: n for where, tree in _source_files() if (n := audit_strings(tree, vocabulary))}
    new = {where: n for where, n in found.items() if n > AUDIT_STRINGS_LEFT.get(where, 0)}
    assert new == {}, "use core.audit_vocabulary.AuditAction / ObjectType"
    assert found == AUDIT_STRINGS_LEFT


def test_the_audit_string_rule_sees_literals_and_helpers() -> None:
    source = (
        "audit.record(actor=a, action='view', object_type=ObjectType.PERSON)\n"
        "audit.record_many(action=AuditAction.DELETE, object_type='case' if x else 'task')\n"
        "record_view(actor=a, obj=o, object_type=ObjectType.CASE, fields=[])\n"
        "_audit(actor, org, 'update', obj, 'need', ['status'])\n"
        "_audit(actor, org, AuditAction.UPDATE, obj, ObjectType.NEED, ['person'])\n"
        "record_incident(perpetrator='criminal_group')\n"
    )
    assert audit_strings(ast.parse(source), _vocabulary()) == 5


# --- "today" is named by its clock (core.clocks) ----------------------------------------

#: Calls of ``timezone.localdate()`` / ``date.today()`` left, per file. ``core.clocks``
#: names the day meant (``utc_today``, ``court_today``, ``port_today``, ``zone_today``).
#: This list may only shrink.
UNNAMED_TODAY_LEFT: dict[str, int] = {}


def unnamed_todays(tree: ast.Module) -> int:
    found = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        func = node.func
        if func.attr == "localdate" and not node.args and not node.keywords:
            found += 1
        elif func.attr == "today" and (
            (isinstance(func.value, ast.Name) and func.value.id == "date")
            or (isinstance(func.value, ast.Attribute) and func.value.attr == "date")
        ):
            found += 1
    return found


def test_today_is_named_by_its_clock() -> None:
    """A day is the UTC one (lists, counters) or a place's (court, port): never the
    unnamed ``localdate()``, which hid the difference (issue 12)."""
    found = {where: n for where, tree in _source_files() if (n := unnamed_todays(tree))}
    new = {where: n for where, n in found.items() if n > UNNAMED_TODAY_LEFT.get(where, 0)}
    assert new == {}, "use core.clocks: utc_today, court_today, port_today or zone_today"
    assert found == UNNAMED_TODAY_LEFT


def test_the_today_rule_sees_both_spellings() -> None:
    source = (
        "a = timezone.localdate()\n"
        "b = dt.date.today()\n"
        "c = date.today()\n"
        "d = timezone.localdate(moment)\n"
        "e = utc_today()\n"
    )
    assert unnamed_todays(ast.parse(source)) == 3
