"""Issue 11, "Do no harm": properties of the real planner over random rosters.

Random households (ages given by a full date of birth, a year of birth or not at all;
people held here, at another facility, released or never detained; exempt, in review
or not) are planned into a first group from the other facility and a second one from
this facility, under a random guidance version. Whatever the roster:

- no included person who may be under 18 on the transfer date travels without an
  included adult of their household in the same group;
- no household is split: its included members are in one group, and every member still
  held in detention is in that group too;
- nobody exempt or in review is included (exempt facts, a disability, no language, an
  indigenous language, no date of birth);
- the approval's final check agrees with the planner: a group just planned is approved.

The oracle is written here from the records, not with the engine's helpers. Few examples
(each builds and plans a roster in the database), so the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mppdesk.people.models import Household, HouseholdMember, Person, PersonLanguage
from mppdesk.places.models import DetentionFacility, Shelter
from mppdesk.screening import services as screening
from mppdesk.screening.models import ScreeningFacts
from mppdesk.transfers import services
from mppdesk.transfers.models import Detention, GroupStatus, TransferMember

DAY = dt.date(2030, 3, 15)
VERSIONS = ("2019", "2021", "current")
#: Facts that keep a person out under every version (exempt or review).
OUT = ("medical", "unaccompanied", "mexican", "disability", "mam", "silent", "fear")

person_strategy = st.fixed_dictionaries(
    {
        # Age on DAY; the birthday is ``days`` before DAY (negative: just after it, so
        # the person is a year younger on the day — 18 "by the year" but still 17).
        "age": st.one_of(st.none(), st.integers(0, 70), st.integers(16, 19)),
        "days": st.one_of(st.integers(-3, 3), st.integers(4, 300)),
        "year_only": st.booleans(),
        "where": st.sampled_from(["here", "here", "here", "there", "released", "nowhere"]),
        "trait": st.sampled_from(["none"] * 5 + list(OUT)),
    }
)


def _birth(age: int, days: int) -> dt.date:
    day = DAY - dt.timedelta(days=days)
    if (day.month, day.day) == (2, 29):
        day -= dt.timedelta(days=1)
    return dt.date(day.year - age, day.month, day.day)


def _make(
    org: Any, here: DetentionFacility, there: DetentionFacility, spec: dict[str, Any]
) -> Person:
    birth_date = birth_year = None
    if spec["age"] is not None:
        birth = _birth(spec["age"], spec["days"])
        if spec["year_only"]:
            birth_year = birth.year
        else:
            birth_date, birth_year = birth, birth.year
    trait = spec["trait"]
    person = Person(
        organization=org, given_names="N", family_names="P", birth_date=birth_date,
        birth_year=birth_year, nationality="MEX" if trait == "mexican" else "GTM",
        vulnerabilities={"medical": ["medical"], "unaccompanied": ["unaccompanied_child"],
                         "disability": ["disability"]}.get(trait, []),
    )  # fmt: skip
    person.save()
    if trait != "silent":
        PersonLanguage.objects.create(person=person, code="mam" if trait == "mam" else "spa")
    ScreeningFacts.objects.create(
        organization=org, person=person, fear_asked=True, fear_asked_at=timezone.now()
    )
    if trait == "fear":
        screening.record_interview(
            actor=None, person=person, version="2019", fear_how="volunteered",
            interview_at=timezone.now(), outcome="positive",
        )  # fmt: skip
    where = spec["where"]
    if where != "nowhere":
        Detention.objects.create(
            id=uuid.uuid4(), organization=org, person=person,
            facility=there if where == "there" else here,
            since=timezone.localdate() - dt.timedelta(days=30),
            released_on=timezone.localdate() if where == "released" else None,
        )  # fmt: skip
    return person


def _certain_adult(person: Person) -> bool:
    """18 or older on DAY for certain, from the record alone."""
    if "unaccompanied_child" in person.vulnerabilities:
        return False
    if person.birth_date is not None:
        b = person.birth_date
        return DAY.year - b.year - ((DAY.month, DAY.day) < (b.month, b.day)) >= 18
    if person.birth_year is not None:
        return DAY.year - person.birth_year >= 19  # the birthday may not have come yet
    return False


@pytest.mark.django_db
@given(
    households=st.lists(st.lists(person_strategy, min_size=1, max_size=4), min_size=1, max_size=7),
    version=st.sampled_from(VERSIONS),
    first_target=st.integers(min_value=0, max_value=10),
    target=st.integers(min_value=1, max_value=40),
)
@settings(
    max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
def test_random_rosters_never_send_a_child_alone_split_a_family_or_include_the_exempt(
    personas: Any, facility: Any, port: Any, households: list[list[dict[str, Any]]],
    version: str, first_target: int, target: int,
) -> None:  # fmt: skip
    org = personas.org
    there = DetentionFacility.objects.exclude(pk=facility.pk).order_by("code").first()
    assert there is not None
    with transaction.atomic():
        Shelter.objects.filter(city="Ciudad Juarez").update(active=False)
        Shelter.objects.create(code="p-big", name="Big", city="Ciudad Juarez", capacity=200)
        specs: dict[uuid.UUID, dict[str, Any]] = {}
        household_of: dict[uuid.UUID, Any] = {}
        for members in households:
            people = [_make(org, facility, there, spec) for spec in members]
            specs.update({p.pk: s for p, s in zip(people, members, strict=True)})
            key: Any = people[0].pk
            if len(people) > 1:
                household = Household.objects.create(organization=org, lead=people[0])
                HouseholdMember.objects.bulk_create(
                    HouseholdMember(household=household, person=p,
                                    relationship="lead" if i == 0 else "child")
                    for i, p in enumerate(people)
                )  # fmt: skip
                key = household.pk
            household_of.update({p.pk: key for p in people})
        groups = []
        if first_target:
            groups.append(
                services.plan_group(
                    actor=personas.coordinator,
                    facilities=[there],
                    port=port,
                    date=DAY,
                    target_size=first_target,
                    version=version,
                )
            )
        groups.append(
            services.plan_group(
                actor=personas.coordinator,
                facilities=[facility],
                port=port,
                date=DAY,
                target_size=target,
                version=version,
            )
        )
        people = {p.pk: p for p in Person.objects.filter(pk__in=list(specs))}
        held = set(
            Detention.objects.filter(released_on__isnull=True).values_list("person_id", flat=True)
        )
        group_of: dict[uuid.UUID, uuid.UUID] = {}
        for group in groups:
            included = set(
                TransferMember.objects.filter(group=group, included=True).values_list(
                    "person_id", flat=True
                )
            )
            for pid in included:
                assert pid not in group_of  # in one active group at most
                group_of[pid] = group.pk
                spec = specs[pid]
                # Nobody exempt or in review is included.
                assert spec["trait"] == "none", (version, spec)
                assert spec["age"] is not None, spec
                assert specs[pid]["where"] == ("there" if group is not groups[-1] else "here")
                # No child (or possible child) without an included adult of the household.
                if not _certain_adult(people[pid]):
                    assert any(
                        _certain_adult(people[q])
                        for q in included
                        if q != pid and household_of[q] == household_of[pid]
                    ), (version, spec)
            # The final gate agrees with the planner.
            assert services.group_problems(group) == {}
        # No household split: the included members of a household are in one group, and
        # every member still held is in it too.
        by_household: dict[Any, list[uuid.UUID]] = defaultdict(list)
        for pid, key in household_of.items():
            by_household[key].append(pid)
        for members in by_household.values():
            placed = {group_of[p] for p in members if p in group_of}
            assert len(placed) <= 1
            if placed:
                assert all(p in group_of for p in members if p in held)
        if any(g == groups[-1].pk for g in group_of.values()):
            approved = services.approve_group(actor=personas.coordinator, group=groups[-1])
            assert approved.status == GroupStatus.APPROVED
        transaction.set_rollback(True)
