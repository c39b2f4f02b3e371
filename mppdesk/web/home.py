"""What each role's home page shows (``web.views.home``). Reads only, through the apps'
own queries, so every scope rule of the apps applies here too.

- case worker (and attorney, supervisor): my caseload, hearings in the next 14 days of my
  cases with their reach status (``messaging.queries.at_risk``), my tasks due within a
  week and overdue, overdue service-referral follow-ups, recent texts from my clients;
- supervisor (``case.assign``): the team's caseloads and the unassigned cases;
- coordinator: this week's transfer groups, dockets with their load, shelter capacity;
- analyst: the statistics pages; auditor: the latest audit entries;
- administrator: the team, program and audit panels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mppdesk.accounts.models import Membership, User
from mppdesk.accounts.permissions import Action, can, roles_by_org
from mppdesk.core.clocks import utc_today

Role = Membership.Role
CASEWORK_ROLES = {Role.CASEWORKER, Role.ATTORNEY, Role.SUPERVISOR}
PROGRAM_ROLES = {Role.COORDINATOR, Role.ADMIN}
HORIZON_DAYS = 14
TASK_DAYS = 7
RECENT_MESSAGE_DAYS = 14


@dataclass
class HearingReach:
    hearing: Any
    reached: bool
    reasons: list[str] = field(default_factory=list)


def roles_of(user: User) -> set[str]:
    return set(roles_by_org(user).values())


def my_work(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    from mppdesk.assistance.models import CLOSED_OUTCOMES, ServiceReferral
    from mppdesk.cases.models import CaseMember
    from mppdesk.casework import queries as casework
    from mppdesk.hearings.queries import upcoming_for
    from mppdesk.messaging.models import InboundMessage
    from mppdesk.messaging.queries import at_risk
    from mppdesk.people.models import ContactPoint

    now = now or timezone.now()
    today = utc_today()
    cases = list(casework.my_cases(user))
    case_ids = [c.pk for c in cases]
    hearings = list(
        upcoming_for(user, days=HORIZON_DAYS, now=now)
        .filter(case_id__in=case_ids)
        .select_related("case__lead", "docket__venue")
        .order_by("scheduled_at")
    )
    risks: dict[Any, list[str]] = {}
    if hearings:
        for row in at_risk(user, days=HORIZON_DAYS, now=now):
            if row.hearing.case_id in case_ids:
                risks.setdefault(row.hearing.pk, []).extend(row.reason_labels)
    reach = [HearingReach(h, h.pk not in risks, sorted(set(risks.get(h.pk, [])))) for h in hearings]
    tasks = [t for t in casework.my_tasks(user) if t.due_on <= today + dt.timedelta(days=TASK_DAYS)]
    person_ids = list(
        CaseMember.objects.filter(case_id__in=case_ids).values_list("person_id", flat=True)
    )
    follow_ups = list(
        ServiceReferral.objects.visible_to(user)
        .filter(person_id__in=person_ids, follow_up_on__lt=today)
        .exclude(outcome__in=CLOSED_OUTCOMES)
        .select_related("person", "provider", "need")
        .order_by("follow_up_on")[:20]
    )
    points = {
        p.value_bidx: p.person
        for p in ContactPoint.objects.filter(person_id__in=person_ids).select_related("person")
    }
    inbound = []
    if points:
        for message in InboundMessage.objects.filter(
            sender_bidx__in=list(points),
            created_at__gte=now - dt.timedelta(days=RECENT_MESSAGE_DAYS),
        ).order_by("-created_at")[:10]:
            inbound.append({"message": message, "person": points[message.sender_bidx]})
    return {
        "cases": cases,
        "hearings": reach,
        "tasks": tasks,
        "follow_ups": follow_ups,
        "inbound": inbound,
        "today": today,
    }


def team(user: User) -> dict[str, Any]:
    from mppdesk.casework import queries as casework

    unassigned = casework.unassigned_cases(user)
    return {
        "caseloads": casework.team_caseloads(user),
        "unassigned": list(unassigned[:10]),
        "unassigned_count": unassigned.count(),
    }


def program_week(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """This week's transfer groups (else the next ones), dockets summed per venue, and
    tonight's shelter places in the receiving cities of those groups."""
    from django.db.models import Count, Sum

    from mppdesk.hearings.queries import dockets_in
    from mppdesk.transfers.queries import capacity_by_city, groups_for

    today = today or utc_today()
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=6)
    groups = list(groups_for(user).filter(date__gte=start, date__lte=end).order_by("date"))
    next_groups = []
    if not groups:
        next_groups = list(groups_for(user).filter(date__gt=end).order_by("date")[:5])
    venues = []
    if can(user, Action.DOCKET_READ):
        venues = list(
            dockets_in(user, start=start, end=end)
            .order_by()
            .values("venue__name")
            .annotate(dockets=Count("pk"), booked=Sum("booked"), capacity=Sum("capacity"))
            .order_by("-booked", "venue__name")
        )
    cities = sorted({g.receiving_city for g in groups + next_groups})
    capacity = []
    for city in cities:
        points = capacity_by_city(city, today, today)
        if points:
            capacity.append({"city": city, "point": points[0]})
    return {
        "start": start, "end": end, "groups": groups, "next_groups": next_groups,
        "venues": venues, "capacity": capacity,
    }  # fmt: skip


def audit_recent(user: User) -> list[Any]:
    from mppdesk.audit.queries import entries_for

    return list(entries_for(user).select_related("actor").order_by("-seq")[:10])


def home_context(user: User) -> dict[str, Any]:
    """What the home page shows; ``PermissionDenied`` for a user signed in with no role
    anywhere (no membership, or only inactive organizations)."""
    roles = roles_of(user)
    if not roles:
        raise PermissionDenied
    context: dict[str, Any] = {"roles": roles}
    if roles & CASEWORK_ROLES and can(user, Action.PERSON_READ):
        context["work"] = my_work(user)
    if can(user, Action.CASE_ASSIGN):
        context["team"] = team(user)
    if roles & PROGRAM_ROLES and (can(user, Action.TRANSFER_READ) or can(user, Action.DOCKET_READ)):
        context["program"] = program_week(user)
    if Role.ANALYST in roles or Role.ADMIN in roles:
        context["stats_links"] = True
    if can(user, Action.AUDIT_READ):
        context["audit"] = audit_recent(user)
    return context
