from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mppdesk.audit.models import AuditEntry
from mppdesk.core.errors import FieldErrors
from mppdesk.people.queries import get_person
from mppdesk.places.models import Shelter, ShelterNight
from mppdesk.transfers import queries, services
from mppdesk.transfers.models import Detention, GroupStatus, MovementKind, TransferMember
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db


def _plan(personas: Any, facility: Any, port: Any, day: dt.date, target: int = 100) -> Any:
    return services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port, date=day,
        target_size=target, version="2021",
    )  # fmt: skip


def test_plan_excludes_exempt_households_with_their_rule(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    ok = detain(personas.org, facility, 3)
    sick = detain(personas.org, facility, 2, vulnerabilities=[[], ["medical"]])
    mexican = detain(personas.org, facility, 1, nationality="MEX")
    group = _plan(personas, facility, port, tomorrow)
    members = {m.person_id: m for m in queries.group_members(group)}
    assert {p.pk for p in ok} == {pid for pid, m in members.items() if m.included}
    assert members[sick[1].pk].rule == "2021.health"
    assert members[sick[0].pk].rule == services.RULE_HOUSEHOLD
    assert "2021.health" in members[sick[0].pk].reason
    assert members[mexican[0].pk].rule == "2021.mexican_national"
    # Every exclusion names its rule and a reason.
    for member in members.values():
        assert member.included or (member.rule and member.reason)
    assert group.summary["included"] == 3
    assert queries.exclusions_by_rule(group) == {
        "2021.health": 1, "2021.mexican_national": 1, services.RULE_HOUSEHOLD: 1,
    }  # fmt: skip


def test_family_is_placed_in_one_shelter_and_left_out_for_capacity(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    big = detain(personas.org, facility, 7)  # no shelter takes 7 (6 and 4 places)
    five = detain(personas.org, facility, 5)
    four = detain(personas.org, facility, 4)
    alone = detain(personas.org, facility, 1)
    group = _plan(personas, facility, port, tomorrow)
    members = {m.person_id: m for m in queries.group_members(group)}
    assert all(members[p.pk].rule == "capacity" for p in big)
    assert {members[p.pk].shelter_id for p in five} == {small_shelters[0].pk}
    assert {members[p.pk].shelter_id for p in four} == {small_shelters[1].pk}
    assert members[alone[0].pk].shelter_id == small_shelters[0].pk
    seats = sorted(m.seat for m in members.values() if m.included)
    assert seats == list(range(1, 11))


def test_target_size_leaves_households_out_whole(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 3)
    detain(personas.org, facility, 3)
    group = _plan(personas, facility, port, tomorrow, target=4)
    members = queries.group_members(group)
    assert sum(m.included for m in members) == 3
    assert sorted(m.rule for m in members if not m.included) == ["target_size"] * 3


def test_lifecycle_reserves_and_moves(
    personas: Any, facility: Any, port: Any, small_shelters: Any, today: dt.date
) -> None:
    family = detain(personas.org, facility, 3)
    group = _plan(personas, facility, port, today)
    # Planned people are in no other group.
    second = _plan(personas, facility, port, today)
    assert second.summary["candidates"] == 0
    services.cancel_group(actor=personas.coordinator, group=second)
    group = services.approve_group(actor=personas.coordinator, group=group)
    assert group.status == GroupStatus.APPROVED
    night = ShelterNight.objects.get(shelter=small_shelters[0], date=today)
    assert night.occupied == 3
    assert ShelterNight.objects.filter(shelter=small_shelters[0]).count() == group.stay_nights
    with pytest.raises(FieldErrors) as exc:
        services.arrive_group(actor=personas.coordinator, group=group)
    assert "status" in exc.value.errors
    services.depart_group(actor=personas.coordinator, group=group)
    group = services.arrive_group(actor=personas.coordinator, group=group)
    assert group.status == GroupStatus.ARRIVED
    timeline = queries.person_movements(get_person(personas.coordinator, family[0].pk))
    kinds = [e.kind for e in timeline]
    assert kinds[-2:] == [MovementKind.RETURNED, MovementKind.AT_SHELTER]
    assert MovementKind.SCREENED in kinds
    assert timeline[-1].shelter_id == small_shelters[0].pk
    assert timeline[-2].port_id == port.pk
    assert not Detention.objects.filter(person=family[0], released_on__isnull=True).exists()
    assert not TransferMember.objects.filter(active=True).exists()
    actions = set(
        AuditEntry.objects.filter(
            object_type="transfer_group", object_id=str(group.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"create", "update"}


def test_cancel_approved_group_gives_places_back(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 4)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, tomorrow)
    )
    services.cancel_group(actor=personas.coordinator, group=group)
    assert set(ShelterNight.objects.values_list("occupied", flat=True)) == {0}
    with pytest.raises(FieldErrors):
        services.cancel_group(actor=personas.coordinator, group=group)


def test_approve_fails_whole_when_a_shelter_filled_meanwhile(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 5)
    first = _plan(personas, facility, port, tomorrow)
    other = detain(personas.org, facility, 4)
    second = _plan(personas, facility, port, tomorrow)  # plans against free places: 6 and 4
    assert {m.shelter_id for m in queries.group_members(second, included=True)} == {
        small_shelters[0].pk
    }
    services.approve_group(actor=personas.coordinator, group=first)
    with pytest.raises(FieldErrors) as exc:
        services.approve_group(actor=personas.coordinator, group=second)
    assert "shelter" in exc.value.errors
    second.refresh_from_db()
    assert second.status == GroupStatus.PLANNED
    assert ShelterNight.objects.get(shelter=small_shelters[0], date=tomorrow).occupied == 5
    assert len(other) == 4


def test_capacity_by_city_counts_approved_places(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 2)
    group = _plan(personas, facility, port, tomorrow)
    services.approve_group(actor=personas.coordinator, group=group)
    points = queries.capacity_by_city("Ciudad Juarez", tomorrow - dt.timedelta(days=1), tomorrow)
    assert [(p.capacity, p.occupied) for p in points] == [(10, 0), (10, 2)]


def test_caseworker_may_not_plan_and_outsider_gets_404(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 1)
    with pytest.raises(PermissionDenied):
        services.plan_group(
            actor=personas.caseworker, facilities=[facility], port=port, date=tomorrow,
            target_size=5,
        )  # fmt: skip
    group = _plan(personas, facility, port, tomorrow)
    with pytest.raises(Http404):
        queries.get_group(personas.outsider, group.pk)
    with pytest.raises(Http404):
        queries.get_group(personas.caseworker, group.pk)
    assert queries.get_group(personas.coordinator, group.pk) == group


def test_plan_input_errors_name_the_field(personas: Any, port: Any) -> None:
    with pytest.raises(FieldErrors) as exc:
        services.plan_group(
            actor=personas.coordinator, facilities=[], port=port,
            date=dt.date(2000, 1, 1), target_size=0, version="1999",
        )  # fmt: skip
    assert set(exc.value.errors) == {"facilities", "date", "target_size", "version"}


def test_shelter_capacity_edit_cannot_fall_below_places_taken(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    from mppdesk.places import services as place_services

    detain(personas.org, facility, 5)
    services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, tomorrow)
    )
    with pytest.raises(FieldErrors) as exc:
        place_services.update_shelter(
            actor=personas.coordinator, shelter=small_shelters[0], capacity=4
        )
    assert "capacity" in exc.value.errors
    shelter = place_services.update_shelter(
        actor=personas.coordinator, shelter=small_shelters[0], capacity=9
    )
    assert shelter.capacity == 9
    assert ShelterNight.objects.get(shelter=shelter, date=tomorrow).capacity == 9
    with pytest.raises(PermissionDenied):
        place_services.update_shelter(actor=personas.caseworker, shelter=shelter, capacity=10)
    assert Shelter.objects.get(pk=shelter.pk).capacity == 9
