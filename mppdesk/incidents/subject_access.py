"""Subject access: the incident reports that name the person, with the consent record.

The person gets each report's date, city, kinds, perpetrator category, narrative and
every consent (use, with whom, when, how, and any withdrawal) — not the other people the
report names, who are not theirs to see.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.core.registry import register_subject_section
from mppdesk.incidents.models import Incident, IncidentKind, Perpetrator, Use
from mppdesk.people.subject_access import choice_label, iso


def describe_incidents(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    lines = []
    for i in data:
        kinds = ", ".join(choice_label(IncidentKind, k) for k in i["kinds"])
        uses = ", ".join(
            choice_label(Use, c["use"]) + (f" ({c['organization']})" if c["organization"] else "")
            for c in i["consents"]
            if not c["withdrawn_at"]
        )
        lines.append(
            f"{i['occurred_on']} — {i['city']}: {kinds}; "
            f"{choice_label(Perpetrator, i['perpetrator'])}. {_('Consent')}: {uses or '—'}"
            + (f". {i['narrative']}" if i["narrative"] else "")
        )
    return _("Incident reports"), lines


@register_subject_section(
    "incidents",
    order=94,
    models=("incidents.Incident", "incidents.IncidentPerson", "incidents.Consent"),
    describe=describe_incidents,
)
def incidents_section(person: Any) -> list[dict[str, Any]]:
    rows = (
        Incident.objects.filter(affected__person=person)
        .select_related("port")
        .prefetch_related("consents__organization")
        .distinct()
    )
    return [
        {
            "id": str(i.pk),
            "occurred_on": iso(i.occurred_on),
            "city": i.port.mexican_city,
            "kinds": list(i.kinds),
            "perpetrator": i.perpetrator,
            "narrative": i.narrative,
            "consents": [
                {
                    "use": c.use,
                    "organization": c.organization.name if c.organization else None,
                    "given_at": iso(c.given_at),
                    "method": c.method,
                    "withdrawn_at": iso(c.withdrawn_at),
                    "withdrawal_method": c.withdrawal_method,
                }
                for c in i.consents.all()
            ],
        }
        for i in rows
    ]
