"""``mppdesk tasks refresh``: create the system tasks due from today's data (follow-ups,
in absentia deadlines, expiring documents, unreachable before a hearing). Idempotent: run
it daily from cron, or let the database worker run ``casework.tasks.refresh_system_tasks``
(``--enqueue``). Prints a count only."""

from __future__ import annotations

import click

from mppdesk.core.cli_support import setup_django


@click.group("tasks")
def tasks_group() -> None:
    """Case workers' tasks."""


@tasks_group.command("refresh")
@click.option("--enqueue", is_flag=True, help="Queue it for the task worker instead.")
def refresh_command(enqueue: bool) -> None:
    """Create the system tasks due now (safe to run again)."""
    setup_django()
    if enqueue:
        from mppdesk.casework.tasks import refresh_system_tasks

        refresh_system_tasks.enqueue()
        click.echo("queued")
        return
    from mppdesk.casework.system import refresh_system_tasks as refresh

    click.echo(f"{refresh()} system tasks created")


def register_commands(group: click.Group) -> None:
    """Mount ``tasks`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(tasks_group)
