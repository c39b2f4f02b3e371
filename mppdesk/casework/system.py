"""System tasks: made from what other apps already know, idempotently.

One task per thing (``Task.source_key``, unique per organization and source), so running
``refresh_system_tasks`` again — from the periodic task, the CLI or a signal — creates
nothing new, and a task completed by hand stays completed. Sources:

- ``follow_up``: a service referral with a follow-up date and no closing outcome
  (``assistance``), due on that date; a new date is a new task;
- ``in_absentia``: an open in absentia follow-up (``hearings``), due on the deadline of a
  motion to reopen for exceptional circumstances (180 days after the order);
- ``document_expiry``: an issued document expiring within ``EXPIRY_DAYS``, due on its
  expiry date;
- ``unreachable``: a scheduled hearing within ``UNREACHABLE_DAYS`` whose lead respondent
  has no contact point that may be used, due the day before the hearing.

A task is linked to the person's case (the lead's open case for assistance records) and
given to the case's first worker; a person without a case gets no task.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mppdesk.cases.models import Case, CaseMember
from mppdesk.casework.models import Task, TaskSource
from mppdesk.casework.queries import OPEN_CASE_STATUSES
from mppdesk.casework.services import default_assignee

EXPIRY_DAYS = 30
UNREACHABLE_DAYS = 14


def _case_of_person(person_id: Any, organization_id: int) -> Case | None:
    return (
        Case.objects.filter(
            organization_id=organization_id,
            members__person_id=person_id,
            status__in=OPEN_CASE_STATUSES,
        )
        .order_by("-opened_on", "-created_at")
        .first()
    )


def ensure_task(*, case: Case, source: str, key: str, due_on: dt.date) -> bool:
    """Create the system task once; True if it was created now."""
    if Task.objects.filter(
        organization_id=case.organization_id, source=source, source_key=key
    ).exists():
        return False
    try:
        with transaction.atomic():
            Task.objects.create(
                organization_id=case.organization_id, case=case, title="", due_on=due_on,
                assignee=default_assignee(case), source=source, source_key=key,
            )  # fmt: skip
    except IntegrityError:  # made by a concurrent run
        return False
    return True


def follow_up_task(referral: Any) -> bool:
    from mppdesk.assistance.models import CLOSED_OUTCOMES

    if referral.follow_up_on is None or referral.outcome in CLOSED_OUTCOMES:
        return False
    case = _case_of_person(referral.person_id, referral.organization_id)
    if case is None:
        return False
    key = f"service_referral:{referral.pk}:{referral.follow_up_on.isoformat()}"
    return ensure_task(
        case=case, source=TaskSource.FOLLOW_UP, key=key, due_on=referral.follow_up_on
    )


def in_absentia_task(follow_up: Any) -> bool:
    from mppdesk.hearings.models import FollowUpStatus

    if follow_up.status != FollowUpStatus.OPEN:
        return False
    case = follow_up.hearing.case
    return ensure_task(
        case=case,
        source=TaskSource.IN_ABSENTIA,
        key=f"in_absentia:{follow_up.pk}",
        due_on=follow_up.exceptional_circumstances_deadline,
    )


def expiry_task(document: Any, today: dt.date) -> bool:
    from mppdesk.assistance.models import DocumentStatus

    if document.status != DocumentStatus.ISSUED or document.expires_on is None:
        return False
    if not today <= document.expires_on <= today + dt.timedelta(days=EXPIRY_DAYS):
        return False
    case = _case_of_person(document.person_id, document.organization_id)
    if case is None:
        return False
    key = f"document:{document.pk}:{document.expires_on.isoformat()}"
    return ensure_task(
        case=case, source=TaskSource.DOCUMENT_EXPIRY, key=key, due_on=document.expires_on
    )


def unreachable_tasks(now: dt.datetime) -> int:
    from mppdesk.hearings.models import Hearing, HearingStatus
    from mppdesk.people.models import ContactPoint
    from mppdesk.reminders.planning import CHANNEL_OF_KIND, usable

    hearings = list(
        Hearing.objects.filter(
            status=HearingStatus.SCHEDULED,
            outcome="",
            scheduled_at__gte=now,
            scheduled_at__lt=now + dt.timedelta(days=UNREACHABLE_DAYS),
        ).select_related("case")
    )
    leads = dict(
        CaseMember.objects.filter(
            case_id__in=[h.case_id for h in hearings], role=CaseMember.Role.LEAD
        ).values_list("case_id", "person_id")
    )
    reachable = {
        p.person_id
        for p in ContactPoint.objects.filter(person_id__in=set(leads.values()))
        if p.kind in CHANNEL_OF_KIND and usable(p)
    }
    made = 0
    for hearing in hearings:
        lead = leads.get(hearing.case_id)
        if lead is None or lead in reachable:
            continue
        local_day = timezone.localtime(hearing.scheduled_at).date()
        made += ensure_task(
            case=hearing.case,
            source=TaskSource.UNREACHABLE,
            key=f"unreachable:{hearing.pk}",
            due_on=max(local_day - dt.timedelta(days=1), now.date()),
        )
    return made


def refresh_system_tasks(now: dt.datetime | None = None) -> int:
    """Create every system task due from today's data; the number created."""
    from mppdesk.assistance.models import (
        CLOSED_OUTCOMES,
        DocumentStatus,
        PersonDocument,
        ServiceReferral,
    )
    from mppdesk.hearings.models import FollowUpStatus, InAbsentiaFollowUp

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    made = 0
    for referral in ServiceReferral.objects.filter(follow_up_on__isnull=False).exclude(
        outcome__in=CLOSED_OUTCOMES
    ):
        made += follow_up_task(referral)
    for follow_up in InAbsentiaFollowUp.objects.filter(status=FollowUpStatus.OPEN).select_related(
        "hearing__case"
    ):
        made += in_absentia_task(follow_up)
    for document in PersonDocument.objects.filter(
        status=DocumentStatus.ISSUED,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=EXPIRY_DAYS),
    ):
        made += expiry_task(document, today)
    made += unreachable_tasks(now)
    return made
