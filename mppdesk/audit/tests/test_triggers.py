"""The database itself refuses to change or delete audit entries (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from mppdesk.audit import services, triggers
from mppdesk.audit.management.commands import flush as flush_command
from mppdesk.audit.models import AuditChainHead, AuditEntry
from mppdesk.audit.tests.conftest import raw
from mppdesk.audit.verify import verify_chain

EXPECTED = {
    "sqlite": {
        "audit_entry_no_update",
        "audit_entry_no_delete",
        "audit_head_no_delete",
        "audit_head_forward_only",
    },
    "postgresql": {
        "audit_entry_append_only",
        "audit_entry_no_truncate",
        "audit_head_guard",
        "audit_head_no_truncate",
    },
}


@pytest.fixture
def entries(db):  # type: ignore[no-untyped-def]
    for n in range(3):
        services.record(actor=None, organization=None, action="view", object_type="person",
                        object_id=str(n))  # fmt: skip
    return list(AuditEntry.objects.order_by("seq"))


def refused(sql: str) -> str:
    """Run raw SQL expecting the database to refuse it; the error's text."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        raw(sql)
    return str(excinfo.value)


def test_the_migration_installed_the_triggers(db):
    assert triggers.installed(connection) == EXPECTED[connection.vendor]


def test_raw_update_of_an_entry_is_refused(entries):
    message = refused("UPDATE audit_auditentry SET object_id = 'other' WHERE seq = 2")
    assert "append-only" in message
    assert AuditEntry.objects.get(seq=2).object_id == "1"


def test_raw_delete_of_an_entry_is_refused(entries):
    assert "append-only" in refused("DELETE FROM audit_auditentry WHERE seq = 3")
    assert "append-only" in refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 3


def test_orm_update_and_delete_are_refused_too(entries):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(action="delete")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert verify_chain().ok


def test_truncate_is_refused_on_postgresql_and_does_not_exist_on_sqlite(entries):
    if connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks of the inserts above: PostgreSQL refuses
        # TRUNCATE with trigger events pending, before our trigger would get to say no.
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        assert "append-only" in refused("TRUNCATE audit_auditentry")
        assert "append-only" in refused("TRUNCATE audit_auditchainhead")
    else:  # SQLite has no TRUNCATE; "DELETE FROM t" (its truncate optimisation) is refused
        assert "append-only" in refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 3


def test_the_chain_head_cannot_be_deleted_or_moved_back(entries):
    assert "append-only" in refused("DELETE FROM audit_auditchainhead")
    assert "append-only" in refused("UPDATE audit_auditchainhead SET seq = 1")
    assert AuditChainHead.objects.get().seq == 3


def test_inserting_is_what_stays_allowed(entries):
    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="more")  # fmt: skip
    assert AuditEntry.objects.count() == 4


def test_flush_outside_the_test_harness_is_refused(entries, monkeypatch):
    monkeypatch.setattr(flush_command, "under_test_harness", lambda: False)
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 3


# serialized_rollback: the flush after this test then leaves content types to the data
# restored for the next serialized test (the browser test), instead of re-creating them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_harness_flush_empties_the_log_and_restores_the_triggers():
    """What pytest-django does after every transactional test (and live_server test)."""
    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="x")  # fmt: skip
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not AuditEntry.objects.exists()
    assert not AuditChainHead.objects.exists()
    assert triggers.installed(connection) == EXPECTED[connection.vendor]
    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="y")  # fmt: skip
    assert AuditEntry.objects.get().seq == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("DELETE FROM audit_auditentry")
