"""Erasure: the person's outbox messages and the texts received from their numbers
(``core.registry``).

- Messages to the person are kept as de-identified rows (channel, template, status
  timeline, hearing), so that a worker sending one right now finishes cleanly and
  delivery counts still add up; their recipient and body are blanked and the links to
  the person and the contact point cut. Planned and queued ones are cancelled first.
- Messages about someone else sent to one of the person's numbers lose the recipient.
- Texts received from the person's numbers (``InboundMessage``) are deleted.

A number that another person still has as a contact point (a family's shared phone)
is that person's too: messages and texts of that number stay as they are.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.messaging.models import InboundMessage, Message, MessageEvent, MessageStatus
from mppdesk.people.erasure import unshared_contacts

CANCEL_REASON = "erased"


def own_number_indexes(context: ErasureContext) -> set[str]:
    """Blind indexes of the person's numbers and addresses that nobody else holds."""
    return {digest for _c, digests in unshared_contacts(context.person) for digest in digests}


@register_eraser("messaging", models=("messaging.Message", "messaging.InboundMessage"), order=200)
def erase_messages(context: ErasureContext) -> None:
    """Blank the person's messages (cancelling pending ones) and delete texts from their
    numbers."""
    person = context.person
    numbers = own_number_indexes(context)
    now = timezone.now()
    rows = list(
        Message.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(Q(person_id=person.pk) | Q(recipient_bidx__in=numbers))
    )
    events = []
    changed: dict[int, list[Message]] = {}
    for message in rows:
        fields = ["recipient", "recipient_bidx"]
        message.recipient = ""
        if message.person_id == person.pk:
            message.body = ""
            message.person = None
            message.contact_point = None
            fields += ["body", "person", "contact_point"]
            if message.status in (MessageStatus.PLANNED, MessageStatus.QUEUED):
                message.status = MessageStatus.CANCELLED
                message.status_at = now
                fields += ["status", "status_at"]
                events.append(
                    MessageEvent(
                        message=message,
                        status=MessageStatus.CANCELLED,
                        at=now,
                        attempt=message.attempts,
                        detail=CANCEL_REASON,
                    )
                )
        message.save(update_fields=[*fields, "updated_at"])
        changed.setdefault(message.organization_id, []).append(message)
    MessageEvent.objects.bulk_create(events)
    for messages in changed.values():
        audit.record_many(
            actor=context.actor,
            organization=messages[0].organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.MESSAGE,
            object_ids=[m.pk for m in messages],
            fields=["recipient", "body", "person"],
        )
    inbound = list(
        InboundMessage.objects.filter(sender_bidx__in=numbers).values_list("pk", flat=True)
    )
    if inbound:
        InboundMessage.objects.filter(pk__in=inbound).delete()
        audit.record_many(
            actor=context.actor,
            organization=person.organization,
            action=AuditAction.DELETE,
            object_type=ObjectType.INBOUND_MESSAGE,
            object_ids=inbound,
            fields=["sender", "body"],
        )
