"""Casework pages: my tasks, the team's caseloads, and the case page's casework forms.

Writes POST to their own URL and go back to the case page; a refused input renders the
case page again with the error under its field (status 400). Documents are downloaded
only through ``download``: signed in, ``person.read`` in the case's organization,
audited, always as an attachment.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action
from mppdesk.cases.models import Case
from mppdesk.cases.views import detail_context
from mppdesk.casework import queries, services
from mppdesk.casework.forms import AssignForm, FileForm, NoteForm, ReassignForm, TaskForm
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.web.access import requires
from mppdesk.web.request import current_user


def _case_page(
    request: HttpRequest, case: Case, form_name: str, form: Any, status: int = 400
) -> HttpResponse:
    context = detail_context(case)
    context[form_name] = form
    return render(request, "cases/detail.html", context, status=status)


def _staff_member(case: Case, raw: Any) -> User | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return queries.members_who_may_work(case.organization_id).filter(pk=pk).first()


@requires(Action.PERSON_READ)
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    show_done = request.GET.get("done") == "1"
    tasks = queries.my_tasks(user, include_done=show_done)
    return render(
        request,
        "casework/tasks.html",
        {"tasks": tasks, "show_done": show_done, "today": utc_today()},
    )


@require_POST
@requires(Action.PERSON_WRITE)
def task_status(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    task = queries.get_task(user, pk)
    done = request.POST.get("status") == "done"
    services.set_task_status(actor=user, task=task, done=done)
    messages.success(request, _("Task done.") if done else _("Task reopened."))
    target = request.POST.get("next")
    if target == "tasks":
        return redirect("casework:tasks")
    if target == "home":
        return redirect("home")
    return redirect("cases:detail", pk=task.case_id)


@require_POST
@requires(Action.PERSON_WRITE)
def assign_me(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case(user, pk)
    services.assign(actor=user, case=case, user=user)
    messages.success(request, _("The case is on your caseload."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@requires(Action.PERSON_WRITE)
def assign(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case(user, pk)
    staff = list(queries.members_who_may_work(case.organization_id))
    form = AssignForm(request.POST, staff=staff)
    if form.is_valid():
        member = _staff_member(case, form.cleaned_data["user"])
        try:
            if member is None:
                raise FieldErrors(
                    {"user": [_("Choose a staff member of the case's organization.")]}
                )
            services.assign(
                actor=user,
                case=case,
                user=member,
                role=form.cleaned_data["role"],
                g28_on_file=form.cleaned_data["g28_on_file"],
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("cases:detail", pk=case.pk)
    return _case_page(request, case, "assign_form", form)


@require_POST
@requires(Action.PERSON_WRITE)
def unassign(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    assignment = queries.get_assignment(user, pk)
    try:
        services.unassign(actor=user, assignment=assignment)
    except PermissionDenied:
        # The actor sees the case but may only take herself off it.
        messages.error(request, _("Only a supervisor may take a colleague off a case."))
    else:
        messages.success(request, _("Assignment removed."))
    return redirect("cases:detail", pk=assignment.case_id)


@require_POST
@requires(Action.PERSON_WRITE)
def add_task(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case(user, pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.add_task(
                actor=user,
                case=case,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Task added."))
            return redirect("cases:detail", pk=case.pk)
    return _case_page(request, case, "task_form", form)


@require_POST
@requires(Action.PERSON_WRITE)
def add_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case(user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                actor=user,
                case=case,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Note added."))
            return redirect("cases:detail", pk=case.pk)
    return _case_page(request, case, "casenote_form", form)


@require_POST
@requires(Action.PERSON_WRITE)
def upload(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    case = queries.get_case(user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        limit = services.files.max_bytes()
        # Read one byte past the limit: enough to refuse, never the whole of a huge file.
        data = uploaded.read(limit + 1)
        try:
            services.upload_file(
                actor=user, case=case, kind=form.cleaned_data["kind"],
                filename=uploaded.name or "", data=data,
            )  # fmt: skip
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("cases:detail", pk=case.pk)
    return _case_page(request, case, "file_form", form)


@requires(Action.PERSON_READ)
@require_GET
def download(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    row = queries.get_file(user, pk)
    data = services.read_file(actor=user, row=row)
    response = HttpResponse(data, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(True, row.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    return response


@requires(Action.CASE_ASSIGN)
def team(request: HttpRequest) -> HttpResponse:
    """The team's caseloads and the unassigned cases; choose cases and give them to one."""
    user = current_user(request)
    org_ids = queries.own_org_ids(user, Action.CASE_ASSIGN)
    staff = [u for org in org_ids for u in queries.members_who_may_work(org)]
    form = ReassignForm(request.POST or None, staff=staff)
    status = 200
    if request.method == "POST" and form.is_valid():
        ids = request.POST.getlist("cases")
        cases = []
        for raw in ids:
            try:
                cases.append(queries.get_case(user, raw))
            except Exception:  # noqa: BLE001 - an unknown or foreign id: refuse the lot
                cases = []
                break
        to_user = User.objects.filter(pk=int(form.cleaned_data["user"])).first()
        try:
            if not cases or to_user is None:
                raise FieldErrors({"cases": [_("Choose at least one case of your organization.")]})
            count = services.reassign(actor=user, cases=cases, to_user=to_user)
        except FieldErrors as exc:
            apply_field_errors(
                form, {k if k != "cases" else "__all__": v for k, v in exc.errors.items()}
            )
            status = 400
        else:
            messages.success(request, _("%(n)d cases reassigned.") % {"n": count})
            return redirect("casework:team")
    elif request.method == "POST":
        status = 400
    assigned = (
        queries.Case.objects.filter(
            organization_id__in=org_ids, status__in=queries.OPEN_CASE_STATUSES
        )
        .filter(assignments__role="worker")
        .select_related("lead")
        .prefetch_related("assignments__user")
        .distinct()
        .order_by("-opened_on")[:200]
    )
    context = {
        "caseloads": queries.team_caseloads(user),
        "unassigned": list(queries.unassigned_cases(user)[:100]),
        "assigned": list(assigned),
        "form": form,
    }
    return render(request, "casework/team.html", context, status=status)
