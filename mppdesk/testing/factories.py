"""factory_boy factories with realistic synthetic names (Spanish, Portuguese, French locales)."""

from __future__ import annotations

import random

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from mppdesk.accounts.models import Membership, Organization, User
from mppdesk.cases.models import Case, CaseMember
from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, PersonLanguage
from mppdesk.people.services import reindex_person

fake = Faker(["es_MX", "es_ES", "pt_BR", "fr_FR"])

PASSWORD = "correct horse battery staple 7"  # noqa: S105 - test-only password


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organización {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.LEGAL_SERVICES


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.CASEWORKER


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    given_names = factory.LazyFunction(lambda: fake.first_name())
    family_names = factory.LazyFunction(lambda: f"{fake.last_name()} {fake.last_name()}")
    birth_date = factory.LazyFunction(lambda: fake.date_of_birth(minimum_age=1, maximum_age=70))
    birth_year = factory.LazyAttribute(lambda o: o.birth_date.year if o.birth_date else None)
    sex = factory.LazyFunction(lambda: random.choice(["F", "M"]))
    nationality = factory.LazyFunction(
        lambda: random.choice(["HND", "GTM", "SLV", "CUB", "VEN", "NIC", "BRA"])
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        person = model_class(*args, **kwargs)
        person.save()  # the blind indexes of dedupe and contacts are computed on save
        reindex_person(person)  # name search tokens
        PersonLanguage.objects.create(person=person, code="spa", preferred=True)
        return person


class ContactPointFactory(DjangoModelFactory[ContactPoint]):
    class Meta:
        model = ContactPoint

    person = factory.SubFactory(PersonFactory)
    kind = ContactPoint.Kind.PHONE
    value = factory.Sequence(lambda n: f"+52656{1000000 + n:07d}")
    consent = True


class HouseholdFactory(DjangoModelFactory[Household]):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    lead = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"))

    @factory.post_generation
    def lead_member(obj, create, extracted, **kwargs):  # noqa: N805
        if create and obj.lead is not None:
            HouseholdMember.objects.get_or_create(
                person=obj.lead, defaults={"household": obj, "relationship": "lead"}
            )


class CaseFactory(DjangoModelFactory[Case]):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    lead = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"))
    a_number = factory.Sequence(lambda n: f"{200000000 + n:09d}")

    @factory.post_generation
    def lead_member(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            CaseMember.objects.get_or_create(
                case=obj, person=obj.lead, defaults={"role": CaseMember.Role.LEAD}
            )


def people_named(given_names: str, **filters: object) -> list[Person]:
    """People whose given names are exactly ``given_names``.

    Names are encrypted in the database, so tests cannot filter on them in SQL: this loads
    the (few) people of a test database and compares the decrypted names.
    """
    return [p for p in Person.objects.filter(**filters) if p.given_names == given_names]


def person_named(given_names: str, **filters: object) -> Person:
    """The one person with these given names (like ``Person.objects.get``)."""
    found = people_named(given_names, **filters)
    if len(found) != 1:
        raise Person.DoesNotExist if not found else Person.MultipleObjectsReturned
    return found[0]
