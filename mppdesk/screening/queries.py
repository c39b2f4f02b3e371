"""Reads of screening records, scoped to what the user may see (404 otherwise)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.core.access import get_visible_or_404
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.screening import services
from mppdesk.screening.models import (
    DecisionStatus,
    NonRefoulementInterview,
    Result,
    ScreeningDecision,
    ScreeningFacts,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from mppdesk.accounts.models import User
    from mppdesk.people.models import Household, Person

#: What a read of a person's screening is filed as, on every channel (web page, API).
SCREENING_VIEW_FIELDS = ("flags", "fear", "decision", "reasons", "interviews")


def may_decide(user: User | None, organization_id: int) -> bool:
    """Acting on a screening needs ``screening.decide`` in the record's (owning)
    organization; a record shared with the user's organization may be read, not decided."""
    return can(user, Action.SCREENING_DECIDE, organization_id)


def screening_for_view(
    actor: User | None, person: Person
) -> tuple[ScreeningFacts | None, ScreeningDecision | None]:
    """The facts and latest decision of a person the caller has read (through
    ``people.queries``), for display; records the read of the person's screening in the
    audit log under the person's owning organization, the same entry on every channel."""
    facts = facts_of(actor, person)
    decision = latest_decision(actor, person)
    audit.record_view(
        actor=actor, obj=person, object_type=ObjectType.SCREENING, fields=SCREENING_VIEW_FIELDS
    )
    return facts, decision


def record_household_screening_viewed(actor: User | None, household: Household) -> None:
    """The screening of a household's members was shown (the household page)."""
    audit.record_view(
        actor=actor,
        obj=household,
        object_type=ObjectType.HOUSEHOLD_SCREENING,
        fields=SCREENING_VIEW_FIELDS,
    )


def facts_of(user: User | None, person: Person) -> ScreeningFacts | None:
    return ScreeningFacts.objects.visible_to(user).filter(person=person).first()


def latest_decision(user: User | None, person: Person) -> ScreeningDecision | None:
    return (
        ScreeningDecision.objects.visible_to(user)
        .filter(person=person)
        .order_by("-decided_at", "-created_at")
        .first()
    )


def get_decision(user: User | None, pk: Any) -> ScreeningDecision:
    decision: ScreeningDecision = get_visible_or_404(ScreeningDecision.objects.all(), user, pk)
    return decision


def interviews_of(user: User | None, person: Person) -> QuerySet[NonRefoulementInterview]:
    return NonRefoulementInterview.objects.visible_to(user).filter(person=person)


def get_interview(user: User | None, pk: Any) -> NonRefoulementInterview:
    interview: NonRefoulementInterview = get_visible_or_404(
        NonRefoulementInterview.objects.all(), user, pk
    )
    return interview


def review_queue(user: User | None, limit: int = 200) -> list[ScreeningDecision]:
    """One decision per household (or person alone) whose latest screening is in review
    and not yet decided by a reviewer, newest first."""
    candidates = list(
        ScreeningDecision.objects.visible_to(user)
        .filter(household_result=Result.REVIEW, status=DecisionStatus.PROPOSED)
        .select_related("person")
        .order_by("-decided_at", "-created_at")[: limit * 8]
    )
    latest = services.decisions_for({c.person_id for c in candidates})
    seen: set[uuid.UUID] = set()
    queue: list[ScreeningDecision] = []
    for row in candidates:
        if latest[row.person_id].pk != row.pk:
            continue
        key = row.household_id or row.person_id
        if key in seen:
            continue
        seen.add(key)
        queue.append(row)
        if len(queue) >= limit:
            break
    return queue
