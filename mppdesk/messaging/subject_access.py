"""Subject-access section of messaging (``core.registry``; assembled by
``privacy.subject_access``): every message sent or planned to the person, with its status
timeline, and the texts received from numbers that only they hold. Texts from a number
shared with someone else (a family's phone) are that person's too and are left out, as
the eraser leaves them in place.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.core.registry import register_subject_section
from mppdesk.messaging.models import Channel, InboundMessage, Message, MessageStatus
from mppdesk.people.erasure import unshared_contacts
from mppdesk.people.models import Person
from mppdesk.people.subject_access import choice_label, iso


def describe(data: dict[str, Any]) -> tuple[str, list[str]]:
    lines = [
        f"{m['created_at']} — {choice_label(Channel, m['channel'])} → {m['recipient']} — "
        f"{choice_label(MessageStatus, m['status'])}: {m['body']}"
        for m in data["sent"]
    ]
    lines += [
        f"{m['received_at']} — {choice_label(Channel, m['channel'])} ← {m['from']}: {m['body']}"
        for m in data["received"]
    ]
    return _("Messages"), lines


@register_subject_section(
    "messages",
    order=85,
    models=("messaging.Message", "messaging.InboundMessage"),
    describe=describe,
)
def messages_section(person: Person) -> dict[str, Any]:
    sent = (
        Message.objects.filter(person_id=person.pk)
        .prefetch_related("events")
        .order_by("created_at", "id")
    )
    numbers = {digest for _c, digests in unshared_contacts(person) for digest in digests}
    received = InboundMessage.objects.filter(sender_bidx__in=numbers).order_by("created_at", "id")
    return {
        "sent": [
            {
                "created_at": iso(m.created_at),
                "channel": m.channel,
                "recipient": m.recipient,
                "template": m.template,
                "language": m.language,
                "body": m.body,
                "status": m.status,
                "sent_at": iso(m.sent_at),
                "timeline": [{"status": e.status, "at": iso(e.at)} for e in m.events.all()],
            }
            for m in sent
        ],
        "received": [
            {
                "received_at": iso(m.created_at),
                "channel": m.channel,
                "from": m.sender,
                "body": m.body,
                "reply": m.reply,
            }
            for m in received
        ],
    }
