"""The document-exposure flag: a court document of the case was stolen or photographed.

Whoever holds the document knows the A-number and perhaps the date of birth, so from
then on the public web lookup (``selfservice.services.lookup_hearing``) no longer answers
for that A-number by A-number and date of birth alone: it gives the generic reply, the
same bytes as for an unknown number. A text from a phone the organization has on file
for someone on the case still answers. The flag shows on the person page, on the case
timeline (the case worker is told there and in the worker lists) and in the at-risk list.

``flag_document_exposure`` is the one write; the assistance app (a document marked stolen
or photographed) and the incidents app (a document-theft incident) call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseEvent
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

#: Reasons a caller may give (stored in the event's data; no free text, no personal data).
REASONS = ("document_stolen", "document_photographed", "incident_document_theft", "other")


@transaction.atomic
def flag_document_exposure(case: Case, *, actor: User | None, reason: str) -> bool:
    """Set the case's document-exposure flag. Returns ``True`` when it was newly set,
    ``False`` when it already was (a second report changes nothing but is kept on the
    timeline).

    ``actor`` needs ``person.write`` in the case's organization (``PermissionDenied``);
    ``actor=None`` is the system (a caller that has checked its own permission).
    ``reason`` is one of ``REASONS`` (``FieldErrors`` naming ``reason`` otherwise).
    """
    if actor is not None and not can(actor, Action.PERSON_WRITE, case.organization_id):
        raise PermissionDenied
    if reason not in REASONS:
        raise FieldErrors(
            {"reason": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(REASONS)}]}
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    newly = locked.document_exposed_at is None
    now = timezone.now()
    if newly:
        locked.document_exposed_at = now
        locked.save(update_fields=["document_exposed_at", "updated_at"])
        case.document_exposed_at = now
    CaseEvent.objects.create(
        case=locked,
        kind=CaseEvent.Kind.DOCUMENT_EXPOSURE,
        occurred_at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data={"reason": reason, "newly_flagged": newly},
    )
    audit.record(
        actor=actor,
        organization=locked.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.CASE,
        object_id=locked.pk,
        fields=["document_exposed_at"] if newly else ["events"],
    )
    return newly


@transaction.atomic
def clear_document_exposure(case: Case, *, actor: User) -> None:
    """Lift the flag (new documents, a new A-number...): ``person.write`` needed."""
    if not can(actor, Action.PERSON_WRITE, case.organization_id):
        raise PermissionDenied
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.document_exposed_at is None:
        return
    locked.document_exposed_at = None
    locked.save(update_fields=["document_exposed_at", "updated_at"])
    case.document_exposed_at = None
    CaseEvent.objects.create(
        case=locked,
        kind=CaseEvent.Kind.DOCUMENT_EXPOSURE,
        occurred_at=timezone.now(),
        actor=actor,
        data={"cleared": True},
    )
    audit.record(
        actor=actor,
        organization=locked.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.CASE,
        object_id=locked.pk,
        fields=["document_exposed_at"],
    )
