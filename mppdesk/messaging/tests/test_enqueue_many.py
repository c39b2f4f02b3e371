"""Several messages at once (a hearing's reminders): one outcome per message, in order,
idempotent, all or nothing."""

from __future__ import annotations

import pytest

from mppdesk.audit.models import AuditEntry
from mppdesk.core.errors import FieldErrors
from mppdesk.messaging.models import Message, MessageEvent, MessageStatus
from mppdesk.messaging.services import MessageSpec, enqueue_messages

pytestmark = pytest.mark.django_db


def spec(org, key: str, **overrides) -> MessageSpec:  # type: ignore[no-untyped-def]
    values = {
        "organization": org, "channel": "sms", "recipient": "+526561110000",
        "template": "reminder", "language": "es", "body": f"Recordatorio {key}",
        "idempotency_key": key,
    }  # fmt: skip
    values.update(overrides)
    return MessageSpec(**values)


def test_each_message_gets_a_row_an_event_and_an_audit_entry(personas):
    messages = enqueue_messages(
        actor=None, specs=[spec(personas.org, f"many:{n}") for n in range(4)]
    )
    assert [m.idempotency_key for m in messages] == [f"many:{n}" for n in range(4)]
    assert all(m.status == MessageStatus.QUEUED for m in messages)
    ids = [m.pk for m in messages]
    assert MessageEvent.objects.filter(message_id__in=ids, status="queued").count() == 4
    logged = AuditEntry.objects.filter(object_type="message", object_id__in=map(str, ids))
    assert logged.count() == 4


def test_keys_already_there_return_the_existing_message(personas):
    [first] = enqueue_messages(actor=None, specs=[spec(personas.org, "again:0")])
    again = enqueue_messages(
        actor=None,
        specs=[spec(personas.org, "again:0", body="other"), spec(personas.org, "again:1")],
    )
    assert again[0].pk == first.pk and again[0].body == "Recordatorio again:0"
    assert Message.objects.filter(idempotency_key__startswith="again:").count() == 2


def test_a_bad_message_names_its_position_and_nothing_is_written(personas):
    specs = [spec(personas.org, "bad:0"), spec(personas.org, "bad:1", channel="pigeon")]
    with pytest.raises(FieldErrors) as raised:
        enqueue_messages(actor=None, specs=specs)
    assert raised.value.errors == {"messages[1].channel": ["Unknown channel."]}
    assert not Message.objects.filter(idempotency_key__startswith="bad:").exists()
