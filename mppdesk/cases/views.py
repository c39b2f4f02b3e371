"""Case pages: list, detail with members and timeline, status/venue edits, notes.

Reads go through ``cases.queries`` (another organization's case is a 404) and writes
through ``cases.services``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.cases import queries, services
from mppdesk.cases.forms import CaseEditForm, CaseNoteForm, OpenCaseForm
from mppdesk.cases.models import Case, CaseStatus, ProgramVersion
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.core.pagination import CappedPaginator
from mppdesk.people import queries as people_queries
from mppdesk.people.views import case_timeline
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, export_response, htmx_target

PAGE_SIZE = 25


def _case_selection(request: HttpRequest) -> tuple[QuerySet[Case], dict[str, Any]]:
    """The cases the list shows (filters and sort from the query string) and the context
    that describes them."""
    cases = queries.cases_for(current_user(request))
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    mine = request.GET.get("mine") == "1"
    if mine:
        from mppdesk.casework.queries import mine_filter

        cases = cases.filter(mine_filter(current_user(request)))
    sort = queries.CASES_SORTING.parse(request.GET.get("sort"))
    cases = queries.CASES_SORTING.apply(cases.prefetch_related("assignments__user"), sort)
    return cases, {"status": status, "mine": mine, "sort": sort}


@requires(Action.PERSON_READ)
def case_list(request: HttpRequest) -> HttpResponse:
    cases, selection = _case_selection(request)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    queries.record_cases_listed(current_user(request), page.object_list)
    context = {
        "page": page,
        "statuses": CaseStatus.choices,
        "sorting": queries.CASES_SORTING,
        **selection,
    }
    return render(request, "cases/list.html", context)


@requires(Action.LIST_EXPORT)
@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    """The case list as CSV, with the page's filters and sort (no personal data in them)."""
    cases, _selection = _case_selection(request)
    return export_response(
        request,
        lambda: queries.export_cases(current_user(request), cases),
        f"{reverse('cases:list')}?{request.GET.urlencode()}",
    )


def detail_context(case: Case, *, can_edit: bool = True, **forms: Any) -> dict[str, Any]:
    members = list(case.members.select_related("person"))
    names = {str(m.person_id): m.person.full_name for m in members}
    events = list(case.events.select_related("actor"))
    context: dict[str, Any] = {
        "case": case,
        "members": members,
        "timeline": case_timeline(events, names),
        # Times are shown where the person waits: the port's Mexican city.
        "timezone": case.port.timezone if case.port else "UTC",
        "edit_form": CaseEditForm(
            initial={
                "status": case.status,
                "venue": case.venue_id,
                "port": case.port_id,
                "program_version": case.program_version,
            }
        ),
        "note_form": CaseNoteForm(),
        # A case shared with the viewer's organization by a referral is read-only there.
        "can_edit": can_edit,
    }
    context.update(forms)
    return context


@requires(Action.PERSON_READ)
def case_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case_for_view(user, pk)
    can_edit = queries.may_edit(user, case)
    return render(request, "cases/detail.html", detail_context(case, can_edit=can_edit))


@requires(Action.PERSON_WRITE)
def case_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case_for_update(user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    form = CaseEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_case(
                actor=user,
                case=case,
                status=data["status"],
                venue=data.get("venue"),
                port=data.get("port"),
                program_version=data["program_version"],
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Case updated."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/detail.html", detail_context(case, edit_form=form))


@require_POST
@requires(Action.PERSON_WRITE)
def case_add_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Add a timeline note; htmx swaps the timeline block, a plain form POST redirects."""
    user = current_user(request)
    case = queries.get_case_for_update(user, pk)
    form = CaseNoteForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.add_case_note(
                actor=user, case=case, summary=form.cleaned_data.get("summary") or ""
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            saved = True
    if htmx_target(request) == "timeline-block":
        context = detail_context(case, note_form=CaseNoteForm() if saved else form)
        return render(request, "cases/_timeline_block.html", context)
    if saved:
        messages.success(request, _("Note added."))
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/detail.html", detail_context(case, note_form=form))


@requires(Action.PERSON_WRITE)
def case_open(request: HttpRequest, person_pk: UUID) -> HttpResponse:
    """Open a case with ``person_pk`` as lead respondent, optionally with their household."""
    user = current_user(request)
    person = people_queries.get_person_for_update(user, person_pk)
    if request.method == "POST":
        form = OpenCaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            members = []
            household = people_queries.household_of(person)
            if household is not None and data.get("include_household"):
                members = [m.person for m in household.members.select_related("person")]
            try:
                case = services.open_case(
                    actor=user,
                    organization=person.organization,
                    a_number=data.get("a_number") or "",
                    lead=person,
                    venue=data.get("venue"),
                    port=data.get("port"),
                    program_version=data.get("program_version") or ProgramVersion.CURRENT,
                    members=members,
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                messages.success(request, _("Case opened."))
                return redirect("cases:detail", pk=case.pk)
    else:
        form = OpenCaseForm()
    return render(request, "cases/open.html", {"form": form, "person": person})
