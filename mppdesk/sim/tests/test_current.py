"""The ``current`` scenario: this installation's counts, in the viewer's scope, projected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.places.models import Port
from mppdesk.sim import current, queries, services
from mppdesk.sim.scenarios import Levers
from mppdesk.sim.tests.conftest import (
    A_BOOKED,
    A_NOTICES,
    A_PEOPLE,
    A_REACHABLE,
    B_PEOPLE,
    DOCKET_SEATS,
    GROUP,
    TEMPLATE_SEATS,
)
from mppdesk.transfers.models import TransferGroup

pytestmark = pytest.mark.django_db


def test_an_analyst_counts_their_own_organization(installation: Any, analyst: Any) -> None:
    data = queries.installation(queries.scope_for(analyst))
    assert data.people == A_PEOPLE
    assert {code for code, _weeks in data.waiting} == {"el-paso"}
    assert set(data.waiting.values()) == {A_PEOPLE}  # everyone opened ten weeks ago
    assert next(iter(data.waiting))[1] == 10
    assert sum(data.booked.values()) == A_BOOKED
    assert data.booked[("el-paso", 3)] == A_BOOKED
    assert data.counsel["el-paso"] == A_PEOPLE  # a legal services organization's cases
    assert data.reachable == A_REACHABLE
    assert (data.hearings, data.hearings_with_notice) == (A_BOOKED, A_NOTICES)
    assert data.arrivals[("el-paso", 2)] == GROUP


def test_a_program_wide_analyst_counts_every_organization(
    installation: Any, program_analyst: Any
) -> None:
    data = queries.installation(queries.scope_for(program_analyst))
    assert data.people == A_PEOPLE + B_PEOPLE
    assert {code for code, _weeks in data.waiting} == {"el-paso", "laredo"}
    assert data.counsel["laredo"] == 0  # a shelter's cases, no referral to counsel


def test_a_case_worker_has_no_simulator_scope(installation: Any, personas: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        queries.scope_for(personas.caseworker)


def test_docket_seats_ahead_come_from_dockets_then_templates(
    installation: Any, analyst: Any
) -> None:
    data = queries.installation(queries.scope_for(analyst))
    # Week 3 has the docket (12 seats, 8 booked); after it, the weekly template.
    assert data.capacity[("el-paso", 3)] == DOCKET_SEATS - A_BOOKED
    assert data.capacity[("el-paso", 4)] == TEMPLATE_SEATS
    assert data.capacity[("el-paso", 25)] == TEMPLATE_SEATS
    assert data.capacity[("el-paso", 0)] == 0  # dockets exist up to week 3: no template


def test_the_scenario_starts_from_those_counts(installation: Any, analyst: Any) -> None:
    scenario = current.build(queries.installation(queries.scope_for(analyst)))
    p = scenario.params
    p.validate()
    assert p.ports == ("el-paso",)
    assert p.initial.size == A_PEOPLE
    assert int((p.initial.hearing_week == 3).sum()) == A_BOOKED
    assert int(p.arrivals.sum()) == GROUP and int(p.arrivals[2, 0]) == GROUP
    assert p.weeks == 26
    # Reach measured where there is enough to measure, else the baseline's, and said so.
    assert p.counsel_at_enrolment == 1.0
    assert "measured: 30 of 30" in scenario.sources["counsel_at_enrolment"]
    assert p.notice_delivered == 1.0  # 8 hearings are too few to measure
    assert "fewer than 20 hearings" in scenario.sources["notice_delivered"]


def test_a_projection_counts_everyone_it_starts_with(installation: Any, analyst: Any) -> None:
    answer = services.run(
        actor=analyst,
        scope=queries.scope_for(analyst),
        request=services.Request(scenario="current", runs=6, seed=3, scale=1.0),
        max_runs=services.WEB_MAX_RUNS,
        cached=True,
    )
    by_name = {line["name"]: line for line in answer["outcomes"]}
    assert by_name["people"]["baseline"]["mean"] == A_PEOPLE + GROUP
    assert answer["calibration"] == []
    assert answer["parameters"]["initial"]["value"]["people"] == A_PEOPLE
    # Inputs are shown as counts per port with 1 to 4 hidden; here El Paso has 30.
    assert answer["parameters"]["initial"]["value"]["by_port"] == {"el-paso": A_PEOPLE}
    for line in answer["outcomes"]:
        if line["kind"] == "share":
            assert 0.0 <= line["baseline"]["low"] <= line["baseline"]["high"] <= 1.0


def test_more_judges_help_the_people_waiting_now(installation: Any, program_analyst: Any) -> None:
    answer = services.run(
        actor=program_analyst,
        scope=queries.scope_for(program_analyst),
        request=services.Request(
            scenario="current", levers=Levers(judges_factor=3.0), runs=10, seed=1, scale=1.0
        ),
        max_runs=services.WEB_MAX_RUNS,
        cached=False,
    )
    by_name = {line["name"]: line for line in answer["outcomes"]}
    assert by_name["completed_cases"]["change"]["mean"] > 0


def test_small_counts_per_port_are_hidden(installation: Any, program_analyst: Any) -> None:
    # Leave 3 people waiting at Laredo, and 2 on their way there.
    laredo = list(Case.objects.filter(port__code="laredo").values_list("pk", flat=True))
    Case.objects.filter(pk__in=laredo[3:]).update(status=CaseStatus.CLOSED)
    TransferGroup.objects.create(
        organization=installation.other_org, name="pequeño", port=Port.objects.get(code="laredo"),
        date=timezone.localdate() + dt.timedelta(weeks=1), receiving_city="Nuevo Laredo",
        target_size=2, rules_version="2021",
    )  # fmt: skip
    answer = services.run(
        actor=program_analyst,
        scope=queries.scope_for(program_analyst),
        request=services.Request(scenario="current", runs=2, seed=1, scale=1.0),
        max_runs=services.WEB_MAX_RUNS,
        cached=False,
    )
    assert answer["parameters"]["initial"]["value"]["by_port"]["laredo"] == "<5"
    assert answer["parameters"]["arrivals"]["value"]["by_port"]["laredo"] == "<5"
    assert answer["parameters"]["arrivals"]["value"]["by_port"]["el-paso"] == 40


def test_nothing_to_project_is_a_clear_error(db: Any) -> None:
    with pytest.raises(FieldErrors) as caught:
        services.run(
            actor=None,
            scope=queries.Scope(None),
            request=services.Request(scenario="current", runs=2),
            max_runs=services.WEB_MAX_RUNS,
            cached=False,
        )
    assert "scenario" in caught.value.errors


ENCRYPTED = (
    '"given_names"', '"family_names"', '"birth_date"', '"notes"', '"a_number"', '."value"',
    '"summary"', '"body"', '"recipient"', '"continuance_reason"', '"address"',
)  # fmt: skip


def test_counting_reads_no_personal_column(installation: Any, program_analyst: Any) -> None:
    """Only counts: no encrypted column is selected, filtered or grouped on."""
    scope = queries.scope_for(program_analyst)
    with CaptureQueriesContext(connection) as captured:
        queries.installation(scope)
    assert captured.captured_queries
    for query in captured.captured_queries:
        sql = query["sql"]
        found = [column for column in ENCRYPTED if column in sql]
        assert not found, (found, sql)


def test_running_is_audited_without_figures(installation: Any, analyst: Any) -> None:
    from mppdesk.audit.models import AuditEntry

    services.run(
        actor=analyst,
        scope=queries.scope_for(analyst),
        request=services.Request(scenario="current", levers=Levers(transport=True), runs=2),
        max_runs=services.WEB_MAX_RUNS,
        cached=False,
    )
    entry = AuditEntry.objects.filter(object_type="simulation").latest("seq")
    assert (entry.action, entry.object_id, entry.fields) == ("run", "current", ["transport"])
    assert entry.actor_id == analyst.pk
