"""Erasure of what a person's cases hold about them (``core.registry``).

Case rows, memberships and timeline events are kept (ids, kinds, times, statuses: the
audit log points at them and the statistics count them). Event summaries are free text
that may name anyone on the case, so they are blanked at the first erasure of a member.
The A-number is shared by the family on the case: it is replaced by a placeholder
(``X`` + 8 random digits, never a valid A-number) once nobody on the case still has
personal data. See docs/retention.md.

Runs late (``order=800``): other erasers still read the A-number.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser

# An erased case's A-number: "X" and 8 random digits. It is not a valid A-number (those
# are 9 digits), so no search, import or self-service lookup can ever match it, and it
# still fits the column and the one-A-number-per-organization constraint.
ERASED_ANUMBER_PREFIX = "X"


def is_erased_anumber(value: str | None) -> bool:
    return bool(value) and str(value).startswith(ERASED_ANUMBER_PREFIX)


def _erase_anumber(case: Case) -> None:
    """Replace the A-number with a random placeholder that keeps per-org uniqueness."""
    for _attempt in range(20):
        case.a_number = ERASED_ANUMBER_PREFIX + f"{secrets.randbelow(10**8):08d}"
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:  # one in 10^8 per erased case of the organization: try again
            continue
        return
    raise RuntimeError("could not find a free placeholder A-number")


def everyone_erased(context: ErasureContext, case_id: Any) -> bool:
    """Whether every member of the case is erased by now (this person included)."""
    members = set(CaseMember.objects.filter(case_id=case_id).values_list("person_id", flat=True))
    return members <= context.erased_among(members)


@register_eraser("cases", models=("cases.Case", "cases.CaseMember", "cases.CaseEvent"), order=800)
def erase_case_data(context: ErasureContext) -> None:
    """Timeline summaries of the person's cases; the A-number once the last member goes."""
    case_ids = list(
        CaseMember.objects.filter(person_id=context.person.pk)
        .order_by("case__opened_on", "case_id")
        .values_list("case_id", flat=True)
    )
    for case_id in case_ids:
        case = Case.objects.select_for_update().get(pk=case_id)
        fields = []
        # Summaries are encrypted: compare in Python, not in SQL.
        blanked = 0
        for event in CaseEvent.objects.filter(case=case):
            if event.summary:
                event.summary = ""
                event.save(update_fields=["summary"])
                blanked += 1
        if blanked:
            fields.append("events")
        if everyone_erased(context, case.pk) and not is_erased_anumber(case.a_number):
            _erase_anumber(case)
            fields.append("a_number")
        if fields:
            audit.record(
                actor=context.actor,
                organization=case.organization,
                action=AuditAction.UPDATE,
                object_type=ObjectType.CASE,
                object_id=case.pk,
                fields=fields,
            )
