"""De-identified tallies of incidents: kind × month × city × perpetrator category.

Only incidents whose survivor consented to de-identified reporting (an active ``report``
consent) are counted; a withdrawal takes them out of the next tally (nothing is cached).

**Protection against differencing: the statistics pages' own mechanism**
(``stats.rounding``, docs/statistics.md). A *group* is one organization, one city (by
its port of entry) and one month. Within a group, two kinds of base cell are counted and
rounded to a multiple of 5 with the keyed cell-key coin:

- the incidents by perpetrator category, a partition of the group's incidents, rounded
  together with the group's total (controlled rounding under the label ``incidents``);
- the incidents of each kind by each perpetrator category (``incidents:<kind>:<perp>``):
  independent counts, since one incident may be of several kinds.

Every published figure — any row, column, total, filter or CSV line — is a sum of rounded
base cells; filters (city, perpetrator, months) only choose whole cells. Whatever figures
a viewer subtracts, they learn rounded base cells and no more; a figure that rounds to 0
shows as ``"<5"``. Which rows are shown depends on rounded figures only.

**Scope** is the statistics scope (``stats.queries.scope_for``): ``stats.read``; a
program-wide organization (the coordinator, a monitor) sees every organization's
incidents. Nothing here reads a narrative or a person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.incidents.models import Incident, IncidentKind, Perpetrator, Use
from mppdesk.places.models import Port
from mppdesk.stats.queries import (
    Column,
    Month,
    Row,
    Scope,
    Table,
    clean_month_range,
    scope_for,
)
from mppdesk.stats.rounding import Group, Rounder
from mppdesk.stats.suppression import published

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

POPULATION = "incidents"
PERP_TABLE = "incidents:perpetrator"
TABLE_NAMES = ("by_kind", "by_perpetrator", "by_month", "by_city")


def kind_label(kind: str, perpetrator: str) -> str:
    return f"incidents:{kind}:{perpetrator}"


@dataclass(frozen=True)
class TallyFilters:
    port: Port | None = None
    perpetrator: str = ""
    from_month: Month | None = None
    to_month: Month | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "port": self.port.code if self.port else None,
            "perpetrator": self.perpetrator or None,
            "from_month": str(self.from_month) if self.from_month else None,
            "to_month": str(self.to_month) if self.to_month else None,
        }


def clean_filters(
    *,
    port: str | None = None,
    perpetrator: str | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
) -> TallyFilters:
    errors: dict[str, list[str]] = {}
    port_obj = None
    if port:
        port_obj = Port.objects.filter(code=port.strip()).first()
        if port_obj is None:
            errors["port"] = [_("Unknown city.")]
    perp = (perpetrator or "").strip()
    if perp and perp not in Perpetrator.values:
        errors["perpetrator"] = [_("Unknown perpetrator category.")]
    start, end = clean_month_range(from_month, to_month, errors)
    if errors:
        raise FieldErrors(errors)
    return TallyFilters(port_obj, perp, start, end)


@dataclass
class BaseCells:
    """True counts per group, before rounding: never handed to a view (tests read it)."""

    perpetrators: dict[Group, dict[str, int]] = field(default_factory=dict)
    kinds: dict[Group, dict[tuple[str, str], int]] = field(default_factory=dict)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def base_cells(scope: Scope, filters: TallyFilters) -> BaseCells:
    """Count the consented incidents in scope per group (organization, city, month)."""
    rows = Incident.objects.consented(Use.REPORT)
    if scope.org_ids is not None:
        rows = rows.filter(organization_id__in=scope.org_ids)
    if filters.port is not None:
        rows = rows.filter(port=filters.port)
    # The perpetrator filter is applied in ``publish``, on rounded cells: counting only one
    # category here would round the group's partition again, a second draw of its cells.
    if filters.from_month is not None:
        rows = rows.filter(occurred_on__gte=filters.from_month.first_day)
    if filters.to_month is not None:
        rows = rows.filter(occurred_on__lt=filters.to_month.next().first_day)
    cells = BaseCells()
    for org_id, port_code, day, kinds, perp in rows.values_list(
        "organization_id", "port__code", "occurred_on", "kinds", "perpetrator"
    ).order_by():
        group: Group = (org_id, port_code, _month(day))
        per = cells.perpetrators.setdefault(group, {})
        per[perp] = per.get(perp, 0) + 1
        by_kind = cells.kinds.setdefault(group, {})
        for kind in dict.fromkeys(kinds or []):
            by_kind[(kind, perp)] = by_kind.get((kind, perp), 0) + 1
    return cells


@dataclass
class RoundedCells:
    """Rounded base cells: the only figures anything published is made of."""

    perpetrators: dict[Group, dict[str, int]] = field(default_factory=dict)
    totals: dict[Group, int] = field(default_factory=dict)
    kinds: dict[Group, dict[tuple[str, str], int]] = field(default_factory=dict)


def round_cells(cells: BaseCells, rounder: Rounder) -> RoundedCells:
    out = RoundedCells()
    for group, rows in cells.perpetrators.items():
        total, rounded = rounder.partition(PERP_TABLE, POPULATION, group, rows)
        out.totals[group] = total
        out.perpetrators[group] = rounded
    for group, kinds in cells.kinds.items():
        out.kinds[group] = {
            (kind, perp): rounder.count(kind_label(kind, perp), group, n)
            for (kind, perp), n in kinds.items()
        }
    return out


@dataclass
class Tallies:
    filters: TallyFilters
    tables: dict[str, Table]
    cross: list[tuple[str, str, str, str, str]]  # month, city, kind, perpetrator, display
    total: Row


def _table(
    name: str,
    title: str,
    columns: list[Column],
    rows: list[tuple[str, str, list[int]]],
    total: int | None,
    note: str = "",
) -> Table:
    largest = max((values[0] for _k, _l, values in rows), default=0)
    shown = [
        Row(
            key,
            label,
            [published(v) for v in values],
            round(100 * values[0] / largest) if largest else 0,
        )
        for key, label, values in rows
    ]
    total_row = Row("total", _("Total"), [published(total)]) if total is not None else None
    return Table(name, title, columns, shown, total_row, note)


def publish(rounded: RoundedCells, filters: TallyFilters) -> Tallies:
    """Lay out the rounded cells: every figure a sum of them."""
    perps = [(p, str(label)) for p, label in Perpetrator.choices]
    if filters.perpetrator:
        perps = [(p, label) for p, label in perps if p == filters.perpetrator]
    kinds = [(k, str(label)) for k, label in IncidentKind.choices]
    cities = dict(Port.objects.values_list("code", "mexican_city"))

    kind_perp: dict[tuple[str, str], int] = defaultdict(int)
    by_perp: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    by_city: dict[str, int] = defaultdict(int)
    cross: dict[tuple[str, str, str, str], int] = defaultdict(int)
    total = 0
    chosen = {p for p, _l in perps}
    for group, values in rounded.kinds.items():
        for (kind, perp), n in values.items():
            if perp in chosen:
                kind_perp[(kind, perp)] += n
                cross[(group[2], group[1], kind, perp)] += n
    for group, per in rounded.perpetrators.items():
        # Without a perpetrator filter the rows add up to the group's rounded total.
        shown = sum(n for perp, n in per.items() if perp in chosen)
        for perp, n in per.items():
            if perp in chosen:
                by_perp[perp] += n
        by_month[group[2]] += shown
        by_city[group[1]] += shown
        total += shown

    perp_columns = [Column(p, label) for p, label in perps]
    kind_rows = [
        (
            k,
            label,
            [sum(kind_perp[(k, p)] for p, _l in perps)] + [kind_perp[(k, p)] for p, _l in perps],
        )
        for k, label in kinds
    ]
    tables = {
        "by_kind": _table(
            "by_kind",
            _("Incidents by kind and perpetrator"),
            [Column("all", _("All")), *perp_columns],
            kind_rows,
            None,
            _("An incident of several kinds counts once under each."),
        ),
        "by_perpetrator": _table(
            "by_perpetrator",
            _("Incidents by perpetrator category"),
            [Column("incidents", _("Incidents"))],
            [(p, label, [by_perp[p]]) for p, label in perps],
            total,
        ),
    }
    month_keys = sorted(k for k, v in by_month.items() if v)
    if month_keys:
        first, last = Month.parse(month_keys[0]), Month.parse(month_keys[-1])
        months, m = [], first
        while m <= last:
            months.append(str(m))
            m = m.next()
    else:
        months = []
    tables["by_month"] = _table(
        "by_month", _("Incidents by month"), [Column("incidents", _("Incidents"))],
        [(m, m, [by_month[m]]) for m in months], total,
    )  # fmt: skip
    city_rows = sorted(
        ((code, cities.get(code, code), [n]) for code, n in by_city.items() if n),
        key=lambda r: r[1],
    )
    tables["by_city"] = _table(
        "by_city", _("Incidents by city"), [Column("incidents", _("Incidents"))], city_rows, total
    )
    kind_names = dict(kinds)
    perp_names = dict(Perpetrator.choices)
    cross_rows = [
        (month, cities.get(code, code), str(kind_names.get(kind, kind)),
         str(perp_names.get(perp, perp)), published(n).display)
        for (month, code, kind, perp), n in sorted(cross.items())
        if n
    ]  # fmt: skip
    return Tallies(filters, tables, cross_rows, Row("total", _("Total"), [published(total)]))


def tallies(scope: Scope, filters: TallyFilters, rounder: Rounder | None = None) -> Tallies:
    """The published tallies of ``scope`` under ``filters``."""
    rounder = rounder or Rounder.from_settings()
    return publish(round_cells(base_cells(scope, filters), rounder), filters)


def tallies_for(user: User | None, filters: TallyFilters) -> Tallies:
    """``Http404`` without ``stats.read`` anywhere."""
    return tallies(scope_for(user), filters)


def record_export(actor: User | None) -> None:
    """Audit a download of the tallies (CSV from the page, the API or the CLI), the same
    entry on every channel. No organization: the figures are program-wide or rounded."""
    from mppdesk.audit import services as audit

    audit.record(
        actor=actor, organization=None, action=AuditAction.EXPORT, object_type=ObjectType.INCIDENT_TALLIES,
        object_id=None, fields=["tallies"],
    )  # fmt: skip


CSV_HEADER = ("month", "city", "kind", "perpetrator", "incidents")


def csv_rows(result: Tallies) -> list[tuple[str, ...]]:
    """The cross-tabulation, one line per cell whose rounded figure is not 0 (whether a
    line is there depends on the rounded figure only)."""
    return list(result.cross)
