"""Demo dockets and hearings, on top of ``people.demo.load_demo``.

``add_demo_dockets_and_hearings()`` gives every seeded venue weekly docket templates,
generates its dockets from four weeks ago to eight weeks ahead, and puts about a third
of the demo cases still in proceedings on them, so that the scheduler has pending cases
left. Some hearings are in the past with outcomes: appeared and continued to a new
date, appeared, failed to appear, and a few removal orders in absentia (each with its
follow-up). Some were rescheduled. Notices use addresses that show the evidence
packet's address check: served in person, a shelter, "Facebook".

The coordinator (``coordinator``, program-wide) schedules; each organization's case
worker records notices and outcomes. Calling it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.cases.models import Case
    from mppdesk.hearings.models import Docket
    from mppdesk.places.models import Venue

SEED = 20260128
WEEKS_BACK = 4
WEEKS_AHEAD = 8
SHARE_SCHEDULED = 3  # one case in three gets hearings
SCHEDULER = "coordinator"
RECORDERS = {"demo-legal-aid": "caseworker.legal", "demo-shelters": "caseworker.shelter"}

#: (weekday, session, courtroom, capacity, interpreter languages). Courtroom 2 has the
#: rarer languages' interpreters (Haitian Creole, K'iche', Mam) as well as Spanish.
WEEKLY = [
    (weekday, session, courtroom, capacity, languages)
    for weekday in (0, 1, 2, 3)
    for session, capacity in (("am", 30), ("pm", 20))
    for courtroom, languages in (("1", ["spa", "por"]), ("2", ["spa", "hat", "quc", "mam"]))
]
#: Tent courts ("soft-sided hearing facilities") sat many more people a day.
LARGE_VENUES = {"laredo-immigration-hearing-facility", "brownsville-immigration-hearing-facility"}

STORIES = (
    "ahead", "in_absentia", "continued", "rescheduled", "ahead",
    "appeared", "absent", "ahead", "continued", "ahead",
)  # fmt: skip

SHELTER_ADDRESS = "Albergue Casa del Migrante, {city}"
FACEBOOK_ADDRESS = "Facebook"
#: Shelters of another city (``shelters.csv``): notices that could not reach the person.
FAR_SHELTERS = {"Nogales": "Albergue Juventud 2000"}
FAR_SHELTER_ADDRESS = "Albergue San Juan Bosco"  # Nogales


@dataclass(frozen=True)
class DemoHearings:
    templates: int
    dockets: int
    hearings: int
    follow_ups: int


def _templates(venue: Venue) -> int:
    from mppdesk.hearings import dockets as docket_services

    made = 0
    for weekday, session, courtroom, capacity, languages in WEEKLY:
        size = capacity * 2 if venue.code in LARGE_VENUES else capacity
        docket_services.create_template(
            actor=None,
            venue=venue,
            weekday=weekday,
            session=session,
            courtroom=courtroom,
            capacity=size,
            judge=f"IJ {venue.city} {courtroom}",
            interpreter_languages=languages,
        )
        made += 1
    return made


class _Dockets:
    """Picks a docket with room and an interpreter, at a venue, in a span of weeks."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, case: Case, language: str, first: dt.date, last: dt.date) -> Docket | None:
        from mppdesk.hearings import hearing_services
        from mppdesk.hearings.models import Docket

        people = hearing_services.people_on(case)
        candidates = [
            d
            for d in Docket.objects.filter(venue=case.venue, date__gte=first, date__lte=last)
            if d.capacity - d.booked >= people
            and (not language or language == "eng" or language in d.interpreter_languages)
        ]
        return self.rng.choice(candidates) if candidates else None


def _served(at: dt.datetime, hours: int) -> dt.datetime:
    return min(at - dt.timedelta(hours=hours), timezone.now())


def add_demo_dockets_and_hearings(seed: int = SEED) -> DemoHearings:
    """Templates, dockets and hearings for the demo (see the module docstring); returns
    what was created (all zero if the demo is missing or this already ran)."""
    from mppdesk.accounts.models import User
    from mppdesk.cases.models import Case, CaseStatus
    from mppdesk.hearings import dockets as docket_services
    from mppdesk.hearings.models import DocketTemplate, InAbsentiaFollowUp
    from mppdesk.hearings.times import utc_today
    from mppdesk.places.models import Venue

    coordinator = User.objects.filter(username=SCHEDULER).first()
    recorders = {
        slug: User.objects.filter(username=name).first() for slug, name in RECORDERS.items()
    }
    if coordinator is None or DocketTemplate.objects.exists():
        return DemoHearings(0, 0, 0, 0)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    today = utc_today()
    start = today - dt.timedelta(weeks=WEEKS_BACK)
    end = today + dt.timedelta(weeks=WEEKS_AHEAD)
    templates = dockets = hearings = 0
    with transaction.atomic():
        for venue in Venue.objects.order_by("name"):
            templates += _templates(venue)
            dockets += docket_services.generate_dockets(
                actor=coordinator, venue=venue, start=start, end=end
            ).created
        cases = list(
            Case.objects.filter(
                organization__slug__in=list(RECORDERS),
                status__in=[CaseStatus.INTAKE, CaseStatus.ACTIVE],
                venue__isnull=False,
            )
            .select_related("organization", "port")
            .order_by("created_at", "id")
        )
        chosen = [c for index, c in enumerate(cases) if index % SHARE_SCHEDULED == 0]
        picker = _Dockets(rng)
        for index, case in enumerate(chosen):
            recorder = recorders.get(case.organization.slug)
            hearings += _scenario(index, case, coordinator, recorder, picker, today)
        follow_ups = InAbsentiaFollowUp.objects.count()
    return DemoHearings(templates, dockets, hearings, follow_ups)


def _scenario(
    index: int,
    case: Case,
    coordinator: User,
    recorder: User | None,
    picker: _Dockets,
    today: dt.date,
) -> int:
    """One case's story; returns how many hearings it created."""
    from mppdesk.hearings import hearing_services, notice_services, times
    from mppdesk.hearings import outcomes as outcome_services
    from mppdesk.hearings.models import NoticeMethod, Outcome

    language = notice_services.case_language(case)
    city = case.port.mexican_city if case.port else ""
    # Ten stories in turn; the rarer ones come early so that a small demo has them too.
    story = STORIES[index % len(STORIES)]
    past = story in ("in_absentia", "continued", "appeared", "absent")
    first, last = (
        (today - dt.timedelta(weeks=WEEKS_BACK), today - dt.timedelta(days=1))
        if past
        else (today + dt.timedelta(days=10), today + dt.timedelta(weeks=WEEKS_AHEAD))
    )
    docket = picker.pick(case, language, first, last)
    if docket is None:
        return 0
    scheduled_at = times.scheduled_time(docket)
    # The first notice: handed over in person at the port (the NTA and its tear sheet),
    # about two months before, or sent to an address that cannot reach the person.
    address, method = "", NoticeMethod.IN_PERSON
    if story == "in_absentia" and index % 20 == 1:
        address, method = FACEBOOK_ADDRESS, NoticeMethod.MAIL
    elif story == "in_absentia":
        address = FAR_SHELTERS.get(city, FAR_SHELTER_ADDRESS)
        method = NoticeMethod.SHELTER
    hearing = hearing_services.schedule_hearing(
        actor=coordinator,
        case=case,
        docket=docket,
        method=method,
        address=address,
        served_at=_served(scheduled_at, 24 * 60) if method == NoticeMethod.IN_PERSON else None,
        allow_past=True,
    )
    made = 1
    writer = recorder
    if story == "continued":
        # The person came and the judge continued the case to a date handed over there.
        next_docket = picker.pick(
            case, language, today + dt.timedelta(days=10), today + dt.timedelta(weeks=WEEKS_AHEAD)
        )
        if next_docket is None:
            outcome_services.record_outcome(actor=writer, hearing=hearing, outcome=Outcome.APPEARED)
        else:
            hearing_services.continue_hearing(
                actor=coordinator,
                hearing=hearing,
                new_docket=next_docket,
                reason="Tiempo para buscar representación legal.",
                served_at=_served(scheduled_at, -2),
            )
            made += 1
    elif story == "appeared":
        outcome_services.record_outcome(actor=writer, hearing=hearing, outcome=Outcome.APPEARED)
    elif story == "in_absentia":
        outcome_services.record_outcome(
            actor=writer,
            hearing=hearing,
            outcome=Outcome.FAILED_TO_APPEAR,
            in_absentia_order=True,
            notes="Revisar si la notificación llegó; posible moción de reapertura.",
        )
    elif story == "absent":
        outcome_services.record_attendance(
            actor=writer, docket=docket, outcomes={hearing.pk: Outcome.FAILED_TO_APPEAR}
        )
    elif story == "rescheduled":
        new_docket = picker.pick(
            case, language, today + dt.timedelta(days=10), today + dt.timedelta(weeks=WEEKS_AHEAD)
        )
        if new_docket is not None and new_docket.pk != docket.pk:
            hearing_services.reschedule(
                actor=coordinator,
                hearing=hearing,
                new_docket=new_docket,
                reason="La jueza no está disponible ese día.",
                method=NoticeMethod.SHELTER,
                address=SHELTER_ADDRESS.format(city=city) if city else "",
            )
            made += 1
    return made
