"""Reads of incident reports; each checks ``incident.read`` and audits what it shows.

**Who reads a report.** Users whose role has ``incident.read`` (case workers,
supervisors, attorneys, administrators) in the owning organization, or in an
organization the survivor consented to share it with (while that consent is active).
Everyone else gets 404, the same as a missing report: coordinators, analysts, auditors,
monitors, other organizations.

**What a read shows.** The list shows date, city, kinds, perpetrator category and how
many people — no narrative, no names — and is audited as a view of the listed
incidents' fields. The detail shows the narrative and, to the owning organization, the
people affected; an organization it is shared with sees the narrative and how many
people, not who. Every detail read writes an audit entry naming the fields shown
(``narrative``, ``people``); so does every list of a person's incidents (the link between
incident and person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from mppdesk.accounts.permissions import Action, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.incidents.models import Consent, Incident, IncidentKind, Perpetrator, Use

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

PAGE_SIZE = 50


def readable_orgs(user: User | None) -> list[int]:
    return orgs_where(user, Action.INCIDENT_READ)


def writable_orgs(user: User | None) -> list[int]:
    """The organizations in which the user may record an incident."""
    return orgs_where(user, Action.INCIDENT_WRITE)


def incidents_for(user: User | None) -> QuerySet[Incident]:
    """Reports the user may read (owned, or shared by active consent): not audited yet."""
    return Incident.objects.for_orgs(readable_orgs(user))


@dataclass(frozen=True)
class ListFilters:
    kind: str = ""
    perpetrator: str = ""
    port: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None


def clean_list_filters(
    *, kind: str = "", perpetrator: str = "", port: str = "", from_date: str = "", to_date: str = ""
) -> ListFilters:
    errors: dict[str, list[str]] = {}
    if kind and kind not in IncidentKind.values:
        errors["kind"] = ["Unknown kind."]
    if perpetrator and perpetrator not in Perpetrator.values:
        errors["perpetrator"] = ["Unknown perpetrator category."]
    days: dict[str, dt.date | None] = {}
    for name, value in (("from_date", from_date), ("to_date", to_date)):
        days[name] = None
        if value:
            try:
                days[name] = dt.date.fromisoformat(value.strip())
            except ValueError:
                errors[name] = ["Write the date as YYYY-MM-DD."]
    if errors:
        raise FieldErrors(errors)
    return ListFilters(kind, perpetrator, port.strip(), days["from_date"], days["to_date"])


def list_incidents(
    user: User, filters: ListFilters | None = None, *, within: int | None = None
) -> list[Incident]:
    """The reports the user may read, newest first, filtered; the read is audited (the
    fields shown: no narrative, no people). ``within``: only those readable through that
    one organization (an API token's)."""
    f = filters or ListFilters()
    orgs = readable_orgs(user)
    if within is not None:
        orgs = [o for o in orgs if o == within]
    rows = (
        Incident.objects.for_orgs(orgs)
        .select_related("port", "organization")
        .annotate(n_people=Count("affected"))
    )
    if f.perpetrator:
        rows = rows.filter(perpetrator=f.perpetrator)
    if f.port:
        rows = rows.filter(port__code=f.port)
    if f.from_date:
        rows = rows.filter(occurred_on__gte=f.from_date)
    if f.to_date:
        rows = rows.filter(occurred_on__lte=f.to_date)
    if f.kind:
        # JSON containment is not on SQLite: the kinds (plaintext codes) are read here.
        ids = [pk for pk, kinds in rows.values_list("pk", "kinds") if f.kind in (kinds or [])]
        rows = rows.filter(pk__in=ids)
    found: list[Incident] = list(rows[:PAGE_SIZE])
    _audit_list(user, found, ["occurred_on", "port", "kinds", "perpetrator"])
    return found


def _audit_list(user: User, incidents: list[Incident], fields: list[str]) -> None:
    by_org: dict[Any, list[Any]] = {}
    for incident in incidents:
        by_org.setdefault(incident.organization, []).append(incident.pk)
    for org, ids in by_org.items():
        audit.record_many(
            actor=user, organization=org, action=AuditAction.VIEW, object_type=ObjectType.INCIDENT,
            object_ids=ids, fields=fields,
        )  # fmt: skip


@dataclass
class IncidentView:
    incident: Incident
    owner: bool  # the reader's organization owns it (may write, sees who)
    people: list[Person]  # empty for an organization it is shared with
    n_people: int
    consents: list[Consent]
    referable: bool = False  # the survivor consented to its use in a referral


def get_incident(user: User | None, pk: Any) -> IncidentView:
    """One report with its narrative; ``Http404`` unless readable. Audited."""
    try:
        incident = (
            incidents_for(user).select_related("port", "organization", "recorded_by").get(pk=pk)
        )
    except (Incident.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    owner = incident.organization_id in readable_orgs(user)
    links = list(incident.affected.select_related("person"))
    people = [link.person for link in links] if owner else []
    consents = list(incident.consents.select_related("organization", "recorded_by", "withdrawn_by"))
    referable = owner and any(c.use == Use.REFER and c.active for c in consents)
    if not owner:
        # A partner sees what concerns it: its own sharing consent, not the others'.
        mine = set(readable_orgs(user))
        consents = [c for c in consents if c.use == Use.SHARE and c.organization_id in mine]
    fields = ["narrative", "kinds", "perpetrator", "consents"] + (["people"] if owner else [])
    audit.record_view(actor=user, obj=incident, object_type=ObjectType.INCIDENT, fields=fields)
    return IncidentView(incident, owner, people, len(links), consents, referable)


def get_incident_for_write(user: User, pk: Any) -> Incident:
    """A report the user's organization owns and may write (404 / 403 otherwise)."""
    from django.core.exceptions import PermissionDenied

    from mppdesk.accounts.permissions import can

    view = get_incident(user, pk)
    if not view.owner or not can(user, Action.INCIDENT_WRITE, view.incident.organization_id):
        raise PermissionDenied
    return view.incident


def incidents_of_person(user: User, person: Person) -> list[Incident]:
    """The reports that name ``person`` (readable ones only), audited as a read of the
    link between incident and person. Empty without ``incident.read`` in the person's
    organization."""
    if person.organization_id not in readable_orgs(user):
        return []
    found: list[Incident] = list(
        Incident.objects.filter(organization_id=person.organization_id, affected__person=person)
        .select_related("port")
        .annotate(n_people=Count("affected"))
    )
    if found:
        audit.record_view(
            actor=user, obj=person, object_type=ObjectType.PERSON, fields=["incidents"]
        )
    return found
