"""All writes of the assistance app: documents, needs, service referrals, reminders.

Each function takes a keyword-only ``actor``, checks ``person.write`` in the person's
owning organization (``PermissionDenied``), validates (``FieldErrors`` naming each field),
runs in one transaction and writes the audit entry (ids and field names only).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.assistance.models import (
    COURT_KINDS,
    ISSUER,
    NEXT_STATUSES,
    DocumentEvent,
    DocumentKind,
    DocumentStatus,
    Need,
    NeedKind,
    NeedPriority,
    NeedStatus,
    PersonDocument,
    ReferralOutcome,
    ServiceProvider,
    ServiceReferral,
)
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

MAX_TEXT = 200
MAX_NOTE = 2000
#: Documents expiring within this many days are reminded and listed for the case worker.
EXPIRY_NOTICE_DAYS = 30
#: Statuses that expose a court document (cases.exposure).
EXPOSING = frozenset({DocumentStatus.STOLEN, DocumentStatus.PHOTOGRAPHED})
#: A service need maps to the sharing app's referral purpose when the provider is in MPP Desk.
SHARING_PURPOSE = {
    "health": "medical", "maternal": "medical", "mental_health": "psychosocial",
    "victim_assistance": "psychosocial", "shelter": "shelter_placement",
    "legal_us": "legal_representation",
}  # fmt: skip
CONSENT_METHODS = ("verbal_in_person", "written_signature", "phone", "interpreter_assisted")


def _require_write(actor: User | None, person: Person) -> None:
    if actor is None or not can(actor, Action.PERSON_WRITE, person.organization_id):
        raise PermissionDenied


def _err(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text:
        _err(errors, field, _("This field is required."))
    elif text not in choices:
        _err(errors, field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return text


def _text(value: Any, field: str, errors: dict[str, list[str]], limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        _err(errors, field, _("Keep this under %(max)d characters.") % {"max": limit})
    return text


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _err(errors, field, _("Write the date as YYYY-MM-DD."))
        return None


def _audit(
    actor: User | None, org: Any, action: str, obj: Any, kind: str, fields: list[str]
) -> None:
    audit.record(
        actor=actor, organization=org, action=action, object_type=kind, object_id=obj.pk,
        fields=fields,
    )  # fmt: skip


# --- documents ------------------------------------------------------------------------


@transaction.atomic
def add_document(
    *,
    actor: User,
    person: Person,
    kind: str,
    status: str = DocumentStatus.NEEDED,
    office: str = "",
    number: str = "",
    on: Any = None,
    expires_on: Any = None,
) -> PersonDocument:
    """Record a document the person holds or needs, with its first status dated ``on``
    (today by default). Fields: ``kind``, ``status``, ``office``, ``number``, ``on``,
    ``expires_on`` (not before ``on``)."""
    _require_write(actor, person)
    errors: dict[str, list[str]] = {}
    kind = _choice(kind, DocumentKind.values, "kind", errors)
    status = _choice(status or DocumentStatus.NEEDED, DocumentStatus.values, "status", errors)
    office = _text(office, "office", errors) or ISSUER.get(kind, "")
    number = _text(number, "number", errors, limit=60)
    day = _date(on, "on", errors) or utc_today()
    expires = _date(expires_on, "expires_on", errors)
    if expires is not None and expires < day:
        _err(errors, "expires_on", _("The expiry date is before the date given."))
    if errors:
        raise FieldErrors(errors)
    document = PersonDocument.objects.create(
        organization_id=person.organization_id, person=person, kind=kind, status=status,
        office=office, number=number, expires_on=expires,
        requested_on=day if status == DocumentStatus.REQUESTED else None,
        issued_on=day if status == DocumentStatus.ISSUED else None,
    )  # fmt: skip
    DocumentEvent.objects.create(
        document=document, status=status, on=day, office=office, actor=actor
    )
    fields = ["kind", "status", "office", "expires_on"] + (["number"] if number else [])
    _audit(actor, person.organization, AuditAction.CREATE, document, ObjectType.DOCUMENT, fields)
    if status in EXPOSING and kind in COURT_KINDS:
        _flag_cases(actor, person, status)
    return document


@transaction.atomic
def change_document_status(
    *,
    actor: User,
    document: PersonDocument,
    status: str,
    on: Any = None,
    office: str = "",
    number: str | None = None,
    expires_on: Any = None,
) -> PersonDocument:
    """Move ``document`` to ``status`` (one of ``NEXT_STATUSES[current]``), dated ``on``.

    A court document (the US notice) marked stolen or photographed sets the
    document-exposure flag on the person's cases (``cases.exposure``)."""
    person = document.person
    _require_write(actor, person)
    document = PersonDocument.objects.select_for_update().get(pk=document.pk)
    errors: dict[str, list[str]] = {}
    status = _choice(status, DocumentStatus.values, "status", errors)
    if status and "status" not in errors and status not in NEXT_STATUSES[document.status]:
        _err(
            errors, "status",
            _("A document that is %(current)s can become: %(choices)s.")
            % {"current": document.status, "choices": ", ".join(NEXT_STATUSES[document.status])},
        )  # fmt: skip
    office = _text(office, "office", errors)
    new_number = _text(number, "number", errors, limit=60) if number is not None else None
    day = _date(on, "on", errors) or utc_today()
    expires = _date(expires_on, "expires_on", errors)
    if errors:
        raise FieldErrors(errors)
    fields = ["status"]
    document.status = status
    if office:
        document.office = office
        fields.append("office")
    if status == DocumentStatus.REQUESTED:
        document.requested_on = day
        fields.append("requested_on")
    if status == DocumentStatus.ISSUED:
        document.issued_on = day
        fields.append("issued_on")
    if new_number:
        document.number = new_number
        fields.append("number")
    if expires is not None:
        document.expires_on = expires
        fields.append("expires_on")
    document.save()
    DocumentEvent.objects.create(
        document=document, status=status, on=day, office=office or document.office, actor=actor
    )
    _audit(actor, person.organization, AuditAction.UPDATE, document, ObjectType.DOCUMENT, fields)
    if status in EXPOSING and document.kind in COURT_KINDS:
        _flag_cases(actor, person, status)
    return document


def _flag_cases(actor: User | None, person: Person, status: str) -> None:
    from mppdesk.cases.exposure import flag_document_exposure
    from mppdesk.cases.models import Case

    reason = "document_stolen" if status == DocumentStatus.STOLEN else "document_photographed"
    for case in Case.objects.filter(
        organization_id=person.organization_id, members__person=person
    ).distinct():
        flag_document_exposure(case, actor=actor, reason=reason)


# --- needs ----------------------------------------------------------------------------


@transaction.atomic
def add_need(
    *,
    actor: User,
    person: Person,
    kind: str,
    priority: str = NeedPriority.NORMAL,
    note: str = "",
    hearing: Any = None,
    shelter: Any = None,
    accompaniment: bool = False,
) -> Need:
    """Record one need of ``person``. Transport needs may name the hearing (one of the
    person's), where the person stays and whether they ask to be accompanied."""
    _require_write(actor, person)
    errors: dict[str, list[str]] = {}
    kind = _choice(kind, NeedKind.values, "kind", errors)
    priority = _choice(priority or NeedPriority.NORMAL, NeedPriority.values, "priority", errors)
    note = _text(note, "note", errors, limit=MAX_NOTE)
    if hearing is not None and not hearing.case.members.filter(person=person).exists():
        _err(errors, "hearing", _("This hearing is not on one of the person's cases."))
    if errors:
        raise FieldErrors(errors)
    need = Need.objects.create(
        organization_id=person.organization_id, person=person, kind=kind, priority=priority,
        note=note, hearing=hearing, shelter=shelter, accompaniment=bool(accompaniment),
    )  # fmt: skip
    fields = ["kind", "priority"] + (["note"] if note else [])
    _audit(actor, person.organization, AuditAction.CREATE, need, ObjectType.NEED, fields)
    return need


@transaction.atomic
def set_need_status(*, actor: User, need: Need, status: str) -> Need:
    _require_write(actor, need.person)
    errors: dict[str, list[str]] = {}
    status = _choice(status, NeedStatus.values, "status", errors)
    if errors:
        raise FieldErrors(errors)
    need.status = status
    need.save(update_fields=["status", "updated_at"])
    _audit(actor, need.person.organization, AuditAction.UPDATE, need, ObjectType.NEED, ["status"])
    return need


# --- service referrals ----------------------------------------------------------------


@transaction.atomic
def refer_need(
    *,
    actor: User,
    need: Need,
    provider: ServiceProvider | None,
    consent_given_at: dt.datetime | None,
    consent_method: str,
    follow_up_on: Any = None,
    referred_on: Any = None,
    note: str = "",
) -> ServiceReferral:
    """Refer ``need`` to ``provider`` with the person's recorded consent.

    When the provider is another organization in MPP Desk, the person is shared with it
    through the sharing app (``sharing.services.refer_person``): it finds the referral in
    its incoming queue; the shared note names only the service needed."""
    person = need.person
    _require_write(actor, person)
    errors: dict[str, list[str]] = {}
    if provider is None:
        _err(errors, "provider", _("This field is required."))
    elif not provider.is_active:
        _err(errors, "provider", _("This provider is not active."))
    elif provider.services and need.kind not in provider.services:
        _err(errors, "provider", _("This provider does not offer this service."))
    if consent_given_at is None:
        _err(errors, "consent_given_at", _("This field is required."))
    elif timezone.is_naive(consent_given_at):
        _err(errors, "consent_given_at", _("Give the time with its time zone."))
    elif consent_given_at > timezone.now() + dt.timedelta(minutes=10):
        _err(errors, "consent_given_at", _("Consent cannot be in the future."))
    method = _choice(consent_method, CONSENT_METHODS, "consent_method", errors)
    day = _date(referred_on, "referred_on", errors) or utc_today()
    follow = _date(follow_up_on, "follow_up_on", errors)
    if follow is None and "follow_up_on" not in errors:
        follow = day + dt.timedelta(days=7)
    elif follow is not None and follow < day:
        _err(errors, "follow_up_on", _("The follow-up date is before the referral."))
    note = _text(note, "note", errors, limit=MAX_NOTE)
    if errors:
        raise FieldErrors(errors)
    assert provider is not None and consent_given_at is not None  # noqa: S101 - checked above
    sharing_referral = None
    if provider.organization_id and provider.organization_id != person.organization_id:
        sharing_referral = _share_with_provider(actor, need, provider, consent_given_at, method)
    referral = ServiceReferral.objects.create(
        organization_id=person.organization_id, need=need, person=person, provider=provider,
        referred_on=day, consent_given_at=consent_given_at, consent_method=method,
        consent_recorded_by=actor, follow_up_on=follow, note=note,
        sharing_referral=sharing_referral,
    )  # fmt: skip
    if need.status == NeedStatus.OPEN:
        need.status = NeedStatus.REFERRED
        need.save(update_fields=["status", "updated_at"])
    fields = [
        "need",
        "provider",
        "referred_on",
        "consent_given_at",
        "consent_method",
        "follow_up_on",
    ]
    _audit(
        actor,
        person.organization,
        AuditAction.CREATE,
        referral,
        ObjectType.SERVICE_REFERRAL,
        fields,
    )
    return referral


def _share_with_provider(
    actor: User, need: Need, provider: ServiceProvider, consent_at: dt.datetime, method: str
) -> Any:
    from mppdesk.sharing import services as sharing
    from mppdesk.sharing.models import OPEN_STATUSES, Referral

    existing = Referral.objects.filter(
        person=need.person, to_organization_id=provider.organization_id, status__in=OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    # Only what the service needs: the kind of help, no narrative. In Spanish, the
    # working language of the receiving organizations, whoever refers.
    with translation.override("es"):
        service = str(NeedKind(need.kind).label)
    try:
        return sharing.refer_person(
            actor=actor,
            person=need.person,
            to_organization=provider.organization,
            consent_given_at=consent_at,
            consent_method=method,
            purpose=SHARING_PURPOSE.get(need.kind, "other"),
            purpose_note=service,
        )
    except FieldErrors as exc:
        raise FieldErrors({"provider": [m for msgs in exc.errors.values() for m in msgs]}) from exc


@transaction.atomic
def record_referral_outcome(
    *, actor: User, referral: ServiceReferral, outcome: str, follow_up_on: Any = None
) -> ServiceReferral:
    """Record what came of a referral; a received service meets the need."""
    _require_write(actor, referral.person)
    errors: dict[str, list[str]] = {}
    outcome = _choice(outcome, ReferralOutcome.values, "outcome", errors)
    follow = _date(follow_up_on, "follow_up_on", errors)
    if errors:
        raise FieldErrors(errors)
    referral.outcome = outcome
    fields = ["outcome"]
    if follow is not None or outcome in (ReferralOutcome.RECEIVED, ReferralOutcome.REFUSED):
        referral.follow_up_on = follow
        fields.append("follow_up_on")
    referral.save()
    if outcome == ReferralOutcome.RECEIVED:
        Need.objects.filter(pk=referral.need_id).update(status=NeedStatus.MET)
    elif outcome == ReferralOutcome.REFUSED:
        Need.objects.filter(pk=referral.need_id, status=NeedStatus.REFERRED).update(
            status=NeedStatus.OPEN
        )
    _audit(
        actor, referral.person.organization, AuditAction.UPDATE, referral,
        ObjectType.SERVICE_REFERRAL, fields,
    )  # fmt: skip
    return referral


# --- expiry reminders ------------------------------------------------------------------

REMINDER = {
    "es": "Su documento {document} vence el {date}. Pida ayuda a su organización para renovarlo.",
    "en": "Your {document} expires on {date}. Ask your organization for help renewing it.",
    "pt": "O seu documento {document} vence em {date}. Peça ajuda à sua organização para renová-lo.",
    "ht": "Dokiman {document} ou a ap ekspire {date}. Mande òganizasyon ou èd pou renouvle l.",
    "fr": "Votre document {document} expire le {date}. Demandez de l'aide à votre organisation pour le renouveler.",
}  # fmt: skip
SHORT_NAME = {"fmm": "FMM", "tvrh": "TVRH", "curp": "CURP", "nss": "NSS", "rfc": "RFC",
              "comar": "COMAR", "nta": "I-862", "id": "ID"}  # fmt: skip


def send_expiry_reminders(*, today: dt.date | None = None) -> int:
    """Put a reminder in the outbox, in the person's language, for every issued document
    expiring within ``EXPIRY_NOTICE_DAYS`` not yet reminded for that date (the system
    sends; one message per document and expiry date). Returns how many were queued.
    The case workers see the same documents in their work list (``queries.worklist``)."""
    from mppdesk.messaging.services import enqueue_message
    from mppdesk.reminders.planning import CHANNEL_OF_KIND, usable, written_language

    today = today or utc_today()
    sent = 0
    due = PersonDocument.objects.filter(
        status=DocumentStatus.ISSUED,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
    ).select_related("person", "organization")
    for document in due:
        if document.reminded_for == document.expires_on:
            continue
        person = document.person
        point = next(
            (p for p in person.contact_points.all() if p.kind in CHANNEL_OF_KIND and usable(p)),
            None,
        )
        with transaction.atomic():
            if point is not None:
                language = written_language(person)[0]
                text = REMINDER.get(language, REMINDER["es"])
                assert document.expires_on is not None  # noqa: S101 - filtered
                enqueue_message(
                    actor=None, organization=document.organization, person=person,
                    channel=str(CHANNEL_OF_KIND[point.kind]), recipient=str(point.value),
                    contact_point=point, template="manual", language=language,
                    body=text.format(
                        document=SHORT_NAME[document.kind],
                        date=document.expires_on.strftime("%d/%m/%Y"),
                    ),
                    idempotency_key=f"doc-expiry:{document.pk}:{document.expires_on}",
                )  # fmt: skip
                sent += 1
            PersonDocument.objects.filter(pk=document.pk).update(reminded_for=document.expires_on)
    return sent
