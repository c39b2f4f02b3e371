"""Erasure of a person's registry record (``core.registry``; run by ``privacy.services``).

The ``Person`` row is kept with its random UUID (the audit log and the kept case and
household links point at it) and every personal value in it is overwritten; contact
points, languages and name search tokens are deleted. Households and their members
are kept with the relationship only: the other members' records need them.

Runs last (``order=900``): the other erasers still find the person's contact points.
"""

from __future__ import annotations

from typing import Any

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.lib.crypto import lookup_digests
from mppdesk.people.models import CONTACT_PURPOSE, ContactPoint, Person, Sex

# What an erased person's registry fields become.
ERASED_GIVEN_NAMES = "—"

# Neutral values for the registry fields (callables give a fresh list each time).
ERASED_VALUES: dict[str, Any] = {
    "given_names": ERASED_GIVEN_NAMES,
    "family_names": "",
    "other_names": list,
    "birth_date": None,
    "birth_year": None,
    "sex": Sex.UNKNOWN,
    "nationality": "",
    "vulnerabilities": list,
    "notes": "",
}
PERSON_FIELDS_ERASED = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality",
    "vulnerabilities", "notes", "languages", "contact_points",
]  # fmt: skip


def unshared_contacts(person: Person) -> list[tuple[ContactPoint, tuple[str, ...]]]:
    """The person's contact points that no other person also has (a family's shared
    phone is the others' too), each with the blind indexes its value may be stored
    under (every index key version: see ``lib.crypto.lookup_digests``)."""
    result = []
    for contact in ContactPoint.objects.filter(person_id=person.pk).order_by("id"):
        digests = lookup_digests(CONTACT_PURPOSE, contact.value)
        shared = (
            ContactPoint.objects.filter(value_bidx__in=digests)
            .exclude(person_id=person.pk)
            .exists()
        )
        if not shared:
            result.append((contact, digests))
    return result


@register_eraser(
    "people",
    models=(
        "people.Person",
        "people.PersonLanguage",
        "people.PersonNameToken",
        "people.ContactPoint",
        "people.Household",
        "people.HouseholdMember",
    ),
    order=900,
)
def erase_registry_record(context: ErasureContext) -> None:
    """Names, date of birth, notes, nationality, vulnerabilities, languages, contact
    points and name search tokens."""
    from mppdesk.people import services as people_services

    person: Person = context.person
    contact_ids = list(person.contact_points.values_list("pk", flat=True))
    person.contact_points.all().delete()
    person.languages.all().delete()
    for name, value in ERASED_VALUES.items():
        setattr(person, name, value() if callable(value) else value)
    person.save()
    # Looked up when called, so a test may watch it (privacy tests do).
    people_services.reindex_person(person)
    audit.record(
        actor=context.actor,
        organization=person.organization,
        action=AuditAction.DELETE,
        object_type=ObjectType.PERSON,
        object_id=person.pk,
        fields=PERSON_FIELDS_ERASED,
    )
    if contact_ids:
        audit.record_many(
            actor=context.actor,
            organization=person.organization,
            action=AuditAction.DELETE,
            object_type=ObjectType.CONTACT_POINT,
            object_ids=contact_ids,
            fields=["kind", "value", "consent"],
        )
