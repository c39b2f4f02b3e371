"""``mppdesk audit ...``: the audit log from the command line.

``register_commands`` mounts this group on the top-level ``mppdesk`` group
(``mppdesk.cli``). Django is set up inside the command, so ``--help`` stays instant.
"""

from __future__ import annotations

import click

from mppdesk.core.cli_support import setup_django


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
    setup_django()  # a no-op under tests, where Django is set up; picks the terminal's language
    from mppdesk.audit.verify import verify_chain

    result = verify_chain(chunk_size=chunk_size)
    click.echo(result.message, err=not result.ok)
    if not result.ok:
        raise click.exceptions.Exit(1)


def register_commands(group: click.Group) -> None:
    """Mount ``audit`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(audit_group)
