import datetime as dt

import pytest

from mppdesk.audit.models import AuditEntry
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.models import Case, CaseEvent, CaseMember, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.lib.crypto import blind_index
from mppdesk.people import services
from mppdesk.people.models import (
    ContactPoint,
    Household,
    HouseholdMember,
    Person,
    PersonLanguage,
    PersonNameToken,
    dedupe_index,
)
from mppdesk.people.queries import search_people
from mppdesk.people.services import PREFIX_PURPOSE, word_digest
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    HouseholdFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PERSON = {
    "given_names": "José",
    "family_names": "Pérez López",
    "birth_date": "17/05/1990",
    "sex": "M",
    "nationality": "Honduras",
    "languages": [{"code": "Español"}, {"code": "K'iche'", "needs_interpreter": True}],
    "vulnerabilities": "indígena",
}


def _counts():

    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            PersonLanguage,
            ContactPoint,
            Household,
            HouseholdMember,
            Case,
            CaseMember,
            CaseEvent,
            AuditEntry,
        )
    }


def _create(personas, data=None, contacts=()):
    return services.create_person(
        actor=personas.caseworker, organization=personas.org, data=data or PERSON, contacts=contacts
    )


# --- create_person -------------------------------------------------------------------


def test_create_person_writes_clean_fields(personas):
    person = _create(personas)
    person.refresh_from_db()
    assert person.organization == personas.org
    assert person.created_by == personas.caseworker
    assert (person.given_names, person.family_names) == ("José", "Pérez López")
    assert person.birth_date == dt.date(1990, 5, 17)
    assert person.birth_year == 1990
    assert person.nationality == "HND"
    assert person.vulnerabilities == ["indigenous"]


def test_create_person_writes_languages(personas):
    person = _create(personas)
    assert [
        (lang.code, lang.preferred, lang.needs_interpreter) for lang in person.languages.all()
    ] == [
        ("spa", True, False),
        ("quc", False, True),
    ]


def test_create_person_writes_search_tokens_and_dedupe_index(personas):
    person = _create(personas)
    person.refresh_from_db()
    assert person.dedupe_bidx == dedupe_index("jose lopez perez|1990-05-17")
    tokens = set(PersonNameToken.objects.filter(person=person).values_list("bidx", flat=True))
    words = ("jose", "perez", "lopez")
    prefixes = {w[:n] for w in words for n in range(3, len(w) + 1)}
    assert tokens == {word_digest(w) for w in words} | {
        blind_index(PREFIX_PURPOSE, p) for p in prefixes
    }


def test_create_person_writes_normalized_contacts(personas):
    person = _create(
        personas,
        contacts=[
            {"kind": "phone", "value": "656 123 4567", "consent": True},
            {"kind": "WhatsApp", "value": "+52 1 656 123 4567", "consent": "sí"},
            {"kind": "email", "value": " Jose.Perez@Example.ORG ", "consent": "no"},
        ],
    )
    contacts = {c.kind: c for c in person.contact_points.all()}
    assert contacts["phone"].value == "+526561234567"
    assert contacts["whatsapp"].value == "+526561234567"
    assert contacts["email"].value == "jose.perez@example.org"
    assert contacts["phone"].consent and contacts["phone"].consent_recorded_at is not None
    assert contacts["whatsapp"].consent
    # "no" is not consent (bool("no") would have been True)
    assert not contacts["email"].consent
    assert contacts["email"].consent_recorded_at is None


def test_the_same_contact_given_twice_is_stored_once(personas):
    person = _create(
        personas,
        contacts=[
            {"kind": "phone", "value": "656 123 4567"},
            {"kind": "phone", "value": "+52 656 123 4567", "consent": True},
        ],
    )
    contact = person.contact_points.get()
    assert contact.value == "+526561234567"
    assert contact.consent


def test_create_person_writes_an_audit_entry_without_personal_data(personas):
    person = _create(
        personas, contacts=[{"kind": "phone", "value": "656 123 4567", "consent": True}]
    )
    entry = AuditEntry.objects.get(object_type="person")
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.object_id == str(person.pk)
    assert entry.actor == personas.caseworker
    assert entry.organization == personas.org
    assert "given_names" in entry.fields and "contact_points" in entry.fields
    values = AuditEntry.objects.filter(pk=entry.pk).values().get()
    # Random ids, hex hashes and sequence-assigned keys may hold any digits by chance: check
    # the other columns.
    for random_column in (
        "id",
        "object_id",
        "hash",
        "prev_hash",
        "request_id",
        "at",
        "seq",
        "actor_id",
        "organization_id",
    ):
        values.pop(random_column, None)
    row = repr(values)
    for personal in ("José", "Jose", "Pérez", "HND", "1990", "656", "4567"):
        assert personal not in row


@pytest.mark.parametrize(
    ("data", "contacts", "field"),
    [
        ({"given_names": ""}, (), "given_names"),
        ({**PERSON, "nationality": "Atlantis"}, (), "nationality"),
        (PERSON, [{"kind": "phone", "value": "12"}], "contacts[0].value"),
        (
            PERSON,
            [{"kind": "phone", "value": "656 123 4567"}, {"kind": "fax", "value": "1"}],
            "contacts[1].kind",
        ),
        (
            PERSON,
            [{"kind": "phone", "value": "656 123 4567", "consent": "maybe"}],
            "contacts[0].consent",
        ),
    ],
)
def test_invalid_input_writes_nothing(personas, data, contacts, field):
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        _create(personas, data=data, contacts=contacts)
    assert field in excinfo.value.errors
    assert _counts() == before


def test_person_and_contact_errors_are_reported_together(personas):
    with pytest.raises(FieldErrors) as excinfo:
        _create(
            personas, data={"given_names": "Ana1"}, contacts=[{"kind": "email", "value": "nope"}]
        )
    assert set(excinfo.value.errors) == {"given_names", "contacts[0].value"}


def test_create_person_without_actor(personas):
    person = services.create_person(
        actor=None, organization=personas.org, data={"given_names": "Ana"}
    )
    assert person.created_by is None
    assert AuditEntry.objects.get(object_type="person").actor is None


# --- update_person -------------------------------------------------------------------


def test_update_person_records_changed_fields_only(personas):
    person = _create(personas)
    mark = audit_mark()
    updated = services.update_person(
        actor=personas.caseworker,
        person=person,
        data={**PERSON, "family_names": "Pérez Martínez", "sex": "X"},
    )
    assert updated.family_names == "Pérez Martínez"
    assert Person.objects.get(pk=person.pk).family_names == "Pérez Martínez"
    assert list(search_people(personas.caseworker, "martinez jose")) == [person]
    assert list(search_people(personas.caseworker, "lopez jose")) == []
    entry = entries_after(mark).get()
    assert entry.action == "update"
    assert entry.object_id == str(person.pk)
    assert entry.fields == ["family_names", "sex"]


def test_update_person_birth_year_only_change_is_recorded_as_birth_date(personas):
    person = _create(personas, data={"given_names": "Ana", "birth_date": "1987"})
    mark = audit_mark()
    services.update_person(
        actor=personas.caseworker, person=person, data={"given_names": "Ana", "birth_date": "1988"}
    )
    assert entries_after(mark).get().fields == ["birth_date"]
    assert Person.objects.get(pk=person.pk).birth_year == 1988


def test_update_person_languages_change(personas):
    person = _create(personas)
    mark = audit_mark()
    services.update_person(
        actor=personas.caseworker, person=person, data={**PERSON, "languages": "hat"}
    )
    assert list(person.languages.values_list("code", flat=True)) == ["hat"]
    assert entries_after(mark).get().fields == ["languages"]


def test_update_person_without_changes_writes_no_audit(personas):
    person = _create(personas)
    mark = audit_mark()
    services.update_person(actor=personas.caseworker, person=person, data=dict(PERSON))
    assert not entries_after(mark).exists()


def test_update_person_invalid_changes_nothing(personas):
    person = _create(personas)
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        services.update_person(
            actor=personas.caseworker, person=person, data={**PERSON, "birth_date": "2999-01-01"}
        )
    assert "birth_date" in excinfo.value.errors
    assert _counts() == before
    assert Person.objects.get(pk=person.pk).birth_date == dt.date(1990, 5, 17)


# --- contact points ------------------------------------------------------------------


def test_add_contact_point(personas):
    person = PersonFactory(organization=personas.org)
    contact = services.add_contact_point(
        actor=personas.caseworker, person=person, kind="Phone", value="(664) 123-4567", consent=True
    )
    assert (contact.kind, contact.value, contact.consent) == ("phone", "+526641234567", True)
    assert contact.consent_recorded_at is not None
    entry = AuditEntry.objects.get(object_type="contact_point")
    assert entry.object_id == str(contact.pk) and "664" not in repr(entry.fields)


def test_add_contact_point_errors(personas):
    person = PersonFactory(organization=personas.org)
    services.add_contact_point(
        actor=None, person=person, kind="phone", value="656 123 4567", consent=False
    )
    with pytest.raises(FieldErrors) as excinfo:
        services.add_contact_point(
            actor=None, person=person, kind="phone", value="+526561234567", consent=False
        )
    assert "already" in excinfo.value.errors["value"][0]
    with pytest.raises(FieldErrors) as excinfo:
        services.add_contact_point(
            actor=None, person=person, kind="fax", value="656 123 4567", consent=False
        )
    assert "kind" in excinfo.value.errors
    with pytest.raises(FieldErrors) as excinfo:
        services.add_contact_point(
            actor=None, person=person, kind="email", value="nope", consent=False
        )
    assert "value" in excinfo.value.errors
    assert person.contact_points.count() == 1


def test_set_contact_preferences(personas):
    contact = ContactPointFactory(person=PersonFactory(organization=personas.org), consent=False)
    services.set_contact_preferences(actor=personas.caseworker, contact=contact, consent=True)
    contact.refresh_from_db()
    assert contact.consent and contact.consent_recorded_at is not None
    services.set_contact_preferences(actor=personas.caseworker, contact=contact, opted_out=True)
    contact.refresh_from_db()
    assert contact.opted_out and contact.opted_out_at is not None
    assert not contact.reachable
    services.set_contact_preferences(actor=personas.caseworker, contact=contact, opted_out=False)
    contact.refresh_from_db()
    assert not contact.opted_out and contact.opted_out_at is None
    assert contact.reachable
    fields = list(
        AuditEntry.objects.filter(object_type="contact_point").values_list("fields", flat=True)
    )
    assert fields == [["consent"], ["opted_out"], ["opted_out"]]


def test_set_contact_preferences_without_change_writes_nothing(personas):
    contact = ContactPointFactory(person=PersonFactory(organization=personas.org), consent=True)
    mark = audit_mark()
    services.set_contact_preferences(
        actor=personas.caseworker, contact=contact, consent=True, opted_out=False
    )
    assert not entries_after(mark).exists()


# --- households ----------------------------------------------------------------------


def test_create_household(personas):
    lead = PersonFactory(organization=personas.org)
    household = services.create_household(
        actor=personas.caseworker, organization=personas.org, lead=lead
    )
    assert household.lead == lead
    assert household.members.get().person == lead
    assert household.members.get().relationship == "lead"
    assert AuditEntry.objects.get(object_type="household").action == "create"


def test_create_household_refuses_lead_of_another_organization(personas):
    lead = PersonFactory(organization=personas.other_org)
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        services.create_household(actor=personas.caseworker, organization=personas.org, lead=lead)
    assert "lead" in excinfo.value.errors
    assert _counts() == before


def test_create_household_refuses_a_lead_already_in_a_household(personas):
    household = HouseholdFactory(organization=personas.org)
    with pytest.raises(FieldErrors, match="already in a household"):
        services.create_household(
            actor=personas.caseworker, organization=personas.org, lead=household.lead
        )


def test_add_household_member(personas):
    household = HouseholdFactory(organization=personas.org)
    child = PersonFactory(organization=personas.org)
    member = services.add_household_member(
        actor=personas.caseworker, household=household, person=child, relationship="child"
    )
    assert member.household == household and member.relationship == "child"
    assert household.members.count() == 2


@pytest.mark.parametrize("relationship", ["lead", "neighbour", ""])
def test_add_household_member_bad_relationship(personas, relationship):
    household = HouseholdFactory(organization=personas.org)
    with pytest.raises(FieldErrors) as excinfo:
        services.add_household_member(
            actor=None,
            household=household,
            person=PersonFactory(organization=personas.org),
            relationship=relationship,
        )
    assert "relationship" in excinfo.value.errors


def test_add_household_member_refuses_cross_organization_and_duplicates(personas):
    household = HouseholdFactory(organization=personas.org)
    outsider_person = PersonFactory(organization=personas.other_org)
    with pytest.raises(FieldErrors) as excinfo:
        services.add_household_member(
            actor=None, household=household, person=outsider_person, relationship="child"
        )
    assert "person" in excinfo.value.errors
    other_household = HouseholdFactory(organization=personas.org)
    with pytest.raises(FieldErrors, match="already in a household"):
        services.add_household_member(
            actor=None, household=household, person=other_household.lead, relationship="spouse"
        )
    assert household.members.count() == 1


def test_create_family_member_creates_household_and_joins_open_cases(personas):
    lead = PersonFactory(organization=personas.org)
    case = CaseFactory(organization=personas.org, lead=lead)
    closed = CaseFactory(organization=personas.org, lead=lead, status=CaseStatus.CLOSED)
    child = services.create_family_member(
        actor=personas.caseworker,
        lead=lead,
        relationship="child",
        data={"given_names": "Luz", "family_names": "Pérez", "birth_date": "2015"},
        contacts=[{"kind": "phone", "value": "9876-5432"}],
    )
    household = Household.objects.get(lead=lead)
    assert set(household.members.values_list("person_id", "relationship")) == {
        (lead.pk, "lead"),
        (child.pk, "child"),
    }
    rider = CaseMember.objects.get(case=case, person=child)
    assert rider.role == CaseMember.Role.RIDER
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MEMBER_ADDED).exists()
    assert not CaseMember.objects.filter(case=closed, person=child).exists()
    assert child.contact_points.get().value == "+50498765432"


def test_create_family_member_uses_the_existing_household(personas):
    household = HouseholdFactory(organization=personas.org)
    services.create_family_member(
        actor=None, lead=household.lead, relationship="spouse", data={"given_names": "Ana"}
    )
    services.create_family_member(
        actor=None, lead=household.lead, relationship="child", data={"given_names": "Luz"}
    )
    assert Household.objects.count() == 1
    assert household.members.count() == 3


def test_create_family_member_only_from_the_lead(personas):
    household = HouseholdFactory(organization=personas.org)
    spouse = services.create_family_member(
        actor=None, lead=household.lead, relationship="spouse", data={"given_names": "Ana"}
    )
    with pytest.raises(FieldErrors) as excinfo:
        services.create_family_member(
            actor=None, lead=spouse, relationship="child", data={"given_names": "Luz"}
        )
    assert "lead" in excinfo.value.errors


def test_create_family_member_invalid_data_writes_nothing(personas):
    lead = PersonFactory(organization=personas.org)
    CaseFactory(organization=personas.org, lead=lead)
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        services.create_family_member(
            actor=None, lead=lead, relationship="child", data={"given_names": "L4z"}
        )
    assert "given_names" in excinfo.value.errors
    # not even the household that would have been created for the lead
    assert _counts() == before
    with pytest.raises(FieldErrors) as excinfo:
        services.create_family_member(
            actor=None, lead=lead, relationship="lead", data={"given_names": "Luz"}
        )
    assert "relationship" in excinfo.value.errors
    assert _counts() == before


def test_update_household_port(personas):
    from mppdesk.places.models import Port

    port = Port.objects.first()
    assert port is not None, "ports are seeded by a data migration"
    household = HouseholdFactory(organization=personas.org)
    services.update_household(actor=None, household=household, port=port)
    household.refresh_from_db()
    assert household.port == port
    services.update_household(actor=None, household=household, port=port)
    assert AuditEntry.objects.filter(object_type="household", fields=["port"]).count() == 1
