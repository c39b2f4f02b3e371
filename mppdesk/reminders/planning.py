"""Planning the messages that follow a hearing: notice, reminders, changes, cancellation.

Called by the receivers of ``hearings.signals`` inside the hearing service's
transaction, so the messages commit or roll back with the hearing change; the outbox
(``messaging.services.enqueue_message``) sends only after commit. The system plans them
(``actor=None``): a program-wide scheduler who moves another organization's hearing
may not send that organization's messages by hand, but the reminders follow the hearing.

**Who gets messages.** The case's lead respondent, and each *adult* family member on the
case (18 or older today; unknown age counts as a child) through their own contact
points: family members often split up between shelters, and each adult must appear.
Children are never messaged. A number or address is messaged once per channel even when
several people on the case share it (the lead's language wins). A contact point is used
only with consent, not opted out and not marked invalid by a provider.

**Channel.** From the contact point's kind: phone -> SMS, WhatsApp -> WhatsApp, e-mail ->
e-mail. Both an SMS and a WhatsApp message go out when someone gave both: they reach
people differently (credit versus Wi-Fi in a shelter).

**Language.** The person's preferred language: spa -> es, eng -> en, por -> pt, hat -> ht,
fra -> fr. Any other language (K'iche', Mam, Q'eqchi'... or none we write) gets the
Spanish text, *plus a voice call* (Spanish, spoken) on each phone number: people who
speak an indigenous language often read little Spanish but understand it spoken. The
same voice call goes to anyone who needs an interpreter for a language we have no text
for, whatever their preferred language.

Idempotency keys (one message per intended message, however often planning runs):
``reminder:{hearing}:{rule}:{contact point}:{channel}``, ``changed:{new hearing}:...``
and ``cancelled:{hearing}:...`` (without the rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from mppdesk.cases.models import CaseMember
from mppdesk.core.clocks import utc_today
from mppdesk.hearings.models import NOTICE_LANGUAGE_OF
from mppdesk.messaging.models import Channel, Message, TemplateKind
from mppdesk.reminders import catalog
from mppdesk.reminders.policy import Policy, get_policy, place, rule_moment

if TYPE_CHECKING:
    from mppdesk.hearings.models import Hearing
    from mppdesk.messaging.services import MessageSpec
    from mppdesk.people.models import ContactPoint, Person

ADULT_AGE = 18
CHANNEL_OF_KIND = {"phone": Channel.SMS, "whatsapp": Channel.WHATSAPP, "email": Channel.EMAIL}


@dataclass(frozen=True)
class Recipient:
    """One contact point to message, over one channel, in one language."""

    person: Person
    contact_point: ContactPoint
    channel: str
    language: str  # es, en, pt, ht, fr

    @property
    def value(self) -> str:
        return str(self.contact_point.value)


def written_language(person: Person) -> tuple[str, bool]:
    """``(language of the texts, also call by voice?)`` for ``person`` (module doc)."""
    languages = sorted(person.languages.all(), key=lambda lg: (not lg.preferred, lg.code))
    if not languages:
        return catalog.DEFAULT_LANGUAGE, False
    preferred = languages[0].code
    language = NOTICE_LANGUAGE_OF.get(preferred, catalog.DEFAULT_LANGUAGE)
    voice = preferred not in NOTICE_LANGUAGE_OF or any(
        lg.needs_interpreter and lg.code not in NOTICE_LANGUAGE_OF for lg in languages
    )
    return language, voice


def usable(point: ContactPoint) -> bool:
    """May a message go to ``point``: consent, not opted out, not rejected by a provider."""
    return bool(point.reachable and point.invalid_at is None)


def messaged(member: CaseMember, today: dt.date) -> bool:
    """Does this case member get messages: the lead, or an adult (unknown age: a child)."""
    if member.role == CaseMember.Role.LEAD:
        return True
    age = member.person.age_on(today)
    return age is not None and age >= ADULT_AGE


def recipients(hearing: Hearing, *, today: dt.date | None = None) -> list[Recipient]:
    """Who hears about ``hearing`` and how (see the module docstring)."""
    today = today or utc_today()
    members = (
        CaseMember.objects.filter(case_id=hearing.case_id)
        .select_related("person")
        .prefetch_related("person__languages", "person__contact_points")
        .order_by("role", "id")  # the lead first
    )
    found: list[Recipient] = []
    seen: set[tuple[str, str]] = set()
    for member in members:
        if not messaged(member, today):
            continue
        person = member.person
        language, voice = written_language(person)
        for point in sorted(person.contact_points.all(), key=lambda p: (p.kind, p.pk)):
            if not usable(point) or point.kind not in CHANNEL_OF_KIND:
                continue
            channels = [CHANNEL_OF_KIND[point.kind]]
            if voice and point.kind == "phone":
                channels.append(Channel.VOICE)
            for channel in channels:
                key = (str(channel), str(point.value_bidx))
                if key in seen:
                    continue
                seen.add(key)
                found.append(Recipient(person, point, str(channel), language))
    return found


def _spec(
    hearing: Hearing,
    recipient: Recipient,
    *,
    kind: str,
    key: str,
    when: dt.datetime,
    rule: str,
    context: dict[str, str],
) -> MessageSpec:
    from mppdesk.messaging.services import MessageSpec

    return MessageSpec(
        organization=hearing.organization,
        channel=recipient.channel,
        recipient=recipient.value,
        template=kind,
        language=recipient.language,
        body=catalog.render(kind, recipient.channel, recipient.language, context),
        idempotency_key=key,
        person=recipient.person,
        hearing=hearing,
        contact_point=recipient.contact_point,
        not_before=when,
        rule=rule,
    )


def _enqueue(specs: list[MessageSpec]) -> list[Message]:
    """One hearing's messages go into the outbox together (the system plans them)."""
    from mppdesk.messaging.services import enqueue_messages

    return enqueue_messages(actor=None, specs=specs)


def _suffix(recipient: Recipient) -> str:
    return f"{recipient.contact_point.pk}:{recipient.channel}"


def plan_hearing(
    hearing: Hearing,
    *,
    notice: bool = True,
    now: dt.datetime | None = None,
    policy: Policy | None = None,
) -> list[Message]:
    """Plan the notice (unless ``notice`` is False) and the reminders of ``hearing``.

    Nothing for a hearing whose reporting time has passed (a record entered late).
    Returns the messages planned (or found already planned).
    """
    now = now or timezone.now()
    deadline = catalog.report_moment(hearing)
    if deadline <= now:
        return []
    policy = policy or get_policy(hearing.case.program_version)
    zone = catalog.local_zone(hearing)
    moments: list[tuple[str, str, dt.datetime]] = []
    for rule in policy.rules:
        if rule.at_notice and not notice:
            continue
        meant = now if rule.at_notice else rule_moment(rule, report_at=deadline, zone=zone)
        when = place(
            meant,
            zone=zone,
            quiet_start=policy.quiet_start,
            quiet_end=policy.quiet_end,
            now=now,
            deadline=deadline,
            immediate=rule.at_notice,
        )
        if when is not None:
            moments.append((rule.code, rule.template, when))
    if not moments:
        return []
    specs: list[MessageSpec] = []
    contexts: dict[str, dict[str, str]] = {}
    for recipient in recipients(hearing):
        context = contexts.setdefault(
            recipient.language, catalog.hearing_context(hearing, recipient.language)
        )
        for code, kind, when in moments:
            key = f"reminder:{hearing.pk}:{code}:{_suffix(recipient)}"
            specs.append(
                _spec(hearing, recipient, kind=kind, key=key, when=when, rule=code, context=context)
            )
    return _enqueue(specs)


def _pending(hearing: Hearing) -> QuerySet[Message]:
    from mppdesk.messaging.models import MessageStatus

    return Message.objects.filter(
        hearing=hearing, status__in=(MessageStatus.PLANNED, MessageStatus.QUEUED)
    )


def _announce(
    hearing: Hearing,
    *,
    kind: str,
    prefix: str,
    deadline: dt.datetime,
    previous: Hearing | None = None,
    now: dt.datetime | None = None,
) -> list[Message]:
    """One message of ``kind`` to every recipient, now (quiet hours permitting)."""
    now = now or timezone.now()
    policy = get_policy(hearing.case.program_version)
    when = place(
        now,
        zone=catalog.local_zone(hearing),
        quiet_start=policy.quiet_start,
        quiet_end=policy.quiet_end,
        now=now,
        deadline=deadline,
        immediate=True,
    )
    if when is None:
        return []
    specs: list[MessageSpec] = []
    contexts: dict[str, dict[str, str]] = {}
    for recipient in recipients(hearing):
        context = contexts.setdefault(
            recipient.language,
            catalog.hearing_context(hearing, recipient.language, previous=previous),
        )
        key = f"{prefix}:{hearing.pk}:{_suffix(recipient)}"
        specs.append(
            _spec(hearing, recipient, kind=kind, key=key, when=when, rule=prefix, context=context)
        )
    return _enqueue(specs)


def hearing_replaced(old: Hearing, new: Hearing) -> list[Message]:
    """``old`` was rescheduled or continued to ``new``: cancel what was pending for
    ``old``, tell everyone of the change now, and plan ``new``'s reminders."""
    from mppdesk.messaging.services import cancel_pending

    cancel_pending(actor=None, messages=_pending(old), reason="hearing_moved")
    changed = _announce(
        new,
        kind=TemplateKind.HEARING_CHANGED,
        prefix="changed",
        deadline=catalog.report_moment(new),
        previous=old,
    )
    return changed + plan_hearing(new, notice=False)


def hearing_cancelled(hearing: Hearing) -> list[Message]:
    """Cancel what was pending for ``hearing`` and tell everyone it is cancelled (while
    the hearing is still ahead)."""
    from mppdesk.messaging.services import cancel_pending

    cancel_pending(actor=None, messages=_pending(hearing), reason="hearing_cancelled")
    return _announce(
        hearing,
        kind=TemplateKind.HEARING_CANCELLED,
        prefix="cancelled",
        deadline=hearing.scheduled_at,
    )


# --- reads for the UI ---------------------------------------------------------------------


def _by_send_time(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.annotate(send_at=Coalesce(F("not_before"), F("created_at"))).order_by(
        "send_at", "created_at", "pk"
    )


def planned_for(hearing: Hearing) -> list[Message]:
    """Every message tied to ``hearing`` (any status), in the order they go out.

    The caller has checked that the user may read the hearing (``hearings.queries``).
    """
    return list(
        _by_send_time(Message.objects.filter(hearing=hearing)).select_related("contact_point")
    )


def chain_messages(hearing: Hearing) -> list[Message]:
    """Every message tied to any hearing of ``hearing``'s chain (reschedules and
    continuances), in the order they go out. Access is the caller's to check."""
    from mppdesk.hearings.queries import chain_of

    ids = [h.pk for h in chain_of(hearing)]
    return list(_by_send_time(Message.objects.filter(hearing_id__in=ids)))


__all__ = [
    "Recipient",
    "chain_messages",
    "hearing_cancelled",
    "hearing_replaced",
    "messaged",
    "plan_hearing",
    "planned_for",
    "recipients",
    "usable",
    "written_language",
]
