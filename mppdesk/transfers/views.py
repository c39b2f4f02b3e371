"""Transfer pages: groups and the planner, a group with its exclusions and status steps,
manifests, the detention roster import, receiving capacity by city, shelters and
facilities, and a person's movement timeline.

Reading needs ``transfer.read``; planning, status steps, roster import and shelter edits
need ``transfer.manage`` in the group's (or the acting) organization. Another
organization's group or person is a 404, the same as a missing one. URLs carry random
UUIDs and place codes only, never personal data."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.places import services as place_services
from mppdesk.places.models import Shelter
from mppdesk.transfers import queries, services
from mppdesk.transfers.forms import (
    CapacityForm,
    PlanForm,
    RosterForm,
    ShelterForm,
)
from mppdesk.transfers.models import GroupStatus, TransferGroup
from mppdesk.transfers.reasons import reason_text
from mppdesk.transfers.roster import RosterReport, import_roster
from mppdesk.transfers.templatetags.transfers_ui import (
    NEXT_STEPS,
    movement_rows,
    rule_label,
)
from mppdesk.web.access import requires
from mppdesk.web.request import current_user

SHOWN_PROBLEMS = 500
STEPS = {
    "approve": (services.approve_group, gettext_lazy("Approved: the shelter places are taken.")),
    "depart": (services.depart_group, gettext_lazy("Marked as departed.")),
    "arrive": (services.arrive_group, gettext_lazy("Marked as arrived: movements recorded.")),
    "cancel": (services.cancel_group, gettext_lazy("Cancelled.")),
}


# --- groups -------------------------------------------------------------------------------


@requires(Action.TRANSFER_READ)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """The organization's transfer groups, newest date first."""
    user = current_user(request)
    status = request.GET.get("status", "")
    rows = queries.groups_for(user).prefetch_related("facilities")
    if status in GroupStatus.values:
        rows = rows.filter(status=status)
    context = {
        "groups": list(rows[:200]),
        "status": status,
        "statuses": GroupStatus.choices,
        "may_manage": queries.may_manage(user),
    }
    return render(request, "transfers/list.html", context)


@requires(Action.TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    """The planner form: on success the group page of the new (planned) group."""
    user = current_user(request)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = services.plan_group(
                    actor=user, facilities=list(data["facilities"]), port=data["port"],
                    date=data["date"], target_size=data["target_size"], version=data["version"],
                    name=data["name"], stay_nights=data["stay_nights"],
                )  # fmt: skip
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                messages.success(request, _("Group planned. Review it, then approve it."))
                return redirect("transfers:group", pk=group.pk)
        return render(request, "transfers/plan.html", {"form": form}, status=400)
    initial: dict[str, Any] = {}
    chosen = [code for code in request.GET.getlist("facility") if code]
    if chosen:  # ?facility=a&facility=b: the facilities of an imported roster
        initial["facilities"] = chosen
    return render(request, "transfers/plan.html", {"form": PlanForm(initial=initial)})


def _shelter_rows(group: TransferGroup) -> list[dict[str, Any]]:
    load = queries.shelter_load(group)
    free = place_services.free_places([s for s, _n in load], group.date, group.stay_nights)
    return [
        {"shelter": s, "used": n, "free": free.get(s.pk, 0), "capacity": s.capacity}
        for s, n in load
    ]


def _with_reason_text(member: Any) -> Any:
    """The member with ``reason_text`` in the reader's language, no rule code in it."""
    member.reason_text = reason_text(member.rule, member.reason)
    return member


@requires(Action.TRANSFER_READ)
@require_GET
def group_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A group: summary, households with their shelter, exclusions by rule with the
    reason, the valid next steps and the manifest downloads."""
    user = current_user(request)
    group = queries.get_group(user, pk)
    members = queries.group_members_for_view(user, group)
    included = [m for m in members if m.included]
    excluded = [m for m in members if not m.included]
    households = [
        {"number": number, "members": list(rows)}
        for number, rows in groupby(included, key=lambda m: m.household_number)
    ]
    by_rule: dict[str, list[Any]] = defaultdict(list)
    for m in excluded:
        by_rule[m.rule].append(m)
    exclusions = [
        {
            "rule": rule,
            "label": rule_label(rule, rows[0].reason),
            "count": len(rows),
            "members": [_with_reason_text(m) for m in rows],
        }
        for rule, rows in sorted(by_rule.items())
    ]
    may_manage = queries.may_manage(user, group.organization_id)
    context = {
        "group": group,
        "facilities": list(group.facilities.all()),
        "households": households,
        "included_count": len(included),
        "excluded_count": len(excluded),
        "exclusions": exclusions,
        "shelters": _shelter_rows(group),
        "steps": NEXT_STEPS.get(group.status, ()) if may_manage else (),
        "has_manifest": group.status != GroupStatus.CANCELLED and bool(included),
    }
    return render(request, "transfers/group.html", context)


@requires(Action.TRANSFER_MANAGE)
@require_POST
def group_step(request: HttpRequest, pk: UUID, step: str) -> HttpResponse:
    """Approve, depart, arrive or cancel (the service refuses a step the status does not
    allow; its message is shown on the group page)."""
    user = current_user(request)
    group = queries.get_group(user, pk)
    if step not in STEPS:
        raise Http404
    if not queries.may_manage(user, group.organization_id):
        raise PermissionDenied
    action, done = STEPS[step]
    try:
        action(actor=user, group=group)
    except FieldErrors as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("transfers:group", pk=group.pk)


@requires(Action.TRANSFER_READ)
@require_GET
def manifest(request: HttpRequest, pk: UUID, fmt: str) -> HttpResponse:
    """The manifest file (audited as an export of the group and of each person)."""
    user = current_user(request)
    group = queries.get_group(user, pk)
    try:
        filename, content_type, content = services.export_manifest(actor=user, group=group, fmt=fmt)
    except FieldErrors as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("transfers:group", pk=group.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- roster -------------------------------------------------------------------------------


@requires(Action.TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    """Upload a detention roster: the per-row report on any problem (nothing written),
    a summary when it is good."""
    user = current_user(request)
    report: RosterReport | None = None
    status = 200
    form = RosterForm(request.POST or None, request.FILES or None)
    facility = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            facility = form.cleaned_data["facility"]
            organization = services.acting_organization(user, None)
            report = import_roster(
                upload, filename=upload.name, actor=user, organization=organization,
                facility=facility, dry_run=form.cleaned_data["dry_run"],
            )  # fmt: skip
            if not report.ok:
                status = 422
        else:
            status = 422
    plan_query = ""
    if report is not None and report.written:
        codes = report.facilities or ([facility.code] if facility is not None else [])
        plan_query = urlencode([("facility", code) for code in codes])
    context = {
        "form": form,
        "report": report,
        "facility": facility,
        "plan_query": plan_query,
        "errors": report.errors[:SHOWN_PROBLEMS] if report else [],
        "duplicates": report.duplicates[:SHOWN_PROBLEMS] if report else [],
        "hidden": max(0, len(report.errors) + len(report.duplicates) - 2 * SHOWN_PROBLEMS)
        if report
        else 0,
    }
    return render(request, "transfers/roster.html", context, status=status)


# --- capacity -----------------------------------------------------------------------------


@requires(Action.TRANSFER_READ)
@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    """Places and places taken per night in a receiving city: a chart and the same
    numbers in a table. Program data only."""
    data = CapacityForm.defaults(request.GET.get("city", ""))
    data.update({k: v for k, v in request.GET.items() if k in ("city", "start", "end") and v})
    form = CapacityForm(data)
    points: list[queries.CapacityPoint] = []
    status = 200
    if form.is_valid():
        points = queries.capacity_by_city(
            form.cleaned_data["city"], form.cleaned_data["start"], form.cleaned_data["end"]
        )
    else:
        status = 400
    context = {
        "form": form,
        "points": points,
        "city": form.cleaned_data.get("city", "") if form.is_valid() else "",
        "peak": max((p.occupied for p in points), default=0),
        "least_free": min((p.free for p in points), default=0),
    }
    template = "transfers/_capacity_body.html" if request.htmx else "transfers/capacity.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


# --- places -------------------------------------------------------------------------------


@requires(Action.TRANSFER_READ)
@require_GET
def places(request: HttpRequest) -> HttpResponse:
    """Detention facilities and receiving shelters with their capacity."""
    shelters = list(queries.shelters())
    cities = [
        {"city": city, "shelters": list(rows)}
        for city, rows in groupby(sorted(shelters, key=lambda s: s.city), key=lambda s: s.city)
    ]
    for row in cities:
        row["total"] = sum(s.capacity for s in row["shelters"] if s.active)
    context = {
        "facilities": list(queries.facilities()),
        "cities": cities,
        "may_manage": queries.may_manage(current_user(request)),
    }
    return render(request, "transfers/places.html", context)


@requires(Action.TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def shelter_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a shelter's capacity, published note and whether it takes people."""
    shelter = get_object_or_404(Shelter, code=code)
    if request.method == "POST":
        form = ShelterForm(request.POST)
        if form.is_valid():
            try:
                place_services.update_shelter(
                    actor=current_user(request), shelter=shelter, **form.cleaned_data
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                messages.success(request, _("Shelter saved."))
                return redirect("transfers:places")
        return render(
            request, "transfers/shelter_form.html", {"form": form, "shelter": shelter}, status=400
        )
    form = ShelterForm(
        initial={
            "capacity": shelter.capacity,
            "capacity_note": shelter.capacity_note,
            "active": shelter.active,
        }
    )
    return render(request, "transfers/shelter_form.html", {"form": form, "shelter": shelter})


# --- movements ----------------------------------------------------------------------------


@requires(Action.TRANSFER_READ)
@require_GET
def person_timeline(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A person's movements, oldest first (another organization's person: 404)."""
    user = current_user(request)
    person, events = queries.get_movements_for_view(user, pk)
    context = {"person": person, "rows": movement_rows(events)}
    return render(request, "transfers/timeline.html", context)
