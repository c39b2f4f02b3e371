"""``mppdesk periodic``: the scheduler of the production layout (one per deployment)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from mppdesk.core.cli_support import setup_django


@click.command("periodic", short_help="Run the periodic jobs (purge, clean-ups, audit verify).")
@click.option("--once", is_flag=True, help="Run the jobs that are due, then exit.")
@click.option("--all", "run_all", is_flag=True, help="With --once: run every job, due or not.")
@click.option(
    "--interval",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds between looks at the schedule.",
)
def periodic_command(once: bool, run_all: bool, interval: float) -> None:
    """Run each job of the schedule when its interval has passed since its last run:
    the retention purge and the audit chain check daily; expired self-service lookup
    counters, sessions and failed logins hourly. Each run is recorded (JobRun) and shown
    in /metrics. Run one per deployment. SIGTERM finishes the job in hand, then exits."""
    setup_django()
    from mppdesk.core import context
    from mppdesk.ops import services

    context.bind(context.RequestContext(channel="worker"))
    if once:
        for run in services.run_due(force=run_all):
            click.echo(f"{run.job}: {run.outcome} ({run.detail})")
        return
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop.is_set():
        services.run_due(stopping=stop.is_set)
        from django.db import close_old_connections

        close_old_connections()
        stop.wait(interval)
    click.echo("Periodic runner stopped.")


def register_commands(group: click.Group) -> None:
    """Mount ``periodic`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(periodic_command)
