"""The evidence behind an in absentia order: what notice the person really got.

After a removal order in absentia, a motion to reopen turns on the record of notice
(INA 240(b)(5)(C); ``places/reference/program_rules.md``): every hearing in the chain of
reschedules, every notice with how, where, when and by whom it was served, the contact
points on file and whether the address used could reach the person at all.

``evidence_for(hearing)`` gathers that record into the plain, frozen dataclasses below.
The PDF renderer (``hearings/pdf/``) and the ZIP of records read *only* this structure:
field names are a contract — add fields, never rename or remove them.

Times are aware datetimes in UTC; each time a person acts on also comes as a local
string (``*_local``) in the zone that applies to it, with the zone's name, so a renderer
needs no time-zone logic. Labels (``*_label``) are in the language active when
``evidence_for`` runs (wrap the call in ``translation.override(...)`` for another).

The structure holds personal data (names, contact values, addresses): never log it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AddressCheck:
    """Whether an address used for a notice could plausibly reach the person.

    A heuristic, not a finding. ``code`` is stable for machines; ``reason`` is a
    sentence for people (in the active language). Codes:

    - ``served_in_person`` (True): handed to the person, with a recorded time;
    - ``ok`` (True): nothing wrong found with the address;
    - ``shelter_unconfirmed`` (True): names a shelter; nothing on file confirms a stay;
    - ``empty`` (False): no address at all;
    - ``social_media`` (False): "Facebook" and the like (such NTAs were reported, see
      program_rules.md);
    - ``placeholder`` (False): "unknown", "domicilio conocido", "N/A"...;
    - ``unrecorded_shelter`` (False): a known shelter of another city than the one the
      person was returned to (their port's Mexican city) — nothing places them there;
    - ``no_notice`` (False, only for ``EvidencePacket.address_could_reach``): no notice
      was recorded at all.
    """

    could_reach: bool
    code: str
    reason: str


@dataclass(frozen=True)
class PersonRecord:
    """Someone on the case (lead respondent or family member)."""

    id: uuid.UUID
    name: str
    role: str  # "lead" or "rider"
    role_label: str
    languages: list[str]  # ISO 639-3 codes, preferred first
    needs_interpreter: bool


@dataclass(frozen=True)
class HearingRecord:
    """One hearing in the chain (the original, each reschedule or continuance)."""

    id: uuid.UUID
    replaces_id: uuid.UUID | None  # the hearing this one replaced (None for the first)
    kind: str  # "master" or "individual"
    kind_label: str
    status: str  # "scheduled", "rescheduled", "cancelled", "held"
    status_label: str
    outcome: str  # "" or one of Hearing.Outcome
    outcome_label: str
    continuance_reason: str
    venue_name: str
    venue_timezone: str  # IANA name, e.g. "America/Denver"
    courtroom: str
    judge: str
    docket_date: dt.date
    session: str  # "am" or "pm"
    scheduled_at: dt.datetime  # UTC
    scheduled_local: str  # "2026-03-09 08:00 MDT (America/Denver)"
    port_name: str  # "" when no port is set
    port_mexican_city: str
    port_timezone: str  # IANA name of the Mexican side, e.g. "America/Hermosillo"
    report_at: dt.datetime | None  # UTC
    report_local: str  # in the port's zone; "" without a port
    report_place: str
    created_at: dt.datetime
    created_by: str  # display name of the staff member, "" if unknown


@dataclass(frozen=True)
class NoticeRecord:
    """One notice served for a hearing of the chain."""

    id: uuid.UUID
    hearing_id: uuid.UUID
    kind: str  # "scheduled", "changed", "cancelled"
    kind_label: str
    method: str  # "in_person", "mail", "electronic", "shelter"
    method_label: str
    address: str  # as written on the notice (may be empty)
    language: str  # "es", "en", "pt", "ht", "fr"
    served_at: dt.datetime | None  # UTC; None if service was never recorded
    served_by: str  # display name of the staff member who served it, "" if unknown
    recorded_at: dt.datetime
    recorded_by: str
    address_check: AddressCheck


@dataclass(frozen=True)
class ContactRecord:
    """A contact point on file for someone on the case, with its consent state."""

    person_id: uuid.UUID
    kind: str  # "phone", "whatsapp", "email"
    kind_label: str
    value: str
    consent: bool
    consent_recorded_at: dt.datetime | None
    opted_out: bool
    opted_out_at: dt.datetime | None
    reachable: bool  # consent and not opted out


@dataclass(frozen=True)
class MessageRecord:
    """A message about a hearing of the chain (SMS, WhatsApp, voice call, e-mail) and its
    delivery status, from the outbox (``messaging.Message``): planned reminders that
    were cancelled when the hearing moved are listed too, with their status."""

    id: uuid.UUID
    hearing_id: uuid.UUID | None
    channel: str  # "sms", "whatsapp", "email", ...
    to: str  # the address or number it was sent to
    language: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    status: str  # "queued", "sent", "delivered", "read", "failed", ...
    status_at: dt.datetime | None
    error: str  # permanent failure reason, "" otherwise


@dataclass(frozen=True)
class FollowUpRecord:
    """The in absentia follow-up item and its deadlines."""

    id: uuid.UUID
    status: str  # "open", "motion_filed", "closed"
    status_label: str
    opened_at: dt.datetime
    order_date: dt.date
    # Motion to reopen for exceptional circumstances: 180 days after the order.
    exceptional_circumstances_deadline: dt.date
    # For lack of notice or custody a motion may be filed at any time: no deadline.
    lack_of_notice_deadline: None = None
    custody_deadline: None = None
    notes: str = ""


@dataclass(frozen=True)
class EvidencePacket:
    """Everything the evidence packet (PDF and ZIP) shows for one hearing."""

    generated_at: dt.datetime  # UTC
    organization_name: str
    case_id: uuid.UUID
    a_number_display: str  # "A012-345-678"
    hearing: HearingRecord  # the hearing the packet is about
    chain: list[HearingRecord]  # every hearing of the chain, oldest first (includes ``hearing``)
    notices: list[NoticeRecord]  # every notice for any hearing of the chain, oldest first
    people: list[PersonRecord]  # lead first
    contact_points: list[ContactRecord]
    # The address of the last notice served for the chain, judged (see AddressCheck).
    address_could_reach: AddressCheck
    follow_up: FollowUpRecord | None
    messages: list[MessageRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (UUIDs, dates and datetimes as ISO strings) for the ZIP."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def evidence_for(hearing: Any) -> EvidencePacket:
    """Gather the evidence for ``hearing`` (a ``hearings.models.Hearing``).

    The caller has already checked that the user may read the hearing
    (``hearings.queries.get_hearing``); related rows are read without further scoping.
    Reading the packet is a view of personal data: the caller records it in the audit log.
    """
    from django.utils import timezone

    from mppdesk.hearings.models import InAbsentiaFollowUp, Notice
    from mppdesk.hearings.queries import chain_of

    chain = chain_of(hearing)
    case = hearing.case
    city = _returned_to(hearing, case)
    records = {h.pk: _hearing_record(h) for h in chain}
    notices = [
        _notice_record(n, city)
        for n in Notice.objects.filter(hearing__in=[h.pk for h in chain])
        .select_related("served_by", "recorded_by")
        .order_by("created_at", "id")
    ]
    follow_up = (
        InAbsentiaFollowUp.objects.filter(hearing__in=[h.pk for h in chain])
        .order_by("-opened_at")
        .first()
    )
    return EvidencePacket(
        generated_at=timezone.now().astimezone(dt.UTC),
        organization_name=hearing.organization.name,
        case_id=case.pk,
        a_number_display=case.a_number_display,
        hearing=records[hearing.pk],
        chain=[records[h.pk] for h in chain],
        notices=notices,
        people=_people(case),
        contact_points=_contacts(case),
        address_could_reach=_on_file(notices),
        follow_up=_follow_up_record(follow_up) if follow_up is not None else None,
        messages=_messages([h.pk for h in chain]),
    )


# --- building blocks ----------------------------------------------------------------------

#: Words that make an address a social network, not a place.
SOCIAL_MEDIA = (
    "facebook",
    "fb.com",
    "instagram",
    "tiktok",
    "twitter",
    "messenger",
    "redes sociales",
)
#: Folded texts that stand for "no address".
PLACEHOLDERS = frozenset(
    {
        "unknown", "desconocido", "desconocida", "n a", "na", "none", "ninguno", "ninguna",
        "no address", "sin domicilio", "sin direccion", "domicilio conocido", "calle conocida",
        "conocido", "no tiene", "no", "x", "xx", "xxx", "mexico", "tbd", "pending", "pendiente",
    }
)  # fmt: skip
SHELTER_WORDS = ("albergue", "shelter", "casa del migrante", "refugio", "campamento", "camp")


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _returned_to(hearing: Any, case: Any) -> str:
    port = hearing.port or case.port
    return str(port.mexican_city) if port is not None else ""


def _hearing_record(h: Any) -> HearingRecord:
    from mppdesk.hearings.times import local_string

    venue = h.docket.venue
    port = h.port
    return HearingRecord(
        id=h.pk,
        replaces_id=h.replaces_id,
        kind=str(h.kind),
        kind_label=str(h.get_kind_display()),
        status=str(h.status),
        status_label=str(h.get_status_display()),
        outcome=h.outcome,
        outcome_label=str(h.get_outcome_display()) if h.outcome else "",
        continuance_reason=h.continuance_reason or "",
        venue_name=venue.name,
        venue_timezone=venue.timezone,
        courtroom=h.docket.courtroom,
        judge=h.docket.judge,
        docket_date=h.docket.date,
        session=h.docket.session,
        scheduled_at=h.scheduled_at.astimezone(dt.UTC),
        scheduled_local=local_string(h.scheduled_at, venue.timezone),
        port_name=port.name if port is not None else "",
        port_mexican_city=port.mexican_city if port is not None else "",
        port_timezone=port.timezone if port is not None else "",
        report_at=h.report_at.astimezone(dt.UTC) if h.report_at else None,
        report_local=local_string(h.report_at, port.timezone) if port is not None else "",
        report_place=h.report_place_display,
        created_at=h.created_at,
        created_by=_user_name(h.created_by),
    )


def _notice_record(n: Any, city: str) -> NoticeRecord:
    return NoticeRecord(
        id=n.pk,
        hearing_id=n.hearing_id,
        kind=n.kind,
        kind_label=str(n.get_kind_display()),
        method=n.method,
        method_label=str(n.get_method_display()),
        address=n.address or "",
        language=n.language,
        served_at=n.served_at.astimezone(dt.UTC) if n.served_at else None,
        served_by=_user_name(n.served_by),
        recorded_at=n.created_at,
        recorded_by=_user_name(n.recorded_by),
        address_check=check_address(
            n.address or "", method=n.method, served=n.served_at is not None, returned_to=city
        ),
    )


def _people(case: Any) -> list[PersonRecord]:
    from mppdesk.cases.models import CaseMember

    members = (
        CaseMember.objects.filter(case=case)
        .select_related("person")
        .prefetch_related("person__languages")
        .order_by("role", "id")  # "lead" sorts before "rider"
    )
    people = []
    for member in members:
        languages = sorted(
            member.person.languages.all(), key=lambda lg: (not lg.preferred, lg.code)
        )
        people.append(
            PersonRecord(
                id=member.person_id,
                name=member.person.full_name,
                role=member.role,
                role_label=str(member.get_role_display()),
                languages=[lg.code for lg in languages],
                needs_interpreter=any(lg.needs_interpreter for lg in languages),
            )
        )
    return people


def _contacts(case: Any) -> list[ContactRecord]:
    from mppdesk.cases.models import CaseMember
    from mppdesk.people.models import ContactPoint

    person_ids = CaseMember.objects.filter(case=case).values("person_id")
    return [
        ContactRecord(
            person_id=c.person_id,
            kind=c.kind,
            kind_label=str(c.get_kind_display()),
            value=c.value,
            consent=c.consent,
            consent_recorded_at=c.consent_recorded_at,
            opted_out=c.opted_out,
            opted_out_at=c.opted_out_at,
            reachable=c.reachable,
        )
        for c in ContactPoint.objects.filter(person_id__in=person_ids).order_by(
            "person_id", "kind", "id"
        )
    ]


def _messages(hearing_ids: list[Any]) -> list[MessageRecord]:
    """Every outbox message tied to a hearing of the chain, oldest first."""
    from mppdesk.messaging.models import Message

    return [
        MessageRecord(
            id=m.pk,
            hearing_id=m.hearing_id,
            channel=m.channel,
            to=m.recipient,
            language=m.language,
            created_at=m.created_at,
            sent_at=m.sent_at,
            status=m.status,
            status_at=m.status_at,
            error=m.error_code or "",
        )
        for m in Message.objects.filter(hearing_id__in=hearing_ids).order_by("created_at", "pk")
    ]


def _follow_up_record(f: Any) -> FollowUpRecord:
    return FollowUpRecord(
        id=f.pk,
        status=f.status,
        status_label=str(f.get_status_display()),
        opened_at=f.opened_at,
        order_date=f.order_date,
        exceptional_circumstances_deadline=f.exceptional_circumstances_deadline,
        notes=f.notes or "",
    )


def _on_file(notices: list[NoticeRecord]) -> AddressCheck:
    from django.utils.translation import gettext as _

    if not notices:
        return AddressCheck(False, "no_notice", _("No notice of this hearing is on record."))
    return notices[-1].address_check


@functools.cache
def _known_shelters() -> tuple[tuple[str, str], ...]:
    """(folded shelter name, folded city) from ``places/reference/shelters.csv``."""
    import csv

    from django.conf import settings

    from mppdesk.lib.text import fold

    path = settings.REFERENCE_DIR / "shelters.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return ()
    shelters = []
    for row in rows:
        name = fold(row.get("shelter", "").split("(")[0])
        if len(name) >= 4:
            shelters.append((name, fold(row.get("city", ""))))
    return tuple(shelters)


def check_address(address: str, *, method: str, served: bool, returned_to: str) -> AddressCheck:
    """Judge one notice's address (see ``AddressCheck`` for the codes)."""
    from django.utils.translation import gettext as _

    from mppdesk.lib.text import fold

    if method == "in_person" and served:
        return AddressCheck(True, "served_in_person", _("Served to the person in person."))
    text = fold(address)
    if not text:
        return AddressCheck(False, "empty", _("The notice gives no address."))
    raw = address.lower()
    if any(word in raw or word in text for word in SOCIAL_MEDIA):
        return AddressCheck(
            False, "social_media", _("The address is a social network, not a place.")
        )
    if text in PLACEHOLDERS or len(text) < 3:
        return AddressCheck(False, "placeholder", _("The address is a placeholder, not a place."))
    city = fold(returned_to)
    for name, shelter_city in _known_shelters():
        if name in text:
            if city and shelter_city and shelter_city != city and city not in text:
                return AddressCheck(
                    False,
                    "unrecorded_shelter",
                    _(
                        "The address names a shelter in %(shelter_city)s, while the person was "
                        "returned to %(city)s; nothing on record places them there."
                    )
                    % {"shelter_city": shelter_city.title(), "city": returned_to},
                )
            return AddressCheck(
                True,
                "shelter_unconfirmed",
                _("The address names a shelter; confirm that the person stays there."),
            )
    if any(word in text for word in SHELTER_WORDS):
        return AddressCheck(
            True,
            "shelter_unconfirmed",
            _("The address names a shelter; confirm that the person stays there."),
        )
    return AddressCheck(True, "ok", _("No problem found with this address."))
