"""Organization scoping: a record outside the viewer's organizations is not there at all."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from mppdesk.accounts.models import Membership, User
from mppdesk.cases.queries import cases_for, cases_of, get_case
from mppdesk.core.access import get_visible_or_404
from mppdesk.people import services as people_services
from mppdesk.people.models import Person
from mppdesk.people.queries import (
    get_household,
    get_person,
    households_for,
    people_for,
    possible_duplicates,
    search_people,
)
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    HouseholdFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas):
    """One person, household and case in the case worker's organization."""
    household = HouseholdFactory(organization=personas.org)
    case = CaseFactory(organization=personas.org, lead=household.lead, a_number="012345678")
    return household.lead, household, case


def _fresh(user):
    # visible_org_ids caches on the user object, as a request would; start each check clean.
    return User.objects.get(pk=user.pk)


# --- members of the organization see their records -----------------------------------


def test_member_sees_own_organization_records(personas, records):
    person, household, case = records
    user = personas.caseworker
    assert list(people_for(user)) == [person]
    assert get_person(user, person.pk) == person
    assert get_person(user, str(person.pk)) == person
    assert list(households_for(user)) == [household]
    assert get_household(user, household.pk) == household
    assert list(cases_for(user)) == [case]
    assert get_case(user, case.pk) == case
    assert list(search_people(user, "012345678")) == [person]


def test_member_of_two_organizations_sees_both(personas, records):
    person, _, _ = records
    theirs = PersonFactory(organization=personas.other_org)
    MembershipFactory(user=personas.caseworker, organization=personas.other_org)
    assert set(people_for(_fresh(personas.caseworker))) == {person, theirs}


# --- an outsider, an anonymous visitor, a user without membership see nothing ---------


def _no_membership_user():
    return UserFactory(username="nomember")


@pytest.fixture(params=["outsider", "anonymous", "none", "no_membership", "inactive_org"])
def stranger(request, personas):
    if request.param == "outsider":
        return personas.outsider
    if request.param == "anonymous":
        return AnonymousUser()
    if request.param == "none":
        return None
    if request.param == "no_membership":
        return _no_membership_user()
    personas.org.is_active = False
    personas.org.save()
    return _fresh(personas.caseworker)


def test_stranger_lists_nothing(stranger, records):
    assert not people_for(stranger).exists()
    assert not households_for(stranger).exists()
    assert not cases_for(stranger).exists()


@pytest.mark.parametrize("query", ["", "012345678", "A012-345-678", "+52 656 100 0000"])
def test_stranger_search_finds_nothing(stranger, records, query):
    person, _, _ = records
    ContactPointFactory(person=person, value="+526561000000")
    assert list(search_people(stranger, person.given_names)) == []
    assert list(search_people(stranger, query)) == []


def test_stranger_gets_404_for_each_record(stranger, records):
    person, household, case = records
    with pytest.raises(Http404):
        get_person(stranger, person.pk)
    with pytest.raises(Http404):
        get_household(stranger, household.pk)
    with pytest.raises(Http404):
        get_case(stranger, case.pk)


def test_denied_looks_exactly_like_missing(personas, records):
    person, _, _ = records
    with pytest.raises(Http404) as denied:
        get_person(personas.outsider, person.pk)
    with pytest.raises(Http404) as missing:
        get_person(personas.outsider, uuid.uuid4())
    assert str(denied.value) == str(missing.value)
    assert denied.value.args == missing.value.args


def test_outsider_records_are_hidden_from_the_caseworker(personas, records):
    theirs = PersonFactory(organization=personas.other_org)
    their_case = CaseFactory(organization=personas.other_org, lead=theirs, a_number="012345678")
    with pytest.raises(Http404):
        get_person(personas.caseworker, theirs.pk)
    with pytest.raises(Http404):
        get_case(personas.caseworker, their_case.pk)
    # the same A-number in another organization does not reveal its person
    assert list(search_people(personas.caseworker, "012345678")) == [records[0]]
    assert list(search_people(personas.outsider, "012345678")) == [theirs]


def test_membership_role_does_not_widen_scope(personas, records):
    admin = UserFactory()
    MembershipFactory(user=admin, organization=personas.other_org, role=Membership.Role.ADMIN)
    assert not people_for(admin).exists()


@pytest.mark.parametrize(
    "pk",
    ["not-a-uuid", "", None, 12, "1; DROP TABLE people", "0" * 33, "../../etc/passwd", "%00"],
)
def test_malformed_id_is_404_not_an_error(personas, records, pk):
    for get in (get_person, get_household, get_case):
        with pytest.raises(Http404):
            get(personas.caseworker, pk)


def test_get_visible_or_404_accepts_uuid_objects_and_strings(personas, records):
    person, _, _ = records
    assert (
        get_visible_or_404(Person.objects.all(), personas.caseworker, uuid.UUID(str(person.pk)))
        == person
    )
    assert (
        get_visible_or_404(Person.objects.all(), personas.caseworker, str(person.pk).upper())
        == person
    )


# --- search_people -------------------------------------------------------------------


@pytest.fixture
def jose(personas):
    return people_services.create_person(
        actor=personas.caseworker,
        organization=personas.org,
        data={"given_names": "José", "family_names": "Pérez López", "other_names": "Pepe"},
        contacts=[
            {"kind": "phone", "value": "656 123 4567", "consent": True},
            {"kind": "whatsapp", "value": "+504 9876 5432", "consent": True},
        ],
    )


@pytest.mark.parametrize(
    "query",
    [
        "012345678",
        "12345678",
        "A012345678",
        "a012-345-678",
        "A#12345678",
        "A 012 345 678",
        "012.345.678",
        " A-12345678 ",
    ],
)
def test_search_by_a_number_in_any_written_form(personas, jose, query):
    case = CaseFactory(organization=personas.org, lead=jose, a_number="012345678")
    rider = PersonFactory(organization=personas.org)
    from mppdesk.cases.services import add_case_member

    add_case_member(actor=None, case=case, person=rider)
    assert set(search_people(personas.caseworker, query)) == {jose, rider}


def test_search_by_a_number_is_exact(personas, jose):
    CaseFactory(organization=personas.org, lead=jose, a_number="012345678")
    assert list(search_people(personas.caseworker, "012345679")) == []
    assert list(search_people(personas.caseworker, "01234567")) == []  # means 001234567


@pytest.mark.parametrize(
    "query",
    ["656 123 4567", "(656) 123-4567", "+52 656 123 4567", "+52 1 656 123 4567", "0052 6561234567"],
)
def test_search_by_phone_exact(personas, jose, query):
    PersonFactory(organization=personas.org)
    assert list(search_people(personas.caseworker, query)) == [jose]


def test_search_by_eight_digit_phone_also_read_as_an_a_number(personas, jose):
    # "9876-5432" is a Honduran mobile and a valid 8-digit A-number: both are searched.
    assert list(search_people(personas.caseworker, "9876-5432")) == [jose]
    other = PersonFactory(organization=personas.org)
    CaseFactory(organization=personas.org, lead=other, a_number="098765432")
    assert set(search_people(personas.caseworker, "9876-5432")) == {jose, other}


def test_search_by_unknown_phone_finds_nothing(personas, jose):
    assert list(search_people(personas.caseworker, "656 999 0000")) == []
    assert list(search_people(personas.caseworker, "1234567")) == []


@pytest.mark.parametrize(
    "query", ["Jose Perez", "josé pérez", "PEREZ", "perez jose", "  lopez   jose ", "Pepe"]
)
def test_search_by_name_ignores_accents_case_and_order(personas, jose, query):
    assert list(search_people(personas.caseworker, query)) == [jose]


def test_search_by_name_requires_every_word(personas, jose):
    maria = PersonFactory(
        organization=personas.org, given_names="María", family_names="Pérez Díaz", other_names=[]
    )
    assert set(search_people(personas.caseworker, "Pérez")) == {jose, maria}
    assert list(search_people(personas.caseworker, "perez maria")) == [maria]
    assert list(search_people(personas.caseworker, "jose diaz")) == []


def test_empty_search_returns_everyone_visible(personas, jose):
    PersonFactory(organization=personas.other_org)
    assert list(search_people(personas.caseworker, "  ")) == [jose]


def test_possible_duplicates_stay_in_the_organization(personas):
    data = {"given_names": "Ana", "family_names": "Ruiz", "birth_date": "1990-01-02"}
    first = people_services.create_person(actor=None, organization=personas.org, data=data)
    second = people_services.create_person(
        actor=None,
        organization=personas.org,
        data={**data, "given_names": "RUIZ", "family_names": "ana"},
    )
    people_services.create_person(actor=None, organization=personas.other_org, data=data)
    assert list(possible_duplicates(first)) == [second]
    no_birth = people_services.create_person(
        actor=None, organization=personas.org, data={"given_names": "Ana"}
    )
    assert list(possible_duplicates(no_birth)) == []


def test_cases_of_person(personas, records):
    person, _, case = records
    assert list(cases_of(person)) == [case]


def test_scoping_fails_closed_without_the_registered_scope(records, personas, monkeypatch):
    """core asks accounts' permission matrix only through the registration; without it
    nothing is readable (a RuntimeError, never an empty filter that looks like "none")."""
    from mppdesk.core import access

    person, _household, _case = records
    assert Person.objects.visible_to(personas.caseworker).filter(pk=person.pk).exists()
    monkeypatch.setattr(access, "_scope", None)
    with pytest.raises(RuntimeError, match="no access scope registered"):
        list(Person.objects.visible_to(personas.caseworker))
    with pytest.raises(RuntimeError, match="no access scope registered"):
        access.require_owner_write(personas.caseworker, person)


def test_the_registered_scope_is_the_permission_matrix(records, personas):
    """Read and write follow accounts.permissions exactly: PERSON_READ and PERSON_WRITE."""
    from mppdesk.accounts.permissions import Action, can, orgs_where
    from mppdesk.core.access import registered_scope

    scope = registered_scope()
    for user in (personas.caseworker, personas.coordinator, personas.outsider):
        assert scope.readable_orgs(user) == orgs_where(user, Action.PERSON_READ)
        assert scope.may_write(user, personas.org.id) == can(
            user, Action.PERSON_WRITE, personas.org.id
        )
