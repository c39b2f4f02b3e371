"""All writes to cases, their members and their timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.audit import services as audit
from mppdesk.cases.models import (
    A_NUMBER_PURPOSE,
    Case,
    CaseEvent,
    CaseMember,
    CaseStatus,
    ProgramVersion,
)
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.lib.anumber import ANumberError, normalize_anumber
from mppdesk.lib.crypto import lookup_digests

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.people.models import Person
    from mppdesk.places.models import Port, Venue


def clean_anumber(raw: str, field: str = "a_number") -> str:
    try:
        return normalize_anumber(raw)
    except ANumberError as exc:
        raise FieldErrors({field: [str(exc)]}) from exc


def _check_choice(value: str, choices: Any, field: str, errors: dict[str, list[str]]) -> None:
    if value not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        )


def _event(
    case: Case, kind: str, actor: User | None, summary: str = "", data: dict[str, Any] | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        occurred_at=timezone.now(),
        summary=summary,
        actor=actor if actor and actor.is_authenticated else None,
        data=data or {},
    )


@transaction.atomic
def open_case(
    *,
    actor: User | None,
    organization: Organization,
    a_number: str,
    lead: Person,
    venue: Venue | None = None,
    port: Port | None = None,
    program_version: str = ProgramVersion.CURRENT,
    status: str = CaseStatus.INTAKE,
    opened_on: dt.date | None = None,
    members: Iterable[Person] = (),
) -> Case:
    """Open an immigration case with ``lead`` as lead respondent; raise ``FieldErrors``."""
    errors: dict[str, list[str]] = {}
    digits = ""
    try:
        digits = clean_anumber(a_number)
    except FieldErrors as exc:
        errors.update(exc.errors)
    _check_choice(program_version, ProgramVersion, "program_version", errors)
    _check_choice(status, CaseStatus, "status", errors)
    if lead.organization_id != organization.pk:
        errors.setdefault("lead", []).append(
            _("The lead respondent belongs to another organization.")
        )
    if (
        digits
        and Case.objects.filter(
            organization=organization, a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, digits)
        ).exists()
    ):
        errors.setdefault("a_number", []).append(_("A case with this A-number already exists."))
    riders: dict[Any, Person] = {}
    for person in members:
        if person.pk == lead.pk:
            continue
        if person.organization_id != organization.pk:
            errors.setdefault("members", []).append(
                _("A family member belongs to another organization.")
            )
            break
        riders.setdefault(person.pk, person)
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                organization=organization,
                a_number=digits,
                lead=lead,
                venue=venue,
                port=port,
                program_version=program_version,
                status=status,
                opened_on=opened_on or utc_today(),
            )
    except IntegrityError as exc:  # a concurrent request opened the same A-number
        raise FieldErrors({"a_number": [_("A case with this A-number already exists.")]}) from exc
    CaseMember.objects.create(case=case, person=lead, role=CaseMember.Role.LEAD)
    for person in riders.values():
        CaseMember.objects.create(case=case, person=person, role=CaseMember.Role.RIDER)
    _event(case, CaseEvent.Kind.OPENED, actor)
    audit.record(
        actor=actor,
        organization=organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        fields=["a_number", "lead", "venue", "port", "program_version", "status", "members"],
    )
    return case


@transaction.atomic
def add_case_member(*, actor: User | None, case: Case, person: Person) -> CaseMember:
    if person.organization_id != case.organization_id:
        raise FieldErrors({"person": [_("This person belongs to another organization.")]})
    member, created = CaseMember.objects.get_or_create(
        case=case, person=person, defaults={"role": CaseMember.Role.RIDER}
    )
    if created:
        _event(case, CaseEvent.Kind.MEMBER_ADDED, actor, data={"person": str(person.pk)})
        audit.record(
            actor=actor,
            organization=case.organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.CASE,
            object_id=case.pk,
            fields=["members"],
        )
    return member


@transaction.atomic
def update_case(
    *,
    actor: User | None,
    case: Case,
    a_number: str | None = None,
    venue: Venue | None | Any = ...,
    port: Port | None | Any = ...,
    program_version: str | None = None,
    status: str | None = None,
) -> Case:
    """Change the given fields (``...`` leaves venue/port alone); record what changed."""
    errors: dict[str, list[str]] = {}
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes: dict[str, Any] = {}
    if a_number is not None:
        try:
            digits = clean_anumber(a_number)
        except FieldErrors as exc:
            errors.update(exc.errors)
        else:
            if digits != case.a_number:
                if (
                    Case.objects.filter(
                        organization_id=case.organization_id,
                        a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, digits),
                    )
                    .exclude(pk=case.pk)
                    .exists()
                ):
                    errors.setdefault("a_number", []).append(
                        _("A case with this A-number already exists.")
                    )
                changes["a_number"] = digits
    if program_version is not None:
        _check_choice(program_version, ProgramVersion, "program_version", errors)
        if program_version != case.program_version:
            changes["program_version"] = program_version
    if status is not None:
        _check_choice(status, CaseStatus, "status", errors)
        if status != case.status:
            changes["status"] = status
    if venue is not ... and case.venue_id != (venue.pk if venue else None):
        changes["venue"] = venue
    if port is not ... and case.port_id != (port.pk if port else None):
        changes["port"] = port
    if errors:
        raise FieldErrors(errors)
    if not changes:
        return case
    old_status = case.status
    for name, value in changes.items():
        setattr(case, name, value)
    if changes.get("status") == CaseStatus.CLOSED:
        case.closed_on = utc_today()
    elif "status" in changes and old_status == CaseStatus.CLOSED:
        case.closed_on = None  # reopened
    case.save()
    if "status" in changes:
        _event(
            case, CaseEvent.Kind.STATUS_CHANGED, actor, data={"from": old_status, "to": case.status}
        )
    other = sorted(set(changes) - {"status"})
    if other:
        _event(case, CaseEvent.Kind.UPDATED, actor, data={"fields": other})
    audit.record(
        actor=actor,
        organization=case.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        fields=sorted(changes),
    )
    return case


@transaction.atomic
def add_case_note(*, actor: User | None, case: Case, summary: str) -> CaseEvent:
    text = " ".join((summary or "").split())
    if not text:
        raise FieldErrors({"summary": [_("This field is required.")]})
    if len(text) > 500:
        raise FieldErrors({"summary": [_("At most %(count)s characters.") % {"count": 500}]})
    event = _event(case, CaseEvent.Kind.NOTE, actor, summary=text)
    audit.record(
        actor=actor,
        organization=case.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        fields=["events"],
    )
    return event
