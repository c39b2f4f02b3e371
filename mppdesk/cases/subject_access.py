"""Subject-access section of the cases (``core.registry``; assembled by
``privacy.subject_access``): the cases the person is on, with the A-number and the whole
timeline (summaries are about their case); a "family member added" event does not say
who was added.
"""

from __future__ import annotations

from typing import Any

from mppdesk.cases.models import CaseEvent, CaseMember
from mppdesk.core.registry import register_subject_section
from mppdesk.lib.anumber import format_anumber
from mppdesk.people.models import Person
from mppdesk.people.subject_access import iso, place


def display_anumber(digits: str) -> str:
    return format_anumber(digits) if len(digits) == 9 and digits.isdigit() else digits


def event_detail(event: CaseEvent) -> dict[str, Any]:
    data = event.data or {}
    if event.kind == CaseEvent.Kind.STATUS_CHANGED:
        return {"from": data.get("from"), "to": data.get("to")}
    if event.kind == CaseEvent.Kind.UPDATED:
        return {"fields": list(data.get("fields", []))}
    return {}  # "member_added" names another person: left out


def memberships(person: Person) -> list[CaseMember]:
    """The person's memberships of their own organization's cases, oldest case first."""
    return list(
        CaseMember.objects.filter(person=person, case__organization_id=person.organization_id)
        .select_related("case", "case__venue", "case__port")
        .order_by("case__opened_on", "case_id")
    )


@register_subject_section(
    "cases", order=50, models=("cases.Case", "cases.CaseMember", "cases.CaseEvent")
)
def cases_section(person: Person) -> list[dict[str, Any]]:
    cases = []
    for member in memberships(person):
        case = member.case
        events = CaseEvent.objects.filter(case=case).order_by("occurred_at", "id")
        cases.append(
            {
                "id": str(case.pk),
                "a_number": display_anumber(case.a_number),
                "role": member.role,
                "venue": place(case.venue),
                "port": place(case.port),
                "program_version": case.program_version,
                "status": case.status,
                "opened_on": iso(case.opened_on),
                "closed_on": iso(case.closed_on),
                "events": [
                    {
                        "at": iso(event.occurred_at),
                        "kind": event.kind,
                        "summary": event.summary,
                        "detail": event_detail(event),
                    }
                    for event in events
                ],
            }
        )
    return cases
