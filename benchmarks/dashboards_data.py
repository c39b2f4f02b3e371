"""Add a large synthetic population to a loaded demo database, for
``benchmarks.dashboards_bench``: ``--people`` people (Faker names, 2.5 a household), a
case per household in intake or in proceedings, and a hearing with an outcome for half of
the cases, spread over the 52 weeks before today. Rows go in with ``bulk_create``
(encrypted fields are encrypted as usual); blind indexes and name tokens are not built —
the statistics read none of them.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m benchmarks.dashboards_data --people 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import time

from benchmarks.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.db import transaction
    from django.utils import timezone
    from faker import Faker

    from mppdesk.accounts.models import Organization
    from mppdesk.cases.models import Case, CaseMember, CaseStatus
    from mppdesk.hearings.models import Docket, Hearing, HearingStatus, Outcome
    from mppdesk.people.models import Household, HouseholdMember, Person
    from mppdesk.places.models import Port

    rng = random.Random(args.seed)
    fake = Faker(["es_MX", "pt_BR", "fr_FR"])
    Faker.seed(args.seed)
    orgs = list(Organization.objects.all()[:3])
    ports = list(Port.objects.exclude(venue=None))
    for model in (Person, Household, Case, Hearing):
        model._meta.get_field("created_at").auto_now_add = False
    now = timezone.now()
    start = time.perf_counter()

    def moment() -> dt.datetime:
        return now - dt.timedelta(days=rng.randrange(364), hours=rng.randrange(24))

    outcomes: list[str] = [str(Outcome.APPEARED)] * 5 + [str(Outcome.FAILED_TO_APPEAR)] * 3
    outcomes += [Outcome.CONTINUED, Outcome.REMOVAL_IN_ABSENTIA, ""]
    batch = 10_000
    dockets: dict[tuple[int | None, dt.date], Docket] = {}
    numbers = itertools.count(300_000_000)
    made = 0
    while made < args.people:
        n = min(batch, args.people - made)
        with transaction.atomic():
            people = [
                Person(
                    organization=rng.choice(orgs),
                    given_names=fake.first_name(),
                    family_names=fake.last_name(),
                    birth_year=rng.randrange(1950, 2024),
                    sex=rng.choice("FM"),
                    nationality=rng.choice(["HND", "GTM", "SLV", "CUB", "VEN", "NIC", "BRA"]),
                    created_at=moment(),
                )
                for _ in range(n)
            ]
            Person.objects.bulk_create(people, batch_size=2000)
            households, members, cases, case_members, hearings = [], [], [], [], []
            new_dockets: list[Docket] = []
            for i in range(0, n, 5):
                group = people[i : i + 5]
                for part in (group[:2], group[2:]):
                    if not part:
                        continue
                    lead = part[0]
                    port = rng.choice(ports)
                    household = Household(
                        organization=lead.organization, lead=lead, port=port,
                        created_at=lead.created_at,
                    )  # fmt: skip
                    households.append(household)
                    for j, person in enumerate(part):
                        members.append(
                            HouseholdMember(
                                household=household,
                                person=person,
                                relationship="lead" if j == 0 else "child",
                            )  # fmt: skip
                        )
                    opened = timezone.localtime(lead.created_at).date()
                    case = Case(
                        organization=lead.organization, lead=lead, port=port, venue=port.venue,
                        a_number=f"{next(numbers):09d}",
                        status=rng.choice([CaseStatus.INTAKE, CaseStatus.ACTIVE]),
                        opened_on=opened,
                        created_at=lead.created_at,
                    )  # fmt: skip
                    cases.append(case)
                    case_members += [
                        CaseMember(case=case, person=p, role="lead" if p is lead else "member")
                        for p in part
                    ]
                    if rng.random() < 0.5:
                        day = opened + dt.timedelta(days=rng.randrange(20, 200))
                        key = (port.venue_id, day)
                        if key not in dockets:
                            dockets[key] = Docket(
                                venue=port.venue, date=day, session="am", courtroom="bench",
                                capacity=500, interpreter_languages=["spa"], starts_at=dt.time(8),
                            )  # fmt: skip
                            new_dockets.append(dockets[key])
                        at = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
                        hearings.append(
                            Hearing(
                                organization=case.organization,
                                case=case,
                                docket=dockets[key],
                                scheduled_at=at,
                                port=port,
                                status=HearingStatus.SCHEDULED,
                                outcome=rng.choice(outcomes),
                                created_at=case.created_at,
                            )  # fmt: skip
                        )
            Household.objects.bulk_create(households, batch_size=2000)
            HouseholdMember.objects.bulk_create(members, batch_size=2000)
            Case.objects.bulk_create(cases, batch_size=2000)
            CaseMember.objects.bulk_create(case_members, batch_size=2000)
            Docket.objects.bulk_create(new_dockets, batch_size=2000)
            Hearing.objects.bulk_create(hearings, batch_size=2000)
        made += n
        print(f"{made} people, {time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
