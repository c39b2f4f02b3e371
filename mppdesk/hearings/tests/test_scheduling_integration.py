"""The optimizing scheduler in MPP Desk: propose → review → commit (service, CLI, API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.models import Case, CaseMember
from mppdesk.cli import cli
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import hearing_services, scheduling, times
from mppdesk.hearings.models import Docket, Hearing, Notice
from mppdesk.hearings.models_scheduling import ProposalItem, ScheduleProposal
from mppdesk.hearings.scheduling import ProposalConflict, ProposalStale
from mppdesk.hearings.tests.conftest import (
    future_day,
    make_case,
    make_docket,
    user_with_role,
)
from mppdesk.people.models import Household, HouseholdMember
from mppdesk.places.models import Port, Venue
from mppdesk.testing.concurrency import run_threads
from mppdesk.testing.factories import OrganizationFactory

PROPOSALS = "/api/v1/schedule/proposals"


def _aged(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(opened_on=timezone.localdate() - dt.timedelta(days))
    case.refresh_from_db()
    return case


def _period(weeks: int = 6) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today, today + dt.timedelta(weeks=weeks)


def _propose(actor: Any, venue: Venue, **kwargs: Any) -> ScheduleProposal:
    start, end = _period()
    return scheduling.propose(actor=actor, venue=venue, start=start, end=end, **kwargs)


def _placements(proposal: ScheduleProposal) -> dict[str, int | None]:
    return {row.case_id: row.docket_id for row in scheduling.proposal_rows(proposal)}


def _program_coordinator() -> Any:
    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    return user_with_role(program, Membership.Role.COORDINATOR, "coord.program")


# --- propose and commit ------------------------------------------------------------------


def test_pending_cases_are_proposed_then_committed_as_hearings(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    first = make_docket(el_paso, future_day(weeks=3), capacity=6)
    second = make_docket(el_paso, future_day(weeks=4), capacity=6)
    cases = [_aged(make_case(personas.org, venue=el_paso, port=juarez, riders=i % 3), 30 + i)
             for i in range(5)]  # fmt: skip
    people = sum(hearing_services.people_on(c) for c in cases)  # 1+2+3+1+2 = 9
    mark = audit_mark()

    proposal = _propose(personas.coordinator, el_paso)

    assert proposal.pk is not None and proposal.status == "proposed"
    assert proposal.created_by == personas.coordinator
    assert proposal.cases_considered == 5 and proposal.cases_placed == 5
    assert proposal.people_placed == people and proposal.unassigned_counts == {}
    assert proposal.lp_bound is not None and proposal.gap is not None and proposal.gap <= 0.01
    assert proposal.greedy_weighted_waiting is not None
    assert proposal.organization_ids == [personas.org.pk]
    assert [(e.action, e.object_type) for e in entries_after(mark)] == [
        ("create", "schedule_proposal")
    ]
    rows = scheduling.proposal_rows(proposal)
    assert {r.case_id for r in rows} == {str(c.pk) for c in cases}
    assert all(r.docket_id in (first.pk, second.pk) and r.report_at for r in rows)
    assert all(r.report_local.endswith("(America/Ciudad_Juarez)") for r in rows)
    # Proposing books nothing.
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.booked == second.booked == 0

    committed = scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)

    assert committed.status == "committed" and committed.committed_by == personas.coordinator
    hearings = Hearing.objects.filter(case__in=cases)
    assert hearings.count() == 5
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.booked + second.booked == people
    for docket in (first, second):
        assert docket.booked == sum(h.seats for h in hearings.filter(docket=docket))
    assert Notice.objects.filter(hearing__in=hearings, kind="scheduled").count() == 5
    items = ProposalItem.objects.filter(proposal=committed)
    assert {i.hearing_id for i in items} == set(hearings.values_list("pk", flat=True))
    for item in items.select_related("hearing"):
        assert item.hearing is not None
        assert item.hearing.docket_id == item.docket_id
        assert item.hearing.report_at == item.report_at
        # Nobody reports later than the port's lead (4 hours) before the hearing.
        assert item.hearing.report_at is not None
        assert item.hearing.scheduled_at - item.hearing.report_at >= dt.timedelta(hours=4)
    assert not scheduling.propose(
        actor=personas.coordinator, venue=el_paso, start=_period()[0], end=_period()[1],
        dry_run=True,
    ).cases_considered  # fmt: skip


def test_a_dry_run_writes_nothing(personas: Any, el_paso: Venue, juarez: Port) -> None:
    make_docket(el_paso, future_day(weeks=3))
    make_case(personas.org, venue=el_paso, port=juarez)
    mark = audit_mark()
    proposal = _propose(personas.coordinator, el_paso, dry_run=True)
    assert proposal.pk is None and proposal.cases_placed == 1
    assert len(scheduling.proposal_rows(proposal)) == 1
    assert not ScheduleProposal.objects.exists() and not ProposalItem.objects.exists()
    assert not entries_after(mark).exists()
    with pytest.raises(ProposalStale):
        scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)


def test_a_household_goes_to_one_session(personas: Any, el_paso: Venue, juarez: Port) -> None:
    # Three small dockets: the two cases of the household (3 people) fit only together
    # on one of them, and the optimizer must not split them.
    for weeks in (3, 4, 5):
        make_docket(el_paso, future_day(weeks=weeks), capacity=4)
    mother = _aged(make_case(personas.org, venue=el_paso, port=juarez, riders=1), 90)
    son = _aged(make_case(personas.org, venue=el_paso, port=juarez), 10)
    household = Household.objects.create(organization=personas.org, lead=mother.lead, port=juarez)
    HouseholdMember.objects.create(household=household, person=mother.lead, relationship="lead")
    HouseholdMember.objects.create(household=household, person=son.lead, relationship="child")
    others = [_aged(make_case(personas.org, venue=el_paso, port=juarez), 60) for _ in range(6)]

    proposal = _propose(personas.coordinator, el_paso)
    placed = _placements(proposal)
    assert placed[str(mother.pk)] is not None
    assert placed[str(mother.pk)] == placed[str(son.pk)]
    units = {r.case_id: r.unit for r in scheduling.proposal_rows(proposal)}
    assert units[str(mother.pk)] == units[str(son.pk)]
    assert len({units[str(c.pk)] for c in others}) == 6

    scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    assert Hearing.objects.get(case=mother).docket_id == Hearing.objects.get(case=son).docket_id


def test_a_new_case_joins_its_households_scheduled_session(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    early = make_docket(el_paso, future_day(weeks=3), capacity=5)
    late = make_docket(el_paso, future_day(weeks=5), capacity=5, courtroom="2")
    father = make_case(personas.org, venue=el_paso, port=juarez)
    hearing_services.schedule_hearing(actor=personas.coordinator, case=father, docket=late)
    daughter = _aged(make_case(personas.org, venue=el_paso, port=juarez), 200)
    household = Household.objects.create(organization=personas.org, lead=father.lead)
    HouseholdMember.objects.create(household=household, person=father.lead, relationship="lead")
    HouseholdMember.objects.create(household=household, person=daughter.lead, relationship="child")

    proposal = _propose(personas.coordinator, el_paso)
    # The earliest docket would cost less waiting, but the family reports together.
    assert _placements(proposal) == {str(daughter.pk): late.pk}
    assert early.pk not in _placements(proposal).values()
    scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    theirs, ours = Hearing.objects.get(case=father), Hearing.objects.get(case=daughter)
    assert ours.docket_id == theirs.docket_id and ours.report_at == theirs.report_at


def test_a_full_household_session_leaves_the_new_case_out(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3), capacity=5)
    session = make_docket(el_paso, future_day(weeks=5), capacity=1)
    father = make_case(personas.org, venue=el_paso, port=juarez)
    hearing_services.schedule_hearing(actor=personas.coordinator, case=father, docket=session)
    daughter = make_case(personas.org, venue=el_paso, port=juarez)
    household = Household.objects.create(organization=personas.org, lead=father.lead)
    HouseholdMember.objects.create(household=household, person=father.lead, relationship="lead")
    HouseholdMember.objects.create(household=household, person=daughter.lead, relationship="child")
    proposal = _propose(personas.coordinator, el_paso)
    assert _placements(proposal) == {str(daughter.pk): None}
    assert proposal.unassigned_counts == {"household_session_full": 1}


def test_interpreters_are_respected(personas: Any, el_paso: Venue, juarez: Port) -> None:
    spanish_only = make_docket(el_paso, future_day(weeks=3), languages=["spa"])
    portuguese = make_docket(el_paso, future_day(weeks=4), languages=["spa", "por"])
    haitian = make_docket(el_paso, future_day(weeks=5), languages=["hat"])
    por = make_case(personas.org, venue=el_paso, port=juarez, language="por")
    hat = make_case(personas.org, venue=el_paso, port=juarez, language="hat")
    spa = make_case(personas.org, venue=el_paso, port=juarez)
    mam = make_case(personas.org, venue=el_paso, port=juarez, language="mam")
    english = make_case(personas.org, venue=el_paso, port=juarez, language="eng")

    proposal = _propose(personas.coordinator, el_paso)
    placed = _placements(proposal)
    assert placed[str(por.pk)] == portuguese.pk
    assert placed[str(hat.pk)] == haitian.pk
    assert placed[str(spa.pk)] == spanish_only.pk
    assert placed[str(english.pk)] == spanish_only.pk  # no interpreter needed: earliest
    assert placed[str(mam.pk)] is None
    assert proposal.unassigned_counts == {"no_interpreter": 1}
    reasons = {r.case_id: r.reason for r in scheduling.proposal_rows(proposal)}
    assert reasons[str(mam.pk)] == "no_interpreter"
    scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    assert Hearing.objects.count() == 4


def test_a_household_needing_two_interpreters_waits_for_a_docket_with_both(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3), languages=["spa"])
    make_docket(el_paso, future_day(weeks=4), languages=["por"])
    both = make_docket(el_paso, future_day(weeks=5), languages=["spa", "por"])
    spa = make_case(personas.org, venue=el_paso, port=juarez)
    por = make_case(personas.org, venue=el_paso, port=juarez, language="por")
    household = Household.objects.create(organization=personas.org, lead=spa.lead)
    HouseholdMember.objects.create(household=household, person=spa.lead, relationship="lead")
    HouseholdMember.objects.create(household=household, person=por.lead, relationship="spouse")
    proposal = _propose(personas.coordinator, el_paso)
    assert _placements(proposal) == {str(spa.pk): both.pk, str(por.pk): both.pk}


def test_weighted_waiting_is_not_worse_than_first_come_first_served(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    # Scarce early places: the vulnerable and the longest-waiting go first.
    for weeks in range(3, 8):
        make_docket(el_paso, future_day(weeks=weeks), capacity=6)
    cases = []
    for i in range(12):
        case = _aged(make_case(personas.org, venue=el_paso, port=juarez, riders=i % 2), 5 + 9 * i)
        if i % 4 == 0:
            case.lead.vulnerabilities = ["medical"]
            case.lead.save(update_fields=["vulnerabilities"])
        cases.append(case)
    proposal = _propose(personas.coordinator, el_paso)
    assert proposal.cases_placed == proposal.greedy_cases_placed == 12
    assert proposal.greedy_weighted_waiting is not None
    assert proposal.weighted_waiting <= proposal.greedy_weighted_waiting + 1e-6
    assert proposal.greedy_objective is not None
    assert proposal.objective <= proposal.greedy_objective + 1e-6
    assert proposal.lp_bound is not None and proposal.lp_bound <= proposal.objective + 1e-6


def test_port_reporting_capacity_staggers_reporting_times(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    Port.objects.filter(pk=juarez.pk).update(hourly_capacity=2)
    docket = make_docket(el_paso, future_day(weeks=3), capacity=10)
    cases = [make_case(personas.org, venue=el_paso, port=juarez) for _ in range(5)]
    proposal = _propose(personas.coordinator, el_paso)
    assert proposal.cases_placed == 5
    scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    starts = times.scheduled_time(docket)
    counts: dict[dt.datetime, int] = {}
    for hearing in Hearing.objects.filter(case__in=cases):
        assert hearing.report_at is not None
        assert starts - hearing.report_at >= dt.timedelta(hours=4)
        counts[hearing.report_at] = counts.get(hearing.report_at, 0) + 1
    assert max(counts.values()) <= 2 and len(counts) == 3
    # The latest window is the usual one (4 hours before), earlier ones only when full.
    assert max(counts) == starts - dt.timedelta(hours=4)


# --- stale data, full dockets, discard ------------------------------------------------------


def test_a_proposal_older_than_its_data_is_refused(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    docket = make_docket(el_paso, future_day(weeks=3))
    cases = [make_case(personas.org, venue=el_paso, port=juarez) for _ in range(3)]
    proposal = _propose(personas.coordinator, el_paso)
    hearing_services.schedule_hearing(actor=personas.coordinator, case=cases[1], docket=docket)
    with pytest.raises(ProposalStale) as caught:
        scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    assert caught.value.case_ids == [str(cases[1].pk)]
    assert "1 case(s) of this proposal were scheduled" in caught.value.errors["proposal"][0]
    assert Hearing.objects.count() == 1
    docket.refresh_from_db()
    assert docket.booked == 1
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_a_rider_added_since_makes_the_proposal_stale(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    from mppdesk.testing.factories import PersonFactory

    make_docket(el_paso, future_day(weeks=3))
    case = make_case(personas.org, venue=el_paso, port=juarez)
    proposal = _propose(personas.coordinator, el_paso)
    CaseMember.objects.create(case=case, person=PersonFactory(organization=personas.org),
                              role=CaseMember.Role.RIDER)  # fmt: skip
    with pytest.raises(ProposalStale):
        scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)


def test_a_docket_filled_meanwhile_fails_the_whole_commit(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    early = make_docket(el_paso, future_day(weeks=3), capacity=2)
    late = make_docket(el_paso, future_day(weeks=4), capacity=2, courtroom="2")
    for _ in range(4):
        make_case(personas.org, venue=el_paso, port=juarez)
    proposal = _propose(personas.coordinator, el_paso)
    assert proposal.cases_placed == 4
    docket_services.book(late, 1)  # someone else took a place on the later docket
    with pytest.raises(ProposalConflict) as caught:
        scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    assert caught.value.docket_id == late.pk
    assert f"Docket {late.pk} (" in caught.value.errors["docket"][0]
    assert not Hearing.objects.exists() and not Notice.objects.exists()
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.booked, late.booked) == (0, 1)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert not ProposalItem.objects.filter(hearing__isnull=False).exists()


def test_discard_closes_a_proposal(personas: Any, el_paso: Venue, juarez: Port) -> None:
    make_docket(el_paso, future_day(weeks=3))
    make_case(personas.org, venue=el_paso, port=juarez)
    proposal = _propose(personas.coordinator, el_paso)
    mark = audit_mark()
    discarded = scheduling.discard_proposal(actor=personas.coordinator, proposal=proposal)
    assert discarded.status == "discarded" and discarded.discarded_by == personas.coordinator
    assert [(e.action, e.object_type) for e in entries_after(mark)] == [
        ("update", "schedule_proposal")
    ]
    with pytest.raises(ProposalStale):
        scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    with pytest.raises(ProposalStale):
        scheduling.discard_proposal(actor=personas.coordinator, proposal=proposal)
    assert not Hearing.objects.exists()


def test_bad_input_names_the_field(personas: Any, el_paso: Venue) -> None:
    from mppdesk.core.errors import FieldErrors

    today = timezone.localdate()
    with pytest.raises(FieldErrors) as caught:
        scheduling.propose(actor=personas.coordinator, venue="atlantis", start=today, end=today)
    assert list(caught.value.errors) == ["venue"]
    with pytest.raises(FieldErrors) as caught:
        scheduling.propose(
            actor=personas.coordinator, venue=el_paso, start=today, end=today - dt.timedelta(1)
        )
    assert list(caught.value.errors) == ["to"]


# --- who may ---------------------------------------------------------------------------------


def test_a_case_worker_may_not_propose(personas: Any, el_paso: Venue) -> None:
    with pytest.raises(PermissionDenied):
        _propose(personas.caseworker, el_paso)
    assert not ScheduleProposal.objects.exists()


def test_another_organizations_coordinator_sees_nothing(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3))
    case = make_case(personas.org, venue=el_paso, port=juarez)
    other_coordinator = user_with_role(personas.other_org, Membership.Role.COORDINATOR, "coord.b")
    theirs = _propose(other_coordinator, el_paso)
    assert theirs.cases_considered == 0  # another organization's cases are not theirs
    proposal = _propose(personas.coordinator, el_paso)
    assert not scheduling.proposals_for(other_coordinator).filter(pk=proposal.pk).exists()
    with pytest.raises(Http404):
        scheduling.get_proposal_or_404(other_coordinator, proposal.pk)
    with pytest.raises(PermissionDenied):
        scheduling.commit_proposal(actor=other_coordinator, proposal=proposal)
    assert not Hearing.objects.filter(case=case).exists()


def test_a_program_coordinator_schedules_every_organizations_cases(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3))
    ours = make_case(personas.org, venue=el_paso, port=juarez)
    theirs = make_case(personas.other_org, venue=el_paso, port=juarez)
    program = _program_coordinator()
    proposal = _propose(program, el_paso)
    assert proposal.cases_placed == 2
    assert {personas.org.pk, personas.other_org.pk} <= set(proposal.organization_ids)
    # An organization's coordinator may not commit what holds another organization's case.
    assert not scheduling.proposals_for(personas.coordinator).filter(pk=proposal.pk).exists()
    scheduling.commit_proposal(actor=program, proposal=proposal)
    assert Hearing.objects.filter(case__in=[ours, theirs]).count() == 2


# --- two coordinators at once ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_committing_overlapping_proposals_never_overbook() -> None:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    port = Port.objects.get(code="el-paso")
    dockets = [
        make_docket(venue, future_day(weeks=3), capacity=3),
        make_docket(venue, future_day(weeks=4), capacity=3, courtroom="2"),
    ]
    proposals = []
    for name in ("a", "b"):
        org = OrganizationFactory(slug=f"org-{name}")
        coordinator = user_with_role(org, Membership.Role.COORDINATOR, f"coord.{name}")
        for _ in range(6):
            make_case(org, venue=venue, port=port)
        proposal = _propose(coordinator, venue)
        assert proposal.cases_placed == 6  # each fills both dockets: they overlap fully
        proposals.append((coordinator, proposal))

    def work(index: int) -> str:
        coordinator, proposal = proposals[index]
        try:
            scheduling.commit_proposal(
                actor=coordinator, proposal=ScheduleProposal.objects.get(pk=proposal.pk)
            )
        except ProposalConflict:
            return "conflict"
        return "committed"

    results = run_threads(2, work)
    assert sorted(results) == ["committed", "conflict"], results
    for docket in dockets:
        docket.refresh_from_db()
        assert docket.booked == docket.capacity == 3
        assert sum(h.seats for h in Hearing.objects.filter(docket=docket)) == 3
    assert Hearing.objects.count() == 6
    statuses = sorted(ScheduleProposal.objects.values_list("status", flat=True))
    assert statuses == ["committed", "proposed"]
    winner = ScheduleProposal.objects.get(status="committed")
    assert set(Hearing.objects.values_list("organization_id", flat=True)) <= set(
        winner.organization_ids
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_proposals_crossing_on_one_docket_do_not_deadlock() -> None:
    # A uses dockets 1 and 2, B dockets 2 and 3: each books a docket the other does
    # not need first, then both need docket 2 (and the audit log's head).
    venue = Venue.objects.get(code="el-paso-immigration-court")
    d1 = make_docket(venue, future_day(weeks=3), capacity=3)
    d2 = make_docket(venue, future_day(weeks=4), capacity=3, courtroom="2")
    users = []
    for name in ("a", "b"):
        org = OrganizationFactory(slug=f"org-{name}")
        users.append(user_with_role(org, Membership.Role.COORDINATOR, f"coord.{name}"))
        for _ in range(6):
            make_case(org, venue=venue)
        if name == "a":
            first = scheduling.propose(
                actor=users[0], venue=venue, start=_period()[0], end=_period()[1],
                organization_ids=[org.pk],
            )  # fmt: skip
            docket_services.book(d1, 3)  # hide docket 1 from B's proposal
            d3 = make_docket(venue, future_day(weeks=5), capacity=3, courtroom="3")
    second = _propose(users[1], venue)
    docket_services.release(d1, 3)
    assert set(_placements(first).values()) == {d1.pk, d2.pk}
    assert set(_placements(second).values()) == {d2.pk, d3.pk}
    proposals = [first, second]

    def work(index: int) -> str:
        try:
            scheduling.commit_proposal(
                actor=users[index], proposal=ScheduleProposal.objects.get(pk=proposals[index].pk)
            )
        except ProposalConflict as exc:
            return f"conflict {exc.docket_id}"
        return "committed"

    results = run_threads(2, work)
    assert sorted(results) == ["committed", f"conflict {d2.pk}"], results
    booked = dict(Docket.objects.values_list("pk", "booked"))
    assert booked[d2.pk] == 3
    assert {booked[d1.pk], booked[d3.pk]} == {0, 3}
    assert Hearing.objects.count() == 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_proposal_committed_twice_at_once_schedules_once() -> None:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    make_docket(venue, future_day(weeks=3), capacity=10)
    org = OrganizationFactory(slug="org-same")
    coordinator = user_with_role(org, Membership.Role.COORDINATOR, "coord.same")
    for _ in range(4):
        make_case(org, venue=venue)
    proposal = _propose(coordinator, venue)

    def work(index: int) -> str:
        try:
            with transaction.atomic():
                scheduling.commit_proposal(
                    actor=coordinator, proposal=ScheduleProposal.objects.get(pk=proposal.pk)
                )
        except ProposalStale:
            return "stale"
        return "committed"

    assert sorted(run_threads(2, work)) == ["committed", "stale"]
    assert Hearing.objects.count() == 4
    assert Docket.objects.get().booked == 4


# --- command line ----------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["schedule", *args])


def _cli_period() -> list[str]:
    start, end = _period()
    return ["--from", start.isoformat(), "--to", end.isoformat()]


def test_schedule_command_dry_run_saves_nothing(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3))
    make_case(personas.org, venue=el_paso, port=juarez, riders=1)
    result = _run("--venue", el_paso.code, *_cli_period(), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Placed: 1 cases (2 people)." in result.output
    assert "first come, first served" in result.output and "LP bound" in result.output
    assert "Dry run: nothing was saved." in result.output
    assert not ScheduleProposal.objects.exists()


def test_schedule_command_saves_or_commits(personas: Any, el_paso: Venue, juarez: Port) -> None:
    make_docket(el_paso, future_day(weeks=3))
    make_case(personas.org, venue=el_paso, port=juarez)
    saved = _run("--venue", el_paso.code, *_cli_period(), "--user", "coordinator")
    assert saved.exit_code == 0, saved.output
    proposal = ScheduleProposal.objects.get()
    assert f"Proposal {proposal.pk} saved" in saved.output
    assert proposal.created_by == personas.coordinator and not Hearing.objects.exists()
    scheduling.discard_proposal(actor=None, proposal=proposal)
    committed = _run("--venue", el_paso.code, *_cli_period(), "--user", "coordinator", "--commit")
    assert committed.exit_code == 0, committed.output
    assert "committed: 1 hearings scheduled." in committed.output
    assert Hearing.objects.count() == 1


def test_schedule_command_checks_the_role_and_input(personas: Any, el_paso: Venue) -> None:
    result = _run("--venue", el_paso.code, *_cli_period(), "--user", "caseworker")
    assert result.exit_code == 2 and "may not schedule" in result.output
    result = _run("--venue", "atlantis", *_cli_period())
    assert result.exit_code == 2 and "no venue" in result.output
    result = _run("--venue", el_paso.code, *_cli_period(), "--dry-run", "--commit")
    assert result.exit_code == 2
    assert not ScheduleProposal.objects.exists()


# --- API -------------------------------------------------------------------------------------


def _client(user: Any, organization: Any = None) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test", organization=organization)
    return ApiClient(secret)


def _body(venue: Venue, **extra: Any) -> dict[str, Any]:
    start, end = _period()
    return {"venues": [venue.code], "from": start.isoformat(), "to": end.isoformat(), **extra}


def test_api_propose_review_commit(personas: Any, el_paso: Venue, juarez: Port) -> None:
    docket = make_docket(el_paso, future_day(weeks=3))
    cases = [make_case(personas.org, venue=el_paso, port=juarez) for _ in range(2)]
    api = _client(personas.coordinator)

    dry = api.post(PROPOSALS, _body(el_paso, dry_run=True))
    assert dry.status_code == 200, dry.content
    assert dry.json()["id"] is None and not ScheduleProposal.objects.exists()

    created = api.post(PROPOSALS, _body(el_paso))
    assert created.status_code == 201, created.content
    summary = created.json()
    assert summary["cases_placed"] == 2 and summary["status"] == "proposed"
    assert summary["from"] == _period()[0].isoformat()
    assert {"weighted_waiting", "greedy_weighted_waiting", "lp_bound", "gap"} <= set(summary)

    listed = api.get(PROPOSALS).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == summary["id"]

    detail = api.get(f"{PROPOSALS}/{summary['id']}")
    assert detail.status_code == 200
    items = detail.json()["items"]
    assert {i["case_id"] for i in items} == {str(c.pk) for c in cases}
    assert all(i["docket_id"] == docket.pk and i["session"] == "am" for i in items)
    assert all(i["report_local"].endswith("(America/Ciudad_Juarez)") for i in items)
    assert "a_number" not in detail.content.decode()

    done = api.post(f"{PROPOSALS}/{summary['id']}/commit")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "committed"
    assert Hearing.objects.count() == 2
    assert_error(api.post(f"{PROPOSALS}/{summary['id']}/commit"), 422, "proposal")
    assert_error(api.post(f"{PROPOSALS}/{summary['id']}/discard"), 422, "proposal")


def test_api_commit_of_a_filled_docket_names_it(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    docket = make_docket(el_paso, future_day(weeks=3), capacity=1)
    make_case(personas.org, venue=el_paso, port=juarez)
    api = _client(personas.coordinator)
    proposal_id = api.post(PROPOSALS, _body(el_paso)).json()["id"]
    docket_services.book(docket, 1)
    body = assert_error(api.post(f"{PROPOSALS}/{proposal_id}/commit"), 422, "docket")
    assert f"Docket {docket.pk} (" in body["errors"][0]["message"]
    discarded = api.post(f"{PROPOSALS}/{proposal_id}/discard")
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"


def test_api_roles(personas: Any, el_paso: Venue, analyst: Any) -> None:
    assert_error(_client(analyst).post(PROPOSALS, _body(el_paso)), 403)
    assert_error(_client(analyst).get(PROPOSALS), 403)
    assert_error(_client(personas.caseworker).post(PROPOSALS, _body(el_paso)), 403)
    proposal = _propose(personas.coordinator, el_paso)
    assert_error(_client(analyst).get(f"{PROPOSALS}/{proposal.pk}"), 403)
    other = _client(user_with_role(personas.other_org, Membership.Role.COORDINATOR, "coord.b"))
    assert_error(other.get(f"{PROPOSALS}/{proposal.pk}"), 404)
    assert_error(other.post(f"{PROPOSALS}/{proposal.pk}/commit"), 404)
    assert other.get(PROPOSALS).json()["count"] == 0


def test_api_bad_input(personas: Any, el_paso: Venue) -> None:
    api = _client(personas.coordinator)
    assert_error(api.post(PROPOSALS, _body(el_paso, venues=["atlantis"])), 422, "venue")
    assert_error(api.post(PROPOSALS, {**_body(el_paso), "from": "01/02/2027"}), 422, "from")
    assert_error(api.post(PROPOSALS, _body(el_paso, surprise=1)), 422)
    assert_error(api.get(f"{PROPOSALS}/abc"), 422)


def test_api_program_coordinator_reviews_without_personal_data(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    make_docket(el_paso, future_day(weeks=3))
    make_case(personas.org, venue=el_paso, port=juarez)
    make_case(personas.other_org, venue=el_paso, port=juarez)
    api = _client(_program_coordinator())
    proposal_id = api.post(PROPOSALS, _body(el_paso)).json()["id"]
    detail = api.get(f"{PROPOSALS}/{proposal_id}").json()
    assert len(detail["items"]) == 2
    assert set(detail["items"][0]) == {
        "case_id", "unit", "seats", "docket_id", "docket_date", "session", "courtroom",
        "judge", "venue", "port", "report_at", "report_local", "reason", "hearing_id",
    }  # fmt: skip
    # A coordinator of one organization does not see a proposal holding another's cases.
    assert _client(personas.coordinator).get(PROPOSALS).json()["count"] == 0
