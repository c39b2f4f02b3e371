"""Web views: download a person's subject-access export; erase a person's data.

Access: the person must be visible to the user (``people.queries.get_person``) and the
user's role must allow the action (``privacy.access``); otherwise 404, like a missing
person. Downloads are ``never_cache`` and their file names hold no personal data.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from mppdesk.cases.models import CaseMember, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.privacy import access, services, subject_access
from mppdesk.privacy.models import Erasure
from mppdesk.web.request import current_user

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "pdf": "application/pdf"}


@login_required
@never_cache
def subject_export(request: HttpRequest, pk: UUID, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    person = access.person_for_export(current_user(request), pk)
    export = subject_access.export_subject_data(actor=current_user(request), person=person, fmt=fmt)
    language = request.GET.get("lang") or None
    if language not in (None, "es", "en"):
        language = None
    body = subject_access.export_bytes(export, fmt, language)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.{fmt}"'
    return response


@login_required
@never_cache
def erase_person(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = access.person_for_erasure(user, pk)
    already = Erasure.objects.filter(person_id=person.pk).first()
    memberships = list(
        CaseMember.objects.filter(person=person).select_related("case").order_by("case_id")
    )
    open_cases = [m.case for m in memberships if m.case.status != CaseStatus.CLOSED]
    error = ""
    if request.method == "POST" and already is None:
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm that this cannot be undone.")
        else:
            try:
                services.erase_person(actor=user, person=person, reason=Erasure.Reason.REQUEST)
            except FieldErrors as exc:
                error = " ".join(m for msgs in exc.errors.values() for m in msgs)
            else:
                messages.success(request, _("The person's personal data has been erased."))
                return redirect("people:detail", pk=person.pk)
    context = {
        "person": person,
        "already": already,
        "case_count": len(memberships),
        "open_cases": open_cases,
        "contact_count": person.contact_points.count(),
        "error": error,
    }
    return render(request, "privacy/erase_confirm.html", context, status=400 if error else 200)
