"""Cases: an A-number, its lead respondent and family members, venue and timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, renamed_fields
from mppdesk.api.schemas import (
    CaseCreateIn,
    CaseDetailOut,
    CaseEventOut,
    CaseFilters,
    CaseNoteIn,
    CaseOut,
    CasePage,
    CaseSearchIn,
    CaseUpdateIn,
)
from mppdesk.cases import queries, services
from mppdesk.cases.models import A_NUMBER_PURPOSE, Case
from mppdesk.lib.crypto import lookup_digests
from mppdesk.selfservice import queries as selfservice_queries
from mppdesk.selfservice import services as selfservice_services

router = Router()

FIELD_NAMES = {"lead": "lead_id", "person": "member_ids", "members": "member_ids"}


def _with_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("venue", "port").prefetch_related("members")


def _load(request: HttpRequest, case_id: uuid.UUID) -> Case:
    case: Case = common.check_token_scope(request, queries.get_case(common.actor(request), case_id))
    return case


def _load_for_update(request: HttpRequest, case_id: uuid.UUID) -> Case:
    """Like ``_load``, but only a record the token's organization owns (shared: 403)."""
    return common.check_token_owner(request, _load(request, case_id))


def _case_fields(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "a_number": case.a_number,
        "a_number_display": case.a_number_display,
        "lead_id": case.lead_id,
        "member_ids": [m.person_id for m in case.members.all()],
        "venue": case.venue.code if case.venue else None,
        "port": case.port.code if case.port else None,
        "program_version": case.program_version,
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def case_out(case: Case) -> CaseOut:
    return CaseOut(**_case_fields(case))


def case_detail_out(case: Case) -> CaseDetailOut:
    events = [
        CaseEventOut(kind=e.kind, occurred_at=e.occurred_at, summary=e.summary)
        for e in case.events.all()
    ]
    return CaseDetailOut(**_case_fields(case), events=events)


def _page_of_cases(
    request: HttpRequest, cases: QuerySet[Case], filters: CaseFilters | CaseSearchIn
) -> CasePage:
    """Scope ``cases`` to the token, apply the non-personal filters and record the views."""
    cases = common.in_token_scope(request, cases)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.venue:
        cases = cases.filter(venue__code=filters.venue)
    if filters.program_version:
        cases = cases.filter(program_version=filters.program_version)
    cases = _with_relations(cases.order_by("-created_at", "id"))
    count, items = common.page(cases, filters)
    queries.record_cases_listed(common.actor(request), items)
    return CasePage(**common.page_meta(count, filters), items=[case_out(c) for c in items])


@router.get("", auth=role(Action.PERSON_READ), response={200: CasePage, **LIST_ERRORS})
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> CasePage:
    """List the cases of the token's organization, newest first, a page at a time.

    To find a case by A-number use `POST /cases/search`: an A-number is personal data
    and is never sent in a URL.
    """
    return _page_of_cases(request, queries.cases_for(common.actor(request)), filters)


# Declared before the "/{case_id}" routes: Django tries the URL patterns in order, and
# "search" would otherwise be taken for a case id.
@router.post("/search", auth=role(Action.PERSON_READ), response={200: CasePage, **LIST_ERRORS})
def search_cases(request: HttpRequest, payload: CaseSearchIn) -> CasePage:
    """Find the case of the token's organization with an A-number, newest first.

    A search is a POST with the A-number in the JSON body, not a GET with a query
    parameter, because URLs end up in server access logs, proxy logs and browser
    history, and an A-number is personal data that must never appear there.

    `a_number` matches exactly in any common notation (`A 012-345-678`, `12345678`); a
    malformed one is a 422 naming `a_number`. `status`, `venue` and `program_version`
    narrow the results as on the list. Each case returned is recorded in the audit log
    as viewed; the A-number searched for is not recorded.
    """
    a_number = services.clean_anumber(payload.a_number, field="a_number")
    cases = queries.cases_for(common.actor(request)).filter(
        a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, a_number)
    )
    return _page_of_cases(request, cases, payload)


@router.get(
    "/{case_id}", auth=role(Action.PERSON_READ), response={200: CaseDetailOut, **READ_ERRORS}
)
def get_case(request: HttpRequest, case_id: uuid.UUID) -> CaseDetailOut:
    """One case with its members and timeline; recorded in the audit log as viewed."""
    case = queries.get_case_for_view(
        common.actor(request), case_id, within=lambda c: common.check_token_scope(request, c)
    )
    return case_detail_out(case)


@router.post("", auth=role(Action.PERSON_WRITE), response={201: CaseDetailOut, **CREATE_ERRORS})
def create_case(request: HttpRequest, payload: CaseCreateIn) -> Status[CaseDetailOut]:
    """Open a case for a lead respondent, with family members on the same A-number."""
    with renamed_fields(FIELD_NAMES):
        lead = common.referenced_person(request, payload.lead_id, "lead_id")
        members = [
            common.referenced_person(request, pk, f"member_ids[{index}]")
            for index, pk in enumerate(payload.member_ids)
        ]
        case = services.open_case(
            actor=common.actor(request),
            organization=common.organization(request),
            a_number=payload.a_number,
            lead=lead,
            members=members,
            venue=common.venue_by_code(payload.venue),
            port=common.port_by_code(payload.port),
            program_version=payload.program_version,
            status=payload.status,
        )
    return Status(201, case_detail_out(_load(request, case.pk)))


@router.patch(
    "/{case_id}", auth=role(Action.PERSON_WRITE), response={200: CaseDetailOut, **WRITE_ERRORS}
)
def update_case(request: HttpRequest, case_id: uuid.UUID, payload: CaseUpdateIn) -> CaseDetailOut:
    """Change the fields sent; a status change is added to the case's timeline."""
    case = _load_for_update(request, case_id)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {}
    if "venue" in sent:
        changes["venue"] = common.venue_by_code(payload.venue)
    if "port" in sent:
        changes["port"] = common.port_by_code(payload.port)
    services.update_case(
        actor=common.actor(request),
        case=case,
        a_number=payload.a_number,
        program_version=payload.program_version,
        status=payload.status,
        **changes,
    )
    return case_detail_out(_load(request, case_id))


@router.post(
    "/{case_id}/notes", auth=role(Action.PERSON_WRITE), response={201: CaseEventOut, **WRITE_ERRORS}
)
def add_case_note(
    request: HttpRequest, case_id: uuid.UUID, payload: CaseNoteIn
) -> Status[CaseEventOut]:
    """Add a note to the case's timeline."""
    case = _load_for_update(request, case_id)
    event = services.add_case_note(actor=common.actor(request), case=case, summary=payload.summary)
    return Status(
        201, CaseEventOut(kind=event.kind, occurred_at=event.occurred_at, summary=event.summary)
    )


class LookupLockOut(Schema):
    """The self-service lock of the case's A-number (docs/selfservice.md)."""

    locked: bool = Field(..., description="Is either path locked now?")
    web_locked_until: dt.datetime | None = Field(
        ..., description="Lookups on the web and from phones not on file are refused until then."
    )
    phone_locked_until: dt.datetime | None = Field(
        ..., description="Texts from the case's phones on file are refused until then."
    )
    web_failures: int = Field(..., description="Failed lookups counted toward the web lock.")
    phone_failures: int = Field(
        ..., description="Failed lookups from phones on file counted toward their lock."
    )


def _lock_out(case: Case) -> LookupLockOut:
    state = selfservice_queries.lock_state(case)
    return LookupLockOut(
        locked=state.locked,
        web_locked_until=state.web_locked_until,
        phone_locked_until=state.phone_locked_until,
        web_failures=state.web_failures,
        phone_failures=state.phone_failures,
    )


@router.get(
    "/{case_id}/lookup-lock",
    auth=role(Action.PERSON_READ),
    response={200: LookupLockOut, **READ_ERRORS},
)
def get_lookup_lock(request: HttpRequest, case_id: uuid.UUID) -> LookupLockOut:
    """Whether self-service lookups of the case's A-number are locked, and until when."""
    return _lock_out(_load(request, case_id))


@router.delete(
    "/{case_id}/lookup-lock",
    auth=role(Action.PERSON_WRITE),
    response={200: LookupLockOut, **WRITE_ERRORS},
)
def unlock_lookups(request: HttpRequest, case_id: uuid.UUID) -> LookupLockOut:
    """Unlock self-service lookups of the case's A-number (web and phones on file) and
    clear its failure counts; audited on the case."""
    case = _load_for_update(request, case_id)
    selfservice_services.unlock_lookups(actor=common.actor(request), case=case)
    return _lock_out(case)
