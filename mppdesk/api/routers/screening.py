"""Screening: facts, decisions with their rules and reasons, reviews, fear interviews and
the rules of each guidance version. Mounted at ``/screening`` by ``api/main.py``.

People and households are those of the token's organization (another organization's is
a 404, like a missing one). Reading needs ``person.read``; screening, reviewing and
interviews need ``screening.decide``; the "current" rules ``screening.rules.manage``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import StrictInput
from mppdesk.core.errors import FieldErrors
from mppdesk.people import queries as people_queries
from mppdesk.people.models import Household, Person
from mppdesk.screening import queries, services
from mppdesk.screening.models import NonRefoulementInterview, ScreeningDecision

router = Router()

VersionCode = Literal["2019", "2021", "current"]
ResultCode = Literal["amenable", "exempt"]
FearHowCode = Literal["asked", "volunteered"]
OutcomeCode = Literal["", "positive", "negative"]


class ReasonOut(Schema):
    rule: str
    reason: str
    member: int | None = None


class DecisionOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID | None
    version: str
    result: str
    household_result: str
    effective_result: str
    reasons: list[ReasonOut]
    status: str
    final_result: str
    reviewed_at: dt.datetime | None
    decided_at: dt.datetime


class FactsOut(Schema):
    flags: list[str]
    fear_asked: bool
    fear_expressed: bool
    fear_how: str
    fear_expressed_at: dt.datetime | None


class InterviewOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    version: str
    fear_how: str
    counsel_notified_at: dt.datetime | None
    earliest_interview_at: dt.datetime | None
    interview_at: dt.datetime | None
    standard: str
    outcome: str


class ScreeningOut(Schema):
    person_id: uuid.UUID
    facts: FactsOut | None
    decision: DecisionOut | None
    interviews: list[InterviewOut]


class HouseholdScreeningOut(Schema):
    result: str
    reasons: list[ReasonOut]
    decisions: list[DecisionOut]


class FactsIn(StrictInput):
    flags: list[StrictStr] = []
    fear_asked: StrictBool | None = None
    fear_expressed: StrictBool | None = None
    fear_how: FearHowCode | None = None


class ScreenIn(StrictInput):
    version: VersionCode


class ReviewIn(StrictInput):
    result: ResultCode
    note: StrictStr = ""


class InterviewIn(StrictInput):
    version: VersionCode
    fear_how: FearHowCode
    counsel_notified_at: dt.datetime | None = None
    interview_at: dt.datetime | None = None
    outcome: OutcomeCode = ""
    notes: StrictStr = ""


class InterviewPatch(StrictInput):
    counsel_notified_at: dt.datetime | None = None
    interview_at: dt.datetime | None = None
    outcome: OutcomeCode = ""
    notes: StrictStr = ""


class RulesOut(Schema):
    version: str
    enabled: list[str]
    elderly_age: int | None
    health_vulnerabilities: list[str]
    fear_requires_volunteered: bool
    fear_standard: str
    counsel_hours: int


class RulesIn(StrictInput):
    enabled: list[StrictStr]
    elderly_age: StrictInt | None = None
    health_vulnerabilities: list[StrictStr] = ["medical", "mental_health"]
    fear_requires_volunteered: StrictBool = False
    fear_standard: Literal["more_likely_than_not", "reasonable_possibility"] = (
        "reasonable_possibility"
    )
    counsel_hours: StrictInt = 24


def _decision(row: ScreeningDecision) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "household_id": row.household_id,
        "version": row.version,
        "result": row.result,
        "household_result": row.household_result,
        "effective_result": row.effective_result,
        "reasons": row.reasons,
        "status": row.status,
        "final_result": row.final_result,
        "reviewed_at": row.reviewed_at,
        "decided_at": row.decided_at,
    }


def _interview(row: NonRefoulementInterview) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "version": row.version,
        "fear_how": row.fear_how,
        "counsel_notified_at": row.counsel_notified_at,
        "earliest_interview_at": row.earliest_interview_at,
        "interview_at": row.interview_at,
        "standard": row.standard,
        "outcome": row.outcome,
    }


def _person(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person: Person = common.check_token_scope(
        request, people_queries.get_person(common.actor(request), person_id)
    )
    return person


def _own_person(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person: Person = common.check_token_owner(
        request, people_queries.get_person(common.actor(request), person_id)
    )
    return person


def _own_household(request: HttpRequest, household_id: uuid.UUID) -> Household:
    household: Household = common.check_token_owner(
        request, people_queries.get_household(common.actor(request), household_id)
    )
    return household


def _screening(request: HttpRequest, person: Person) -> dict[str, Any]:
    user = common.actor(request)
    facts, decision = queries.screening_for_view(user, person)
    return {
        "person_id": person.pk,
        "facts": None
        if facts is None
        else {
            "flags": facts.flags,
            "fear_asked": facts.fear_asked,
            "fear_expressed": facts.fear_expressed,
            "fear_how": facts.fear_how,
            "fear_expressed_at": facts.fear_expressed_at,
        },
        "decision": _decision(decision) if decision else None,
        "interviews": [_interview(i) for i in queries.interviews_of(user, person)],
    }


def _household_out(result: services.HouseholdScreening) -> dict[str, Any]:
    return {
        "result": result.result,
        "reasons": result.decision.reasons_json(),
        "decisions": [_decision(r) for r in result.records],
    }


@router.get(
    "/people/{person_id}",
    auth=role(Action.PERSON_READ),
    response={200: ScreeningOut, **READ_ERRORS},
)
def get_screening(request: HttpRequest, person_id: uuid.UUID) -> dict[str, Any]:
    """A person's screening facts, latest decision (every rule and reason) and interviews."""
    return _screening(request, _person(request, person_id))


@router.post(
    "/people/{person_id}/facts",
    auth=role(Action.SCREENING_DECIDE),
    response={200: ScreeningOut, **WRITE_ERRORS},
)
def record_facts(request: HttpRequest, person_id: uuid.UUID, payload: FactsIn) -> dict[str, Any]:
    """Records roster flags (replacing earlier ones) and the fear question."""
    person = _own_person(request, person_id)
    services.record_facts(
        actor=common.actor(request),
        person=person,
        flags=payload.flags,
        fear_asked=payload.fear_asked,
        fear_expressed=payload.fear_expressed,
        fear_how=payload.fear_how,
    )
    return _screening(request, person)


@router.post(
    "/people/{person_id}/screen",
    auth=role(Action.SCREENING_DECIDE),
    response={201: HouseholdScreeningOut, **WRITE_ERRORS},
)
def screen_person(
    request: HttpRequest, person_id: uuid.UUID, payload: ScreenIn
) -> Status[dict[str, Any]]:
    """Screens the person together with their household; records proposed decisions."""
    person = _own_person(request, person_id)
    result = services.screen_person(
        actor=common.actor(request), person=person, version=payload.version
    )
    return Status(201, _household_out(result))


@router.post(
    "/households/{household_id}/screen",
    auth=role(Action.SCREENING_DECIDE),
    response={201: HouseholdScreeningOut, **WRITE_ERRORS},
)
def screen_household(
    request: HttpRequest, household_id: uuid.UUID, payload: ScreenIn
) -> Status[dict[str, Any]]:
    """Screens every member of a household together (any member exempt: review)."""
    household = _own_household(request, household_id)
    people = [m.person for m in household.members.select_related("person").order_by("id")]
    result = services.screen_household(
        actor=common.actor(request), people=people, version=payload.version
    )
    return Status(201, _household_out(result))


@router.post(
    "/decisions/{decision_id}/review",
    auth=role(Action.SCREENING_DECIDE),
    response={200: DecisionOut, **WRITE_ERRORS},
)
def review_decision(
    request: HttpRequest, decision_id: uuid.UUID, payload: ReviewIn
) -> dict[str, Any]:
    """Confirms (the proposed result) or overrides (another result, `note` required) a
    decision. Refused (422 on `result`) when it would split a household."""
    user = common.actor(request)
    decision = common.check_token_owner(request, queries.get_decision(user, decision_id))
    if payload.result == decision.result:
        row = services.confirm_decision(actor=user, decision=decision, note=payload.note)
    else:
        row = services.override_decision(
            actor=user, decision=decision, result=payload.result, note=payload.note
        )
    return _decision(row)


@router.post(
    "/households/{household_id}/review",
    auth=role(Action.SCREENING_DECIDE),
    response={200: list[DecisionOut], **WRITE_ERRORS},
)
def review_household(
    request: HttpRequest, household_id: uuid.UUID, payload: ReviewIn
) -> list[dict[str, Any]]:
    """Decides every member of the household together with one result."""
    household = _own_household(request, household_id)
    decisions = services.latest_household_decisions(household)
    if not decisions:
        raise FieldErrors({"result": ["Screen the household first."]})
    rows = services.review_household(
        actor=common.actor(request), decisions=decisions, result=payload.result, note=payload.note
    )
    return [_decision(r) for r in rows]


@router.post(
    "/people/{person_id}/interviews",
    auth=role(Action.SCREENING_DECIDE),
    response={201: InterviewOut, **WRITE_ERRORS},
)
def record_interview(
    request: HttpRequest, person_id: uuid.UUID, payload: InterviewIn
) -> Status[dict[str, Any]]:
    """Records a non-refoulement interview. For versions with time to reach counsel
    (2021: 24 hours), `interview_at` earlier than `counsel_notified_at` plus that time
    is a 422 naming `interview_at`."""
    person = _own_person(request, person_id)
    row = services.record_interview(
        actor=common.actor(request),
        person=person,
        version=payload.version,
        fear_how=payload.fear_how,
        counsel_notified_at=payload.counsel_notified_at,
        interview_at=payload.interview_at,
        outcome=payload.outcome,
        notes=payload.notes,
    )
    return Status(201, _interview(row))


@router.patch(
    "/interviews/{interview_id}",
    auth=role(Action.SCREENING_DECIDE),
    response={200: InterviewOut, **WRITE_ERRORS},
)
def update_interview(
    request: HttpRequest, interview_id: uuid.UUID, payload: InterviewPatch
) -> dict[str, Any]:
    """Changes an interview's times, outcome or notes (same checks)."""
    user = common.actor(request)
    interview = common.check_token_owner(request, queries.get_interview(user, interview_id))
    row = services.update_interview(
        actor=user,
        interview=interview,
        counsel_notified_at=payload.counsel_notified_at,
        interview_at=payload.interview_at,
        outcome=payload.outcome,
        notes=payload.notes,
    )
    return _interview(row)


def _rules_out(version: str) -> dict[str, Any]:
    return {"version": version, **services.ruleset(version).to_json()}


@router.get(
    "/rules/{version}", auth=role(Action.SCREENING_DECIDE), response={200: RulesOut, **READ_ERRORS}
)
def get_rules(request: HttpRequest, version: VersionCode) -> dict[str, Any]:
    """The enabled rules and parameters of a guidance version."""
    return _rules_out(version)


@router.patch(
    "/rules/{version}",
    auth=role(Action.SCREENING_RULES_MANAGE),
    response={200: RulesOut, **WRITE_ERRORS},
)
def update_rules(
    request: HttpRequest, version: Literal["current"], payload: RulesIn
) -> dict[str, Any]:
    """Replaces the rules and parameters of the "current" version (administrators); the
    2019 and 2021 versions are fixed (422 on `version`)."""
    services.update_current_rules(actor=common.actor(request), data=payload.model_dump())
    return _rules_out("current")
