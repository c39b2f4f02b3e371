"""De-identified aggregate figures of the program, for analysts and everyone with
``stats.read`` (``accounts.permissions``).

Only plaintext columns are read: nationality, sex, year of birth, vulnerability codes,
languages and the interpreter flag, household membership and border city, case status,
venue, port and dates, plus the ``privacy.ErasedCaseStat`` aggregate. Nothing is
decrypted and no encrypted column appears in a filter, a ``values()`` or an ordering.
Every figure leaves this module through ``suppression`` (counts of 1–4 hidden, with a
secondary suppression where a total would give them away).

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

from django.db.models import Count, Q, QuerySet, Sum
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
from mppdesk.stats.suppression import Cell, primary, suppress_group
from mppdesk.web.templatetags.desk import country_label, language_label

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

NOT_RECORDED = ""  # the key of the "not recorded" row of a table
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
    """A published table: suppressed cells only, no raw count of 1–4 anywhere."""

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
    """Counts before suppression; never handed to a view."""

    name: str
    title: str
    kind: Kind
    columns: list[Column]
    rows: list[tuple[str, str, list[int]]] = field(default_factory=list)
    note: str = ""
    sort_by_count: bool = False  # categories without a natural order: largest first
    bars: bool = True  # a bar per row (rows of one kind only)


def publish(raw: RawTable) -> Table:
    """Apply the suppression rules to ``raw`` and lay it out for display."""
    total: Row | None = None
    rows: list[Row] = []
    if raw.kind is Kind.PARTITION:
        counts = [r[2][0] for r in raw.rows]
        cells, total_cell = suppress_group(counts, sum(counts))
        rows = [
            Row(key, label, [cell]) for (key, label, _c), cell in zip(raw.rows, cells, strict=True)
        ]
        assert total_cell is not None  # noqa: S101 - a partition has a total
        total = Row("total", _("Total"), [total_cell])
    elif raw.kind is Kind.SPLIT:
        for key, label, (row_total, *parts) in raw.rows:
            part_cells, row_total_cell = suppress_group(parts, row_total)
            assert row_total_cell is not None  # noqa: S101
            rows.append(Row(key, label, [row_total_cell, *part_cells]))
    else:
        rows = [Row(key, label, [primary(c) for c in counts]) for key, label, counts in raw.rows]
    if raw.sort_by_count:
        # By the shown figure only, so the order says nothing about hidden ones; the
        # "not recorded" row stays last.
        def order(row: Row) -> tuple[bool, bool, int, str]:
            first = row.cells[0]
            return (row.key == NOT_RECORDED, first.suppressed, -(first.count or 0), row.label)

        rows.sort(key=order)
    largest = max((row.cells[0].count or 0 for row in rows), default=0)
    if largest and raw.bars:
        rows = [
            Row(r.key, r.label, r.cells, round(100 * (r.cells[0].count or 0) / largest))
            for r in rows
        ]
    return Table(raw.name, raw.title, raw.columns, rows, total, raw.note)


# --- the figures ------------------------------------------------------------------------


class Querysets:
    """The records a report counts: scope and filters applied once."""

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


def _counts(queryset: QuerySet[Any], column: str) -> Counter[Any]:
    rows = queryset.values(column).annotate(n=Count("pk")).order_by()
    return Counter({row[column]: row["n"] for row in rows})


def _erased_counts(stats: QuerySet[ErasedCaseStat], column: str) -> Counter[str]:
    rows = stats.values(column).annotate(n=Sum("count")).order_by()
    return Counter({row[column]: int(row["n"] or 0) for row in rows})


def _people_column() -> list[Column]:
    return [Column("people", _("People"))]


def _erased_note() -> str:
    return _(
        "Includes erased people, from the de-identified counts kept at erasure (once per "
        "case they were on)."
    )


def _merge_unknown(counter: Counter[Any], unknown: Iterable[Any]) -> Counter[str]:
    merged: Counter[str] = Counter()
    for key, n in counter.items():
        merged[NOT_RECORDED if key in unknown else str(key)] += n
    return merged


def nationality(q: Querysets) -> RawTable:
    counts = _merge_unknown(_counts(q.live_people, "nationality"), {None, ""})
    counts.update(_merge_unknown(_erased_counts(q.erased_stats, "nationality"), {None, ""}))
    table = RawTable(
        "nationality", _("People by nationality"), Kind.PARTITION, _people_column(),
        note=_erased_note(), sort_by_count=True,
    )  # fmt: skip
    for code, n in counts.items():
        label = country_label(code) if code else _("Not recorded")
        table.rows.append((code, label, [n]))
    return table


def sex(q: Querysets) -> RawTable:
    counts = _merge_unknown(_counts(q.live_people, "sex"), {None, "", Sex.UNKNOWN})
    counts.update(_merge_unknown(_erased_counts(q.erased_stats, "sex"), {None, "", Sex.UNKNOWN}))
    table = RawTable(
        "sex", _("People by sex"), Kind.PARTITION, _people_column(), note=_erased_note()
    )
    for value, label in Sex.choices:
        if value != Sex.UNKNOWN:
            table.rows.append((value, str(label), [counts.get(value, 0)]))
    table.rows.append((NOT_RECORDED, _("Not recorded"), [counts.get(NOT_RECORDED, 0)]))
    return table


def _decade(year: int) -> str:
    start = year - year % 10
    return f"{start}-{start + 9}"


def birth_decade(q: Querysets) -> RawTable:
    counts: Counter[str] = Counter()
    for year, n in _counts(q.live_people, "birth_year").items():
        counts[_decade(year) if year else NOT_RECORDED] += n
    for years, n in _erased_counts(q.erased_stats, "birth_years").items():
        # Erasure keeps five-year groups ("1985-1989"): each lies within one decade.
        first = years.split("-")[0] if years else ""
        counts[_decade(int(first)) if first.isdigit() else NOT_RECORDED] += n
    table = RawTable(
        "birth_decade", _("People by year of birth"), Kind.PARTITION, _people_column(),
        note=_erased_note(),
    )  # fmt: skip
    for key in sorted(k for k in counts if k != NOT_RECORDED):
        table.rows.append((key, key.replace("-", "–"), [counts[key]]))
    if counts.get(NOT_RECORDED):
        table.rows.append((NOT_RECORDED, _("Not recorded"), [counts[NOT_RECORDED]]))
    return table


def border_city(q: Querysets) -> RawTable:
    counts = _counts(q.people, "household_membership__household__port")
    ports = {p.pk: p for p in Port.objects.filter(pk__in=[k for k in counts if k is not None])}
    table = RawTable(
        "border_city", _("People by border city (household)"), Kind.PARTITION,
        _people_column(), sort_by_count=True,
        note=_("The Mexican city of the household's port of entry; erased people included."),
    )  # fmt: skip
    for port_id, n in counts.items():
        if port_id is None:
            table.rows.append((NOT_RECORDED, _("No household or border city recorded"), [n]))
        else:
            port = ports[port_id]
            table.rows.append((port.code, str(port), [n]))
    return table


def languages(q: Querysets) -> RawTable:
    rows = (
        PersonLanguage.objects.filter(person__in=q.live_people)
        .values("code")
        .annotate(n=Count("pk"), interpreter=Count("pk", filter=Q(needs_interpreter=True)))
        .order_by()
    )
    table = RawTable(
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
        table.rows.append(
            (row["code"], language_label(row["code"]), [n, interpreter, n - interpreter])
        )
    return table


def vulnerabilities(q: Querysets) -> RawTable:
    counts: Counter[str] = Counter()
    # A JSON list of codes (plaintext); SQLite cannot count inside JSON arrays portably.
    for codes in q.live_people.values_list("vulnerabilities", flat=True).iterator(chunk_size=5000):
        counts.update({str(c) for c in codes or []})
    table = RawTable(
        "vulnerabilities", _("People by vulnerability"), Kind.INDEPENDENT, _people_column(),
        note=_(
            "A person may have several vulnerabilities or none, so the rows have no total. "
            "Erased people are not included (their vulnerabilities are not kept)."
        ),
    )  # fmt: skip
    for code, label in Vulnerability.choices:
        table.rows.append((code, str(label), [counts.get(code, 0)]))
    return table


def case_status(q: Querysets) -> RawTable:
    counts = _counts(q.cases, "status")
    table = RawTable(
        "case_status", _("Cases by status"), Kind.PARTITION, [Column("cases", _("Cases"))]
    )
    for value, label in CaseStatus.choices:
        table.rows.append((value, str(label), [counts.get(value, 0)]))
    return table


def case_venue(q: Querysets) -> RawTable:
    counts = _counts(q.cases, "venue")
    venues = {v.pk: v for v in Venue.objects.filter(pk__in=[k for k in counts if k is not None])}
    table = RawTable(
        "case_venue", _("Cases by hearing venue"), Kind.PARTITION,
        [Column("cases", _("Cases"))], sort_by_count=True,
    )  # fmt: skip
    for venue_id, n in counts.items():
        if venue_id is None:
            table.rows.append((NOT_RECORDED, _("No hearing venue recorded"), [n]))
        else:
            table.rows.append((venues[venue_id].code, venues[venue_id].name, [n]))
    return table


HOUSEHOLD_BANDS: list[tuple[str, int, int | None]] = [
    ("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-6", 5, 6), ("7+", 7, None),
]  # fmt: skip


def household_size(q: Querysets) -> RawTable:
    sizes = Counter(
        q.households.annotate(size=Count("members")).values_list("size", flat=True).order_by()
    )
    table = RawTable(
        "household_size", _("Households by size"), Kind.PARTITION,
        [Column("households", _("Households"))],
    )  # fmt: skip
    for key, low, high in HOUSEHOLD_BANDS:
        n = sum(c for size, c in sizes.items() if size >= low and (high is None or size <= high))
        if key == "0":
            if n:
                table.rows.append((key, _("No members recorded"), [n]))
            continue
        label = _("%(count)s people") % {"count": key.replace("-", "–")}
        if key == "1":
            label = _("1 person")
        table.rows.append((key, label, [n]))
    return table


def intake_month(q: Querysets) -> RawTable:
    counts: Counter[Month] = Counter()
    rows = q.people.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[Month.of(row["month"])] += row["n"]
    table = RawTable(
        "intake_month", _("People registered per month"), Kind.PARTITION, _people_column(),
        note=_("By the month the person was registered; erased people included."),
    )  # fmt: skip
    if counts:
        month, last = min(counts), max(counts)
        while month <= last:
            label = formats.date_format(month.first_day, "YEAR_MONTH_FORMAT")
            table.rows.append((str(month), label, [counts.get(month, 0)]))
            month = month.next()
    return table


def overview(q: Querysets) -> RawTable:
    table = RawTable(
        "overview", _("Overview"), Kind.INDEPENDENT, [Column("count", _("Count"))], bars=False
    )
    interpreter = (
        PersonLanguage.objects.filter(person__in=q.live_people, needs_interpreter=True)
        .values("person_id")
        .distinct()
        .count()
    )
    table.rows += [
        ("people", _("People registered"), [q.people.count()]),
        (
            "erased",
            _("of whom erased (personal data removed)"),
            [q.people.filter(pk__in=q.erased_ids).count()],
        ),
        ("interpreter", _("People who need an interpreter"), [interpreter]),
        ("households", _("Households"), [q.households.count()]),
        ("cases", _("Cases"), [q.cases.count()]),
    ]
    return table


BUILDERS: dict[str, Callable[[Querysets], RawTable]] = {
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
# Overview rows that are the total of another table: shown as that table's total cell,
# so that a total hidden there is not given away here.
LINKED_TOTALS = {"people": "border_city", "households": "household_size", "cases": "case_status"}


def raw_tables(
    scope: Scope, filters: Filters, names: Sequence[str] | None = None
) -> list[RawTable]:
    """Counts before suppression (for ``publish`` and the tests only)."""
    q = Querysets(scope, filters)
    return [BUILDERS[name](q) for name in (names or TABLE_NAMES)]


def tables(scope: Scope, filters: Filters, names: Sequence[str] | None = None) -> list[Table]:
    """The published (suppressed) tables, in the active language."""
    wanted = list(names or TABLE_NAMES)
    needed = list(wanted)
    if "overview" in wanted:
        needed += [name for name in LINKED_TOTALS.values() if name not in needed]
    published = {raw.name: publish(raw) for raw in raw_tables(scope, filters, needed)}
    if "overview" in published:
        overview = published["overview"]
        rows = []
        for row in overview.rows:
            linked = published[LINKED_TOTALS[row.key]] if row.key in LINKED_TOTALS else None
            cells = linked.total.cells if linked is not None and linked.total else row.cells
            rows.append(Row(row.key, row.label, cells))
        published["overview"] = Table(overview.name, overview.title, overview.columns, rows)
    return [published[name] for name in wanted]
