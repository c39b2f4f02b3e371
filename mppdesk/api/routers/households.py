"""Households: a lead respondent and the family members who travel and wait with them."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, renamed_fields
from mppdesk.api.schemas import (
    HouseholdCreateIn,
    HouseholdFilters,
    HouseholdMemberIn,
    HouseholdMemberOut,
    HouseholdOut,
    HouseholdPage,
    HouseholdUpdateIn,
)
from mppdesk.people import queries, services
from mppdesk.people.models import Household, Relationship

router = Router()

# Service field names -> the API's.
FIELD_NAMES = {"lead": "lead_id", "person": "person_id"}


def _with_relations(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.select_related("port").prefetch_related("members")


def _load(request: HttpRequest, household_id: uuid.UUID) -> Household:
    household: Household = common.check_token_scope(
        request, queries.get_household(common.actor(request), household_id)
    )
    return household


def _load_for_update(request: HttpRequest, household_id: uuid.UUID) -> Household:
    """Like ``_load``, but only a record the token's organization owns (shared: 403)."""
    return common.check_token_owner(request, _load(request, household_id))


def household_out(household: Household) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        lead_id=household.lead_id,
        port=household.port.code if household.port else None,
        members=[
            HouseholdMemberOut(person_id=m.person_id, relationship=Relationship(m.relationship))
            for m in household.members.all()
        ],
        created_at=household.created_at,
        updated_at=household.updated_at,
    )


@router.get("", auth=role(Action.PERSON_READ), response={200: HouseholdPage, **LIST_ERRORS})
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> HouseholdPage:
    """List the households of the token's organization, newest first, a page at a time."""
    households = common.in_token_scope(request, queries.households_for(common.actor(request)))
    if filters.port:
        households = households.filter(port__code=filters.port)
    households = _with_relations(households.order_by("-created_at", "id"))
    count, items = common.page(households, filters)
    return HouseholdPage(
        **common.page_meta(count, filters), items=[household_out(h) for h in items]
    )


@router.get(
    "/{household_id}", auth=role(Action.PERSON_READ), response={200: HouseholdOut, **READ_ERRORS}
)
def get_household(request: HttpRequest, household_id: uuid.UUID) -> HouseholdOut:
    """One household with its members; recorded in the audit log as viewed."""
    household = queries.get_household_for_view(
        common.actor(request), household_id, within=lambda h: common.check_token_scope(request, h)
    )
    return household_out(household)


@router.post("", auth=role(Action.PERSON_WRITE), response={201: HouseholdOut, **CREATE_ERRORS})
def create_household(request: HttpRequest, payload: HouseholdCreateIn) -> Status[HouseholdOut]:
    """Create a household around a lead respondent who is in no household yet."""
    with renamed_fields(FIELD_NAMES):
        lead = common.referenced_person(request, payload.lead_id, "lead_id")
        port = common.port_by_code(payload.port)
        household = services.create_household(
            actor=common.actor(request),
            organization=common.organization(request),
            lead=lead,
            port=port,
        )
    return Status(201, household_out(_load(request, household.pk)))


@router.patch(
    "/{household_id}", auth=role(Action.PERSON_WRITE), response={200: HouseholdOut, **WRITE_ERRORS}
)
def update_household(
    request: HttpRequest, household_id: uuid.UUID, payload: HouseholdUpdateIn
) -> HouseholdOut:
    """Change the border city (port of entry) where the household waits."""
    household = _load_for_update(request, household_id)
    if "port" in payload.model_fields_set:
        services.update_household(
            actor=common.actor(request), household=household, port=common.port_by_code(payload.port)
        )
    return household_out(_load(request, household_id))


@router.post(
    "/{household_id}/members",
    auth=role(Action.PERSON_WRITE),
    response={201: HouseholdOut, **WRITE_ERRORS},
)
def add_household_member(
    request: HttpRequest, household_id: uuid.UUID, payload: HouseholdMemberIn
) -> Status[HouseholdOut]:
    """Add a registered person to the household, with their relationship to the lead."""
    household = _load_for_update(request, household_id)
    with renamed_fields(FIELD_NAMES):
        person = common.referenced_person(request, payload.person_id, "person_id")
        services.add_household_member(
            actor=common.actor(request),
            household=household,
            person=person,
            relationship=payload.relationship,
        )
    return Status(201, household_out(_load(request, household_id)))
