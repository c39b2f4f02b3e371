"""Families are never split and shelters are never overbooked.

The packing is checked by hypothesis over random rosters twice: as a pure function
(thousands of cases) and through the database planner (random households, exemptions
and shelter sizes). Two coordinators approving groups for the same shelter at once are
run in threads on PostgreSQL (serialized on SQLite, which has one writer)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mppdesk.core.errors import FieldErrors
from mppdesk.places.models import Shelter, ShelterNight
from mppdesk.testing.concurrency import run_threads
from mppdesk.transfers import planning, services
from mppdesk.transfers.models import GroupStatus, TransferMember
from mppdesk.transfers.tests.conftest import detain

DAY = dt.date(2030, 1, 1)


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=8), max_size=40),
    free=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5),
    target=st.integers(min_value=1, max_value=120),
)
@settings(max_examples=400, deadline=None)
def test_pack_keeps_households_whole_and_within_room(
    sizes: list[int], free: list[int], target: int
) -> None:
    units = [planning.Unit(key=i, size=s, since=DAY, order=f"{i:03d}") for i, s in enumerate(sizes)]
    room = dict(enumerate(free))
    packing = planning.pack(units, room, list(room), target)
    assert set(packing.shelter_of) | set(packing.left_out) == set(range(len(sizes)))
    assert not set(packing.shelter_of) & set(packing.left_out)
    used: dict[int, int] = defaultdict(int)
    for key, shelter in packing.shelter_of.items():
        used[shelter] += sizes[key]
    assert all(used[s] <= room[s] for s in used)
    assert packing.included_people == sum(sizes[k] for k in packing.shelter_of) <= target
    # Nobody is left out for capacity while a shelter still had room for them.
    left_room = {s: room[s] - used[s] for s in room}
    for key, rule in packing.left_out.items():
        if rule == planning.RULE_CAPACITY:
            assert all(sizes[key] > r for r in left_room.values())


@pytest.mark.django_db
@given(
    households=st.lists(
        st.tuples(st.integers(min_value=1, max_value=5), st.booleans()), min_size=1, max_size=8
    ),
    capacities=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=3),
    target=st.integers(min_value=1, max_value=25),
)
@settings(
    max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
def test_planner_never_splits_a_family(
    personas: Any, facility: Any, port: Any, households: list[tuple[int, bool]],
    capacities: list[int], target: int,
) -> None:  # fmt: skip
    with transaction.atomic():
        Shelter.objects.filter(city="Ciudad Juarez").update(active=False)
        for index, capacity in enumerate(capacities):
            Shelter.objects.create(
                code=f"h-{index}", name=f"H {index}", city="Ciudad Juarez", capacity=capacity
            )
        families = []
        for size, one_exempt in households:
            vulnerabilities = [["medical"]] if one_exempt else []
            families.append(detain(personas.org, facility, size, vulnerabilities=vulnerabilities))
        group = services.plan_group(
            actor=personas.coordinator, facilities=[facility], port=port, date=DAY,
            target_size=target,
        )  # fmt: skip
        members = {m.person_id: m for m in TransferMember.objects.filter(group=group)}
        load: dict[int, int] = defaultdict(int)
        for family in families:
            rows = [members[p.pk] for p in family]
            assert len({r.included for r in rows}) == 1
            assert len({r.shelter_id for r in rows}) == 1
            assert all(r.included or r.rule for r in rows)
            if rows[0].included:
                load[rows[0].shelter_id] += len(rows)
        caps = dict(Shelter.objects.filter(active=True).values_list("pk", "capacity"))
        assert all(load[s] <= caps[s] for s in load)
        assert sum(load.values()) <= target
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_approving_at_once_never_overbook(
    personas: Any, facility: Any, port: Any
) -> None:
    """Two groups planned against the same free places (5 + 5 people, one shelter of 8):
    approved at once, exactly one succeeds and the shelter holds 5 on every night."""
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    second = UserFactory(username="coordinator2")
    MembershipFactory(user=second, organization=personas.org, role=Membership.Role.COORDINATOR)
    Shelter.objects.filter(city="Ciudad Juarez").update(active=False)
    shelter = Shelter.objects.create(code="race", name="Race", city="Ciudad Juarez", capacity=8)
    detain(personas.org, facility, 5)
    first_group = services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port, date=DAY, target_size=5,
        stay_nights=3,
    )  # fmt: skip
    detain(personas.org, facility, 5)
    second_group = services.plan_group(
        actor=second, facilities=[facility], port=port, date=DAY, target_size=5, stay_nights=3
    )
    assert first_group.summary["included"] == second_group.summary["included"] == 5
    actors = [personas.coordinator, second]
    groups = [first_group, second_group]

    def work(index: int) -> str:
        try:
            services.approve_group(actor=actors[index], group=groups[index])
        except FieldErrors as exc:
            return "full" if "shelter" in exc.errors else f"other: {exc.errors}"
        return "approved"

    results = run_threads(2, work)
    assert sorted(results) == ["approved", "full"], results
    nights = ShelterNight.objects.filter(shelter=shelter).order_by("date")
    assert [n.occupied for n in nights] == [5, 5, 5]
    statuses = sorted(type(g).objects.get(pk=g.pk).status for g in groups)
    assert statuses == sorted([GroupStatus.APPROVED, GroupStatus.PLANNED])
