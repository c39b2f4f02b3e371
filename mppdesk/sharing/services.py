"""All writes to referrals: refer a person, accept, reject, revoke.

Each function takes a keyword-only ``actor``, runs in one transaction and writes one
audit entry. Audit entries name the *person* (``object_type="person"``), so that the
person's own access log (subject access export) and an auditor filtering by the person's
id both see every referral of the record; ``fields`` names what the referral touched.

Permissions (``accounts.permissions``): only the owning organization refers and revokes
(``referral.send`` there); only the receiving organization decides (``referral.decide``
there). A receiver cannot refer a shared person further. A referral that the actor cannot
see at all is ``Http404``; one they see but may not act on is ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.sharing import queries
from mppdesk.sharing.models import (
    ConsentMethod,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

# A consent time a little ahead of the server clock is a clock difference, not the future.
CONSENT_CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_NOTE = 2000

CREATE_FIELDS = [
    "to_organization", "status", "consent_given_at", "consent_method", "consent_recorded_by",
    "consent_note", "purpose", "purpose_note",
]  # fmt: skip
DECIDE_FIELDS = ["status", "decided_by", "decided_at", "decision_note"]
REVOKE_FIELDS = ["status", "revoked_by", "revoked_at"]


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif text not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        )
    return text


def _note(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_NOTE:
        errors.setdefault(field, []).append(
            _("Keep this under %(max)d characters.") % {"max": MAX_NOTE}
        )
    return text


def _audit(
    actor: User | None,
    organization: Organization,
    action: str,
    referral: Referral,
    fields: list[str],
) -> None:
    audit.record(
        actor=actor,
        organization=organization,
        action=action,
        object_type=ObjectType.PERSON,
        object_id=referral.person_id,
        fields=fields,
    )


@transaction.atomic
def refer_person(
    *,
    actor: User,
    person: Person,
    to_organization: Organization | None,
    consent_given_at: dt.datetime | None,
    consent_method: str,
    purpose: str,
    consent_note: str = "",
    purpose_note: str = "",
) -> Referral:
    """Refer ``person`` to ``to_organization`` with the person's recorded consent.

    Raises ``PermissionDenied`` unless ``actor`` has ``referral.send`` in the person's
    owning organization (a receiver may not refer further), and ``FieldErrors`` naming
    every missing or invalid field: ``to_organization`` (required, active, not the owner,
    no other open referral there), ``consent_given_at`` (required, not in the future),
    ``consent_method``, ``purpose``, and the notes' length.
    """
    if not can(actor, Action.REFERRAL_SEND, person.organization_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if to_organization is None:
        errors.setdefault("to_organization", []).append(_("This field is required."))
    elif to_organization.pk == person.organization_id:
        errors.setdefault("to_organization", []).append(
            _("The person already belongs to this organization.")
        )
    elif not Organization.objects.filter(pk=to_organization.pk, is_active=True).exists():
        errors.setdefault("to_organization", []).append(_("This organization is not active."))
    if consent_given_at is None:
        errors.setdefault("consent_given_at", []).append(_("This field is required."))
    elif timezone.is_naive(consent_given_at):
        errors.setdefault("consent_given_at", []).append(_("Give the time with its time zone."))
    elif consent_given_at > timezone.now() + CONSENT_CLOCK_SKEW:
        errors.setdefault("consent_given_at", []).append(_("Consent cannot be in the future."))
    method = _choice(consent_method, ConsentMethod, "consent_method", errors)
    chosen_purpose = _choice(purpose, ReferralPurpose, "purpose", errors)
    consent_text = _note(consent_note, "consent_note", errors)
    purpose_text = _note(purpose_note, "purpose_note", errors)
    if _is_erased(person):
        errors.setdefault("person", []).append(_("This person's personal data has been erased."))
    already = _("This person already has an open referral to this organization.")
    if (
        to_organization is not None
        and "to_organization" not in errors
        and Referral.objects.filter(
            person=person, to_organization=to_organization, status__in=queries.OPEN
        ).exists()
    ):
        errors.setdefault("to_organization", []).append(already)
    if errors:
        raise FieldErrors(errors)
    assert to_organization is not None  # noqa: S101 - checked above
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                organization_id=person.organization_id,
                person=person,
                to_organization=to_organization,
                status=ReferralStatus.PENDING,
                consent_given_at=consent_given_at,
                consent_method=method,
                consent_recorded_by=actor,
                consent_note=consent_text,
                purpose=chosen_purpose,
                purpose_note=purpose_text,
                created_by=actor,
            )
    except IntegrityError as exc:  # a concurrent request referred the same person there
        raise FieldErrors({"to_organization": [already]}) from exc
    _audit(actor, person.organization, AuditAction.REFERRAL_CREATE, referral, CREATE_FIELDS)
    return referral


def _is_erased(person: Person) -> bool:
    from mppdesk.privacy.models import Erasure

    return Erasure.objects.filter(person_id=person.pk).exists()


def _locked(actor: User, referral: Referral) -> Referral:
    """The referral re-read under a row lock, if ``actor`` may see it at all."""
    if not queries.referrals_for(actor).filter(pk=referral.pk).exists():
        raise Http404
    locked: Referral = (
        Referral.objects.select_for_update()
        .select_related("organization", "to_organization")
        .get(pk=referral.pk)
    )
    return locked


def _decide(actor: User, referral: Referral, status: str, note: str, action: str) -> Referral:
    referral = _locked(actor, referral)
    if not can(actor, Action.REFERRAL_DECIDE, referral.to_organization_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    note = _note(note, "note", errors)
    if referral.status != ReferralStatus.PENDING:
        errors.setdefault("status", []).append(_("This referral is no longer pending."))
    if errors:
        raise FieldErrors(errors)
    referral.status = status
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.decision_note = note
    referral.save(update_fields=[*DECIDE_FIELDS, "updated_at"])
    _audit(actor, referral.to_organization, action, referral, DECIDE_FIELDS)
    return referral


@transaction.atomic
def accept_referral(*, actor: User, referral: Referral, note: str = "") -> Referral:
    """The receiver accepts a pending referral: from now on it reads the person and
    their cases. ``Http404`` if the actor cannot see the referral, ``PermissionDenied``
    without ``referral.decide`` in the receiving organization, ``FieldErrors`` if it is
    no longer pending."""
    return _decide(actor, referral, ReferralStatus.ACCEPTED, note, AuditAction.REFERRAL_ACCEPT)


@transaction.atomic
def reject_referral(*, actor: User, referral: Referral, note: str = "") -> Referral:
    """The receiver turns a pending referral down; it never saw more than the referral."""
    return _decide(actor, referral, ReferralStatus.REJECTED, note, AuditAction.REFERRAL_REJECT)


@transaction.atomic
def revoke_referral(*, actor: User, referral: Referral) -> Referral:
    """The owner ends a pending or accepted referral; the receiver's access ends with it.

    ``Http404`` if the actor cannot see the referral, ``PermissionDenied`` without
    ``referral.send`` in the owning organization, ``FieldErrors`` if already closed.
    """
    referral = _locked(actor, referral)
    if not can(actor, Action.REFERRAL_SEND, referral.organization_id):
        raise PermissionDenied
    if referral.status not in queries.OPEN:
        raise FieldErrors({"status": [_("This referral is already closed.")]})
    referral.status = ReferralStatus.REVOKED
    referral.revoked_by = actor
    referral.revoked_at = timezone.now()
    referral.save(update_fields=[*REVOKE_FIELDS, "updated_at"])
    _audit(actor, referral.organization, AuditAction.REFERRAL_REVOKE, referral, REVOKE_FIELDS)
    return referral


@transaction.atomic
def revoke_all_for_person(*, actor: User | None, person: Person) -> int:
    """Revoke every open referral of ``person`` (for erasure: an erased record is shared
    with nobody) and blank the notes of all of them. Returns how many were revoked.

    No permission check: the caller (``privacy.services.erase_person``) has done its own.
    """
    now = timezone.now()
    revoked = 0
    for referral in Referral.objects.select_for_update().filter(person=person):
        fields = []
        if referral.status in queries.OPEN:
            referral.status = ReferralStatus.REVOKED
            referral.revoked_by = actor if actor is not None and actor.is_authenticated else None
            referral.revoked_at = now
            fields += REVOKE_FIELDS
            revoked += 1
        for name in ("consent_note", "purpose_note", "decision_note"):
            if getattr(referral, name):
                setattr(referral, name, "")
                fields.append(name)
        if fields:
            referral.save(update_fields=[*fields, "updated_at"])
            action = (
                AuditAction.REFERRAL_REVOKE if referral.revoked_at == now else AuditAction.UPDATE
            )
            _audit(actor, person.organization, action, referral, fields)
    return revoked
