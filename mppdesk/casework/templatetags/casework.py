"""``{% case_work %}``: the casework panel of a case page (assignments, tasks, notes,
documents), in the case's own organization only. Showing the notes is a read of their
text: audited here, where they are read."""

from __future__ import annotations

from typing import Any

from django import template

from mppdesk.accounts.permissions import Action, can
from mppdesk.casework import queries, services
from mppdesk.casework.forms import AssignForm, FileForm, NoteForm, TaskForm

register = template.Library()


@register.inclusion_tag("casework/_case_panel.html", takes_context=True)
def case_work(context: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    case = context["case"]
    panel = queries.case_panel(user, case)
    if not panel["visible"]:
        return {"panel": panel}
    services.audit_notes_read(actor=user, case=case, notes=panel["notes"])
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "panel": panel,
        "can_write": can(user, Action.PERSON_WRITE, case.organization_id),
        "can_assign": can(user, Action.CASE_ASSIGN, case.organization_id),
        "assign_form": context.get("assign_form") or AssignForm(staff=panel["staff"]),
        "task_form": context.get("task_form") or TaskForm(),
        "note_form": context.get("casenote_form") or NoteForm(),
        "file_form": context.get("file_form") or FileForm(),
    }
