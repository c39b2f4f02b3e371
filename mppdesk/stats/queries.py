"""De-identified aggregate figures of the program, for analysts and everyone with
``stats.read`` (``accounts.permissions``).

Only plaintext columns are read: nationality, sex, year of birth, vulnerability codes,
languages and the interpreter flag, household membership and border city, case status,
venue, port and dates, plus the ``privacy.ErasedCaseStat`` aggregate. Nothing is
decrypted and no encrypted column appears in a filter, a ``values()`` or an ordering.
Every figure leaves this module rounded (``rounding``, docs/statistics.md): counted per
group — one organization, one port, one month — rounded there to a multiple of 5, then
added up over the groups a view covers. A figure that rounds to 0 shows as ``"<5"``.

**Scope.** The organizations in which the user holds ``stats.read``; a user who holds it
in a program-wide organization (the program coordinator, a monitor) sees every
organization. Records count for their *owning* organization only (a referral does not
count a person twice). A user without ``stats.read`` anywhere gets ``Http404``.

**Erased people.** An erasure keeps the ``Person`` row (creation date, household) and
blanks nationality, sex, year of birth, languages and vulnerabilities, after adding the
first three to ``ErasedCaseStat``. So the nationality, sex and year-of-birth tables count
people not erased plus the erased ones from ``ErasedCaseStat`` (where a person who was on
several cases counts once per case), while languages and vulnerabilities cover people
not erased only. Border city, intake month, households and cases are untouched by
erasure and counted from their rows.

**Filters.** Organization (within the scope), port, and a period of months. People and
households are filtered by the household's border city and by the month they were
registered; cases by their own port and the month opened (registered, without an
opening date); erased people by their case's port and opening month, the only ones kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Case as SqlCase  # "Case" is the model of a court case
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Mod
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, any_program_wide, orgs_where
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.lib.labels import country_label, language_label
from mppdesk.people.models import Household, Person, PersonLanguage, Sex, Vulnerability
from mppdesk.places.models import Port, Venue
from mppdesk.privacy.models import ErasedCaseStat, Erasure
from mppdesk.stats.rounding import Group, Rounder
from mppdesk.stats.suppression import Cell, published

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

NOT_RECORDED = ""  # the key of the "not recorded" row of a table
# The records a partition counts (``BaseTable.population``): its total is rounded under
# this name, so every table of the same records shows the same total. The tables of
# nationality, sex and year of birth count erased people from ``ErasedCaseStat`` (once per
# case): where nobody was erased, those are the same people and the totals agree.
PEOPLE, HOUSEHOLDS, CASES = "people", "households", "cases"
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# --- scope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures a viewer may see: some organizations, or (``None``) all of them."""

    org_ids: tuple[int, ...] | None

    @property
    def program_wide(self) -> bool:
        return self.org_ids is None


def scope_of(org_ids: Sequence[int]) -> Scope:
    if any_program_wide(list(org_ids)):
        return Scope(None)
    return Scope(tuple(sorted(org_ids)))


def scope_for(user: User | None) -> Scope:
    """The viewer's scope; ``Http404`` without ``stats.read`` in any organization."""
    org_ids = orgs_where(user, Action.STATS_READ)
    if not org_ids:
        raise Http404
    return scope_of(org_ids)


def scope_for_organization(organization: Organization) -> Scope:
    """The scope of an API token, which acts for one organization (role checked by the
    caller)."""
    return scope_of([organization.pk])


def organizations(scope: Scope) -> QuerySet[Organization]:
    orgs = Organization.objects.order_by("name")
    return orgs if scope.org_ids is None else orgs.filter(pk__in=scope.org_ids)


# --- filters ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = MONTH_RE.match(text.strip())
        if not match:
            raise ValueError(text)
        year, month = int(match[1]), int(match[2])
        if not (1900 <= year <= 2999 and 1 <= month <= 12):
            raise ValueError(text)
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self) -> dt.datetime:
        """Midnight of the first day, in the site's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.first_day, dt.time.min))


@dataclass(frozen=True)
class Filters:
    organization: Organization | None = None
    port: Port | None = None
    from_month: Month | None = None
    to_month: Month | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "organization": self.organization.slug if self.organization else None,
            "port": self.port.code if self.port else None,
            "from_month": str(self.from_month) if self.from_month else None,
            "to_month": str(self.to_month) if self.to_month else None,
        }


def clean_month_range(
    from_month: str | None, to_month: str | None, errors: dict[str, list[str]]
) -> tuple[Month | None, Month | None]:
    """The ``from_month``/``to_month`` filters (YYYY-MM) as months; a bad value or an end
    before the start is added to ``errors`` under its field's name."""
    months: dict[str, Month | None] = {}
    for name, value in (("from_month", from_month), ("to_month", to_month)):
        months[name] = None
        if value:
            try:
                months[name] = Month.parse(value)
            except ValueError:
                errors[name] = [_("Give a month as YYYY-MM.")]
    start, end = months["from_month"], months["to_month"]
    if start and end and start > end:
        errors["to_month"] = [_("The end month is before the start month.")]
    return start, end


def clean_filters(
    scope: Scope,
    *,
    organization: str | None = None,
    port: str | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
) -> Filters:
    """Filters from raw values (organization slug, port code, ``YYYY-MM`` months).

    An organization outside the scope is the same error as an unknown one.
    """
    errors: dict[str, list[str]] = {}
    org = None
    if organization:
        org = organizations(scope).filter(slug=organization.strip()).first()
        if org is None:
            errors["organization"] = [_("Unknown organization, or not one whose figures you see.")]
    port_obj = None
    if port:
        port_obj = Port.objects.filter(code=port.strip()).first()
        if port_obj is None:
            errors["port"] = [_("Unknown port of entry.")]
    start, end = clean_month_range(from_month, to_month, errors)
    if errors:
        raise FieldErrors(errors)
    return Filters(organization=org, port=port_obj, from_month=start, to_month=end)


# --- tables -----------------------------------------------------------------------------


class Kind(StrEnum):
    PARTITION = "partition"  # one column; rows add up to the total row
    SPLIT = "split"  # first column is each row's total, the others split it
    INDEPENDENT = "independent"  # no figure adds up to another


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]
    bar: int = 0  # the first cell as a percentage of the table's largest shown one

    @property
    def displays(self) -> list[str]:
        return [cell.display for cell in self.cells]


@dataclass(frozen=True)
class Table:
    """A published table: rounded figures only, no true count anywhere."""

    name: str
    title: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    note: str = ""

    @property
    def has_bars(self) -> bool:
        return any(row.bar for row in self.rows)


@dataclass
class RawTable:
    """True counts added up over the groups (for the tests); never handed to a view."""

    name: str
    title: str
    kind: Kind
    columns: list[Column]
    rows: list[tuple[str, str, list[int]]]


@dataclass
class BaseTable:
    """True counts per group and row, before rounding; never handed to a view.

    ``labels`` lists every row that may be shown, in display order. Rows in ``always``
    (a fixed list of categories) are shown even when they round to 0; the others only
    when their rounded figure is not 0 — or, with ``span``, when they lie between two
    such rows (the months of a period). What is shown thus depends on rounded figures
    only: a category listed because one person has it would be a disclosure.
    """

    name: str
    title: str
    kind: Kind
    columns: list[Column]
    labels: dict[str, str] = field(default_factory=dict)
    always: set[str] = field(default_factory=set)
    cells: dict[Group, dict[str, list[int]]] = field(default_factory=dict)
    note: str = ""
    sort_by_count: bool = False  # categories without a natural order: largest first
    bars: bool = True  # a bar per row (rows of one kind only)
    span: bool = False
    # Partitions: the records counted. Tables of the same records share the rounded total.
    population: str = ""
    # Independent tables: what a row counts, when it is a figure of another table too.
    count_labels: dict[str, str] = field(default_factory=dict)

    def count_label(self, key: str) -> str:
        return self.count_labels.get(key, f"{self.name}:{key}")

    def fixed(self, rows: Iterable[tuple[str, str]]) -> None:
        for key, label in rows:
            self.labels[key] = label
            self.always.add(key)

    def add(self, group: Group, key: str, counts: Sequence[int]) -> None:
        row = self.cells.setdefault(group, {}).setdefault(key, [0] * len(counts))
        for i, n in enumerate(counts):
            row[i] += n

    def totals(self) -> dict[str, list[int]]:
        sums = {key: [0] * len(self.columns) for key in self.labels}
        for rows in self.cells.values():
            for key, counts in rows.items():
                for i, n in enumerate(counts):
                    sums[key][i] += n
        return sums


def raw(base: BaseTable) -> RawTable:
    totals = base.totals()
    rows = [(key, label, totals[key]) for key, label in base.labels.items()]
    return RawTable(base.name, base.title, base.kind, base.columns, rows)


def rounded_sums(base: BaseTable, rounder: Rounder) -> tuple[dict[str, list[int]], int | None]:
    """Each row's figures and the total (partitions only): sums of rounded base cells."""
    sums = {key: [0] * len(base.columns) for key in base.labels}
    total: int | None = 0 if base.kind is Kind.PARTITION else None
    if base.kind is Kind.PARTITION and not base.population:
        raise ValueError("a partition names the records it counts")
    for group, rows in base.cells.items():
        if base.kind is Kind.PARTITION:
            group_total, cells = rounder.partition(
                base.name, base.population, group, {k: counts[0] for k, counts in rows.items()}
            )
            total = (total or 0) + group_total
            for key, value in cells.items():
                sums[key][0] += value
        elif base.kind is Kind.SPLIT:
            for key, (row_total, *parts) in rows.items():
                if row_total != sum(parts):
                    raise ValueError("the parts of a row must add up to its total")
                label = base.count_label(key)
                rounded_row, rounded_parts = rounder.partition(
                    label, label, group, {str(i): n for i, n in enumerate(parts)}
                )
                sums[key][0] += rounded_row
                for i in range(len(parts)):
                    sums[key][1 + i] += rounded_parts[str(i)]
        else:
            for key, counts in rows.items():
                for i, n in enumerate(counts):
                    label = base.count_label(key) + (f":{i}" if i else "")
                    sums[key][i] += rounder.count(label, group, n)
    return sums, total


def publish(base: BaseTable, rounder: Rounder) -> Table:
    """Round ``base`` and lay it out for display."""
    sums, total = rounded_sums(base, rounder)
    keys = [key for key in base.labels if key in base.always or sums[key][0]]
    if base.span and keys:
        order = list(base.labels)
        keys = order[order.index(keys[0]) : order.index(keys[-1]) + 1]
    rows = [Row(key, base.labels[key], [published(v) for v in sums[key]]) for key in keys]
    if base.sort_by_count:
        # By the shown figure; the "not recorded" row stays last.
        rows.sort(key=lambda row: (row.key == NOT_RECORDED, -row.cells[0].value, row.label))
    largest = max((row.cells[0].value for row in rows), default=0)
    if largest and base.bars:
        rows = [Row(r.key, r.label, r.cells, round(100 * r.cells[0].value / largest)) for r in rows]
    total_row = Row("total", _("Total"), [published(total)]) if total is not None else None
    return Table(base.name, base.title, base.columns, rows, total_row, base.note)


# --- the figures ------------------------------------------------------------------------


class Querysets:
    """The records a report counts: scope and filters applied once, each kind of record
    read once (the plaintext columns the tables need) and shared by the tables.

    Every filter keeps or drops whole groups (organization, port, month): the filters
    are on the same columns that make up a record's group.
    """

    def __init__(self, scope: Scope, filters: Filters) -> None:
        self.scope, self.filters = scope, filters
        org_q = self._org_q("organization_id")
        f = filters
        start = f.from_month.start() if f.from_month else None
        end = f.to_month.next().start() if f.to_month else None

        people = Person.objects.filter(org_q)
        households = Household.objects.filter(org_q)
        cases = Case.objects.filter(org_q)
        erased = ErasedCaseStat.objects.filter(org_q)
        if f.port is not None:
            people = people.filter(household_membership__household__port=f.port)
            households = households.filter(port=f.port)
            cases = cases.filter(port=f.port)
            erased = erased.filter(port_code=f.port.code)
        if start is not None:
            people = people.filter(created_at__gte=start)
            households = households.filter(created_at__gte=start)
            assert f.from_month is not None  # noqa: S101
            cases = cases.filter(
                Q(opened_on__gte=f.from_month.first_day)
                | Q(opened_on__isnull=True, created_at__gte=start)
            )
            erased = erased.filter(opened_month__gte=str(f.from_month))
        if end is not None:
            people = people.filter(created_at__lt=end)
            households = households.filter(created_at__lt=end)
            assert f.to_month is not None  # noqa: S101
            cases = cases.filter(
                Q(opened_on__lt=f.to_month.next().first_day)
                | Q(opened_on__isnull=True, created_at__lt=end)
            )
            erased = erased.filter(opened_month__lte=str(f.to_month)).exclude(opened_month="")
        self.people = people.order_by()
        self.erased_ids = Erasure.objects.values("person_id")
        self.live_people = self.people.exclude(pk__in=self.erased_ids)
        self.households = households.order_by()
        self.cases = cases.order_by()
        self.erased_stats = erased.order_by()

    def _org_q(self, column: str) -> Q:
        org_ids: Iterable[int] | None = self.scope.org_ids
        if self.filters.organization is not None:
            org_ids = [self.filters.organization.pk]
        return Q() if org_ids is None else Q(**{f"{column}__in": list(org_ids)})

    @cached_property
    def _people_months(self) -> tuple[Month, Month] | None:
        bounds = self.people.aggregate(first=Min("created_at"), last=Max("created_at"))
        return _month_span(bounds["first"], bounds["last"])

    def _person_values(self, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        """``queryset`` (of people, or of rows about people) with the person's group:
        their household's port and the month they were registered."""
        return queryset.annotate(
            g_org=F(f"{prefix}organization_id"),
            g_port=F(f"{prefix}household_membership__household__port__code"),
            g_month=_month_expression(f"{prefix}created_at", self._people_months),
        )

    @cached_property
    def person_counts(self) -> list[tuple[Group, str, str, str, int]]:
        """(group, nationality, sex, decade of birth, number of people) of people not
        erased."""
        rows = (
            self._person_values(self.live_people)
            .annotate(decade=F("birth_year") - Mod("birth_year", 10))
            .values("g_org", "g_port", "g_month", "nationality", "sex", "decade")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # int(): SQLite's MOD gives a float.
        return [
            (
                _group(r),
                r["nationality"],
                r["sex"],
                _decade(r["decade"] and int(r["decade"])),
                r["n"],
            )
            for r in rows
        ]

    @cached_property
    def erased_counts(self) -> Counter[Group]:
        """People erased, per group (their rows stay; their attributes are blanked)."""
        rows = (
            self._person_values(self.people.filter(pk__in=self.erased_ids))
            .values("g_org", "g_port", "g_month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return Counter({_group(r): r["n"] for r in rows})

    @cached_property
    def vulnerability_rows(self) -> list[tuple[Group, list[Any], int]]:
        """(group, vulnerability codes, number of people not erased with exactly those)."""
        rows = (
            self._person_values(self.live_people.exclude(vulnerabilities=[]))
            .values("g_org", "g_port", "g_month", "vulnerabilities")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [(_group(r), r["vulnerabilities"] or [], r["n"]) for r in rows]

    @cached_property
    def language_counts(self) -> list[tuple[Group, str, bool, int]]:
        """(group, language, needs an interpreter, number of people not erased)."""
        rows = (
            self._person_values(
                PersonLanguage.objects.filter(person__in=self.live_people), "person__"
            )
            .values("g_org", "g_port", "g_month", "code", "needs_interpreter")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [(_group(r), r["code"], r["needs_interpreter"], r["n"]) for r in rows]

    @cached_property
    def interpreter_counts(self) -> list[tuple[Group, int]]:
        """(group, people not erased who need an interpreter for some language)."""
        needing = PersonLanguage.objects.filter(person__in=self.live_people, needs_interpreter=True)
        rows = (
            self._person_values(needing, "person__")
            .values("g_org", "g_port", "g_month")
            .annotate(n=Count("person_id", distinct=True))
            .order_by()
        )
        return [(_group(r), r["n"]) for r in rows]

    @cached_property
    def case_counts(self) -> list[tuple[Group, str, str, int]]:
        """(group, status, venue code, number of cases). Cases are grouped by their own
        port and the month they were opened (registered, without an opening date), as
        the filters read them."""
        bounds = self.cases.aggregate(
            first_opened=Min("opened_on"), last_opened=Max("opened_on"),
            first_created=Min("created_at"), last_created=Max("created_at"),
        )  # fmt: skip
        opened = _month_span(bounds["first_opened"], bounds["last_opened"])
        created = _month_span(bounds["first_created"], bounds["last_created"])
        rows = (
            self.cases.annotate(
                g_opened=_month_expression("opened_on", opened),
                g_created=_month_expression("created_at", created),
            )
            .values("organization_id", "port__code", "g_opened", "g_created", "status")
            .annotate(venue=F("venue__code"), n=Count("pk"))
            .order_by()
        )
        return [
            (
                (r["organization_id"], r["port__code"] or "", r["g_opened"] or r["g_created"]),
                r["status"],
                r["venue"] or "",
                r["n"],
            )  # fmt: skip
            for r in rows
        ]

    @cached_property
    def household_rows(self) -> list[tuple[Group, int]]:
        """(group, number of members) of every household."""
        bounds = self.households.aggregate(first=Min("created_at"), last=Max("created_at"))
        months = _month_expression("created_at", _month_span(bounds["first"], bounds["last"]))
        rows = (
            self.households.annotate(g_month=months)
            .annotate(size=Count("members"))
            .values_list("organization_id", "port__code", "g_month", "size")
        )
        return [
            ((org, port or "", month), size)
            for org, port, month, size in rows.iterator(chunk_size=5000)
        ]

    @cached_property
    def erased_stat_rows(self) -> list[tuple[Group, str, str, str, int]]:
        """(group, nationality, sex, birth years, count) kept at erasure; grouped by the
        case's port and opening month ("" for a person erased without a case)."""
        rows = (
            self.erased_stats.values(
                "organization_id",
                "port_code",
                "opened_month",
                "nationality",
                "sex",
                "birth_years",
            )  # fmt: skip
            .annotate(n=Sum("count"))
            .order_by()
        )
        return [
            (
                (row["organization_id"], row["port_code"], row["opened_month"]),
                row["nationality"],
                row["sex"],
                row["birth_years"],
                int(row["n"] or 0),
            )  # fmt: skip
            for row in rows
        ]

    @cached_property
    def person_totals(self) -> Counter[Group]:
        """People (erased ones included) per group."""
        totals = Counter(self.erased_counts)
        for group, _nationality, _sex, _decade, n in self.person_counts:
            totals[group] += n
        return totals


def _month_span(first: dt.date | None, last: dt.date | None) -> tuple[Month, Month] | None:
    """The first and last month of dates or moments (in the site's time zone)."""
    if first is None or last is None:
        return None
    if isinstance(first, dt.datetime) and isinstance(last, dt.datetime):
        first, last = timezone.localtime(first), timezone.localtime(last)
    return Month.of(first), Month.of(last)


def _month_expression(column: str, months: tuple[Month, Month] | None) -> Any:
    """SQL for the month ("YYYY-MM") of ``column`` (a date, or a moment read in the
    site's time zone), for values between the first and last of ``months``.

    A CASE over the same month boundaries as the period filter, one comparison a month
    (every value is at or after the first month's start): plain comparisons, where
    ``TruncMonth`` would have SQLite call back into Python for every row of every query."""
    if months is None:
        return Value("", output_field=CharField())
    month, last = months
    whens = []
    while month <= last:
        # A moment is compared with midnight in the site's time zone.
        end = month.next().first_day if column.endswith("_on") else month.next().start()
        whens.append(When(**{f"{column}__lt": end}, then=Value(str(month))))
        month = month.next()
    return SqlCase(*whens, default=Value(""), output_field=CharField())


def _group(row: dict[str, Any]) -> Group:
    return (row["g_org"], row["g_port"] or "", row["g_month"])


def _month_key(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _tally(base: BaseTable, keys: Iterable[tuple[Group, str]], weights: Iterable[int] = ()) -> None:
    """Add 1 (or the matching weight) to the cell of each (group, row)."""
    counter: Counter[tuple[Group, str]] = Counter()
    if weights:
        for key, weight in zip(keys, weights, strict=True):
            counter[key] += weight
    else:
        counter.update(keys)
    for (group, row), n in counter.items():
        base.add(group, row, [n])


def _people_column() -> list[Column]:
    return [Column("people", _("People"))]


def _erased_note() -> str:
    return _(
        "Includes erased people, from the de-identified counts kept at erasure (once per "
        "case they were on)."
    )


def _stat_table(
    q: Querysets,
    base: BaseTable,
    live: Callable[[tuple[Group, str, str, str, int]], str],
    erased: Callable[[tuple[Group, str, str, str, int]], str],
) -> BaseTable:
    """A table of people not erased plus erased ones (``ErasedCaseStat``)."""
    people = q.person_counts
    _tally(base, ((row[0], live(row)) for row in people), [row[4] for row in people])
    stats = q.erased_stat_rows
    _tally(base, ((stat[0], erased(stat)) for stat in stats), [stat[4] for stat in stats])
    return base


def _present(base: BaseTable) -> set[str]:
    return {key for rows in base.cells.values() for key, counts in rows.items() if any(counts)}


def nationality(q: Querysets) -> BaseTable:
    table = _stat_table(
        q,
        BaseTable(
            "nationality", _("People by nationality"), Kind.PARTITION, _people_column(),
            note=_erased_note(), sort_by_count=True, population=PEOPLE,
        ),
        lambda row: row[1] or NOT_RECORDED,
        lambda stat: stat[1] or NOT_RECORDED,
    )  # fmt: skip
    for code in sorted(_present(table)):
        table.labels[code] = country_label(code) if code else _("Not recorded")
    return table


def _sex_key(value: str | None) -> str:
    return NOT_RECORDED if value in (None, "", Sex.UNKNOWN) else str(value)


def sex(q: Querysets) -> BaseTable:
    table = BaseTable(
        "sex", _("People by sex"), Kind.PARTITION, _people_column(), note=_erased_note(),
        population=PEOPLE,
    )  # fmt: skip
    table.fixed((value, str(label)) for value, label in Sex.choices if value != Sex.UNKNOWN)
    table.fixed([(NOT_RECORDED, _("Not recorded"))])
    return _stat_table(q, table, lambda row: _sex_key(row[2]), lambda stat: _sex_key(stat[2]))


def _decade(year: int | None) -> str:
    """ "1990-1999" for any year of the 1990s."""
    if not year:
        return NOT_RECORDED
    start = year - year % 10
    return f"{start}-{start + 9}"


def _erased_decade(years: str) -> str:
    # Erasure keeps five-year groups ("1985-1989"): each lies within one decade.
    first = years.split("-")[0] if years else ""
    return _decade(int(first)) if first.isdigit() else NOT_RECORDED


def birth_decade(q: Querysets) -> BaseTable:
    table = _stat_table(
        q,
        BaseTable(
            "birth_decade", _("People by year of birth"), Kind.PARTITION, _people_column(),
            note=_erased_note(), population=PEOPLE,
        ),
        lambda row: row[3],
        lambda stat: _erased_decade(stat[3]),
    )  # fmt: skip
    present = _present(table)
    for key in sorted(present - {NOT_RECORDED}):
        table.labels[key] = key.replace("-", "–")
    if NOT_RECORDED in present:
        table.labels[NOT_RECORDED] = _("Not recorded")
    return table


def border_city(q: Querysets) -> BaseTable:
    table = BaseTable(
        "border_city", _("People by border city (household)"), Kind.PARTITION,
        _people_column(), sort_by_count=True, population=PEOPLE,
        note=_("The Mexican city of the household's port of entry; erased people included."),
    )  # fmt: skip
    # A group holds the people of one port: each group is a single row.
    for group, n in q.person_totals.items():
        table.add(group, group[1], [n])
    present = _present(table)
    ports = {p.code: p for p in Port.objects.filter(code__in=present - {NOT_RECORDED})}
    for code in sorted(present):
        if code == NOT_RECORDED:
            table.labels[code] = _("No household or border city recorded")
        else:
            table.labels[code] = str(ports[code])
    return table


def languages(q: Querysets) -> BaseTable:
    table = BaseTable(
        "languages", _("People by language spoken"), Kind.SPLIT,
        [
            Column("people", _("People")),
            Column("needs_interpreter", _("Need an interpreter")),
            Column("no_interpreter", _("Need no interpreter")),
        ],
        sort_by_count=True,
        note=_(
            "A person who speaks several languages counts in each, so the rows have no "
            "total. Erased people are not included (their languages are not kept)."
        ),
    )  # fmt: skip
    for group, code, needs, n in q.language_counts:
        table.add(group, code, [n, n if needs else 0, 0 if needs else n])
    for code in sorted(_present(table)):
        table.labels[code] = language_label(code)
    return table


def vulnerabilities(q: Querysets) -> BaseTable:
    table = BaseTable(
        "vulnerabilities", _("People by vulnerability"), Kind.INDEPENDENT, _people_column(),
        note=_(
            "A person may have several vulnerabilities or none, so the rows have no total. "
            "Erased people are not included (their vulnerabilities are not kept)."
        ),
    )  # fmt: skip
    table.fixed((code, str(label)) for code, label in Vulnerability.choices)
    known = set(table.labels)
    # A JSON list of codes (plaintext), counted here: SQLite cannot count inside JSON
    # arrays portably.
    for group, codes, n in q.vulnerability_rows:
        for code in {str(c) for c in codes} & known:
            table.add(group, code, [n])
    return table


def case_status(q: Querysets) -> BaseTable:
    table = BaseTable(
        "case_status", _("Cases by status"), Kind.PARTITION, [Column("cases", _("Cases"))],
        population=CASES,
    )  # fmt: skip
    table.fixed((value, str(label)) for value, label in CaseStatus.choices)
    cases = q.case_counts
    _tally(table, ((group, status) for group, status, _v, _n in cases), [c[3] for c in cases])
    return table


def case_venue(q: Querysets) -> BaseTable:
    table = BaseTable(
        "case_venue", _("Cases by hearing venue"), Kind.PARTITION,
        [Column("cases", _("Cases"))], sort_by_count=True, population=CASES,
    )  # fmt: skip
    cases = q.case_counts
    _tally(
        table,
        ((group, venue or NOT_RECORDED) for group, _s, venue, _n in cases),
        [c[3] for c in cases],
    )
    present = _present(table)
    venues = dict(Venue.objects.filter(code__in=present).values_list("code", "name"))
    for code in sorted(present):
        table.labels[code] = venues[code] if code else _("No hearing venue recorded")
    return table


HOUSEHOLD_BANDS: list[tuple[str, int, int | None]] = [
    ("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-6", 5, 6), ("7+", 7, None),
]  # fmt: skip


def household_band(size: int) -> str:
    return next(
        key for key, low, high in HOUSEHOLD_BANDS if size >= low and (high is None or size <= high)
    )


def household_size(q: Querysets) -> BaseTable:
    table = BaseTable(
        "household_size", _("Households by size"), Kind.PARTITION,
        [Column("households", _("Households"))], population=HOUSEHOLDS,
    )  # fmt: skip
    _tally(table, ((group, household_band(size)) for group, size in q.household_rows))
    # Households without members are rare: their row shows only when it rounds above 0.
    if "0" in _present(table):
        table.labels["0"] = _("No members recorded")
    for key, _low, _high in HOUSEHOLD_BANDS[1:]:
        label = _("%(count)s people") % {"count": key.replace("-", "–")}
        table.fixed([(key, _("1 person") if key == "1" else label)])
    return table


def intake_month(q: Querysets) -> BaseTable:
    table = BaseTable(
        "intake_month", _("People registered per month"), Kind.PARTITION, _people_column(),
        note=_("By the month the person was registered; erased people included."),
        span=True, population=PEOPLE,
    )  # fmt: skip
    # A group holds the people of one month: each group is a single row.
    for group, n in q.person_totals.items():
        table.add(group, group[2], [n])
    months = [Month.parse(key) for key in _present(table)]
    if months:
        month, last = min(months), max(months)
        while month <= last:
            label = formats.date_format(month.first_day, "YEAR_MONTH_FORMAT")
            table.labels[str(month)] = label
            month = month.next()
    return table


def overview(q: Querysets) -> BaseTable:
    """Each row is rounded per group like any count, under the name of the records it
    counts: "People", "Households" and "Cases" equal the totals of the tables about the
    same records."""
    table = BaseTable(
        "overview", _("Overview"), Kind.INDEPENDENT, [Column("count", _("Count"))], bars=False,
        count_labels={"people": PEOPLE, "households": HOUSEHOLDS, "cases": CASES},
    )  # fmt: skip
    table.fixed(
        [
            ("people", _("People registered")),
            ("erased", _("of whom erased (personal data removed)")),
            ("interpreter", _("People who need an interpreter")),
            ("households", _("Households")),
            ("cases", _("Cases")),
        ]
    )
    for group, n in q.person_totals.items():
        table.add(group, "people", [n])
    for group, n in q.erased_counts.items():
        table.add(group, "erased", [n])
    for group, n in q.interpreter_counts:
        table.add(group, "interpreter", [n])
    _tally(table, ((group, "households") for group, _size in q.household_rows))
    cases = q.case_counts
    _tally(table, ((c[0], "cases") for c in cases), [c[3] for c in cases])
    return table


BUILDERS: dict[str, Callable[[Querysets], BaseTable]] = {
    "overview": overview,
    "nationality": nationality,
    "sex": sex,
    "birth_decade": birth_decade,
    "border_city": border_city,
    "languages": languages,
    "vulnerabilities": vulnerabilities,
    "case_status": case_status,
    "case_venue": case_venue,
    "household_size": household_size,
    "intake_month": intake_month,
}
TABLE_NAMES = list(BUILDERS)


def base_tables(
    scope: Scope, filters: Filters, names: Sequence[str] | None = None
) -> list[BaseTable]:
    """True counts per group, before rounding (for ``publish`` and the tests only)."""
    q = Querysets(scope, filters)  # shared: each kind of record is read once
    return [BUILDERS[name](q) for name in (names or TABLE_NAMES)]


def raw_tables(
    scope: Scope, filters: Filters, names: Sequence[str] | None = None
) -> list[RawTable]:
    """True counts before rounding (for the tests only)."""
    return [raw(base) for base in base_tables(scope, filters, names)]


def tables(scope: Scope, filters: Filters, names: Sequence[str] | None = None) -> list[Table]:
    """The published (rounded) tables, in the active language."""
    rounder = Rounder.from_settings()
    return [publish(base, rounder) for base in base_tables(scope, filters, names)]
