"""``mppdesk audit ...``: the audit log from the command line.

The lead registers this group on the top-level ``mppdesk`` group in ``mppdesk/cli.py``
(``cli.add_command(audit_group)``). It sets Django up through ``mppdesk.cli`` when run
from the console script; under tests Django is already set up.
"""

from __future__ import annotations

import sys

import click


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log: check that nothing was altered, deleted or inserted."""


@audit_group.command("verify")
@click.option(
    "--chunk-size",
    type=click.IntRange(100),
    default=2000,
    show_default=True,
    help="Entries fetched from the database at a time.",
)
def verify(chunk_size: int) -> None:
    """Walk the chain in order; exit 0 when intact, 1 naming the first bad entry."""
    cli = sys.modules.get("mppdesk.cli")
    if cli is not None:  # the console script: set Django up and pick the terminal's language
        cli.setup_django()
    from mppdesk.audit.verify import verify_chain

    result = verify_chain(chunk_size=chunk_size)
    click.echo(result.message, err=not result.ok)
    if not result.ok:
        raise click.exceptions.Exit(1)
