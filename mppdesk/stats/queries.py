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
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, any_program_wide, orgs_where
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.people.models import Household, Person, PersonLanguage, Sex, Vulnerability
from mppdesk.people.validation import FieldErrors
from mppdesk.places.models import Port, Venue
from mppdesk.privacy.models import ErasedCaseStat, Erasure
from mppdesk.stats.rounding import Group, Rounder
from mppdesk.stats.suppression import Cell, published
from mppdesk.web.templatetags.desk import country_label, language_label

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


def _scope_of(org_ids: Sequence[int]) -> Scope:
    if any_program_wide(list(org_ids)):
        return Scope(None)
    return Scope(tuple(sorted(org_ids)))


def scope_for(user: User | None) -> Scope:
    """The viewer's scope; ``Http404`` without ``stats.read`` in any organization."""
    org_ids = orgs_where(user, Action.STATS_READ)
    if not org_ids:
        raise Http404
    return _scope_of(org_ids)


def scope_for_organization(organization: Organization) -> Scope:
    """The scope of an API token, which acts for one organization (role checked by the
    caller)."""
    return _scope_of([organization.pk])


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
    """The records a report counts: scope and filters applied once.

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
        self._person_totals: dict[Group, int] | None = None

    def _org_q(self, column: str) -> Q:
        org_ids: Iterable[int] | None = self.scope.org_ids
        if self.filters.organization is not None:
            org_ids = [self.filters.organization.pk]
        return Q() if org_ids is None else Q(**{f"{column}__in": list(org_ids)})

    def person_totals(self) -> dict[Group, int]:
        """People (erased ones included) per group."""
        if self._person_totals is None:
            self._person_totals = {
                group: sum(counter.values())
                for group, counter in _person_counts(self.people, None).items()
            }
        return self._person_totals


def _month_key(value: dt.date | None) -> str:
    return f"{value.year:04d}-{value.month:02d}" if value else ""


def _person_group(queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """People are grouped by their household's port and the month they were registered
    (in the site's time zone, as the period filter reads it)."""
    return queryset.annotate(
        g_org=F(f"{prefix}organization_id"),
        g_port=F(f"{prefix}household_membership__household__port__code"),
        g_month=TruncMonth(f"{prefix}created_at"),
    )


def _group(row: dict[str, Any]) -> Group:
    return (row["g_org"], row["g_port"] or "", _month_key(row["g_month"]))


def _person_counts(people: QuerySet[Person], column: str | None) -> dict[Group, Counter[Any]]:
    fields = ["g_org", "g_port", "g_month", *([column] if column else [])]
    rows = _person_group(people).values(*fields).annotate(n=Count("pk")).order_by()
    counts: dict[Group, Counter[Any]] = {}
    for row in rows:
        counts.setdefault(_group(row), Counter())[row[column] if column else None] += row["n"]
    return counts


def _erased_counts(stats: QuerySet[ErasedCaseStat], column: str) -> dict[Group, Counter[str]]:
    rows = (
        stats.values("organization_id", "port_code", "opened_month", column)
        .annotate(n=Sum("count"))
        .order_by()
    )
    counts: dict[Group, Counter[str]] = {}
    for row in rows:
        group = (row["organization_id"], row["port_code"], row["opened_month"])
        counts.setdefault(group, Counter())[row[column]] += int(row["n"] or 0)
    return counts


def _people_column() -> list[Column]:
    return [Column("people", _("People"))]


def _erased_note() -> str:
    return _(
        "Includes erased people, from the de-identified counts kept at erasure (once per "
        "case they were on)."
    )


def _stat_table(
    q: Querysets, base: BaseTable, column: str, erased_column: str, key: Callable[[Any], str]
) -> BaseTable:
    """A table of people not erased plus erased ones (``ErasedCaseStat``), by ``column``."""
    for group, counter in _person_counts(q.live_people, column).items():
        for value, n in counter.items():
            base.add(group, key(value), [n])
    for group, erased in _erased_counts(q.erased_stats, erased_column).items():
        for value, n in erased.items():
            base.add(group, key(value), [n])
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
        "nationality", "nationality", lambda code: code or NOT_RECORDED,
    )  # fmt: skip
    for code in sorted(_present(table)):
        table.labels[code] = country_label(code) if code else _("Not recorded")
    return table


def sex(q: Querysets) -> BaseTable:
    unknown = {None, "", Sex.UNKNOWN}
    table = BaseTable(
        "sex",
        _("People by sex"),
        Kind.PARTITION,
        _people_column(),
        note=_erased_note(),
        population=PEOPLE,
    )
    table.fixed((value, str(label)) for value, label in Sex.choices if value != Sex.UNKNOWN)
    table.fixed([(NOT_RECORDED, _("Not recorded"))])
    return _stat_table(
        q, table, "sex", "sex", lambda value: NOT_RECORDED if value in unknown else str(value)
    )


def _decade(year: int) -> str:
    start = year - year % 10
    return f"{start}-{start + 9}"


def _erased_decade(years: str) -> str:
    # Erasure keeps five-year groups ("1985-1989"): each lies within one decade.
    first = years.split("-")[0] if years else ""
    return _decade(int(first)) if first.isdigit() else NOT_RECORDED


def birth_decade(q: Querysets) -> BaseTable:
    table = BaseTable(
        "birth_decade", _("People by year of birth"), Kind.PARTITION, _people_column(),
        note=_erased_note(), population=PEOPLE,
    )  # fmt: skip
    for group, counter in _person_counts(q.live_people, "birth_year").items():
        for year, n in counter.items():
            table.add(group, _decade(year) if year else NOT_RECORDED, [n])
    for group, erased in _erased_counts(q.erased_stats, "birth_years").items():
        for years, n in erased.items():
            table.add(group, _erased_decade(years), [n])
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
    for group, n in q.person_totals().items():
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
    rows = (
        _person_group(PersonLanguage.objects.filter(person__in=q.live_people), "person__")
        .values("g_org", "g_port", "g_month", "code")
        .annotate(n=Count("pk"), interpreter=Count("pk", filter=Q(needs_interpreter=True)))
        .order_by()
    )
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
    for row in rows:
        n, interpreter = row["n"], row["interpreter"]
        table.add(_group(row), row["code"], [n, interpreter, n - interpreter])
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
    # A JSON list of codes (plaintext); SQLite cannot count inside JSON arrays portably.
    rows = _person_group(q.live_people).values("g_org", "g_port", "g_month", "vulnerabilities")
    for row in rows.iterator(chunk_size=5000):
        group = _group(row)
        for code in {str(c) for c in row["vulnerabilities"] or []} & known:
            table.add(group, code, [1])
    return table


def _case_counts(q: Querysets, column: str | None) -> dict[Group, Counter[Any]]:
    """Cases are grouped by their own port and the month they were opened (registered,
    without an opening date), as the filters read them."""
    rows = (
        q.cases.annotate(
            g_port=F("port__code"),
            g_opened=TruncMonth("opened_on"),
            g_created=TruncMonth("created_at"),
        )
        .values("organization_id", "g_port", "g_opened", "g_created", *([column] if column else []))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[Group, Counter[Any]] = {}
    for row in rows:
        month = _month_key(row["g_opened"] or row["g_created"])
        group = (row["organization_id"], row["g_port"] or "", month)
        counts.setdefault(group, Counter())[row[column] if column else None] += row["n"]
    return counts


def case_status(q: Querysets) -> BaseTable:
    table = BaseTable(
        "case_status",
        _("Cases by status"),
        Kind.PARTITION,
        [Column("cases", _("Cases"))],
        population=CASES,
    )
    table.fixed((value, str(label)) for value, label in CaseStatus.choices)
    for group, counter in _case_counts(q, "status").items():
        for value, n in counter.items():
            table.add(group, value, [n])
    return table


def case_venue(q: Querysets) -> BaseTable:
    table = BaseTable(
        "case_venue", _("Cases by hearing venue"), Kind.PARTITION,
        [Column("cases", _("Cases"))], sort_by_count=True, population=CASES,
    )  # fmt: skip
    for group, counter in _case_counts(q, "venue__code").items():
        for code, n in counter.items():
            table.add(group, code or NOT_RECORDED, [n])
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
    rows = (
        q.households.annotate(g_port=F("port__code"), g_month=TruncMonth("created_at"))
        .annotate(size=Count("members"))
        .values_list("organization_id", "g_port", "g_month", "size")
    )
    for org_id, port, month, size in rows.iterator(chunk_size=5000):
        table.add((org_id, port or "", _month_key(month)), household_band(size), [1])
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
    for group, n in q.person_totals().items():
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
    """Each row is rounded per group like any count, so "People", "Households" and
    "Cases" equal the totals of the tables about the same records."""
    table = BaseTable(
        "overview",
        _("Overview"),
        Kind.INDEPENDENT,
        [Column("count", _("Count"))],
        bars=False,
        count_labels={"people": PEOPLE, "households": HOUSEHOLDS, "cases": CASES},
    )
    table.fixed(
        [
            ("people", _("People registered")),
            ("erased", _("of whom erased (personal data removed)")),
            ("interpreter", _("People who need an interpreter")),
            ("households", _("Households")),
            ("cases", _("Cases")),
        ]
    )
    for group, n in q.person_totals().items():
        table.add(group, "people", [n])
    for group, counter in _person_counts(q.people.filter(pk__in=q.erased_ids), None).items():
        table.add(group, "erased", [sum(counter.values())])
    interpreter = (
        _person_group(
            PersonLanguage.objects.filter(person__in=q.live_people, needs_interpreter=True),
            "person__",
        )
        .values("g_org", "g_port", "g_month")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    for row in interpreter:
        table.add(_group(row), "interpreter", [row["n"]])
    households = (
        q.households.annotate(g_port=F("port__code"), g_month=TruncMonth("created_at"))
        .values("organization_id", "g_port", "g_month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in households:
        group = (row["organization_id"], row["g_port"] or "", _month_key(row["g_month"]))
        table.add(group, "households", [row["n"]])
    for group, counter in _case_counts(q, None).items():
        table.add(group, "cases", [sum(counter.values())])
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
    q = Querysets(scope, filters)
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
