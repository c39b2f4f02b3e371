"""``mppdesk people ...``: the people's search index from the command line.

``register_commands`` mounts this group on the top-level ``mppdesk`` group
(``mppdesk.cli``). Django is set up inside the command, so ``--help`` stays instant.
"""

from __future__ import annotations

import click

from mppdesk.core.cli_support import setup_django


@click.group("people")
def people_group() -> None:
    """People: the name-search arrays kept from the name tokens (PostgreSQL)."""


@people_group.command("check-search")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Rebuild the arrays (and their triggers) from the name tokens when they differ.",
)
def check_search(rebuild: bool) -> None:
    """Compare each person's name-search array with their name tokens; exit 0 when they
    agree and the triggers that keep them are on, 1 otherwise (or rebuild with --rebuild).

    Run it after a data fix that bypassed triggers (session_replication_role = replica,
    DISABLE TRIGGER, a data-only restore with --disable-triggers). Reads every token:
    15 s at 1,000,000 people on a 2-core machine. Nothing to compare on SQLite.
    """
    setup_django()
    from django.db import connection

    from mppdesk.people import token_sets

    if connection.vendor != "postgresql":
        click.echo("SQLite: name searches read the tokens themselves; nothing to compare.")
        return
    found = token_sets.check(connection)
    if found.ok:
        click.echo("Name-search arrays agree with the name tokens; triggers on.")
        return
    click.echo(
        f"{found.differences} people's name-search arrays differ from their name tokens; "
        f"{found.triggers} of {len(token_sets.TRIGGERS)} triggers on.",
        err=True,
    )
    if not rebuild:
        click.echo("Run `mppdesk people check-search --rebuild` to rebuild them.", err=True)
        raise click.exceptions.Exit(1)
    token_sets.rebuild(connection)
    again = token_sets.check(connection)
    click.echo(
        "Rebuilt: "
        + ("the arrays agree with the name tokens; triggers on." if again.ok else "still differ.")
    )
    if not again.ok:
        raise click.exceptions.Exit(1)


def register_commands(group: click.Group) -> None:
    """Mount ``people`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(people_group)
