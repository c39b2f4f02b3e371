"""Reads of the outbox for the case-worker pages and the API, scoped to the viewer.

A message is as visible as the person it was sent to: ``messages_of`` and
``get_message`` go through ``Person.objects.visible_to(user)``, so another
organization's message is a 404 like a missing one.

``at_risk`` lists the people with a hearing soon who may not hear about it (see its
docstring); ``compose_manual`` checks and renders a message a case worker sends by hand
(the write itself is ``services.enqueue_message``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.audit.exports import ListExport, export_list
from mppdesk.cases.models import CaseMember
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.pagination import LIST_CAP
from mppdesk.core.sorting import SortColumn, Sorting
from mppdesk.messaging.models import Channel, Message, MessageEvent, MessageStatus, TemplateKind
from mppdesk.people import queries as people_queries
from mppdesk.people.models import ContactPoint, Person
from mppdesk.reminders import catalog
from mppdesk.reminders.models import LANGUAGES
from mppdesk.reminders.planning import CHANNEL_OF_KIND, messaged, usable, written_language
from mppdesk.reminders.segments import non_gsm_characters, segment_info

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.hearings.models import Hearing

AT_RISK_DAYS = 14
#: Statuses that show the message reached the phone.
REACHED = (MessageStatus.DELIVERED, MessageStatus.READ)

# --- history ------------------------------------------------------------------------------


def _with_relations(messages: QuerySet[Message]) -> QuerySet[Message]:
    """The messages with what their rows show: the events, and the hearing with what its
    date and local time need (``catalog.local_zone``).

    The hearing comes in a query of its own, and only when a message has one: joined
    into the messages' query, the seven tables took PostgreSQL 1.9-7 ms to plan for
    0.1-0.8 ms of work, on every person page (docs/benchmarks.md)."""
    from mppdesk.hearings.models import Hearing

    return messages.prefetch_related(
        Prefetch(
            "hearing",
            queryset=Hearing.objects.select_related("docket__venue", "port", "case__port"),
        ),
        Prefetch("events", queryset=MessageEvent.objects.order_by("at", "id")),
    )


#: The orders of a person's messages (``?sort=``): the text and the recipient are
#: ciphertext in the database; the default is newest first.
MESSAGES_SORTING = Sorting(
    [
        SortColumn("created", gettext_lazy("Created"), ("created_at",)),
        SortColumn("status", gettext_lazy("Status"), ("status", "created_at")),
        SortColumn("channel", gettext_lazy("Channel"), ("channel", "created_at")),
    ],
    default="-created",
)


def messages_of(person: Person) -> QuerySet[Message]:
    """Every message to ``person`` (already checked visible), newest first, with events."""
    return _with_relations(Message.objects.filter(person=person)).order_by("-created_at", "-pk")


def messages_for(user: User | None) -> QuerySet[Message]:
    """Messages to the people ``user`` may read."""
    return Message.objects.filter(person__in=Person.objects.visible_to(user).values("pk"))


def get_message(user: User | None, pk: Any) -> Message:
    """One message with its events if its person is visible to ``user``, else ``Http404``."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    message = _with_relations(messages_for(user)).select_related("person").filter(pk=key).first()
    if message is None:
        raise Http404
    return message


#: What each read is filed as, on every channel (web page, API).
HISTORY_VIEW_FIELDS = ["messages"]
MESSAGE_VIEW_FIELDS = ["body", "events", "status"]
AT_RISK_VIEW_FIELDS = ["full_name", "hearing", "contact_points", "messages"]


def get_person_messages_for_view(
    actor: User | None, person_pk: Any, *, within: Callable[[Person], Person] | None = None
) -> tuple[Person, QuerySet[Message]]:
    """A person (``Http404`` if not visible) and their messages, newest first; records the
    read of the person's message history under the person's owning organization, the
    same entry on every channel. ``within`` narrows visibility further before anything is
    recorded (an API token's organization)."""
    person = people_queries.get_person(actor, person_pk)
    if within is not None:
        person = within(person)
    audit.record_view(
        actor=actor, obj=person, object_type=ObjectType.PERSON, fields=HISTORY_VIEW_FIELDS
    )
    return person, messages_of(person)


def get_message_for_view(
    actor: User | None, pk: Any, *, within: Callable[[Message], Message] | None = None
) -> Message:
    """One message with its events (``Http404`` if its person is not visible), for
    display; records the read under the message's owning organization."""
    message = get_message(actor, pk)
    if within is not None:
        message = within(message)
    audit.record_view(
        actor=actor, obj=message, object_type=ObjectType.MESSAGE, fields=MESSAGE_VIEW_FIELDS
    )
    return message


def may_send(user: User | None, organization_id: int) -> bool:
    """Whether ``user`` may send messages to the people of ``organization_id``."""
    return can(user, Action.MESSAGE_SEND, organization_id)


def local_zone_of(message: Message) -> str:
    """The zone a message's times are shown in: where the person is waiting.

    With a hearing, its zone (the port's Mexican side, else the court's). Without one
    (an opt-out confirmation, a manual message), the zone of the port of the person's
    latest open case, else of that case's court; the server's zone only for a person
    without any open case."""
    return local_zones([message])[0]


def local_zones(messages: Sequence[Message]) -> list[str]:
    """``local_zone_of`` for each message; one case lookup per person, not per message."""
    from django.conf import settings

    case_zones: dict[Any, str] = {}
    zones: list[str] = []
    for message in messages:
        if message.hearing_id is not None and message.hearing is not None:
            zones.append(catalog.local_zone(message.hearing))
            continue
        if message.person_id not in case_zones:
            case_zones[message.person_id] = _case_zone(message.person_id) or str(settings.TIME_ZONE)
        zones.append(case_zones[message.person_id])
    return zones


def with_zones(rows: list[Message]) -> list[Message]:
    """Set ``zone`` (``local_zone_of``) on each message for the templates; returns them."""
    for message, zone in zip(rows, local_zones(rows), strict=True):
        message.zone = zone  # type: ignore[attr-defined]
    return rows


def _case_zone(person_id: Any) -> str:
    from django.db.models import F

    from mppdesk.cases.models import Case, CaseStatus

    case = (
        Case.objects.filter(members__person_id=person_id)
        .exclude(status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED])
        .select_related("port", "venue")
        .order_by(F("opened_on").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    if case is None:
        return ""
    if case.port is not None and case.port.timezone:
        return str(case.port.timezone)
    if case.venue is not None and case.venue.timezone:
        return str(case.venue.timezone)
    return ""


# --- at risk ------------------------------------------------------------------------------

REASONS: dict[str, Any] = {
    "not_delivered": gettext_lazy("No message delivered for this hearing"),
    "opted_out": gettext_lazy("Every contact point opted out"),
    "invalid": gettext_lazy("A number or address was rejected by the provider"),
    "no_contact": gettext_lazy("No reachable contact point"),
    "documents_exposed": gettext_lazy("Court documents stolen or photographed"),
}


@dataclass
class AtRisk:
    """One person with one hearing soon, and why they might not hear about it."""

    person: Person
    hearing: Hearing
    reasons: list[str] = field(default_factory=list)
    reachable: int = 0

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


#: The orders of the at-risk list (``?sort=``), sorted in Python (the list is computed):
#: the hearing's time, the number of reasons. Names are never sorted on.
AT_RISK_SORTING = Sorting(
    [
        SortColumn(
            "hearing",
            gettext_lazy("Hearing (court's time)"),
            value=lambda row: row.hearing.scheduled_at,
        ),
        SortColumn(
            "reasons",
            gettext_lazy("Reason"),
            value=lambda row: (len(row.reasons), row.hearing.scheduled_at),
        ),
    ],
    default="hearing",
)


def at_risk(
    user: User | None,
    *,
    days: int = AT_RISK_DAYS,
    reason: str | None = None,
    venue: Any = None,
    organization_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[AtRisk]:
    """People (lead respondents and adults on the case) with a hearing in the next
    ``days`` days who may not hear about it:

    - ``not_delivered``: no message tied to that hearing was delivered or read;
    - ``opted_out``: they have contact points and every one opted out;
    - ``invalid``: a provider rejected one of their numbers or addresses;
    - ``no_contact``: no contact point that may be used (consent, not opted out, valid);
    - ``documents_exposed``: the case's court documents were stolen or photographed
      (``cases.exposure``): someone else may know the A-number and date of birth.

    A constant number of queries whatever the number of rows (no N+1). ``reason`` and
    ``venue`` narrow the list; ``organization_id`` keeps one organization's hearings
    (the API token's).
    """
    from mppdesk.hearings.queries import upcoming_for

    hearings = upcoming_for(user, days=days, now=now).select_related(
        "docket__venue", "case", "port", "case__port", "organization"
    )
    if venue:
        hearings = hearings.filter(docket__venue=venue)
    if organization_id is not None:
        hearings = hearings.filter(organization_id=organization_id)
    hearings = hearings.prefetch_related(
        Prefetch(
            "case__members",
            queryset=CaseMember.objects.select_related("person").order_by("role", "id"),
        )
    )
    rows = list(hearings.order_by("scheduled_at", "id"))
    today = utc_today()
    pairs: list[tuple[Hearing, Person]] = []
    for hearing in rows:
        for member in hearing.case.members.all():
            if messaged(member, today):
                pairs.append((hearing, member.person))
    person_ids = {p.pk for _h, p in pairs}
    points: dict[Any, list[ContactPoint]] = defaultdict(list)
    for point in ContactPoint.objects.filter(person_id__in=person_ids).only(
        "id", "person_id", "kind", "consent", "opted_out", "invalid_at"
    ):
        points[point.person_id].append(point)
    reached = set(
        Message.objects.filter(
            hearing_id__in=[h.pk for h in rows], person_id__in=person_ids, status__in=REACHED
        ).values_list("hearing_id", "person_id")
    )
    found: list[AtRisk] = []
    for hearing, person in pairs:
        mine = [p for p in points[person.pk] if p.kind in CHANNEL_OF_KIND]
        reachable = [p for p in mine if usable(p)]
        reasons: list[str] = []
        if (hearing.pk, person.pk) not in reached:
            reasons.append("not_delivered")
        if mine and all(p.opted_out for p in mine):
            reasons.append("opted_out")
        if any(p.invalid_at is not None for p in mine):
            reasons.append("invalid")
        if not reachable:
            reasons.append("no_contact")
        if hearing.case.document_exposed_at is not None:
            reasons.append("documents_exposed")
        if reasons and (not reason or reason in reasons):
            found.append(AtRisk(person, hearing, reasons, len(reachable)))
    return found


# --- manual send --------------------------------------------------------------------------

#: Kinds a case worker may send by hand (the hearing ones are about the next hearing).
MANUAL_KINDS = (
    TemplateKind.REMINDER,
    TemplateKind.REPORTING_INSTRUCTIONS,
    TemplateKind.HEARING_NOTICE,
    TemplateKind.MANUAL,
)
HEARING_KINDS = frozenset(MANUAL_KINDS) - {TemplateKind.MANUAL}
MAX_TEXT = 1000
# A run of digits with single spaces, dots or dashes between them: an A-number is such a
# run of 8 or 9 digits ("A 087-654-321", "087654321"); a phone number (10+ digits) or a
# date ("09/03/2026") is not. No A-number may go out in a message.
_DIGIT_RUN = re.compile(r"\d(?:[ .-]?\d)*")
A_NUMBER_DIGITS = (8, 9)


def record_at_risk_viewed(actor: User | None, rows: Iterable[AtRisk]) -> None:
    """The people of a page of the at-risk list were shown: one view entry each, under
    each person's owning organization."""
    audit.record_list_view(
        actor=actor,
        objects=[row.person for row in rows],
        object_type=ObjectType.PERSON,
        fields=AT_RISK_VIEW_FIELDS,
    )


def has_a_number(text: str) -> bool:
    return any(
        sum(c.isdigit() for c in run.group()) in A_NUMBER_DIGITS
        for run in _DIGIT_RUN.finditer(text)
    )


def contact_choices(person: Person) -> list[ContactPoint]:
    """The person's contact points a message can go to by kind (usable or not)."""
    return [p for p in person.contact_points.all() if p.kind in CHANNEL_OF_KIND]


def default_language(person: Person) -> str:
    return written_language(person)[0]


def next_hearing(user: User | None, person: Person) -> Hearing | None:
    """The person's next scheduled hearing that ``user`` may read (None without one)."""
    from mppdesk.hearings.models import HearingStatus
    from mppdesk.hearings.queries import hearings_for

    return (
        hearings_for(user)
        .filter(
            case__members__person=person,
            status=HearingStatus.SCHEDULED,
            outcome="",
            scheduled_at__gte=timezone.now(),
        )
        .select_related("docket__venue", "port", "case__port")
        .order_by("scheduled_at", "id")
        .first()
    )


def names_in(person: Person, text: str) -> list[str]:
    """Words of the person's names (3+ letters) found in ``text`` (accents ignored)."""
    from mppdesk.lib.text import name_tokens

    words = set(name_tokens(text))
    found: list[str] = []
    for token in name_tokens(str(person.given_names), str(person.family_names)):
        if len(token) >= 3 and token in words and token not in found:  # noqa: PLR2004
            found.append(token)
    return found


@dataclass
class Composed:
    """A checked, rendered manual message, ready for ``services.enqueue_message``."""

    person: Person
    contact_point: ContactPoint
    channel: str
    kind: str
    language: str
    body: str
    hearing: Hearing | None
    name_warning: bool = False

    @property
    def segments(self) -> Any:
        return segment_info(self.body)

    @property
    def non_gsm(self) -> list[str]:
        return non_gsm_characters(self.body)

    def enqueue_kwargs(self, idempotency_key: str) -> dict[str, Any]:
        return {
            "organization": self.person.organization,
            "channel": self.channel,
            "recipient": str(self.contact_point.value),
            "template": self.kind,
            "language": self.language,
            "body": self.body,
            "idempotency_key": idempotency_key,
            "person": self.person,
            "hearing": self.hearing,
            "contact_point": self.contact_point,
        }


def compose_manual(
    user: User | None,
    person: Person,
    *,
    contact_point: Any,
    kind: str,
    language: str,
    text: str = "",
    confirm_name: bool = False,
    for_preview: bool = False,
) -> Composed:
    """Check and render a message to ``person`` (already visible to ``user``).

    ``FieldErrors`` naming ``contact_point`` (unknown, no consent, opted out, invalid),
    ``template``, ``language`` or ``text`` (empty, too long, holds an A-number; holds the
    person's name and ``confirm_name`` is not set). ``for_preview`` skips the name check
    (the preview shows it as a warning instead).
    """
    errors: dict[str, list[str]] = {}
    point = None
    try:
        key = int(str(contact_point))
    except ValueError:
        key = None
    for candidate in contact_choices(person):
        if candidate.pk == key:
            point = candidate
    if point is None:
        errors["contact_point"] = [_("Choose one of this person's contact points.")]
    elif point.opted_out:
        errors["contact_point"] = [_("This contact point opted out: no message may go to it.")]
    elif point.invalid_at is not None:
        errors["contact_point"] = [
            _("The provider rejected this number or address; correct it first.")
        ]
    elif not point.consent:
        errors["contact_point"] = [_("No consent to be contacted on this contact point.")]
    if kind not in MANUAL_KINDS:
        errors["template"] = [_("Choose a kind of message.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}]
    hearing = None
    name_warning = False
    text = (text or "").replace("\r\n", "\n").strip()
    if kind in HEARING_KINDS:
        hearing = next_hearing(user, person)
        if hearing is None:
            errors["template"] = [_("This person has no upcoming hearing to write about.")]
    elif kind == TemplateKind.MANUAL:
        if not text:
            errors["text"] = [_("Write the message.")]
        elif len(text) > MAX_TEXT:
            errors["text"] = [_("At most %(count)s characters.") % {"count": MAX_TEXT}]
        elif has_a_number(text):
            errors["text"] = [_("Remove the A-number: an A-number never goes in a message.")]
        elif names_in(person, text):
            name_warning = True
            if not confirm_name and not for_preview:
                errors["text"] = [
                    _(
                        "The text holds the person's name. Messages should carry as little "
                        "personal data as possible; confirm to send it anyway."
                    )
                ]
    if errors:
        raise FieldErrors(errors)
    assert point is not None  # noqa: S101 - checked above
    channel = str(CHANNEL_OF_KIND[point.kind])
    if kind == TemplateKind.MANUAL:
        body = catalog.render(kind, channel, language, {"text": text})
    else:
        assert hearing is not None  # noqa: S101 - checked above
        body = catalog.render(kind, channel, language, catalog.hearing_context(hearing, language))
    return Composed(person, point, channel, kind, language, body, hearing, name_warning)


def manual_key(user: User | None, token: Any) -> str:
    """The idempotency key of one manual submission (``FieldErrors`` if not a UUID)."""
    try:
        value = uuid.UUID(str(token))
    except ValueError as exc:
        raise FieldErrors({"idempotency_key": [_("Reload the page and try again.")]}) from exc
    return f"manual:{getattr(user, 'pk', '')}:{value}"


__all__ = [
    "AT_RISK_DAYS",
    "MANUAL_KINDS",
    "REASONS",
    "AtRisk",
    "Channel",
    "Composed",
    "at_risk",
    "compose_manual",
    "get_message",
    "local_zone_of",
    "local_zones",
    "manual_key",
    "messages_of",
    "usable",
    "with_zones",
]


#: What an export of a person's messages holds of each (its audit entries name these).
MESSAGE_EXPORT_FIELDS = ["template", "channel", "recipient", "language", "status"]


def export_person_messages(actor: User | None, person_pk: Any, sort_param: Any) -> ListExport:
    """A person's messages (``Http404`` if the person is not visible) as CSV, in the
    order ``sort_param`` asks (``MESSAGES_SORTING``), times in the zone where the person
    waits, recipients masked; each message recorded as exported. Only a person of an
    organization where ``actor`` may export gives rows."""
    from zoneinfo import ZoneInfo

    from mppdesk.reminders.templatetags.reminders import masked

    person = people_queries.get_person(actor, person_pk)
    sort = MESSAGES_SORTING.parse(sort_param)
    rows = list(MESSAGES_SORTING.apply(messages_of(person), sort)[: LIST_CAP + 1])
    zones = dict(zip((m.pk for m in rows), local_zones(rows), strict=True))

    def cells(message: Message) -> list[Any]:
        zone = zones.get(message.pk)
        created = message.created_at.astimezone(ZoneInfo(zone)) if zone else message.created_at
        return [
            message.pk, created.isoformat(), message.get_template_display(),
            message.get_channel_display(), masked(message.recipient), message.language,
            message.get_status_display(),
        ]  # fmt: skip

    return export_list(
        actor=actor,
        rows=rows,
        filename="messages.csv",
        header=[
            "id",
            gettext_lazy("Created"),
            gettext_lazy("Message"),
            gettext_lazy("Channel"),
            gettext_lazy("To"),
            gettext_lazy("Language"),
            gettext_lazy("Status"),
        ],  # fmt: skip
        cells=cells,
        object_type=ObjectType.MESSAGE,
        fields=MESSAGE_EXPORT_FIELDS,
    )


def export_at_risk(actor: User | None, rows: list[AtRisk]) -> ListExport:
    """The at-risk list (``rows``: filtered and sorted like the page) as CSV; each person
    written is recorded as exported under their owning organization."""
    from zoneinfo import ZoneInfo

    def cells(row: AtRisk) -> list[Any]:
        venue = row.hearing.docket.venue
        return [
            row.person.pk, row.person.full_name,
            row.hearing.scheduled_at.astimezone(ZoneInfo(venue.timezone)).isoformat(),
            venue.name, "; ".join(row.reason_labels),
        ]  # fmt: skip

    return export_list(
        actor=actor,
        rows=rows,
        filename="people-at-risk.csv",
        header=[
            "id",
            gettext_lazy("Person"),
            gettext_lazy("Hearing (court's time)"),
            gettext_lazy("Court"),
            gettext_lazy("Reason"),
        ],  # fmt: skip
        cells=cells,
        object_type=ObjectType.PERSON,
        fields=AT_RISK_VIEW_FIELDS,
        organization_id_of=lambda row: row.person.organization_id,
        object_id=lambda row: row.person.pk,
    )
