"""Reads of people and households, always through the viewer's organization scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from mppdesk.core.access import get_visible_or_404
from mppdesk.lib.anumber import ANumberError, normalize_anumber
from mppdesk.lib.phones import PhoneError, normalize_phone
from mppdesk.lib.text import fold
from mppdesk.people.models import Household, Person

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


def people_for(user: User | None) -> QuerySet[Person]:
    return Person.objects.visible_to(user)


def get_person(user: User | None, pk: Any) -> Person:
    """The person with ``pk`` if ``user`` may see them, else ``Http404``."""
    return get_visible_or_404(Person.objects.all(), user, pk)


def households_for(user: User | None) -> QuerySet[Household]:
    return Household.objects.visible_to(user)


def get_household(user: User | None, pk: Any) -> Household:
    return get_visible_or_404(Household.objects.select_related("lead", "port"), user, pk)


def search_people(user: User | None, query: str) -> QuerySet[Person]:
    """A-number (exact), phone number (exact) or name (every word, accents ignored)."""
    people = people_for(user)
    text = (query or "").strip()
    if not text:
        return people
    try:
        digits = normalize_anumber(text)
    except ANumberError:
        digits = ""
    if digits and sum(ch.isdigit() for ch in text) >= 8:
        return people.filter(case_memberships__case__a_number=digits).distinct()
    if sum(ch.isdigit() for ch in text) >= 7:
        try:
            phone = normalize_phone(text)
        except PhoneError:
            return people.none()
        return people.filter(contact_points__value=phone).distinct()
    condition = Q()
    for token in fold(text).split():
        condition &= Q(search_key__contains=token)
    return people.filter(condition)


def possible_duplicates(person: Person) -> QuerySet[Person]:
    """Other people of the same organization with the same normalized name and birth."""
    if not person.dedupe_key or person.dedupe_key.endswith("|"):
        return Person.objects.none()
    return Person.objects.filter(organization_id=person.organization_id, dedupe_key=person.dedupe_key).exclude(pk=person.pk)


def household_of(person: Person) -> Household | None:
    membership = getattr(person, "household_membership", None)
    return membership.household if membership else None
