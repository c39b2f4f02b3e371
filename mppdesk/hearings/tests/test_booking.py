"""A docket is never overbooked: the conditional UPDATE, the CHECK constraint, threads."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from mppdesk.cases.models import Case
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import hearing_services
from mppdesk.hearings.dockets import DocketFull
from mppdesk.hearings.models import Docket, Hearing, Notice
from mppdesk.hearings.tests.conftest import EL_PASO, future_day, make_case, make_docket
from mppdesk.places.models import Venue
from mppdesk.testing.concurrency import run_threads


def test_book_takes_places_until_full(docket: Docket) -> None:
    docket_services.book(docket, 4)
    docket_services.book(docket, 6)
    assert docket.booked == 10
    with pytest.raises(DocketFull) as caught:
        docket_services.book(docket, 1)
    assert caught.value.errors == {"docket": ["This docket has 0 free places; the case needs 1."]}
    docket.refresh_from_db()
    assert docket.booked == 10


def test_release_gives_places_back(docket: Docket) -> None:
    docket_services.book(docket, 3)
    docket_services.release(docket, 2)
    assert docket.booked == 1
    docket_services.release(docket, 5)  # more than booked: never below zero
    assert docket.booked == 0


def test_the_database_refuses_an_overbooked_docket(docket: Docket) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Docket.objects.filter(pk=docket.pk).update(booked=F("capacity") + 1)


class BookingNeverExceedsCapacity(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        capacity=st.integers(1, 30),
        steps=st.lists(st.tuples(st.booleans(), st.integers(1, 8)), max_size=25),
    )
    def test_any_sequence_of_bookings_and_releases(
        self, capacity: int, steps: list[tuple[bool, int]]
    ) -> None:
        venue = Venue.objects.get(code=EL_PASO)
        docket = make_docket(venue, future_day(), capacity=capacity)
        expected = 0
        for is_booking, n in steps:
            if is_booking:
                if expected + n <= capacity:
                    docket_services.book(docket, n)
                    expected += n
                else:
                    with self.assertRaises(DocketFull):
                        docket_services.book(docket, n)
            else:
                docket_services.release(docket, n)
                expected = max(expected - n, 0)
            docket.refresh_from_db()
            assert docket.booked == expected <= capacity


def test_a_household_that_does_not_fit_changes_nothing(personas: Any, el_paso: Venue) -> None:
    docket = make_docket(el_paso, future_day(), capacity=3)
    docket_services.book(docket, 1)
    family = make_case(personas.org, venue=el_paso, riders=2)  # three people
    with pytest.raises(DocketFull):
        hearing_services.schedule_hearing(actor=personas.coordinator, case=family, docket=docket)
    docket.refresh_from_db()
    assert docket.booked == 1
    assert not Hearing.objects.exists()
    assert not Notice.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_never_overbook() -> None:
    venue = Venue.objects.get(code=EL_PASO)
    docket = make_docket(venue, future_day(), capacity=5)

    def work(index: int) -> str:
        try:
            with transaction.atomic():
                docket_services.book(Docket.objects.get(pk=docket.pk), 1)
        except DocketFull:
            return "full"
        return "booked"

    results = run_threads(8, work)
    assert sorted(results) == ["booked"] * 5 + ["full"] * 3, results
    docket.refresh_from_db()
    assert docket.booked == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_scheduling_at_once_never_overbook() -> None:
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    org = OrganizationFactory(slug="concurrent")
    coordinators = []
    for i in range(6):
        user = UserFactory(username=f"coordinator{i}")
        MembershipFactory(user=user, organization=org, role=Membership.Role.COORDINATOR)
        coordinators.append(user)
    venue = Venue.objects.get(code=EL_PASO)
    docket = make_docket(venue, future_day(), capacity=4)
    cases = [make_case(org, venue=venue) for _ in range(6)]

    def work(index: int) -> str:
        try:
            hearing_services.schedule_hearing(
                actor=coordinators[index],
                case=Case.objects.get(pk=cases[index].pk),
                docket=Docket.objects.get(pk=docket.pk),
            )
        except DocketFull:
            return "full"
        return "scheduled"

    results = run_threads(6, work)
    assert sorted(results) == ["full"] * 2 + ["scheduled"] * 4, results
    docket.refresh_from_db()
    assert docket.booked == 4
    assert Hearing.objects.filter(docket=docket).count() == 4
