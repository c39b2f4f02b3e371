"""Subject-access section of the hearings (``core.registry``; assembled by
``privacy.subject_access``): every hearing of the person's own cases, with its notices and
any in absentia follow-up. Hearings belong to the case, so every member of the case is
given them; nothing here names another member.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.cases.subject_access import memberships
from mppdesk.core.registry import register_subject_section
from mppdesk.hearings.models import Hearing, InAbsentiaFollowUp, Notice
from mppdesk.people.models import Person
from mppdesk.people.subject_access import choice_label, iso, place


def describe(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    lines = []
    for hearing in data:
        where = (hearing["venue"] or {}).get("name") or "—"
        line = (
            f"{hearing['scheduled_at']} — {where} — {choice_label(Hearing.Kind, hearing['kind'])}"
            f", {choice_label(Hearing.Status, hearing['status'])}"
        )
        if hearing["outcome"]:
            line += f" ({choice_label(Hearing.Outcome, hearing['outcome'])})"
        if hearing["continuance_reason"]:
            line += f": {hearing['continuance_reason']}"
        lines.append(line)
        lines += [
            f"    {_('Notice')}: {choice_label(Notice.Kind, n['kind'])}, "
            f"{choice_label(Notice.Method, n['method'])}, {n['served_at'] or '—'}"
            for n in hearing["notices"]
        ]
        if hearing["follow_up"]:
            follow_up = hearing["follow_up"]
            lines.append(
                f"    {_('In absentia follow-up')}: "
                f"{choice_label(InAbsentiaFollowUp.Status, follow_up['status'])}, "
                f"{follow_up['order_date'] or '—'}"
                + (f": {follow_up['notes']}" if follow_up["notes"] else "")
            )
    return _("Hearings"), lines


@register_subject_section(
    "hearings",
    order=60,
    models=("hearings.Hearing", "hearings.Notice", "hearings.InAbsentiaFollowUp"),
    describe=describe,
)
def hearings_section(person: Person) -> list[dict[str, Any]]:
    case_ids = [member.case_id for member in memberships(person)]
    hearings = (
        Hearing.objects.filter(case_id__in=case_ids)
        .select_related("docket__venue", "port", "follow_up")
        .prefetch_related("notices")
        .order_by("scheduled_at", "id")
    )
    result = []
    for hearing in hearings:
        follow_up = getattr(hearing, "follow_up", None)
        result.append(
            {
                "id": str(hearing.pk),
                "case_id": str(hearing.case_id),
                "kind": hearing.kind,
                "scheduled_at": iso(hearing.scheduled_at),
                "venue": place(hearing.docket.venue),
                "port": place(hearing.port),
                "report_at": iso(hearing.report_at),
                "report_place": hearing.report_place,
                "status": hearing.status,
                "outcome": hearing.outcome,
                "continuance_reason": hearing.continuance_reason,
                "notices": [
                    {
                        "kind": notice.kind,
                        "method": notice.method,
                        "address": notice.address,
                        "language": notice.language,
                        "served_at": iso(notice.served_at),
                    }
                    for notice in sorted(hearing.notices.all(), key=lambda n: (n.created_at, n.pk))
                ],
                "follow_up": (
                    {
                        "opened_at": iso(follow_up.opened_at),
                        "order_date": iso(follow_up.order_date),
                        "deadline": iso(follow_up.exceptional_circumstances_deadline),
                        "status": follow_up.status,
                        "notes": follow_up.notes,
                        "closed_at": iso(follow_up.closed_at),
                    }
                    if follow_up is not None
                    else None
                ),
            }
        )
    return result
