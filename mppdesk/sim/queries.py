"""Counts of this installation for the ``current`` scenario: de-identified aggregates only.

Every figure here is a ``COUNT``/``SUM`` grouped by port and week, computed by the
database: no name, A-number, contact value or date of birth is read, nothing is
decrypted, and no encrypted column appears in a filter, a ``values()`` or an ordering.
The counts stay inside the simulator; what it shows of them (``report.describe``) is
per-port totals with 1 to 4 hidden.

**Scope.** As for the statistics: the organizations in which the user holds
``sim.run``, or every organization if one of them is program-wide (the coordinator, a
monitor). Records count for their owning organization. Dockets, templates and places
are program data, the same for everyone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from mppdesk.accounts.permissions import Action, any_program_wide, orgs_where
from mppdesk.cases.models import CaseMember, CaseStatus
from mppdesk.core.clocks import utc_today
from mppdesk.hearings.models import Docket, DocketTemplate, Hearing, HearingStatus, Notice
from mppdesk.messaging.models import Message, MessageStatus, TemplateKind
from mppdesk.places.models import Port
from mppdesk.reminders.models import ReminderPolicy
from mppdesk.sharing.models import ReferralPurpose, ReferralStatus
from mppdesk.transfers.models import GroupStatus, TransferGroup, TransferMember

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

OPEN_CASES = (CaseStatus.INTAKE, CaseStatus.ACTIVE)
NO_PORT = ""  # people whose case names no port: they wait with no docket
HORIZON_WEEKS = 26
#: Weeks of past activity measured (notices served, reminders delivered).
LOOKBACK_WEEKS = 26
ACTIVE_GROUPS = (GroupStatus.PLANNED, GroupStatus.APPROVED, GroupStatus.DEPARTED)


@dataclass(frozen=True)
class Scope:
    """Whose records count: some organizations, or (``None``) all of them."""

    org_ids: tuple[int, ...] | None

    @property
    def program_wide(self) -> bool:
        return self.org_ids is None

    def filter(self, queryset: QuerySet[Any], path: str = "organization") -> QuerySet[Any]:
        if self.org_ids is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.org_ids})


def scope_of(org_ids: list[int]) -> Scope:
    return Scope(None) if any_program_wide(org_ids) else Scope(tuple(sorted(org_ids)))


def scope_for(user: User | None) -> Scope:
    """The user's scope; ``PermissionDenied`` without ``sim.run`` anywhere."""
    org_ids = orgs_where(user, Action.SIM_RUN)
    if not org_ids:
        raise PermissionDenied
    return scope_of(org_ids)


def scope_for_organization(organization: Organization) -> Scope:
    """An API token's scope (it acts for one organization; the role is checked by the caller)."""
    return scope_of([organization.pk])


@dataclass
class Installation:
    """What the ``current`` scenario starts from, as counts."""

    today: dt.date
    # people with an open case, by (port code, weeks since the case was opened)
    waiting: Counter[tuple[str, int]] = field(default_factory=Counter)
    # of them, people with counsel, by port
    counsel: Counter[str] = field(default_factory=Counter)
    # of them, people with a contact point they agreed to be reached on
    reachable: int = 0
    # people on upcoming hearings of open cases, by (port code, week from now)
    booked: Counter[tuple[str, int]] = field(default_factory=Counter)
    # people in transfer groups on their way, by (port code, week from now)
    arrivals: Counter[tuple[str, int]] = field(default_factory=Counter)
    # free docket seats, by (port code, week from now)
    capacity: Counter[tuple[str, int]] = field(default_factory=Counter)
    hearings_with_notice: int = 0  # hearings of the lookback with a notice served
    hearings: int = 0
    reminders_sent: int = 0  # reminder messages the provider took, in the lookback
    reminders_tried: int = 0  # ... and those it took or refused
    reminder_rules: int = 0  # reminder rules in force

    @property
    def people(self) -> int:
        return sum(self.waiting.values())

    def ports(self) -> list[str]:
        codes = {code for code, _w in self.waiting} | {code for code, _w in self.arrivals}
        codes |= {code for code, _w in self.capacity}
        return sorted(codes)


def _week(day: dt.date, today: dt.date) -> int:
    return (day - today).days // 7


def _open_members(scope: Scope) -> QuerySet[CaseMember]:
    """People on open cases who are not on their way in a transfer group."""
    travelling = TransferMember.objects.filter(
        included=True, active=True, group__status__in=ACTIVE_GROUPS
    ).values("person_id")
    members = CaseMember.objects.filter(case__status__in=OPEN_CASES).exclude(
        person_id__in=travelling
    )
    return scope.filter(members, "case__organization")


def installation(scope: Scope, *, today: dt.date | None = None) -> Installation:
    """The installation's state, counted (a few grouped queries)."""
    today = today or utc_today()
    data = Installation(today=today)
    members = _open_members(scope)
    for row in members.values("case__port__code", "case__opened_on").annotate(
        people=Count("person_id", distinct=True)
    ):
        opened = row["case__opened_on"]
        weeks = max(0, -_week(opened, today)) if opened else 0
        data.waiting[(row["case__port__code"] or NO_PORT, weeks)] += row["people"]
    legal = Q(case__organization__kind="legal_services") | Q(
        person__referrals__status=ReferralStatus.ACCEPTED,
        person__referrals__purpose=ReferralPurpose.LEGAL_REPRESENTATION,
    )
    with_counsel = (
        members.filter(legal)
        .values("case__port__code")
        .annotate(people=Count("person_id", distinct=True))
    )
    for port_row in with_counsel:
        data.counsel[port_row["case__port__code"] or NO_PORT] += port_row["people"]
    data.reachable = (
        members.filter(
            person__contact_points__consent=True,
            person__contact_points__opted_out=False,
            person__contact_points__invalid_at__isnull=True,
        )
        .values("person_id")
        .distinct()
        .count()
    )
    _hearings(scope, data)
    _arrivals(scope, data)
    _capacity(data)
    _reminders(scope, data)
    return data


def _hearings(scope: Scope, data: Installation) -> None:
    today = data.today
    end = today + dt.timedelta(weeks=HORIZON_WEEKS)
    now = timezone.now()
    upcoming = scope.filter(
        Hearing.objects.filter(
            status=HearingStatus.SCHEDULED,
            outcome="",
            case__status__in=OPEN_CASES,
            docket__date__gte=today,
            docket__date__lt=end,
        )
    )
    for row in upcoming.values("port__code", "docket__date").annotate(people=Sum("seats")):
        week = _week(row["docket__date"], today)
        data.booked[(row["port__code"] or NO_PORT, week)] += row["people"] or 0
    # Notices: of the hearings of the lookback and the next four weeks, how many had one served.
    served = Notice.objects.filter(hearing=OuterRef("pk"), served_at__isnull=False)
    window = scope.filter(
        Hearing.objects.filter(
            status__in=(HearingStatus.SCHEDULED, HearingStatus.HELD),
            scheduled_at__gte=now - dt.timedelta(weeks=LOOKBACK_WEEKS),
            scheduled_at__lt=now + dt.timedelta(weeks=4),
        )
    )
    counts = window.aggregate(hearings=Count("pk"), served=Count("pk", filter=Q(Exists(served))))
    data.hearings = counts["hearings"] or 0
    data.hearings_with_notice = counts["served"] or 0


def _arrivals(scope: Scope, data: Installation) -> None:
    today = data.today
    groups = scope.filter(
        TransferGroup.objects.filter(
            status__in=ACTIVE_GROUPS, date__lt=today + dt.timedelta(weeks=HORIZON_WEEKS)
        )
    )
    rows = (
        groups.values("pk", "port__code", "date", "target_size")
        .annotate(included=Count("members", filter=Q(members__included=True)))
        .values_list("port__code", "date", "included", "target_size")
    )
    for port, day, included, target in rows:
        # A group not yet planned counts its target size.
        data.arrivals[(port, max(0, _week(day, today)))] += included or target


def _capacity(data: Installation) -> None:
    """Free seats on the dockets ahead; after a venue's last docket, its weekly templates.
    A venue serving several ports is shared by the people waiting at each."""
    today = data.today
    end = today + dt.timedelta(weeks=HORIZON_WEEKS)
    ports_of: dict[int, list[str]] = {}
    for venue_id, code in Port.objects.filter(venue__isnull=False).values_list("venue_id", "code"):
        ports_of.setdefault(venue_id, []).append(code)
    weight: Counter[str] = Counter()
    for (code, _w), people in data.waiting.items():
        weight[code] += people
    for (code, _w), people in data.arrivals.items():
        weight[code] += people
    per_venue: Counter[tuple[int, int]] = Counter()
    last_week: dict[int, int] = {}
    dockets = Docket.objects.filter(date__gte=today, date__lt=end)
    for row in dockets.values("venue_id", "date").annotate(free=Sum(F("capacity") - F("booked"))):
        week = _week(row["date"], today)
        per_venue[(row["venue_id"], week)] += max(0, row["free"] or 0)
        last_week[row["venue_id"]] = max(last_week.get(row["venue_id"], -1), week)
    templates = DocketTemplate.objects.filter(active=True).values("venue_id")
    for weekly in templates.annotate(seats=Sum("capacity")):
        for week in range(last_week.get(weekly["venue_id"], -1) + 1, HORIZON_WEEKS):
            per_venue[(weekly["venue_id"], week)] += weekly["seats"] or 0
    for (venue_id, week), seats in per_venue.items():
        codes = ports_of.get(venue_id, [])
        if not codes:
            continue
        weights = [weight[c] for c in codes]
        total = sum(weights)
        shares = [w / total for w in weights] if total else [1 / len(codes)] * len(codes)
        given = 0
        for i, (code, share) in enumerate(zip(codes, shares, strict=True)):
            part = seats - given if i == len(codes) - 1 else int(round(seats * share))
            given += part
            if part:
                data.capacity[(code, week)] += part


def _reminders(scope: Scope, data: Installation) -> None:
    since = timezone.now() - dt.timedelta(weeks=LOOKBACK_WEEKS)
    sent = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)
    refused = (MessageStatus.FAILED, MessageStatus.UNDELIVERABLE)
    messages = scope.filter(
        Message.objects.filter(template=TemplateKind.REMINDER, created_at__gte=since)
    )
    counts = messages.aggregate(
        sent=Count("pk", filter=Q(status__in=sent)),
        tried=Count("pk", filter=Q(status__in=sent + refused)),
    )
    data.reminders_sent = counts["sent"] or 0
    data.reminders_tried = counts["tried"] or 0
    data.reminder_rules = sum(len(rules or []) for rules in ReminderPolicy.objects.values_list(
        "rules", flat=True
    ))  # fmt: skip
