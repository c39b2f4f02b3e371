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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mppdesk.core.errors import FieldErrors
from mppdesk.core.registry import DemoContext, register_demo_loader

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.cases.models import Case
    from mppdesk.hearings.models import Docket, ScheduleProposal
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
    "ahead", "in_absentia", "continued", "rescheduled", "this_week",
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


def add_demo_dockets_and_hearings(
    seed: int = SEED, past_outcomes: Mapping[Any, str] | None = None
) -> DemoHearings:
    """Templates, dockets and hearings for the demo (see the module docstring); returns
    what was created (all zero if the demo is missing or this already ran).

    ``past_outcomes`` (case id -> "in_absentia", "decided" or "closed", from
    ``people.demo``) are cases of earlier program versions, still "active": each gets
    the hearing that ended it, on a docket some months after the case was opened, so
    every outcome has its hearing."""
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
        past = _past_hearings(past_outcomes or {}, coordinator, recorders, rng, today)
        dockets += past.dockets
        hearings += past.hearings
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
    from mppdesk.hearings.times import court_today

    language = notice_services.case_language(case)
    city = case.port.mexican_city if case.port else ""
    # Ten stories in turn; the rarer ones come early so that a small demo has them too.
    story = STORIES[index % len(STORIES)]
    past = story in ("in_absentia", "continued", "appeared", "absent")
    monday = today - dt.timedelta(days=today.weekday())
    first, last = (
        (today - dt.timedelta(weeks=WEEKS_BACK), today - dt.timedelta(days=1))
        if past
        else (monday, monday + dt.timedelta(days=6))
        if story == "this_week"
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
    elif story == "appeared" or (story == "this_week" and docket.date < court_today(docket.venue)):
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


# --- cases of earlier program versions -----------------------------------------------------

#: Every interpreter a past docket may need (the demo's languages).
PAST_LANGUAGES = ["spa", "por", "hat", "quc", "mam"]
#: A past case's hearing: this many days after it was opened (drawn), and at least this
#: many days ago.
PAST_DELAY = (60, 240)
PAST_MARGIN = 30
PAST_DECISIONS = ("relief_granted", "removal_ordered", "removal_ordered", "voluntary_departure")
PAST_CLOSINGS = ("terminated", "dismissed")


@dataclass(frozen=True)
class PastHearings:
    dockets: int
    hearings: int


def _past_docket(
    venue: Venue, day: dt.date, coordinator: User, made: dict[tuple[int, dt.date], Docket]
) -> Docket | None:
    """A morning docket at ``venue`` on the first court day (Monday to Thursday, no
    holiday) from ``day`` on; one per venue and day."""
    from mppdesk.hearings import dockets as docket_services

    for _ in range(14):
        if day.weekday() < 4:
            key = (venue.pk, day)
            if key in made:
                return made[key]
            try:
                made[key] = docket_services.create_docket(
                    actor=coordinator, venue=venue, date=day, session="am", courtroom="1",
                    capacity=60, judge=f"IJ {venue.city} 1", interpreter_languages=PAST_LANGUAGES,
                )  # fmt: skip
                return made[key]
            except FieldErrors:
                pass  # a holiday or closure: try the next day
        day += dt.timedelta(days=1)
    return None


def _past_hearings(
    past_outcomes: Mapping[Any, str],
    coordinator: User,
    recorders: Mapping[str, User | None],
    rng: random.Random,
    today: dt.date,
) -> PastHearings:
    """The hearing that ended each case of ``past_outcomes`` (see
    ``add_demo_dockets_and_hearings``)."""
    from mppdesk.cases import services as case_services
    from mppdesk.cases.models import Case, CaseStatus
    from mppdesk.hearings import hearing_services, times
    from mppdesk.hearings import outcomes as outcome_services
    from mppdesk.hearings.models import NoticeMethod, Outcome

    made: dict[tuple[int, dt.date], Docket] = {}
    hearings = 0
    cases = (
        Case.objects.filter(pk__in=list(past_outcomes), status=CaseStatus.ACTIVE)
        .exclude(venue=None)
        .select_related("organization", "venue")
        .order_by("created_at", "id")
    )
    for case in cases:
        recorder = recorders.get(case.organization.slug)
        opened = case.opened_on or today
        day = min(
            opened + dt.timedelta(days=rng.randint(*PAST_DELAY)),
            today - dt.timedelta(days=PAST_MARGIN),
        )
        assert case.venue is not None  # noqa: S101 - filtered above
        docket = _past_docket(case.venue, max(day, opened), coordinator, made)
        if docket is None or recorder is None:
            continue
        scheduled_at = times.scheduled_time(docket)
        opened_at = timezone.make_aware(dt.datetime.combine(opened, dt.time(12)))
        hearing = hearing_services.schedule_hearing(
            actor=coordinator, case=case, docket=docket, method=NoticeMethod.IN_PERSON,
            served_at=max(opened_at, scheduled_at - dt.timedelta(days=45)), allow_past=True,
        )  # fmt: skip
        hearings += 1
        outcome = past_outcomes[case.pk]
        if outcome == "in_absentia":
            outcome_services.record_outcome(
                actor=recorder, hearing=hearing, outcome=Outcome.FAILED_TO_APPEAR,
                in_absentia_order=True,
                notes="Revisar si la notificación llegó; posible moción de reapertura.",
            )  # fmt: skip
            continue
        choices = PAST_DECISIONS if outcome == "decided" else PAST_CLOSINGS
        outcome_services.record_outcome(
            actor=recorder, hearing=hearing, outcome=rng.choice(choices)
        )
        if outcome == "closed":
            case_services.update_case(actor=recorder, case=case, status=CaseStatus.CLOSED)
            Case.objects.filter(pk=case.pk).update(
                closed_on=min(docket.date + dt.timedelta(days=30), today)
            )
    return PastHearings(dockets=len(made), hearings=hearings)


# --- schedule proposals -------------------------------------------------------------------

PROPOSAL_TIME_LIMIT = 10.0


def add_demo_proposals(*, coordinator: User, today: dt.date) -> list[ScheduleProposal]:
    """Two schedule proposals of the coordinator for the weeks ahead: one committed (its
    hearings booked) at the venue with the most cases waiting, one still open at the
    next. Returns them (fewer when fewer venues have cases waiting)."""
    from collections import Counter

    from mppdesk.hearings import scheduling
    from mppdesk.hearings.models import ScheduleProposal
    from mppdesk.hearings.queries import pending_cases
    from mppdesk.places.models import Venue

    if ScheduleProposal.objects.exists():
        return []
    waiting = Counter(pending_cases(None).exclude(venue=None).values_list("venue_id", flat=True))
    venues = Venue.objects.in_bulk([pk for pk, _n in waiting.most_common(2)])
    start = today + dt.timedelta(days=14)
    end = today + dt.timedelta(weeks=WEEKS_AHEAD) - dt.timedelta(days=1)
    proposals: list[ScheduleProposal] = []
    for index, (pk, _n) in enumerate(waiting.most_common(2)):
        proposal = scheduling.propose(
            actor=coordinator, venue=venues[pk], start=start, end=end,
            time_limit=PROPOSAL_TIME_LIMIT, today=today,
        )  # fmt: skip
        if index == 0:
            proposal = scheduling.commit_proposal(actor=coordinator, proposal=proposal)
        proposals.append(proposal)
    return proposals


# --- the timeline -------------------------------------------------------------------------

#: Hearing entries of a case's timeline dated when the hearing sat (the others when the
#: notice was served).
AT_HEARING = ("outcome", "continued", "attendance")


def date_timelines(*, organizations: list[Any], now: dt.datetime | None = None) -> int:
    """Date the case timelines of ``organizations`` as the story happened.

    The services stamp each ``CaseEvent`` with the time it is written; the demo writes
    years of history in a minute. Here each case's events, in the order they were
    written, are dated: "opened" on the day the case was opened, a hearing's outcome when
    the hearing sat, its scheduling when the notice was served, and any other event no
    earlier than the one before it, all between the opening and now. Returns how many
    events were moved. (Demo only: real events are dated as they happen.)"""
    from mppdesk.cases.models import Case, CaseEvent
    from mppdesk.hearings.models import Hearing, Notice

    now = now or timezone.now()
    moved = 0
    cases = Case.objects.filter(organization__in=organizations).only("id", "opened_on")
    for case in cases.iterator():
        events = list(
            CaseEvent.objects.filter(case=case)
            .order_by("id")
            .only("id", "kind", "occurred_at", "data")
        )
        if not events:
            continue
        hearing_ids = {e.data.get("hearing") for e in events if e.data.get("hearing")}
        when_sat = dict(
            Hearing.objects.filter(pk__in=hearing_ids).values_list("pk", "scheduled_at")
        )
        served = dict(
            Notice.objects.filter(hearing_id__in=hearing_ids, served_at__isnull=False)
            .order_by("served_at")
            .values_list("hearing_id", "served_at")
        )
        opened = case.opened_on or timezone.localdate(now)
        floor = timezone.make_aware(dt.datetime.combine(opened, dt.time(10)))
        previous = floor
        for event in events:
            when = event.occurred_at
            hearing = event.data.get("hearing")
            if event.kind == CaseEvent.Kind.OPENED:
                when = floor
            elif hearing:
                key = next((k for k in when_sat if str(k) == hearing), None)
                if event.data.get("action") in AT_HEARING and key in when_sat:
                    when = when_sat[key] + dt.timedelta(hours=2)
                elif (served_at := served.get(key)) is not None:  # type: ignore[arg-type]
                    when = served_at
                elif key in when_sat:
                    when = min(when_sat[key] - dt.timedelta(days=30), when)
            elif event.kind == CaseEvent.Kind.STATUS_CHANGED:
                when = previous + dt.timedelta(minutes=1)
            when = min(max(when, previous), now)
            if when != event.occurred_at:
                CaseEvent.objects.filter(pk=event.pk).update(occurred_at=when)
                moved += 1
            previous = when
    return moved


@register_demo_loader("hearings", order=300)
def load_hearings(context: DemoContext) -> DemoHearings:
    """Dockets, hearings with their outcomes (the past cases' too), schedule proposals."""
    from mppdesk.hearings.times import utc_today
    from mppdesk.people.demo import PAST_OUTCOMES

    made = add_demo_dockets_and_hearings(past_outcomes=context.shared.get(PAST_OUTCOMES))
    coordinator = context.user(SCHEDULER)
    if coordinator is not None and made.templates:
        context.shared["schedule_proposals"] = add_demo_proposals(
            coordinator=coordinator, today=utc_today()
        )
    return made


@register_demo_loader("timeline", order=900)
def load_timeline(context: DemoContext) -> int:
    """The case timelines dated from the day each case was opened."""
    return date_timelines(organizations=list(context.organizations.values()))
