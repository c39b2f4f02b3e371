"""``mppdesk incidents export``: the de-identified incident tallies as CSV.

Acts as a named user (``--user``) with ``stats.read``: a coordinator, an analyst or a
monitor organization's analyst (every organization's incidents for a program-wide one).
The figures are those of ``/incidents/tallies/`` (rounded, ``"<5"`` where one rounds to
0); no narrative, name or person is ever written.
"""

from __future__ import annotations

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, setup_django


@click.group("incidents")
def incidents_group() -> None:
    """Incident reports: de-identified tallies."""


@incidents_group.command("export")
@click.option("--user", "username", required=True, help="Export what this user may see.")
@click.option("--port", default=None, help="Port code of the receiving city.")
@click.option("--perpetrator", default=None, help="One perpetrator category.")
@click.option("--from", "from_month", default=None, metavar="YYYY-MM", help="First month.")
@click.option("--to", "to_month", default=None, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
    help="Write to this file instead of standard output.",
)  # fmt: skip
def export_command(
    username: str,
    port: str | None,
    perpetrator: str | None,
    from_month: str | None,
    to_month: str | None,
    output: str | None,
) -> None:
    """Tallies of incidents consented for reporting: month, city, kind, perpetrator."""
    setup_django()
    from django.http import Http404

    from mppdesk.core import context
    from mppdesk.core.errors import FieldErrors
    from mppdesk.incidents import tallies
    from mppdesk.lib import csvfile
    from mppdesk.stats.queries import scope_for

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        actor = get_user(username)
        try:
            scope = scope_for(actor)
        except Http404 as exc:
            raise UserError(
                "user: no stats.read", [f"user: {username!r} may not see the tallies."]
            ) from exc
        try:
            filters = tallies.clean_filters(
                port=port, perpetrator=perpetrator, from_month=from_month, to_month=to_month
            )
        except FieldErrors as exc:
            raise UserError(
                "invalid filters", [f"{f}: {m}" for f, ms in exc.errors.items() for m in ms]
            ) from exc
        result = tallies.tallies(scope, filters)
        tallies.record_export(actor)
    finally:
        context.reset(token)
    body = csvfile.csv_bytes(tallies.CSV_HEADER, tallies.csv_rows(result))
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {len(result.cross)} lines to {output}.", err=True)
    else:
        click.echo(body.decode("utf-8"), nl=False)


def register_commands(group: click.Group) -> None:
    """Mount ``incidents`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(incidents_group)
