"""Subject-access section of screening (``core.registry``; assembled by
``privacy.subject_access``): what the detention record and the fear question say about the
person, every screening decision with the rules that fired and their reasons, and the
non-refoulement interviews. All of it is about the person and nobody else.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.core.registry import register_subject_section
from mppdesk.people.models import Person
from mppdesk.people.subject_access import choice_label, iso
from mppdesk.screening.labels import display_reasons
from mppdesk.screening.models import (
    FearOutcome,
    NonRefoulementInterview,
    Result,
    ScreeningDecision,
    ScreeningFacts,
)


def describe(data: dict[str, Any]) -> tuple[str, list[str]]:
    lines = []
    facts = data["facts"]
    if facts is not None:
        lines.append(
            f"{_('Fear question asked')}: {facts['fear_asked_at'] or _('no')}; "
            f"{_('fear expressed')}: {facts['fear_expressed_at'] or _('no')}"
        )
    for decision in data["decisions"]:
        result = decision["final_result"] or decision["result"]
        lines.append(
            f"{_('Screening')} {decision['version']} ({decision['decided_at'] or '—'}): "
            f"{choice_label(Result, result)}"
        )
        lines += [f"    {r['label']}" for r in display_reasons(decision["reasons"])]
        if decision["note"]:
            lines.append(f"    {decision['note']}")
    for interview in data["interviews"]:
        lines.append(
            f"{_('Fear interview')} {interview['interview_at'] or '—'}: "
            f"{choice_label(FearOutcome, interview['outcome'])}"
        )
        if interview["notes"]:
            lines.append(f"    {interview['notes']}")
    return _("Screening"), lines


@register_subject_section(
    "screening",
    order=70,
    models=(
        "screening.ScreeningFacts",
        "screening.ScreeningDecision",
        "screening.NonRefoulementInterview",
    ),
    describe=describe,
)
def screening_section(person: Person) -> dict[str, Any]:
    facts = ScreeningFacts.objects.filter(person_id=person.pk).first()
    decisions = ScreeningDecision.objects.filter(person_id=person.pk).order_by("decided_at", "id")
    interviews = NonRefoulementInterview.objects.filter(person_id=person.pk).order_by(
        "created_at", "id"
    )
    return {
        "facts": (
            {
                "flags": list(facts.flags or []),
                "fear_asked": facts.fear_asked,
                "fear_asked_at": iso(facts.fear_asked_at),
                "fear_expressed": facts.fear_expressed,
                "fear_expressed_at": iso(facts.fear_expressed_at),
                "fear_how": facts.fear_how,
            }
            if facts is not None
            else None
        ),
        "decisions": [
            {
                "version": d.version,
                "result": d.result,
                "household_result": d.household_result,
                "reasons": list(d.reasons or []),
                "status": d.status,
                "final_result": d.final_result,
                "reviewed_at": iso(d.reviewed_at),
                "note": d.note,
                "decided_at": iso(d.decided_at),
            }
            for d in decisions
        ],
        "interviews": [
            {
                "version": i.version,
                "fear_how": i.fear_how,
                "counsel_notified_at": iso(i.counsel_notified_at),
                "earliest_interview_at": iso(i.earliest_interview_at),
                "interview_at": iso(i.interview_at),
                "standard": i.standard,
                "outcome": i.outcome,
                "notes": i.notes,
            }
            for i in interviews
        ],
    }
