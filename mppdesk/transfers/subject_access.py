"""Subject-access section of the transfers (``core.registry``; assembled by
``privacy.subject_access``): where the person was detained, the transfer groups they were
considered for (included or not, and why) and their movement timeline. The other members
of a group are not named.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.core.registry import register_subject_section
from mppdesk.people.models import Person
from mppdesk.people.subject_access import choice_label, iso
from mppdesk.transfers.models import Detention, MovementEvent, MovementKind, TransferMember


def name_of(obj: Any) -> str | None:
    return obj.name if obj is not None else None


def describe(data: dict[str, Any]) -> tuple[str, list[str]]:
    lines = [
        f"{_('Detained at')} {d['facility']} {_('since')} {d['since'] or '—'}"
        + (f", {_('released on')} {d['released_on']}" if d["released_on"] else "")
        for d in data["detentions"]
    ]
    lines += [
        f"{_('Transfer group')} {g['date']}: "
        + (_("included") if g["included"] else f"{_('not included')} ({g['reason']})")
        for g in data["groups"]
    ]
    lines += [
        f"{m['at']} — {choice_label(MovementKind, m['kind'])}"
        + "".join(f", {m[k]}" for k in ("facility", "port", "shelter") if m[k])
        for m in data["movements"]
    ]
    return _("Detention and transfers"), lines


@register_subject_section(
    "transfers",
    order=80,
    models=("transfers.Detention", "transfers.TransferMember", "transfers.MovementEvent"),
    describe=describe,
)
def transfers_section(person: Person) -> dict[str, Any]:
    detentions = (
        Detention.objects.filter(person_id=person.pk)
        .select_related("facility")
        .order_by("since", "id")
    )
    members = (
        TransferMember.objects.filter(person_id=person.pk)
        .select_related("group__port", "facility", "shelter")
        .order_by("group__date", "id")
    )
    movements = (
        MovementEvent.objects.filter(person_id=person.pk)
        .select_related("facility", "port", "shelter")
        .order_by("at", "id")
    )
    return {
        "detentions": [
            {
                "facility": name_of(d.facility),
                "since": iso(d.since),
                "released_on": iso(d.released_on),
                "roster_id": d.roster_id,
            }
            for d in detentions
        ],
        "groups": [
            {
                "date": iso(m.group.date),
                "port": name_of(m.group.port),
                "status": m.group.status,
                "facility": name_of(m.facility),
                "included": m.included,
                "seat": m.seat,
                "rule": m.rule,
                "reason": m.reason,
                "screening_result": m.screening_result,
                "shelter": name_of(m.shelter),
            }
            for m in members
        ],
        "movements": [
            {
                "kind": m.kind,
                "at": iso(m.at),
                "facility": name_of(m.facility),
                "port": name_of(m.port),
                "shelter": name_of(m.shelter),
            }
            for m in movements
        ],
    }
