"""The demo data: organizations, logins, and people in realistic proportions."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership, Organization, User
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseMember
from mppdesk.people import demo
from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, PersonLanguage
from mppdesk.places.models import Port

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo() -> demo.DemoResult:
    return demo.load_demo(people=60, households=25, seed=7)


def test_demo_has_four_organizations_of_the_right_kinds(small_demo):
    kinds = dict(Organization.objects.values_list("slug", "kind"))
    assert kinds == {
        "demo-legal-aid": Organization.Kind.LEGAL_SERVICES,
        "demo-shelters": Organization.Kind.SHELTER,
        "demo-coordinator": Organization.Kind.COORDINATOR,
        "demo-monitor": Organization.Kind.MONITOR,
    }


def test_demo_creates_the_requested_people_and_households(small_demo):
    assert small_demo.created
    assert Person.objects.count() == small_demo.people == 60
    assert Household.objects.count() == small_demo.households == 25
    assert HouseholdMember.objects.count() == 60
    sizes = Counter(HouseholdMember.objects.values_list("household", flat=True))
    assert all(1 <= size <= demo.MAX_HOUSEHOLD_SIZE for size in sizes.values())


def test_households_belong_to_legal_aid_and_shelters_not_the_coordinator(small_demo):
    owners = set(Household.objects.values_list("organization__slug", flat=True))
    assert owners <= {"demo-legal-aid", "demo-shelters"}
    assert not Person.objects.filter(organization__slug="demo-coordinator").exists()


def test_every_household_lead_has_a_case_with_a_nine_digit_anumber(small_demo):
    for household in Household.objects.select_related("lead", "port__venue"):
        case = Case.objects.get(lead=household.lead)
        assert re.fullmatch(r"\d{9}", case.a_number)
        assert case.organization_id == household.organization_id
        assert case.port_id == household.port_id
        assert case.venue_id == household.port.venue_id
        members = set(household.members.values_list("person", flat=True))
        assert set(case.members.values_list("person", flat=True)) == members
        assert case.members.get(person=household.lead).role == CaseMember.Role.LEAD
    a_numbers = [case.a_number for case in Case.objects.all()]
    assert len(a_numbers) == len(set(a_numbers)) == 25


def test_every_household_waits_in_one_of_the_seven_ports(small_demo):
    ports = set(Port.objects.values_list("pk", flat=True))
    assert len(ports) == 7
    used = set(Household.objects.values_list("port", flat=True))
    assert used == ports  # the first households visit every city once


def test_children_are_marked_and_have_no_phone(small_demo):
    children = [p for p in Person.objects.all() if "child" in p.vulnerabilities]
    assert children
    for child in children:
        age = child.age_on(child.created_at.date())
        assert age is not None and age < 18
        assert not child.contact_points.exists()


def test_phones_are_mexican_e164_numbers_of_the_border_city(small_demo):
    phones = ContactPoint.objects.filter(kind__in=["phone", "whatsapp"]).select_related("person")
    assert phones.exists()
    for contact in phones:
        port = contact.person.household_membership.household.port
        assert contact.value.startswith("+52" + demo.AREA_CODES[port.code])
        assert len(contact.value) == 13
    assert phones.filter(consent=True).count() > phones.count() / 2


def test_demo_logins_work_with_the_printed_passwords(small_demo, client: Client):
    assert [login.username for login in small_demo.logins] == [
        login.username for login in demo.DEMO_LOGINS
    ]
    for login in small_demo.logins:
        user = User.objects.get(username=login.username)
        assert user.memberships.get().role == login.role
        assert user.memberships.get().organization.slug == login.organization
        assert client.login(username=login.username, password=login.password)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert Membership.objects.filter(role="caseworker").count() == 2


def test_loading_twice_changes_nothing(small_demo):
    counts = (
        Person.objects.count(),
        Household.objects.count(),
        Case.objects.count(),
        AuditEntry.objects.count(),
    )
    again = demo.load_demo(people=60, households=25, seed=7)
    assert not again.created
    assert (again.people, again.households, again.cases) == (60, 25, 25)
    assert counts == (
        Person.objects.count(),
        Household.objects.count(),
        Case.objects.count(),
        AuditEntry.objects.count(),
    )


def test_demo_is_written_through_services_with_audit_entries(small_demo):
    assert AuditEntry.objects.filter(object_type="person", action="create").count() == 60
    assert AuditEntry.objects.filter(object_type="case", action="create").count() == 25
    assert not AuditEntry.objects.filter(object_type="person", actor=None).exists()


def test_same_seed_gives_the_same_people():
    # The audit log is append-only, so a second demo cannot replace the first in one
    # database; compare the plaintext of two loads made under separate savepoints.
    from django.db import transaction

    def names() -> list[tuple[str, str, object]]:
        return sorted((p.given_names, p.family_names, p.birth_date) for p in Person.objects.all())

    loads = []
    for _ in range(2):
        with transaction.atomic():
            demo.load_demo(people=20, households=8, seed=3)
            loads.append(names())
            transaction.set_rollback(True)
    assert loads[0] == loads[1] and len(loads[0]) == 20


def test_reset_is_refused_because_the_audit_log_is_append_only():
    demo.load_demo(people=8, households=4, seed=1)
    with pytest.raises(demo.DemoError, match="delete the var/ directory"):
        demo.reset_demo()
    assert Person.objects.count() == 8


def test_full_demo_languages_and_nationalities_follow_the_published_shares():
    result = demo.load_demo()
    assert (result.people, result.households, result.cases) == (500, 200, 200)
    preferred = Counter(
        PersonLanguage.objects.filter(preferred=True).values_list("code", flat=True)
    )
    assert sum(preferred.values()) == 500
    assert 0.93 <= preferred["spa"] / 500 <= 0.995  # published: 0.97
    assert set(preferred) <= set(demo.LANGUAGE_SHARES)
    nationalities = Counter(Person.objects.values_list("nationality", flat=True))
    assert nationalities.most_common(1)[0][0] == "HND"
    assert set(nationalities) <= set(demo.SPANISH_NATIONALITIES) | {"BRA", "HTI"}
    for person in Person.objects.prefetch_related("languages"):
        code = next(lang.code for lang in person.languages.all() if lang.preferred)
        if code in demo.NATIONALITY_BY_LANGUAGE:
            assert person.nationality == demo.NATIONALITY_BY_LANGUAGE[code]
    women = Person.objects.filter(sex="F").count() / 500
    assert 0.35 <= women <= 0.6
    assert any(c.a_number.startswith("0") for c in Case.objects.all())  # some were 8-digit
    versions = Counter(Case.objects.values_list("program_version", flat=True))
    assert versions.most_common(1)[0][0] == "current" and {"2019", "2021"} <= set(versions)


def test_demo_is_refused_in_production_mode(settings):
    settings.PRODUCTION = True
    with pytest.raises(demo.DemoError, match="local mode"):
        demo.load_demo(people=5, households=2)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(("people", "households"), [(3, 5), (40, 5), (0, 0)])
def test_impossible_sizes_are_refused(people, households):
    with pytest.raises(demo.DemoError):
        demo.household_sizes(random.Random(1), people, households)


def test_household_sizes_add_up():
    sizes = demo.household_sizes(random.Random(1), 500, 200)
    assert sum(sizes) == 500 and len(sizes) == 200
    assert min(sizes) >= 1 and max(sizes) <= 6


def test_lead_respondents_have_a_full_date_of_birth_for_the_hearing_lookup():
    # The self-service lookup (CITA) asks for the lead's A-number and full date of
    # birth: a lead with only a year of birth could never use it. Some other members'
    # intake forms still only hold the year.
    gen = demo._Generator(11, list(Port.objects.order_by("name")))
    leads: list[str] = []
    others: list[str] = []
    for _ in range(400):
        members = gen.household(gen.rng.randint(1, demo.MAX_HOUSEHOLD_SIZE))
        leads.append(members[0][1]["birth_date"])
        others += [data["birth_date"] for _relationship, data in members[1:]]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in leads)
    year_only = [value for value in others if re.fullmatch(r"\d{4}", value)]
    assert year_only and len(year_only) < len(others) / 10


def test_leads_of_demo_cases_with_hearings_have_a_full_date_of_birth():
    from mppdesk.hearings.models import Hearing

    demo.load_demo(people=120, households=60, seed=5)
    with_hearings = Person.objects.filter(pk__in=Hearing.objects.values("case__lead"))
    assert with_hearings.exists()
    leads = Person.objects.filter(pk__in=Case.objects.values("lead"))
    assert all(person.birth_date is not None for person in leads)
