"""The dashboards page and its research downloads (``stats.research``).

Anyone signed in without ``stats.research`` gets 404, like a page that does not exist.
The query string carries only the filters (a port code and weeks) and, for a download,
the kind and format of the export.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mppdesk.accounts.models import User
from mppdesk.core.errors import FieldErrors
from mppdesk.places.models import Port
from mppdesk.stats import dashboards, exports, services, svg
from mppdesk.stats.rounding import BASE
from mppdesk.stats.suppression import SMALL_DISPLAY


class DashboardFilterForm(forms.Form):
    port = forms.ChoiceField(label=gettext_lazy("Border city"), required=False)
    from_week = forms.CharField(
        label=gettext_lazy("From (week)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W01"}),
    )
    to_week = forms.CharField(
        label=gettext_lazy("To (week)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W26"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result = dashboards.Filters()
        port_field = self.fields["port"]
        assert isinstance(port_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        port_field.choices = [("", _("All")), *((p.code, str(p)) for p in Port.objects.all())]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:  # screen readers: the error names the field it is about
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs.update({"aria-invalid": "true", "aria-describedby": f"{name}-error"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.result = dashboards.clean_filters(
                port=data.get("port"), from_week=data.get("from_week"), to_week=data.get("to_week")
            )
        except FieldErrors as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


def _form(request: HttpRequest) -> DashboardFilterForm:
    data = request.GET.copy()
    for key in ("kind", "format"):
        data.pop(key, None)
    return DashboardFilterForm(data or None)


def _chart(item: dashboards.Shown) -> dict[str, Any]:
    table, kind = item.table, item.panel.chart
    ident = f"chart-{table.name}"
    if kind is dashboards.Chart.BARS:
        return {"svg": svg.bars(table, ident), "legend": []}
    parts = kind is dashboards.Chart.STACKED
    return {"svg": svg.columns(table, ident, parts=parts), "legend": svg.legend(table, parts)}


@login_required
@never_cache
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = dashboards.scope_for(user)  # 404 without stats.research
    form = _form(request)
    valid = not form.is_bound or form.is_valid()
    shown = dashboards.panels(scope, form.result) if valid else []
    if valid:
        services.record_dashboard_view(
            actor=user, filters=form.result.as_dict(), panels=[s.panel.name for s in shown]
        )
    query = request.GET.copy()
    for key in ("kind", "format"):
        query.pop(key, None)
    context = {
        "form": form,
        "panels": [{"table": s.table, **_chart(s)} for s in shown],
        "program_wide": scope.program_wide,
        "filters": query.urlencode(),
        "base": BASE,
        "small": SMALL_DISPLAY,
        "exports": [(k.value, f.value) for k in exports.Kind for f in exports.Format],
    }
    return render(request, "stats/dashboards.html", context, status=200 if valid else 400)


@login_required
@never_cache
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = dashboards.scope_for(user)  # 404 without stats.research
    try:
        kind = exports.Kind(request.GET.get("kind", ""))
        fmt = exports.Format(request.GET.get("format", ""))
    except ValueError as exc:
        raise Http404 from exc
    form = _form(request)
    if form.is_bound and not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        return HttpResponseBadRequest(
            _("Invalid filters: %(fields)s.") % {"fields": fields}, content_type="text/plain"
        )
    result = services.research_export(
        actor=user, scope=scope, filters=form.result, kind=kind, fmt=fmt
    )
    response = HttpResponse(result.content(), content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
