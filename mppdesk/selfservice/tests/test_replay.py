"""Twilio retries a slow webhook with the same MessageSid: the text is acted on once.

One ``InboundMessage`` per MessageSid (a unique index), claimed before anything else
happens: a retry after the first answer, or one that arrives while the first is still
being answered, gets the stored reply and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.messaging.models import InboundMessage, Message
from mppdesk.selfservice.models import LookupCounter, Scope
from mppdesk.selfservice.ratelimit import counter_digest
from mppdesk.selfservice.tests.conftest import A_NUMBER, World, reply_of, signed_post
from mppdesk.testing.concurrency import run_threads
from mppdesk.testing.factories import ContactPointFactory, PersonFactory

PHONE = "+526561112222"


def hits(scope: str, value: str) -> int:
    row = LookupCounter.objects.filter(scope=scope, digest=counter_digest(scope, value)).first()
    return row.hits if row else 0


@pytest.mark.django_db
def test_a_retried_wrong_lookup_counts_once(client: Client, world: World) -> None:
    params = {"From": PHONE, "Body": f"CITA A{A_NUMBER} 01/01/1980", "MessageSid": "SMwrong1"}
    mark = audit_mark()
    first = signed_post(client, params)
    again = signed_post(client, params)
    assert first.content == again.content
    assert InboundMessage.objects.filter(provider_id="SMwrong1").count() == 1
    assert hits(Scope.A_NUMBER, A_NUMBER) == 1  # one failure, not two
    assert hits(Scope.SENDER, PHONE) == 1  # one lookup against the phone's limit
    lookups = entries_after(mark).filter(object_type="selfservice_lookup")
    assert lookups.count() == 1


@pytest.mark.django_db
def test_five_retries_of_one_text_do_not_lock_the_anumber(client: Client, world: World) -> None:
    params = {"From": PHONE, "Body": f"CITA A{A_NUMBER} 01/01/1980", "MessageSid": "SMwrong5"}
    for _ in range(6):
        signed_post(client, params)
    fresh = {"From": "+526567770000", "Body": f"CITA A{A_NUMBER} 31/12/1990", "MessageSid": "SMok"}
    assert reply_of(signed_post(client, fresh)).startswith("Su próxima audiencia")


@pytest.mark.django_db
def test_a_retried_opt_out_is_acted_on_once(client: Client, personas: Any) -> None:
    contact = ContactPointFactory(person=PersonFactory(organization=personas.org), value=PHONE)
    params = {"From": PHONE, "Body": "STOP", "MessageSid": "SMstop"}
    first = signed_post(client, params)
    # Meanwhile the person opted back in (another text); then Twilio retries the STOP.
    signed_post(client, {"From": PHONE, "Body": "START", "MessageSid": "SMstart"})
    again = signed_post(client, params)
    assert reply_of(first) == reply_of(again)
    contact.refresh_from_db()
    assert contact.opted_out is False  # the retry did not opt out again
    assert InboundMessage.objects.count() == 2
    assert Message.objects.filter(idempotency_key__startswith="twiml:SMstop").count() == 1


@pytest.mark.django_db
def test_the_stored_reply_is_encrypted_like_the_body(client: Client, world: World) -> None:
    params = {"From": PHONE, "Body": f"CITA A{A_NUMBER} 31/12/1990", "MessageSid": "SMenc"}
    reply = reply_of(signed_post(client, params))
    row = InboundMessage.objects.get(provider_id="SMenc")
    assert row.reply == reply
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reply FROM {InboundMessage._meta.db_table} WHERE provider_id = %s",  # noqa: S608
            ["SMenc"],
        )
        stored = cursor.fetchone()[0]
    assert "audiencia" not in stored and "El Paso" not in stored


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_text_are_answered_alike_and_acted_on_once(
    personas: Any,
) -> None:
    """Four deliveries of one MessageSid at the same moment (threads; on PostgreSQL truly
    at once, each blocking on the unique index until the first commits)."""
    from mppdesk.selfservice.tests.conftest import make_case, schedule

    case = make_case(personas.org, a_number=A_NUMBER, birth=dt.date(1990, 12, 31))
    schedule(case, personas.coordinator)
    sid = f"SM{uuid.uuid4().hex}"
    params = {"From": PHONE, "Body": f"CITA A{A_NUMBER} 01/01/1980", "MessageSid": sid}

    def deliver(_index: int) -> str:
        response = signed_post(Client(), params)
        return f"{response.status_code} {reply_of(response)}"

    results = run_threads(4, deliver)
    assert len(set(results)) == 1, results
    assert results[0].startswith("200 No encontramos")
    assert InboundMessage.objects.filter(provider_id=sid).count() == 1
    assert hits(Scope.A_NUMBER, A_NUMBER) == 1
    assert hits(Scope.SENDER, PHONE) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_earlier_duplicates_apart() -> None:
    """Rows recorded twice for one MessageSid before the unique index (what retries did)
    keep the first's id; the later ones get ``#2``, ``#3``: nothing is lost."""
    executor = MigrationExecutor(connection)
    before = [("messaging", "0003_blind_index_sources")]
    after = executor.loader.graph.leaf_nodes("messaging")
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Inbound = old.get_model("messaging", "InboundMessage")
        for sid in ("SMdup", "SMdup", "SMdup", "SMone"):
            row = Inbound(id=uuid.uuid4(), channel="sms", provider_id=sid, intent="other")
            row.sender = "+526561112222"
            row.sender_key = row.sender  # a property of the model, not of its history
            row.body = "hola"
            row.save()
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    ids = sorted(InboundMessage.objects.values_list("provider_id", flat=True))
    assert ids == ["SMdup", "SMdup#2", "SMdup#3", "SMone"]
    assert {row.body for row in InboundMessage.objects.all()} == {"hola"}
