"""De-identified statistics: the figures of the web page ``/stats/``, rounded the same way."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import LIST_ERRORS
from mppdesk.api.schemas import QueryIn
from mppdesk.core.errors import FieldErrors
from mppdesk.stats import dashboards, queries, services
from mppdesk.stats.rounding import BASE
from mppdesk.stats.suppression import SMALL_DISPLAY, THRESHOLD

router = Router()

# Secondary suppression ("*") gave way to rounding (docs/statistics.md); the key stays in
# the response so that clients written for it keep parsing it.
RETIRED_SECONDARY_DISPLAY = "*"


class StatsFilters(QueryIn):
    organization: str | None = Field(
        None, max_length=60, description="Short name of an organization within your scope."
    )
    port: str | None = Field(
        None,
        max_length=60,
        description="Port of entry code.",
        json_schema_extra={"example": "el-paso"},
    )
    from_month: str | None = Field(
        None,
        max_length=7,
        description="First month, `YYYY-MM`.",
        json_schema_extra={"example": "2026-01"},
    )
    to_month: str | None = Field(
        None,
        max_length=7,
        description="Last month, `YYYY-MM`.",
        json_schema_extra={"example": "2026-06"},
    )
    table: str | None = Field(
        None,
        max_length=40,
        description=f"Only this table: one of {', '.join(queries.TABLE_NAMES)}.",
    )


class CellOut(Schema):
    count: int | None = Field(
        ..., description=f"The rounded figure (a multiple of {BASE}); `null` when hidden."
    )
    display: str = Field(..., description=f"The figure as shown: a number, or `{SMALL_DISPLAY}`.")
    hidden: str | None = Field(
        ..., description="`small` when the figure rounds to 0 (none, or a few); else `null`."
    )


class RowOut(Schema):
    key: str = Field(..., description='The category\'s code (`""` for not recorded).')
    label: str
    cells: list[CellOut]


class ColumnOut(Schema):
    key: str
    label: str


class TableOut(Schema):
    name: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: RowOut | None
    note: str


class ScopeOut(Schema):
    program_wide: bool
    organizations: list[str] = Field(..., description="Short names of the organizations counted.")


class SuppressionOut(Schema):
    threshold: int = Field(..., description="Figures below it are shown as `small`.")
    small: str
    secondary: str = Field(..., description="No longer used: figures are rounded instead.")
    rounding_base: int = Field(
        ..., description="Every figure is a sum of counts rounded to a multiple of it."
    )


class StatsOut(Schema):
    scope: ScopeOut
    filters: dict[str, str | None]
    suppression: SuppressionOut
    tables: list[TableOut]


def _row(row: queries.Row) -> dict[str, Any]:
    cells = [
        {"count": c.count, "display": c.display, "hidden": c.hidden.value if c.hidden else None}
        for c in row.cells
    ]
    return {"key": row.key, "label": row.label, "cells": cells}


@router.get("", auth=role(Action.STATS_READ), response={200: StatsOut, **LIST_ERRORS})
def get_stats(request: HttpRequest, filters: Query[StatsFilters]) -> Any:
    """Aggregate figures (no personal data) of the token's organization — of every
    organization if it is program-wide (program coordinator, monitor).

    Counts are rounded to multiples of 5 for each organization, port and month, then
    added up (the same figures as the page and its downloads; docs/statistics.md); a
    figure that rounds to 0 is `"<5"`. Needs the `read` scope and a role with
    `stats.read`.
    """
    scope = queries.scope_for_organization(common.organization(request))
    cleaned = queries.clean_filters(
        scope,
        organization=filters.organization,
        port=filters.port,
        from_month=filters.from_month,
        to_month=filters.to_month,
    )
    if filters.table is not None and filters.table not in queries.TABLE_NAMES:
        raise FieldErrors({"table": [f"Choose one of: {', '.join(queries.TABLE_NAMES)}."]})
    names = [filters.table] if filters.table else None
    tables = queries.tables(scope, cleaned, names)
    services.record_stats_view(
        actor=common.actor(request), filters=cleaned, tables=[t.name for t in tables]
    )
    orgs = queries.organizations(scope)
    if cleaned.organization is not None:
        orgs = orgs.filter(pk=cleaned.organization.pk)
    return {
        "scope": {
            "program_wide": scope.program_wide,
            "organizations": list(orgs.values_list("slug", flat=True)),
        },
        "filters": cleaned.as_dict(),
        "suppression": {
            "threshold": THRESHOLD,
            "small": SMALL_DISPLAY,
            "secondary": RETIRED_SECONDARY_DISPLAY,
            "rounding_base": BASE,
        },
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "columns": [{"key": c.key, "label": c.label} for c in t.columns],
                "rows": [_row(r) for r in t.rows],
                "total": _row(t.total) if t.total else None,
                "note": t.note,
            }
            for t in tables
        ],
    }


class ResearchExportIn(QueryIn):
    kind: Literal["tables", "events"] = Field(
        "tables",
        description="`tables`: the dashboards' rounded tables; `events`: the de-identified "
        "event extract (docs/statistics.md, data dictionary).",
    )
    format: Literal["csv", "parquet"] = Field("csv", description="CSV (UTF-8) or Parquet.")
    port: str | None = Field(None, max_length=60, description="Port of entry code.")
    from_week: str | None = Field(
        None, max_length=10, description="First ISO week, `YYYY-Www` (or a date `YYYY-MM-DD`)."
    )
    to_week: str | None = Field(
        None, max_length=10, description="Last ISO week, `YYYY-Www` (or a date `YYYY-MM-DD`)."
    )


@router.get(
    "/research-export",
    auth=role(Action.STATS_RESEARCH),
    response=LIST_ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The export file (audited as an export).",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.apache.parquet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    },
)
def research_export(request: HttpRequest, params: Query[ResearchExportIn]) -> HttpResponse:
    """A research export of the token's organization (of every organization if it is
    program-wide): the dashboards' rounded tables or the de-identified event extract, as
    CSV or Parquet, with random identifiers drawn for this export only. Needs the `read`
    scope and a role with `stats.research`. Bad filters: 422 naming the field."""
    scope = queries.scope_for_organization(common.organization(request))
    filters = dashboards.clean_filters(
        port=params.port, from_week=params.from_week, to_week=params.to_week
    )
    result = services.research_export(
        actor=common.actor(request), scope=scope, filters=filters, kind=params.kind,
        fmt=params.format,
    )  # fmt: skip
    response = HttpResponse(result.content(), content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
