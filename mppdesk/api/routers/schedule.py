"""The optimizing scheduler: proposals, their review, commit and discard (``/schedule``).

A proposal (``hearings.scheduling``) places the pending cases of one or more venues on
the dockets of a period; nothing is booked until it is committed. Every operation needs
``docket.manage``. A token acts for its organization: a program-wide coordinator's
token (``hearings.queries.PROGRAM_WIDE_SCHEDULERS``) proposes for every organization's
cases, any other for its own organization's. Proposals hold ids and figures only: a
program coordinator reviews which case goes to which docket without reading the case.

Committing is all or nothing: when a docket filled up since the proposal (another
coordinator's commit), or a case was scheduled or changed meanwhile, nothing is
scheduled and the answer is a 422 naming ``docket`` (with its id) or ``proposal``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.routers.hearings import program_wide
from mppdesk.api.schemas import PageOut, PageQuery, StrictInput
from mppdesk.hearings import scheduling
from mppdesk.hearings.models_scheduling import ScheduleProposal

router = Router()

StatusCode = Literal["proposed", "committed", "discarded"]


class ProposalIn(StrictInput):
    venues: list[StrictStr] = Field(
        ...,
        min_length=1,
        max_length=20,
        description="Venue codes, e.g. `el-paso-immigration-court`.",
    )
    date_from: dt.date = Field(..., alias="from", description="First docket date.")
    date_to: dt.date = Field(..., alias="to", description="Last docket date (inclusive).")
    dry_run: StrictBool = Field(False, description="Compute and answer; save nothing.")
    lead_days: StrictInt = Field(10, ge=0, le=365, description="Notice lead time in days.")


class ProposalOut(Schema):
    """A proposal's summary. Weighted waiting is in weighted person-days (see the docs);
    `improvement` is the share of weighted waiting saved against first come, first
    served on the same data (0.05 = 5 % less); `gap` is against the LP relaxation bound."""

    id: int | None = Field(..., description="Null for a dry run.")
    status: StatusCode
    venues: list[str]
    date_from: dt.date = Field(..., serialization_alias="from")
    date_to: dt.date = Field(..., serialization_alias="to")
    as_of: dt.date
    lead_days: int
    created_at: dt.datetime | None
    created_by: str | None
    method: str
    cases_considered: int
    cases_placed: int
    people_placed: int
    cases_unassigned: int
    unassigned_by_reason: dict[str, int]
    dockets_considered: int
    objective: float
    weighted_waiting: float
    greedy_weighted_waiting: float | None
    greedy_cases_placed: int
    improvement: float | None
    lp_bound: float | None
    gap: float | None
    solve_seconds: float
    committed_at: dt.datetime | None
    discarded_at: dt.datetime | None


class ProposalItemOut(Schema):
    case_id: str
    unit: str = Field(..., description="Cases of one household share a unit (one session).")
    seats: int
    docket_id: int | None
    docket_date: dt.date | None
    session: str
    courtroom: str
    judge: str
    venue: str
    port: str
    report_at: dt.datetime | None = Field(..., description="UTC.")
    report_local: str = Field(..., description="In the port's zone (Mexican side).")
    reason: str = Field(..., description="Why the case was left out (empty when placed).")
    hearing_id: str | None = Field(..., description="The hearing made by the commit.")


class ProposalDetailOut(ProposalOut):
    items: list[ProposalItemOut]


class ProposalPage(PageOut):
    items: list[ProposalOut]


class ProposalFilters(PageQuery):
    status: StatusCode | None = None


def _token_orgs(request: HttpRequest) -> list[int] | None:
    """Organizations whose cases the token schedules (``None``: all it may)."""
    return None if program_wide(request) else [common.organization(request).pk]


def _visible(request: HttpRequest) -> QuerySet[ScheduleProposal]:
    proposals = scheduling.proposals_for(common.actor(request))
    scope = _token_orgs(request)
    if scope is None:
        return proposals
    allowed = set(scope)
    ids = [
        pk for pk, orgs in proposals.values_list("pk", "organization_ids") if set(orgs) <= allowed
    ]
    return proposals.filter(pk__in=ids)


def _get(request: HttpRequest, proposal_id: int) -> ScheduleProposal:
    proposal = _visible(request).filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_out(proposal: ScheduleProposal) -> ProposalOut:
    return ProposalOut(**_summary(proposal))


def _summary(proposal: ScheduleProposal) -> dict[str, Any]:
    creator = proposal.created_by
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "venues": list(proposal.venue_codes),
        "date_from": proposal.period_start,
        "date_to": proposal.period_end,
        "as_of": proposal.as_of,
        "lead_days": proposal.lead_days,
        "created_at": proposal.created_at,
        "created_by": creator.username if creator is not None else None,
        "method": proposal.method,
        "cases_considered": proposal.cases_considered,
        "cases_placed": proposal.cases_placed,
        "people_placed": proposal.people_placed,
        "cases_unassigned": proposal.cases_unassigned,
        "unassigned_by_reason": dict(proposal.unassigned_counts),
        "dockets_considered": proposal.dockets_considered,
        "objective": proposal.objective,
        "weighted_waiting": proposal.weighted_waiting,
        "greedy_weighted_waiting": proposal.greedy_weighted_waiting,
        "greedy_cases_placed": proposal.greedy_cases_placed,
        "improvement": proposal.improvement,
        "lp_bound": proposal.lp_bound,
        "gap": proposal.gap,
        "solve_seconds": proposal.solve_seconds,
        "committed_at": proposal.committed_at,
        "discarded_at": proposal.discarded_at,
    }


def proposal_detail_out(proposal: ScheduleProposal) -> ProposalDetailOut:
    items = [
        ProposalItemOut(
            case_id=row.case_id,
            unit=row.unit,
            seats=row.seats,
            docket_id=row.docket_id,
            docket_date=row.docket_date,
            session=row.session,
            courtroom=row.courtroom,
            judge=row.judge,
            venue=row.venue_code,
            port=row.port_code,
            report_at=row.report_at,
            report_local=row.report_local,
            reason=row.reason,
            hearing_id=row.hearing_id,
        )
        for row in scheduling.proposal_rows(proposal)
    ]
    return ProposalDetailOut(**_summary(proposal), items=items)


@router.post(
    "/proposals",
    auth=role(Action.DOCKET_MANAGE),
    response={200: ProposalOut, 201: ProposalOut, **CREATE_ERRORS},
    by_alias=True,
)
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Status[ProposalOut]:
    """Run the scheduler for the pending cases of the venues over the period and answer
    its summary: 201 with the saved proposal's id, or 200 with `id` null for a dry run.
    Nothing is booked until the proposal is committed."""
    try:
        proposal = scheduling.propose(
            actor=common.actor(request),
            venue_codes=payload.venues,
            start=payload.date_from,
            end=payload.date_to,
            dry_run=payload.dry_run,
            lead_days=payload.lead_days,
            organization_ids=_token_orgs(request),
        )
    except PermissionDenied as exc:
        raise HttpError(403, "Your organization or role may not do this.") from exc
    return Status(200 if payload.dry_run else 201, proposal_out(proposal))


@router.get(
    "/proposals",
    auth=role(Action.DOCKET_MANAGE),
    response={200: ProposalPage, **LIST_ERRORS},
    by_alias=True,
)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]) -> ProposalPage:
    """Proposals whose cases the token may schedule, newest first."""
    proposals = _visible(request)
    if filters.status is not None:
        proposals = proposals.filter(status=filters.status)
    count, items = common.page(proposals.order_by("-created_at", "-id"), filters)
    return ProposalPage(**common.page_meta(count, filters), items=[proposal_out(p) for p in items])


@router.get(
    "/proposals/{proposal_id}",
    auth=role(Action.DOCKET_MANAGE),
    response={200: ProposalDetailOut, **READ_ERRORS},
    by_alias=True,
)
def get_proposal(request: HttpRequest, proposal_id: int) -> ProposalDetailOut:
    """A proposal with its items: case id, docket (date, session, courtroom, judge) and
    reporting time, or why the case was left out. No personal data."""
    return proposal_detail_out(_get(request, proposal_id))


@router.post(
    "/proposals/{proposal_id}/commit",
    auth=role(Action.DOCKET_MANAGE),
    response={200: ProposalOut, **WRITE_ERRORS},
    by_alias=True,
)
def commit(request: HttpRequest, proposal_id: int) -> ProposalOut:
    """Schedule every placed case of the proposal, all or nothing. 422 naming `docket`
    when a docket filled up since (nothing is scheduled: make a new proposal), or
    `proposal` when it is not open any more or a case changed since."""
    proposal = _get(request, proposal_id)
    try:
        committed = scheduling.commit_proposal(actor=common.actor(request), proposal=proposal)
    except PermissionDenied as exc:
        raise HttpError(403, "Your organization or role may not do this.") from exc
    return proposal_out(committed)


@router.post(
    "/proposals/{proposal_id}/discard",
    auth=role(Action.DOCKET_MANAGE),
    response={200: ProposalOut, **WRITE_ERRORS},
    by_alias=True,
)
def discard(request: HttpRequest, proposal_id: int) -> ProposalOut:
    """Close an open proposal without scheduling anything."""
    proposal = _get(request, proposal_id)
    try:
        discarded = scheduling.discard_proposal(actor=common.actor(request), proposal=proposal)
    except PermissionDenied as exc:
        raise HttpError(403, "Your organization or role may not do this.") from exc
    return proposal_out(discarded)
