"""The program simulator: a scenario against its baseline, every outcome with its interval."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import LIST_ERRORS
from mppdesk.sim import queries, services
from mppdesk.sim.scenarios import SCENARIOS, Levers

router = Router()


class SimulationQuery(Schema):
    scenario: str = Field(
        "baseline-2019",
        max_length=20,
        description=f"One of {', '.join(SCENARIOS)}: the 2019-2021 run as published, or "
        "this installation's next 26 weeks (counts of the token's organization, or of every "
        "organization for a program-wide one).",
    )
    reminders: bool = Field(False, description="Lever: hearing reminders.")
    transport: bool = Field(False, description="Lever: transport to the port on hearing days.")
    counsel_rate: float | None = Field(
        None, description="Lever: share of people with counsel from enrolment (0-1)."
    )
    judges_factor: float | None = Field(
        None, description="Lever: docket capacity multiplied by this (0.1-10)."
    )
    wait_weeks: int | None = Field(None, description="Lever: weeks to the first hearing (0-104).")
    runs: int = Field(
        services.WEB_DEFAULT_RUNS,
        description=f"Runs (seeds), at most {services.WEB_MAX_RUNS}; the command line runs more.",
    )
    seed: int = Field(1, description="Seed of the first run.")


class SummaryOut(Schema):
    mean: float
    low: float = Field(..., description="2.5th percentile over runs.")
    high: float = Field(..., description="97.5th percentile over runs.")


class OutcomeOut(Schema):
    name: str
    kind: str = Field(..., description="`share`, `weeks` or `people`.")
    baseline: SummaryOut
    scenario: SummaryOut | None = Field(..., description="With the lever; `null` without one.")
    change: SummaryOut | None = Field(..., description="Scenario minus baseline, run by run.")
    relative_change: SummaryOut | None


class CalibrationOut(Schema):
    name: str
    label: str
    model: float
    interval: list[float]
    target: float
    difference: float
    within_tolerance: bool
    checked: bool
    as_of: str
    source: str
    definition: str


class SimulationOut(Schema):
    scenario: str
    levers: dict[str, Any]
    runs: int
    seed: int
    scale: float = Field(..., description="Share of the population simulated; counts scaled back.")
    start: str
    as_of: str
    weeks: int
    interval_percentiles: list[float]
    outcomes: list[OutcomeOut]
    reminder_effect: SummaryOut | None
    calibration: list[CalibrationOut]
    parameters: dict[str, Any] = Field(..., description="Every parameter with its source.")
    seconds: float


@router.get("", auth=role(Action.SIM_RUN), response={200: SimulationOut, **LIST_ERRORS})
def simulate(request: HttpRequest, query: Query[SimulationQuery]) -> Any:
    """Run a scenario and, with one lever, the same scenario with it; every outcome with
    its mean and 2.5-97.5 percentile interval over runs, and the change. At most
    50 runs on a quarter of the population (the command line `mppdesk simulate` runs
    more). Needs the `read` scope and a role with `sim.run`."""
    scope = queries.scope_for_organization(common.organization(request))
    levers = Levers(
        reminders=query.reminders,
        transport=query.transport,
        counsel_rate=query.counsel_rate,
        judges_factor=query.judges_factor,
        wait_weeks=query.wait_weeks,
    )
    return services.run(
        actor=common.actor(request),
        scope=scope,
        request=services.Request(
            scenario=query.scenario, levers=levers, runs=query.runs, seed=query.seed
        ),
        max_runs=services.WEB_MAX_RUNS,
        cached=True,
    )
