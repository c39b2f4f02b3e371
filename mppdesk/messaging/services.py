"""All writes to the outbox: enqueueing, cancelling, delivery receipts, invalid contacts.

A message is a row before it is a request (STYLE.md habit 4): ``enqueue_message`` only
writes the row (``PLANNED`` for a later time, else ``QUEUED``) and, once the enclosing
transaction commits, schedules a dispatch pass (``tasks.dispatch_outbox``). Nothing is
sent from inside a transaction, so a rolled-back enqueue sends nothing. The dispatcher
(``dispatch.py``) moves messages on from there.

Every status change writes a ``MessageEvent`` (the message's timeline). Enqueueing and
cancelling write audit entries; the dispatcher's high-volume transitions are recorded
as events only (the system is the actor, the events are the record).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.messaging.models import (
    PENDING_STATUSES,
    Channel,
    Message,
    MessageEvent,
    MessageStatus,
    TemplateKind,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.hearings.models import Hearing
    from mppdesk.people.models import ContactPoint, Person

logger = logging.getLogger(__name__)

MESSAGE_FIELDS = [
    "person", "hearing", "contact_point", "channel", "recipient", "template", "language",
    "body", "rule", "status", "not_before", "idempotency_key",
]  # fmt: skip
MAX_BODY = 1600  # Twilio's limit for one SMS body (concatenated segments)
MAX_KEY = 200

#: Order of the statuses a delivery receipt can move a message through. A receipt never
#: moves a message backwards (``delivered`` then a late ``sent`` stays ``delivered``).
_RANK = {
    MessageStatus.PLANNED: 0,
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.UNDELIVERABLE: 2,
    MessageStatus.FAILED: 2,
    MessageStatus.READ: 3,
    MessageStatus.CANCELLED: 4,
}

#: Twilio's message and call statuses (``MessageStatus`` / ``CallStatus`` of a status
#: callback) as ours; statuses not listed (accepted, queued, sending, ringing, ...) say
#: nothing the outbox does not know already.
PROVIDER_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.UNDELIVERABLE,
    "failed": MessageStatus.UNDELIVERABLE,
    # voice calls
    "in-progress": MessageStatus.SENT,
    "completed": MessageStatus.DELIVERED,
    "busy": MessageStatus.UNDELIVERABLE,
    "no-answer": MessageStatus.UNDELIVERABLE,
    "canceled": MessageStatus.UNDELIVERABLE,
}

#: Provider error codes that say the number itself is unusable (flag the contact point).
INVALID_CONTACT_CODES = frozenset(
    {
        "21211",  # invalid 'To' number
        "21214",  # 'To' number cannot be reached
        "21610",  # recipient unsubscribed (replied STOP to the carrier)
        "21612",  # cannot route to this number
        "21614",  # not a mobile number
        "30005",  # unknown destination handset
        "30006",  # landline or unreachable carrier
        "63003",  # WhatsApp: not a WhatsApp user
        "invalid_address",  # e-mail refused by the server
    }
)


def recipient_index(recipient: str) -> str:
    """The blind index of a recipient (same purpose as ``ContactPoint.value_bidx``)."""
    field = Message._meta.get_field("recipient_bidx")
    return str(field.digest(recipient.strip()))


def _event(message: Message, status: str, at: dt.datetime, detail: str = "") -> MessageEvent:
    return MessageEvent(
        message=message, status=status, at=at, attempt=message.attempts, detail=detail[:200]
    )


def _schedule_dispatch() -> None:
    """After commit: one dispatch task per transaction however many messages it queued."""
    registered = getattr(connection, "run_on_commit", [])
    if connection.in_atomic_block and any(item[1] is _enqueue_task for item in registered):
        return
    transaction.on_commit(_enqueue_task)


def _enqueue_task() -> None:
    from mppdesk.messaging.tasks import dispatch_outbox

    try:
        dispatch_outbox.enqueue()
    except Exception:  # noqa: BLE001 - a dispatcher process will pick the message up
        logger.exception("could not enqueue the outbox dispatch task")


def _validate(
    *,
    channel: str,
    recipient: str,
    template: str,
    language: str,
    body: str,
    idempotency_key: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not recipient.strip():
        errors["recipient"] = [_("A recipient is required.")]
    if template not in TemplateKind.values:
        errors["template"] = [_("Unknown template.")]
    if not language or len(language) > 3:
        errors["language"] = [_("Unknown language.")]
    if not body.strip():
        errors["body"] = [_("The message is empty.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("The message is too long.")]
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        errors["idempotency_key"] = [_("An idempotency key of at most 200 characters is needed.")]
    if errors:
        raise FieldErrors(errors)


@dataclass(frozen=True)
class MessageSpec:
    """One message to put in the outbox (``enqueue_messages``)."""

    organization: Organization
    channel: str
    recipient: str
    template: str
    language: str
    body: str
    idempotency_key: str
    person: Person | None = None
    hearing: Hearing | None = None
    contact_point: ContactPoint | None = None
    not_before: dt.datetime | None = None
    rule: str = ""


def enqueue_message(*, actor: User | None, **values: Any) -> Message:
    """Put one message in the outbox; it is sent after the transaction commits.

    Keyword arguments are the fields of ``MessageSpec``. ``PLANNED`` when ``not_before``
    is in the future, else ``QUEUED``. Idempotent on ``idempotency_key``: a second call
    with the same key returns the existing message unchanged (whatever its status).
    ``actor`` ``None`` is the system (reminder rules, self-service answers); a person
    must have ``message.send`` in the organization.
    """
    return enqueue_messages(actor=actor, specs=[MessageSpec(**values)])[0]


def enqueue_messages(*, actor: User | None, specs: Sequence[MessageSpec]) -> list[Message]:
    """Put several messages in the outbox at once (the outcome of ``enqueue_message``
    for each, in order): one query for the keys already there, one INSERT for the
    messages, one for their events, the audit entries in bulk.

    All or nothing: ``FieldErrors`` (naming the field, and the message's position when
    there are several) or ``PermissionDenied`` before anything is written.
    """
    if not specs:
        return []
    for org_id in {spec.organization.pk for spec in specs}:
        if actor is not None and not can(actor, Action.MESSAGE_SEND, org_id):
            raise PermissionDenied
    for index, spec in enumerate(specs):
        try:
            _validate(
                channel=spec.channel,
                recipient=spec.recipient,
                template=spec.template,
                language=spec.language,
                body=spec.body,
                idempotency_key=spec.idempotency_key,
            )
        except FieldErrors as exc:
            if len(specs) == 1:
                raise
            raise FieldErrors(
                {f"messages[{index}].{name}": errors for name, errors in exc.errors.items()}
            ) from exc
    try:
        with transaction.atomic():
            return _insert_new(actor, specs)
    except IntegrityError:
        # Another transaction planned one of these first: take them one at a time.
        if len(specs) > 1:
            return [enqueue_messages(actor=actor, specs=[spec])[0] for spec in specs]
        found = Message.objects.filter(idempotency_key=specs[0].idempotency_key).first()
        if found is None:
            raise
        return [found]


def _insert_new(actor: User | None, specs: Sequence[MessageSpec]) -> list[Message]:
    keys = [spec.idempotency_key for spec in specs]
    existing = {m.idempotency_key: m for m in Message.objects.filter(idempotency_key__in=keys)}
    now = timezone.now()
    created_by = actor if actor is not None and actor.is_authenticated else None
    result: list[Message] = []
    new: dict[str, Message] = {}
    for spec in specs:
        key = spec.idempotency_key
        message = existing.get(key) or new.get(key)
        if message is None:
            planned = spec.not_before is not None and spec.not_before > now
            message = new[key] = Message(
                organization=spec.organization,
                person=spec.person,
                hearing=spec.hearing,
                contact_point=spec.contact_point,
                channel=spec.channel,
                recipient=spec.recipient.strip(),  # recipient_bidx follows on save
                template=spec.template,
                language=spec.language,
                body=spec.body,
                rule=spec.rule,
                status=MessageStatus.PLANNED if planned else MessageStatus.QUEUED,
                not_before=spec.not_before,
                idempotency_key=key,
                status_at=now,
                created_by=created_by,
            )
        result.append(message)
    if not new:
        return result
    created = list(new.values())
    Message.objects.bulk_create(created)
    MessageEvent.objects.bulk_create([_event(m, m.status, now) for m in created])
    _audit_by_org(actor, created, action=AuditAction.CREATE, fields=MESSAGE_FIELDS)
    if any(m.status == MessageStatus.QUEUED for m in created):
        _schedule_dispatch()
    return result


def _audit_by_org(
    actor: User | None, messages: Sequence[Message], *, action: str, fields: Sequence[str]
) -> None:
    """One audit entry per message, written in bulk per organization."""
    by_org: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_org[message.organization_id].append(message)
    for group in by_org.values():
        audit.record_many(
            actor=actor,
            organization=group[0].organization,
            action=action,
            object_type=ObjectType.MESSAGE,
            object_ids=[m.pk for m in group],
            fields=fields,
        )


def _pending_ids(messages: QuerySet[Message] | Iterable[Message]) -> list[Any]:
    if isinstance(messages, QuerySet):
        return list(messages.values_list("pk", flat=True))
    return [m.pk for m in messages]


def cancel_pending(
    *,
    actor: User | None,
    messages: QuerySet[Message] | Iterable[Message],
    reason: str,
) -> int:
    """Cancel the ``PLANNED``/``QUEUED`` ones among ``messages``; returns how many.

    A ``SENDING`` message is left alone: a worker holds it and may have handed it to the
    provider already. ``reason`` is a short code (``hearing_moved``, ``opt_out``), stored
    in the event; it must hold no personal data.
    """
    ids = _pending_ids(messages)
    if not ids:
        return 0
    now = timezone.now()
    cancellable = (MessageStatus.PLANNED, MessageStatus.QUEUED)
    with transaction.atomic():
        rows = list(
            Message.objects.filter(pk__in=ids, status__in=cancellable).select_related(
                "organization"
            )
        )
        if actor is not None:
            for row in rows:
                if not can(actor, Action.MESSAGE_SEND, row.organization_id):
                    raise PermissionDenied
        done = Message.objects.filter(pk__in=[r.pk for r in rows], status__in=cancellable).update(
            status=MessageStatus.CANCELLED, status_at=now, claimed_by="", lease_until=None
        )
        MessageEvent.objects.bulk_create(
            [_event(r, MessageStatus.CANCELLED, now, reason) for r in rows]
        )
        _audit_by_org(actor, rows, action=AuditAction.UPDATE, fields=["status"])
    return done


def cancel_pending_to(*, actor: User | None, recipient: str, reason: str) -> int:
    """Cancel every pending message to this number or address (an opt-out)."""
    return cancel_pending(
        actor=actor,
        messages=Message.objects.filter(
            recipient_bidx=recipient_index(recipient),
            status__in=(MessageStatus.PLANNED, MessageStatus.QUEUED),
        ),
        reason=reason,
    )


def flag_contact_invalid(*, message: Message, code: str) -> int:
    """Mark the contact point a message went to as unreachable (provider ``code``).

    The message's own contact point, else the person's contact points with the same
    number or address. Returns how many were flagged.
    """
    from mppdesk.people.models import ContactPoint

    now = timezone.now()
    if message.contact_point_id is not None:
        points = ContactPoint.objects.filter(pk=message.contact_point_id)
    elif message.person_id is not None:
        points = ContactPoint.objects.filter(
            person_id=message.person_id, value_bidx=message.recipient_bidx
        )
    else:
        return 0
    with transaction.atomic():
        ids = list(points.filter(invalid_at__isnull=True).values_list("pk", flat=True))
        count = ContactPoint.objects.filter(pk__in=ids).update(
            invalid_at=now, invalid_reason=code[:32]
        )
        for pk in ids:
            audit.record(
                actor=None,
                organization=message.organization,
                action=AuditAction.UPDATE,
                object_type=ObjectType.CONTACT_POINT,
                object_id=pk,
                fields=["invalid_at", "invalid_reason"],
            )
    return count


def apply_provider_status(*, provider_id: str, status: str, error_code: str = "") -> Message | None:
    """Apply a delivery receipt; ``None`` when no message has this provider id.

    Monotonic: a receipt only moves a message forward (``delivered`` never goes back to
    ``sent``; a cancelled or failed message stays so). Every receipt that changes the
    status writes an event; an undeliverable one with an invalid-number code flags the
    contact point.
    """
    new = PROVIDER_STATUSES.get(status.strip().lower())
    if not provider_id or new is None:
        return Message.objects.filter(provider_id=provider_id).first() if provider_id else None
    code = "".join(ch for ch in error_code if ch.isalnum())[:32]
    with transaction.atomic():
        query = Message.objects.filter(provider_id=provider_id)
        if connection.features.has_select_for_update:
            query = query.select_for_update()
        message = query.first()
        if message is None:
            return None
        if _RANK[MessageStatus(message.status)] >= _RANK[new] or message.status in (
            MessageStatus.FAILED,
            MessageStatus.CANCELLED,
        ):
            return message
        now = timezone.now()
        message.status = new
        message.status_at = now
        fields = ["status", "status_at"]
        if code:
            message.error_code = code
            fields.append("error_code")
        message.save(update_fields=fields)
        _event(message, new, now, code).save()
        if new == MessageStatus.UNDELIVERABLE and code in INVALID_CONTACT_CODES:
            flag_contact_invalid(message=message, code=code)
    return message


__all__ = [
    "PENDING_STATUSES",
    "apply_provider_status",
    "cancel_pending",
    "cancel_pending_to",
    "enqueue_message",
    "flag_contact_invalid",
    "recipient_index",
]
