"""Erasure: the person leaves every incident report that names them.

An incident that named only this person is deleted with its narrative and consents: it
was their account, and nobody else is left for it to serve. An incident that affected
others too stays for them (each of them consented to its uses), without this person;
its narrative, written about the event, is kept — the case worker who records an
erasure should review it (docs/safety.md, Incidents). Either way the incident leaves or
stays in the de-identified tallies with its consent, like any other.
"""

from __future__ import annotations

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.incidents.models import Incident, IncidentPerson


@register_eraser(
    "incidents",
    models=("incidents.Incident", "incidents.IncidentPerson", "incidents.Consent"),
    order=95,
)
def erase_incidents(context: ErasureContext) -> None:
    """Remove the person from incident reports; delete those that named only them."""
    person = context.person
    incident_ids = list(
        IncidentPerson.objects.filter(person=person).values_list("incident_id", flat=True)
    )
    if not incident_ids:
        return
    IncidentPerson.objects.filter(person=person).delete()
    remaining = set(
        IncidentPerson.objects.filter(incident_id__in=incident_ids).values_list(
            "incident_id", flat=True
        )
    )
    for incident in Incident.objects.filter(pk__in=incident_ids).select_related("organization"):
        alone = incident.pk not in remaining
        if alone:
            incident.delete()
        audit.record(
            actor=context.actor, organization=incident.organization,
            action=AuditAction.DELETE if alone else AuditAction.UPDATE, object_type=ObjectType.INCIDENT,
            object_id=incident.pk,
            fields=["narrative", "people", "consents"] if alone else ["people"],
        )  # fmt: skip
