"""Demo and benchmark data for transfers: facilities, shelters and a detained roster.

Nothing here is a real person (names from Faker's es_MX, pt_BR and fr_FR locales).
``build_roster`` writes people, households, detentions and screening facts in bulk (the
benchmark builds 5,000 people with it); ``add_demo_transfers`` seeds the reference places
and about 60 detained people at El Paso SPC for the demo coordinator organization, plus
two children nobody flagged as unaccompanied (``add_unaccompanied_children``): the
planner leaves both out with the rule ``<version>.unaccompanied_child``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mppdesk.core.clocks import utc_today
from mppdesk.core.registry import DemoContext, register_demo_loader

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.places.models import DetentionFacility
    from mppdesk.transfers.models import TransferGroup

DEMO_FACILITY = "el-paso-service-processing-center"
DEMO_ORG = "demo-coordinator"
DEMO_SEED = 20260128
#: Languages and nationalities of the synthetic roster (shares as in people.demo).
PROFILES = (
    ("spa", "HND", "es_MX", 0.30),
    ("spa", "GTM", "es_MX", 0.22),
    ("spa", "SLV", "es_MX", 0.12),
    ("spa", "CUB", "es_MX", 0.12),
    ("spa", "VEN", "es_MX", 0.10),
    ("spa", "NIC", "es_MX", 0.07),
    ("por", "BRA", "pt_BR", 0.04),
    ("hat", "HTI", "fr_FR", 0.03),
)


@dataclass(frozen=True)
class RosterResult:
    people: list[uuid.UUID]
    households: int


def seed_places() -> None:
    from mppdesk.places.models import DetentionFacility, Shelter
    from mppdesk.places.seed import seed_transfer_places

    seed_transfer_places(DetentionFacility, Shelter)


def household_sizes(rng: random.Random, people: int) -> list[int]:
    """Sizes summing to ``people``: about half alone, the rest families of 2 to 6."""
    sizes: list[int] = []
    left = people
    while left > 0:
        size = 1 if rng.random() < 0.45 else rng.choice((2, 2, 3, 3, 4, 5, 6))
        size = min(size, left)
        sizes.append(size)
        left -= size
    return sizes


def build_roster(
    *,
    organization: Organization,
    facility: DetentionFacility,
    people: int,
    seed: int = DEMO_SEED,
    exempt_share: float = 0.08,
    fear_share: float = 0.05,
) -> RosterResult:
    """Bulk-create ``people`` detained people in households at ``facility``.

    About ``exempt_share`` of them carry a fact that an amenability rule catches (a
    medical condition, pregnancy, a criminal-history flag, indigenous, LGBTQ), and about
    ``fear_share`` expressed fear with the interview pending; everyone was asked the fear
    question. For demos and benchmarks only: it writes no audit entries.
    """
    from faker import Faker

    from mppdesk.people.models import Household, HouseholdMember, Person, PersonLanguage
    from mppdesk.people.services import reindex_person
    from mppdesk.screening.models import ScreeningFacts
    from mppdesk.transfers.models import Detention, MovementEvent, MovementKind

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    faker = Faker(["es_MX", "pt_BR", "fr_FR"])
    faker.seed_instance(seed)
    today = utc_today()
    now = timezone.now()
    weights = [p[3] for p in PROFILES]
    person_rows: list[Person] = []
    languages: list[PersonLanguage] = []
    households: list[Household] = []
    members: list[HouseholdMember] = []
    detentions: list[Detention] = []
    facts: list[ScreeningFacts] = []
    events: list[MovementEvent] = []
    for size in household_sizes(rng, people):
        language, nationality, locale, _w = rng.choices(PROFILES, weights=weights)[0]
        fake = faker[locale]
        family = f"{fake.last_name()} {fake.last_name()}" if language == "spa" else fake.last_name()
        since = today - dt.timedelta(days=rng.randint(2, 60))
        group: list[tuple[Person, str]] = []
        for index in range(size):
            adult = index < 2 or size == 1
            age = rng.randint(19, 58) if adult else rng.randint(1, 16)
            sex = rng.choice("FM") if index else rng.choice("FFM")
            vulnerabilities: list[str] = [] if adult else ["child"]
            flags: list[str] = []
            if rng.random() < exempt_share:
                pick = rng.choice(("medical", "pregnant", "criminal", "indigenous", "lgbtq"))
                if pick == "criminal":
                    flags.append("criminal_history")
                elif pick == "pregnant" and sex == "F" and adult:
                    vulnerabilities.append("pregnant")
                elif pick != "pregnant":
                    vulnerabilities.append(pick)
            birth = today.replace(year=today.year - age) - dt.timedelta(days=rng.randint(1, 300))
            person = Person(
                id=uuid.uuid4(),
                organization=organization,
                given_names=fake.first_name_female() if sex == "F" else fake.first_name_male(),
                family_names=family,
                birth_date=birth,
                birth_year=birth.year,
                sex=sex,
                nationality=nationality,
                vulnerabilities=vulnerabilities,
            )
            person_rows.append(person)
            relationship = "lead" if index == 0 else ("spouse" if adult else "child")
            group.append((person, relationship))
            languages.append(PersonLanguage(person=person, code=language, preferred=True))
            detentions.append(
                Detention(
                    id=uuid.uuid4(),
                    organization=organization,
                    person=person,
                    facility=facility,
                    since=since,
                    roster_id=f"EPC-{rng.randint(100000, 999999)}",
                )  # fmt: skip
            )
            fear = rng.random() < fear_share
            facts.append(
                ScreeningFacts(
                    id=uuid.uuid4(),
                    organization=organization,
                    person=person,
                    flags=flags,
                    fear_asked=True,
                    fear_asked_at=now,
                    fear_expressed=fear,
                    fear_expressed_at=now if fear else None,
                    fear_how="asked" if fear else "",
                )  # fmt: skip
            )
            events.append(
                MovementEvent(
                    id=uuid.uuid4(),
                    organization=organization,
                    person=person,
                    kind=MovementKind.DETAINED,
                    facility=facility,
                    at=timezone.make_aware(dt.datetime.combine(since, dt.time(12))),
                )  # fmt: skip
            )
        if size > 1:
            household = Household(id=uuid.uuid4(), organization=organization, lead=group[0][0])
            households.append(household)
            members.extend(
                HouseholdMember(household=household, person=p, relationship=r) for p, r in group
            )
    with transaction.atomic():
        Person.objects.bulk_create(person_rows, batch_size=500)
        PersonLanguage.objects.bulk_create(languages, batch_size=1000)
        Household.objects.bulk_create(households, batch_size=1000)
        HouseholdMember.objects.bulk_create(members, batch_size=1000)
        Detention.objects.bulk_create(detentions, batch_size=1000)
        ScreeningFacts.objects.bulk_create(facts, batch_size=1000)
        MovementEvent.objects.bulk_create(events, batch_size=1000)
        for person in person_rows:
            reindex_person(person)
    return RosterResult(people=[p.pk for p in person_rows], households=len(households))


def add_unaccompanied_children(
    *, organization: Organization, facility: DetentionFacility, seed: int = DEMO_SEED
) -> list[uuid.UUID]:
    """Two unlucky children detained at ``facility``, neither flagged "unaccompanied":
    a 12-year-old registered alone, and a 10-year-old whose mother, of the same
    household, was released from detention three days ago. Returns their ids (the
    children's, then the mother's). For demos only: no audit entries."""
    from faker import Faker

    from mppdesk.people.models import Household, HouseholdMember, Person, PersonLanguage
    from mppdesk.people.services import reindex_person
    from mppdesk.screening.models import ScreeningFacts
    from mppdesk.transfers.models import Detention, MovementEvent, MovementKind

    faker = Faker("es_MX")
    faker.seed_instance(seed + 1)
    today = utc_today()
    now = timezone.now()

    def born(years: int) -> dt.date:
        return today.replace(year=today.year - years, day=1) - dt.timedelta(days=40)

    family = f"{faker.last_name()} {faker.last_name()}"
    lone = Person(given_names=faker.first_name_female(), birth_date=born(12), sex="F",
                  family_names=f"{faker.last_name()} {faker.last_name()}")  # fmt: skip
    son = Person(given_names=faker.first_name_male(), birth_date=born(10), sex="M",
                 family_names=family)  # fmt: skip
    mother = Person(given_names=faker.first_name_female(), birth_date=born(33), sex="F",
                    family_names=family)  # fmt: skip
    since = today - dt.timedelta(days=21)
    with transaction.atomic():
        for person in (lone, son, mother):
            person.organization = organization
            person.birth_year = person.birth_date.year if person.birth_date else None
            person.nationality = "HND"
            person.vulnerabilities = [] if person is mother else ["child"]
            person.save()
            reindex_person(person)
            PersonLanguage.objects.create(person=person, code="spa", preferred=True)
            ScreeningFacts.objects.create(
                organization=organization, person=person, fear_asked=True, fear_asked_at=now
            )
            Detention.objects.create(
                id=uuid.uuid4(), organization=organization, person=person, facility=facility,
                since=since, released_on=today - dt.timedelta(days=3) if person is mother else None,
            )  # fmt: skip
            MovementEvent.objects.create(
                organization=organization, person=person, kind=MovementKind.DETAINED,
                facility=facility, at=timezone.make_aware(dt.datetime.combine(since, dt.time(12))),
            )  # fmt: skip
        household = Household.objects.create(organization=organization, lead=mother)
        HouseholdMember.objects.create(household=household, person=mother, relationship="lead")
        HouseholdMember.objects.create(household=household, person=son, relationship="child")
    return [lone.pk, son.pk, mother.pk]


def add_demo_transfers(people: int = 60) -> RosterResult | None:
    """Seed facilities and shelters, and ``people`` detained at El Paso SPC for the demo
    coordinator organization with two children no adult of theirs travels with
    (``add_unaccompanied_children``) — once: nothing happens when it already has
    detentions."""
    from mppdesk.accounts.models import Organization
    from mppdesk.places.models import DetentionFacility
    from mppdesk.transfers.models import Detention

    seed_places()
    if people <= 0:
        return None
    org = Organization.objects.filter(slug=DEMO_ORG).first()
    facility = DetentionFacility.objects.filter(code=DEMO_FACILITY).first()
    if org is None or facility is None or Detention.objects.filter(organization=org).exists():
        return None
    roster = build_roster(organization=org, facility=facility, people=people)
    add_unaccompanied_children(organization=org, facility=facility)
    return roster


#: The demo's transfer groups, one in each state: (status, days from today, target size).
#: Planned in this order so the people of the finished groups are no longer candidates.
GROUP_STORIES = (
    ("arrived", 0, 8),
    ("departed", 0, 8),
    ("approved", 3, 8),
    ("cancelled", 5, 6),
    ("planned", 7, 10),
)
GROUP_PORT = "el-paso"
COORDINATOR = "coordinator"


def add_demo_groups(*, coordinator: User, today: dt.date) -> dict[str, TransferGroup]:
    """One transfer group in each state (planned, approved, departed, arrived, cancelled)
    from El Paso SPC back through El Paso to Ciudad Juárez, each moved through the
    services as the coordinator would; returns them by status. Groups that find nobody
    to include are left out."""
    from mppdesk.accounts.models import Organization
    from mppdesk.places.models import DetentionFacility, Port
    from mppdesk.transfers import services
    from mppdesk.transfers.models import TransferGroup

    org = Organization.objects.filter(slug=DEMO_ORG).first()
    facility = DetentionFacility.objects.filter(code=DEMO_FACILITY).first()
    port = Port.objects.filter(code=GROUP_PORT).first()
    if org is None or facility is None or port is None:
        return {}
    if TransferGroup.objects.filter(organization=org).exists():
        return {}
    groups: dict[str, TransferGroup] = {}
    for status, days, size in GROUP_STORIES:
        group = services.plan_group(
            actor=coordinator, organization=org, facilities=[facility], port=port,
            date=today + dt.timedelta(days=days), target_size=size,
        )  # fmt: skip
        if not group.members.filter(included=True).exists():
            continue
        if status == "cancelled":
            group = services.cancel_group(actor=coordinator, group=group)
        elif status != "planned":
            group = services.approve_group(actor=coordinator, group=group)
            if status in ("departed", "arrived"):
                group = services.depart_group(actor=coordinator, group=group)
            if status == "arrived":
                group = services.arrive_group(actor=coordinator, group=group)
        groups[status] = group
    return groups


@register_demo_loader("transfers", order=400)
def load_transfers(context: DemoContext) -> RosterResult | None:
    """Facilities and shelters; ``context.detained`` people held at El Paso SPC, and
    transfer groups of them in every state."""
    roster = add_demo_transfers(people=context.detained)
    coordinator = context.user(COORDINATOR)
    if roster is not None and coordinator is not None:
        context.shared["transfer_groups"] = add_demo_groups(
            coordinator=coordinator, today=utc_today()
        )
    return roster


def facility_by_code(code: str) -> DetentionFacility:
    from mppdesk.places.models import DetentionFacility

    return DetentionFacility.objects.get(code=code)


__all__: Sequence[str] = (
    "add_demo_groups",
    "add_demo_transfers",
    "add_unaccompanied_children",
    "build_roster",
    "household_sizes",
    "load_transfers",
    "seed_places",
)
