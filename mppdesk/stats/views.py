"""The statistics page and its CSV downloads: de-identified, rounded figures only.

Anyone signed in with ``stats.read`` somewhere (``stats.queries.scope_for``); anyone else
signed in gets 404, like a page that does not exist. The query string carries only the
filters and the table name, so the CSV download can be a plain GET link.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mppdesk.lib import csvfile
from mppdesk.stats import queries, services
from mppdesk.stats.forms import StatsFilterForm
from mppdesk.stats.rounding import BASE
from mppdesk.stats.suppression import SMALL_DISPLAY
from mppdesk.web.request import current_user

CHART_HEIGHT = 100
CHART_BAR = 10  # width of a month's column in the chart's own units


@dataclass(frozen=True)
class Column:
    x: int
    y: int
    height: int
    label: str
    display: str


def month_chart(table: queries.Table) -> list[Column]:
    """Columns of an inline SVG chart for a month table (heights from ``Row.bar``)."""
    columns = []
    for i, row in enumerate(table.rows):
        height = row.bar * CHART_HEIGHT // 100
        columns.append(
            Column(i * CHART_BAR, CHART_HEIGHT - height, height, row.label, row.cells[0].display)
        )
    return columns


def _filter_form(request: HttpRequest, scope: queries.Scope) -> StatsFilterForm:
    data = request.GET.copy()
    data.pop("table", None)
    return StatsFilterForm(data or None, scope=scope)


@login_required
@never_cache
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = queries.scope_for(user)  # 404 without stats.read
    form = _filter_form(request, scope)
    valid = not form.is_bound or form.is_valid()
    tables = queries.tables(scope, form.result) if valid else []
    if valid:
        services.record_stats_view(actor=user, filters=form.result, tables=[t.name for t in tables])
    chart = next((t for t in tables if t.name == "intake_month"), None)
    query = request.GET.copy()
    query.pop("table", None)
    context = {
        "form": form,
        "tables": tables,
        "scope_organizations": list(queries.organizations(scope)) if not scope.program_wide else [],
        "program_wide": scope.program_wide,
        "filters": query.urlencode(),
        "chart": month_chart(chart) if chart and chart.rows else [],
        "chart_width": CHART_BAR * len(chart.rows) if chart else 0,
        "chart_height": CHART_HEIGHT,
        "base": BASE,
        "small": SMALL_DISPLAY,
    }
    return render(request, "stats/index.html", context, status=200 if valid else 400)


def _safe(text: str) -> str:
    """Keep spreadsheets from reading a label as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(table: queries.Table) -> str:
    out = io.StringIO()
    writer = csvfile.writer(out)
    writer.writerow([_("Code"), _safe(table.title), *(_safe(c.label) for c in table.columns)])
    for row in [*table.rows, *([table.total] if table.total else [])]:
        writer.writerow([_safe(row.key), _safe(row.label), *row.displays])
    return out.getvalue()


@login_required
@never_cache
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = queries.scope_for(user)  # 404 without stats.read
    name = request.GET.get("table", "")
    if name not in queries.TABLE_NAMES:
        raise Http404
    form = _filter_form(request, scope)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Invalid filters."), content_type="text/plain")
    (table,) = queries.tables(scope, form.result, [name])
    services.record_stats_view(actor=user, filters=form.result, tables=[name], export=name)
    # A byte-order mark, so that spreadsheet programs read the accents as UTF-8.
    body = "\ufeff" + table_csv(table)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mppdesk-stats-{name}.csv"'
    return response
