"""``mppdesk simulate``: the program simulator on the command line.

    mppdesk simulate --scenario baseline-2019 --json
    mppdesk simulate --scenario baseline-2019 --reminders --runs 200 --seed 7
    mppdesk simulate --scenario current --user ana --judges-factor 1.5

One lever per flag, one lever at a time. With ``--user`` the user needs ``sim.run`` and
``current`` counts the organizations in their scope; without it, the whole program (an
operator's command: whoever runs it holds the database already). The text output is
the comparison table and, for ``baseline-2019``, the calibration table (each figure, its
target, the difference and the source); ``--json`` prints all of it with the scenario's
parameters.
"""

from __future__ import annotations

import json
import math
from typing import Any

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, setup_django
from mppdesk.sim.scenarios import SCENARIOS


@click.command("simulate")
@click.option(
    "--scenario",
    type=click.Choice(SCENARIOS),
    default="baseline-2019",
    show_default=True,
    help="The 2019-2021 run as published, or this installation's next 26 weeks.",
)
@click.option("--reminders", is_flag=True, help="Lever: hearing reminders for everyone reachable.")
@click.option("--transport", is_flag=True, help="Lever: a ride to the port on hearing days.")
@click.option(
    "--counsel-rate",
    type=float,
    default=None,
    help="Lever: share with counsel from enrolment (0-1).",
)
@click.option(
    "--judges-factor", type=float, default=None, help="Lever: docket capacity × this (0.1-10)."
)
@click.option(
    "--wait-weeks", type=int, default=None, help="Lever: weeks to the first hearing (0-104)."
)
@click.option("--runs", type=int, default=200, show_default=True, help="Runs (seeds) per scenario.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the first run.")
@click.option(
    "--scale", type=float, default=1.0, show_default=True,
    help="Share of the population simulated (counts are scaled back).",
)  # fmt: skip
@click.option("--user", "username", default=None, help="Run as this user (needs sim.run).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def simulate_command(
    scenario: str,
    reminders: bool,
    transport: bool,
    counsel_rate: float | None,
    judges_factor: float | None,
    wait_weeks: int | None,
    runs: int,
    seed: int,
    scale: float,
    username: str | None,
    as_json: bool,
) -> None:
    """Simulate the program and compare a what-if with its baseline."""
    setup_django()
    from django.core.exceptions import PermissionDenied

    from mppdesk.core import context
    from mppdesk.sim import queries, services
    from mppdesk.sim.scenarios import Levers

    request = services.Request(
        scenario=scenario,
        levers=Levers(
            reminders=reminders,
            transport=transport,
            counsel_rate=counsel_rate,
            judges_factor=judges_factor,
            wait_weeks=wait_weeks,
        ),
        runs=runs,
        seed=seed,
        scale=scale,
        whole_below=0,
    )
    token = context.bind(context.RequestContext(channel="cli"))
    try:
        actor = get_user(username) if username else None
        try:
            scope = queries.scope_for(actor) if actor is not None else queries.Scope(None)
        except PermissionDenied as exc:
            raise UserError(
                "user: no sim.run", [f"user: {username!r} may not run the simulator."]
            ) from exc
        answer = services.run(
            actor=actor, scope=scope, request=request, max_runs=services.CLI_MAX_RUNS, cached=False
        )
    finally:
        context.reset(token)
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    click.echo(as_text(answer))


def _number(value: float, kind: str) -> str:
    if math.isnan(value):
        return "-"
    if kind == "share":
        return f"{value:.3f}"
    if kind == "weeks":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _cell(summary: dict[str, float] | None, kind: str) -> str:
    if summary is None:
        return ""
    return (
        f"{_number(summary['mean'], kind)} "
        f"[{_number(summary['low'], kind)}, {_number(summary['high'], kind)}]"
    )


def as_text(answer: dict[str, Any]) -> str:
    from mppdesk.sim.labels import outcome_label

    levers = answer["levers"]
    title = f"{answer['scenario']}: {answer['runs']} runs, seed {answer['seed']}, as of {answer['as_of']}"
    if levers:
        title += " — " + ", ".join(f"{k}={v}" for k, v in levers.items())
    lines = [title, "=" * len(title)]
    header = ["", "baseline", "what-if" if levers else "", "change" if levers else ""]
    rows = [header]
    for line in answer["outcomes"]:
        kind = line["kind"]
        rows.append(
            [
                str(outcome_label(line["name"])),
                _cell(line["baseline"], kind),
                _cell(line["scenario"], kind),
                _cell(line["change"], kind),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(
        f"[low, high]: {answer['interval_percentiles'][0]}–{answer['interval_percentiles'][1]} percentiles over runs"
    )
    if answer["reminder_effect"]:
        effect = answer["reminder_effect"]
        lines.append(
            f"reminder effect drawn per run from the published range: mean {effect['mean']:.3f} "
            f"[{effect['low']:.3f}, {effect['high']:.3f}]"
        )
    if answer["calibration"]:
        lines += ["", "Calibration (baseline-2019 against the published figures)", ""]
        lines.append(f"{'figure':<36} {'model':>7} {'target':>7} {'diff':>7}  ok  source")
        for row in answer["calibration"]:
            ok = "yes" if row["within_tolerance"] else "NO"
            lines.append(
                f"{row['name']:<36} {row['model']:7.3f} {row['target']:7.3f} "
                f"{row['difference']:+7.3f}  {ok:<3} {row['source']}"
            )
    lines.append(f"\n{answer['seconds']:.1f} s")
    return "\n".join(lines)


def register_commands(group: click.Group) -> None:
    """Mount ``simulate`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(simulate_command)
