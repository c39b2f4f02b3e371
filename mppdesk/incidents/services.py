"""All writes of the incidents app: recording a report, and consent given or withdrawn.

Each function takes a keyword-only ``actor`` with ``incident.write`` in the incident's
owning organization (``PermissionDenied``; an organization the report is shared with only
reads it), validates (``FieldErrors`` naming each field), runs in one transaction and
writes the audit entry (ids and field names, never the narrative).

**Consent per use.** A report is recorded only with consent to keep it on record; the
other uses (refer to a service, de-identified reporting, sharing with a named
organization) are each consented to, or not, separately. Withdrawing a consent takes
effect everywhere at once, because every reader asks for an *active* consent:

- keep on record → the report is deleted (its people links and consents with it);
- de-identified reporting → the incident leaves the tallies (``queries.tallies`` counts
  only incidents with an active ``report`` consent; nothing is cached);
- sharing with an organization → that organization no longer finds it (404);
- referral to a service → it is no longer offered for referral.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.signals import document_theft_reported
from mppdesk.incidents.models import (
    Consent,
    ConsentMethod,
    Incident,
    IncidentKind,
    IncidentPerson,
    Perpetrator,
    Use,
)
from mppdesk.people.models import Person
from mppdesk.places.models import Port

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

MAX_NARRATIVE = 8000
MAX_PEOPLE = 50


def _err(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _require_write(actor: User | None, organization_id: int) -> None:
    if actor is None or not can(actor, Action.INCIDENT_WRITE, organization_id):
        raise PermissionDenied


def _choice(value: Any, choices: Sequence[str], field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text:
        _err(errors, field, _("This field is required."))
    elif text not in choices:
        _err(errors, field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return text


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        _err(errors, field, _("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            _err(errors, field, _("Write the date as YYYY-MM-DD."))
            return None
    if day > utc_today():
        _err(errors, field, _("The date is in the future."))
    elif day.year < 2000:
        _err(errors, field, _("The date is too far in the past."))
    return day


def _moment(value: Any, field: str, errors: dict[str, list[str]]) -> dt.datetime:
    """When consent was given: now by default; never in the future."""
    now = timezone.now()
    if value in (None, ""):
        return now
    moment = value
    if not isinstance(moment, dt.datetime):
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            _err(errors, field, _("Write the time as YYYY-MM-DDTHH:MM."))
            return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + dt.timedelta(minutes=5):
        _err(errors, field, _("The time is in the future."))
    return moment


def _share_orgs(
    values: Iterable[Any], own_id: int, errors: dict[str, list[str]]
) -> list[Organization]:
    orgs: list[Organization] = []
    for value in values:
        org = (
            value
            if isinstance(value, Organization)
            else Organization.objects.filter(slug=str(value).strip(), is_active=True).first()
        )
        if org is None or not org.is_active:
            _err(errors, "share_with", _("Unknown organization: %(slug)s.") % {"slug": value})
        elif org.pk == own_id:
            _err(errors, "share_with", _("The report is already your organization's."))
        elif org not in orgs:
            orgs.append(org)
    return orgs


def _audit(actor: User | None, incident: Incident, action: str, fields: list[str]) -> None:
    audit.record(
        actor=actor, organization=incident.organization, action=action,
        object_type=ObjectType.INCIDENT, object_id=incident.pk, fields=fields,
    )  # fmt: skip


@transaction.atomic
def record_incident(
    *,
    actor: User,
    organization: Organization,
    occurred_on: Any,
    port: Any,
    kinds: Sequence[str],
    perpetrator: str,
    people: Sequence[Any],
    narrative: str = "",
    consent_method: str,
    consent_given_at: Any = None,
    uses: Sequence[str] = (Use.KEEP,),
    share_with: Sequence[Any] = (),
) -> Incident:
    """Record an incident report with the survivor's consent for each use.

    Fields: ``occurred_on`` (not in the future), ``port`` (a port code or ``Port``: the
    receiving city), ``kinds`` (one or more ``IncidentKind``), ``perpetrator``
    (``Perpetrator``), ``people`` (one or more people of ``organization``, ids or
    ``Person``), ``narrative``, ``consent_method`` (``ConsentMethod``),
    ``consent_given_at`` (now by default), ``uses`` (must include ``keep``: no report is
    kept without that consent) and ``share_with`` (organization slugs; needs ``share`` in
    ``uses``). A document-theft incident sets the document-exposure flag on each
    affected person's cases, after commit (``core.signals.document_theft_reported``).
    """
    _require_write(actor, organization.pk)
    errors: dict[str, list[str]] = {}
    day = _date(occurred_on, "occurred_on", errors)
    port_obj = port if isinstance(port, Port) else None
    if port_obj is None:
        code = str(port or "").strip()
        port_obj = Port.objects.filter(code=code).first() if code else None
        if port_obj is None:
            _err(errors, "port", _("Choose the city where it happened."))
    kind_list: list[str] = []
    for kind in kinds or []:
        kind = str(kind).strip()
        if kind not in IncidentKind.values:
            _err(errors, "kinds", _("Unknown kind: %(kind)s.") % {"kind": kind})
        elif kind not in kind_list:
            kind_list.append(kind)
    if not kinds:
        _err(errors, "kinds", _("Choose at least one kind."))
    perpetrator = _choice(perpetrator, Perpetrator.values, "perpetrator", errors)
    narrative = str(narrative or "").strip()
    if len(narrative) > MAX_NARRATIVE:
        _err(errors, "narrative", _("Keep this under %(max)d characters.") % {"max": MAX_NARRATIVE})
    affected = _people(people, organization.pk, errors)
    method = _choice(consent_method, ConsentMethod.values, "consent_method", errors)
    given_at = _moment(consent_given_at, "consent_given_at", errors)
    use_list = [str(u).strip() for u in uses or []]
    for use in use_list:
        if use not in Use.values:
            _err(errors, "uses", _("Unknown use: %(use)s.") % {"use": use})
    if Use.KEEP not in use_list:
        _err(
            errors,
            "uses",
            _("A report is kept only with the survivor's consent to keep it on record."),
        )
    orgs = _share_orgs(share_with or [], organization.pk, errors)
    if orgs and Use.SHARE not in use_list:
        _err(errors, "share_with", _("Sharing needs the consent to share."))
    if Use.SHARE in use_list and not orgs:
        _err(errors, "share_with", _("Name the organization the survivor agreed to share with."))
    if errors:
        raise FieldErrors(errors)
    assert day is not None and port_obj is not None  # noqa: S101 - errors raised above
    incident = Incident(
        organization=organization, occurred_on=day, port=port_obj, kinds=kind_list,
        perpetrator=perpetrator, narrative=narrative, recorded_by=actor,
    )  # fmt: skip
    incident.save()
    IncidentPerson.objects.bulk_create(
        IncidentPerson(incident=incident, person=p) for p in affected
    )
    for use in dict.fromkeys(use_list):
        targets: list[Organization | None] = list(orgs) if use == Use.SHARE else [None]
        for org in targets:
            Consent.objects.create(
                incident=incident, use=use, organization=org, given_at=given_at,
                method=method, recorded_by=actor,
            )  # fmt: skip
    _audit(
        actor, incident, AuditAction.CREATE,
        ["occurred_on", "port", "kinds", "perpetrator", "narrative", "people", "consents"],
    )  # fmt: skip
    if IncidentKind.DOCUMENT_THEFT in kind_list:
        _flag_after_commit(incident, affected)
    return incident


def _people(values: Sequence[Any], org_id: int, errors: dict[str, list[str]]) -> list[Person]:
    if not values:
        _err(errors, "people", _("Name at least one person affected."))
        return []
    if len(values) > MAX_PEOPLE:
        _err(errors, "people", _("At most %(max)d people.") % {"max": MAX_PEOPLE})
        return []
    ids: list[uuid.UUID | None] = []
    for value in values:
        try:
            ids.append(value.pk if isinstance(value, Person) else uuid.UUID(str(value).strip()))
        except ValueError:
            ids.append(None)
    wanted = [pk for pk in ids if pk is not None]
    found = {p.pk: p for p in Person.objects.filter(pk__in=wanted, organization_id=org_id)}
    people: list[Person] = []
    for pk in ids:
        person = found.get(pk) if pk is not None else None
        if person is None:
            # The same words for a person of another organization as for a missing one.
            _err(errors, "people", _("No such person in your organization."))
            return []
        if person not in people:
            people.append(person)
    return people


def _flag_after_commit(incident: Incident, people: Sequence[Person]) -> None:
    incident_id = incident.pk
    for person in people:
        person_id = person.pk

        def send(person_id: Any = person_id) -> None:
            document_theft_reported.send(
                sender=Incident, person_id=person_id, incident_id=incident_id
            )

        transaction.on_commit(send)


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def give_consent(
    *,
    actor: User,
    incident: Incident,
    use: str,
    method: str,
    given_at: Any = None,
    organization: Any = None,
) -> Consent:
    """Record consent for one more use (``share``: with ``organization``, a slug or an
    ``Organization``). A use already consented to is an error on ``use``."""
    _require_write(actor, incident.organization_id)
    locked = _locked(incident)
    errors: dict[str, list[str]] = {}
    use = _choice(use, Use.values, "use", errors)
    method = _choice(method, ConsentMethod.values, "method", errors)
    moment = _moment(given_at, "given_at", errors)
    org: Organization | None = None
    if use == Use.SHARE:
        orgs = _share_orgs([organization] if organization else [], locked.organization_id, errors)
        if not orgs and "share_with" not in errors:
            _err(
                errors, "share_with", _("Name the organization the survivor agreed to share with.")
            )
        org = orgs[0] if orgs else None
    elif organization:
        _err(errors, "share_with", _("Only sharing names an organization."))
    if not errors and _active(locked, use, org).exists():
        _err(errors, "use", _("This use is already consented to."))
    if errors:
        raise FieldErrors(errors)
    consent = Consent.objects.create(
        incident=locked, use=use, organization=org, given_at=moment, method=method,
        recorded_by=actor,
    )  # fmt: skip
    _audit(actor, locked, AuditAction.UPDATE, ["consents"])
    return consent


def _active(incident: Incident, use: str, org: Organization | None) -> Any:
    return Consent.objects.filter(incident=incident, use=use, organization=org, withdrawn_at=None)


@transaction.atomic
def withdraw_consent(
    *, actor: User, consent: Consent, method: str, at: Any = None
) -> Incident | None:
    """Withdraw one consent, effective everywhere at once. Withdrawing consent to keep
    the report on record deletes the report; returns ``None`` then, else the incident."""
    incident = consent.incident
    _require_write(actor, incident.organization_id)
    locked = _locked(incident)
    errors: dict[str, list[str]] = {}
    method = _choice(method, ConsentMethod.values, "method", errors)
    moment = _moment(at, "at", errors)
    current = Consent.objects.select_for_update().filter(pk=consent.pk, incident=locked).first()
    if current is None or current.withdrawn_at is not None:
        _err(errors, "consent", _("This consent is not active."))
    if errors:
        raise FieldErrors(errors)
    assert current is not None  # noqa: S101
    if current.use == Use.KEEP:
        delete_incident(actor=actor, incident=locked)
        return None
    current.withdrawn_at = moment
    current.withdrawn_by = actor
    current.withdrawal_method = method
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_method"])
    _audit(actor, locked, AuditAction.UPDATE, ["consents"])
    return locked


@transaction.atomic
def delete_incident(*, actor: User | None, incident: Incident) -> None:
    """Delete the report with its people links and consents (``actor=None``: erasure)."""
    if actor is not None:
        _require_write(actor, incident.organization_id)
    org = incident.organization
    pk = incident.pk
    Incident.objects.filter(pk=pk).delete()
    audit.record(
        actor=actor, organization=org, action=AuditAction.DELETE, object_type=ObjectType.INCIDENT,
        object_id=pk, fields=["narrative", "people", "consents"],
    )  # fmt: skip
