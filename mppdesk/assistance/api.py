"""REST API of documents, needs and service referrals (mounted at /api/v1/assistance).

A token acts for one organization: a person's records are read and written by the
person's owning organization (an organization the person was shared with reads only the
service referrals made to it). Ids of a person's documents, needs and service referrals
travel in the body and are looked up within the person. Bad input is 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import QueryIn, StrictInput
from mppdesk.assistance import letters, queries, services
from mppdesk.assistance.models import (
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
from mppdesk.core.errors import FieldErrors

router = Router()

DocumentKindCode = Literal["fmm", "tvrh", "curp", "nss", "rfc", "comar", "nta", "id"]
DocumentStatusCode = Literal[
    "needed", "requested", "issued", "expired", "lost", "stolen", "photographed", "refused"
]
NeedKindCode = Literal[
    "health", "maternal", "mental_health", "school", "shelter", "food", "legal_us",
    "legal_mx", "work", "transport", "family_tracing", "victim_assistance",
]  # fmt: skip
PriorityCode = Literal["urgent", "high", "normal", "low"]
NeedStatusCode = Literal["open", "referred", "met", "closed"]
OutcomeCode = Literal["pending", "accepted", "received", "refused", "no_answer"]
ConsentMethodCode = Literal[
    "verbal_in_person", "written_signature", "phone", "interpreter_assisted"
]
PurposeCode = Literal["shelter", "school", "clinic", "employer", "mexican_authority", "legal"]

assert set(DocumentKindCode.__args__) == set(DocumentKind.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(DocumentStatusCode.__args__) == set(DocumentStatus.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(NeedKindCode.__args__) == set(NeedKind.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(PriorityCode.__args__) == set(NeedPriority.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(NeedStatusCode.__args__) == set(NeedStatus.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(OutcomeCode.__args__) == set(ReferralOutcome.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(ConsentMethodCode.__args__) == set(services.CONSENT_METHODS)  # type: ignore[attr-defined]  # noqa: S101
assert set(PurposeCode.__args__) == set(letters.PURPOSES)  # type: ignore[attr-defined]  # noqa: S101


# --- schemas ----------------------------------------------------------------------------


class DocumentEventOut(Schema):
    status: DocumentStatusCode
    on: dt.date
    office: str


class DocumentOut(Schema):
    id: uuid.UUID
    kind: DocumentKindCode
    status: DocumentStatusCode
    office: str
    number: str
    requested_on: dt.date | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    timeline: list[DocumentEventOut]


class NeedOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    kind: NeedKindCode
    priority: PriorityCode
    status: NeedStatusCode
    hearing_id: uuid.UUID | None
    accompaniment: bool


class ServiceReferralOut(Schema):
    id: uuid.UUID
    need_id: uuid.UUID
    person_id: uuid.UUID
    provider_id: int
    provider: str
    referred_on: dt.date
    consent_given_at: dt.datetime
    consent_method: str
    outcome: OutcomeCode
    follow_up_on: dt.date | None
    shared_in_mpp_desk: bool


class AssistanceOut(Schema):
    person_id: uuid.UUID
    owner: bool = Field(..., description="False when the person is only shared with you.")
    documents: list[DocumentOut]
    needs: list[NeedOut]
    service_referrals: list[ServiceReferralOut]


class ProviderOut(Schema):
    id: int
    name: str
    city: str
    organization: str | None = Field(None, description="Slug, when the provider is in MPP Desk.")
    contact: str
    services: list[str]
    languages: list[str]
    synthetic: bool


class DocumentIn(StrictInput):
    kind: DocumentKindCode
    status: DocumentStatusCode = "needed"
    office: StrictStr = Field("", max_length=200)
    number: StrictStr = Field("", max_length=60)
    on: dt.date | None = None
    expires_on: dt.date | None = None


class DocumentStatusIn(StrictInput):
    document_id: uuid.UUID
    status: DocumentStatusCode
    on: dt.date | None = None
    office: StrictStr = Field("", max_length=200)
    number: StrictStr | None = Field(None, max_length=60)
    expires_on: dt.date | None = None


class NeedIn(StrictInput):
    person_id: uuid.UUID | None = Field(
        None, description="A family member on the person's cases; the person by default."
    )
    kind: NeedKindCode
    priority: PriorityCode = "normal"
    note: StrictStr = Field("", max_length=services.MAX_NOTE)
    hearing_id: uuid.UUID | None = None
    shelter: StrictStr | None = Field(None, max_length=120, description="Shelter code.")
    accompaniment: StrictBool = False


class ServiceReferralIn(StrictInput):
    need_id: uuid.UUID
    provider_id: int
    consent_given_at: dt.datetime
    consent_method: ConsentMethodCode
    follow_up_on: dt.date | None = None
    note: StrictStr = Field("", max_length=services.MAX_NOTE)


class ReferralOutcomeIn(StrictInput):
    service_referral_id: uuid.UUID
    outcome: OutcomeCode
    follow_up_on: dt.date | None = None


class LetterIn(StrictInput):
    purpose: PurposeCode


class ProviderQuery(QueryIn):
    city: str = Field("", max_length=100)
    service: NeedKindCode | None = None


class TransportQuery(QueryIn):
    day: dt.date


class TransportRiderOut(Schema):
    person_id: uuid.UUID
    name: str
    shelter: str
    report_at: dt.datetime
    accompaniment: bool


class TransportMorningOut(Schema):
    port: str
    day: dt.date
    per_shelter: dict[str, int]
    riders: list[TransportRiderOut]


# --- helpers ----------------------------------------------------------------------------


def _document_out(d: PersonDocument) -> DocumentOut:
    return DocumentOut(
        id=d.pk, kind=d.kind, status=d.status, office=d.office, number=d.number,  # type: ignore[arg-type]
        requested_on=d.requested_on, issued_on=d.issued_on, expires_on=d.expires_on,
        timeline=[
            DocumentEventOut(status=e.status, on=e.on, office=e.office)  # type: ignore[arg-type]
            for e in d.events.all()
        ],
    )  # fmt: skip


def _need_out(n: Need) -> NeedOut:
    return NeedOut(
        id=n.pk, person_id=n.person_id, kind=n.kind, priority=n.priority,  # type: ignore[arg-type]
        status=n.status, hearing_id=n.hearing_id, accompaniment=n.accompaniment,  # type: ignore[arg-type]
    )  # fmt: skip


def _referral_out(r: ServiceReferral) -> ServiceReferralOut:
    return ServiceReferralOut(
        id=r.pk, need_id=r.need_id, person_id=r.person_id, provider_id=r.provider_id,
        provider=r.provider.name, referred_on=r.referred_on, consent_given_at=r.consent_given_at,
        consent_method=r.consent_method, outcome=r.outcome,  # type: ignore[arg-type]
        follow_up_on=r.follow_up_on, shared_in_mpp_desk=r.sharing_referral_id is not None,
    )  # fmt: skip


def _assistance(request: HttpRequest, person_id: uuid.UUID) -> AssistanceOut:
    person = common.check_token_scope(
        request, queries.people_queries.get_person(common.actor(request), person_id)
    )
    data = queries.get_person_assistance_for_view(common.actor(request), person.pk)
    owner = data.owner and person.organization_id == common.organization(request).pk
    referrals = data.referrals
    if not owner:
        org = common.organization(request).pk
        referrals = [r for r in referrals if r.provider.organization_id == org]
    needs = [n for n in data.needs if owner or n.pk in {r.need_id for r in referrals}]
    return AssistanceOut(
        person_id=person.pk, owner=owner,
        documents=[_document_out(d) for d in data.documents] if owner else [],
        needs=[_need_out(n) for n in needs],
        service_referrals=[_referral_out(r) for r in referrals],
    )  # fmt: skip


def _owned_person(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = queries.people_queries.get_person(common.actor(request), person_id)
    return common.check_token_owner(request, person)


def _within(rows: Any, pk: uuid.UUID, field: str) -> Any:
    found = rows.filter(pk=pk).first()
    if found is None:
        raise FieldErrors({field: ["No such record of this person."]})
    return found


# --- operations --------------------------------------------------------------------------


@router.get(
    "/providers", auth=role(Action.PERSON_READ), response={200: list[ProviderOut], **LIST_ERRORS}
)
def list_providers(request: HttpRequest, query: Query[ProviderQuery]) -> list[ProviderOut]:
    """Service providers (an organization in MPP Desk or an outside one), by city and service."""
    rows = queries.providers(city=query.city, service=query.service or "")
    return [
        ProviderOut(
            id=p.pk,
            name=p.name,
            city=p.city,
            organization=p.organization.slug if p.organization else None,
            contact=p.contact,
            services=list(p.services),
            languages=list(p.languages),
            synthetic=p.synthetic,
        )  # fmt: skip
        for p in rows
    ]


@router.get(
    "/follow-ups",
    auth=role(Action.PERSON_READ),
    response={200: list[ServiceReferralOut], **LIST_ERRORS},
)
def list_follow_ups(request: HttpRequest) -> list[ServiceReferralOut]:
    """Service referrals whose follow-up date has come and that are not closed."""
    work = queries.worklist(common.actor(request))
    org = common.organization(request).pk
    return [_referral_out(r) for r in work.overdue if r.organization_id == org]


@router.get(
    "/transport",
    auth=role(Action.PERSON_READ),
    response={200: list[TransportMorningOut], **LIST_ERRORS},
)
def transport(request: HttpRequest, query: Query[TransportQuery]) -> list[TransportMorningOut]:
    """Who asked for transport to an early hearing on ``day``, per port (no A-numbers)."""
    org = common.organization(request).pk
    mornings = queries.transport_list(common.actor(request), day=query.day)
    result = []
    for m in mornings:
        riders = [r for r in m.riders if r.person.organization_id == org]
        if not riders:
            continue
        counts: dict[str, int] = {}
        for r in riders:
            counts[r.shelter] = counts.get(r.shelter, 0) + 1
        result.append(
            TransportMorningOut(
                port=m.port, day=m.day, per_shelter=counts,
                riders=[
                    TransportRiderOut(
                        person_id=r.person.pk, name=r.person.full_name, shelter=r.shelter,
                        report_at=r.report_at, accompaniment=r.accompaniment,
                    )
                    for r in riders
                ],
            )
        )  # fmt: skip
    return result


@router.get(
    "/people/{person_id}",
    auth=role(Action.PERSON_READ),
    response={200: AssistanceOut, **READ_ERRORS},
)
def get_assistance(request: HttpRequest, person_id: uuid.UUID) -> AssistanceOut:
    """A person's documents (with their timeline), needs and service referrals. An
    organization the person is shared with sees only the referrals made to it."""
    return _assistance(request, person_id)


@router.post(
    "/people/{person_id}/documents",
    auth=role(Action.PERSON_WRITE),
    response={201: AssistanceOut, **WRITE_ERRORS},
)
def add_document(
    request: HttpRequest, person_id: uuid.UUID, body: DocumentIn
) -> Status[AssistanceOut]:
    """Record a document the person holds or needs; a US notice recorded stolen or
    photographed sets the document-exposure flag on the person's cases."""
    person = _owned_person(request, person_id)
    services.add_document(
        actor=common.actor(request), person=person, kind=body.kind, status=body.status,
        office=body.office, number=body.number, on=body.on, expires_on=body.expires_on,
    )  # fmt: skip
    return Status(201, _assistance(request, person_id))


@router.post(
    "/people/{person_id}/documents/status",
    auth=role(Action.PERSON_WRITE),
    response={200: AssistanceOut, **WRITE_ERRORS},
)
def document_status(
    request: HttpRequest, person_id: uuid.UUID, body: DocumentStatusIn
) -> AssistanceOut:
    """Move a document along its timeline (needed, requested, issued, expired, lost,
    stolen, photographed, refused)."""
    person = _owned_person(request, person_id)
    document = _within(person.documents.all(), body.document_id, "document_id")
    services.change_document_status(
        actor=common.actor(request), document=document, status=body.status, on=body.on,
        office=body.office, number=body.number, expires_on=body.expires_on,
    )  # fmt: skip
    return _assistance(request, person_id)


@router.post(
    "/people/{person_id}/needs",
    auth=role(Action.PERSON_WRITE),
    response={201: AssistanceOut, **WRITE_ERRORS},
)
def add_need(request: HttpRequest, person_id: uuid.UUID, body: NeedIn) -> Status[AssistanceOut]:
    """Record a need of the person or of a family member on their cases."""
    from mppdesk.hearings.models import Hearing
    from mppdesk.places.models import Shelter

    person = _owned_person(request, person_id)
    subject = person
    if body.person_id is not None:
        family = {p.pk: p for p in queries.family_of(person)}
        if body.person_id not in family:
            raise FieldErrors({"person_id": ["Not on one of the person's cases."]})
        subject = family[body.person_id]
    hearing = None
    if body.hearing_id is not None:
        hearing = Hearing.objects.filter(pk=body.hearing_id, case__members__person=subject).first()
        if hearing is None:
            raise FieldErrors({"hearing_id": ["Not one of the person's hearings."]})
    shelter = None
    if body.shelter:
        shelter = Shelter.objects.filter(code=body.shelter).first()
        if shelter is None:
            raise FieldErrors({"shelter": [f"Unknown shelter code {body.shelter!r}."]})
    services.add_need(
        actor=common.actor(request), person=subject, kind=body.kind, priority=body.priority,
        note=body.note, hearing=hearing, shelter=shelter, accompaniment=body.accompaniment,
    )  # fmt: skip
    return Status(201, _assistance(request, person_id))


@router.post(
    "/people/{person_id}/service-referrals",
    auth=role(Action.PERSON_WRITE),
    response={201: AssistanceOut, **WRITE_ERRORS},
)
def refer_need(
    request: HttpRequest, person_id: uuid.UUID, body: ServiceReferralIn
) -> Status[AssistanceOut]:
    """Refer a need to a service provider with the person's consent and a follow-up date;
    a provider in MPP Desk receives a consent-based referral in its queue."""
    person = _owned_person(request, person_id)
    family = [p.pk for p in queries.family_of(person)]
    need = _within(Need.objects.filter(person_id__in=family), body.need_id, "need_id")
    provider = ServiceProvider.objects.filter(pk=body.provider_id).first()
    if provider is None:
        raise FieldErrors({"provider_id": ["No such provider."]})
    services.refer_need(
        actor=common.actor(request), need=need, provider=provider,
        consent_given_at=body.consent_given_at, consent_method=body.consent_method,
        follow_up_on=body.follow_up_on, note=body.note,
    )  # fmt: skip
    return Status(201, _assistance(request, person_id))


@router.post(
    "/people/{person_id}/service-referrals/outcome",
    auth=role(Action.PERSON_WRITE),
    response={200: AssistanceOut, **WRITE_ERRORS},
)
def referral_outcome(
    request: HttpRequest, person_id: uuid.UUID, body: ReferralOutcomeIn
) -> AssistanceOut:
    """Record what came of a service referral (accepted, received, refused, no answer)."""
    person = _owned_person(request, person_id)
    family = [p.pk for p in queries.family_of(person)]
    referral = _within(
        ServiceReferral.objects.filter(person_id__in=family), body.service_referral_id,
        "service_referral_id",
    )  # fmt: skip
    services.record_referral_outcome(
        actor=common.actor(request), referral=referral, outcome=body.outcome,
        follow_up_on=body.follow_up_on,
    )  # fmt: skip
    return _assistance(request, person_id)


@router.post(
    "/people/{person_id}/letter", auth=role(Action.PERSON_EXPORT),
    response=WRITE_ERRORS,
    openapi_extra={"responses": {"200": {"description": "The letter (PDF).", "content": {"application/pdf": {}}}}},
)  # fmt: skip
def letter(request: HttpRequest, person_id: uuid.UUID, body: LetterIn) -> HttpResponse:
    """The letter on demand (PDF, the person's language and Spanish) for one purpose;
    the A-number only when the purpose requires it. Audited as an export."""
    person = _owned_person(request, person_id)
    pdf = letters.letter_for(actor=common.actor(request), person_pk=person.pk, purpose=body.purpose)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="carta-letter.pdf"'
    return response
