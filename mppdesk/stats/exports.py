"""Research exports: the dashboards' rounded tables, and a de-identified event extract,
as CSV or Parquet (pyarrow). Every column is described in docs/statistics.md.

**Tables** (``kind="tables"``): one row per published cell of every dashboard panel — the
rounded figures of the page, nothing else.

**Event extract** (``kind="events"``): one row per event (a person registered, a
hearing, an order in absentia, a transfer) with

- ``person_ref`` / ``event_ref``: random identifiers drawn for this export only
  (``secrets``), so two extracts cannot be joined on them;
- the ISO week (``2026-W05``), never a date; the age as a ten-year band at that week;
- codes only (port, nationality, sex, hearing kind and outcome): no name, A-number,
  phone, address or free text is read.

Scope and filters are those of the dashboards (``dashboards.Source``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from mppdesk.hearings.models import InAbsentiaFollowUp
from mppdesk.messaging.models import Message
from mppdesk.people.models import Person
from mppdesk.stats import dashboards
from mppdesk.stats.queries import Scope
from mppdesk.transfers.models import TransferMember

TABLE_COLUMNS = ["table", "row_key", "row_label", "column", "column_label", "count", "display"]
EVENT_COLUMNS = [
    "event_ref", "person_ref", "event", "iso_week", "port", "nationality", "sex", "age_band",
    "hearing_kind", "outcome", "reminder_delivered",
]  # fmt: skip
AGE_BANDS = [(0, 9), (10, 17), (18, 29), (30, 39), (40, 49), (50, 59), (60, None)]


class Kind(StrEnum):
    TABLES = "tables"
    EVENTS = "events"


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


CONTENT_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.PARQUET: "application/vnd.apache.parquet",
}


@dataclass(frozen=True)
class Export:
    kind: Kind
    format: Format
    columns: list[str]
    rows: list[list[Any]]

    @property
    def filename(self) -> str:
        return f"mppdesk-research-{self.kind}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def content(self) -> bytes:
        return to_csv(self.columns, self.rows) if self.format is Format.CSV else to_parquet(self)


def age_band(birth_year: int | None, year: int) -> str:
    if not birth_year:
        return ""
    age = year - birth_year
    for low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return f"{low}+" if high is None else f"{low}-{high}"
    return ""


def table_rows(shown: list[dashboards.Shown]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for item in shown:
        table = item.table
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for column, cell in zip(table.columns, row.cells, strict=True):
                rows.append(
                    [
                        table.name,
                        row.key,
                        row.label,
                        column.key,
                        column.label,
                        cell.count,
                        cell.display,
                    ]
                )
    return rows


class _Refs:
    """Random identifiers for this export only."""

    def __init__(self) -> None:
        self.people: dict[int, str] = {}

    def person(self, pk: int) -> str:
        if pk not in self.people:
            self.people[pk] = secrets.token_hex(8)
        return self.people[pk]


def event_rows(scope: Scope, filters: dashboards.Filters) -> list[list[Any]]:
    source = dashboards.Source(scope, filters)
    refs = _Refs()
    events: list[list[Any]] = []

    def add(person: dict[str, Any], event: str, when: dt.date | dt.datetime, port: str,
            kind: str = "", outcome: str = "", reached: bool | None = None) -> None:  # fmt: skip
        day = timezone.localtime(when).date() if isinstance(when, dt.datetime) else when
        events.append(
            [
                secrets.token_hex(8),
                refs.person(person["pk"]),
                event,
                dashboards.week_of(day),
                port or "",
                person["nationality"] or "",
                person["sex"] or "",
                age_band(person["birth_year"], day.year),
                kind,
                outcome,
                reached,
            ]  # fmt: skip
        )

    people = source.restrict(
        Person.objects.all(), org="organization_id",
        port="household_membership__household__port__code", when="created_at",
    )  # fmt: skip
    for p in people.values(
        "pk", "nationality", "sex", "birth_year", "created_at",
        "household_membership__household__port__code",
    ).iterator(chunk_size=5000):  # fmt: skip
        add(p, "registered", p["created_at"], p["household_membership__household__port__code"])

    delivered = Message.objects.filter(
        hearing=OuterRef("pk"),
        status__in=dashboards.DELIVERED,
        sent_at__lt=OuterRef("scheduled_at"),
    )
    hearings = source.restrict(
        dashboards.hearings_in(source), org="organization_id", port="port__code",
        when="scheduled_at",
    ).annotate(reached=Exists(delivered))  # fmt: skip
    for h in hearings.values(
        "case__lead_id", "case__lead__nationality", "case__lead__sex", "case__lead__birth_year",
        "scheduled_at", "port__code", "kind", "outcome", "reached",
    ).iterator(chunk_size=5000):  # fmt: skip
        lead = _lead(h)
        if lead is not None:
            add(lead, "hearing", h["scheduled_at"], h["port__code"], h["kind"], h["outcome"],
                h["reached"])  # fmt: skip

    orders = source.restrict(
        InAbsentiaFollowUp.objects.all(), org="organization_id", port="hearing__port__code",
        when="order_date", is_date=True,
    )  # fmt: skip
    for o in orders.values(
        "hearing__case__lead_id", "hearing__case__lead__nationality", "hearing__case__lead__sex",
        "hearing__case__lead__birth_year", "order_date", "hearing__port__code", "status",
    ).iterator(chunk_size=5000):  # fmt: skip
        lead = _lead(o, "hearing__case__lead")
        if lead is not None:
            add(lead, "in_absentia_order", o["order_date"], o["hearing__port__code"],
                outcome=o["status"])  # fmt: skip

    members = source.restrict(
        TransferMember.objects.filter(included=True, group__status__in=dashboards.MOVED),
        org="group__organization_id", port="group__port__code", when="group__date", is_date=True,
    )  # fmt: skip
    for m in members.values(
        "person_id", "person__nationality", "person__sex", "person__birth_year", "group__date",
        "group__port__code",
    ).iterator(chunk_size=5000):  # fmt: skip
        person = {
            "pk": m["person_id"], "nationality": m["person__nationality"],
            "sex": m["person__sex"], "birth_year": m["person__birth_year"],
        }  # fmt: skip
        add(person, "transferred", m["group__date"], m["group__port__code"])
    # Shuffled: row order must not follow the database's ids.
    secrets.SystemRandom().shuffle(events)
    return events


def _lead(row: dict[str, Any], prefix: str = "case__lead") -> dict[str, Any] | None:
    pk = row[f"{prefix}_id"]
    if pk is None:
        return None
    return {
        "pk": pk,
        "nationality": row[f"{prefix}__nationality"],
        "sex": row[f"{prefix}__sex"],
        "birth_year": row[f"{prefix}__birth_year"],
    }


def build(scope: Scope, filters: dashboards.Filters, kind: Kind, fmt: Format) -> Export:
    if kind is Kind.TABLES:
        return Export(kind, fmt, TABLE_COLUMNS, table_rows(dashboards.panels(scope, filters)))
    return Export(kind, fmt, EVENT_COLUMNS, event_rows(scope, filters))


def _safe(value: Any) -> Any:
    """Keep spreadsheets from reading a text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_parquet(export: Export) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: list[tuple[Any, ...]] = (
        list(zip(*export.rows, strict=True)) if export.rows else [() for _ in export.columns]
    )
    types = {"count": pa.int64(), "reminder_delivered": pa.bool_()}
    arrays = [
        pa.array(list(values), type=types.get(name, pa.string()))
        for name, values in zip(export.columns, columns, strict=True)
    ]
    table = pa.Table.from_arrays(arrays, names=export.columns)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()
