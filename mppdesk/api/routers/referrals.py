"""Referrals: sharing a person with another organization, with the person's consent.

A token acts for one organization. It sees the referrals that organization made
(*outgoing*) and received (*incoming*); any other referral is a 404, like a missing one.
Only the owning organization refers and revokes; only the receiving organization
accepts or rejects. On the receiving side, the person's names and the notes are shown
while the referral is pending or accepted, not after it was rejected or revoked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictStr

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import ErrorOut, PageOut, PageQuery, StrictInput
from mppdesk.core.errors import FieldErrors
from mppdesk.people import queries as people_queries
from mppdesk.sharing import queries, services
from mppdesk.sharing.models import (
    ConsentMethod,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)
from mppdesk.sharing.services import MAX_NOTE

router = Router()

ConsentMethodCode = Literal[
    "verbal_in_person", "written_signature", "phone", "interpreter_assisted"
]
PurposeCode = Literal[
    "legal_representation", "shelter_placement", "medical", "psychosocial", "other"
]
StatusCode = Literal["pending", "accepted", "rejected", "revoked"]

assert set(ConsentMethodCode.__args__) == set(ConsentMethod.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(PurposeCode.__args__) == set(ReferralPurpose.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(StatusCode.__args__) == set(ReferralStatus.values)  # type: ignore[attr-defined]  # noqa: S101


# --- schemas ----------------------------------------------------------------------------


class ReferralCreateIn(StrictInput):
    person_id: uuid.UUID
    to_organization: StrictStr = Field(
        ..., max_length=60, description="Short name (slug) of the receiving organization."
    )
    consent_given_at: dt.datetime = Field(
        ..., description="When the person agreed to the referral, with its time zone."
    )
    consent_method: ConsentMethodCode
    consent_note: StrictStr = Field("", max_length=MAX_NOTE)
    purpose: PurposeCode
    purpose_note: StrictStr = Field("", max_length=MAX_NOTE, description="Why; free text.")


class DecisionIn(StrictInput):
    note: StrictStr = Field("", max_length=MAX_NOTE)


class OrganizationRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    given_names: str
    family_names: str


class ReferralOut(Schema):
    id: uuid.UUID
    direction: Literal["outgoing", "incoming"] = Field(
        ..., description="Seen from the token's organization."
    )
    person_id: uuid.UUID
    person: PersonRef | None = Field(
        None, description="Names; left out for the receiver once rejected or revoked."
    )
    from_organization: OrganizationRef
    to_organization: OrganizationRef
    status: StatusCode
    purpose: PurposeCode
    purpose_note: str | None = None
    consent_given_at: dt.datetime
    consent_method: ConsentMethodCode
    consent_note: str | None = None
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decision_note: str | None = None
    revoked_at: dt.datetime | None = None


class ReferralPage(PageOut):
    items: list[ReferralOut]


class ReferralFilters(PageQuery):
    direction: Literal["incoming", "outgoing"] | None = Field(
        None, description="Only referrals received, or only those made."
    )
    status: StatusCode | None = None


class AccessOut(Schema):
    organization: OrganizationRef
    owner: bool = Field(..., description="True for the owning organization.")
    since: dt.datetime
    referral_id: uuid.UUID | None = None


# --- helpers ----------------------------------------------------------------------------


def _org_ref(org: Organization) -> OrganizationRef:
    return OrganizationRef(slug=org.slug, name=org.name)


def _token_scope(request: HttpRequest) -> Q:
    org_id = common.organization(request).pk
    return Q(organization_id=org_id) | Q(to_organization_id=org_id)


def _visible(request: HttpRequest) -> QuerySet[Referral]:
    return queries.referrals_for(common.actor(request)).filter(_token_scope(request))


def _load(request: HttpRequest, referral_id: uuid.UUID) -> Referral:
    referral = _visible(request).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def _outgoing(request: HttpRequest, referral: Referral) -> bool:
    return referral.organization_id == common.organization(request).pk


def _details(request: HttpRequest, referral: Referral) -> bool:
    return _outgoing(request, referral) or referral.status in queries.OPEN


def referral_out(request: HttpRequest, referral: Referral) -> ReferralOut:
    details = _details(request, referral)
    person = referral.person
    return ReferralOut(
        id=referral.id,
        direction="outgoing" if _outgoing(request, referral) else "incoming",
        person_id=referral.person_id,
        person=PersonRef(given_names=person.given_names, family_names=person.family_names)
        if details
        else None,
        from_organization=_org_ref(referral.organization),
        to_organization=_org_ref(referral.to_organization),
        status=referral.status,  # type: ignore[arg-type]
        purpose=referral.purpose,  # type: ignore[arg-type]
        purpose_note=referral.purpose_note if details else None,
        consent_given_at=referral.consent_given_at,
        consent_method=referral.consent_method,  # type: ignore[arg-type]
        consent_note=referral.consent_note if details else None,
        created_at=referral.created_at,
        decided_at=referral.decided_at,
        decision_note=referral.decision_note if details else None,
        revoked_at=referral.revoked_at,
    )


def _record_views(request: HttpRequest, referrals: list[Referral]) -> None:
    queries.record_referrals_viewed(
        common.actor(request), [r for r in referrals if _details(request, r)]
    )


def _respond(request: HttpRequest, referral_id: uuid.UUID) -> ReferralOut:
    """The referral as it is now (re-read after a change), its read recorded."""
    referral = _load(request, referral_id)
    _record_views(request, [referral])
    return referral_out(request, referral)


# --- endpoints --------------------------------------------------------------------------


@router.get("", auth=role(Action.PERSON_READ), response={200: ReferralPage, **LIST_ERRORS})
def list_referrals(request: HttpRequest, filters: Query[ReferralFilters]) -> ReferralPage:
    """Referrals made and received by the token's organization, newest first.

    Filter with `direction` (`incoming`, `outgoing`) and `status`. Every referral that
    shows a person's names is recorded in the audit log as a view of that person.
    """
    referrals = _visible(request)
    org_id = common.organization(request).pk
    if filters.direction == "incoming":
        referrals = referrals.filter(to_organization_id=org_id)
    elif filters.direction == "outgoing":
        referrals = referrals.filter(organization_id=org_id)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    count, items = common.page(referrals.order_by("-created_at", "id"), filters)
    _record_views(request, items)
    return ReferralPage(
        **common.page_meta(count, filters), items=[referral_out(request, r) for r in items]
    )


@router.post(
    "", auth=role(Action.REFERRAL_SEND), response={201: ReferralOut, **CREATE_ERRORS, 403: ErrorOut}
)
def create_referral(request: HttpRequest, payload: ReferralCreateIn) -> Status[ReferralOut]:
    """Refer a person of the token's organization to another organization.

    The person's consent is required: `consent_given_at` (not in the future) and
    `consent_method`, with the `purpose`. The receiving organization (`to_organization`,
    its slug) sees the person and their cases once it accepts. 422 names each field in
    error (an unknown person or organization included); 403 if the person is only
    shared with the token's organization (a receiver cannot refer further) or the role
    may not refer.
    """
    try:
        person = people_queries.get_person(common.actor(request), payload.person_id)
    except Http404 as exc:
        raise FieldErrors({"person_id": ["No such person."]}) from exc
    if person.organization_id != common.organization(request).pk:
        raise HttpError(403, "Only the organization that owns the record can refer it.")
    to_organization = Organization.objects.filter(slug=payload.to_organization).first()
    if to_organization is None:
        raise FieldErrors({"to_organization": ["No such organization."]})
    referral = services.refer_person(
        actor=common.actor(request),
        person=person,
        to_organization=to_organization,
        consent_given_at=payload.consent_given_at,
        consent_method=payload.consent_method,
        consent_note=payload.consent_note,
        purpose=payload.purpose,
        purpose_note=payload.purpose_note,
    )
    return Status(201, referral_out(request, _load(request, referral.pk)))


# Declared before "/{referral_id}": "access" is not a referral id.
@router.get(
    "/access/{person_id}",
    auth=role(Action.PERSON_READ),
    response={200: list[AccessOut], **READ_ERRORS},
)
def person_access(request: HttpRequest, person_id: uuid.UUID) -> list[AccessOut]:
    """Who has access to a person: the owning organization and every organization with an
    accepted referral, each with since when. 404 if the token's organization does not
    see the person."""
    person = common.check_token_scope(
        request, people_queries.get_person(common.actor(request), person_id)
    )
    return [
        AccessOut(
            organization=_org_ref(row.organization),
            owner=row.owner,
            since=row.since,
            referral_id=row.referral.pk if row.referral is not None else None,
        )
        for row in queries.access_list(person)
    ]


@router.get(
    "/{referral_id}", auth=role(Action.PERSON_READ), response={200: ReferralOut, **READ_ERRORS}
)
def get_referral(request: HttpRequest, referral_id: uuid.UUID) -> ReferralOut:
    """One referral made or received by the token's organization; otherwise 404."""
    return _respond(request, referral_id)


def _decide(request: HttpRequest, referral_id: uuid.UUID, note: str, accept: bool) -> ReferralOut:
    referral = _load(request, referral_id)
    if referral.to_organization_id != common.organization(request).pk:
        raise HttpError(403, "Only the receiving organization decides on a referral.")
    decide = services.accept_referral if accept else services.reject_referral
    decide(actor=common.actor(request), referral=referral, note=note)
    return _respond(request, referral_id)


@router.post(
    "/{referral_id}/accept",
    auth=role(Action.REFERRAL_DECIDE),
    response={200: ReferralOut, **WRITE_ERRORS, 403: ErrorOut},
)
def accept_referral(
    request: HttpRequest, referral_id: uuid.UUID, payload: DecisionIn | None = None
) -> ReferralOut:
    """Accept a pending referral received: the token's organization then sees the person
    and their cases. 422 (`status`) if it is no longer pending."""
    return _decide(request, referral_id, payload.note if payload else "", accept=True)


@router.post(
    "/{referral_id}/reject",
    auth=role(Action.REFERRAL_DECIDE),
    response={200: ReferralOut, **WRITE_ERRORS, 403: ErrorOut},
)
def reject_referral(
    request: HttpRequest, referral_id: uuid.UUID, payload: DecisionIn | None = None
) -> ReferralOut:
    """Reject a pending referral received. 422 (`status`) if it is no longer pending."""
    return _decide(request, referral_id, payload.note if payload else "", accept=False)


@router.post(
    "/{referral_id}/revoke",
    auth=role(Action.REFERRAL_SEND),
    response={200: ReferralOut, **WRITE_ERRORS, 403: ErrorOut},
)
def revoke_referral(request: HttpRequest, referral_id: uuid.UUID) -> ReferralOut:
    """Revoke a pending or accepted referral made by the token's organization: the
    receiver's access ends at once. 422 (`status`) if it is already closed."""
    referral = _load(request, referral_id)
    if not _outgoing(request, referral):
        raise HttpError(403, "Only the referring organization can revoke a referral.")
    services.revoke_referral(actor=common.actor(request), referral=referral)
    return _respond(request, referral_id)
