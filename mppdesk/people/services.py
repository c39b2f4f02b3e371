"""All writes to people, contact points and households.

Each function takes a keyword-only ``actor``, runs in one transaction and writes the
audit entry. Raw input is validated by ``people.validation`` so that every entry
point (web, API, CLI, import) reports the same field errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.core.validation import to_bool
from mppdesk.lib.crypto import blind_index, lookup_digests
from mppdesk.lib.phonetic import phonetic_key
from mppdesk.lib.text import name_tokens, word_prefixes
from mppdesk.people.models import (
    CONTACT_PURPOSE,
    ContactPoint,
    Household,
    HouseholdMember,
    Person,
    PersonLanguage,
    PersonNameToken,
    Relationship,
    dedupe_index,
)
from mppdesk.people.validation import ContactInput, PersonData, clean_contact, clean_person

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.places.models import Port

PERSON_FIELDS = [
    "given_names",
    "family_names",
    "other_names",
    "birth_date",
    "sex",
    "nationality",
    "languages",
    "vulnerabilities",
    "notes",
]


def _apply(person: Person, data: PersonData) -> list[str]:
    """Copy clean data onto the model; return the names of fields that changed."""
    new_values: dict[str, Any] = {
        "given_names": data.given_names,
        "family_names": data.family_names,
        "other_names": data.other_names,
        "birth_date": data.birth.date if data.birth else None,
        "birth_year": data.birth.year if data.birth else None,
        "sex": data.sex,
        "nationality": data.nationality,
        "vulnerabilities": data.vulnerabilities,
        "notes": data.notes,
    }
    changed = [name for name, value in new_values.items() if getattr(person, name) != value]
    for name, value in new_values.items():
        setattr(person, name, value)
    return [c for c in changed if c != "birth_year"] + (
        ["birth_date"] if "birth_year" in changed and "birth_date" not in changed else []
    )


PHONETIC_PURPOSE = "phonetic"


def _word_key(word: str) -> str:
    # A word without a phonetic key (no letters left) is indexed as itself, marked so it
    # cannot equal a key.
    return phonetic_key(word) or f"={word}"


def word_digest(word: str) -> str:
    """Blind index of one folded name word's phonetic key, as stored in the name tokens."""
    return blind_index(PHONETIC_PURPOSE, _word_key(word))


def word_lookup_digests(word: str) -> tuple[str, ...]:
    """The token digests a search word matches: one per index key version
    (``crypto.lookup_digests``), so a search finds people whose tokens a running
    ``mppdesk keys rotate-index`` has not recomputed yet."""
    return lookup_digests(PHONETIC_PURPOSE, _word_key(word))


#: Name tokens of the beginnings of each folded word ("her", "hern", ... of "hernandez"),
#: for searches by the first letters of a name. Its own purpose, so a beginning never
#: equals a phonetic key.
PREFIX_PURPOSE = "name_prefix"


def prefix_lookup_digests(prefix: str) -> tuple[str, ...]:
    """The token digests a folded beginning of a word matches, one per index key version."""
    return lookup_digests(PREFIX_PURPOSE, prefix)


def name_token_digests(
    given_names: str, family_names: str, other_names: Iterable[str]
) -> list[str]:
    """The name-token digests of one person, without repeats: each folded word's phonetic
    key, and each of its beginnings of ``lib.text.NAME_PREFIX_MIN`` letters or more."""
    digests: dict[str, None] = {}
    for word in name_tokens(given_names, family_names, *other_names):
        digests[word_digest(word)] = None
        for prefix in word_prefixes(word):
            digests[blind_index(PREFIX_PURPOSE, prefix)] = None
    return list(digests)


def reindex_person(person: Person) -> None:
    """Rebuild the search tokens and duplicate index from the person's current plaintext.

    Call it after changing names or birth outside ``create_person``/``update_person``
    (erasure calls it after blanking the names, which leaves no tokens behind).
    """
    person.name_tokens.all().delete()
    PersonNameToken.objects.bulk_create(
        PersonNameToken(person=person, bidx=bidx)
        for bidx in name_token_digests(
            person.given_names, person.family_names, person.other_names or []
        )
    )
    bidx = dedupe_index(person.dedupe_material)
    if bidx != person.dedupe_bidx:
        person.dedupe_bidx = bidx
        Person.objects.filter(pk=person.pk).update(dedupe_bidx=bidx)


def _set_languages(person: Person, data: PersonData) -> bool:
    current = {
        (lang.code, lang.preferred, lang.needs_interpreter) for lang in person.languages.all()
    }
    wanted = {(lang.code, lang.preferred, lang.needs_interpreter) for lang in data.languages}
    if current == wanted:
        return False
    person.languages.all().delete()
    PersonLanguage.objects.bulk_create(
        PersonLanguage(
            person=person,
            code=lang.code,
            preferred=lang.preferred,
            needs_interpreter=lang.needs_interpreter,
        )
        for lang in data.languages
    )
    return True


def clean_contacts(raw: Iterable[Mapping[str, Any]]) -> list[ContactInput]:
    """Validate contact points; the same number given twice becomes one (consent if either)."""
    errors: dict[str, list[str]] = {}
    contacts: dict[tuple[str, str], ContactInput] = {}
    for index, item in enumerate(raw):
        kind = str(item.get("kind", "")).strip().lower()
        if kind not in ContactPoint.Kind.values:
            errors.setdefault(f"contacts[{index}].kind", []).append(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(ContactPoint.Kind.values)}
            )
            continue
        try:
            consent = to_bool(item.get("consent", False))
        except ValueError as exc:
            errors.setdefault(f"contacts[{index}].consent", []).append(str(exc))
        try:
            value = clean_contact(kind, str(item.get("value") or ""))
        except ValueError as exc:
            errors.setdefault(f"contacts[{index}].value", []).append(str(exc))
            continue
        if errors:
            continue
        existing = contacts.get((kind, value))
        if existing is not None:
            existing.consent = existing.consent or consent
        else:
            contacts[(kind, value)] = ContactInput(kind=kind, value=value, consent=consent)
    if errors:
        raise FieldErrors(errors)
    return list(contacts.values())


@transaction.atomic
def create_person(
    *,
    actor: User | None,
    organization: Organization,
    data: Mapping[str, Any],
    contacts: Iterable[Mapping[str, Any]] = (),
) -> Person:
    """Register a person owned by ``organization`` from raw input; raise ``FieldErrors``."""
    # Validate everything before writing anything, and report every bad field at once.
    errors: dict[str, list[str]] = {}
    try:
        clean = clean_person(data)
    except FieldErrors as exc:
        errors.update(exc.errors)
    try:
        contact_inputs = clean_contacts(contacts)
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    person = Person(
        organization=organization, created_by=actor if actor and actor.is_authenticated else None
    )
    _apply(person, clean)
    person.save()
    reindex_person(person)
    _set_languages(person, clean)
    now = timezone.now()
    ContactPoint.objects.bulk_create(
        ContactPoint(
            person=person,
            kind=c.kind,
            value=c.value,
            consent=c.consent,
            consent_recorded_at=now if c.consent else None,
        )
        for c in contact_inputs
    )
    audit.record(
        actor=actor,
        organization=organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.PERSON,
        object_id=person.pk,
        fields=PERSON_FIELDS + (["contact_points"] if contact_inputs else []),
    )
    return person


@transaction.atomic
def update_person(*, actor: User | None, person: Person, data: Mapping[str, Any]) -> Person:
    """Replace a person's registry fields with validated ``data`` (a full record)."""
    clean = clean_person(data)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = _apply(person, clean)
    if changed:
        person.save()
        if {"given_names", "family_names", "other_names"} & set(changed):
            reindex_person(person)
    if _set_languages(person, clean):
        changed.append("languages")
    if changed:
        audit.record(
            actor=actor,
            organization=person.organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.PERSON,
            object_id=person.pk,
            fields=changed,
        )
    return person


@transaction.atomic
def add_contact_point(
    *, actor: User | None, person: Person, kind: str, value: str, consent: bool
) -> ContactPoint:
    kind = str(kind or "").strip().lower()
    if kind not in ContactPoint.Kind.values:
        raise FieldErrors(
            {
                "kind": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(ContactPoint.Kind.values)}
                ]
            }
        )
    try:
        clean_value = clean_contact(kind, value)
    except ValueError as exc:
        raise FieldErrors({"value": [str(exc)]}) from exc
    if person.contact_points.filter(
        kind=kind, value_bidx__in=lookup_digests(CONTACT_PURPOSE, clean_value)
    ).exists():
        raise FieldErrors({"value": [_("This person already has this contact point.")]})
    contact = ContactPoint.objects.create(
        person=person,
        kind=kind,
        value=clean_value,
        consent=consent,
        consent_recorded_at=timezone.now() if consent else None,
    )
    audit.record(
        actor=actor,
        organization=person.organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.CONTACT_POINT,
        object_id=contact.pk,
        fields=["kind", "value", "consent"],
    )
    return contact


@transaction.atomic
def set_contact_preferences(
    *,
    actor: User | None,
    contact: ContactPoint,
    consent: bool | None = None,
    opted_out: bool | None = None,
) -> ContactPoint:
    changed: list[str] = []
    now = timezone.now()
    if consent is not None and consent != contact.consent:
        contact.consent = consent
        contact.consent_recorded_at = now
        changed.append("consent")
    if opted_out is not None and opted_out != contact.opted_out:
        contact.opted_out = opted_out
        contact.opted_out_at = now if opted_out else None
        changed.append("opted_out")
    if changed:
        contact.save()
        audit.record(
            actor=actor,
            organization=contact.person.organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.CONTACT_POINT,
            object_id=contact.pk,
            fields=changed,
        )
    return contact


@transaction.atomic
def create_household(
    *, actor: User | None, organization: Organization, lead: Person, port: Port | None = None
) -> Household:
    if lead.organization_id != organization.pk:
        raise FieldErrors({"lead": [_("The lead respondent belongs to another organization.")]})
    if HouseholdMember.objects.filter(person=lead).exists():
        raise FieldErrors({"lead": [_("This person is already in a household.")]})
    household = Household.objects.create(organization=organization, lead=lead, port=port)
    HouseholdMember.objects.create(household=household, person=lead, relationship=Relationship.LEAD)
    audit.record(
        actor=actor,
        organization=organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.HOUSEHOLD,
        object_id=household.pk,
        fields=["lead", "port", "members"],
    )
    return household


@transaction.atomic
def add_household_member(
    *, actor: User | None, household: Household, person: Person, relationship: str
) -> HouseholdMember:
    if relationship not in Relationship.values or relationship == Relationship.LEAD:
        raise FieldErrors(
            {"relationship": [_("Choose how this person is related to the lead respondent.")]}
        )
    if person.organization_id != household.organization_id:
        raise FieldErrors({"person": [_("This person belongs to another organization.")]})
    try:
        with transaction.atomic():
            member = HouseholdMember.objects.create(
                household=household, person=person, relationship=relationship
            )
    except IntegrityError as exc:
        raise FieldErrors({"person": [_("This person is already in a household.")]}) from exc
    audit.record(
        actor=actor,
        organization=household.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.HOUSEHOLD,
        object_id=household.pk,
        fields=["members"],
    )
    return member


@transaction.atomic
def update_household(*, actor: User | None, household: Household, port: Port | None) -> Household:
    if household.port_id != (port.pk if port else None):
        household.port = port
        household.save(update_fields=["port", "updated_at"])
        audit.record(
            actor=actor,
            organization=household.organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.HOUSEHOLD,
            object_id=household.pk,
            fields=["port"],
        )
    return household


@transaction.atomic
def create_family_member(
    *,
    actor: User | None,
    lead: Person,
    relationship: str,
    data: Mapping[str, Any],
    contacts: Iterable[Mapping[str, Any]] = (),
    port: Port | None = None,
) -> Person:
    """Register a relative of ``lead``: creates the household if needed, adds the person to it
    and to the lead's open case(s) as a family member."""
    from mppdesk.cases import services as case_services
    from mppdesk.cases.models import CaseStatus

    if relationship not in Relationship.values or relationship == Relationship.LEAD:
        raise FieldErrors(
            {"relationship": [_("Choose how this person is related to the lead respondent.")]}
        )
    membership = HouseholdMember.objects.select_related("household").filter(person=lead).first()
    if membership is None:
        household = create_household(
            actor=actor, organization=lead.organization, lead=lead, port=port
        )
    else:
        household = membership.household
        if membership.relationship != Relationship.LEAD:
            raise FieldErrors({"lead": [_("Add family members from the lead respondent's page.")]})
    person = create_person(
        actor=actor, organization=lead.organization, data=data, contacts=contacts
    )
    add_household_member(actor=actor, household=household, person=person, relationship=relationship)
    for case in lead.led_cases.exclude(status=CaseStatus.CLOSED):
        case_services.add_case_member(actor=actor, case=case, person=person)
    return person
