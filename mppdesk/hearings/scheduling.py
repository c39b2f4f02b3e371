"""The optimizing scheduler wired into MPP Desk: proposal → review → commit.

- ``propose`` gathers the pending cases the actor may schedule and the dockets of the
  venue(s) with room in a period, runs ``mppdesk.lib.scheduling.schedule`` (and the
  first-come-first-served baseline on the same data, for comparison) and stores a
  ``ScheduleProposal`` with one ``ProposalItem`` per case.
- ``commit_proposal`` turns a proposal into hearings, all or nothing.
- ``discard_proposal`` closes a proposal without scheduling anything.
- ``proposals_for`` / ``get_proposal_or_404`` / ``proposal_rows`` are the reads.

The three writes need ``docket.manage`` (``queries.schedulable_org_ids``: in the cases'
organizations, or in a program-wide one). A proposal holds only ids and figures.

How the models become the scheduler's input (``mppdesk.lib.scheduling``):

- Units: the cases whose people share a household are one unit (one docket, so one
  session), else one unit per case. Its size is the people on its cases (the seats
  ``hearing_services.schedule_hearing`` books); vulnerable when anyone on it has a
  vulnerability; ``waiting_days`` since the oldest ``Case.opened_on`` (else the case's
  creation); its language the interpreter language(s) its cases need: a household
  needing two languages gets a combined code ("por+spa") that only dockets with both
  interpreters serve. A household whose other case already has a hearing ahead is put
  in that same session, outside the optimizer (or left out: ``household_session_full``).
- Slots: the venue(s)' dockets in the period with places left, but none on a day the
  court does not sit (a US federal holiday or a closure day: ``calendar``); the start
  in the court's zone.
- Ports: every ``places.Port``. People report in up to three one-hour windows of
  ``hourly_capacity`` people, the latest starting at the port's reporting lead before
  the session (``Port.report_lead_minutes``, else ``MPPDESK_REPORT_LEAD_MINUTES``), the
  earlier ones only when the later are full: nobody reports later than the lead allows.
  ``port_booked`` counts the people of hearings already scheduled per port and hour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, orgs_where
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseMember, CaseStatus
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import calendar, hearing_services, queries
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings.models import Docket, Hearing, HearingStatus
from mppdesk.hearings.models_scheduling import (
    ProposalItem,
    ProposalStatus,
    ScheduleProposal,
    UnassignedReason,
)
from mppdesk.hearings.times import (
    court_datetime,
    court_today,
    local_string,
    report_lead_minutes,
    utc_today,
)
from mppdesk.lib import scheduling as sched
from mppdesk.lib.scheduling.model import NO_INTERPRETER_LANGUAGES
from mppdesk.people.models import HouseholdMember, PersonLanguage
from mppdesk.places.models import Port, Venue

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

#: Reporting windows per session and port (one hour each).
REPORT_WINDOWS = 3
#: A household whose other case already sits in a session that has no room left.
HOUSEHOLD_SESSION_FULL = UnassignedReason.HOUSEHOLD_SESSION_FULL.value
MAX_LEAD_DAYS = 365
MAX_PERIOD_DAYS = 366
PROPOSAL_FIELDS = [
    "venue_codes", "period_start", "period_end", "method", "objective", "weighted_waiting",
    "greedy_weighted_waiting", "lp_bound", "gap", "items",
]  # fmt: skip
HOUR = dt.timedelta(hours=1)


class ProposalStale(FieldErrors):  # noqa: N818 - reads as a state
    """The proposal no longer matches the data: it is not open any more, or a case was
    scheduled, closed or changed size since it was made, or a docket is now past.
    ``errors`` (field ``proposal``) hold the message; ``case_ids`` the cases concerned.
    Nothing was written."""

    def __init__(self, message: str, case_ids: Iterable[str] = ()) -> None:
        self.case_ids = sorted(str(c) for c in case_ids)
        super().__init__({"proposal": [message]})


class ProposalConflict(FieldErrors):  # noqa: N818
    """A docket of the proposal filled up since (another coordinator booked it): nothing
    was committed. ``docket_id`` names it (and the ``docket`` field error); propose
    again."""

    def __init__(self, docket: Docket) -> None:
        self.docket_id = docket.pk
        super().__init__(
            {
                "docket": [
                    _(
                        "Docket %(id)s (%(date)s, %(session)s, courtroom %(courtroom)s) has no "
                        "room left for this proposal: another schedule took its places since. "
                        "Nothing was scheduled; make a new proposal."
                    )
                    % {
                        "id": docket.pk,
                        "date": docket.date.isoformat(),
                        "session": docket.session,
                        "courtroom": docket.courtroom,
                    }
                ]
            }
        )


@dataclass(frozen=True)
class ProposalRow:
    """One line of a proposal for review (ids and docket facts only)."""

    case_id: str
    unit: str
    seats: int
    docket_id: int | None
    docket_date: dt.date | None
    session: str
    courtroom: str
    judge: str
    venue_code: str
    port_code: str
    report_at: dt.datetime | None
    report_local: str
    reason: str
    hearing_id: str | None


# --- building the scheduler's input ------------------------------------------------------


@dataclass
class _CaseFacts:
    pk: str
    organization_id: int
    venue_code: str
    port_id: int | None
    port_code: str | None
    lead_id: Any
    waiting_days: int
    seats: int = 1
    people: list[Any] = field(default_factory=list)
    vulnerable: bool = False
    language: str = ""


@dataclass
class _Pinned:
    """A unit that must join a household's session already scheduled."""

    unit: sched.Unit
    sessions: set[tuple[int, dt.date, str]]  # (venue id, date, session)
    report_at: dict[str, dt.datetime]  # port code -> the household's reporting time


@dataclass
class _Input:
    today: dt.date
    cases: dict[str, _CaseFacts]
    units: list[sched.Unit]
    pinned: list[_Pinned]
    dockets: dict[str, Docket]
    slots: list[sched.Slot]
    ports: dict[str, Port]
    port_infos: list[sched.PortInfo]
    port_booked: dict[tuple[str, dt.datetime], int]


def _lead_minutes(port: Port, session: str) -> int:
    if port.report_lead_minutes is not None:
        return int(port.report_lead_minutes)
    return report_lead_minutes(session)


def _port_info(port: Port) -> sched.PortInfo:
    lead = _lead_minutes(port, "am")
    # The latest window starts ``lead`` before the session: it ends an hour later.
    return sched.PortInfo(
        code=port.code,
        hourly_capacity=int(port.hourly_capacity),
        travel_days=0,
        report_lead_minutes=max(lead - 60, 0),
        report_windows=REPORT_WINDOWS,
    )


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _language_code(needs: Iterable[str]) -> str:
    """One language code for a unit: "" (no interpreter), a code, or "por+spa" when its
    cases need several interpreters (only a docket with all of them serves it)."""
    return "+".join(sorted({c for c in needs if c not in NO_INTERPRETER_LANGUAGES}))


def _slot_languages(languages: Iterable[str], combos: set[str]) -> frozenset[str]:
    have = {str(c) for c in languages}
    extra = {combo for combo in combos if set(combo.split("+")) <= have}
    return frozenset(have | extra)


def _venues(venue_codes: Sequence[str] | None, venue: Venue | str | None) -> list[Venue]:
    codes: list[str] = list(venue_codes or [])
    if venue is not None:
        codes.append(venue.code if isinstance(venue, Venue) else str(venue))
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise FieldErrors({"venue": [_("Choose at least one venue.")]})
    found = {v.code: v for v in Venue.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise FieldErrors(
            {"venue": [_("Unknown venue code: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [found[c] for c in codes]


def _check_period(start: Any, end: Any, lead_days: Any) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        errors["from"] = [_("Give a date.")]
    if not isinstance(end, dt.date) or isinstance(end, dt.datetime):
        errors["to"] = [_("Give a date.")]
    if not errors:
        if end < start:
            errors["to"] = [_("The end is before the start.")]
        elif (end - start).days >= MAX_PERIOD_DAYS:
            errors["to"] = [_("At most %(days)d days at once.") % {"days": MAX_PERIOD_DAYS}]
    if not isinstance(lead_days, int) or not 0 <= lead_days <= MAX_LEAD_DAYS:
        errors["lead_days"] = [_("Between 0 and %(days)d days.") % {"days": MAX_LEAD_DAYS}]
    if errors:
        raise FieldErrors(errors)


def _org_scope(actor: User | None, organization_ids: Iterable[int] | None) -> list[int] | None:
    """Organizations whose cases are considered (``None``: all, for the system)."""
    if actor is None:
        return None if organization_ids is None else sorted(set(organization_ids))
    allowed = set(queries.schedulable_org_ids(actor))
    if not allowed:
        raise PermissionDenied
    if organization_ids is not None:
        allowed &= set(organization_ids)
    return sorted(allowed)


def _gather(
    *,
    venues: list[Venue],
    org_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> _Input:
    venue_ids = [v.pk for v in venues]
    pending = queries.pending_cases(None).filter(venue_id__in=venue_ids)
    if org_ids is not None:
        pending = pending.filter(organization_id__in=org_ids)
    cases: dict[str, _CaseFacts] = {}
    for pk, org_id, venue_code, port_id, port_code, lead_id, opened_on, created_at in (
        pending.values_list(
            "pk",
            "organization_id",
            "venue__code",
            "port_id",
            "port__code",
            "lead_id",
            "opened_on",
            "created_at",
        )  # fmt: skip
    ):
        opened = opened_on or timezone.localdate(created_at)
        cases[str(pk)] = _CaseFacts(
            pk=str(pk),
            organization_id=org_id,
            venue_code=venue_code,
            port_id=port_id,
            port_code=port_code,
            lead_id=lead_id,
            waiting_days=max((today - opened).days, 0),
        )
    case_qs = pending.values("pk")
    members = CaseMember.objects.filter(case__in=case_qs).values_list(
        "case_id", "person_id", "person__vulnerabilities"
    )
    for case_id, person_id, vulnerabilities in members:
        facts = cases.get(str(case_id))
        if facts is None:
            continue
        facts.people.append(person_id)
        facts.vulnerable = facts.vulnerable or bool(vulnerabilities)
    # The lead's preferred language, as ``notice_services.case_language`` reads it.
    first_language: dict[Any, str] = {}
    for person_id, code in (
        PersonLanguage.objects.filter(person__led_cases__in=case_qs)
        .order_by("person_id", "-preferred", "code")
        .values_list("person_id", "code")
    ):
        first_language.setdefault(person_id, code)
    for facts in cases.values():
        facts.seats = max(len(facts.people), 1)
        facts.language = first_language.get(facts.lead_id, "")

    # Households: cases joined by a person's household (union-find over cases).
    person_cases: dict[Any, list[str]] = defaultdict(list)
    for facts in cases.values():
        for person_id in facts.people:
            person_cases[person_id].append(facts.pk)
    household_of: dict[Any, Any] = dict(
        HouseholdMember.objects.filter(person_id__in=list(person_cases)).values_list(
            "person_id", "household_id"
        )
    )
    parent = {pk: pk for pk in cases}

    def root(pk: str) -> str:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    case_households: dict[str, set[Any]] = defaultdict(set)
    by_household: dict[Any, list[str]] = defaultdict(list)
    for person_id, household_id in household_of.items():
        for case_pk in person_cases[person_id]:
            by_household[household_id].append(case_pk)
            case_households[case_pk].add(household_id)
    for case_pks in by_household.values():
        first = root(case_pks[0])
        for other in case_pks[1:]:
            parent[root(other)] = first
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case_pk, facts in cases.items():
        # Cases at different venues cannot share a session: one unit per venue.
        groups[(root(case_pk), facts.venue_code)].append(case_pk)

    # Sessions where a household already has a hearing ahead (pin the rest there).
    household_sessions: dict[Any, set[tuple[int, dt.date, str]]] = defaultdict(set)
    household_reports: dict[Any, dict[str, dt.datetime]] = defaultdict(dict)
    if by_household:
        for household_id, venue_id, date, session, code, report_at in Hearing.objects.filter(
            status=HearingStatus.SCHEDULED,
            outcome="",
            case__members__person__household_membership__household_id__in=list(by_household),
        ).values_list(
            "case__members__person__household_membership__household_id",
            "docket__venue_id", "docket__date", "docket__session", "port__code", "report_at",
        ):  # fmt: skip
            household_sessions[household_id].add((venue_id, date, session))
            if code and report_at is not None:
                household_reports[household_id].setdefault(code, report_at)

    units: list[sched.Unit] = []
    pinned: list[_Pinned] = []
    for case_pks in groups.values():
        case_pks.sort(key=lambda pk: (-cases[pk].waiting_days, pk))
        members_of = [cases[pk] for pk in case_pks]
        port_codes = Counter(f.port_code for f in members_of if f.port_code)
        unit = sched.Unit(
            id=f"u:{case_pks[0]}",
            case_ids=tuple(case_pks),
            venue=members_of[0].venue_code,
            language=_language_code(f.language for f in members_of),
            size=sum(f.seats for f in members_of),
            waiting_days=max(f.waiting_days for f in members_of),
            vulnerable=any(f.vulnerable for f in members_of),
            port=port_codes.most_common(1)[0][0] if port_codes else None,
        )
        households = set().union(*(case_households[pk] for pk in case_pks))
        sessions = (
            set().union(*(household_sessions[h] for h in households)) if households else set()
        )
        if sessions:
            reports: dict[str, dt.datetime] = {}
            for h in sorted(households, key=str):
                for code, at in household_reports[h].items():
                    reports.setdefault(code, at)
            pinned.append(_Pinned(unit=unit, sessions=sessions, report_at=reports))
        else:
            units.append(unit)

    dockets = {
        str(d.pk): d
        for d in Docket.objects.filter(
            venue_id__in=venue_ids, date__gte=start, date__lte=end, booked__lt=F("capacity")
        )
        .select_related("venue")
        .order_by("date", "session", "courtroom", "pk")
    }
    # Never propose a docket of a day the court does not sit (``calendar``).
    closed = calendar.closed_days(venue_ids, start, end)
    dockets = {k: d for k, d in dockets.items() if (d.venue_id, d.date) not in closed}
    combos = {u.language for u in [*units, *(p.unit for p in pinned)] if "+" in u.language}
    slots = [
        sched.Slot(
            id=key,
            venue=d.venue.code,
            date=d.date,
            session=d.session,
            judge=d.judge or f"({d.courtroom})",
            capacity=int(d.capacity),
            booked=int(d.booked),
            languages=_slot_languages(d.interpreter_languages or [], combos),
            starts_at=court_datetime(d.venue.timezone, d.date, d.starts_at),
        )
        for key, d in dockets.items()
    ]
    ports = {p.code: p for p in Port.objects.all()}
    port_booked: dict[tuple[str, dt.datetime], int] = defaultdict(int)
    window = (
        dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
    )
    for port_code, report_at, seats in Hearing.objects.filter(
        status=HearingStatus.SCHEDULED,
        outcome="",
        port__isnull=False,
        report_at__gte=window[0],
        report_at__lt=window[1],
    ).values_list("port__code", "report_at", "seats"):
        port_booked[(port_code, _hour(report_at))] += int(seats)
    return _Input(
        today=today,
        cases=cases,
        units=units,
        pinned=pinned,
        dockets=dockets,
        slots=slots,
        ports=ports,
        port_infos=[_port_info(p) for p in ports.values()],
        port_booked=dict(port_booked),
    )


def _place_pinned(
    data: _Input, lead_days: int
) -> tuple[dict[str, sched.Assignment], dict[str, str]]:
    """Put each pinned unit on a docket of its household's session; take the seats off
    the slots the optimizer sees."""
    placed: dict[str, sched.Assignment] = {}
    left_out: dict[str, str] = {}
    slots = {s.id: s for s in data.slots}
    earliest = data.today + dt.timedelta(days=lead_days)
    for pin in sorted(data.pinned, key=lambda p: (-p.unit.waiting_days, p.unit.id)):
        unit = pin.unit
        choice: sched.Slot | None = None
        for slot in data.slots:
            docket = data.dockets[slot.id]
            current = slots[slot.id]
            if (
                (docket.venue_id, docket.date, docket.session) in pin.sessions
                and slot.date >= earliest
                and current.room >= unit.size
                and slot.serves(unit.language)
            ):
                choice = current
                break
        if choice is None:
            left_out[unit.id] = HOUSEHOLD_SESSION_FULL
            continue
        slots[choice.id] = dataclasses.replace(choice, booked=choice.booked + unit.size)
        # The family reports together, at the time the household already has (when the
        # port's lead still allows it; see ``_report_at``).
        placed[unit.id] = sched.Assignment(
            docket_id=choice.id,
            report_at=pin.report_at.get(unit.port or ""),
            days=(choice.date - data.today).days,
        )
    data.slots = list(slots.values())
    return placed, left_out


def _report_at(
    data: _Input, facts: _CaseFacts, unit: sched.Unit, docket: Docket, proposed: dt.datetime | None
) -> dt.datetime | None:
    """The reporting time the hearing will get: the proposed one (the scheduler's window,
    or the household's time) when it is for the case's port, leaves at least the port's
    lead before the session and is within the reporting windows; else the lead."""
    port = data.ports.get(facts.port_code or "")
    if port is None:
        return None
    starts = court_datetime(docket.venue.timezone, docket.date, docket.starts_at)
    latest = starts - dt.timedelta(minutes=_lead_minutes(port, docket.session))
    if (
        proposed is not None
        and facts.port_code == unit.port
        and latest - dt.timedelta(hours=REPORT_WINDOWS + 1) <= proposed <= latest
    ):
        return proposed
    return latest.astimezone(dt.UTC)


def _all_org_ids() -> list[int]:
    from mppdesk.accounts.models import Organization

    return sorted(Organization.objects.values_list("pk", flat=True))


def _actor_org(actor: User | None) -> Organization | None:
    if actor is None:
        return None
    from mppdesk.accounts.models import Organization

    org_ids = orgs_where(actor, Action.DOCKET_MANAGE)
    return Organization.objects.filter(pk__in=org_ids).order_by("pk").first() if org_ids else None


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


# --- writes -------------------------------------------------------------------------------


def propose(
    *,
    actor: User | None,
    venue_codes: Sequence[str] | None = None,
    venue: Venue | str | None = None,
    start: dt.date,
    end: dt.date,
    dry_run: bool = False,
    lead_days: int = 10,
    time_limit: float = 120.0,
    today: dt.date | None = None,
    organization_ids: Iterable[int] | None = None,
) -> ScheduleProposal:
    """Run the scheduler for the venue(s) over [``start``, ``end``] and return the proposal.

    Give ``venue_codes`` (one or more ``places.Venue`` codes) or ``venue`` (a venue or its
    code). Considers the pending cases (``queries.pending_cases``) the actor may schedule
    (a program-wide coordinator: every organization's; ``organization_ids`` narrows it,
    e.g. to an API token's organization) whose venue is among them, and the dockets of
    those venues in the period with seats left. Cases whose people share a household
    are one unit (same session). The result holds both figures (the optimizer's and
    first come, first served on the same data), the LP bound and gap, and one
    ``ProposalItem`` per case (docket and reporting time, or the reason it was left
    out). Saved with status "proposed" and an audit entry, unless ``dry_run``: then
    nothing is written and the unsaved items are in ``proposal_rows(proposal)``.

    No docket is booked by a proposal: ``commit_proposal`` books. ``FieldErrors``
    naming ``venue``/``from``/``to``/``lead_days`` for bad input; ``PermissionDenied``
    without ``docket.manage``.
    """
    org_ids = _org_scope(actor, organization_ids)
    venues = _venues(venue_codes, venue)
    _check_period(start, end, lead_days)
    today = today or utc_today()
    data = _gather(venues=venues, org_ids=org_ids, start=start, end=end, today=today)
    pinned, pinned_out = _place_pinned(data, lead_days)
    kwargs: dict[str, Any] = {
        "today": today,
        "ports": data.port_infos,
        "lead_days": lead_days,
        "port_booked": data.port_booked,
    }
    result = sched.schedule(data.units, data.slots, time_limit=time_limit, **kwargs)
    greedy = sched.greedy_schedule(data.units, data.slots, **kwargs)

    units = {u.id: u for u in [*data.units, *(p.unit for p in data.pinned)]}
    assignments = {**result.assignments, **pinned}
    reasons: dict[str, str] = {k: str(v) for k, v in result.unassigned.items()} | pinned_out
    items: list[ProposalItem] = []
    unassigned_counts: Counter[str] = Counter()
    people_placed = 0
    for unit_id, unit in units.items():
        assignment = assignments.get(unit_id)
        for case_pk in unit.case_ids:
            facts = data.cases[case_pk]
            port = data.ports.get(facts.port_code or "")
            item = ProposalItem(case_id=facts.pk, unit=unit_id, seats=facts.seats, port=port)
            if assignment is not None:
                docket = data.dockets[assignment.docket_id]
                item.docket = docket
                item.report_at = _report_at(data, facts, unit, docket, assignment.report_at)
                people_placed += facts.seats
            else:
                item.reason = reasons.get(unit_id, str(sched.Reason.DOCKETS_FULL))
                unassigned_counts[item.reason] += 1
            items.append(item)
    items.sort(
        key=lambda i: (
            i.docket.date if i.docket else dt.date.max,
            i.docket.session if i.docket else "",
            i.docket_id or 0,
            i.unit,
            str(i.case_id),
        )
    )
    proposal = ScheduleProposal(
        status=ProposalStatus.PROPOSED,
        created_by=_user(actor),
        venue_codes=[v.code for v in venues],
        period_start=start,
        period_end=end,
        as_of=today,
        lead_days=lead_days,
        organization_ids=org_ids if org_ids is not None else _all_org_ids(),
        method=result.method[:200],
        objective=result.objective,
        weighted_waiting=result.weighted_waiting,
        judge_spread=result.judge_spread,
        unassigned_penalty=result.unassigned_penalty,
        greedy_objective=greedy.objective,
        greedy_weighted_waiting=greedy.weighted_waiting,
        greedy_cases_placed=sum(len(units[u].case_ids) for u in greedy.assignments)
        + sum(len(units[u].case_ids) for u in pinned),
        lp_bound=result.lp_bound,
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        cases_considered=len(data.cases),
        cases_placed=sum(1 for i in items if i.docket is not None),
        people_placed=people_placed,
        dockets_considered=len(data.dockets),
        unassigned_counts=dict(sorted(unassigned_counts.items())),
    )
    proposal.unit_count = len(units)  # type: ignore[attr-defined]
    if dry_run:
        proposal.unsaved_items = items  # type: ignore[attr-defined]
        return proposal
    with transaction.atomic():
        proposal.save()
        for item in items:
            item.proposal = proposal
        ProposalItem.objects.bulk_create(items, batch_size=1000)
        audit.record(
            actor=actor,
            organization=_actor_org(actor),
            action=AuditAction.CREATE,
            object_type=ObjectType.SCHEDULE_PROPOSAL,
            object_id=proposal.pk,
            fields=PROPOSAL_FIELDS,
        )
    return proposal


def _require_scope(actor: User | None, proposal: ScheduleProposal) -> None:
    if actor is None:
        return
    allowed = set(queries.schedulable_org_ids(actor))
    if not allowed or not set(proposal.organization_ids) <= allowed:
        raise PermissionDenied


def _lock_open(proposal: ScheduleProposal) -> ScheduleProposal:
    locked = ScheduleProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PROPOSED:
        raise ProposalStale(
            _("This proposal is not open any more (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _stale_cases(items: list[ProposalItem], cases: dict[Any, Case]) -> list[str]:
    """Cases of the proposal that changed since: gone, closed or decided, scheduled
    meanwhile, or with a different number of people."""
    ids = [item.case_id for item in items]
    open_hearing = set(
        Hearing.objects.filter(case_id__in=ids, status=HearingStatus.SCHEDULED, outcome="")
        .values_list("case_id", flat=True)
        .distinct()
    )
    people = dict(
        CaseMember.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    stale = []
    for item in items:
        case = cases.get(item.case_id)
        if (
            case is None
            or case.status not in (CaseStatus.INTAKE, CaseStatus.ACTIVE)
            or item.case_id in open_hearing
            or max(people.get(item.case_id, 0), 1) != item.seats
        ):
            stale.append(str(item.case_id))
    return stale


def commit_proposal(*, actor: User | None, proposal: ScheduleProposal) -> ScheduleProposal:
    """Schedule every placed item of ``proposal`` (``hearing_services.schedule_hearing`` with the
    item's docket, port and ``report_at``), all in one transaction, and mark it committed.

    All or nothing: if a docket filled up since (``DocketFull`` from the conditional
    UPDATE of ``docket_services.book``), nothing is committed and ``ProposalConflict`` names
    the docket; the coordinator proposes again. ``ProposalStale`` if the proposal is not
    open, or a case was scheduled, closed or changed size since it was made, or a
    docket is now in the past. Items record their hearing. ``PermissionDenied`` unless
    the actor may schedule every organization of the proposal.

    Locks are taken in one order — the cases, then the dockets (each by primary key),
    then the audit log's head — so two commits that overlap wait for each other instead
    of deadlocking; the loser finds the places gone. The conditional UPDATE of
    ``docket_services.book`` and the CHECK constraint still guard every seat.
    """
    if proposal.pk is None:
        raise ProposalStale(_("A dry run cannot be committed; save the proposal first."))
    _require_scope(actor, proposal)
    with transaction.atomic():
        locked = _lock_open(proposal)
        items = list(
            locked.items.filter(docket__isnull=False)
            .select_related("docket", "docket__venue", "port")
            .order_by("docket_id", "case_id")
        )
        case_ids = sorted({item.case_id for item in items}, key=str)
        cases = {
            c.pk: c
            for c in Case.objects.select_for_update(of=("self",))
            .filter(pk__in=case_ids)
            .order_by("pk")
        }
        stale = _stale_cases(items, cases)
        if stale:
            raise ProposalStale(
                _(
                    "%(count)d case(s) of this proposal were scheduled, closed or changed since "
                    "it was made. Nothing was scheduled; make a new proposal."
                )
                % {"count": len(stale)},
                stale,
            )
        # The court's day, not the UTC one: a docket of today is not "past" in the
        # court's evening, when it is already tomorrow in UTC.
        past = [
            item
            for item in items
            if item.docket is not None and item.docket.date < court_today(item.docket.venue)
        ]
        if past:
            raise ProposalStale(
                _("Some dockets of this proposal are in the past; make a new proposal."),
                [str(item.case_id) for item in past],
            )
        # Lock every docket of the proposal (in id order) before booking or auditing:
        # the audit log's head is one lock every write takes, so taking a docket after
        # it could deadlock with another commit that holds the docket and waits for it.
        needed: Counter[int] = Counter()
        for item in items:
            needed[item.docket_id or 0] += item.seats
        # Only the dockets (``of``): with the venue joined, FOR UPDATE locked the venue row
        # too, and two commits sharing a venue could each hold a docket and wait for the
        # venue the other took with its first docket (a deadlock seen once in CI).
        locked_dockets = {
            d.pk: d
            for d in Docket.objects.select_for_update(of=("self",))
            .select_related("venue")
            .filter(pk__in=list(needed))
            .order_by("pk")
        }
        for docket_id in sorted(needed):
            docket = locked_dockets[docket_id]
            if docket.booked + needed[docket_id] > docket.capacity:
                raise ProposalConflict(docket)
        for item in items:
            docket = locked_dockets[item.docket_id or 0]
            try:
                hearing = hearing_services.schedule_hearing(
                    actor=actor,
                    case=cases[item.case_id],
                    docket=docket,
                    port=item.port,
                    report_at=item.report_at,
                )
            except docket_services.DocketFull as exc:
                raise ProposalConflict(docket) from exc
            item.hearing = hearing
        ProposalItem.objects.bulk_update(items, ["hearing"], batch_size=1000)
        locked.status = ProposalStatus.COMMITTED
        locked.committed_at = timezone.now()
        locked.committed_by = _user(actor)
        locked.save(update_fields=["status", "committed_at", "committed_by", "updated_at"])
        audit.record(
            actor=actor,
            organization=_actor_org(actor),
            action=AuditAction.UPDATE,
            object_type=ObjectType.SCHEDULE_PROPOSAL,
            object_id=locked.pk,
            fields=["status", "committed_at", "committed_by"],
        )
    return locked


def discard_proposal(*, actor: User | None, proposal: ScheduleProposal) -> ScheduleProposal:
    """Mark an open proposal discarded (``ProposalStale`` if it is not open). Nothing
    was booked by the proposal, so nothing is released."""
    if proposal.pk is None:
        raise ProposalStale(_("A dry run is not saved; there is nothing to discard."))
    _require_scope(actor, proposal)
    with transaction.atomic():
        locked = _lock_open(proposal)
        locked.status = ProposalStatus.DISCARDED
        locked.discarded_at = timezone.now()
        locked.discarded_by = _user(actor)
        locked.save(update_fields=["status", "discarded_at", "discarded_by", "updated_at"])
        audit.record(
            actor=actor,
            organization=_actor_org(actor),
            action=AuditAction.UPDATE,
            object_type=ObjectType.SCHEDULE_PROPOSAL,
            object_id=locked.pk,
            fields=["status", "discarded_at", "discarded_by"],
        )
    return locked


# --- reads --------------------------------------------------------------------------------


def proposals_for(user: User | None) -> QuerySet[ScheduleProposal]:
    """Proposals ``user`` may see: those whose organizations are all ones the user may
    schedule (``queries.schedulable_org_ids``); newest first. ``None``: all."""
    proposals = ScheduleProposal.objects.select_related("created_by").order_by("-created_at", "-id")
    if user is None:
        return proposals
    allowed = set(queries.schedulable_org_ids(user))
    if not allowed:
        return proposals.none()
    visible = [
        pk
        for pk, orgs in ScheduleProposal.objects.values_list("pk", "organization_ids")
        if set(orgs or []) <= allowed
    ]
    return proposals.filter(pk__in=visible)


def get_proposal_or_404(user: User | None, pk: Any) -> ScheduleProposal:
    """A proposal of ``proposals_for(user)`` or ``Http404`` (also for a malformed id)."""
    try:
        key = int(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    proposal = proposals_for(user).filter(pk=key).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_rows(proposal: ScheduleProposal) -> list[ProposalRow]:
    """The proposal's items for review, placed ones by docket date then left-out ones
    (works for a dry-run proposal too). Report times are shown in the port's zone."""
    items: list[ProposalItem]
    if proposal.pk is None:
        items = list(getattr(proposal, "unsaved_items", []))
    else:
        items = list(
            proposal.items.select_related("docket", "docket__venue", "port").order_by(
                F("docket__date").asc(nulls_last=True),
                F("docket__session").asc(nulls_last=True),
                "docket_id",
                "unit",
                "case_id",
            )
        )
    rows = []
    for item in items:
        docket = item.docket
        port = item.port
        rows.append(
            ProposalRow(
                case_id=str(item.case_id),
                unit=item.unit,
                seats=item.seats,
                docket_id=docket.pk if docket else None,
                docket_date=docket.date if docket else None,
                session=docket.session if docket else "",
                courtroom=docket.courtroom if docket else "",
                judge=docket.judge if docket else "",
                venue_code=docket.venue.code if docket else "",
                port_code=port.code if port else "",
                report_at=item.report_at,
                report_local=local_string(item.report_at, port.timezone if port else ""),
                reason=item.reason,
                hearing_id=str(item.hearing_id) if item.hearing_id else None,
            )
        )
    return rows


__all__ = [
    "HOUSEHOLD_SESSION_FULL",
    "ProposalConflict",
    "ProposalItem",
    "ProposalRow",
    "ProposalStale",
    "ScheduleProposal",
    "UnassignedReason",
    "commit_proposal",
    "discard_proposal",
    "get_proposal_or_404",
    "proposal_rows",
    "proposals_for",
    "propose",
]
