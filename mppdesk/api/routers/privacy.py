"""Subject access over the API: everything held about one person (JSON or PDF)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import READ_ERRORS
from mppdesk.privacy import access, subject_access

router = Router()


@router.get(
    "/people/{person_id}/export",
    auth=role(Action.PERSON_EXPORT),
    response={200: dict[str, Any], **READ_ERRORS},
)
def export_person(
    request: HttpRequest,
    person_id: uuid.UUID,
    format: Literal["json", "pdf"] = "json",  # noqa: A002 - the documented query parameter
) -> Any:
    """Everything held about one person (subject access), as JSON or as a PDF.

    The JSON keys are stable (`format` names the version): `person`, `languages`,
    `contact_points`, `household` (other members only by relationship), `cases` (with
    their timeline) and `access_log` (who read or changed the record, by organization
    and role). The export is recorded in the audit log. A person of another
    organization is a 404, like a missing one; so is a role that may not export.
    """
    person = common.check_token_scope(
        request, access.person_for_export(common.actor(request), person_id)
    )
    export = subject_access.export_subject_data(
        actor=common.actor(request),
        person=person,
        fmt=format,
        organization=common.organization(request),
    )
    if format == "pdf":
        response = HttpResponse(
            subject_access.render_subject_pdf(export), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.pdf"'
        return response
    return export
