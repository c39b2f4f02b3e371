"""Database triggers that make the audit log append-only, on SQLite and PostgreSQL.

- ``audit_auditentry``: every UPDATE and DELETE is refused (row triggers), and on
  PostgreSQL TRUNCATE too (statement trigger). INSERT is the only way in.
- ``audit_auditchainhead``: deleting the head (or TRUNCATE) is refused, and so is moving
  it backwards (a smaller ``seq``); writers only ever move it forwards.

The refusal is an ``IntegrityError`` for Django on both databases (SQLite
``RAISE(ABORT, ...)`` is a constraint error; PostgreSQL raises SQLSTATE 23001,
``restrict_violation``).

There is deliberately no switch in the triggers to let a session through: a production
database has no bypass but dropping the trigger, which needs the table owner's rights and
leaves the hash chain to show what was changed. The test harness empties tables between
transactional tests with ``flush``; ``audit/management/commands/flush.py`` drops these
triggers, flushes and re-creates them inside one transaction, and only under Django's
test environment.

The migration ``0002_hash_chain`` calls ``install``. A later migration that rebuilds
``audit_auditentry`` on SQLite (most ``AlterField``\\s do: a new table is created and the
old one dropped, triggers included) must call ``install`` again.
"""

from __future__ import annotations

from typing import Any

ENTRY_TABLE = "audit_auditentry"
HEAD_TABLE = "audit_auditchainhead"
REFUSED = "audit log is append-only"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {ENTRY_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of an audit entry refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {ENTRY_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE of an audit entry refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {HEAD_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE of the chain head refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON {HEAD_TABLE}
    WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: the chain head only moves forwards'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSED}: % of % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END
    $$""",
    f"""CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq >= OLD.seq THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSED}: % of the chain head refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$""",
    f"DROP TRIGGER IF EXISTS audit_entry_append_only ON {ENTRY_TABLE}",
    f"""CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON {ENTRY_TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {ENTRY_TABLE}",
    f"""CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {ENTRY_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    f"DROP TRIGGER IF EXISTS audit_head_guard ON {HEAD_TABLE}",
    f"""CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON {HEAD_TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD_TABLE}",
    f"""CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_append_only ON {ENTRY_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {ENTRY_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_guard ON {HEAD_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD_TABLE}",
    # The functions stay: dropping them is not needed to lift the triggers, and keeping
    # them makes remove() + install() cheap inside the test harness's flush.
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(connection: Any) -> None:
    """Create (or re-create) the triggers on this connection's database."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove(connection: Any) -> None:
    """Drop the triggers (migration reversal; the test harness's flush)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)


def installed(connection: Any) -> set[str]:
    """Names of the audit triggers present (for tests and checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                [ENTRY_TABLE, HEAD_TABLE],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid IN (%s::regclass, %s::regclass)",
                [ENTRY_TABLE, HEAD_TABLE],
            )
        return {row[0] for row in cursor.fetchall()}
