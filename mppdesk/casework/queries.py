"""Reads of caseload, tasks, notes and case documents.

All of it is read in the case's own organization only (``person.read`` there): a case
shared with another organization by a referral does not share its notes, files or tasks.
Anything else, and any id that does not parse, is a 404 like a missing row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mppdesk.accounts.models import Membership, User
from mppdesk.accounts.permissions import Action, orgs_where, role_allows
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.casework.models import (
    AssignmentRole,
    CaseAssignment,
    CaseFile,
    CaseNote,
    Task,
    TaskStatus,
)
from mppdesk.core.clocks import utc_today

if TYPE_CHECKING:
    from django.db.models import Model

OPEN_CASE_STATUSES = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.IN_ABSENTIA)


def own_org_ids(user: User | None, action: Action = Action.PERSON_READ) -> list[int]:
    return orgs_where(user, action)


def _one(queryset: QuerySet[Any], user: User | None, pk: Any) -> Any:
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    row = queryset.filter(pk=key, organization_id__in=own_org_ids(user)).first()
    if row is None:
        raise Http404
    return row


def get_case(user: User | None, pk: Any) -> Case:
    """A case of one of the user's own organizations (not one shared by referral)."""
    case: Case = _one(Case.objects.select_related("lead"), user, pk)
    return case


def get_task(user: User | None, pk: Any) -> Task:
    task: Task = _one(Task.objects.select_related("case", "case__lead", "assignee"), user, pk)
    return task


def get_file(user: User | None, pk: Any) -> CaseFile:
    row: CaseFile = _one(CaseFile.objects.select_related("case"), user, pk)
    return row


def get_assignment(user: User | None, pk: Any) -> CaseAssignment:
    row: CaseAssignment = _one(CaseAssignment.objects.select_related("case", "user"), user, pk)
    return row


def members_who_may_work(organization_id: int) -> QuerySet[User]:
    """Staff of the organization whose role may work cases (``person.write``)."""
    roles = [r for r in Membership.Role.values if role_allows(r, Action.PERSON_WRITE)]
    return User.objects.filter(
        memberships__organization_id=organization_id,
        memberships__role__in=roles,
        is_active=True,
    ).order_by("first_name", "last_name", "username")


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- lists -------------------------------------------------------------------------------


def tasks_of(user: User | None) -> QuerySet[Task]:
    return Task.objects.filter(organization_id__in=own_org_ids(user)).select_related(
        "case", "case__lead", "assignee"
    )


def my_tasks(user: User | None, *, include_done: bool = False) -> list[Task]:
    """The user's tasks: open ones, overdue first, then by due date; done ones after."""
    tasks = tasks_of(user).filter(
        Q(assignee=user) | Q(assignee__isnull=True, case__assignments__user=user)
    )
    if not include_done:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    return list(tasks.distinct().order_by("status", "due_on", "created_at"))


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    return task.status == TaskStatus.OPEN and task.due_on < (today or utc_today())


def my_cases(user: User | None) -> QuerySet[Case]:
    """Open cases the user is assigned to (as worker or attorney)."""
    return (
        Case.objects.filter(
            organization_id__in=own_org_ids(user),
            assignments__user=user,
            status__in=OPEN_CASE_STATUSES,
        )
        .select_related("lead", "venue", "port")
        .distinct()
        .order_by("-opened_on", "-created_at")
    )


def mine_filter(user: User | None) -> Q:
    """Cases assigned to the user (for the "mine" filter of lists)."""
    return Q(pk__in=CaseAssignment.objects.filter(user=user).values("case_id"))


def unassigned_cases(user: User | None) -> QuerySet[Case]:
    return (
        Case.objects.filter(organization_id__in=own_org_ids(user), status__in=OPEN_CASE_STATUSES)
        .exclude(assignments__role=AssignmentRole.WORKER)
        .select_related("lead", "venue")
        .order_by("-opened_on", "-created_at")
    )


def team_caseloads(user: User | None) -> list[dict[str, Any]]:
    """Per worker of the user's organizations: open cases and open/overdue tasks
    (three queries whatever the size of the team)."""
    org_ids = own_org_ids(user)
    today = utc_today()
    cases = dict(
        CaseAssignment.objects.filter(
            organization_id__in=org_ids, case__status__in=OPEN_CASE_STATUSES
        )
        .values("user_id")
        .annotate(n=Count("case", distinct=True))
        .values_list("user_id", "n")
    )
    tasks = {
        row["assignee_id"]: row
        for row in Task.objects.filter(organization_id__in=org_ids, status=TaskStatus.OPEN)
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    roles = [r for r in Membership.Role.values if role_allows(r, Action.PERSON_WRITE)]
    workers = (
        User.objects.filter(
            memberships__organization_id__in=org_ids, memberships__role__in=roles, is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    rows = []
    for worker in workers:
        counts = tasks.get(worker.pk, {"open": 0, "overdue": 0})
        rows.append(
            {
                "user": worker,
                "name": display_name(worker),
                "cases": cases.get(worker.pk, 0),
                "open_tasks": counts["open"],
                "overdue_tasks": counts["overdue"],
            }
        )
    return sorted(rows, key=lambda r: (-r["cases"], r["name"]))


def case_panel(user: User | None, case: Case) -> dict[str, Any]:
    """What the case page shows of the casework (only in the case's own organization)."""
    if case.organization_id not in own_org_ids(user):
        return {"visible": False}
    assignments = list(case.assignments.select_related("user"))
    return {
        "visible": True,
        "assignments": assignments,
        "workers": [a for a in assignments if a.role == AssignmentRole.WORKER],
        "attorney": next((a for a in assignments if a.role == AssignmentRole.ATTORNEY), None),
        "assigned_to_me": any(a.user_id == getattr(user, "pk", None) for a in assignments),
        "tasks": list(case.tasks.select_related("assignee").order_by("status", "due_on")),
        "notes": list(case.notes.select_related("author")),
        "files": list(case.files.select_related("uploaded_by")),
        "staff": list(members_who_may_work(case.organization_id)),
        "today": utc_today(),
    }


def ids_of(rows: list[Model]) -> list[Any]:
    return [row.pk for row in rows]


def notes_of(user: User | None, case: Case) -> list[CaseNote]:
    get_case(user, case.pk)
    return list(case.notes.select_related("author"))
