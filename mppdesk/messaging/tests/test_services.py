"""The outbox's state machine: enqueue, cancel, delivery receipts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mppdesk.core.errors import FieldErrors
from mppdesk.messaging import services
from mppdesk.messaging.models import Message, MessageEvent, MessageStatus
from mppdesk.messaging.providers import console
from mppdesk.testing.factories import ContactPointFactory, PersonFactory

pytestmark = pytest.mark.django_db


def statuses(message: Message) -> list[str]:
    return list(MessageEvent.objects.filter(message=message).values_list("status", flat=True))


def test_enqueue_now_is_queued_with_an_event_and_an_audit_entry(outbox):
    from mppdesk.audit.models import AuditEntry

    message = outbox()
    assert message.status == MessageStatus.QUEUED
    assert statuses(message) == ["queued"]
    assert AuditEntry.objects.filter(object_type="message", object_id=str(message.pk)).exists()


def test_enqueue_for_later_is_planned(outbox):
    later = timezone.now() + dt.timedelta(days=2)
    message = outbox(not_before=later)
    assert message.status == MessageStatus.PLANNED
    assert message.not_before == later


def test_enqueue_is_idempotent_on_the_key(outbox):
    first = outbox(idempotency_key="reminder:h1:7d:cp1")
    again = outbox(idempotency_key="reminder:h1:7d:cp1", body="something else")
    assert again.pk == first.pk
    assert Message.objects.filter(idempotency_key="reminder:h1:7d:cp1").count() == 1
    assert Message.objects.get(pk=first.pk).body == first.body


def test_recipient_and_body_are_encrypted_at_rest_and_indexed(outbox):
    message = outbox(recipient="+526561230001", body="Su audiencia es el lunes")
    raw = Message.objects.filter(pk=message.pk).values_list("recipient", "body").get()
    assert "+526561230001" not in raw[0]
    assert "lunes" not in raw[1]
    assert (
        Message.objects.filter(recipient_bidx=services.recipient_index("+526561230001")).count()
        == 1
    )


def test_bad_input_names_the_field(outbox):
    with pytest.raises(FieldErrors) as caught:
        outbox(channel="pigeon", body=" ")
    assert set(caught.value.errors) == {"channel", "body"}  # type: ignore[attr-defined]


def test_outsider_may_not_enqueue_for_another_organization(outbox, personas):
    with pytest.raises(PermissionDenied):
        outbox(actor=personas.outsider)
    assert outbox(actor=personas.caseworker).created_by == personas.caseworker


def test_nothing_is_sent_before_commit(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox()
        message2 = outbox()
    # One dispatch is scheduled for the transaction, however many messages it queued.
    assert len(callbacks) == 1
    assert str(message.pk) not in console._sent
    assert Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED
    callbacks[0]()  # the commit: the immediate task backend runs the dispatch now
    for m in (message, message2):
        sent = Message.objects.get(pk=m.pk)
        assert sent.status == MessageStatus.SENT
        assert sent.provider == "console"
        assert sent.provider_id == console._sent[str(m.pk)]
    assert statuses(message) == ["queued", "sending", "sent"]


def test_rolled_back_enqueue_sends_nothing(outbox, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            outbox(idempotency_key="rolled-back")
            raise Boom
    assert callbacks == []
    assert not Message.objects.filter(idempotency_key="rolled-back").exists()


def test_planned_messages_schedule_no_dispatch(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbox(not_before=timezone.now() + dt.timedelta(hours=3))
    assert callbacks == []


def test_cancel_pending_cancels_planned_and_queued_but_not_sending(outbox):
    planned = outbox(not_before=timezone.now() + dt.timedelta(days=1))
    queued = outbox()
    sending = outbox()
    Message.objects.filter(pk=sending.pk).update(status=MessageStatus.SENDING)
    done = services.cancel_pending(
        actor=None, messages=Message.objects.all(), reason="hearing_moved"
    )
    assert done == 2
    assert Message.objects.get(pk=planned.pk).status == MessageStatus.CANCELLED
    assert Message.objects.get(pk=queued.pk).status == MessageStatus.CANCELLED
    assert Message.objects.get(pk=sending.pk).status == MessageStatus.SENDING
    assert MessageEvent.objects.get(message=queued, status="cancelled").detail == "hearing_moved"
    # Cancelling again changes nothing.
    assert services.cancel_pending(actor=None, messages=[planned, queued], reason="x") == 0


def test_outsider_may_not_cancel(outbox, personas):
    message = outbox()
    with pytest.raises(PermissionDenied):
        services.cancel_pending(actor=personas.outsider, messages=[message], reason="x")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED


def test_cancel_pending_to_uses_the_recipient_index(outbox):
    mine = outbox(recipient="+526561230002")
    mine_later = outbox(recipient="+526561230002", not_before=timezone.now() + dt.timedelta(days=1))
    other = outbox(recipient="+526561230003")
    assert services.cancel_pending_to(actor=None, recipient="+526561230002", reason="opt_out") == 2
    assert Message.objects.get(pk=mine.pk).status == MessageStatus.CANCELLED
    assert Message.objects.get(pk=mine_later.pk).status == MessageStatus.CANCELLED
    assert Message.objects.get(pk=other.pk).status == MessageStatus.QUEUED


def _sent(message: Message, sid: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, provider_id=sid, sent_at=timezone.now()
    )


def test_provider_status_is_monotonic(outbox):
    message = outbox()
    _sent(message, "SM1")
    assert (
        services.apply_provider_status(provider_id="SM1", status="delivered").status == "delivered"
    )
    # A late "sent" does not move it back.
    assert services.apply_provider_status(provider_id="SM1", status="sent").status == "delivered"
    assert services.apply_provider_status(provider_id="SM1", status="read").status == "read"
    assert statuses(message)[-2:] == ["delivered", "read"]
    assert services.apply_provider_status(provider_id="unknown", status="delivered") is None


def test_undelivered_invalid_number_flags_the_contact_point(outbox, personas):
    person = PersonFactory(organization=personas.org)
    point = ContactPointFactory(person=person, value="+526561230004")
    message = outbox(person=person, contact_point=point, recipient="+526561230004")
    _sent(message, "SM2")
    result = services.apply_provider_status(
        provider_id="SM2", status="undelivered", error_code="30005"
    )
    assert result is not None and result.status == MessageStatus.UNDELIVERABLE
    assert result.error_code == "30005"
    point.refresh_from_db()
    assert point.invalid_at is not None and point.invalid_reason == "30005"
