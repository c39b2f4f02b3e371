"""Reads of transfer groups, rosters, movements and receiving capacity (access-checked).

Groups are readable where the user's role has ``transfer.read`` (coordinators and
administrators of the owning organization); another organization's group is a 404, the
same as a missing one. A movement timeline belongs to a person and is readable by whoever
may read that person (``people.queries.get_person``).

What the planner page needs:

- ``groups_for(user)``, ``get_group(user, pk)``: the groups, one group.
- ``group_members(group)``: members with person, facility and shelter loaded; included
  first in seat order, then the excluded ones.
- ``exclusions_by_rule(group)``: ``{rule: count}`` of the excluded members.
- ``shelter_load(group)``: ``[(shelter, people)]`` of the included members.
- ``detained_roster(user, facility_ids)``: active detentions at those facilities.
- ``facilities()``, ``shelters(city)``, ``receiving_cities()``.
- ``capacity_by_city(city, start, end)``: ``[CapacityPoint(date, capacity, occupied)]``
  for the chart.
- ``person_movements(person)``: the movements of a person already read through the
  viewer's scope (``people.queries.get_person``), oldest first;
  ``get_movements_for_view(actor, person_pk)`` reads the person and records the view.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.people import queries as people_queries
from mppdesk.places.models import DetentionFacility, Shelter, ShelterNight
from mppdesk.places.services import receiving_cities
from mppdesk.transfers.models import Detention, MovementEvent, TransferGroup, TransferMember

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

__all__ = [
    "CapacityPoint",
    "capacity_by_city",
    "detained_roster",
    "exclusions_by_rule",
    "facilities",
    "get_group",
    "get_movements_for_view",
    "group_members",
    "group_members_for_view",
    "groups_for",
    "may_manage",
    "person_movements",
    "receiving_cities",
    "shelter_load",
    "shelters",
]

MAX_CHART_DAYS = 731


def groups_for(user: User | None) -> QuerySet[TransferGroup]:
    org_ids = orgs_where(user, Action.TRANSFER_READ)
    return TransferGroup.objects.filter(organization_id__in=org_ids).select_related("port")


def get_group(user: User | None, pk: Any) -> TransferGroup:
    """The group if ``user`` may read it, else ``Http404`` (missing and denied alike)."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    group = groups_for(user).filter(pk=key).first()
    if group is None:
        raise Http404
    return group


#: What a read of a group (its candidates, who was excluded and why, the shelters) is
#: filed as, on every channel (web page, API).
GROUP_VIEW_FIELDS = ("members", "given_names", "family_names", "rule", "reason", "shelter")


def may_manage(user: User | None, organization_id: int | None = None) -> bool:
    """Whether ``user`` may plan and move transfer groups — in that organization, or
    (without one) in any of theirs."""
    return can(user, Action.TRANSFER_MANAGE, organization_id)


def group_members_for_view(actor: User | None, group: TransferGroup) -> list[TransferMember]:
    """The members of a group the caller has read (``get_group``), for display; records
    the read of the group in the audit log, the same entry on every channel."""
    members = group_members(group)
    audit.record_view(
        actor=actor, obj=group, object_type=ObjectType.TRANSFER_GROUP, fields=GROUP_VIEW_FIELDS
    )
    return members


def group_members(group: TransferGroup, *, included: bool | None = None) -> list[TransferMember]:
    rows = TransferMember.objects.filter(group=group).select_related(
        "person", "facility", "shelter"
    )
    if included is not None:
        rows = rows.filter(included=included)
    return list(rows.order_by("-included", "household_number", "seat", "rule", "id"))


def exclusions_by_rule(group: TransferGroup) -> dict[str, int]:
    counts = Counter(
        TransferMember.objects.filter(group=group, included=False).values_list("rule", flat=True)
    )
    return dict(sorted(counts.items()))


def shelter_load(group: TransferGroup) -> list[tuple[Shelter, int]]:
    counts = Counter(
        TransferMember.objects.filter(group=group, included=True).values_list(
            "shelter_id", flat=True
        )
    )
    found = Shelter.objects.in_bulk([k for k in counts if k is not None])
    return [(found[k], counts[k]) for k in sorted(found, key=lambda k: found[k].name)]


def detained_roster(user: User | None, facility_ids: Iterable[int]) -> QuerySet[Detention]:
    """Active detentions at these facilities that ``user`` may read."""
    return (
        Detention.objects.visible_to(user)
        .filter(facility_id__in=list(facility_ids), released_on__isnull=True)
        .select_related("person", "facility")
    )


def facilities(*, active_only: bool = False) -> QuerySet[DetentionFacility]:
    rows = DetentionFacility.objects.all()
    return rows.filter(active=True) if active_only else rows


def shelters(city: str | None = None) -> QuerySet[Shelter]:
    rows = Shelter.objects.all()
    return rows.filter(city=city) if city else rows


@dataclass(frozen=True)
class CapacityPoint:
    date: dt.date
    capacity: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)


def capacity_by_city(city: str, start: dt.date, end: dt.date) -> list[CapacityPoint]:
    """Per night from ``start`` to ``end`` (inclusive): the places of the city's active
    shelters and how many are taken by approved groups. Program data, no personal data."""
    if end < start:
        return []
    end = min(end, start + dt.timedelta(days=MAX_CHART_DAYS - 1))
    active = {s.pk: s.capacity for s in Shelter.objects.filter(city=city, active=True)}
    nights: dict[dt.date, dict[int, tuple[int, int]]] = defaultdict(dict)
    for shelter_id, date, capacity, occupied in ShelterNight.objects.filter(
        shelter_id__in=list(active), date__gte=start, date__lte=end
    ).values_list("shelter_id", "date", "capacity", "occupied"):
        nights[date][shelter_id] = (capacity, occupied)
    points: list[CapacityPoint] = []
    day = start
    while day <= end:
        rows = nights.get(day, {})
        capacity = sum(rows.get(sid, (cap, 0))[0] for sid, cap in active.items())
        occupied = sum(rows.get(sid, (0, 0))[1] for sid in active)
        points.append(CapacityPoint(date=day, capacity=capacity, occupied=occupied))
        day += dt.timedelta(days=1)
    return points


#: What a read of a person's movements is filed as, on every channel (web, API).
MOVEMENTS_OBJECT_TYPE = ObjectType.PERSON
MOVEMENTS_FIELDS = ["movements"]


def get_movements_for_view(
    actor: User | None,
    person_pk: Any,
    *,
    within: Callable[[Person], Person] | None = None,
) -> tuple[Person, list[MovementEvent]]:
    """The person (``Http404`` if not visible) and their movements, oldest first; records
    the read in the audit log as a view of the person's movements — the same entry
    whether the web page or the API asked. ``within`` narrows visibility further before
    anything is recorded (an API token's organization)."""
    person = people_queries.get_person(actor, person_pk)
    if within is not None:
        person = within(person)
    events = person_movements(person)
    audit.record_view(
        actor=actor, obj=person, object_type=MOVEMENTS_OBJECT_TYPE, fields=MOVEMENTS_FIELDS
    )
    return person, events


def person_movements(person: Person) -> list[MovementEvent]:
    """The movements of a person the caller has already read through
    ``people.queries.get_person`` (so visible to the user), oldest first."""
    return list(
        MovementEvent.objects.filter(person=person)
        .select_related("facility", "port", "shelter", "group")
        .order_by("at", "created_at")
    )
