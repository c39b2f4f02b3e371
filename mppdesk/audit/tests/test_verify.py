"""``audit verify`` finds a direct SQL update, delete and insert and names the first bad
entry. Each tampering test drops the triggers first, as an attacker with the table
owner's rights would."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.core.management import call_command

from mppdesk.audit import services
from mppdesk.audit.commands import audit_group
from mppdesk.audit.models import AuditEntry
from mppdesk.audit.tests.conftest import forge_insert, raw, triggers_dropped
from mppdesk.audit.verify import ALTERED, DELETED, INSERTED, verify_chain


@pytest.fixture
def log(personas):  # type: ignore[no-untyped-def]
    """Ten entries: five single ones, then a batch of five."""
    for n in range(5):
        services.record(actor=personas.caseworker, organization=personas.org, action="view",
                        object_type="person", object_id=f"p{n}", fields=["name"])  # fmt: skip
    services.record_many(actor=personas.caseworker, organization=personas.org,
                         action="import", object_type="person",
                         object_ids=[f"q{n}" for n in range(5)])  # fmt: skip
    return {e.seq: e for e in AuditEntry.objects.all()}


def run_cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(audit_group, ["verify", *args])


def test_an_intact_log_verifies(log):
    result = verify_chain(chunk_size=3)  # several chunks
    assert result.ok
    assert (result.count, result.last_seq, result.last_hash) == (10, 10, log[10].hash)
    cli = run_cli()
    assert cli.exit_code == 0, cli.output
    assert "intact: 10 entries" in cli.output


def test_an_empty_log_verifies(db):
    assert verify_chain().ok
    assert run_cli().exit_code == 0


def test_an_updated_entry_is_named(log):
    with triggers_dropped():
        raw("UPDATE audit_auditentry SET object_id = 'someone-else' WHERE seq = 4")
    result = verify_chain()
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq, result.problem.entry_id) == (
        ALTERED,
        4,
        log[4].pk,
    )
    cli = run_cli()
    assert cli.exit_code == 1
    assert f"entry seq 4 (id {log[4].pk}) altered" in cli.output


def test_an_update_that_recomputes_the_hash_is_still_caught(log):
    """The forger re-hashes the altered entry; the next entry still links to the old hash."""
    from mppdesk.audit import chain

    entry = log[6]
    entry.object_id = "someone-else"
    new_hash = chain.entry_hash(**entry.chain_content())
    with triggers_dropped():
        raw("UPDATE audit_auditentry SET object_id = %s, hash = %s WHERE seq = 6",
            ["someone-else", new_hash])  # fmt: skip
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (ALTERED, 6, log[6].pk)


def test_a_deleted_entry_is_named(log):
    with triggers_dropped():
        raw("DELETE FROM audit_auditentry WHERE seq = 3")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (DELETED, 3, None)
    assert f"seq 4 (id {log[4].pk})" in problem.reason
    cli = run_cli()
    assert cli.exit_code == 1
    assert "entry seq 3 deleted" in cli.output


def test_a_deleted_last_entry_is_named(log):
    with triggers_dropped():
        raw("DELETE FROM audit_auditentry WHERE seq = 10")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (DELETED, 10)


def test_a_deleted_first_entry_is_named(log):
    with triggers_dropped():
        raw("DELETE FROM audit_auditentry WHERE seq = 1")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (DELETED, 1)


def test_a_deletion_hidden_by_renumbering_is_still_caught(log):
    with triggers_dropped():
        raw("DELETE FROM audit_auditentry WHERE seq = 5")
        # Close the gap: move the later entries down by one (two steps: seq is unique).
        raw("UPDATE audit_auditentry SET seq = -seq WHERE seq > 5")
        raw("UPDATE audit_auditentry SET seq = -seq - 1 WHERE seq < 0")
        raw("UPDATE audit_auditchainhead SET seq = 9")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (DELETED, 5, log[6].pk)


def test_a_forged_entry_appended_at_the_end_is_named(log):
    """Correctly chained and hashed: only the chain head shows it."""
    with triggers_dropped():
        forged = forge_insert(seq=11, prev_hash=log[10].hash)
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (INSERTED, 11, forged)
    assert run_cli().exit_code == 1


def test_a_forged_entry_inserted_in_the_middle_is_named(log):
    """Room is made by renumbering the later entries; the forgery links to its predecessor."""
    with triggers_dropped():
        raw("UPDATE audit_auditentry SET seq = -seq WHERE seq > 7")
        raw("UPDATE audit_auditentry SET seq = -seq + 1 WHERE seq < 0")
        raw("UPDATE audit_auditchainhead SET seq = 11")
        forged = forge_insert(seq=8, prev_hash=log[7].hash)
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (INSERTED, 8, forged)
    cli = run_cli()
    assert cli.exit_code == 1
    assert f"entry seq 8 (id {forged}) inserted" in cli.output


def test_a_forged_entry_with_a_made_up_hash_is_named(log):
    with triggers_dropped():
        forged = forge_insert(seq=11, prev_hash=log[10].hash, rehash=False)
        raw("UPDATE audit_auditchainhead SET seq = 11")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.entry_id) == (ALTERED, 11, forged)


def test_only_the_first_bad_entry_is_named(log):
    with triggers_dropped():
        raw("UPDATE audit_auditentry SET action = 'delete' WHERE seq IN (2, 8)")
        raw("DELETE FROM audit_auditentry WHERE seq = 9")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ALTERED, 2)


def test_management_command_reports_and_exits_like_the_cli(log, capsys):
    call_command("audit_verify")
    assert "intact: 10 entries" in capsys.readouterr().out
    with triggers_dropped():
        raw("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(SystemExit) as excinfo:
        call_command("audit_verify")
    assert excinfo.value.code == 1
    assert "entry seq 2 deleted" in capsys.readouterr().err
