"""Subject-access sections of the registry (``core.registry``; assembled by
``privacy.subject_access``): the person's record, languages, contact points and household.

A household section names the person's own relationship to the lead and, for every
other member, only that member's relationship: the relatives' names, dates of birth and
ids are their own data, and a printed export may be seen by others.
"""

from __future__ import annotations

from typing import Any

from mppdesk.core.registry import register_subject_section
from mppdesk.people.models import Person


def iso(value: Any) -> str | None:
    # Any: encrypted model fields are not typed as dates.
    return value.isoformat() if value is not None else None


def place(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def choice_label(choices: Any, value: Any) -> str:
    """The translated label of ``value`` in the ``choices`` enum (the value itself if it is
    not one of them; a dash when empty), for the readable PDF."""
    if value in (None, ""):
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# The name tokens are blind-index digests of the names in the record: nothing readable
# beyond the record itself, so the "person" section accounts for them.
@register_subject_section("person", order=10, models=("people.Person", "people.PersonNameToken"))
def person_section(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "given_names": person.given_names,
        "family_names": person.family_names,
        "other_names": list(person.other_names or []),
        "birth_date": iso(person.birth_date),
        "birth_year": person.birth_year,
        "sex": person.sex,
        "nationality": person.nationality,
        "vulnerabilities": list(person.vulnerabilities or []),
        "notes": person.notes,
        "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
    }


@register_subject_section("languages", order=20, models=("people.PersonLanguage",))
def languages_section(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "code": lang.code,
            "preferred": lang.preferred,
            "needs_interpreter": lang.needs_interpreter,
        }
        for lang in person.languages.all()
    ]


@register_subject_section("contact_points", order=30, models=("people.ContactPoint",))
def contact_points_section(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "value": c.value,
            "consent": c.consent,
            "consent_recorded_at": iso(c.consent_recorded_at),
            "opted_out": c.opted_out,
            "opted_out_at": iso(c.opted_out_at),
            "created_at": iso(c.created_at),
        }
        for c in person.contact_points.all()
    ]


@register_subject_section(
    "household", order=40, models=("people.Household", "people.HouseholdMember")
)
def household_section(person: Person) -> dict[str, Any] | None:
    membership = getattr(person, "household_membership", None)
    if membership is None:
        return None
    household = membership.household
    others = household.members.exclude(person_id=person.pk).order_by("id")
    return {
        "id": str(household.pk),
        "relationship": membership.relationship,
        "port": place(household.port),
        "other_members": [{"relationship": m.relationship} for m in others],
    }
