"""De-identified dashboards: weekly figures of the program, rounded like every statistic.

Each panel is a ``queries.BaseTable`` of true counts per **group** — here one
organization, one port of entry and one ISO week (``2026-W05``) — published through
``queries.publish``, so every cell and margin is a sum of base cells rounded by the
cell-key controlled rounding of ``rounding.py`` (docs/statistics.md). The filters (a port
and a range of weeks) and the viewer's scope only ever take whole groups: differences
between filtered views are sums of rounded base cells too.

Panels form a small registry (``register``): an app that owns other records (services,
incidents) can add its panel from its ``ready()`` without this module importing it.

Who may see them: ``stats.research`` (``accounts.permissions``), held by analysts; a user
who holds it in a program-wide organization sees every organization.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, Exists, F, Max, Min, OuterRef, QuerySet, Value, When
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, orgs_where
from mppdesk.cases.models import Case, CaseMember, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings.models import (
    FollowUpStatus,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Outcome,
)
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.people.models import Person
from mppdesk.places.models import Port
from mppdesk.sharing.models import Referral, ReferralPurpose, ReferralStatus
from mppdesk.stats.queries import BaseTable, Column, Kind, Scope, Table, publish, scope_of
from mppdesk.stats.rounding import Group, Rounder
from mppdesk.transfers.models import GroupStatus, TransferMember

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# --- weeks ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week (Monday to Sunday)."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """``2026-W05``, or a date ``2026-02-03`` (the week that holds it)."""
        text = text.strip()
        if match := WEEK_RE.match(text):
            year, week = int(match[1]), int(match[2])
            if not 1900 <= year <= 2999:
                raise ValueError(text)
            try:
                dt.date.fromisocalendar(year, week, 1)
            except ValueError as exc:
                raise ValueError(text) from exc
            return cls(year, week)
        if match := DATE_RE.match(text):
            try:
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError as exc:
                raise ValueError(text) from exc
            if not 1900 <= day.year <= 2999:
                raise ValueError(text)
            return cls.of(day)
        raise ValueError(text)

    @classmethod
    def of(cls, day: dt.date) -> Week:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    def next(self) -> Week:
        return Week.of(self.monday + dt.timedelta(days=7))

    def start(self) -> dt.datetime:
        """Midnight of the Monday, in the site's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.monday, dt.time.min))


def week_of(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return str(Week.of(value))


def week_label(key: str) -> str:
    week = Week.parse(key)
    return _("Week of %(date)s") % {"date": formats.date_format(week.monday, "DATE_FORMAT")}


# --- scope and filters ------------------------------------------------------------------


def scope_for(user: User | None) -> Scope:
    """The viewer's scope; ``Http404`` without ``stats.research`` in any organization."""
    org_ids = orgs_where(user, Action.STATS_RESEARCH)
    if not org_ids:
        raise Http404
    return scope_of(org_ids)


@dataclass(frozen=True)
class Filters:
    port: Port | None = None
    from_week: Week | None = None
    to_week: Week | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "port": self.port.code if self.port else None,
            "from_week": str(self.from_week) if self.from_week else None,
            "to_week": str(self.to_week) if self.to_week else None,
        }


def clean_filters(
    *, port: str | None = None, from_week: str | None = None, to_week: str | None = None
) -> Filters:
    """Filters from raw values: a port code and weeks (``YYYY-Www`` or a date, read as the
    week that holds it). Raises ``FieldErrors`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    port_obj = None
    if port and port.strip():
        port_obj = Port.objects.filter(code=port.strip()).first()
        if port_obj is None:
            errors["port"] = [_("Unknown port of entry.")]
    weeks: dict[str, Week | None] = {}
    for name, value in (("from_week", from_week), ("to_week", to_week)):
        weeks[name] = None
        if value and value.strip():
            try:
                weeks[name] = Week.parse(value)
            except ValueError:
                errors[name] = [_("Give a week as YYYY-Www (2026-W05) or a date as YYYY-MM-DD.")]
    start, end = weeks["from_week"], weeks["to_week"]
    if start and end and start > end:
        errors["to_week"] = [_("The end is before the start.")]
    if errors:
        raise FieldErrors(errors)
    return Filters(port=port_obj, from_week=start, to_week=end)


# --- reading records by group -----------------------------------------------------------


class Source:
    """The records of a dashboard: scope and filters applied to each kind of record."""

    def __init__(self, scope: Scope, filters: Filters) -> None:
        self.scope, self.filters = scope, filters

    def restrict(
        self, qs: QuerySet[Any], *, org: str, port: str, when: str, is_date: bool = False
    ) -> QuerySet[Any]:
        """``qs`` within the scope, the port and the weeks (whole groups only)."""
        f = self.filters
        if self.scope.org_ids is not None:
            qs = qs.filter(**{f"{org}__in": list(self.scope.org_ids)})
        if f.port is not None:
            qs = qs.filter(**{port: f.port.code})
        if f.from_week is not None:
            qs = qs.filter(
                **{f"{when}__gte": f.from_week.monday if is_date else f.from_week.start()}
            )
        if f.to_week is not None:
            end = f.to_week.next()
            qs = qs.filter(**{f"{when}__lt": end.monday if is_date else end.start()})
        return qs.order_by()

    def weekly(
        self,
        qs: QuerySet[Any],
        *,
        org: str,
        port: str,
        when: str,
        is_date: bool = False,
        by: Iterable[str] = (),
    ) -> list[tuple[Group, dict[str, Any], int]]:
        """(group, the ``by`` values, number of records) of ``qs`` after ``restrict``."""
        qs = self.restrict(qs, org=org, port=port, when=when, is_date=is_date).filter(
            **{f"{when}__isnull": False}
        )
        bounds = qs.aggregate(first=Min(when), last=Max(when))
        if bounds["first"] is None:
            return []
        rows = (
            qs.annotate(
                g_org=F(org), g_port=F(port), g_week=_week_expression(when, bounds, is_date)
            )
            .values("g_org", "g_port", "g_week", *by)
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [
            ((r["g_org"], r["g_port"] or "", r["g_week"]), {k: r[k] for k in by}, r["n"])
            for r in rows
        ]


def _week_expression(column: str, bounds: dict[str, Any], is_date: bool) -> Any:
    """SQL for the ISO week key of ``column``: one comparison per week boundary (no
    database date functions, which SQLite would call back into Python for)."""
    first, last = bounds["first"], bounds["last"]
    if not is_date:
        first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
    week, final = Week.of(first), Week.of(last)
    whens = []
    while week <= final:
        nxt = week.next()
        whens.append(
            When(**{f"{column}__lt": nxt.monday if is_date else nxt.start()}, then=Value(str(week)))
        )
        week = nxt
    return SqlCase(*whens, default=Value(""), output_field=CharField())


# --- the panels -------------------------------------------------------------------------


class Chart(StrEnum):
    COLUMNS = "columns"  # a column per row (weeks), the first figure
    STACKED = "stacked"  # a column per row, stacked by the parts (split tables)
    BARS = "bars"  # a horizontal bar per row (categories)


@dataclass(frozen=True)
class Panel:
    name: str
    title: Any  # lazy text
    build: Callable[[Source], BaseTable]
    chart: Chart


PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Add a panel (an app owning other records may call this from its ``ready()``)."""
    if panel.name in PANELS:
        raise ValueError(f"panel {panel.name!r} is registered already")
    PANELS[panel.name] = panel
    return panel


def panel(name: str, title: Any, chart: Chart) -> Callable[[Callable[[Source], BaseTable]], Any]:
    def decorate(build: Callable[[Source], BaseTable]) -> Callable[[Source], BaseTable]:
        register(Panel(name, title, build, chart))
        return build

    return decorate


def _label_weeks(table: BaseTable) -> BaseTable:
    """Every week from the first to the last with a count (``span`` shows those between
    the first and last that round above 0)."""
    keys = sorted({k for rows in table.cells.values() for k, c in rows.items() if any(c)})
    if keys:
        week, last = Week.parse(keys[0]), Week.parse(keys[-1])
        while week <= last:
            table.labels[str(week)] = week_label(str(week))
            week = week.next()
    table.span = True
    return table


def _by_week(table: BaseTable, rows: Iterable[tuple[Group, dict[str, Any], int]]) -> BaseTable:
    for group, _values, n in rows:
        table.add(group, group[2], [n])
    return _label_weeks(table)


@panel("enrolment", gettext_lazy("People enrolled per week"), Chart.COLUMNS)
def enrolment(s: Source) -> BaseTable:
    table = BaseTable(
        "enrolment", _("People enrolled per week"), Kind.PARTITION,
        [Column("people", _("People"))], population="dashboard:people",
        note=_("By the week the person was registered, at their household's port."),
    )  # fmt: skip
    rows = s.weekly(
        Person.objects.all(), org="organization_id",
        port="household_membership__household__port__code", when="created_at",
    )  # fmt: skip
    return _by_week(table, rows)


OPEN_CASE = (CaseStatus.INTAKE, CaseStatus.ACTIVE)


@panel("waiting_by_city", gettext_lazy("People waiting, by border city"), Chart.BARS)
def waiting_by_city(s: Source) -> BaseTable:
    table = BaseTable(
        "waiting_by_city", _("People waiting, by border city"), Kind.PARTITION,
        [Column("people", _("People"))], population="dashboard:waiting", sort_by_count=True,
        note=_(
            "People on a case in intake or in proceedings, by the city of the case's port; "
            "the period filters on the week the case was registered."
        ),
    )  # fmt: skip
    rows = s.weekly(
        CaseMember.objects.filter(case__status__in=OPEN_CASE), org="case__organization_id",
        port="case__port__code", when="case__created_at",
    )  # fmt: skip
    for group, _values, n in rows:
        table.add(group, group[1], [n])
    present = {g[1] for g, _v, n in rows if n}
    cities = dict(Port.objects.filter(code__in=present).values_list("code", "mexican_city"))
    for code in sorted(present):
        table.labels[code] = cities.get(code) or _("No port recorded")
    return table


WAIT_BANDS: list[tuple[str, int, int | None]] = [
    ("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-180", 91, 180),
    ("181-365", 181, 365), ("366+", 366, None),
]  # fmt: skip


def wait_band(days: int) -> str:
    days = max(days, 0)
    return next(k for k, low, high in WAIT_BANDS if days >= low and (high is None or days <= high))


@panel("first_hearing", gettext_lazy("Time from return to first hearing"), Chart.BARS)
def first_hearing(s: Source) -> BaseTable:
    table = BaseTable(
        "first_hearing", _("Time from return to first hearing"), Kind.PARTITION,
        [Column("cases", _("Cases"))], population="dashboard:cases-heard",
        note=_(
            "Cases with a hearing, by the days from the case's opening (the return to "
            "Mexico) to its first hearing; the period filters on the week of the opening."
        ),
    )  # fmt: skip
    for key, low, high in WAIT_BANDS:
        label = (
            _("%(low)s–%(high)s days") % {"low": low, "high": high}
            if high is not None
            else _("More than a year")
        )
        table.fixed([(key, label)])
    cases = s.restrict(
        Case.objects.filter(opened_on__isnull=False), org="organization_id", port="port__code",
        when="opened_on", is_date=True,
    ).annotate(first=Min("hearings__scheduled_at")).filter(first__isnull=False)  # fmt: skip
    counter: Counter[tuple[Group, str]] = Counter()
    for org, port, opened, first in cases.values_list(
        "organization_id", "port__code", "opened_on", "first"
    ).iterator(chunk_size=5000):
        days = (timezone.localtime(first).date() - opened).days
        counter[((org, port or "", week_of(opened)), wait_band(days))] += 1
    for (group, band), n in counter.items():
        table.add(group, band, [n])
    return table


MISSED = (Outcome.FAILED_TO_APPEAR, Outcome.REMOVAL_IN_ABSENTIA)


def hearings_in(s: Source) -> QuerySet[Hearing]:
    return Hearing.objects.exclude(status=HearingStatus.CANCELLED)


@panel("hearings", gettext_lazy("Hearings held, missed and continued"), Chart.STACKED)
def hearings(s: Source) -> BaseTable:
    table = BaseTable(
        "hearings", _("Hearings held, missed and continued"), Kind.SPLIT,
        [
            Column("hearings", _("Hearings")),
            Column("held", _("Held")),
            Column("missed", _("Missed")),
            Column("continued", _("Continued")),
            Column("pending", _("No outcome recorded")),
        ],
        note=_(
            "Hearings not cancelled, by the week they were set for. Missed: failed to "
            "appear or ordered removed in absentia."
        ),
    )  # fmt: skip
    rows = s.weekly(
        hearings_in(s), org="organization_id", port="port__code", when="scheduled_at",
        by=["outcome"],
    )  # fmt: skip
    for group, values, n in rows:
        outcome = values["outcome"]
        part = (
            3
            if not outcome
            else 1
            if outcome in MISSED
            else 2
            if outcome == Outcome.CONTINUED
            else 0
        )
        counts = [n, 0, 0, 0, 0]
        counts[1 + part] = n
        table.add(group, group[2], counts)
    return _label_weeks(table)


@panel("in_absentia", gettext_lazy("In absentia orders and motions to reopen"), Chart.COLUMNS)
def in_absentia(s: Source) -> BaseTable:
    table = BaseTable(
        "in_absentia", _("In absentia orders and motions to reopen"), Kind.INDEPENDENT,
        [Column("orders", _("Orders in absentia")), Column("motions", _("Motions to reopen filed"))],
        bars=True,
        note=_(
            "By the week of the order. A motion counts while its follow-up says a motion "
            "to reopen was filed."
        ),
    )  # fmt: skip
    rows = s.weekly(
        InAbsentiaFollowUp.objects.all(), org="organization_id", port="hearing__port__code",
        when="order_date", is_date=True, by=["status"],
    )  # fmt: skip
    for group, values, n in rows:
        table.add(group, group[2], [n, n if values["status"] == FollowUpStatus.MOTION_FILED else 0])
    return _label_weeks(table)


DELIVERED = (MessageStatus.DELIVERED, MessageStatus.READ)


@panel("reach", gettext_lazy("Reach: reminders delivered before each hearing"), Chart.STACKED)
def reach(s: Source) -> BaseTable:
    table = BaseTable(
        "reach", _("Reach: reminders delivered before each hearing"), Kind.SPLIT,
        [
            Column("hearings", _("Hearings")),
            Column("reached", _("A reminder delivered")),
            Column("not_reached", _("None delivered")),
        ],
        note=_(
            "Hearings not cancelled, by week, and whether a message about the hearing was "
            "delivered (or read) before it began."
        ),
    )  # fmt: skip
    delivered = Message.objects.filter(
        hearing=OuterRef("pk"), status__in=DELIVERED, sent_at__lt=OuterRef("scheduled_at")
    )
    rows = s.weekly(
        hearings_in(s).annotate(reached=Exists(delivered)), org="organization_id",
        port="port__code", when="scheduled_at", by=["reached"],
    )  # fmt: skip
    for group, values, n in rows:
        table.add(group, group[2], [n, n, 0] if values["reached"] else [n, 0, n])
    return _label_weeks(table)


@panel("representation", gettext_lazy("Representation"), Chart.BARS)
def representation(s: Source) -> BaseTable:
    table = BaseTable(
        "representation", _("Representation"), Kind.PARTITION, [Column("cases", _("Cases"))],
        population="dashboard:cases",
        note=_(
            "Cases by whether the lead person was referred for legal representation and "
            "the referral accepted; the period filters on the week the case was registered."
        ),
    )  # fmt: skip
    table.fixed(
        [("represented", _("Represented")), ("unrepresented", _("No representation recorded"))]
    )
    accepted = Referral.objects.filter(
        person=OuterRef("lead"),
        purpose=ReferralPurpose.LEGAL_REPRESENTATION,
        status=ReferralStatus.ACCEPTED,
    )
    rows = s.weekly(
        Case.objects.annotate(rep=Exists(accepted)), org="organization_id", port="port__code",
        when="created_at", by=["rep"],
    )  # fmt: skip
    for group, values, n in rows:
        table.add(group, "represented" if values["rep"] else "unrepresented", [n])
    return table


MOVED = (GroupStatus.DEPARTED, GroupStatus.ARRIVED)


@panel("transfers", gettext_lazy("People transferred per week"), Chart.COLUMNS)
def transfers(s: Source) -> BaseTable:
    table = BaseTable(
        "transfers", _("People transferred per week"), Kind.PARTITION,
        [Column("people", _("People"))], population="dashboard:transferred",
        note=_("Members of transfer groups that departed or arrived, by the transfer's week."),
    )  # fmt: skip
    rows = s.weekly(
        TransferMember.objects.filter(included=True, group__status__in=MOVED),
        org="group__organization_id", port="group__port__code", when="group__date",
        is_date=True,
    )  # fmt: skip
    return _by_week(table, rows)


@panel("shelter_occupancy", gettext_lazy("Shelter occupancy per week"), Chart.COLUMNS)
def shelter_occupancy(s: Source) -> BaseTable:
    table = BaseTable(
        "shelter_occupancy", _("Shelter occupancy per week"), Kind.INDEPENDENT,
        [Column("people", _("People in a shelter"))], bars=True,
        note=_(
            "People placed in a shelter by a transfer that departed or arrived, counted in "
            "each week in which they had a night there (transfer date plus the nights of "
            "stay)."
        ),
    )  # fmt: skip
    members = TransferMember.objects.filter(
        included=True, shelter__isnull=False, group__status__in=MOVED
    )
    if s.scope.org_ids is not None:
        members = members.filter(group__organization_id__in=list(s.scope.org_ids))
    if s.filters.port is not None:
        members = members.filter(group__port=s.filters.port)
    first = s.filters.from_week
    last = s.filters.to_week
    rows = (
        members.values("group__organization_id", "group__port__code", "group__date")
        .annotate(nights=F("group__stay_nights"), n=Count("pk"))
        .order_by()
    )
    counter: Counter[Group] = Counter()
    for r in rows:
        start: dt.date = r["group__date"]
        nights = max(int(r["nights"] or 0), 1)
        weeks = {Week.of(start + dt.timedelta(days=i)) for i in range(nights)}
        for week in weeks:
            if (first is None or week >= first) and (last is None or week <= last):
                group = (r["group__organization_id"], r["group__port__code"] or "", str(week))
                counter[group] += r["n"]
    for group, n in counter.items():
        table.add(group, group[2], [n])
    return _label_weeks(table)


PANEL_NAMES = list(PANELS)


@dataclass(frozen=True)
class Shown:
    panel: Panel
    table: Table


def base_tables(
    scope: Scope, filters: Filters, names: Iterable[str] | None = None
) -> list[BaseTable]:
    """True counts per group, before rounding (``publish`` and the tests only)."""
    source = Source(scope, filters)
    return [PANELS[name].build(source) for name in (names or PANELS)]


#: How long the published panels of one scope, filter and language are kept (seconds).
CACHE_SECONDS = 300


def panels(
    scope: Scope, filters: Filters, names: Iterable[str] | None = None, *, cached: bool = True
) -> list[Shown]:
    """The published (rounded) panels, in the active language.

    Kept in the cache for ``CACHE_SECONDS``: rounded figures only (the same whoever asks
    within the scope), so a page shows figures up to five minutes old. At 100,000 people
    the panels take seconds to count (docs/benchmarks.md)."""
    chosen = list(names or PANELS)
    key = (
        "stats.dashboards:"
        + hashlib.sha256(
            json.dumps(
                [get_language(), scope.org_ids, filters.as_dict(), chosen], sort_keys=True
            ).encode()
        ).hexdigest()
    )
    if cached:
        hit = cache.get(key)
        if hit is not None:
            return [Shown(PANELS[name], table) for name, table in hit]
    rounder = Rounder.from_settings()
    tables = [publish(base, rounder) for base in base_tables(scope, filters, chosen)]
    cache.set(key, list(zip(chosen, tables, strict=True)), CACHE_SECONDS)
    return [Shown(PANELS[name], table) for name, table in zip(chosen, tables, strict=True)]
