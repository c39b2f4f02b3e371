"""Incident pages: the list, a new report, one report with its consent record, and the
de-identified tallies (page and CSV).

Views parse, call one domain function and render; ``queries`` checks ``incident.read``
(404 otherwise) and audits every read, ``services`` checks ``incident.write``. URLs
carry only random UUIDs; a person's id arrives in the query string only as a UUID.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.incidents import queries, services, tallies
from mppdesk.incidents.models import ConsentMethod, IncidentKind, Perpetrator, Use
from mppdesk.lib import csvfile
from mppdesk.people.models import Person
from mppdesk.places.models import Port
from mppdesk.stats import svg
from mppdesk.web.access import requires
from mppdesk.web.request import current_user

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


def _choices() -> dict[str, Any]:
    return {
        "kinds": IncidentKind.choices,
        "perpetrators": Perpetrator.choices,
        "ports": Port.objects.order_by("mexican_city").values_list("code", "mexican_city"),
        "methods": ConsentMethod.choices,
        "uses": Use.choices,
    }


@requires(Action.INCIDENT_READ)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET
    errors: dict[str, list[str]] = {}
    try:
        filters = queries.clean_list_filters(
            kind=q.get("kind", ""), perpetrator=q.get("perpetrator", ""),
            port=q.get("port", ""), from_date=q.get("from_date", ""),
            to_date=q.get("to_date", ""),
        )  # fmt: skip
    except FieldErrors as exc:
        errors, filters = exc.errors, queries.ListFilters()
    person = None
    if q.get("person"):
        from mppdesk.people import queries as people_queries

        try:
            person = people_queries.get_person(current_user(request), UUID(q["person"]))
        except ValueError:
            raise Http404 from None
        rows = queries.incidents_of_person(current_user(request), person)
    else:
        rows = queries.list_incidents(current_user(request), filters)
    return render(
        request,
        "incidents/list.html",
        {"rows": rows, "errors": errors, "q": q, "person": person, **_choices()},
        status=400 if errors else 200,
    )


def _person_choices(user: User, orgs: list[int], selected: list[str]) -> list[Person]:
    """People the form may name: the person it was opened for and their family (everyone
    on their cases, of the same organization)."""
    from mppdesk.assistance.queries import family_of

    people: list[Person] = []
    for person in Person.objects.filter(pk__in=_ids(selected), organization_id__in=orgs):
        for member in family_of(person):
            if member not in people and member.organization_id == person.organization_id:
                people.append(member)
    return people


@requires(Action.INCIDENT_WRITE)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    orgs = queries.writable_orgs(user)
    data = request.POST if request.method == "POST" else request.GET
    people_ids = data.getlist("people")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        org = Organization.objects.filter(pk__in=orgs).order_by("pk").first()
        chosen = Person.objects.filter(pk__in=_ids(people_ids), organization_id__in=orgs).first()
        if chosen is not None:
            org = chosen.organization
        try:
            assert org is not None  # noqa: S101 - requires() checked incident.write
            incident = services.record_incident(
                actor=user, organization=org, occurred_on=data.get("occurred_on"),
                port=data.get("port"), kinds=data.getlist("kinds"),
                perpetrator=data.get("perpetrator", ""), people=people_ids,
                narrative=data.get("narrative", ""),
                consent_method=data.get("consent_method", ""),
                consent_given_at=data.get("consent_given_at") or None,
                uses=data.getlist("uses"),
                share_with=[s for s in [data.get("share_with", "").strip()] if s],
            )  # fmt: skip
        except FieldErrors as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Incident recorded."))
            return redirect("incidents:detail", pk=incident.pk)
    context = {
        "errors": errors,
        "data": data,
        "people": _person_choices(user, orgs, people_ids),
        "partners": Organization.objects.filter(is_active=True)
        .exclude(pk__in=orgs)
        .exclude(kind=Organization.Kind.MONITOR)
        .order_by("name"),
        "today": utc_today().isoformat(),
        "selected_kinds": data.getlist("kinds"),
        # The person the form was opened for (GET), or what was ticked (POST).
        "selected_people": people_ids[:1] if request.method == "GET" else people_ids,
        "selected_uses": data.getlist("uses") if request.method == "POST" else [Use.KEEP],
        **_choices(),
    }
    return render(request, "incidents/new.html", context, status=400 if errors else 200)


def _ids(raw: list[str]) -> list[UUID]:
    out = []
    for value in raw:
        try:
            out.append(UUID(value))
        except ValueError:
            continue
    return out


@requires(Action.INCIDENT_READ)
@require_GET
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _detail(request, pk)


def _detail(
    request: HttpRequest, pk: UUID, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    view = queries.get_incident(current_user(request), pk)
    context = {
        "view": view,
        "incident": view.incident,
        "errors": errors or {},
        "partners": Organization.objects.filter(is_active=True)
        .exclude(pk=view.incident.organization_id)
        .exclude(kind=Organization.Kind.MONITOR)
        .order_by("name"),
        **_choices(),
    }
    return render(request, "incidents/detail.html", context, status=400 if errors else 200)


@requires(Action.INCIDENT_WRITE)
@require_POST
def consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Give consent for one more use, or withdraw one (``withdraw`` = the consent id)."""
    user = current_user(request)
    incident = queries.get_incident_for_write(user, pk)
    data = request.POST
    try:
        if data.get("withdraw"):
            raw = str(data["withdraw"]).strip()
            row = (
                incident.consents.filter(pk=int(raw)).first()
                if raw.isdigit() and len(raw) < 18
                else None
            )
            if row is None:
                raise FieldErrors({"consent": [_("This consent is not active.")]})
            left = services.withdraw_consent(actor=user, consent=row, method=data.get("method", ""))
            if left is None:
                messages.success(request, _("Consent to keep the report withdrawn: deleted."))
                return redirect("incidents:index")
            messages.success(request, _("Consent withdrawn."))
        else:
            services.give_consent(
                actor=user, incident=incident, use=data.get("use", ""),
                method=data.get("method", ""), organization=data.get("share_with") or None,
            )  # fmt: skip
            messages.success(request, _("Consent recorded."))
    except FieldErrors as exc:
        return _detail(request, pk, exc.errors)
    return redirect("incidents:detail", pk=pk)


# --- tallies ---------------------------------------------------------------------------


def _tallies(request: HttpRequest) -> tuple[tallies.Tallies | None, dict[str, list[str]]]:
    q = request.GET
    try:
        filters = tallies.clean_filters(
            port=q.get("port"), perpetrator=q.get("perpetrator"),
            from_month=q.get("from_month"), to_month=q.get("to_month"),
        )  # fmt: skip
    except FieldErrors as exc:
        return tallies.tallies_for(current_user(request), tallies.TallyFilters()), exc.errors
    return tallies.tallies_for(current_user(request), filters), {}


def _short_labels(table: Any, limit: int = 24) -> Any:
    """The table with labels short enough for the chart's label column."""
    rows = [
        dataclasses.replace(
            r, label=r.label if len(r.label) <= limit else r.label[: limit - 1] + "…"
        )
        for r in table.rows
    ]
    return dataclasses.replace(table, rows=rows)


@login_required
@never_cache
@require_GET
def tally_page(request: HttpRequest) -> HttpResponse:
    """Anyone with ``stats.read`` (404 otherwise, like the statistics pages)."""
    result, errors = _tallies(request)
    assert result is not None  # noqa: S101
    by_kind = result.tables["by_kind"]
    by_month = result.tables["by_month"]
    context = {
        "result": result,
        "tables": list(result.tables.values()),
        "kind_chart": svg.bars(_short_labels(by_kind), "chart-by-kind"),
        "month_chart": svg.columns(by_month, "chart-by-month") if by_month.rows else None,
        "errors": errors,
        "q": request.GET,
        "csv_query": request.GET.urlencode(),
        **_choices(),
    }
    return render(request, "incidents/tallies.html", context, status=400 if errors else 200)


@login_required
@never_cache
@require_GET
def tally_csv(request: HttpRequest) -> HttpResponse:
    result, errors = _tallies(request)
    if errors:
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), status=400)
    assert result is not None  # noqa: S101
    tallies.record_export(current_user(request))
    body = csvfile.csv_bytes(tallies.CSV_HEADER, tallies.csv_rows(result))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incident-tallies.csv"'
    return response
