"""``mppdesk dockets`` and ``mppdesk schedule``: dockets and the scheduler from the command line.

``mppdesk dockets generate --venue CODE --from D --to D [--user NAME]`` creates a
venue's dockets from its weekly templates (idempotent: existing dockets are kept). With
``--user`` the command acts as that staff member, who needs ``docket.manage``; without
it, it runs as the operator (no user in the audit log), like ``mppdesk demo``.
Dockets hold no personal data, so the output can name them freely.

``mppdesk schedule --venue CODE [--venue CODE...] --from D --to D [--dry-run] [--commit]
[--user NAME]`` runs the optimizing scheduler (``hearings.scheduling.propose``) and
prints its summary: cases placed, left out by reason, weighted waiting against first
come, first served, the LP bound and gap, the time. It saves the proposal for review in
the web app (its id is printed), commits it at once with ``--commit``, or writes
nothing with ``--dry-run``. The output holds ids and counts only.
Django is set up inside each command, so ``--help`` stays instant.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, progress_bar, setup_django

if TYPE_CHECKING:
    from mppdesk.hearings.models_scheduling import ScheduleProposal
    from mppdesk.places.models import Venue


@click.group("dockets")
def dockets_group() -> None:
    """Hearing dockets: generate them from weekly templates, list them."""


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(f"{option}: use YYYY-MM-DD.", [f"{option}: use YYYY-MM-DD."]) from exc


def _venue(code: str) -> Venue:
    from mppdesk.places.models import Venue

    venue: Venue | None = Venue.objects.filter(code=code).first()
    if venue is None:
        codes = ", ".join(Venue.objects.order_by("code").values_list("code", flat=True))
        raise UserError(
            f"venue: no venue {code!r}.", [f"venue: no venue {code!r}.", f"Venues: {codes}"]
        )
    return venue


@dockets_group.command("generate")
@click.option(
    "--venue", "venue_code", required=True, help="Venue code, e.g. el-paso-immigration-court."
)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date (inclusive), YYYY-MM-DD.")
@click.option("--user", "username", default=None, help="Act as this coordinator (docket.manage).")
def generate_command(venue_code: str, start: str, end: str, username: str | None) -> None:
    """Create the venue's dockets for a period from its active weekly templates."""
    setup_django()
    from django.core.exceptions import PermissionDenied

    from mppdesk.hearings import dockets as docket_services
    from mppdesk.hearings.models import DocketTemplate

    first, last = _date(start, "from"), _date(end, "to")
    actor = get_user(username) if username else None
    venue = _venue(venue_code)
    templates = DocketTemplate.objects.filter(venue=venue, active=True).count()
    if templates == 0:
        raise UserError(
            "venue: no active weekly templates.",
            [f"venue: {venue_code!r} has no active weekly templates; add some first."],
        )
    try:
        with progress_bar("days", desc="dockets") as progress:
            result = docket_services.generate_dockets(
                actor=actor, venue=venue, start=first, end=last, progress=progress
            )
    except PermissionDenied as exc:
        raise UserError(
            "user: no docket.manage", [f"user: {username!r} may not manage dockets."]
        ) from exc
    click.echo(
        f"{venue_code}: {result.created} dockets created, {result.skipped} already there, "
        f"{result.days} days from {first} to {last} ({templates} weekly templates); "
        f"{result.closed_days} days the court does not sit (federal holidays, closures)."
    )


@dockets_group.command("list")
@click.option("--venue", "venue_code", required=True, help="Venue code.")
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date (inclusive), YYYY-MM-DD.")
def list_command(venue_code: str, start: str, end: str) -> None:
    """Dockets of a venue with places booked and capacity (tab-separated)."""
    setup_django()
    from mppdesk.hearings.models import Docket

    venue = _venue(venue_code)
    rows = Docket.objects.filter(
        venue=venue, date__gte=_date(start, "from"), date__lte=_date(end, "to")
    ).order_by("date", "session", "courtroom")
    for docket in rows:
        click.echo(
            "\t".join(
                [
                    str(docket.pk),
                    docket.date.isoformat(),
                    docket.session,
                    docket.starts_at.strftime("%H:%M"),
                    docket.courtroom,
                    docket.judge,
                    f"{docket.booked}/{docket.capacity}",
                    ",".join(docket.interpreter_languages or []),
                ]
            )
        )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.2f} %"


def proposal_summary(proposal: ScheduleProposal) -> list[str]:
    """The lines ``mppdesk schedule`` prints (ids and figures only: no personal data)."""
    lines = [
        f"Venues: {', '.join(proposal.venue_codes)}; dockets from {proposal.period_start} "
        f"to {proposal.period_end} (as of {proposal.as_of}, notice lead "
        f"{proposal.lead_days} days).",
        f"Pending cases: {proposal.cases_considered}; dockets with room: "
        f"{proposal.dockets_considered}.",
        f"Placed: {proposal.cases_placed} cases ({proposal.people_placed} people).",
    ]
    if proposal.unassigned_counts:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(proposal.unassigned_counts.items()))
        lines.append(f"Left out: {proposal.cases_unassigned} cases ({reasons}).")
    else:
        lines.append("Left out: none.")
    greedy = proposal.greedy_weighted_waiting
    if greedy is not None:
        diff = proposal.improvement
        change = (
            "n/a" if diff is None else f"{abs(diff) * 100:.2f} % {'less' if diff >= 0 else 'more'}"
        )
        lines.append(
            f"Weighted waiting: {proposal.weighted_waiting:,.1f} person-days; first come, first "
            f"served: {greedy:,.1f} ({change}; greedy placed {proposal.greedy_cases_placed} "
            "cases)."
        )
    bound = "n/a" if proposal.lp_bound is None else f"{proposal.lp_bound:,.1f}"
    lines.append(
        f"Objective: {proposal.objective:,.1f}; LP bound: {bound}; gap: {_pct(proposal.gap)}."
    )
    lines.append(f"Solve time: {proposal.solve_seconds:.2f} s ({proposal.method}).")
    return lines


@click.command("schedule")
@click.option(
    "--venue",
    "venue_codes",
    required=True,
    multiple=True,
    help="Venue code (repeat for several), e.g. el-paso-immigration-court.",
)
@click.option("--from", "start", required=True, help="First docket date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last docket date (inclusive), YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="Show the summary; write nothing.")
@click.option("--commit", "commit", is_flag=True, help="Commit the proposal at once.")
@click.option("--user", "username", default=None, help="Act as this coordinator (docket.manage).")
@click.option(
    "--lead-days", default=10, show_default=True, type=int, help="Notice lead time in days."
)
@click.option(
    "--time-limit", default=120.0, show_default=True, type=float, help="Solver time limit (s)."
)
def schedule_command(
    venue_codes: tuple[str, ...],
    start: str,
    end: str,
    dry_run: bool,
    commit: bool,
    username: str | None,
    lead_days: int,
    time_limit: float,
) -> None:
    """Propose hearings for the pending cases of the venue(s) over a period.

    Saves the proposal for review in MPP Desk (its id is printed), or with --commit
    schedules it at once; --dry-run writes nothing.
    """
    setup_django()
    from django.core.exceptions import PermissionDenied

    from mppdesk.hearings import queries, scheduling

    if dry_run and commit:
        raise UserError("--dry-run and --commit", ["Choose --dry-run or --commit, not both."])
    first, last = _date(start, "from"), _date(end, "to")
    for code in venue_codes:
        _venue(code)
    actor = get_user(username) if username else None
    if actor is not None and not queries.may_manage_dockets(actor):
        raise UserError("user: no docket.manage", [f"user: {username!r} may not schedule."])
    try:
        proposal = scheduling.propose(
            actor=actor,
            venue_codes=list(venue_codes),
            start=first,
            end=last,
            dry_run=dry_run,
            lead_days=lead_days,
            time_limit=time_limit,
        )
    except PermissionDenied as exc:
        raise UserError(
            "user: no docket.manage", [f"user: {username!r} may not schedule."]
        ) from exc
    for line in proposal_summary(proposal):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was saved.")
        return
    if not commit:
        click.echo(
            f"Proposal {proposal.pk} saved: review it in MPP Desk, then commit or discard it."
        )
        return
    try:
        committed = scheduling.commit_proposal(actor=actor, proposal=proposal)
    except PermissionDenied as exc:
        raise UserError(
            "user: no docket.manage", [f"user: {username!r} may not schedule these cases."]
        ) from exc
    hearings = committed.items.filter(hearing__isnull=False).count()
    click.echo(f"Proposal {committed.pk} committed: {hearings} hearings scheduled.")


def register_commands(group: click.Group) -> None:
    """Mount ``dockets`` and ``schedule`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(dockets_group)
    group.add_command(schedule_command)
